// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static int file_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = dir ? snprintf(buf, len, "%s/%s", dir, name) :
		      snprintf(buf, len, "%s", name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int file_write_flags(const char *dir, const char *name, const char *s,
			    int flags)
{
	char path[PATH_MAX];
	ssize_t n, len = (ssize_t)strlen(s);
	int fd, err;

	err = file_path(dir, name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, flags | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	err = n < 0 ? -errno : n != len ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write_str(const char *dir, const char *name, const char *s)
{
	return file_write_flags(dir, name, s, 0);
}

int file_create_str(const char *dir, const char *name, const char *s)
{
	return file_write_flags(dir, name, s, O_CREAT | O_TRUNC);
}

int file_read_str(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	err = file_path(dir, name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int file_read_all(const char *path, size_t max, void **buf, size_t *len,
		  struct errbuf *eb)
{
	struct stat st;
	size_t done = 0;
	uint8_t *p;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errbuf_errno(eb, errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		err = errbuf_errno(eb, errno, "%s", path);
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = errbuf_set(eb, EINVAL, "%s: not a regular file", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > max) {
		err = errbuf_set(eb, EFBIG,
				 "%s: %lld bytes, more than the %zu allowed",
				 path, (long long)st.st_size, max);
		goto out_close;
	}
	p = malloc(st.st_size ? st.st_size : 1);
	if (!p) {
		err = errbuf_errno(eb, ENOMEM, "%s", path);
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errbuf_errno(eb, errno, "%s", path);
			free(p);
			goto out_close;
		}
		if (!n)
			break; /* shrank under us: use what we got */
		done += n;
	}
	*buf = p;
	*len = done;
	err = 0;
out_close:
	close(fd);
	return err;
}
