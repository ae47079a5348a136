// SPDX-License-Identifier: GPL-2.0
/*
 * System and VM ioctls.  Every step a VMM takes before the first KVM_RUN
 * lives here or in vcpu.c; docs/microvm.md walks through them in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/kvm.h"

/* Intel VMX needs three pages for a real-mode TSS and one for an identity
 * map; placed just below 4 GiB where no guest RAM or device lives. */
#define KVM_TSS_ADDR 0xfffbd000ULL
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ULL

int kvm_open(struct kvm *kvm, const char *dev, struct errbuf *eb)
{
	int ret, err;

	memset(kvm, 0, sizeof(*kvm));
	kvm->vm_fd = -1;
	kvm->sys_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm->sys_fd < 0)
		return errbuf_errno(eb, errno, "cannot open %s", dev);

	ret = ioctl(kvm->sys_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		err = errbuf_set(eb, ENOTSUP, "%s: KVM API version %d, need %d",
				 dev, ret, KVM_API_VERSION);
		goto out_close;
	}
	ret = ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct kvm_run)) {
		err = errbuf_errno(eb, ret < 0 ? errno : EINVAL,
				   "KVM_GET_VCPU_MMAP_SIZE");
		goto out_close;
	}
	kvm->run_size = ret;

	/* the type argument 0 is the default x86 VM */
	do
		kvm->vm_fd = ioctl(kvm->sys_fd, KVM_CREATE_VM, 0);
	while (kvm->vm_fd < 0 && errno == EINTR);
	if (kvm->vm_fd < 0) {
		err = errbuf_errno(eb, errno, "KVM_CREATE_VM");
		goto out_close;
	}
	return 0;

out_close:
	close(kvm->sys_fd);
	kvm->sys_fd = -1;
	return err;
}

void kvm_close(struct kvm *kvm)
{
	if (kvm->vm_fd >= 0)
		close(kvm->vm_fd);
	if (kvm->sys_fd >= 0)
		close(kvm->sys_fd);
	kvm->vm_fd = kvm->sys_fd = -1;
}

int kvm_check_extension(struct kvm *kvm, unsigned int cap)
{
	int ret = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

int kvm_set_memory(struct kvm *kvm, unsigned int slot, uint64_t gpa, void *hva,
		   uint64_t size, struct errbuf *eb)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(kvm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return errbuf_errno(
			eb, errno,
			"KVM_SET_USER_MEMORY_REGION slot %u at 0x%llx (%llu bytes)",
			slot, (unsigned long long)gpa,
			(unsigned long long)size);
	return 0;
}

int kvm_create_irqchip(struct kvm *kvm, struct errbuf *eb)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (!kvm_check_extension(kvm, KVM_CAP_IRQCHIP))
		return errbuf_set(
			eb, ENOTSUP,
			"KVM has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
	/* Intel only, harmless elsewhere; must precede vCPU creation */
	if (ioctl(kvm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_TSS_ADDR");
	if (kvm_check_extension(kvm, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
		uint64_t addr = KVM_IDENTITY_MAP_ADDR;

		if (ioctl(kvm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0)
			return errbuf_errno(eb, errno,
					    "KVM_SET_IDENTITY_MAP_ADDR");
	}
	if (ioctl(kvm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return errbuf_errno(eb, errno, "KVM_CREATE_IRQCHIP");
	if (!kvm_check_extension(kvm, KVM_CAP_PIT2))
		return errbuf_set(eb, ENOTSUP,
				  "KVM has no in-kernel PIT (KVM_CAP_PIT2)");
	if (ioctl(kvm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return errbuf_errno(eb, errno, "KVM_CREATE_PIT2");
	kvm->irqchip = true;
	return 0;
}

int kvm_irq_line(struct kvm *kvm, unsigned int irq, int level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	if (!kvm->irqchip)
		return 0; /* teaching guests run without interrupts */
	if (ioctl(kvm->vm_fd, KVM_IRQ_LINE, &line) < 0)
		return -errno;
	return 0;
}

int kvm_enable_user_msr(struct kvm *kvm, struct errbuf *eb)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = KVM_MSR_EXIT_REASON_UNKNOWN,
	};

	if (!kvm_check_extension(kvm, KVM_CAP_X86_USER_SPACE_MSR))
		return errbuf_set(
			eb, ENOTSUP,
			"KVM cannot forward MSR accesses (KVM_CAP_X86_USER_SPACE_MSR)");
	if (ioctl(kvm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return errbuf_errno(eb, errno,
				    "KVM_ENABLE_CAP(X86_USER_SPACE_MSR)");
	kvm->user_msr = true;
	return 0;
}
