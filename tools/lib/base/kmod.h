/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel modules and their dependencies, resolved the way modprobe does
 * but without kmod, so that an initramfs can insmod them in order: the lab
 * VM's 9p modules, the micro-VM's virtio-blk and ext4.
 */
#ifndef ISOLENS_KMOD_H
#define ISOLENS_KMOD_H

#include <limits.h>

#include "errbuf.h"

#define KMOD_MAX 32

/* Modules to insert, in load order (every dependency before its user). */
struct kmod_list {
	unsigned int nr;
	char name[KMOD_MAX][64]; /* "virtio_blk" */
	char path[KMOD_MAX][PATH_MAX]; /* moddir/kernel/.../virtio_blk.ko */
};

/*
 * Resolve @wanted (module names, '-' or '_') in @moddir, a
 * /lib/modules/RELEASE directory.  Dependencies come from modules.dep, or,
 * when it is missing (a package unpacked with dpkg -x never ran depmod),
 * from modules.order and each module's own .modinfo "depends=".  Modules
 * listed in modules.builtin are skipped.  Returns 0, -ENOENT (no such
 * module, no modules.dep nor modules.order), -ENOTSUP (a compressed
 * module), -E2BIG (more than KMOD_MAX) or -ELOOP, with a message in eb.
 */
int kmod_resolve(const char *moddir, const char *const *wanted,
		 unsigned int nr_wanted, struct kmod_list *mods,
		 struct errbuf *eb);

/* "kernel/fs/9p/9pnet-virtio.ko.xz" (@len bytes of it) -> "9pnet_virtio" */
void kmod_name(const char *path, size_t len, char *name, size_t size);

#endif
