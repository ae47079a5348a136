/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A writer for the "newc" cpio format, the one the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 */
#ifndef ISOLENS_CPIO_H
#define ISOLENS_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "errbuf.h"

struct cpio_writer {
	FILE *out;
	uint32_t next_ino;
	int err; /* first write error, sticky */
};

void cpio_init(struct cpio_writer *w, FILE *out);
int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm);
int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
		  const void *data, size_t len);
int cpio_add_symlink(struct cpio_writer *w, const char *name,
		     const char *target);
int cpio_add_chardev(struct cpio_writer *w, const char *name, mode_t perm,
		     unsigned int major, unsigned int minor);
/* Copy a host file into the archive under @name. */
int cpio_add_host_file(struct cpio_writer *w, const char *name, mode_t perm,
		       const char *path, struct errbuf *eb);
/* Write the trailer; returns the first error seen, if any. */
int cpio_finish(struct cpio_writer *w);

#endif
