// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: the smallest useful VMM on the raw KVM API.  It runs a 16-bit
 * real-mode guest that prints a line through a serial port, writes one
 * byte where no RAM is, and halts.  Lab 06: fill in the numbered TODOs.
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

	/* TODO 1: open /dev/kvm (O_RDWR | O_CLOEXEC), check that
	 * KVM_GET_API_VERSION gives KVM_API_VERSION (12), then KVM_CREATE_VM.
	 * On any failure: return die("what failed"). */
	kvm = vm = -1;
	errno = ENOSYS;
	return die("TODO 1");

	/* TODO 2: guest RAM: GUEST_RAM bytes of anonymous memory (mmap). */
	ram = NULL;
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
	/* ... then hand it to KVM: slot 0 at guest-physical address 0
	 * (struct kvm_userspace_memory_region, KVM_SET_USER_MEMORY_REGION). */
	(void)region;

	/* TODO 3: KVM_CREATE_VCPU (id 0); map its struct kvm_run, whose size
	 * KVM_GET_VCPU_MMAP_SIZE on the system fd gives, from the vCPU fd. */
	vcpu = -1;
	run_size = 0;
	run = NULL;

	/* TODO 4: the vCPU starts in real mode with CS based at 0xffff0000:
	 * set cs (and ds) base and selector to 0 (KVM_GET_SREGS, change,
	 * KVM_SET_SREGS), then rip = GUEST_LOAD and rflags = 0x2 (KVM_SET_REGS). */
	(void)sregs;
	(void)regs;

	/* TODO 5: loop on KVM_RUN (retry on EINTR) and switch on
	 * run->exit_reason:
	 * - KVM_EXIT_IO: only a 1-byte OUT to SERIAL_PORT is allowed (check
	 *   direction, port, size and count; anything else: print what the
	 *   guest asked for to stderr and stop with status 1).  The byte is in
	 *   the kvm_run page at run->io.data_offset: putchar() it.  Count it.
	 * - KVM_EXIT_MMIO: print
	 *   "mmio write 0x9000 size 1 data 0x2a" (phys_addr, len, data[0])
	 *   and count it.
	 * - KVM_EXIT_HLT: print "exits: io=N mmio=N hlt=1" and stop, status 0.
	 * - anything else: say which reason on stderr, stop with status 1. */
	(void)io_exits;
	(void)mmio_exits;
	(void)len;
	goto out;
out:
	fflush(stdout);
	munmap(run, run_size);
	close(vcpu);
	munmap(ram, GUEST_RAM);
	close(vm);
	close(kvm);
	return ret;
}
