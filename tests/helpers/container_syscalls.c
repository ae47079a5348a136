// SPDX-License-Identifier: GPL-2.0
/*
 * Attempts each syscall the default container seccomp filter denies, with
 * arguments that make it fail harmlessly when it does reach the kernel
 * (bad magic, bad fd, nonexistent path, invalid flags), and prints one
 * "name ERRNO" line per call.  Under the filter every line says EPERM;
 * unconfined, with all capabilities, the kernel's own errors show instead.
 *
 * "container_syscalls args" tries the argument rules instead: clone3,
 * clone/unshare with CLONE_NEWUSER, personality, ioctl TIOCSTI, socket
 * AF_VSOCK, each next to an allowed neighbour.  "container_syscalls
 * profile" tries the calls the host tests' profile file denies.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

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

#define TRY(name, ...)                                          \
	do {                                                    \
		long _r;                                        \
		errno = 0;                                      \
		_r = syscall(__VA_ARGS__);                      \
		printf("%s %s\n", name,                         \
		       _r < 0 ? strerrorname_np(errno) : "OK"); \
	} while (0)

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* In a child, so that a call that works changes nothing here. */
static void in_child(const char *name, long nr, unsigned long a0)
{
	int status, err = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long r = syscall(nr, a0, 0UL, 0UL, 0UL, 0UL);

		if (r == 0 && nr == __NR_clone)
			_exit(0); /* the grandchild */
		if (r > 0 && nr == __NR_clone)
			waitpid((pid_t)r, NULL, 0);
		_exit(r < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		err = EIO;
	else
		err = WEXITSTATUS(status);
	printf("%s %s\n", name, err ? strerrorname_np(err) : "OK");
}

static int args(void)
{
	char c = 0;

	TRY("clone3", __NR_clone3, NULL, 0UL);
	in_child("clone", __NR_clone, SIGCHLD);
	in_child("clone_newuser", __NR_clone, CLONE_NEWUSER | SIGCHLD);
	in_child("unshare_newuser", __NR_unshare, CLONE_NEWUSER);
	in_child("personality_linux32", __NR_personality, 0x0008);
	in_child("personality_read_implies_exec", __NR_personality, 0x0400000);
	/* fd -1: EBADF when the call reaches the kernel */
	TRY("ioctl_tiocgwinsz", __NR_ioctl, -1, TIOCGWINSZ, &c);
	TRY("ioctl_tiocsti", __NR_ioctl, -1, TIOCSTI, &c);
	TRY("ioctl_tiocsti_high_bits", __NR_ioctl, -1, (1UL << 32) | TIOCSTI,
	    &c);
	TRY("ioctl_tioclinux", __NR_ioctl, -1, TIOCLINUX, &c);
	/* an invalid type: EINVAL or EAFNOSUPPORT past the filter */
	TRY("socket_inet", __NR_socket, AF_INET, 0x7ff, 0);
	TRY("socket_vsock", __NR_socket, AF_VSOCK, 0x7ff, 0);
	return 0;
}

static int profile(void)
{
	struct utsname u;

	TRY("uname", __NR_uname, &u);
	TRY("mkdir", __NR_mkdir, "/tmp/isolens-profile", 0700);
	TRY("mkdirat", __NR_mkdirat, AT_FDCWD, "/tmp/isolens-profile", 0700);
	TRY("getpid", __NR_getpid);
	return 0;
}

int main(int argc, char **argv)
{
	const char *nx = "/nonexistent-isolens";

	if (argc > 1 && !strcmp(argv[1], "args"))
		return args();
	if (argc > 1 && !strcmp(argv[1], "profile"))
		return profile();

	TRY("init_module", __NR_init_module, NULL, 0UL, "");
	TRY("finit_module", __NR_finit_module, -1, "", 0);
	TRY("delete_module", __NR_delete_module, "isolens_nonexistent",
	    O_NONBLOCK);
	/* invalid KEXEC_ARCH bits: EINVAL after the capability check */
	TRY("kexec_load", __NR_kexec_load, 0UL, 1UL, NULL, 0xffff0000UL);
	TRY("kexec_file_load", __NR_kexec_file_load, -1, -1, 0UL, NULL,
	    0xffffffffUL);
	TRY("bpf", __NR_bpf, 1000, NULL, 0);
	TRY("perf_event_open", __NR_perf_event_open, NULL, 0, -1, -1, 0UL);
	TRY("keyctl", __NR_keyctl, 100000, 0UL, 0UL, 0UL, 0UL);
	TRY("add_key", __NR_add_key, NULL, NULL, NULL, 0UL, 0);
	TRY("request_key", __NR_request_key, NULL, NULL, NULL, 0);
	/* bad magic: EINVAL after the CAP_SYS_BOOT check, never a reboot */
	TRY("reboot", __NR_reboot, 0, 0, 0, NULL);
	TRY("mount", __NR_mount, "none", nx, "tmpfs", 0UL, NULL);
	TRY("umount2", __NR_umount2, nx, 0);
	TRY("pivot_root", __NR_pivot_root, nx, nx);
	TRY("open_tree", __NR_open_tree, AT_FDCWD, nx, 0U);
	TRY("move_mount", __NR_move_mount, -1, "", -1, "", 0U);
	TRY("fsopen", __NR_fsopen, "isolens_nonexistent_fs", 0U);
	TRY("fsconfig", __NR_fsconfig, -1, 0U, NULL, NULL, 0);
	TRY("fsmount", __NR_fsmount, -1, 0U, 0U);
	TRY("fspick", __NR_fspick, AT_FDCWD, nx, 0U);
	TRY("mount_setattr", __NR_mount_setattr, -1, "", 0U, NULL, 0UL);
	/* not on the allow-list either (docs/containers.md) */
	TRY("open_by_handle_at", __NR_open_by_handle_at, -1, NULL, 0);
	TRY("name_to_handle_at", __NR_name_to_handle_at, AT_FDCWD, nx, NULL,
	    NULL, 0);
	TRY("io_uring_setup", __NR_io_uring_setup, 0U, NULL);
	TRY("userfaultfd", __NR_userfaultfd, 0x7fffffff);
	TRY("setns", __NR_setns, -1, 0);
	TRY("swapon", __NR_swapon, nx, 0);
	TRY("swapoff", __NR_swapoff, nx);
	TRY("syslog", __NR_syslog, 1000, NULL, 0);
	TRY("acct", __NR_acct, nx);
	/* no clock and no change: EINVAL past the filter */
	TRY("clock_settime", __NR_clock_settime, 1000, NULL);
	TRY("iopl", __NR_iopl, 4);
	TRY("ioperm", __NR_ioperm, 0UL, 0UL, 1);
	TRY("quotactl", __NR_quotactl, 0x7fffffff, NULL, 0, NULL);
	TRY("fanotify_init", __NR_fanotify_init, 0xffffffffU, 0U);
	return 0;
}
