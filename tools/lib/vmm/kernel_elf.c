// SPDX-License-Identifier: GPL-2.0
/*
 * A bzImage's vmlinux: decompressed with liblzma, zlib, libzstd or liblz4
 * (whichever the kernel was built with) into the cache,
 * and loaded segment by segment with libelf (kernel_elf.h says why).
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "base/cache.h"
#include "base/util.h"
#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/kernel_elf.h"

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

static int unzstd(const uint8_t *in, size_t len, struct sink *s)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_DStream *ds = ZSTD_createDStream();
	uint8_t buf[1 << 16];
	size_t zr = 1;
	int ret = 0;

	if (!ds)
		return -ENOMEM;
	/* the payload ends with the decompressed size: stop at the frame's end */
	while (!ret && zr && ib.pos < ib.size) {
		ZSTD_outBuffer ob = { buf, sizeof(buf), 0 };

		zr = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(zr))
			ret = -EINVAL;
		else
			ret = sink_write(s, buf, ob.pos);
	}
	if (!ret && zr)
		ret = -EINVAL; /* truncated */
	ZSTD_freeDStream(ds);
	return ret;
}

#define LZ4_LEGACY_MAGIC 0x184c2102
#define LZ4_LEGACY_BLOCK (8u << 20)

/*
 * The kernel's lz4 is the legacy frame: the magic, then blocks of at most
 * 8 MiB output, each after its compressed size; the payload's trailing
 * decompressed size reads as a block size past the end, which ends it.
 */
static int unlz4(const uint8_t *in, size_t len, struct sink *s)
{
	size_t pos = 4;
	uint8_t *buf;
	int ret = 0;

	buf = malloc(LZ4_LEGACY_BLOCK);
	if (!buf)
		return -ENOMEM;
	while (!ret && len - pos >= 4) {
		uint32_t n = get_le32(in + pos);
		int out;

		if (n == LZ4_LEGACY_MAGIC) { /* another frame follows */
			pos += 4;
			continue;
		}
		if (!n || n > len - pos - 4 ||
		    n > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			break;
		pos += 4;
		out = LZ4_decompress_safe((const char *)in + pos, (char *)buf,
					  (int)n, LZ4_LEGACY_BLOCK);
		if (out < 0)
			ret = -EINVAL;
		else
			ret = sink_write(s, buf, out);
		pos += n;
	}
	if (!ret && !s->total)
		ret = -EINVAL;
	free(buf);
	return ret;
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
	else if (info.payload_length > 4 &&
		 get_le32(payload) == ZSTD_MAGICNUMBER)
		ret = unzstd(payload, info.payload_length, &s);
	else if (info.payload_length > 4 &&
		 get_le32(payload) == LZ4_LEGACY_MAGIC)
		ret = unlz4(payload, info.payload_length, &s);
	else
		ret = -ENOTSUP;
	if (ret)
		errbuf_set(
			eb, -ret, "cannot decompress the kernel payload (%s)",
			ret == -ENOTSUP ?
				"not xz, gzip, zstd or lz4 (bzip2, lzma, lzo)" :
				strerror(-ret));
out:
	free(img);
	return ret;
}

int vmlinux_get(const char *image, char *path, size_t len, bool *rebuilt,
		struct errbuf *eb)
{
	struct extract_input in = { image, eb };
	char release[128];
	struct stat st;
	int ret;

	*rebuilt = false;
	if (stat(image, &st))
		return errbuf_errno(eb, errno, "cannot stat %s", image);
	ret = bzimage_kernel_release(image, release, sizeof(release), eb);
	if (ret == -ENODATA)
		snprintf(release, sizeof(release), "unknown");
	else if (ret)
		return ret;
	/* the image's size and mtime identify it well enough for a cache */
	if ((size_t)snprintf(path, len, "%s/vmlinux-%s-%llx-%llx.elf",
			     cache_dir(), release,
			     (unsigned long long)st.st_size,
			     (unsigned long long)st.st_mtim.tv_sec) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "cache path too long");
	if (!access(path, R_OK))
		return 0;
	ret = cache_publish(path, extract, &in, eb);
	*rebuilt = !ret;
	return ret;
}

int vmlinux_load(const struct guest_mem *mem, const void *elf, size_t len,
		 uint64_t *entry, uint64_t *end, struct errbuf *eb)
{
	bool entry_found = false;
	size_t i, phnum;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	int ret = 0;
	Elf *e;

	*end = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return errbuf_set(eb, ENOSYS, "libelf: %s", elf_errmsg(-1));
	e = elf_memory((char *)elf, len);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		ret = errbuf_set(eb, EINVAL, "vmlinux: not an ELF file");
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC) {
		ret = errbuf_set(eb, EINVAL,
				 "vmlinux: not an x86-64 executable ELF");
		goto out;
	}
	if (elf_getphdrnum(e, &phnum) || !phnum || phnum > 64) {
		ret = errbuf_set(eb, EINVAL,
				 "vmlinux: bad program header count");
		goto out;
	}
	for (i = 0; i < phnum; i++) {
		void *dst;

		if (!gelf_getphdr(e, (int)i, &ph)) {
			ret = errbuf_set(eb, EINVAL,
					 "vmlinux: program header %zu: %s", i,
					 elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset) {
			ret = errbuf_set(
				eb, EINVAL,
				"vmlinux: segment %zu runs past the file or its memory size",
				i);
			goto out;
		}
		dst = ph.p_paddr >= BOOT_HIMEM ?
			      guest_ptr(mem, ph.p_paddr, ph.p_memsz) :
			      NULL;
		if (!dst) {
			ret = errbuf_set(
				eb, ENOMEM,
				"vmlinux: segment %zu (%#llx, %llu bytes) is not in guest RAM above 1 MiB",
				i, (unsigned long long)ph.p_paddr,
				(unsigned long long)ph.p_memsz);
			goto out;
		}
		memcpy(dst, (const uint8_t *)elf + ph.p_offset, ph.p_filesz);
		memset((uint8_t *)dst + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr + ph.p_memsz > *end)
			*end = ph.p_paddr + ph.p_memsz;
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_paddr &&
		    eh.e_entry - ph.p_paddr < ph.p_filesz)
			entry_found = true;
	}
	if (!entry_found) {
		ret = errbuf_set(
			eb, EINVAL,
			"vmlinux: entry point %#llx is in no loaded code segment",
			(unsigned long long)eh.e_entry);
		goto out;
	}
	*entry = eh.e_entry;
out:
	elf_end(e);
	return ret;
}
