/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default guest userland for `isolens vm run`: busybox-static and a
 * tiny /init that writes the boot marker, runs the command, reports its
 * status on VMM_PORT_STATUS and powers off.  The command travels in a
 * second, per-run cpio archive appended to the cached one (the kernel
 * unpacks concatenated archives in order).
 */
#ifndef ISOLENS_VMM_INITRAMFS_H
#define ISOLENS_VMM_INITRAMFS_H

#include <stddef.h>

#include "base/errbuf.h"

#define VMM_BUSYBOX "/bin/busybox"
#define VMM_INITRAMFS_CMD "/isolens/cmd"

/* Build the base archive in memory (malloc'd). */
int vmm_initramfs_build(const char *busybox, void **buf, size_t *len,
			struct errbuf *eb);

/* Make sure a cached copy exists and return its path. */
int vmm_initramfs_cached(const char *busybox, char *path, size_t pathlen,
			 struct errbuf *eb);

/* The per-run archive: /isolens/cmd, a shell-quoted argv (argc may be 0). */
int vmm_initramfs_cmd(int argc, char *const argv[], void **buf, size_t *len,
		      struct errbuf *eb);

/*
 * The whole default userland for one run of argv (argc may be 0).  With a
 * path, the base archive comes from the cache when it can be written
 * there: *path names it and *buf is the per-run archive to load after it.
 * Otherwise (path NULL, or a read-only cache: *path is then "") *buf holds
 * both archives, one after the other.  *buf is malloc'd.
 */
int vmm_initramfs_for_cmd(const char *busybox, int argc, char *const argv[],
			  char *path, size_t pathlen, void **buf, size_t *len,
			  struct errbuf *eb);

#endif
