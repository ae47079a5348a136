// SPDX-License-Identifier: GPL-2.0
/*
 * One escape attempt from inside a container, made harmlessly: every
 * attempt either only opens something, writes back the value already there,
 * or hands the kernel a payload it rejects (tests/vm/escapes.bats,
 * tests/host/escapes.bats, docs/containers.md "The escape suite").
 *
 *   escape ATTEMPT [ARGS]     prints "ATTEMPT RESULT", exits 0
 *
 * RESULT is OK (the attempt got what it wanted), EMPTY (the path answered
 * with nothing: a masked file or an empty directory), or the errno name of
 * the step that failed; that step is named on stderr.  Two modes help the
 * tests set up an attempt and are not attempts themselves:
 *
 *   escape --handle PATH      print PATH's file handle as TYPE:HEX
 *   escape --tty CMD [ARG]... run CMD in a new session whose controlling
 *                             terminal is a new pty on its stdin (stdout,
 *                             stderr and other fds are left as they are)
 *
 * Exit status 2 on a usage error, else 0 (--tty: CMD's status).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>

#define EMPTY (-1) /* a result that is no errno: nothing behind the path */

/* Every attempt takes its argument; most have none to use. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

static const char *attempt;

/* The step that failed, on stderr; returns err for the result line. */
static int fail(const char *step, int err)
{
	fprintf(stderr, "escape: %s: %s: %s\n", attempt, step,
		err == EMPTY ? "nothing there" : strerror(err));
	return err;
}

static int parse_dev(const char *s, dev_t *dev)
{
	unsigned int maj, min;
	char end;

	if (!s || sscanf(s, "%u:%u%c", &maj, &min, &end) != 2)
		return -1;
	*dev = makedev(maj, min);
	return 0;
}

/* Entries of an open directory, "." and ".." not counted; closes fd. */
static int count_entries(int fd)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);
	int n = 0;

	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* An inherited fd: usable at all, and for a directory, what is above it. */
static int try_fd(const char *arg)
{
	struct stat st;
	int fd = atoi(arg), up;

	if (fstat(fd, &st))
		return fail("fstat", errno);
	if (!S_ISDIR(st.st_mode))
		return 0;
	up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up < 0)
		return fail("openat ..", errno);
	return count_entries(up) > 0 ? 0 : fail("listing ..", EMPTY);
}

/* A device node made here, then opened read-only; nothing is read. */
static int mknod_open(mode_t type, const char *arg)
{
	char path[64];
	dev_t dev;
	int fd, err = 0;

	if (parse_dev(arg, &dev))
		return fail("expected MAJ:MIN", EINVAL);
	snprintf(path, sizeof(path), "/tmp/escape-node-%d", (int)getpid());
	if (mknod(path, type | 0600, dev))
		return fail("mknod", errno);
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		err = fail("open", errno);
	else
		close(fd);
	unlink(path);
	return err;
}

/* A block device node that is already there (shipped in the image). */
static int try_open_blk(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st))
		return fail("stat", errno);
	if (!S_ISBLK(st.st_mode))
		return fail("not a block device", ENOTBLK);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail("open", errno);
	close(fd);
	return 0;
}

static int try_ctty(const char *arg)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return fail("open /dev/tty", errno);
	close(fd);
	return 0;
}

/*
 * Push one byte into a terminal's input, as if typed there: the
 * controlling terminal if there is one, else stdin if it is a tty.  The
 * byte is NUL, which no shell or line discipline acts on.
 */
static int try_tiocsti(const char *arg)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), err = 0;
	char c = '\0';

	if (fd < 0) {
		if (!isatty(0))
			return fail("no controlling terminal, stdin no tty",
				    errno == ENXIO ? ENOTTY : errno);
		fd = 0;
	}
	if (ioctl(fd, TIOCSTI, &c))
		err = fail(fd ? "TIOCSTI on /dev/tty" : "TIOCSTI on stdin",
			   errno);
	if (fd)
		close(fd);
	return err;
}

static int try_userns(const char *arg)
{
	return unshare(CLONE_NEWUSER) ? fail("unshare(CLONE_NEWUSER)", errno) :
					0;
}

/* Opened for writing, and nothing written. */
static int open_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(path, errno);
	close(fd);
	return 0;
}

/*
 * Write a file's own value back: nothing changes even if the write gets
 * through (/proc/sys/kernel/hostname is also our own uts namespace's).
 */
static int write_back(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path, errno);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return fail("reading it", n < 0 ? errno : EMPTY);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("opening it for writing", errno);
	if (write(fd, buf, (size_t)n) != n) {
		int err = errno;

		close(fd);
		return fail("writing it", err);
	}
	close(fd);
	return 0;
}

static int try_kcore(const char *arg)
{
	char buf[64];
	ssize_t n;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail("open /proc/kcore", errno);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return fail("read", errno);
	return n ? 0 : fail("read", EMPTY);
}

static int try_proc_isolens(const char *arg)
{
	int fd = open("/proc/isolens", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return fail("open /proc/isolens", errno);
	return count_entries(fd) > 0 ? 0 : fail("listing it", EMPTY);
}

/* "0::PATH" of /proc/self/cgroup: the cgroup-v2 path, as our ns sees it. */
static int own_cgroup(char *path, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, len, "%s", line + 3);
		found = 0;
	}
	fclose(f);
	return found;
}

/*
 * Move ourselves into the parent of our cgroup, out of the container's
 * limits.  The hierarchy is seen through a cgroup2 mount of our own when
 * we may make one, else through the runtime's /sys/fs/cgroup.  Inside a
 * cgroup namespace our cgroup is "/", the root of every cgroup2 mount made
 * here: its parent has no name in this view, and "ROOT/.." is the
 * directory the mount sits on, with no cgroup.procs.
 */
static int try_cgroup_move(const char *arg)
{
	char mnt[64], cg[4096], target[4200], pid[16], *slash;
	const char *base = "/sys/fs/cgroup";
	bool mounted = false;
	int fd, err = 0;

	snprintf(mnt, sizeof(mnt), "/tmp/escape-cgroup-%d", (int)getpid());
	if (!mkdir(mnt, 0700)) {
		if (!mount("cgroup2", mnt, "cgroup2", 0, NULL)) {
			base = mnt;
			mounted = true;
		} else {
			rmdir(mnt);
		}
	}
	if (own_cgroup(cg, sizeof(cg))) {
		err = fail("no cgroup2 line in /proc/self/cgroup", ENOENT);
		goto out;
	}
	slash = strrchr(cg, '/');
	if (!strcmp(cg, "/"))
		snprintf(target, sizeof(target), "%s/../cgroup.procs", base);
	else
		snprintf(target, sizeof(target), "%s%.*s/cgroup.procs", base,
			 (int)(slash - cg), cg);
	fd = open(target, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = fail(target, errno);
		goto out;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write(fd, pid, strlen(pid)) < 0)
		err = fail("writing our pid there", errno);
	close(fd);
out:
	if (mounted) {
		umount2(mnt, MNT_DETACH);
		rmdir(mnt);
	}
	return err;
}

/* A fresh procfs, without the runtime's masks; unmounted at once. */
static int try_mount_proc(const char *arg)
{
	char dir[64];
	int err = 0;

	snprintf(dir, sizeof(dir), "/tmp/escape-proc-%d", (int)getpid());
	if (mkdir(dir, 0700))
		return fail("mkdir", errno);
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		err = fail("mount proc", errno);
	else
		umount2(dir, MNT_DETACH);
	rmdir(dir);
	return err;
}

/* 64 zero bytes are no ELF file: past every check, the loader says ENOEXEC. */
static int try_module(const char *arg)
{
	static const char garbage[64];

	if (syscall(SYS_init_module, garbage, sizeof(garbage), ""))
		return fail("init_module", errno);
	return 0; /* cannot happen: nothing to load */
}

/* "TYPE:HEX" <-> struct file_handle */
static int print_handle(const char *path)
{
	struct file_handle *fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	unsigned int i;
	int mount_id;

	if (!fh)
		return 1;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, fh, &mount_id, 0)) {
		fprintf(stderr, "escape: name_to_handle_at %s: %s\n", path,
			strerror(errno));
		free(fh);
		return 1;
	}
	printf("%d:", fh->handle_type);
	for (i = 0; i < fh->handle_bytes; i++)
		printf("%02x", fh->f_handle[i]);
	printf("\n");
	free(fh);
	return 0;
}

/*
 * The "shocker" attack: a handle names an inode by number, not by path,
 * so opening it needs no path from our root.  With a mount fd on the same
 * filesystem ("/" here, the bind of the rootfs) and the handle of a
 * directory outside the rootfs, the kernel opens that directory.
 */
static int try_open_by_handle(const char *arg)
{
	struct file_handle *fh;
	unsigned int n = 0, byte;
	const char *hex;
	int type, mfd, fd;

	if (!arg || sscanf(arg, "%d:", &type) != 1 || !(hex = strchr(arg, ':')))
		return fail("expected TYPE:HEX (escape --handle PATH)", EINVAL);
	fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return fail("calloc", ENOMEM);
	for (hex++; n < MAX_HANDLE_SZ && sscanf(hex, "%2x", &byte) == 1;
	     hex += 2)
		fh->f_handle[n++] = (unsigned char)byte;
	fh->handle_bytes = n;
	fh->handle_type = type;
	mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0) {
		free(fh);
		return fail("open /", errno);
	}
	fd = open_by_handle_at(mfd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(fh);
	close(mfd);
	if (fd < 0)
		return fail("open_by_handle_at", errno);
	return count_entries(fd) > 0 ? 0 : fail("listing it", EMPTY);
}

static int try_io_uring(const char *arg)
{
	struct io_uring_params p = { 0 };
	long fd = syscall(SYS_io_uring_setup, 1, &p);

	if (fd < 0)
		return fail("io_uring_setup", errno);
	close((int)fd);
	return 0;
}

/* Without UFFD_USER_MODE_ONLY: it could also stall faults in the kernel. */
static int try_userfaultfd(const char *arg)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return fail("userfaultfd", errno);
	close((int)fd);
	return 0;
}

/* A process of the host: SEIZE stops nothing, and our exit detaches. */
static int signal_or_trace(bool trace, const char *arg)
{
	pid_t pid = arg ? atoi(arg) : 0;

	if (pid <= 0)
		return fail("expected PID", EINVAL);
	if (trace && ptrace(PTRACE_SEIZE, pid, NULL, NULL))
		return fail("PTRACE_SEIZE", errno);
	if (!trace && kill(pid, 0))
		return fail("kill(PID, 0)", errno);
	return 0;
}

static int try_mknod_chr(const char *arg)
{
	return mknod_open(S_IFCHR, arg ? arg : "1:1");
}

static int try_mknod_blk(const char *arg)
{
	return mknod_open(S_IFBLK, arg);
}

static int try_sysrq(const char *arg)
{
	return open_write("/proc/sysrq-trigger");
}

static int try_procsys(const char *arg)
{
	return write_back("/proc/sys/kernel/hostname");
}

static int try_sysfs(const char *arg)
{
	return write_back("/sys/kernel/mm/ksm/run");
}

static int try_ptrace(const char *arg)
{
	return signal_or_trace(true, arg);
}

static int try_kill(const char *arg)
{
	return signal_or_trace(false, arg);
}

static const struct {
	const char *name;
	int (*fn)(const char *arg);
	bool needs_arg;
} attempts[] = {
	{ "fd", try_fd, true },
	{ "mknod-chr", try_mknod_chr, false },
	{ "mknod-blk", try_mknod_blk, true },
	{ "open-blk", try_open_blk, true },
	{ "ctty", try_ctty, false },
	{ "tiocsti", try_tiocsti, false },
	{ "userns", try_userns, false },
	{ "sysrq", try_sysrq, false },
	{ "procsys", try_procsys, false },
	{ "sysfs", try_sysfs, false },
	{ "kcore", try_kcore, false },
	{ "proc-isolens", try_proc_isolens, false },
	{ "cgroup-move", try_cgroup_move, false },
	{ "mount-proc", try_mount_proc, false },
	{ "module", try_module, false },
	{ "open_by_handle_at", try_open_by_handle, true },
	{ "io_uring", try_io_uring, false },
	{ "userfaultfd", try_userfaultfd, false },
	{ "ptrace", try_ptrace, true },
	{ "kill", try_kill, true },
};

/* CMD with a new pty as stdin and controlling terminal; its status. */
static int with_tty(char **argv)
{
	char name[64], buf[256];
	int m, s, status;
	pid_t pid;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) || unlockpt(m) ||
	    ptsname_r(m, name, sizeof(name))) {
		perror("escape: --tty: a new pty");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("escape: --tty: fork");
		return 125;
	}
	if (pid == 0) {
		if (setsid() < 0 || (s = open(name, O_RDWR)) < 0 ||
		    ioctl(s, TIOCSCTTY, 0) || dup2(s, 0) < 0) {
			perror("escape: --tty: the pty as controlling terminal");
			_exit(125);
		}
		if (s)
			close(s);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	/* what the command echoed or had pushed into the pty, dropped */
	fcntl(m, F_SETFL, O_NONBLOCK);
	while (read(m, buf, sizeof(buf)) > 0)
		;
	close(m);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: escape fd N | mknod-chr [MAJ:MIN] | mknod-blk MAJ:MIN | open-blk PATH\n"
		"       | ctty | tiocsti | userns | sysrq | procsys | sysfs | kcore\n"
		"       | proc-isolens | cgroup-move | mount-proc | module\n"
		"       | open_by_handle_at TYPE:HEX | io_uring | userfaultfd\n"
		"       | ptrace PID | kill PID\n"
		"       escape --handle PATH | --tty CMD [ARG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *arg = argc > 2 ? argv[2] : NULL;
	size_t i;
	int r;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "--handle"))
		return argc == 3 ? print_handle(argv[2]) : usage();
	if (!strcmp(argv[1], "--tty"))
		return argc > 2 ? with_tty(argv + 2) : usage();
	attempt = argv[1];
	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
		if (!strcmp(attempt, attempts[i].name))
			break;
	if (i == sizeof(attempts) / sizeof(attempts[0]) ||
	    (attempts[i].needs_arg && !arg))
		return usage();
	r = attempts[i].fn(arg);
	if (r == EMPTY)
		printf("%s EMPTY\n", attempt);
	else if (r)
		printf("%s %s\n", attempt,
		       strerrorname_np(r) ? strerrorname_np(r) : "EUNKNOWN");
	else
		printf("%s OK\n", attempt);
	return 0;
}
