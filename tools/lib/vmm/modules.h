/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel modules a VM with disks needs, taken from the modules of the
 * very kernel being booted: a stock distribution kernel builds virtio-mmio,
 * virtio-blk and ext4 as modules.
 */
#ifndef ISOLENS_VMM_MODULES_H
#define ISOLENS_VMM_MODULES_H

#include <stddef.h>

#include "base/errbuf.h"
#include "base/kmod.h"

/* virtio_mmio, virtio_blk, crc32c_generic, ext4 (builtins are skipped) */
extern const char *const vmm_disk_modules[];
extern const unsigned int vmm_nr_disk_modules;

/*
 * The modules directory for @kernel (a bzImage), the first that has a
 * modules.dep or modules.order: @override (--modules DIR) when given, else
 * /lib/modules/REL, else DIR_OF_KERNEL/../lib/modules/REL (a kernel package
 * unpacked with dpkg -x), where REL is the bzImage's version string.
 * Returns 0, or -ENOENT with a one-line message naming what was tried.
 */
int vmm_modules_dir(const char *kernel, const char *override, char *dir,
		    size_t len, struct errbuf *eb);

/* vmm_modules_dir(), then the disk modules and their dependencies in it. */
int vmm_modules_for_disks(const char *kernel, const char *override,
			  struct kmod_list *mods, struct errbuf *eb);

#endif
