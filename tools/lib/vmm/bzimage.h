/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bzImage header (x86 Linux boot protocol, Documentation/x86/boot.rst).
 * The image is untrusted input: every offset is checked against its length
 * before it is read, and a corrupt image is refused with a message that
 * names the field.
 */
#ifndef ISOLENS_VMM_BZIMAGE_H
#define ISOLENS_VMM_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"
#include "base/fileio.h"

/* Oldest protocol we load: 2.06 added cmdline_size and 64-bit-safe fields. */
#define BZIMAGE_MIN_PROTOCOL 0x0206

/* Offsets into the image (the setup header lives in the first sector). */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_SYSSIZE 0x1f4
#define BZ_BOOT_FLAG 0x1fe
#define BZ_HEADER 0x202
#define BZ_VERSION 0x206
#define BZ_KERNEL_VERSION 0x20e
#define BZ_TYPE_OF_LOADER 0x210
#define BZ_LOADFLAGS 0x211
#define BZ_CODE32_START 0x214
#define BZ_RAMDISK_IMAGE 0x218
#define BZ_RAMDISK_SIZE 0x21c
#define BZ_HEAP_END_PTR 0x224
#define BZ_CMD_LINE_PTR 0x228
#define BZ_INITRD_ADDR_MAX 0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE 0x234
#define BZ_XLOADFLAGS 0x236
#define BZ_CMDLINE_SIZE 0x238
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_PREF_ADDRESS 0x258
#define BZ_INIT_SIZE 0x260
#define BZ_HDR_END 0x268 /* end of the fields we read (protocol 2.10+) */

#define BZ_BOOT_FLAG_MAGIC 0xaa55
#define BZ_HDRS_MAGIC 0x53726448 /* "HdrS" little-endian */

struct bzimage_info {
	uint16_t protocol; /* e.g. 0x020f for 2.15 */
	uint8_t setup_sects; /* as found (0 means 4) */
	uint32_t syssize; /* protected-mode code size in 16-byte units */
	uint64_t pref_address; /* preferred load address (2.10+) */
	uint32_t init_size; /* linear memory the kernel needs (2.10+) */
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size; /* max cmdline length without the NUL */
	uint8_t loadflags;
	uint8_t relocatable;
	uint16_t xloadflags;
	/* the compressed vmlinux, relative to the protected-mode part (2.08+) */
	uint32_t payload_offset;
	uint32_t payload_length;
	char version[128]; /* kernel_version string, "" if absent */
	size_t setup_len; /* real-mode part incl. boot sector: (sects+1)*512 */
	size_t kernel_len; /* protected-mode part: the rest of the file */
};

/*
 * Validate the header of a bzImage held in memory and describe it.
 * Returns 0 or -EINVAL (corrupt or unsupported) with a message in eb.
 */
int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  struct errbuf *eb);

/*
 * Read the bzImage at path, validate it and copy the first word of its
 * kernel_version string ("6.1.0-56-amd64") into release.
 * Returns 0, -errno for I/O (-ENOENT: no such file), -EINVAL for a corrupt
 * image, -ENODATA when the image has no version string, -ENOSPC when
 * release is too small.
 */
int bzimage_kernel_release(const char *path, char *release, size_t len,
			   struct errbuf *eb);

/* The newest /boot/vmlinuz-* (by version order), for a default kernel. */
int bzimage_find_default(char *path, size_t len, struct errbuf *eb);

#endif
