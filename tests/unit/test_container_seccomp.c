// SPDX-License-Identifier: GPL-2.0
/*
 * The default seccomp filter's shape, checked by running it through a small
 * classic-BPF interpreter over synthetic seccomp_data.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "container/container.h"
#include "unit.h"

/* Only what the filter uses: ld abs, jeq/jge k, ret k. */
static uint32_t run(const struct sock_filter *p, int n, uint32_t arch,
		    uint32_t nr)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch };
	uint32_t a = 0;
	int pc = 0;

	while (pc < n) {
		const struct sock_filter *i = &p[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&a, (char *)&d + i->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == i->k ? i->jt : i->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= i->k ? i->jt : i->jf);
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xdeadbeef; /* unexpected opcode */
		}
	}
	return 0xdeadbeef; /* fell off the end */
}

#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)

static const int always[] = {
	__NR_init_module, __NR_finit_module, __NR_delete_module,
	__NR_kexec_load, __NR_kexec_file_load, __NR_bpf,
	__NR_perf_event_open, __NR_keyctl, __NR_add_key, __NR_request_key,
	__NR_reboot,
};
static const int mounts[] = {
	__NR_mount, __NR_umount2, __NR_pivot_root, 428, 429, 430, 431, 432,
	433, 442,
};
static const int allowed[] = {
	__NR_read, __NR_write, __NR_execve, __NR_clone, __NR_clone3,
	__NR_unshare, __NR_getpid, __NR_capset, __NR_exit_group,
};

static void test_shape(void)
{
	struct sock_filter p[SECCOMP_FILTER_MAX];
	int n = seccomp_filter_build(p, SECCOMP_FILTER_MAX, false);

	CHECK(n > 0 && n <= SECCOMP_FILTER_MAX);
	/* first: the audit arch, and a kill for anything foreign */
	CHECK_EQ(p[0].code, BPF_LD | BPF_W | BPF_ABS);
	CHECK_EQ(p[0].k, offsetof(struct seccomp_data, arch));
	CHECK_EQ(p[1].k, AUDIT_ARCH_X86_64);
	CHECK_EQ(p[2].k, SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ(p[n - 2].k, SECCOMP_RET_ALLOW);
	CHECK_EQ(p[n - 1].k, EPERM_RET);
	CHECK(seccomp_filter_build(p, 8, false) < 0);
}

static void test_verdicts_without_userns(void)
{
	struct sock_filter p[SECCOMP_FILTER_MAX];
	int n = seccomp_filter_build(p, SECCOMP_FILTER_MAX, false);
	size_t i;

	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, always[i]), EPERM_RET);
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, mounts[i]), EPERM_RET);
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, allowed[i]),
			 SECCOMP_RET_ALLOW);
}

static void test_verdicts_with_userns(void)
{
	struct sock_filter p[SECCOMP_FILTER_MAX];
	int n = seccomp_filter_build(p, SECCOMP_FILTER_MAX, true);
	size_t i;

	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, always[i]), EPERM_RET);
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, mounts[i]),
			 SECCOMP_RET_ALLOW);
}

static void test_foreign_abis(void)
{
	struct sock_filter p[SECCOMP_FILTER_MAX];
	int n = seccomp_filter_build(p, SECCOMP_FILTER_MAX, true);

	/* i386 reboot is 88 (x86-64 symlink): a foreign ABI must not be
	 * judged by x86-64 numbers at all */
	CHECK_EQ(run(p, n, AUDIT_ARCH_I386, 88), SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ(run(p, n, AUDIT_ARCH_I386, 1), SECCOMP_RET_KILL_PROCESS);
	/* x32: same arch, nr | 0x40000000 */
	CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, 0x40000000 | __NR_bpf),
		 EPERM_RET);
	CHECK_EQ(run(p, n, AUDIT_ARCH_X86_64, 0x40000000), EPERM_RET);
}

static void test_names_listed(void)
{
	size_t n = 0;

	while (seccomp_denied_always[n])
		n++;
	CHECK_EQ(n, sizeof(always) / sizeof(always[0]));
	n = 0;
	while (seccomp_denied_without_userns[n])
		n++;
	CHECK_EQ(n, sizeof(mounts) / sizeof(mounts[0]));
}

int main(void)
{
	RUN(test_shape);
	RUN(test_verdicts_without_userns);
	RUN(test_verdicts_with_userns);
	RUN(test_foreign_abis);
	RUN(test_names_listed);
	UNIT_DONE();
}
