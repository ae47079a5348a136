// SPDX-License-Identifier: GPL-2.0
/*
 * The vmlinux inside a bzImage: each payload compression the kernel builds
 * with (xz, gzip, zstd, lz4) decompressed into the cache, corrupt and
 * unknown payloads refused, and the ELF loader's checks.
 */
#include <asm/bootparam.h>
#include <elf.h>
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "base/fileio.h"
#include "base/util.h"
#include "unit.h"
#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/memory.h"
#include "vmm/kernel_elf.h"

#define SETUP_LEN (5 * 512)
#define TEXT_ADDR 0x200000
#define DATA_ADDR 0x300000
#define DATA_FILESZ 16
#define DATA_MEMSZ 8192
#define ELF_LEN 0x3000

static char cache[] = "/tmp/isolens-test-vmlinux.XXXXXX";

/* An x86-64 vmlinux in miniature: code at 2 MiB, data and bss at 3 MiB. */
static void make_elf(uint8_t *p)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	Elf64_Phdr *ph = (Elf64_Phdr *)(p + sizeof(*eh));

	memset(p, 0, ELF_LEN);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_ADDR;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD,
			      .p_flags = PF_R | PF_X,
			      .p_offset = 0x1000,
			      .p_vaddr = 0xffffffff80000000ULL + TEXT_ADDR,
			      .p_paddr = TEXT_ADDR,
			      .p_filesz = 0x1000,
			      .p_memsz = 0x1000 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD,
			      .p_flags = PF_R | PF_W,
			      .p_offset = 0x2000,
			      .p_vaddr = 0xffffffff80000000ULL + DATA_ADDR,
			      .p_paddr = DATA_ADDR,
			      .p_filesz = DATA_FILESZ,
			      .p_memsz = DATA_MEMSZ };
	memset(p + 0x1000, 0x90, 0x1000);
	memset(p + 0x2000, 0x5a, 0x1000);
}

static Elf64_Phdr *phdr(uint8_t *elf, int i)
{
	return (Elf64_Phdr *)(elf + sizeof(Elf64_Ehdr)) + i;
}

static int load(const uint8_t *elf, size_t len, uint64_t *entry, uint64_t *end,
		struct errbuf *eb)
{
	struct guest_mem mem;
	int ret;

	if (guest_mem_alloc(&mem, 8 << 20, eb))
		return -ENOMEM;
	ret = vmlinux_load(&mem, elf, len, entry, end, eb);
	guest_mem_free(&mem);
	return ret;
}

static void test_load(void)
{
	uint8_t elf[ELF_LEN];
	struct guest_mem mem;
	struct errbuf eb = { 0 };
	uint64_t entry = 0, end = 0;

	make_elf(elf);
	CHECK_EQ(guest_mem_alloc(&mem, 8 << 20, &eb), 0);
	memset(mem.hva + DATA_ADDR, 0xcc, DATA_MEMSZ);
	CHECK_EQ(vmlinux_load(&mem, elf, sizeof(elf), &entry, &end, &eb), 0);
	CHECK_EQ(entry, TEXT_ADDR);
	CHECK_EQ(end, DATA_ADDR + DATA_MEMSZ);
	CHECK_EQ(mem.hva[TEXT_ADDR], 0x90);
	CHECK_EQ(mem.hva[TEXT_ADDR + 0xfff], 0x90);
	CHECK_EQ(mem.hva[DATA_ADDR + DATA_FILESZ - 1], 0x5a);
	/* what the file does not hold is the segment's bss: zeroed */
	CHECK_EQ(mem.hva[DATA_ADDR + DATA_FILESZ], 0);
	CHECK_EQ(mem.hva[DATA_ADDR + DATA_MEMSZ - 1], 0);
	guest_mem_free(&mem);
}

static void test_load_refuses(void)
{
	uint8_t elf[ELF_LEN];
	struct errbuf eb = { 0 };
	uint64_t entry, end;

	make_elf(elf);
	CHECK_EQ(load(elf, 0x1800, &entry, &end, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "runs past the file"));

	make_elf(elf);
	phdr(elf, 1)->p_filesz = DATA_MEMSZ + 1;
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);

	make_elf(elf);
	phdr(elf, 0)->p_offset = ~0ULL - 10;
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);

	make_elf(elf);
	phdr(elf, 1)->p_paddr = 0x7000; /* the zero page */
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -ENOMEM);
	CHECK(strstr(eb.msg, "not in guest RAM above 1 MiB"));

	make_elf(elf);
	phdr(elf, 1)->p_paddr = (8 << 20) - 4096; /* runs past RAM */
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -ENOMEM);

	make_elf(elf);
	phdr(elf, 1)->p_paddr = ~0ULL - 100; /* wraps */
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -ENOMEM);

	make_elf(elf);
	((Elf64_Ehdr *)elf)->e_entry = DATA_ADDR; /* not code */
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "entry point"));

	make_elf(elf);
	((Elf64_Ehdr *)elf)->e_machine = EM_AARCH64;
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);

	make_elf(elf);
	((Elf64_Ehdr *)elf)->e_phnum = 0;
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);

	memset(elf, 0x41, sizeof(elf));
	CHECK_EQ(load(elf, sizeof(elf), &entry, &end, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "not an ELF"));
}

/* --- payloads ---------------------------------------------------------- */

static size_t compress_xz(const uint8_t *in, size_t len, uint8_t *out,
			  size_t cap)
{
	size_t pos = 0;

	return lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out,
				       &pos, cap) == LZMA_OK ?
		       pos :
		       0;
}

static size_t compress_gz(const uint8_t *in, size_t len, uint8_t *out,
			  size_t cap)
{
	z_stream z = { 0 };
	size_t n;

	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (uint8_t *)in;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = cap;
	n = deflate(&z, Z_FINISH) == Z_STREAM_END ? z.total_out : 0;
	deflateEnd(&z);
	return n;
}

static size_t compress_zstd(const uint8_t *in, size_t len, uint8_t *out,
			    size_t cap)
{
	size_t n = ZSTD_compress(out, cap, in, len, 19);

	return ZSTD_isError(n) ? 0 : n;
}

/* the kernel's legacy lz4 frame: magic, then (size, block) pairs */
static size_t compress_lz4(const uint8_t *in, size_t len, uint8_t *out,
			   size_t cap)
{
	int n;

	put_le32(out, 0x184c2102);
	n = LZ4_compress_default((const char *)in, (char *)out + 8, (int)len,
				 (int)cap - 8);
	if (n <= 0)
		return 0;
	put_le32(out + 4, (uint32_t)n);
	return 8 + (size_t)n;
}

/* a bzImage file around @payload (plus the size trailer a kernel has) */
static void write_bzimage(const char *path, const uint8_t *payload, size_t len)
{
	size_t total = SETUP_LEN + len + 4;
	uint8_t *p = calloc(1, total);
	FILE *f;

	p[BZ_SETUP_SECTS] = 4;
	put_le32(p + BZ_SYSSIZE, (uint32_t)((len + 4 + 15) / 16));
	p[BZ_BOOT_FLAG] = 0x55;
	p[BZ_BOOT_FLAG + 1] = 0xaa;
	p[0x200] = 0xeb;
	p[0x201] = 0x66;
	memcpy(p + BZ_HEADER, "HdrS", 4);
	p[BZ_VERSION] = 0x0f;
	p[BZ_VERSION + 1] = 0x02;
	put_le32(p + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(p + BZ_KERNEL_ALIGNMENT, 0x200000);
	put_le32(p + BZ_CMDLINE_SIZE, 2047);
	p[BZ_XLOADFLAGS] = 1; /* XLF_KERNEL_64 */
	put_le32(p + BZ_INIT_SIZE, 0x400000);
	put_le32(p + BZ_PAYLOAD_OFFSET, 0);
	put_le32(p + BZ_PAYLOAD_LENGTH, (uint32_t)len + 4);
	memcpy(p + SETUP_LEN, payload, len);
	put_le32(p + SETUP_LEN + len, ELF_LEN);
	f = fopen(path, "w");
	fwrite(p, 1, total, f);
	fclose(f);
	free(p);
}

static int extract_to(const uint8_t *payload, size_t len, char *entry,
		      size_t entry_len, struct errbuf *eb)
{
	char image[sizeof(cache) + 16];
	bool rebuilt = false;
	int ret;

	snprintf(image, sizeof(image), "%s/bzImage", cache);
	write_bzimage(image, payload, len);
	ret = vmlinux_get(image, entry, entry_len, &rebuilt, eb);
	if (!ret && !rebuilt)
		ret = -EEXIST; /* a stale entry answered */
	return ret;
}

static void test_payloads(void)
{
	static const struct {
		const char *name;
		size_t (*compress)(const uint8_t *, size_t, uint8_t *, size_t);
	} kinds[] = {
		{ "xz", compress_xz },
		{ "gzip", compress_gz },
		{ "zstd", compress_zstd },
		{ "lz4", compress_lz4 },
	};
	uint8_t elf[ELF_LEN], packed[2 * ELF_LEN];
	char entry[4096];
	unsigned int i;

	make_elf(elf);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct errbuf eb = { 0 };
		size_t n = kinds[i].compress(elf, sizeof(elf), packed,
					     sizeof(packed));
		void *out = NULL;
		size_t out_len = 0;

		printf("# %s: %zu bytes\n", kinds[i].name, n);
		CHECK(n > 0);
		CHECK_EQ(extract_to(packed, n, entry, sizeof(entry), &eb), 0);
		CHECK(strstr(entry, "/vmlinux-unknown-"));
		CHECK_EQ(file_read_all(entry, 1 << 20, &out, &out_len, &eb), 0);
		CHECK_EQ(out_len, sizeof(elf));
		CHECK(out && !memcmp(out, elf, sizeof(elf)));
		free(out);
		unlink(entry);

		/* damaged in the middle: refused, no entry left behind */
		if (n > 64) {
			memset(packed + n / 2, 0xff, 16);
			if (i == 3) /* lz4 has no checksum: break the size */
				put_le32(packed + 4, 0x7fffffff);
			eb = (struct errbuf){ 0 };
			CHECK(extract_to(packed, n, entry, sizeof(entry), &eb) <
			      0);
			CHECK(strstr(eb.msg, "cannot decompress"));
			CHECK(access(entry, F_OK));
		}
	}
	{
		struct errbuf eb = { 0 };

		memset(packed, 0x42, 64); /* bzip2, lzo or noise */
		CHECK_EQ(extract_to(packed, 64, entry, sizeof(entry), &eb),
			 -ENOTSUP);
		CHECK(strstr(eb.msg, "not xz, gzip, zstd or lz4"));
	}
}

/* boot_linux_load with a vmlinux: its segments and entry, the header kept */
static void test_boot_with_vmlinux(void)
{
	uint8_t elf[ELF_LEN], img[SETUP_LEN + 4096];
	struct boot_linux bl = { 0 };
	struct errbuf eb = { 0 };
	struct guest_mem mem;
	char path[sizeof(cache) + 16];
	void *file;
	size_t len;

	make_elf(elf);
	snprintf(path, sizeof(path), "%s/bzImage", cache);
	write_bzimage(path, elf, 16); /* any payload: only the header counts */
	CHECK_EQ(file_read_all(path, sizeof(img), &file, &len, &eb), 0);
	memcpy(img, file, len);
	free(file);
	CHECK_EQ(bzimage_parse(img, len, &bl.info, &eb), 0);
	CHECK_EQ(guest_mem_alloc(&mem, 16 << 20, &eb), 0);
	bl.img = img;
	bl.img_len = len;
	bl.cmdline = "console=ttyS0";
	bl.vmlinux = elf;
	bl.vmlinux_len = sizeof(elf);
	CHECK_EQ(boot_linux_load(&mem, &bl, &eb), 0);
	CHECK(bl.booted_vmlinux);
	CHECK_EQ(bl.entry, TEXT_ADDR);
	CHECK_EQ(mem.hva[TEXT_ADDR], 0x90);
	CHECK_EQ(((struct boot_params *)(mem.hva + BOOT_ZERO_PAGE))->hdr.header,
		 0x53726448);
	guest_mem_free(&mem);
}

int main(void)
{
	char cmd[sizeof(cache) + 16];

	if (!mkdtemp(cache)) {
		perror("mkdtemp");
		return 2;
	}
	setenv("ISOLENS_CACHE_DIR", cache, 1);
	RUN(test_load);
	RUN(test_load_refuses);
	RUN(test_payloads);
	RUN(test_boot_with_vmlinux);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	if (system(cmd))
		printf("# cannot remove %s\n", cache);
	UNIT_DONE();
}
