// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: the smallest useful VMM on the raw KVM API.  It runs a 16-bit
 * real-mode guest that prints a line through a serial port, writes one
 * byte where no RAM is, and halts.  Lab 06, reference solution.
 *
 *   minivmm            run the built-in guest
 *   minivmm FILE       run FILE's bytes as the guest instead (at 0x1000)
 *
 * Every exit is hostile input: check what the guest asked for before
 * acting on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_RAM (32 * 1024) /* guest-physical 0..32 KiB; above is MMIO */
#define GUEST_LOAD 0x1000
#define SERIAL_PORT 0x3f8

/*
 *	mov dx, 0x3f8
 *	mov si, msg
 * next:	lodsb
 *	test al, al
 *	jz done
 *	out dx, al
 *	jmp next
 * done:	mov byte [0x9000], 0x2a	; no RAM there: an MMIO exit
 *	hlt
 * msg:	db "Hello from the guest", 10, 0
 */
/* clang-format off */
static const uint8_t builtin_guest[] = {
	0xba, 0xf8, 0x03, 0xbe, 0x14, 0x10, 0xac, 0x84, 0xc0, 0x74, 0x03,
	0xee, 0xeb, 0xf8, 0xc6, 0x06, 0x00, 0x90, 0x2a, 0xf4,
	'H', 'e', 'l', 'l', 'o', ' ', 'f', 'r', 'o', 'm', ' ', 't', 'h',
	'e', ' ', 'g', 'u', 'e', 's', 't', '\n', 0,
};
/* clang-format on */

static int die(const char *what)
{
	fprintf(stderr, "minivmm: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	unsigned long io_exits = 0, mmio_exits = 0;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *ram;
	int kvm, vm, vcpu, ret = 1;
	long run_size;
	ssize_t len;

	/* TODO 1: the KVM system fd, its API version, a VM */
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die("/dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "minivmm: KVM API version is not %d\n",
			KVM_API_VERSION);
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return die("KVM_CREATE_VM");

	/* TODO 2: guest RAM is our anonymous memory, handed to KVM as slot 0 */
	ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return die("mmap guest RAM");
	if (argc > 1) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0)
			return die(argv[1]);
		len = read(fd, ram + GUEST_LOAD, GUEST_RAM - GUEST_LOAD);
		close(fd);
		if (len <= 0)
			return die(argv[1]);
	} else {
		memcpy(ram + GUEST_LOAD, builtin_guest, sizeof(builtin_guest));
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_RAM,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		return die("KVM_SET_USER_MEMORY_REGION");

	/* TODO 3: one vCPU, and its shared kvm_run page */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return die("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		return die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return die("mmap kvm_run");

	/* TODO 4: real mode, code segment at 0, start at GUEST_LOAD */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		return die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		return die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_LOAD;
	regs.rflags = 0x2; /* bit 1 is reserved and must be set */
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		return die("KVM_SET_REGS");

	/* TODO 5: run until HLT, handling each exit KVM hands us */
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return die("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			io_exits++;
			if (run->io.direction != KVM_EXIT_IO_OUT ||
			    run->io.port != SERIAL_PORT || run->io.size != 1 ||
			    run->io.count != 1) {
				fprintf(stderr,
					"minivmm: unexpected I/O: %s port 0x%x size %u count %u\n",
					run->io.direction == KVM_EXIT_IO_OUT ?
						"out" :
						"in",
					run->io.port, run->io.size,
					run->io.count);
				goto out;
			}
			/* the byte is in the kvm_run page, at data_offset */
			putchar(*((uint8_t *)run + run->io.data_offset));
			break;
		case KVM_EXIT_MMIO:
			mmio_exits++;
			printf("mmio %s 0x%llx size %u data 0x%x\n",
			       run->mmio.is_write ? "write" : "read",
			       (unsigned long long)run->mmio.phys_addr,
			       run->mmio.len, run->mmio.data[0]);
			break;
		case KVM_EXIT_HLT:
			printf("exits: io=%lu mmio=%lu hlt=1\n", io_exits,
			       mmio_exits);
			ret = 0;
			goto out;
		default:
			fprintf(stderr, "minivmm: unexpected exit reason %u\n",
				run->exit_reason);
			goto out;
		}
	}
out:
	fflush(stdout);
	munmap(run, run_size);
	close(vcpu);
	munmap(ram, GUEST_RAM);
	close(vm);
	close(kvm);
	return ret;
}
