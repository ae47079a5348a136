// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/procfs.h"

/* /proc/PID/@rest, or /proc/self/@rest for @pid 0. */
static int proc_path(char *buf, size_t len, pid_t pid, const char *rest)
{
	int n;

	if (pid < 0)
		return -ESRCH;
	if (pid)
		n = snprintf(buf, len, "/proc/%d/%s", (int)pid, rest);
	else
		n = snprintf(buf, len, "/proc/self/%s", rest);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Up to @len - 1 bytes of a small file in one read(), NUL-terminated. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

int procfs_ns_inode(pid_t pid, const char *name, uint64_t *ino)
{
	char rest[32], path[64];
	struct stat st;
	int err;

	snprintf(rest, sizeof(rest), "ns/%s", name);
	err = proc_path(path, sizeof(path), pid, rest);
	if (err)
		return err;
	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char rest[32], path[64];
	ssize_t n;
	int err;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	snprintf(rest, sizeof(rest), "task/%d/comm", (int)tid);
	err = proc_path(path, sizeof(path), pid, rest);
	if (err)
		return err;
	n = read_small(path, buf, len);
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int procfs_stat(pid_t pid, struct procfs_stat *st)
{
	char path[64], buf[1024], *l, *r, *p;
	unsigned long long start;
	int err, field, ppid;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	err = proc_path(path, sizeof(path), pid, "stat");
	if (err)
		return err;
	n = read_small(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	/* "PID (COMM) S PPID ...": COMM may hold spaces and parentheses */
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l || r[1] != ' ')
		return -EINVAL;
	snprintf(st->comm, sizeof(st->comm), "%.*s", (int)(r - l - 1), l + 1);
	/* after ")": state ppid pgrp session tty_nr tpgid flags */
	if (sscanf(r + 2, "%c %d %*d %*d %*d %*d %lu", &st->state, &ppid,
		   &st->flags) != 3)
		return -EINVAL;
	st->ppid = ppid;
	for (field = 3, p = r + 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field == 22 && sscanf(p, "%llu", &start) == 1)
		st->start_time = start;
	return 0;
}

uint64_t procfs_start_time(pid_t pid)
{
	struct procfs_stat st;

	return procfs_stat(pid, &st) ? 0 : st.start_time;
}

uint64_t procfs_vm_hwm_kb(const char *proc, pid_t pid)
{
	char path[4200], line[256];
	unsigned long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/status", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %llu", &kb) == 1)
			break;
	fclose(f);
	return kb;
}
