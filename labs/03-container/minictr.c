// SPDX-License-Identifier: GPL-2.0
/*
 * minictr: a container in one file.
 *
 *   minictr ROOTFS CMD [ARG...]
 *
 * CMD runs as root of a new user namespace (uid/gid 0 inside are 100000 on
 * the host), in new mount, uts, ipc and pid namespaces, with ROOTFS as its
 * root (pivot_root, the old root detached).  The exit status is CMD's
 * (128 + N when signal N killed it); 1 when a setup step fails.
 *
 * Build: cc -Wall -Wextra -o minictr minictr.c    Run as root.
 *
 * Fill in TODO 1 to TODO 5 (labs/03-container/README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#define STACK_SIZE (1024 * 1024)
#define ID_MAP "0 100000 65536\n" /* inside outside count */

struct child_args {
	const char *rootfs;
	char **argv;
	int sync[2]; /* the parent closes its end once the maps are written */
};

static void die(const char *what)
{
	fprintf(stderr, "minictr: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* You need it for TODO 1 and 2. */
static int __attribute__((unused))
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int child(void *arg)
{
	struct child_args *a = arg;
	char path[4096], c;

	/* Wait until the parent has written our uid_map and gid_map. */
	close(a->sync[1]);
	if (read(a->sync[0], &c, 1) < 0)
		die("sync");
	close(a->sync[0]);

	/* Become root of the new user namespace (host uid 100000). */
	if (setresgid(0, 0, 0) || setgroups(0, NULL) || setresuid(0, 0, 0))
		die("setresuid(0) in the new user namespace");
	if (sethostname("minictr", 7))
		die("sethostname");

	/*
	 * TODO 3: make every mount of this (copied) mount namespace private,
	 *         recursively, so that nothing mounted below propagates back
	 *         to the host: mount(2) with MS_REC | MS_PRIVATE on "/".
	 *         die() on failure, as everywhere below.
	 */

	/*
	 * TODO 4: pivot_root(2) needs the new root to be a mount point:
	 *         bind-mount a->rootfs onto itself (MS_BIND | MS_REC).
	 */

	/*
	 * A fresh procfs shows our pid namespace.  Mount it before the old
	 * root goes: in a user namespace the kernel lets us mount proc only
	 * while a fully visible one exists in this mount namespace.
	 */
	snprintf(path, sizeof(path), "%s/proc", a->rootfs);
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		die("mount proc");

	/*
	 * TODO 5: make the rootfs the root of this mount namespace and get rid
	 *         of the old root, the way runc does:
	 *         a. chdir into a->rootfs;
	 *         b. pivot_root(".", ".") (glibc has no wrapper: syscall(2)
	 *            with SYS_pivot_root): the old root is now stacked on top
	 *            of the new one, at ".";
	 *         c. detach it: umount2(".", MNT_DETACH);
	 *         d. chdir("/").
	 */

	execvp(a->argv[0], a->argv);
	fprintf(stderr, "minictr: exec %s: %s\n", a->argv[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int main(int argc, char **argv)
{
	static char stack[STACK_SIZE];
	struct child_args a;
	char path[64];
	int status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: minictr ROOTFS CMD [ARG...]\n");
		return 2;
	}
	a.rootfs = argv[1];
	a.argv = argv + 2;
	if (pipe2(a.sync, O_CLOEXEC))
		die("pipe");

	pid = clone(child, stack + STACK_SIZE,
		    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			    CLONE_NEWPID | SIGCHLD,
		    &a);
	if (pid < 0)
		die("clone");
	close(a.sync[0]);

	/*
	 * TODO 1: map root inside to 100000.. outside: write ID_MAP into the
	 *         child's uid_map (user_namespaces(7)).  die() on failure.
	 */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);

	/* TODO 2: the same for its gid_map. */
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);

	close(a.sync[1]); /* release the child */
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
