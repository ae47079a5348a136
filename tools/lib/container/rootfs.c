// SPDX-License-Identifier: GPL-2.0
/*
 * The default root filesystem: busybox-static plus one symlink per applet
 * and a few /etc files, built once and cached in /var/cache/isolens (root)
 * or $XDG_CACHE_HOME/isolens, ~/.cache/isolens, else /tmp/isolens-UID.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/util.h"
#include "ctr.h"

#define BUSYBOX "/bin/busybox"
#define STAMP ".isolens-rootfs"

static int dir_writable(const char *dir)
{
	return !mkdir_p(dir, 0755) && !access(dir, W_OK);
}

int ctr_rootfs_default_dir(char *buf, size_t len, struct errbuf *eb)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[PATH_MAX];

	if (geteuid() == 0 && dir_writable("/var/cache/isolens"))
		snprintf(base, sizeof(base), "/var/cache/isolens");
	else if (xdg && *xdg &&
		 (snprintf(base, sizeof(base), "%s/isolens", xdg),
		  dir_writable(base)))
		;
	else if (home && *home &&
		 (snprintf(base, sizeof(base), "%s/.cache/isolens", home),
		  dir_writable(base)))
		;
	else {
		snprintf(base, sizeof(base), "/tmp/isolens-%u",
			 (unsigned int)geteuid());
		if (!dir_writable(base))
			return errbuf_errno(eb, errno,
					    "no writable cache directory");
	}
	if ((size_t)snprintf(buf, len, "%s/rootfs-busybox", base) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "cache path too long");
	return 0;
}

static int write_text(const char *dir, const char *file, const char *text,
		      mode_t mode)
{
	char path[PATH_MAX];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int copy_busybox(const char *dst)
{
	struct stat st;
	int in, out, err = 0;
	off_t off = 0;

	in = open(BUSYBOX, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st)) {
		err = -errno;
		close(in);
		return err;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, st.st_size - off);

		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
	}
	close(in);
	close(out);
	return err;
}

/* Each line of `busybox --list-full` ("usr/bin/env") becomes a symlink. */
static int link_applets(const char *dir)
{
	char line[256], path[PATH_MAX], target[PATH_MAX], *nl, *slash;
	int pfd[2], status, err = 0, depth;
	FILE *f;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		execl(BUSYBOX, "busybox", "--list-full", (char *)NULL);
		_exit(EXIT_NOT_FOUND);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		const char *c;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!*line || !strcmp(line, "bin/busybox") ||
		    strstr(line, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		slash = strrchr(path, '/');
		*slash = '\0';
		mkdir_p(path, 0755);
		*slash = '/';
		/* relative link so the tree works wherever it is mounted */
		depth = 0;
		for (c = line; *c; c++)
			depth += *c == '/';
		target[0] = '\0';
		while (depth-- > 0)
			strcat(target, "../");
		strcat(target, "bin/busybox");
		if (symlink(target, path) && errno != EEXIST) {
			err = -errno;
			break;
		}
	}
	if (f)
		fclose(f);
	else
		close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		err = err ? err : -ENOEXEC;
	return err;
}

int container_rootfs_build(const char *dir, struct errbuf *eb)
{
	static const char *const dirs[] = {
		"bin", "sbin", "usr/bin", "usr/sbin", "etc",	 "proc", "sys",
		"dev", "tmp",  "root",	  "run",      "var/tmp", "home",
	};
	char path[PATH_MAX];
	size_t i;
	int err;

	if (access(BUSYBOX, X_OK))
		return errbuf_errno(
			eb, errno,
			"%s (package busybox-static) is needed to build a rootfs",
			BUSYBOX);
	err = mkdir_p(dir, 0755);
	if (err)
		return errbuf_errno(eb, -err, "creating %s", dir);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		err = mkdir_p(path, 0755);
		if (err)
			return errbuf_errno(eb, -err, "creating %s", path);
	}
	snprintf(path, sizeof(path), "%s/tmp", dir);
	chmod(path, 01777);
	snprintf(path, sizeof(path), "%s/bin/busybox", dir);
	err = copy_busybox(path);
	if (err)
		return errbuf_errno(eb, -err, "copying %s", BUSYBOX);
	err = link_applets(dir);
	if (err)
		return errbuf_errno(eb, -err, "linking busybox applets");
	err = write_text(dir, "etc/passwd",
			 "root:x:0:0:root:/root:/bin/sh\n"
			 "nobody:x:65534:65534:nobody:/:/bin/false\n",
			 0644);
	if (!err)
		err = write_text(dir, "etc/group",
				 "root:x:0:\nnogroup:x:65534:\n", 0644);
	if (!err)
		err = write_text(dir, "etc/hosts",
				 "127.0.0.1 localhost\n::1 localhost\n", 0644);
	if (!err)
		err = write_text(dir, STAMP,
				 "busybox rootfs built by isolens\n", 0644);
	if (err)
		return errbuf_errno(eb, -err, "writing /etc files in %s", dir);
	return 0;
}

/* Build into DIR.tmp.PID and rename: concurrent runs never see half a tree. */
int container_rootfs_ensure_default(char *buf, size_t len, struct errbuf *eb)
{
	char tmp[PATH_MAX], stamp[PATH_MAX + 32];
	int err;

	err = ctr_rootfs_default_dir(buf, len, eb);
	if (err)
		return err;
	snprintf(stamp, sizeof(stamp), "%s/" STAMP, buf);
	if (!access(stamp, F_OK))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", buf, (int)getpid());
	err = container_rootfs_build(tmp, eb);
	if (err)
		return err;
	if (rename(tmp, buf) && access(stamp, F_OK))
		return errbuf_errno(eb, errno, "renaming %s to %s", tmp, buf);
	return 0;
}
