// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold: keep one empty KVM VM open for the lab VM's whole life.
 *
 * Creating the first VM and destroying the last one flips the scheduler's
 * preempt-notifier static key, and the kernel live-patches
 * finish_task_switch() (int3 first, then the new bytes) while the other CPU
 * keeps running it.  Under QEMU's multi-threaded TCG that CPU can go on
 * executing a stale translation holding the int3: the kernel sees the int3
 * is gone, returns to the same address, traps again, and the lab VM hangs in
 * a soft lockup.  With one VM always open the key never flips back, so
 * `isolens vm` can create and destroy VMs as often as tests need.
 *
 * The first flip is made safe the same way: under TCG the lab VM boots
 * with one CPU online (maxcpus=1), and the init brings the others up only
 * once this program has returned, that is once its VM exists (the child
 * keeps it open).
 *
 * Freestanding (no libc) so that it is a few hundred bytes in the initramfs.
 */
#include <linux/kvm.h>
#include <fcntl.h>

#include "base/nolibc.h"

void __attribute__((noreturn, used)) hold_main(void)
{
	long kvm, vm;

	kvm = sys3(__NR_open, (long)"/dev/kvm", O_RDWR | O_CLOEXEC, 0);
	vm = kvm < 0 ? kvm : sys3(__NR_ioctl, kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		say("kvm-hold: cannot create a KVM VM; VM churn may hang a TCG lab VM\n");
		sys3(__NR_exit, 1, 0, 0);
	}
	/*
	 * The VM exists, so the key has flipped: the parent returns to the
	 * init, which may now bring the other CPUs up; the child holds it.
	 */
	if (sys3(__NR_fork, 0, 0, 0) != 0)
		sys3(__NR_exit, 0, 0, 0);
	for (;;)
		sys3(__NR_pause, 0, 0, 0);
}

/* The kernel enters with %rsp 16-byte aligned; a call keeps the ABI's view. */
asm(".globl _start\n"
    "_start:\n"
    "	xor %ebp, %ebp\n"
    "	call hold_main\n"
    "	hlt\n");
