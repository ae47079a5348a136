// SPDX-License-Identifier: GPL-2.0
/*
 * The container's seccomp filters: the default profile's verdicts, found
 * by running the raw BPF that libseccomp generates through a small
 * classic-BPF interpreter over synthetic seccomp_data; its PFC text; and
 * profile files, good and hostile.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "base/util.h"
#include "container/container.h"
#include "container/seccomp_internal.h"
#include "unit.h"

#define PROG_MAX 4096
#define PROGS_MAX 4
#define BAD 0xdeadbeefu /* the interpreter met something unexpected */

struct progs {
	struct sock_filter insn[PROG_MAX];
	size_t start[PROGS_MAX + 1]; /* program i: [start[i], start[i+1]) */
	size_t n;
};

/* Export f (raw BPF or PFC) into a memfd and read it back. */
static size_t export(const struct container_seccomp *f, bool pfc, void *buf,
		     size_t len)
{
	struct errbuf eb = { 0 };
	int fd = memfd_create("seccomp", MFD_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	if (container_seccomp_export(f, fd, pfc, &eb) ||
	    lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return 0;
	}
	n = read(fd, buf, len);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/*
 * Split back-to-back programs: classic BPF only jumps forward, so a
 * program ends at a `ret` that no earlier jump goes past, and that no
 * other `ret` follows (libseccomp may leave an unreachable one last).
 */
static int load_progs(const struct container_seccomp *f, struct progs *p)
{
	size_t bytes = export(f, false, p->insn, sizeof(p->insn));
	size_t n = bytes / sizeof(p->insn[0]), i, reach = 0, t;

	if (!bytes || bytes % sizeof(p->insn[0]) || bytes == sizeof(p->insn))
		return -1;
	p->n = 0;
	p->start[0] = 0;
	for (i = 0; i < n; i++) {
		const struct sock_filter *in = &p->insn[i];

		if (BPF_CLASS(in->code) == BPF_JMP) {
			t = i + 1 +
			    (BPF_OP(in->code) == BPF_JA ?
				     in->k :
				     (in->jt > in->jf ? in->jt : in->jf));
			if (t > reach)
				reach = t;
		} else if (BPF_CLASS(in->code) == BPF_RET && i >= reach &&
			   (i + 1 == n ||
			    BPF_CLASS(p->insn[i + 1].code) != BPF_RET)) {
			if (p->n == PROGS_MAX)
				return -1;
			p->start[++p->n] = i + 1;
			reach = i + 1;
		}
	}
	return p->start[p->n] == n ? (int)p->n : -1;
}

/* Only what libseccomp emits: ld abs, and k, jeq/jgt/jge/jset k, ja, ret k. */
static uint32_t run_one(const struct sock_filter *prog, size_t n,
			const struct seccomp_data *d)
{
	uint32_t a = 0;
	size_t pc = 0;

	while (pc < n) {
		const struct sock_filter *i = &prog[pc];
		bool c;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k > sizeof(*d) - 4)
				return BAD;
			memcpy(&a, (const char *)d + i->k, 4);
			pc++;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			pc++;
			continue;
		case BPF_JMP | BPF_JA:
			pc += 1 + i->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			c = a == i->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			c = a > i->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			c = a >= i->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			c = a & i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return BAD;
		}
		pc += 1 + (c ? i->jt : i->jf);
	}
	return BAD; /* fell off the end */
}

/* All programs, as seccomp_run_filters() does: the strictest action wins. */
static uint32_t verdict(const struct progs *p, uint32_t arch, uint32_t nr,
			uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = {
		.nr = (int)nr,
		.arch = arch,
		.args = { a0, a1 },
	};
	uint32_t ret = SECCOMP_RET_ALLOW, cur;
	size_t i;

	for (i = p->n; i-- > 0;) {
		cur = run_one(p->insn + p->start[i],
			      p->start[i + 1] - p->start[i], &d);
		if (cur == BAD)
			return BAD;
		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) <
		    (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = cur;
	}
	return ret;
}

#define NATIVE AUDIT_ARCH_X86_64
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)
#define ALLOW SECCOMP_RET_ALLOW

static uint32_t call(const struct progs *p, const char *name, uint64_t a0,
		     uint64_t a1)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr < 0) {
		printf("#   no syscall %s here\n", name);
		return BAD;
	}
	return verdict(p, NATIVE, (uint32_t)nr, a0, a1);
}

/* Denied whatever the capabilities (docs/containers.md). */
static const char *const denied[] = {
	"init_module",
	"finit_module",
	"delete_module",
	"kexec_load",
	"kexec_file_load",
	"bpf",
	"perf_event_open",
	"keyctl",
	"add_key",
	"request_key",
	"reboot",
	"open_by_handle_at",
	"name_to_handle_at",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"userfaultfd",
	"swapon",
	"swapoff",
	"syslog",
	"acct",
	"settimeofday",
	"clock_settime",
	"adjtimex",
	"clock_adjtime",
	"iopl",
	"ioperm",
	"lookup_dcookie",
	"quotactl",
	"uselib",
	"create_module",
	"get_kernel_syms",
	"query_module",
	"_sysctl",
	"setns",
	"fanotify_init",
	"kcmp",
	"pidfd_getfd",
	"vhangup",
	"umount",
	"nfsservctl",
	"vm86",
	"process_madvise",
	"get_mempolicy",
	"mbind",
	"set_mempolicy",
};
static const char *const mounts[] = {
	"mount",  "umount2",  "pivot_root", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount",    "fspick",	 "mount_setattr",
};
static const char *const allowed[] = {
	"read",	       "write",	 "execve", "exit_group", "ptrace",
	"sethostname", "chroot", "capset", "wait4",	 "seccomp",
};

static bool build_default(bool userns, struct progs *p)
{
	struct container_seccomp *f = NULL;
	struct errbuf eb = { 0 };
	bool ok;

	if (container_seccomp_default(userns, &f, &eb)) {
		printf("#   %s\n", eb.msg);
		return false;
	}
	ok = container_seccomp_unknown(f, NULL) == 0 && load_progs(f, p) == 2;
	container_seccomp_free(f);
	return ok;
}

static struct progs P;

static void test_default_verdicts(void)
{
	size_t i;
	int nr;

	CHECK(build_default(false, &P));
	for (i = 0; i < ARRAY_SIZE(denied); i++) {
		nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr < 0)
			continue; /* not on this architecture */
		if (verdict(&P, NATIVE, (uint32_t)nr, 0, 0) != EPERM_RET) {
			printf("#   %s is not denied\n", denied[i]);
			CHECK(0);
		}
	}
	for (i = 0; i < ARRAY_SIZE(mounts); i++)
		CHECK_EQ(call(&P, mounts[i], 0, 0), EPERM_RET);
	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		CHECK_EQ(call(&P, allowed[i], 0, 0), ALLOW);
	/* nr 1000 is no syscall: the default action */
	CHECK_EQ(verdict(&P, NATIVE, 1000, 0, 0), EPERM_RET);
}

static void test_default_userns_mounts(void)
{
	size_t i;

	CHECK(build_default(true, &P));
	for (i = 0; i < ARRAY_SIZE(mounts); i++)
		CHECK_EQ(call(&P, mounts[i], 0, 0), ALLOW);
	CHECK_EQ(call(&P, "bpf", 0, 0), EPERM_RET);
	CHECK_EQ(call(&P, "reboot", 0, 0), EPERM_RET);
}

static void test_default_arg_rules(void)
{
	CHECK(build_default(false, &P));
	CHECK_EQ(call(&P, "clone3", 0, 0), SECCOMP_RET_ERRNO | ENOSYS);
	CHECK_EQ(call(&P, "clone", SIGCHLD, 0), ALLOW);
	CHECK_EQ(call(&P, "clone", CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, 0),
		 ALLOW);
	CHECK_EQ(call(&P, "clone", CLONE_NEWUSER | SIGCHLD, 0), EPERM_RET);
	CHECK_EQ(call(&P, "unshare", CLONE_NEWNS, 0), ALLOW);
	CHECK_EQ(call(&P, "unshare", CLONE_NEWUSER | CLONE_NEWNS, 0),
		 EPERM_RET);
	CHECK_EQ(call(&P, "personality", 0x0, 0), ALLOW);
	CHECK_EQ(call(&P, "personality", 0x8, 0), ALLOW);
	CHECK_EQ(call(&P, "personality", 0x20000, 0), ALLOW);
	CHECK_EQ(call(&P, "personality", 0x20008, 0), ALLOW);
	CHECK_EQ(call(&P, "personality", 0xffffffff, 0), ALLOW);
	CHECK_EQ(call(&P, "personality", 0x400000, 0), EPERM_RET);
	CHECK_EQ(call(&P, "ioctl", 0, TIOCSTI), EPERM_RET);
	CHECK_EQ(call(&P, "ioctl", 0, TIOCLINUX), EPERM_RET);
	/* the kernel's cmd is an unsigned int: high bits do not help */
	CHECK_EQ(call(&P, "ioctl", 0, (1ULL << 32) | TIOCSTI), EPERM_RET);
	CHECK_EQ(call(&P, "ioctl", 0, TIOCGWINSZ), ALLOW);
	CHECK_EQ(call(&P, "socket", AF_INET, 0), ALLOW);
	CHECK_EQ(call(&P, "socket", AF_VSOCK, 0), EPERM_RET);
	CHECK_EQ(call(&P, "socket", (1ULL << 32) | AF_VSOCK, 0), EPERM_RET);
}

static void test_default_foreign_abis(void)
{
	CHECK(build_default(true, &P));
	/* i386 (int 0x80): other numbers, judged by none of ours */
	CHECK_EQ(verdict(&P, AUDIT_ARCH_I386, 3, 0, 0),
		 SECCOMP_RET_KILL_PROCESS);
	/* x32: the x86-64 arch with bit 30 set; libseccomp's preamble */
	CHECK_EQ(verdict(&P, NATIVE, 0x40000000 | 0, 0, 0),
		 SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ(verdict(&P, NATIVE, 0x40000000 | 321, 0, 0),
		 SECCOMP_RET_KILL_PROCESS);
}

static char text[1 << 20];

static void test_default_pfc(void)
{
	struct container_seccomp *f = NULL;
	struct errbuf eb = { 0 };
	size_t n;

	CHECK_EQ(container_seccomp_default(false, &f, &eb), 0);
	if (!f)
		return;
	n = export(f, true, text, sizeof(text) - 1);
	container_seccomp_free(f);
	CHECK(n > 0);
	text[n] = '\0';
	CHECK(strstr(text, "filter 1 of 2"));
	CHECK(strstr(text, "filter 2 of 2"));
	CHECK(strstr(text, "default action\n  action ERRNO(1);"));
	CHECK(strstr(text, "action KILL_PROCESS;"));
	/* an allow-list: what is denied has no rule at all */
	CHECK(!strstr(text, "\"bpf\""));
	CHECK(!strstr(text, "\"init_module\""));
	CHECK(!strstr(text, "\"mount\""));
	CHECK(strstr(text, "\"clone3\" (435)"));
	CHECK(strstr(text, "action ERRNO(38);"));
	CHECK(strstr(text, "$a0.lo32 & 0x10000000 == 0"));
	CHECK(strstr(text, "\"personality\""));
	CHECK(strstr(text, "$a0.lo32 == 131080"));
	CHECK(strstr(text, "$a1.lo32 & 0xffffffff == 21522")); /* TIOCSTI */
	CHECK(strstr(text, "$a1.lo32 & 0xffffffff == 21532")); /* TIOCLINUX */
}

/* --- profile files ------------------------------------------------------ */

static char path[64];

static int profile(const char *json, struct container_seccomp **f,
		   struct errbuf *eb)
{
	int fd, err;

	snprintf(path, sizeof(path), "/tmp/isolens-seccomp-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, json, strlen(json)) != (ssize_t)strlen(json)) {
		close(fd);
		unlink(path);
		return -EIO;
	}
	close(fd);
	*f = NULL;
	err = container_seccomp_from_file(path, f, eb);
	unlink(path);
	return err;
}

static void test_profile_minimal_oci(void)
{
	struct container_seccomp *f;
	struct errbuf eb = { 0 };
	const char *first;

	CHECK_EQ(
		profile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
			"\"architectures\": [\"SCMP_ARCH_X86_64\"], "
			"\"syscalls\": ["
			" {\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
			" {\"names\": [\"mkdir\", \"mkdirat\", \"no_such_call\"], \"action\": \"SCMP_ACT_ERRNO\"},"
			" {\"name\": \"kill\", \"action\": \"SCMP_ACT_KILL_PROCESS\","
			"  \"args\": [{\"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"}]}"
			"]}\n",
			&f, &eb),
		0);
	if (!f) {
		printf("#   %s\n", eb.msg);
		return;
	}
	CHECK_EQ(container_seccomp_unknown(f, &first), 1);
	CHECK_STR(first, "no_such_call");
	CHECK_EQ(load_progs(f, &P), 1);
	container_seccomp_free(f);
	CHECK_EQ(call(&P, "uname", 0, 0), SECCOMP_RET_ERRNO | ENOSYS);
	CHECK_EQ(call(&P, "mkdir", 0, 0), EPERM_RET);
	CHECK_EQ(call(&P, "mkdirat", 0, 0), EPERM_RET);
	CHECK_EQ(call(&P, "read", 0, 0), ALLOW);
	CHECK_EQ(call(&P, "kill", 1, 9), SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ(call(&P, "kill", 1, 15), ALLOW);
}

/* moby's shapes: archMap, includes/excludes, an exception to an allow */
static void test_profile_docker(void)
{
	struct container_seccomp *f;
	struct errbuf eb = { 0 };

	CHECK_EQ(
		profile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
			" \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
			"  \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
			"  {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}],"
			" \"syscalls\": ["
			" {\"names\": [\"read\", \"write\", \"ioctl\", \"chown32\"], \"action\": \"SCMP_ACT_ALLOW\"},"
			" {\"names\": [\"chroot\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_CHROOT\"]}},"
			" {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
			" {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"s390x\"]}},"
			" {\"names\": [\"gettid\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"4.8\"}},"
			" {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}, \"comment\": \"x\"},"
			" {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1,"
			"  \"value\": 4294967295, \"valueTwo\": 21522, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"
			"]}",
			&f, &eb),
		0);
	if (!f) {
		printf("#   %s\n", eb.msg);
		return;
	}
	CHECK_EQ(container_seccomp_unknown(f, NULL), 0);
	CHECK_EQ(load_progs(f, &P), 2);
	container_seccomp_free(f);
	CHECK_EQ(call(&P, "read", 0, 0), ALLOW);
	CHECK_EQ(call(&P, "chroot", 0, 0), ALLOW); /* in the default set */
	CHECK_EQ(call(&P, "mount", 0, 0), EPERM_RET);
	CHECK_EQ(call(&P, "getpid", 0, 0), EPERM_RET);
	CHECK_EQ(call(&P, "gettid", 0, 0), ALLOW);
	CHECK_EQ(call(&P, "getppid", 0, 0), ALLOW);
	CHECK_EQ(call(&P, "ioctl", 0, TIOCSTI), EPERM_RET);
	CHECK_EQ(call(&P, "ioctl", 0, TIOCGWINSZ), ALLOW);
	/* the sub-architectures are filtered by name, not killed */
	CHECK_EQ(verdict(&P, AUDIT_ARCH_I386, 3 /* read */, 0, 0), ALLOW);
	CHECK_EQ(verdict(&P, AUDIT_ARCH_I386, 20 /* getpid */, 0, 0),
		 EPERM_RET);
	CHECK_EQ(verdict(&P, AUDIT_ARCH_I386, 212 /* chown32 */, 0, 0), ALLOW);
}

static const struct {
	const char *json;
	const char *msg; /* after "seccomp profile PATH: " */
} hostile[] = {
	{ "{", "not JSON: unexpected end of file" },
	{ "", "not JSON: unexpected end of file" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"} []",
	  "not JSON: data after the top-level value" },
	{ "[]", "(top level): expected object, not array" },
	{ "{}", "defaultAction: missing" },
	{ "{\"defaultAction\": 1}", "defaultAction: expected string, not int" },
	{ "{\"defaultAction\": \"SCMP_ACT_FOO\"}",
	  "defaultAction: unknown action \"SCMP_ACT_FOO\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscals\": []}",
	  "(top level): unknown field \"syscals\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}",
	  "defaultErrnoRet: 5000 is out of range (at most 4095)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
	  "defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
	  "architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}",
	  "flags: filter flags are not supported" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	  "syscalls: expected array, not object" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
	  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	  "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	  "{\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	  "{\"names\": [\"open\"], \"action\": \"SCMP_ACT_FOO\"}]}",
	  "syscalls[3].action: unknown action \"SCMP_ACT_FOO\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0]: no \"names\" (or \"name\")" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"read\", \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0].names: expected array, not string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [7], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0].names[0]: expected string, not int" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"nmes\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "syscalls[0]: unknown field \"nmes\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_SORTA\"}]}]}",
	  "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_SORTA\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[0].index: 6 is out of range (at most 5)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[0].value: expected a non-negative integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"args\": [{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[0].value: expected an integer, not double" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},"
	  " {\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "syscalls[0].args[1].index: argument 0 is compared twice" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
	  "syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"includes\": {\"caps\": [\"CAP_FLY\"]}}]}",
	  "syscalls[0].includes.caps[0]: unknown capability \"CAP_FLY\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	  " \"excludes\": {\"minKernel\": \"four\"}}]}",
	  "syscalls[0].excludes.minKernel: expected a kernel version like \"4.8\"" },
};

static void test_profile_hostile(void)
{
	struct container_seccomp *f;
	struct errbuf eb;
	char want[600];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		memset(&eb, 0, sizeof(eb));
		CHECK_EQ(profile(hostile[i].json, &f, &eb), -EINVAL);
		CHECK(f == NULL);
		snprintf(want, sizeof(want), "seccomp profile %s: %s", path,
			 hostile[i].msg);
		if (strncmp(eb.msg, want, strlen(want))) {
			printf("#   [%zu] \"%s\"\n#   wanted \"%s...\"\n", i,
			       eb.msg, want);
			CHECK(0);
		}
		CHECK(!strchr(eb.msg, '\n'));
		container_seccomp_free(f);
	}
}

static void test_profile_huge_and_missing(void)
{
	struct container_seccomp *f = NULL;
	struct errbuf eb = { 0 };
	size_t len = (4u << 20) + 1;
	char *big = malloc(len + 1), want[128];

	CHECK(big != NULL);
	if (!big)
		return;
	/* valid JSON, padded with spaces: refused for its size alone */
	memset(big, ' ', len);
	memcpy(big, "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", 35);
	big[len] = '\0';
	CHECK_EQ(profile(big, &f, &eb), -EINVAL);
	snprintf(want, sizeof(want), "seccomp profile %s: larger than 4 MiB",
		 path);
	CHECK_STR(eb.msg, want);
	big[len - 1] = '\0'; /* exactly 4 MiB: fine */
	CHECK_EQ(profile(big, &f, &eb), 0);
	container_seccomp_free(f);
	free(big);
	CHECK_EQ(container_seccomp_from_file("/nonexistent-isolens.json", &f,
					     &eb),
		 -ENOENT);
	CHECK_STR(
		eb.msg,
		"seccomp profile /nonexistent-isolens.json: No such file or directory");
}

/*
 * run and exec load the default as compiled at build time: it must be
 * exactly what libseccomp generates from seccomp.c's tables now.
 */
static void test_builtin_matches_libseccomp(void)
{
	struct container_seccomp *built, *fresh;
	struct errbuf eb = { 0 };
	int userns, i;

	for (userns = 0; userns < 2; userns++) {
		CHECK_EQ(container_seccomp_prepare(NULL, userns, &built, &eb),
			 0);
		CHECK_EQ(container_seccomp_new(NULL, userns, &fresh, &eb), 0);
		CHECK_EQ(ctr_seccomp_compile(fresh, &eb), 0);
		CHECK(built->builtin);
		CHECK(!fresh->builtin);
		CHECK_EQ(built->nbpf, fresh->nbpf);
		for (i = 0; i < built->nbpf && i < fresh->nbpf; i++) {
			CHECK_EQ(built->bpf[i].len, fresh->bpf[i].len);
			CHECK(built->bpf[i].len == fresh->bpf[i].len &&
			      !memcmp(built->bpf[i].filter,
				      fresh->bpf[i].filter,
				      built->bpf[i].len *
					      sizeof(struct sock_filter)));
		}
		container_seccomp_free(built);
		container_seccomp_free(fresh);
	}
}

int main(void)
{
	RUN(test_default_verdicts);
	RUN(test_builtin_matches_libseccomp);
	RUN(test_default_userns_mounts);
	RUN(test_default_arg_rules);
	RUN(test_default_foreign_abis);
	RUN(test_default_pfc);
	RUN(test_profile_minimal_oci);
	RUN(test_profile_docker);
	RUN(test_profile_hostile);
	RUN(test_profile_huge_and_missing);
	UNIT_DONE();
}
