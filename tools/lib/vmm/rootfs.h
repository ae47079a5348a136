/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A directory tree as a VM's root disk (isolens vm run --rootfs DIR): an
 * ext4 image built from it by e2fsprogs' mke2fs -d (no root, no loop
 * device), cached by the tree's content, and a private copy of it for each
 * run so that the guest writes without touching the cache.
 */
#ifndef ISOLENS_VMM_ROOTFS_H
#define ISOLENS_VMM_ROOTFS_H

#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"

struct vmm_rootfs_sum {
	char hex[65]; /* SHA-256 of the tree, in hex */
	uint64_t bytes; /* file and directory data, each rounded up to 4 KiB */
	uint64_t entries; /* files, directories, links, ... including DIR */
};

/*
 * Hash the tree under @dir without following symlinks, in sorted order:
 * for each entry its path relative to @dir, type, permission bits, uid,
 * gid, size, mtime (with nanoseconds), device number and symlink target:
 * the metadata as lstat() sees it, not the file contents.  A file
 * rewritten with the same size and mtime therefore keeps the hash (as it
 * would for make or rsync's quick check).
 */
int vmm_rootfs_hash(const char *dir, struct vmm_rootfs_sum *sum,
		    struct errbuf *eb);

/*
 * Make sure the cache holds the ext4 image of @dir, vm-rootfs-<hash>.ext4,
 * and return its path.  Built by `mke2fs -q -F -t ext4 -d DIR -L
 * isolens-root -m 0 -N INODES -E root_owner=0:0 FILE SIZE`, sized to the
 * tree plus half again plus 64 MiB (the guest's room to write), rounded up
 * to 16 MiB; a sparse file, so unused space costs nothing.  Written under a
 * temporary name and renamed into place.
 */
int vmm_rootfs_image(const char *dir, char *path, size_t len,
		     struct errbuf *eb);

/*
 * A private, writable copy of @image for one run, as an open file with no
 * name (O_TMPFILE in the cache directory, else mkstemp() and unlink()):
 * FICLONE or copy_file_range() of its data extents only, so the copy is a
 * reflink where the filesystem can and stays sparse where it cannot.
 */
int vmm_rootfs_private(const char *image, int *fd, struct errbuf *eb);

#endif
