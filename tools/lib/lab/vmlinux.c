// SPDX-License-Identifier: GPL-2.0
/*
 * Under TCG, decompressing a bzImage takes the guest over two seconds of
 * emulated instructions.  Decompressing it once on the host and booting the
 * ELF vmlinux through its PVH entry point (QEMU loads it directly) removes
 * that from every boot.  Kernels without a PVH note, or with a compression
 * we do not decode, keep booting as bzImages.
 */
#include <elf.h>
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/cache.h"
#include "lab.h"
#include "vmm/bzimage.h"

#define VMLINUX_MAX (512u << 20) /* no distribution kernel comes close */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

struct sink {
	FILE *out;
	size_t total;
};

static int sink_write(struct sink *s, const void *buf, size_t n)
{
	s->total += n;
	if (s->total > VMLINUX_MAX)
		return -EFBIG;
	return fwrite(buf, 1, n, s->out) == n ? 0 : -EIO;
}

static int unxz(const uint8_t *in, size_t len, struct sink *s)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	uint8_t buf[1 << 16];
	lzma_ret lr;
	int ret = 0;

	if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK)
		return -ENOMEM;
	strm.next_in = in;
	strm.avail_in = len;
	do {
		strm.next_out = buf;
		strm.avail_out = sizeof(buf);
		lr = lzma_code(&strm, LZMA_FINISH);
		if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			ret = -EINVAL;
			break;
		}
		ret = sink_write(s, buf, sizeof(buf) - strm.avail_out);
	} while (!ret && lr != LZMA_STREAM_END);
	lzma_end(&strm);
	return ret;
}

static int gunzip(const uint8_t *in, size_t len, struct sink *s)
{
	z_stream strm = {};
	uint8_t buf[1 << 16];
	int zr, ret = 0;

	if (inflateInit2(&strm, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	strm.next_in = (uint8_t *)in;
	strm.avail_in = len;
	do {
		strm.next_out = buf;
		strm.avail_out = sizeof(buf);
		zr = inflate(&strm, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			ret = -EINVAL;
			break;
		}
		ret = sink_write(s, buf, sizeof(buf) - strm.avail_out);
	} while (!ret && zr != Z_STREAM_END);
	inflateEnd(&strm);
	return ret;
}

/* Does this ELF have the PVH entry note QEMU needs to boot it directly? */
static bool elf_has_pvh_note(FILE *f)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Nhdr nh;
	int i;

	if (fseek(f, 0, SEEK_SET) || fread(&eh, sizeof(eh), 1, f) != 1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phnum > 64)
		return false;
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t off, end;

		if (fseek(f, eh.e_phoff + i * sizeof(ph), SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, f) != 1 || ph.p_type != PT_NOTE)
			continue;
		for (off = ph.p_offset, end = off + ph.p_filesz;
		     off + sizeof(nh) <= end;) {
			if (fseek(f, off, SEEK_SET) ||
			    fread(&nh, sizeof(nh), 1, f) != 1)
				break;
			if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY &&
			    nh.n_namesz == 4)
				return true;
			off += sizeof(nh) + ((nh.n_namesz + 3) & ~3u) +
			       ((nh.n_descsz + 3) & ~3u);
		}
	}
	return false;
}

struct extract_input {
	const char *image;
	struct errbuf *eb;
};

static int extract(FILE *out, void *ctx)
{
	const struct extract_input *in = ctx;
	const char *image = in->image;
	struct errbuf *eb = in->eb;
	struct bzimage_info info;
	struct sink s = { .out = out };
	const uint8_t *payload;
	void *img;
	size_t len;
	int ret;

	ret = file_read_all(image, 256u << 20, &img, &len, eb);
	if (ret)
		return ret;
	ret = bzimage_parse(img, len, &info, eb);
	if (ret)
		goto out;
	if (!info.payload_length) {
		ret = errbuf_set(
			eb, ENOTSUP,
			"bzImage protocol older than 2.08 names no payload");
		goto out;
	}
	payload = (const uint8_t *)img + info.setup_len + info.payload_offset;
	if (info.payload_length > 6 && !memcmp(payload,
					       "\xfd"
					       "7zXZ",
					       6))
		ret = unxz(payload, info.payload_length, &s);
	else if (info.payload_length > 2 && payload[0] == 0x1f &&
		 payload[1] == 0x8b)
		ret = gunzip(payload, info.payload_length, &s);
	else
		ret = -ENOTSUP;
	if (ret)
		errbuf_set(eb, -ret,
			   "cannot decompress the kernel payload (%s)",
			   ret == -ENOTSUP ? "neither xz nor gzip" :
					     strerror(-ret));
	else if (fflush(out) || !elf_has_pvh_note(out))
		ret = errbuf_set(
			eb, ENOTSUP,
			"the kernel has no PVH entry point (CONFIG_PVH)");
out:
	free(img);
	return ret;
}

int lab_vmlinux_get(const struct lab_kernel *k, char *path, size_t len,
		    bool *rebuilt, struct errbuf *eb)
{
	struct extract_input in = { k->image, eb };
	struct stat st;
	int ret;

	*rebuilt = false;
	if (stat(k->image, &st))
		return errbuf_errno(eb, errno, "cannot stat %s", k->image);
	/* the image's size and mtime identify it well enough for a cache */
	snprintf(path, len, "%s/vmlinux-%s-%llx-%llx.elf", cache_dir(),
		 k->release, (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec);
	if (!access(path, R_OK))
		return 0;
	ret = cache_publish(path, extract, &in, eb);
	*rebuilt = !ret;
	return ret;
}
