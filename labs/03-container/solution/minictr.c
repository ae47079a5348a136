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

static int write_file(const char *path, const char *text)
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
	 * Mounts made below must not propagate back to the host: the new
	 * mount namespace is a copy whose mounts may be shared peers.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("make / private");

	/* pivot_root needs the new root to be a mount point. */
	if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL))
		die("bind mount the rootfs");

	/*
	 * A fresh procfs shows our pid namespace.  Mount it before the old
	 * root goes: in a user namespace the kernel lets us mount proc only
	 * while a fully visible one exists in this mount namespace.
	 */
	snprintf(path, sizeof(path), "%s/proc", a->rootfs);
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		die("mount proc");

	/* The rootfs becomes / and the old root is stacked on it, then gone. */
	if (chdir(a->rootfs))
		die("chdir rootfs");
	if (syscall(SYS_pivot_root, ".", "."))
		die("pivot_root");
	if (umount2(".", MNT_DETACH))
		die("detach the old root");
	if (chdir("/"))
		die("chdir /");

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

	/* Map root inside to 100000.. outside (user_namespaces(7)). */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (write_file(path, ID_MAP))
		die("write uid_map");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	if (write_file(path, ID_MAP))
		die("write gid_map");

	close(a.sync[1]); /* release the child */
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
