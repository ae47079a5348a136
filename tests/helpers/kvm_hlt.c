// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest KVM guest: 16-bit code that writes one byte to port 0x3f8
 * and halts.  Prints each exit; exits 0 only if the guest reached HLT after
 * exactly the expected port write.  Independent of isolens' own VMM, so it
 * checks the platform (that /dev/kvm runs guests), not our code.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	/* mov dx,0x3f8; mov al,'K'; out dx,al; hlt */
	static const unsigned char code[] = { 0xba, 0xf8, 0x03, 0xb0,
					      'K',  0xee, 0xf4 };
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	struct kvm_run *run;
	int kvm, vm, vcpu, size, i, io = 0;
	void *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("open /dev/kvm");
		return 2;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED) {
		perror("KVM_CREATE_VM");
		return 2;
	}
	memcpy((char *)mem + 0x1000, code, sizeof(code));
	region.memory_size = 0x10000;
	region.userspace_addr = (unsigned long)mem;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0 || vcpu < 0 ||
	    size <= 0) {
		perror("KVM setup");
		return 2;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
		perror("vcpu setup");
		return 2;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
		perror("KVM_SET_*REGS");
		return 2;
	}
	for (i = 0; i < 16; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			perror("KVM_RUN");
			return 2;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			printf("exit io port=0x%x dir=%s byte=%c\n",
			       run->io.port,
			       run->io.direction == KVM_EXIT_IO_OUT ? "out" :
								      "in",
			       *((char *)run + run->io.data_offset));
			io++;
			break;
		case KVM_EXIT_HLT:
			printf("exit hlt\n");
			return io == 1 ? 0 : 1;
		default:
			printf("exit reason %u\n", run->exit_reason);
			return 1;
		}
	}
	return 1;
}
