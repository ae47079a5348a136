// SPDX-License-Identifier: GPL-2.0
/*
 * bzImage header parsing.  The layout is fixed by the boot protocol, so the
 * fields are read at their documented offsets (little-endian, unaligned)
 * rather than by casting the buffer to struct setup_header: that keeps
 * every read explicitly bounds-checked, which matters because the image
 * is whatever file the user passed (and a fuzzer's input).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/bzimage.h"

#define XLF_KERNEL_64_BIT (1 << 0)
#define BZ_MAX_SETUP_SECTS 64 /* the real-mode segment holds 32 KiB */
#define BZ_MAX_INIT_SIZE (1u << 30)

static uint32_t rd(const uint8_t *p, size_t off, size_t n)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)p[off + i] << (8 * i);
	return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return rd(p, off, 4) | (uint64_t)rd(p, off + 4, 4) << 32;
}

/* Copy the NUL-terminated kernel_version string if it lies inside setup. */
static void bzimage_version(const uint8_t *p, const struct bzimage_info *info,
			    char *out, size_t outlen)
{
	size_t off = rd(p, BZ_KERNEL_VERSION, 2), i;

	out[0] = '\0';
	if (!off)
		return;
	off += 0x200; /* the field is relative to the start of setup code */
	if (off >= info->setup_len)
		return;
	for (i = 0; i + 1 < outlen && off + i < info->setup_len; i++) {
		char c = (char)p[off + i];

		if (!c)
			break;
		/* only printable ASCII reaches our output */
		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[i] = '\0';
}

int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  struct errbuf *eb)
{
	const uint8_t *p = img;
	uint64_t sys_bytes;
	unsigned int sects;

	memset(info, 0, sizeof(*info));
	if (!p || len < BZ_HDR_END)
		return errbuf_set(
			eb, EINVAL,
			"not a bzImage: %zu bytes, too short for a setup header (%d)",
			len, BZ_HDR_END);
	if (rd(p, BZ_BOOT_FLAG, 2) != BZ_BOOT_FLAG_MAGIC)
		return errbuf_set(
			eb, EINVAL,
			"not a bzImage: boot_flag is 0x%04x, expected 0xaa55",
			rd(p, BZ_BOOT_FLAG, 2));
	if (rd(p, BZ_HEADER, 4) != BZ_HDRS_MAGIC)
		return errbuf_set(
			eb, EINVAL,
			"not a bzImage: header magic is not \"HdrS\" (boot protocol < 2.00)");

	info->protocol = rd(p, BZ_VERSION, 2);
	if (info->protocol < BZIMAGE_MIN_PROTOCOL)
		return errbuf_set(
			eb, EINVAL,
			"bzImage boot protocol %u.%02u is too old (need >= 2.06)",
			info->protocol >> 8, info->protocol & 0xff);

	info->setup_sects = p[BZ_SETUP_SECTS];
	sects = info->setup_sects ? info->setup_sects : 4;
	if (sects > BZ_MAX_SETUP_SECTS)
		return errbuf_set(eb, EINVAL,
				  "corrupt bzImage: setup_sects %u exceeds %d",
				  sects, BZ_MAX_SETUP_SECTS);
	info->setup_len = (size_t)(sects + 1) * 512;
	if (info->setup_len >= len)
		return errbuf_set(
			eb, EINVAL,
			"truncated bzImage: setup_sects %u needs %zu bytes of setup, file has %zu",
			sects, info->setup_len, len);
	info->kernel_len = len - info->setup_len;

	info->syssize = rd(p, BZ_SYSSIZE, 4);
	sys_bytes = (uint64_t)info->syssize * 16;
	if (!info->syssize)
		return errbuf_set(eb, EINVAL, "corrupt bzImage: syssize is 0");
	/* syssize is rounded up to 16 bytes; anything beyond that is missing */
	if (sys_bytes > (uint64_t)info->kernel_len + 15)
		return errbuf_set(
			eb, EINVAL,
			"truncated bzImage: syssize says %llu bytes of kernel, file has %zu",
			(unsigned long long)sys_bytes, info->kernel_len);

	info->loadflags = p[BZ_LOADFLAGS];
	info->cmdline_size = rd(p, BZ_CMDLINE_SIZE, 4);
	info->initrd_addr_max = rd(p, BZ_INITRD_ADDR_MAX, 4);
	info->kernel_alignment = rd(p, BZ_KERNEL_ALIGNMENT, 4);
	info->relocatable = p[BZ_RELOCATABLE];
	if (info->protocol >= 0x0208) {
		info->payload_offset = rd(p, BZ_PAYLOAD_OFFSET, 4);
		info->payload_length = rd(p, BZ_PAYLOAD_LENGTH, 4);
		if ((uint64_t)info->payload_offset + info->payload_length >
		    info->kernel_len)
			return errbuf_set(
				eb, EINVAL,
				"corrupt bzImage: payload (offset %u, length %u) lies beyond the file",
				info->payload_offset, info->payload_length);
	}
	if (info->protocol >= 0x020a) {
		info->pref_address = rd64(p, BZ_PREF_ADDRESS);
		info->init_size = rd(p, BZ_INIT_SIZE, 4);
		if (!info->init_size || info->init_size > BZ_MAX_INIT_SIZE)
			return errbuf_set(
				eb, EINVAL,
				"corrupt bzImage: init_size %u is out of range",
				info->init_size);
	}
	if (info->protocol >= 0x020c)
		info->xloadflags = rd(p, BZ_XLOADFLAGS, 2);
	if (!(info->xloadflags & XLF_KERNEL_64_BIT))
		return errbuf_set(
			eb, EINVAL,
			"bzImage (protocol %u.%02u) has no 64-bit entry point (xloadflags XLF_KERNEL_64 clear)",
			info->protocol >> 8, info->protocol & 0xff);
	if (info->kernel_alignment &&
	    (info->kernel_alignment & (info->kernel_alignment - 1)))
		return errbuf_set(
			eb, EINVAL,
			"corrupt bzImage: kernel_alignment 0x%x is not a power of two",
			info->kernel_alignment);
	bzimage_version(p, info, info->version, sizeof(info->version));
	return 0;
}

int bzimage_kernel_release(const char *path, char *release, size_t len,
			   struct errbuf *eb)
{
	struct bzimage_info info;
	size_t n, imglen;
	void *img;
	int err;

	if (!release || !len)
		return errbuf_set(eb, EINVAL, "no room for the release string");
	release[0] = '\0';
	err = file_read_all(path, 512u << 20, &img, &imglen, eb);
	if (err)
		return err;
	err = bzimage_parse(img, imglen, &info, eb);
	free(img);
	if (err) {
		/* name the file: the caller's message is one line */
		struct errbuf tmp;

		if (!eb)
			return err;
		tmp = *eb;
		return errbuf_set(eb, -err, "%s: %s", path, tmp.msg);
	}
	n = strcspn(info.version, " ");
	if (!n)
		return errbuf_set(eb, ENODATA,
				  "%s: bzImage has no kernel_version string",
				  path);
	if (n >= len)
		return errbuf_set(
			eb, ENOSPC,
			"%s: release '%.*s' does not fit in %zu bytes", path,
			(int)n, info.version, len);
	memcpy(release, info.version, n);
	release[n] = '\0';
	return 0;
}

int bzimage_find_default(char *path, size_t len, struct errbuf *eb)
{
	char best[256] = "";
	struct dirent *de;
	DIR *d;

	d = opendir("/boot");
	if (!d)
		return errbuf_errno(eb, errno, "/boot");
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vmlinuz-", 8) ||
		    strlen(de->d_name) >= sizeof(best))
			continue;
		if (!best[0] || strverscmp(de->d_name, best) > 0)
			strcpy(best, de->d_name);
	}
	closedir(d);
	if (!best[0])
		return errbuf_set(
			eb, ENOENT,
			"no kernel in /boot/vmlinuz-* (install linux-image-amd64 or pass --kernel)");
	if ((size_t)snprintf(path, len, "/boot/%s", best) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "/boot/%s", best);
	return 0;
}
