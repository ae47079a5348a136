// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/cpuid.h"

#define CPUID_MAX_ENTRIES 512
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

int cpuid_get_supported(struct kvm *kvm, struct kvm_cpuid2 **out,
			struct errbuf *eb)
{
	unsigned int n;

	/* KVM says E2BIG until the buffer is large enough */
	for (n = 64; n <= CPUID_MAX_ENTRIES; n *= 2) {
		struct kvm_cpuid2 *c;

		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return errbuf_errno(eb, ENOMEM, "cpuid table");
		c->nent = n;
		if (!ioctl(kvm->sys_fd, KVM_GET_SUPPORTED_CPUID, c)) {
			*out = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			return errbuf_errno(eb, errno,
					    "KVM_GET_SUPPORTED_CPUID");
	}
	return errbuf_set(eb, E2BIG,
			  "KVM_GET_SUPPORTED_CPUID: more than %d leaves",
			  CPUID_MAX_ENTRIES);
}

int cpuid_set_vcpu(int vcpu_fd, const struct kvm_cpuid2 *supported,
		   unsigned int id, unsigned int nr, struct errbuf *eb)
{
	size_t size = sizeof(*supported) +
		      supported->nent * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	unsigned int i;
	int err = 0;

	if (!c)
		return errbuf_errno(eb, ENOMEM, "cpuid table");
	memcpy(c, supported, size);
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			/* initial APIC ID and logical processor count */
			e->ebx = (e->ebx & 0x0000ffff) | (id << 24) |
				 ((nr & 0xff) << 16);
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			break;
		case 0xb:
		case 0x1f:
			e->edx = id; /* x2APIC ID */
			break;
		}
	}
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0)
		err = errbuf_errno(eb, errno, "KVM_SET_CPUID2");
	free(c);
	return err;
}
