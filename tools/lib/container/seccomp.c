// SPDX-License-Identifier: GPL-2.0
/*
 * The container's seccomp filter, built with libseccomp: the default
 * profile (an allow-list after moby's, independent of capabilities) and
 * the common machinery that profile files (seccomp_profile.c) use too.
 * docs/containers.md ("Seccomp") justifies every entry.
 *
 * libseccomp refuses a rule whose action is the filter's default action,
 * and an unconditional rule swallows conditional rules for the same
 * syscall.  So "allow ioctl, except TIOCSTI, which gets the default
 * EPERM" cannot be one filter: such exceptions go into a second, small
 * filter whose default is ALLOW.  The kernel runs every filter attached
 * to a task and the strictest verdict wins (seccomp_run_filters()).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "base/fileio.h"
#include "base/util.h"
#include "seccomp_internal.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/*
 * moby's allow-list (profiles/seccomp/default.json), names that exist on
 * x86-64 or arm64, without io_uring_*, name_to_handle_at, adjtimex and
 * clock_adjtime, plus what moby grants only with a capability but a
 * namespace already confines: ptrace and process_vm_* (the pid namespace
 * holds no host target), sethostname and setdomainname (the uts
 * namespace), chroot.  Names missing on this architecture are skipped.
 */
static const char *const allow_always[] = {
	"accept",
	"accept4",
	"access",
	"alarm",
	"arch_prctl",
	"bind",
	"brk",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chroot",
	"clock_getres",
	"clock_gettime",
	"clock_nanosleep",
	"close",
	"close_range",
	"connect",
	"copy_file_range",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fallocate",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchown",
	"fchownat",
	"fcntl",
	"fdatasync",
	"fgetxattr",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"fstat",
	"fstatfs",
	"fsync",
	"ftruncate",
	"futex",
	"futex_waitv",
	"futimesat",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"geteuid",
	"getgid",
	"getgroups",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresuid",
	"getrlimit",
	"get_robust_list",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"get_thread_area",
	"gettid",
	"gettimeofday",
	"getuid",
	"getxattr",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"ioctl",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"ioprio_get",
	"ioprio_set",
	"io_setup",
	"io_submit",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"madvise",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mincore",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"modify_ldt",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedsend",
	"mq_unlink",
	"mremap",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"nanosleep",
	"newfstatat",
	"open",
	"openat",
	"openat2",
	"pause",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"pkey_alloc",
	"pkey_free",
	"pkey_mprotect",
	"poll",
	"ppoll",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_mrelease",
	"process_vm_readv",
	"process_vm_writev",
	"pselect6",
	"ptrace",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"recvfrom",
	"recvmmsg",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"restart_syscall",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_tgsigqueueinfo",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"sendfile",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"setdomainname",
	"setfsgid",
	"setfsuid",
	"setgid",
	"setgroups",
	"sethostname",
	"setitimer",
	"setpgid",
	"setpriority",
	"setregid",
	"setresgid",
	"setresuid",
	"setreuid",
	"setrlimit",
	"set_robust_list",
	"setsid",
	"setsockopt",
	"set_thread_area",
	"set_tid_address",
	"setuid",
	"setxattr",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaltstack",
	"signalfd",
	"signalfd4",
	"socket",
	"socketpair",
	"splice",
	"stat",
	"statfs",
	"statx",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysinfo",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_settime",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_settime",
	"times",
	"tkill",
	"truncate",
	"umask",
	"uname",
	"unlink",
	"unlinkat",
	"utime",
	"utimensat",
	"utimes",
	"vfork",
	"vmsplice",
	"wait4",
	"waitid",
	"write",
	"writev",
};

/* Mounting is only harmless inside a user namespace the container owns. */
static const char *const allow_with_userns[] = {
	"mount",  "umount2",  "pivot_root", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount",    "fspick",	 "mount_setattr",
};

/* The rules with an argument, or an action other than ALLOW. */
struct arg_rule {
	const char *name;
	uint32_t action;
	bool has_cmp;
	struct scmp_arg_cmp cmp;
};

/* has_cmp, cmp: argument i, operator o, datum_a, datum_b */
/* clang-format off */
#define ARG(i, o, a, b) true, { (i), (o), (a), (b) }
/* clang-format on */
/* the kernel reads these arguments as 32-bit ints: compare the low half */
#define LOW32 0xffffffffULL

static const struct arg_rule arg_rules[] = {
	/* its flags sit behind a pointer: ENOSYS makes glibc fall back */
	{ "clone3", SCMP_ACT_ERRNO(ENOSYS) },
	/* no nested user namespace; other CLONE_NEW* meet CAP_SYS_ADMIN */
	{ "clone", SCMP_ACT_ALLOW,
	  ARG(0, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0) },
	{ "unshare", SCMP_ACT_ALLOW,
	  ARG(0, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0) },
	/* moby's values: Linux, PER_LINUX32, UNAME26 (+32), and the query */
	{ "personality", SCMP_ACT_ALLOW, ARG(0, SCMP_CMP_EQ, 0x0, 0) },
	{ "personality", SCMP_ACT_ALLOW, ARG(0, SCMP_CMP_EQ, 0x8, 0) },
	{ "personality", SCMP_ACT_ALLOW, ARG(0, SCMP_CMP_EQ, 0x20000, 0) },
	{ "personality", SCMP_ACT_ALLOW, ARG(0, SCMP_CMP_EQ, 0x20008, 0) },
	{ "personality", SCMP_ACT_ALLOW, ARG(0, SCMP_CMP_EQ, 0xffffffff, 0) },
	/* exceptions inside allowed calls (the second filter) */
	{ "ioctl", SCMP_ACT_ERRNO(EPERM),
	  ARG(1, SCMP_CMP_MASKED_EQ, LOW32, TIOCSTI) },
	{ "ioctl", SCMP_ACT_ERRNO(EPERM),
	  ARG(1, SCMP_CMP_MASKED_EQ, LOW32, TIOCLINUX) },
	/* vsock is not namespaced: it reaches the host's hypervisor */
	{ "socket", SCMP_ACT_ERRNO(EPERM),
	  ARG(0, SCMP_CMP_MASKED_EQ, LOW32, AF_VSOCK) },
};

static scmp_filter_ctx ctx_new(uint32_t def_action)
{
	scmp_filter_ctx ctx = seccomp_init(def_action);

	if (!ctx)
		return NULL;
	/* a foreign ABI (i386, x32) would pass under other numbers */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			     SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int ctr_seccomp_alloc(uint32_t def_action, struct container_seccomp **out,
		      struct errbuf *eb)
{
	struct container_seccomp *f = calloc(1, sizeof(*f));

	/* libseccomp probes the kernel once; do it here, not in the child */
	seccomp_api_get();
	if (!f)
		return errbuf_set(eb, ENOMEM, "seccomp filter");
	f->def_action = def_action;
	f->main = ctx_new(def_action);
	if (!f->main) {
		free(f);
		return errbuf_set(eb, ENOMEM, "seccomp filter");
	}
	*out = f;
	return 0;
}

int ctr_seccomp_arch_add(struct container_seccomp *f, uint32_t arch)
{
	int err;

	if (f->narches == CTR_SECCOMP_ARCH_MAX)
		return -ENOSPC;
	err = seccomp_arch_add(f->main, arch);
	if (err == -EEXIST)
		return 0; /* the native one, or listed twice */
	if (!err && f->except)
		err = seccomp_arch_add(f->except, arch);
	if (!err)
		f->arches[f->narches++] = arch;
	return err;
}

int ctr_seccomp_resolve(struct container_seccomp *f, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR) {
		if (!f->unknown++)
			snprintf(f->first_unknown, sizeof(f->first_unknown),
				 "%s", name);
		return CTR_SECCOMP_SKIP;
	}
	/*
	 * A negative pseudo-number: known, but not native (chown32 on
	 * x86-64).  libseccomp maps it for the other arches a profile adds;
	 * with the native one alone, there is nothing to filter.
	 */
	return nr < 0 && !f->narches ? CTR_SECCOMP_SKIP : nr;
}

int ctr_seccomp_rule(struct container_seccomp *f, uint32_t action, int nr,
		     unsigned int ncmp, const struct scmp_arg_cmp *cmp)
{
	size_t i;
	int err;

	if (action != f->def_action)
		return seccomp_rule_add_array(f->main, action, nr, ncmp, cmp);
	if (!ncmp)
		return 0; /* what the filter does anyway */
	if (!f->except) {
		f->except = ctx_new(SCMP_ACT_ALLOW);
		if (!f->except)
			return -ENOMEM;
		for (i = 0; i < f->narches; i++) {
			err = seccomp_arch_add(f->except, f->arches[i]);
			if (err)
				return err;
		}
	}
	return seccomp_rule_add_array(f->except, action, nr, ncmp, cmp);
}

static int allow_names(struct container_seccomp *f, const char *const *names,
		       size_t n, struct errbuf *eb)
{
	size_t i;
	int nr, err;

	for (i = 0; i < n; i++) {
		nr = ctr_seccomp_resolve(f, names[i]);
		if (nr == CTR_SECCOMP_SKIP)
			continue;
		err = ctr_seccomp_rule(f, SCMP_ACT_ALLOW, nr, 0, NULL);
		if (err)
			return errbuf_errno(eb, -err, "seccomp rule for %s",
					    names[i]);
	}
	return 0;
}

int container_seccomp_default(bool userns, struct container_seccomp **out,
			      struct errbuf *eb)
{
	struct container_seccomp *f;
	const struct arg_rule *r;
	size_t i;
	int nr, err;

	err = ctr_seccomp_alloc(SCMP_ACT_ERRNO(EPERM), &f, eb);
	if (err)
		return err;
	err = allow_names(f, allow_always, ARRAY_SIZE(allow_always), eb);
	if (!err && userns)
		err = allow_names(f, allow_with_userns,
				  ARRAY_SIZE(allow_with_userns), eb);
	for (i = 0; !err && i < ARRAY_SIZE(arg_rules); i++) {
		r = &arg_rules[i];
		nr = ctr_seccomp_resolve(f, r->name);
		if (nr == CTR_SECCOMP_SKIP)
			continue;
		err = ctr_seccomp_rule(f, r->action, nr, r->has_cmp ? 1 : 0,
				       &r->cmp);
		if (err)
			err = errbuf_errno(eb, -err, "seccomp rule for %s",
					   r->name);
	}
	if (err) {
		container_seccomp_free(f);
		return err;
	}
	*out = f;
	return 0;
}

/* The BPF libseccomp generates for CTX, read back from a memfd. */
static int compile_one(scmp_filter_ctx ctx, struct sock_fprog *out,
		       struct errbuf *eb)
{
	int fd = memfd_create("isolens-seccomp", MFD_CLOEXEC), err;
	off_t len;

	if (fd < 0)
		return errbuf_errno(eb, errno, "memfd_create");
	err = seccomp_export_bpf(ctx, fd);
	if (err) {
		errbuf_errno(eb, -err, "generating the seccomp filter");
		goto out;
	}
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		err = errbuf_set(eb, E2BIG, "seccomp filter of %lld bytes",
				 (long long)len);
		goto out;
	}
	out->filter = malloc((size_t)len);
	if (!out->filter) {
		err = errbuf_errno(eb, ENOMEM, "seccomp filter");
		goto out;
	}
	if (pread(fd, out->filter, (size_t)len, 0) != len) {
		err = errbuf_errno(eb, errno ? errno : EIO,
				   "reading the seccomp filter");
		free(out->filter);
		out->filter = NULL;
		goto out;
	}
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
	err = 0;
out:
	close(fd);
	return err;
}

/*
 * The profile, or the default, as libseccomp rules (for --export, and the
 * build-time generator); container_seccomp_prepare() adds the BPF.
 */
int container_seccomp_new(const char *profile, bool userns,
			  struct container_seccomp **out, struct errbuf *eb)
{
	if (profile)
		return container_seccomp_from_file(profile, out, eb);
	return container_seccomp_default(userns, out, eb);
}

/* Both programs as classic BPF, generated here in the parent. */
int ctr_seccomp_compile(struct container_seccomp *f, struct errbuf *eb)
{
	int err;

	err = compile_one(f->main, &f->bpf[0], eb);
	if (err)
		return err;
	f->nbpf = 1;
	if (f->except) {
		err = compile_one(f->except, &f->bpf[1], eb);
		if (err)
			return err;
		f->nbpf = 2;
	}
	return 0;
}

/* The embedded default profile, or -ENOENT when this build has none. */
static int from_builtin(bool userns, struct container_seccomp **out)
{
	const unsigned char *p = userns ? ctr_seccomp_builtin_userns :
					  ctr_seccomp_builtin_default;
	const unsigned char *end = userns ? ctr_seccomp_builtin_userns_end :
					    ctr_seccomp_builtin_default_end;
	struct ctr_seccomp_blob blob;
	struct container_seccomp *f;
	size_t size = (size_t)(end - p), want = sizeof(blob);
	uint32_t i;

	if (size < sizeof(blob))
		return -ENOENT;
	memcpy(&blob, p, sizeof(blob));
	if (blob.magic != CTR_SECCOMP_BLOB_MAGIC || !blob.nprog ||
	    blob.nprog > 2)
		return -ENOENT;
	for (i = 0; i < blob.nprog; i++) {
		if (!blob.len[i] || blob.len[i] > BPF_MAXINSNS)
			return -ENOENT;
		want += blob.len[i] * sizeof(struct sock_filter);
	}
	if (want != size)
		return -ENOENT;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	p += sizeof(blob);
	for (i = 0; i < blob.nprog; i++) {
		f->bpf[i].len = (unsigned short)blob.len[i];
		f->bpf[i].filter = (struct sock_filter *)p;
		p += blob.len[i] * sizeof(struct sock_filter);
	}
	f->nbpf = (int)blob.nprog;
	f->builtin = true;
	*out = f;
	return 0;
}

/*
 * What run and exec load: a profile file through libseccomp, the default
 * as compiled at build time (libseccomp's generator costs ~1.8 ms per
 * container start).  tests/unit/test_container_seccomp.c checks that the
 * embedded programs equal the ones libseccomp generates now.
 */
int container_seccomp_prepare(const char *profile, bool userns,
			      struct container_seccomp **out, struct errbuf *eb)
{
	int err;

	if (!profile) {
		err = from_builtin(userns, out);
		if (err != -ENOENT)
			return err ? errbuf_errno(eb, -err, "seccomp filter") :
				     0;
	}
	err = container_seccomp_new(profile, userns, out, eb);
	if (err)
		return err;
	err = ctr_seccomp_compile(*out, eb);
	if (err) {
		container_seccomp_free(*out);
		*out = NULL;
	}
	return err;
}

/*
 * Needs no_new_privs (or CAP_SYS_ADMIN): the caller sets it first.  Both
 * programs stay attached; the kernel runs every one and the strictest
 * verdict wins (seccomp_run_filters).
 */
int container_seccomp_load(const struct container_seccomp *f, struct errbuf *eb)
{
	int i, err = 0;

	for (i = 0; i < f->nbpf; i++)
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
			    &f->bpf[i]))
			return errbuf_errno(eb, errno,
					    "installing the seccomp filter");
	if (f->nbpf)
		return 0;
	err = seccomp_load(f->main);
	if (!err && f->except)
		err = seccomp_load(f->except);
	if (err)
		return errbuf_errno(eb, -err, "installing the seccomp filter");
	return 0;
}

static int export_one(scmp_filter_ctx ctx, int fd, bool pfc,
		      const char *heading)
{
	int err = pfc ? fd_write_all(fd, heading, strlen(heading)) : 0;

	if (err)
		return err;
	return pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
}

/*
 * PFC: libseccomp's text, one block per filter, each with a heading.
 * Raw BPF: the programs back to back, in load order; each one ends with
 * its last `ret` (classic BPF jumps only forward).
 */
int container_seccomp_export(const struct container_seccomp *f, int fd,
			     bool pfc, struct errbuf *eb)
{
	int err;

	err = export_one(f->main, fd, pfc,
			 f->except ? "# isolens: filter 1 of 2, the allow-list "
				     "(loaded first)\n" :
				     "# isolens: the filter\n");
	if (!err && f->except)
		err = export_one(
			f->except, fd, pfc,
			"# isolens: filter 2 of 2, exceptions inside "
			"allowed syscalls\n"
			"# (the kernel runs both; the strictest verdict "
			"wins)\n");
	if (err)
		return errbuf_errno(eb, -err, "exporting the seccomp filter");
	return 0;
}

unsigned int container_seccomp_unknown(const struct container_seccomp *f,
				       const char **first)
{
	if (first)
		*first = f->unknown ? f->first_unknown : NULL;
	return f->unknown;
}

void container_seccomp_free(struct container_seccomp *f)
{
	if (!f)
		return;
	if (f->main)
		seccomp_release(f->main);
	if (f->except)
		seccomp_release(f->except);
	if (!f->builtin) {
		free(f->bpf[0].filter);
		free(f->bpf[1].filter);
	}
	free(f);
}
