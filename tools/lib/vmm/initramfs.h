/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default guest userland for `isolens vm run`: busybox-static and a
 * tiny /init that loads the listed kernel modules, mounts the root disk
 * when there is one, writes the boot marker, runs the command, reports its
 * status on VMM_PORT_STATUS and powers off.  The command (and the choice of
 * root) travel in a second, per-run cpio archive appended to the cached one
 * (the kernel unpacks concatenated archives in order).
 */
#ifndef ISOLENS_VMM_INITRAMFS_H
#define ISOLENS_VMM_INITRAMFS_H

#include <stddef.h>

#include "base/errbuf.h"
#include "base/kmod.h"

#define VMM_BUSYBOX "/bin/busybox"
#define VMM_INITRAMFS_CMD "/isolens/cmd"
/* the root block device ("/dev/vda"), when the command runs on a disk */
#define VMM_INITRAMFS_ROOT "/isolens/root"
/* module NAME is /lib/isolens/modules/NAME.ko; the load order, a name a line */
#define VMM_INITRAMFS_MODDIR "/lib/isolens/modules"
#define VMM_INITRAMFS_MODLOAD "/lib/isolens/modules.load"

/* What goes into the default userland. */
struct vmm_userland {
	const char *busybox; /* a static busybox */
	const struct kmod_list *mods; /* insmod'ed in order; NULL: none */
	const char *root; /* block device to mount as /; NULL: the initramfs */
};

/* Build the base archive (busybox, init, modules) in memory (malloc'd). */
int vmm_initramfs_build(const struct vmm_userland *u, void **buf, size_t *len,
			struct errbuf *eb);

/*
 * Make sure a cached copy of the base archive exists and return its path,
 * vm-initramfs-<hash>.cpio: the hash covers the init script, the outb
 * helper, and the path, size and mtime of busybox and of every module, so
 * a changed input is a new entry.
 */
int vmm_initramfs_cached(const struct vmm_userland *u, char *path,
			 size_t pathlen, struct errbuf *eb);

/*
 * The per-run archive: /isolens/cmd, a shell-quoted argv (argc may be 0),
 * and /isolens/root holding @root when it is not NULL.
 */
int vmm_initramfs_cmd(int argc, char *const argv[], const char *root,
		      void **buf, size_t *len, struct errbuf *eb);

/*
 * The whole default userland for one run of argv (argc may be 0).  With a
 * path, the base archive comes from the cache when it can be written
 * there: *path names it and *buf is the per-run archive to load after it.
 * Otherwise (path NULL, or a read-only cache: *path is then "") *buf holds
 * both archives, one after the other.  *buf is malloc'd.
 */
int vmm_initramfs_for_cmd(const struct vmm_userland *u, int argc,
			  char *const argv[], char *path, size_t pathlen,
			  void **buf, size_t *len, struct errbuf *eb);

#endif
