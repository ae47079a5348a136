// SPDX-License-Identifier: GPL-2.0
/*
 * Once the VM is built, the VMM needs very few system calls: KVM_RUN and
 * a few other ioctls, read/write for the console and eventfds, the disk
 * images' preadv/pwritev/fdatasync, poll, futex for its threads, memory
 * release, and exit.  Like Firecracker we
 * install an allow-list filter on every thread (SECCOMP_FILTER_FLAG_TSYNC)
 * before the first KVM_RUN, so a guest that found a bug in our device
 * models could not, say, open files or exec.  Anything else kills the
 * process (SECCOMP_RET_KILL_PROCESS).  The list is documented in
 * docs/microvm.md; keep the two in sync.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "base/util.h"
#include "vmm/vm.h"

#define LD_NR \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARG_LO(n)                       \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
		 offsetof(struct seccomp_data, args[n]))
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define KILL BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
/* if (A == nr) allow, else fall through */
#define SYSCALL(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), ALLOW

int vmm_seccomp_install(struct errbuf *eb)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		KILL,
		LD_NR,
		/* the x32 ABI would alias every number below */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		KILL,
		SYSCALL(__NR_read),
		SYSCALL(__NR_write),
		SYSCALL(__NR_writev),
		SYSCALL(__NR_pread64),
		/* virtio-blk requests (blk.c), in the I/O or vCPU threads */
		SYSCALL(__NR_preadv),
		SYSCALL(__NR_pwritev),
		SYSCALL(__NR_pwrite64),
		SYSCALL(__NR_fdatasync),
		SYSCALL(__NR_close),
		SYSCALL(__NR_poll),
		SYSCALL(__NR_ppoll),
		SYSCALL(__NR_futex),
		SYSCALL(__NR_rt_sigreturn),
		SYSCALL(__NR_rt_sigprocmask),
		SYSCALL(__NR_tgkill),
		SYSCALL(__NR_getpid),
		SYSCALL(__NR_gettid),
		SYSCALL(__NR_clock_gettime),
		SYSCALL(__NR_gettimeofday), /* vDSO fallbacks */
		SYSCALL(__NR_time),
		SYSCALL(__NR_clock_nanosleep),
		SYSCALL(__NR_nanosleep),
		SYSCALL(__NR_sched_yield),
		SYSCALL(__NR_restart_syscall),
		SYSCALL(__NR_brk),
		SYSCALL(__NR_munmap),
		SYSCALL(__NR_madvise),
		SYSCALL(__NR_mremap),
		SYSCALL(__NR_fstat),
		SYSCALL(__NR_newfstatat),
		SYSCALL(__NR_lseek),
		SYSCALL(__NR_exit),
		SYSCALL(__NR_exit_group),
		/* a new thread registers these before it reaches our code */
		SYSCALL(__NR_rseq),
		SYSCALL(__NR_set_robust_list),
		/* mmap/mprotect: never executable */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 4),
		LD_ARG_LO(2),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
		KILL,
		ALLOW,
		/* ioctl: only the requests the run loop and tty restore use */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 1, 0),
		KILL,
		LD_ARG_LO(1),
		SYSCALL(KVM_RUN),
		SYSCALL(KVM_IRQ_LINE),
		SYSCALL(KVM_GET_REGS),
		SYSCALL(KVM_GET_MP_STATE),
		SYSCALL(TCGETS),
		SYSCALL(TCSETS),
		SYSCALL(TCSETSW),
		SYSCALL(TCSETSF),
		KILL,
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(filter),
		.filter = filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errbuf_errno(eb, errno, "PR_SET_NO_NEW_PRIVS");
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
		return errbuf_errno(eb, errno, "seccomp filter");
	return 0;
}
