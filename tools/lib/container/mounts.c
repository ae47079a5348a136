// SPDX-License-Identifier: GPL-2.0
/*
 * The container's filesystem view, built inside its new mount namespace:
 * private propagation, the rootfs bound onto itself, a fresh /proc, a
 * minimal /dev, a read-only /sys, then pivot_root with the old root
 * detached, and finally runc's default masked and read-only /proc paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "base/util.h"
#include "ctr.h"

/*
 * The top-level directories of a rootfs that isolens mounts on (or will
 * bind files into): a symlink there would point a mount anywhere on the
 * host, so such a rootfs is refused.
 */
static const char *const rootfs_guarded[] = {
	"proc", "dev", "sys", "etc", "tmp",
};

/*
 * Resolve PATH under DIRFD as the kernel would from a root at DIRFD
 * (RESOLVE_IN_ROOT: ".." and absolute names stay inside), following no
 * symlink at all.  O_PATH: nothing is opened for I/O, the fd only names.
 */
static int openat2_in_root(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC | flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* One line that names PATH (relative to ROOT) and why it is refused. */
static int refuse(struct errbuf *eb, int rootfd, const char *root,
		  const char *path, int err)
{
	char target[256];
	struct stat st;
	ssize_t n;

	if (!fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISLNK(st.st_mode)) {
		n = readlinkat(rootfd, path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		return errbuf_set(
			eb, ELOOP,
			"rootfs %s: /%s is a symlink (to %s): refused", root,
			path, target);
	}
	if (err == ELOOP)
		return errbuf_set(
			eb, ELOOP,
			"rootfs %s: /%s passes through a symlink: refused",
			root, path);
	if (err == ENOTDIR)
		return errbuf_set(eb, ENOTDIR,
				  "rootfs %s: /%s is not a directory: refused",
				  root, path);
	return errbuf_errno(eb, err, "rootfs %s: /%s", root, path);
}

int ctr_mounts_check_rootfs(const char *root, struct errbuf *eb)
{
	int rootfd, fd, err = 0;
	size_t i;

	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return errbuf_errno(eb, errno, "rootfs %s", root);
	for (i = 0; i < ARRAY_SIZE(rootfs_guarded); i++) {
		fd = openat2_in_root(rootfd, rootfs_guarded[i], O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno == ENOENT)
			continue; /* created in the child if needed */
		err = refuse(eb, rootfd, root, rootfs_guarded[i], errno);
		break;
	}
	close(rootfd);
	return err;
}

/* The container's rootfs while ctr_mounts_setup() builds it. */
struct mnt_root {
	const char *root; /* its path, for messages and the escape check */
	int fd; /* O_PATH of the root of its bind mount */
	struct errbuf *eb;
};

/* The name through which mount(2) reaches what FD refers to, as runc does. */
struct fd_path {
	char s[32];
};

static struct fd_path fd_path(int fd)
{
	struct fd_path p;

	snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
	return p;
}

/* Belt and braces: what openat2 returned must lie under the rootfs. */
static int check_inside(struct mnt_root *r, int fd, const char *path)
{
	char where[PATH_MAX];
	size_t n = strlen(r->root);
	ssize_t len;

	len = readlink(fd_path(fd).s, where, sizeof(where) - 1);
	if (len < 0)
		return errbuf_errno(r->eb, errno, "rootfs %s: /%s", r->root,
				    path);
	where[len] = '\0';
	if (strncmp(where, r->root, n) ||
	    (where[n] && where[n] != '/' && strcmp(r->root, "/")))
		return errbuf_set(
			r->eb, EXDEV,
			"rootfs %s: /%s resolves to %s, outside the rootfs: refused",
			r->root, path, where);
	return 0;
}

/*
 * The directory PATH (relative to the rootfs, e.g. "dev/pts"), created in
 * its resolved parent if missing.  Returns an O_PATH fd, or -errno with
 * the message in r->eb.
 */
static int resolve_dir(struct mnt_root *r, const char *path, bool create)
{
	const char *base = strrchr(path, '/');
	char parent[64];
	int fd, pfd, err;

	fd = openat2_in_root(r->fd, path, O_DIRECTORY);
	if (fd < 0 && errno == ENOENT && create) {
		pfd = r->fd;
		if (base) {
			snprintf(parent, sizeof(parent), "%.*s",
				 (int)(base - path), path);
			pfd = resolve_dir(r, parent, false);
			if (pfd < 0)
				return pfd;
		}
		err = 0;
		if (mkdirat(pfd, base ? base + 1 : path, 0755) &&
		    errno != EEXIST)
			err = errno;
		if (pfd != r->fd)
			close(pfd);
		if (err)
			return errbuf_errno(r->eb, err, "creating /%s", path);
		fd = openat2_in_root(r->fd, path, O_DIRECTORY);
	}
	if (fd < 0)
		return refuse(r->eb, r->fd, r->root, path, errno);
	err = check_inside(r, fd, path);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * A bind mount's own flags are changed by a remount.  Inside a user
 * namespace it must keep the flags the kernel locked when the mount was
 * copied (nosuid, nodev, ...), or it fails with EPERM: carry the current
 * ones over, and add EXTRA (MS_RDONLY, MS_NODEV, MS_NOSUID).
 */
static int remount_bind(const char *path, unsigned long extra)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | extra;
	struct statvfs sv;

	if (statvfs(path, &sv))
		return -errno;
	if (sv.f_flag & ST_RDONLY)
		flags |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	if (mount(NULL, path, NULL, flags, NULL))
		return -errno;
	return 0;
}

/* mount(2) onto the rootfs directory PATH, resolved inside the rootfs. */
static int mount_in(struct mnt_root *r, const char *path, bool create,
		    const char *src, const char *fstype, unsigned long flags,
		    const char *data)
{
	int fd = resolve_dir(r, path, create), err = 0;

	if (fd < 0)
		return fd;
	if (mount(src, fd_path(fd).s, fstype, flags, data))
		err = errbuf_errno(r->eb, errno, "mounting %s on /%s",
				   fstype ? fstype : src, path);
	close(fd);
	return err;
}

/* Bind HOST (a host path) recursively onto PATH, read-only. */
static int bind_ro_in(struct mnt_root *r, const char *path, const char *host)
{
	int fd = resolve_dir(r, path, true), err = 0;

	if (fd < 0)
		return fd;
	if (mount(host, fd_path(fd).s, NULL, MS_BIND | MS_REC, NULL))
		err = -errno;
	else
		err = remount_bind(fd_path(fd).s, MS_RDONLY);
	if (err)
		err = errbuf_errno(r->eb, -err, "binding %s on /%s", host,
				   path);
	close(fd);
	return err;
}

/*
 * Device nodes are bind-mounted from the host rather than created with
 * mknod: the same code then works rootless, where mknod is not allowed.
 * The /dev tmpfs itself is nodev: each bind mount keeps the flags of the
 * host's /dev mount it was copied from, so the nodes still open, and
 * nothing else under /dev can be a device.  The device policy
 * (devices.c) decides which of them may be opened.
 */
static int setup_dev(struct mnt_root *r)
{
	static const char *const nodes[] = {
		"null", "zero", "full", "random", "urandom", "tty",
	};
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	char host[32];
	int devfd, fd, err;
	size_t i;

	err = mount_in(r, "dev", true, "tmpfs", "tmpfs",
		       MS_NOSUID | MS_NODEV | MS_STRICTATIME,
		       "mode=755,size=65536k");
	if (err)
		return err;
	/* the fresh tmpfs, not the directory it covers */
	devfd = resolve_dir(r, "dev", false);
	if (devfd < 0)
		return devfd;
	for (i = 0; i < ARRAY_SIZE(nodes) && !err; i++) {
		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		fd = openat(devfd, nodes[i],
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    0644);
		if (fd < 0 || mount(host, fd_path(fd).s, NULL, MS_BIND, NULL))
			err = errbuf_errno(r->eb, errno, "binding %s", host);
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < ARRAY_SIZE(links) && !err; i++)
		if (symlinkat(links[i][0], devfd, links[i][1]))
			err = errbuf_errno(r->eb, errno, "linking /dev/%s",
					   links[i][1]);
	close(devfd);
	if (!err)
		err = mount_in(r, "dev/pts", true, "devpts", "devpts",
			       MS_NOSUID | MS_NOEXEC,
			       "newinstance,ptmxmode=0666,mode=0620");
	if (!err)
		err = mount_in(r, "dev/shm", true, "shm", "tmpfs",
			       MS_NOSUID | MS_NODEV | MS_NOEXEC,
			       "mode=1777,size=65536k");
	return err;
}

static int setup_sys(struct mnt_root *r, bool own_netns, bool cgroup_ns)
{
	unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct errbuf ignore;
	int err;

	/*
	 * sysfs shows the network devices of the mounter's netns, so the
	 * kernel lets a user namespace mount it only with its own netns.
	 * Otherwise fall back to a read-only recursive bind of the host's.
	 */
	err = mount_in(r, "sys", true, "sysfs", "sysfs", ro, NULL);
	if (err == -EPERM || (err && !own_netns))
		return bind_ro_in(r, "sys", "/sys");
	if (err)
		return err;
	/* The container's cgroup namespace root, read-only; best effort. */
	if (cgroup_ns) {
		struct mnt_root quiet = { .root = r->root,
					  .fd = r->fd,
					  .eb = &ignore };

		mount_in(&quiet, "sys/fs/cgroup", false, "cgroup2", "cgroup2",
			 ro, NULL);
	}
	return 0;
}

/*
 * Every mount target is resolved with openat2() inside the rootfs and
 * mounted through its fd: a symlink planted in the rootfs (a /proc that
 * points at the host's /etc, say), even one swapped in after the parent's
 * check, makes the run fail instead of mounting over a host path.
 */
int ctr_mounts_setup(const char *rootfs, bool rootfs_ro, bool own_netns,
		     bool cgroup_ns, struct errbuf *eb)
{
	struct mnt_root r = { .eb = eb };
	char root[PATH_MAX];
	int err;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return errbuf_errno(eb, errno, "making / private");
	if (!realpath(rootfs, root))
		return errbuf_errno(eb, errno, "rootfs %s", rootfs);
	r.root = root;
	/* pivot_root needs the new root to be a mount point. */
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL))
		return errbuf_errno(eb, errno, "binding rootfs %s", root);
	r.fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r.fd < 0)
		return errbuf_errno(eb, errno, "rootfs %s", root);
	/*
	 * No device node in the rootfs opens (nodev), and no set-id bit
	 * counts (nosuid; no_new_privs ignores them anyway).  The shared
	 * cache is read-only, with a tmpfs on /tmp.
	 */
	err = remount_bind(fd_path(r.fd).s,
			   MS_NODEV | MS_NOSUID | (rootfs_ro ? MS_RDONLY : 0));
	if (err) {
		err = errbuf_errno(eb, -err, "remounting %s nodev,nosuid%s",
				   root, rootfs_ro ? ",ro" : "");
		goto out;
	}
	if (rootfs_ro) {
		err = mount_in(&r, "tmp", false, "tmpfs", "tmpfs",
			       MS_NOSUID | MS_NODEV, "mode=1777,size=65536k");
		if (err)
			goto out;
	}
	/*
	 * A user namespace may mount proc only if it owns the pid namespace
	 * (not so with --share pid): then bind the host's /proc instead.
	 */
	err = mount_in(&r, "proc", true, "proc", "proc",
		       MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (err == -EPERM)
		err = mount_in(&r, "proc", false, "/proc", NULL,
			       MS_BIND | MS_REC, NULL);
	if (!err)
		err = setup_dev(&r);
	if (!err)
		err = setup_sys(&r, own_netns, cgroup_ns);
	if (err)
		goto out;

	/*
	 * pivot_root(".", "."): the old root ends up stacked under the new
	 * one at "/", and the lazy unmount detaches it, so no path leads back
	 * to the host's tree (the trick runc uses, no temporary directory).
	 */
	if (fchdir(r.fd)) {
		err = errbuf_errno(eb, errno, "chdir %s", root);
		goto out;
	}
	if (syscall(SYS_pivot_root, ".", "."))
		err = errbuf_errno(eb, errno, "pivot_root into %s", root);
	else if (umount2(".", MNT_DETACH))
		err = errbuf_errno(eb, errno, "detaching the old root");
	else if (chdir("/"))
		err = errbuf_errno(eb, errno, "chdir /");
out:
	close(r.fd);
	return err ? err : ctr_mounts_mask_proc(eb);
}

/*
 * runc's default maskedPaths (runc spec, 1.1), and /proc/isolens: the
 * module's views list the host's cgroup paths, VMM pids and namespace
 * inodes, which a container has no business reading.
 */
const char *const ctr_mounts_masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/proc/isolens",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	NULL,
};

/* runc's default readonlyPaths */
const char *const ctr_mounts_readonly_paths[] = {
	"/proc/bus",	       "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL,
};

int ctr_mounts_mask_proc(struct errbuf *eb)
{
	const char *const *p;
	struct stat st;
	int err;

	for (p = ctr_mounts_masked_paths; *p; p++) {
		if (stat(*p, &st))
			continue; /* absent on this kernel */
		if (S_ISDIR(st.st_mode))
			err = mount("tmpfs", *p, "tmpfs", MS_RDONLY, "size=0");
		else
			err = mount("/dev/null", *p, NULL, MS_BIND, NULL);
		if (err)
			return errbuf_errno(eb, errno, "masking %s", *p);
	}
	for (p = ctr_mounts_readonly_paths; *p; p++) {
		if (stat(*p, &st))
			continue;
		if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL))
			return errbuf_errno(eb, errno, "binding %s", *p);
		err = remount_bind(*p, MS_RDONLY);
		if (err)
			return errbuf_errno(eb, -err, "making %s read-only",
					    *p);
	}
	return 0;
}
