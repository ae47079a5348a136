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

#include "container.h"

/*
 * Remounting a bind mount read-only inside a user namespace must keep the
 * flags the kernel locked when the mount was copied (nosuid, nodev, ...),
 * or it fails with EPERM: carry the current ones over.
 */
static int remount_ro(const char *path)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs sv;

	if (statvfs(path, &sv))
		return -errno;
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

static int ensure_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int ensure_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * Device nodes are bind-mounted from the host rather than created with
 * mknod: the same code then works rootless, where mknod is not allowed.
 */
static int setup_dev(const char *root, struct errbuf *eb)
{
	static const char *const nodes[] = {
		"null", "zero", "full", "random", "urandom", "tty",
	};
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },     { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	char dev[PATH_MAX + 8], path[PATH_MAX + 48], host[32];
	size_t i;

	snprintf(dev, sizeof(dev), "%s/dev", root);
	if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME,
		  "mode=755,size=65536k"))
		return errbuf_errno(eb, errno, "mounting tmpfs on /dev");
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, nodes[i]);
		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		if (ensure_file(path) ||
		    mount(host, path, NULL, MS_BIND, NULL))
			return errbuf_errno(eb, errno, "binding %s", host);
	}
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, links[i][1]);
		if (symlink(links[i][0], path))
			return errbuf_errno(eb, errno, "linking /dev/%s",
					    links[i][1]);
	}
	snprintf(path, sizeof(path), "%s/pts", dev);
	if (ensure_dir(path) ||
	    mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620"))
		return errbuf_errno(eb, errno, "mounting devpts on /dev/pts");
	snprintf(path, sizeof(path), "%s/shm", dev);
	if (ensure_dir(path) ||
	    mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k"))
		return errbuf_errno(eb, errno, "mounting tmpfs on /dev/shm");
	return 0;
}

static int setup_sys(const char *root, bool own_netns, bool cgroup_ns,
		     struct errbuf *eb)
{
	char path[PATH_MAX + 32];
	unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	snprintf(path, sizeof(path), "%s/sys", root);
	if (ensure_dir(path))
		return errbuf_errno(eb, errno, "creating /sys");
	/*
	 * sysfs shows the network devices of the mounter's netns, so the
	 * kernel lets a user namespace mount it only with its own netns.
	 * Otherwise fall back to a read-only recursive bind of the host's.
	 */
	if (mount("sysfs", path, "sysfs", ro, NULL)) {
		if (own_netns && errno != EPERM)
			return errbuf_errno(eb, errno, "mounting sysfs");
		if (mount("/sys", path, NULL, MS_BIND | MS_REC, NULL) ||
		    remount_ro(path))
			return errbuf_errno(eb, errno, "binding /sys");
		return 0;
	}
	/* The container's cgroup namespace root, read-only; best effort. */
	if (cgroup_ns) {
		snprintf(path, sizeof(path), "%s/sys/fs/cgroup", root);
		mount("cgroup2", path, "cgroup2", ro, NULL);
	}
	return 0;
}

int mounts_setup(const char *rootfs, bool rootfs_ro, bool own_netns,
		 bool cgroup_ns, struct errbuf *eb)
{
	char root[PATH_MAX], path[PATH_MAX + 32];
	int err;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return errbuf_errno(eb, errno, "making / private");
	if (!realpath(rootfs, root))
		return errbuf_errno(eb, errno, "rootfs %s", rootfs);
	/* pivot_root needs the new root to be a mount point. */
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL))
		return errbuf_errno(eb, errno, "binding rootfs %s", root);
	if (rootfs_ro) {
		err = remount_ro(root);
		if (err)
			return errbuf_errno(eb, -err, "remounting %s read-only",
					    root);
		snprintf(path, sizeof(path), "%s/tmp", root);
		if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
			  "mode=1777,size=65536k"))
			return errbuf_errno(eb, errno, "mounting tmpfs on /tmp");
	}
	/*
	 * A user namespace may mount proc only if it owns the pid namespace
	 * (not so with --share pid): then bind the host's /proc instead.
	 */
	snprintf(path, sizeof(path), "%s/proc", root);
	if (ensure_dir(path) ||
	    (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL) &&
	     (errno != EPERM ||
	      mount("/proc", path, NULL, MS_BIND | MS_REC, NULL))))
		return errbuf_errno(eb, errno, "mounting /proc");
	snprintf(path, sizeof(path), "%s/dev", root);
	if (ensure_dir(path))
		return errbuf_errno(eb, errno, "creating /dev");
	err = setup_dev(root, eb);
	if (err)
		return err;
	err = setup_sys(root, own_netns, cgroup_ns, eb);
	if (err)
		return err;

	/*
	 * pivot_root(".", "."): the old root ends up stacked under the new
	 * one at "/", and the lazy unmount detaches it, so no path leads back
	 * to the host's tree (the trick runc uses, no temporary directory).
	 */
	if (chdir(root))
		return errbuf_errno(eb, errno, "chdir %s", root);
	if (syscall(SYS_pivot_root, ".", "."))
		return errbuf_errno(eb, errno, "pivot_root into %s", root);
	if (umount2(".", MNT_DETACH))
		return errbuf_errno(eb, errno, "detaching the old root");
	if (chdir("/"))
		return errbuf_errno(eb, errno, "chdir /");
	return mounts_mask_proc(eb);
}

/* runc's default maskedPaths and readonlyPaths (runc spec, 1.1). */
int mounts_mask_proc(struct errbuf *eb)
{
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list",
		"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
		"/sys/firmware", "/sys/devices/virtual/powercap",
	};
	static const char *const readonly[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger",
	};
	struct stat st;
	size_t i;
	int err;

	for (i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (stat(masked[i], &st))
			continue; /* absent on this kernel */
		if (S_ISDIR(st.st_mode))
			err = mount("tmpfs", masked[i], "tmpfs", MS_RDONLY,
				    "size=0");
		else
			err = mount("/dev/null", masked[i], NULL, MS_BIND,
				    NULL);
		if (err)
			return errbuf_errno(eb, errno, "masking %s", masked[i]);
	}
	for (i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		if (stat(readonly[i], &st))
			continue;
		if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC,
			  NULL))
			return errbuf_errno(eb, errno, "binding %s",
					    readonly[i]);
		err = remount_ro(readonly[i]);
		if (err)
			return errbuf_errno(eb, -err, "making %s read-only",
					    readonly[i]);
	}
	return 0;
}
