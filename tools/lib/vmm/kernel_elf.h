/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF vmlinux inside a bzImage.  A bzImage is a small decompressor
 * followed by the real kernel, compressed (xz for Debian, gzip for others).
 * Decompressing it once on the host and loading the ELF's segments where
 * they are linked saves every later boot the guest's own decompression,
 * the slowest part of an emulated boot; Firecracker boots kernels this way.
 * The lab VM boots the same cache entry through QEMU's PVH loader.
 */
#ifndef ISOLENS_VMM_KERNEL_ELF_H
#define ISOLENS_VMM_KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"
#include "vmm/memory.h"

#define VMLINUX_MAX (512u << 20) /* no distribution kernel comes close */

/*
 * The cache entry holding @image's vmlinux, decompressing it first when it
 * is not there (*rebuilt says so).  Named by the image's release, size and
 * mtime.  Returns 0 or -errno: -ENOTSUP for a payload neither xz nor gzip,
 * -EINVAL for a corrupt one.
 */
int vmlinux_get(const char *image, char *path, size_t len, bool *rebuilt,
		struct errbuf *eb);

/*
 * Copy the PT_LOAD segments of the ELF vmlinux @elf into guest memory at
 * their physical addresses, zeroing what the file does not cover.  Every
 * header, offset and address is checked: segments must lie within the file
 * and within guest RAM from 1 MiB up.  *entry is the ELF entry point
 * (phys_startup_64, entered in 64-bit mode), *end the first byte after the
 * highest segment.  Returns 0 or -EINVAL with the field named in @eb.
 */
int vmlinux_load(const struct guest_mem *mem, const void *elf, size_t len,
		 uint64_t *entry, uint64_t *end, struct errbuf *eb);

#endif
