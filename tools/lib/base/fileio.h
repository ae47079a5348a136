/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small whole-file reads and writes, as cgroupfs, procfs and the lab VM's
 * control files need them.  @dir may be NULL, then @name is the path.
 * All return 0 or -errno.
 */
#ifndef ISOLENS_FILEIO_H
#define ISOLENS_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "errbuf.h"

/* Write @s to an existing file in one write() (kernel files want that). */
int file_write_str(const char *dir, const char *name, const char *s);
/* Write all @len bytes to @fd, across short writes and EINTR. */
int fd_write_all(int fd, const void *buf, size_t len);
/* Create or truncate the file, then write @s. */
int file_create_str(const char *dir, const char *name, const char *s);
/* Read at most @len - 1 bytes and NUL-terminate them. */
int file_read_str(const char *dir, const char *name, char *buf, size_t len);
/*
 * Read a whole regular file into a malloc'd buffer, refusing more than
 * @max bytes (kernels, initrds, binaries for an archive).
 */
int file_read_all(const char *path, size_t max, void **buf, size_t *len,
		  struct errbuf *eb);
/* mkdir -p; an existing directory is fine. */
int mkdir_p(const char *path, mode_t mode);

#endif
