// SPDX-License-Identifier: GPL-2.0
/* Zero page, e820, initrd placement, page tables and the MP table. */
#include <asm/bootparam.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/memory.h"
#include "vmm/mptable.h"

#define IMG_LEN (5 * 512 + 8192)

static void put(uint8_t *p, size_t off, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *make_image(void)
{
	uint8_t *p = calloc(1, IMG_LEN);

	p[BZ_SETUP_SECTS] = 4;
	put(p, BZ_SYSSIZE, 8192 / 16, 4);
	put(p, BZ_BOOT_FLAG, 0xaa55, 2);
	p[0x200] = 0xeb; /* jmp: the header ends at 0x202 + p[0x201] */
	p[0x201] = 0x66;
	memcpy(p + BZ_HEADER, "HdrS", 4);
	put(p, BZ_VERSION, 0x020f, 2);
	put(p, BZ_INITRD_ADDR_MAX, 0x7fffffff, 4);
	put(p, BZ_KERNEL_ALIGNMENT, 0x200000, 4);
	put(p, BZ_XLOADFLAGS, 1, 2);
	put(p, BZ_CMDLINE_SIZE, 2047, 4);
	put(p, BZ_INIT_SIZE, 0x400000, 4);
	memset(p + 5 * 512, 0x90, 8192); /* "kernel" */
	return p;
}

static void test_linux_layout(void)
{
	struct guest_mem mem;
	struct boot_linux bl = { 0 };
	struct errbuf eb = { 0 };
	struct boot_params *bp;
	uint8_t initrd[10000];
	uint8_t *img = make_image();

	CHECK_EQ(guest_mem_alloc(&mem, 64 << 20, &eb), 0);
	CHECK_EQ(bzimage_parse(img, IMG_LEN, &bl.info, &eb), 0);
	memset(initrd, 0xab, sizeof(initrd));
	bl.img = img;
	bl.img_len = IMG_LEN;
	bl.cmdline = "console=ttyS0 quiet";
	bl.initrd = initrd;
	bl.initrd_len = sizeof(initrd);
	bl.acpi_rsdp = 0xe0000;
	CHECK_EQ(boot_linux_load(&mem, &bl, &eb), 0);
	CHECK_EQ(bl.entry, 0x100200);
	CHECK_EQ(bl.initrd_addr & 0xfff, 0);
	CHECK(bl.initrd_addr + sizeof(initrd) <= mem.size);
	CHECK(bl.initrd_addr >= bl.kernel_end);
	CHECK_EQ(mem.hva[bl.initrd_addr], 0xab);
	CHECK_EQ(mem.hva[0x100000], 0x90);
	CHECK_STR((char *)mem.hva + BOOT_CMDLINE, "console=ttyS0 quiet");

	bp = (struct boot_params *)(mem.hva + BOOT_ZERO_PAGE);
	CHECK_EQ(bp->hdr.boot_flag, 0xaa55);
	CHECK_EQ(bp->hdr.header, 0x53726448);
	CHECK_EQ(bp->hdr.type_of_loader, 0xff);
	CHECK_EQ(bp->hdr.cmd_line_ptr, BOOT_CMDLINE);
	CHECK_EQ(bp->hdr.ramdisk_image, bl.initrd_addr);
	CHECK_EQ(bp->hdr.ramdisk_size, sizeof(initrd));
	CHECK(bp->hdr.loadflags & CAN_USE_HEAP);
	CHECK_EQ(bp->acpi_rsdp_addr, 0xe0000);
	CHECK_EQ(bp->e820_entries, 3);
	CHECK_EQ(bp->e820_table[0].addr, 0);
	CHECK_EQ(bp->e820_table[0].size, BOOT_EBDA);
	CHECK_EQ(bp->e820_table[1].type, 2);
	CHECK_EQ(bp->e820_table[2].addr, 0x100000);
	CHECK_EQ(bp->e820_table[2].addr + bp->e820_table[2].size, 64 << 20);

	/* a command line longer than the kernel accepts */
	{
		char *longcmd = malloc(3000);

		memset(longcmd, 'x', 2999);
		longcmd[2999] = '\0';
		bl.cmdline = longcmd;
		CHECK_EQ(boot_linux_load(&mem, &bl, &eb), -E2BIG);
		free(longcmd);
	}
	guest_mem_free(&mem);

	/* memory too small for init_size */
	CHECK_EQ(guest_mem_alloc(&mem, 4 << 20, &eb), 0);
	bl.cmdline = "";
	CHECK_EQ(boot_linux_load(&mem, &bl, &eb), -ENOMEM);
	CHECK(strstr(eb.msg, "too small") != NULL);
	guest_mem_free(&mem);
	free(img);
}

static void test_guest_ptr_bounds(void)
{
	struct guest_mem mem;
	struct errbuf eb = { 0 };

	CHECK_EQ(guest_mem_alloc(&mem, 1 << 20, &eb), 0);
	CHECK(guest_ptr(&mem, 0, 1 << 20) != NULL);
	CHECK(guest_ptr(&mem, 1, 1 << 20) == NULL);
	CHECK(guest_ptr(&mem, (1 << 20) - 1, 1) != NULL);
	CHECK(guest_ptr(&mem, 1 << 20, 0) == NULL);
	CHECK(guest_ptr(&mem, UINT64_MAX, 2) == NULL);
	CHECK(guest_ptr(&mem, 16, UINT64_MAX) == NULL);
	CHECK_EQ(guest_write(&mem, (1 << 20) - 2, "abc", 3, &eb), -EFAULT);
	guest_mem_free(&mem);
	CHECK_EQ(guest_mem_alloc(&mem, 12345, &eb), -EINVAL);
	CHECK_EQ(guest_mem_alloc(&mem, 1ULL << 40, &eb), -EINVAL);
}

static void test_page_tables(void)
{
	struct guest_mem mem;
	struct errbuf eb = { 0 };
	uint64_t *pml4, *pdpt, *pd;

	CHECK_EQ(guest_mem_alloc(&mem, 1 << 20, &eb), 0);
	CHECK_EQ(boot_write_tables(&mem, &eb), 0);
	pml4 = (uint64_t *)(mem.hva + BOOT_PML4);
	pdpt = (uint64_t *)(mem.hva + BOOT_PDPT);
	pd = (uint64_t *)(mem.hva + BOOT_PD);
	CHECK_EQ(pml4[0], BOOT_PDPT | 3);
	CHECK_EQ(pdpt[3], (BOOT_PD + 3 * 4096) | 3);
	CHECK_EQ(pd[1], (2 << 20) | 0x83);
	CHECK_EQ(pd[2047], (2047ULL << 21) | 0x83);
	/* code64 at 0x10: present, DPL0, code, L=1 */
	CHECK_EQ(((uint64_t *)(mem.hva + BOOT_GDT_ADDR))[2],
		 0x00af9b000000ffffULL);
	guest_mem_free(&mem);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void test_mptable(void)
{
	struct guest_mem mem;
	struct errbuf eb = { 0 };
	uint8_t *mpf, *mpc;
	uint16_t len;
	unsigned int ncpu, i;

	CHECK_EQ(guest_mem_alloc(&mem, 1 << 20, &eb), 0);
	for (ncpu = 1; ncpu <= 32; ncpu *= 2) {
		unsigned int cpus = 0;

		CHECK_EQ(mptable_write(&mem, BOOT_EBDA, ncpu, &eb), 0);
		mpf = mem.hva + BOOT_EBDA;
		CHECK(!memcmp(mpf, "_MP_", 4));
		CHECK_EQ(sum(mpf, 16), 0);
		mpc = mem.hva + (mpf[4] | mpf[5] << 8 | mpf[6] << 16);
		CHECK(!memcmp(mpc, "PCMP", 4));
		len = mpc[4] | mpc[5] << 8;
		CHECK_EQ(sum(mpc, len), 0);
		/* processor entries first, 20 bytes each */
		for (i = 44; i < len && mpc[i] == 0; i += 20)
			cpus++;
		CHECK_EQ(cpus, ncpu);
	}
	CHECK_EQ(mptable_write(&mem, BOOT_EBDA, 0, &eb), -EINVAL);
	CHECK_EQ(mptable_write(&mem, BOOT_EBDA, 200, &eb), -ENOSPC);
	guest_mem_free(&mem);
}

int main(void)
{
	RUN(test_linux_layout);
	RUN(test_guest_ptr_bounds);
	RUN(test_page_tables);
	RUN(test_mptable);
	UNIT_DONE();
}
