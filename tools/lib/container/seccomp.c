// SPDX-License-Identifier: GPL-2.0
/*
 * The default seccomp filter: a raw classic-BPF deny list.  Every entry is
 * justified in docs/containers.md ("Seccomp").  The filter checks the audit
 * architecture first: a foreign ABI (i386 via int 0x80, x32) would reach
 * the same kernel functions under different syscall numbers and slip past
 * a list of x86-64 numbers.  A foreign audit arch (i386) kills the process;
 * x32 numbers (nr >= 0x40000000 on the x86-64 arch) fail with EPERM.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "container.h"

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#else
#error "isolens seccomp: add this architecture's AUDIT_ARCH"
#endif

/* Not every libc header knows the newest syscalls. */
#ifndef __NR_open_tree
#define __NR_open_tree 428
#define __NR_move_mount 429
#define __NR_fsopen 430
#define __NR_fsconfig 431
#define __NR_fsmount 432
#define __NR_fspick 433
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

struct denied {
	const char *name;
	int nr;
};

static const struct denied deny_always[] = {
	{ "init_module", __NR_init_module },
	{ "finit_module", __NR_finit_module },
	{ "delete_module", __NR_delete_module },
	{ "kexec_load", __NR_kexec_load },
	{ "kexec_file_load", __NR_kexec_file_load },
	{ "bpf", __NR_bpf },
	{ "perf_event_open", __NR_perf_event_open },
	{ "keyctl", __NR_keyctl },
	{ "add_key", __NR_add_key },
	{ "request_key", __NR_request_key },
	{ "reboot", __NR_reboot },
};

/* Mounting is only harmless inside a user namespace the container owns. */
static const struct denied deny_no_userns[] = {
	{ "mount", __NR_mount },
	{ "umount2", __NR_umount2 },
	{ "pivot_root", __NR_pivot_root },
	{ "open_tree", __NR_open_tree },
	{ "move_mount", __NR_move_mount },
	{ "fsopen", __NR_fsopen },
	{ "fsconfig", __NR_fsconfig },
	{ "fsmount", __NR_fsmount },
	{ "fspick", __NR_fspick },
	{ "mount_setattr", __NR_mount_setattr },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const seccomp_denied_always[] = {
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "bpf", "perf_event_open", "keyctl", "add_key",
	"request_key", "reboot", NULL,
};
const char *const seccomp_denied_without_userns[] = {
	"mount", "umount2", "pivot_root", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", NULL,
};

static void emit(struct sock_filter *prog, size_t *n, struct sock_filter i)
{
	prog[(*n)++] = i;
}

/*
 * Layout:
 *   0  ld arch
 *   1  jeq NATIVE ? 3 : 2
 *   2  ret KILL_PROCESS
 *   3  ld nr
 *   4  jge X32_SYSCALL_BIT ? 2-ish (kill) : next       (x86-64 only)
 *   .. jeq nr_k ? deny : next   (one per denied syscall)
 *   .  ret ALLOW
 *   .  ret ERRNO(EPERM)
 */
int seccomp_filter_build(struct sock_filter *prog, size_t max, bool userns)
{
	size_t n = 0, i, ndeny = N(deny_always) + (userns ? 0 : N(deny_no_userns));
	size_t total = 4 + ndeny + 2;
	size_t deny_at;

#ifdef X32_SYSCALL_BIT
	total++;
#endif
	if (total > max)
		return -ENOSPC;
	deny_at = total - 1;
	emit(prog, &n, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch)));
	emit(prog, &n, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		SECCOMP_ARCH, 1, 0));
	emit(prog, &n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_KILL_PROCESS));
	emit(prog, &n, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr)));
#ifdef X32_SYSCALL_BIT
	/* jt is relative to the next instruction: back to "ret KILL" is not
	 * possible (jumps go forward only), so x32 lands on the EPERM return. */
	emit(prog, &n, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		X32_SYSCALL_BIT, (uint8_t)(deny_at - n - 1), 0));
#endif
	for (i = 0; i < ndeny; i++) {
		const struct denied *d = i < N(deny_always) ?
			&deny_always[i] : &deny_no_userns[i - N(deny_always)];

		emit(prog, &n, (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr,
			(uint8_t)(deny_at - n - 1), 0));
	}
	emit(prog, &n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW));
	emit(prog, &n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
	return (int)n;
}

/* Needs no_new_privs (or CAP_SYS_ADMIN): the caller sets it first. */
int seccomp_install(bool userns, struct errbuf *eb)
{
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	struct sock_fprog fprog;
	int n = seccomp_filter_build(prog, SECCOMP_FILTER_MAX, userns);

	if (n < 0)
		return errbuf_set(eb, -n, "seccomp filter too long");
	fprog.len = (unsigned short)n;
	fprog.filter = prog;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog))
		return errbuf_errno(eb, errno, "installing the seccomp filter");
	return 0;
}
