/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical layout and CPU state at boot.  The layout follows what
 * Firecracker and kvmtool use, so a reader can compare:
 *
 *   0x00500  GDT (null, null, code64 = 0x10, data = 0x18, TSS = 0x20)
 *   0x01000  teaching guest code (loaded by the VMM, entered directly)
 *   0x07000  zero page (struct boot_params)
 *   0x08ff0  initial stack
 *   0x09000  PML4, 0x0a000 PDPT, 0x0b000-0x0efff page directories
 *            (identity map of the first 4 GiB with 2 MiB pages)
 *   0x20000  kernel command line
 *   0x9fc00  MP table (EBDA), up to 0xa0000
 *   0xe0000  ACPI tables (platform.h: ACPI_*_ADDR), up to 0xf0000
 *   0x100000 protected-mode kernel (entered at +0x200, 64-bit), or
 *            a vmlinux's segments at their physical addresses (16 MiB
 *            for x86's default), entered at the ELF entry point
 *   top      initrd, page-aligned, below initrd_addr_max
 */
#ifndef ISOLENS_VMM_BOOT_H
#define ISOLENS_VMM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"
#include "vmm/bzimage.h"
#include "vmm/memory.h"

#define BOOT_GDT_ADDR 0x500
#define BOOT_GUEST_ADDR 0x1000
#define BOOT_ZERO_PAGE 0x7000
#define BOOT_STACK 0x8ff0
#define BOOT_PML4 0x9000
#define BOOT_PDPT 0xa000
#define BOOT_PD 0xb000
#define BOOT_PD_COUNT 4
#define BOOT_CMDLINE 0x20000
#define BOOT_CMDLINE_MAX 4096
#define BOOT_EBDA 0x9fc00
#define BOOT_HIMEM 0x100000
#define BOOT_KERNEL BOOT_HIMEM

/* The command line of a Linux guest without --cmdline: boot.c says why */
extern const char vmm_default_cmdline[];

#define BOOT_SEL_CODE 0x10 /* __BOOT_CS in the boot protocol */
#define BOOT_SEL_DATA 0x18 /* __BOOT_DS */
#define BOOT_SEL_TSS 0x20

/* GDT and identity page tables for 64-bit mode (needs RAM >= 0xf000). */
int boot_write_tables(const struct guest_mem *mem, struct errbuf *eb);

/* Put the vCPU straight into 64-bit mode at rip with rsi = zero page. */
int boot_enter_long_mode(int vcpu_fd, uint64_t rip, uint64_t rsi,
			 struct errbuf *eb);

/* Put the vCPU in real mode at 0:ip, all segments 0, rbp = arg. */
int boot_enter_real_mode(int vcpu_fd, uint16_t ip, uint64_t arg,
			 struct errbuf *eb);

struct boot_linux {
	const uint8_t *img; /* the bzImage file */
	size_t img_len;
	struct bzimage_info info; /* from bzimage_parse() */
	const char *cmdline;
	const uint8_t *initrd; /* may be NULL */
	size_t initrd_len;
	uint64_t acpi_rsdp; /* boot_params.acpi_rsdp_addr (protocol 2.14+), or 0 */
	/* the image's own vmlinux (vmm/kernel_elf.h), loaded instead of its
	 * compressed kernel when set; the setup header still comes from img */
	const void *vmlinux;
	size_t vmlinux_len;
	/* out */
	uint64_t entry; /* 64-bit entry point */
	bool booted_vmlinux; /* the vmlinux was loaded, not the bzImage */
	uint64_t initrd_addr;
	uint64_t kernel_end; /* first byte after the kernel's init_size */
};

/*
 * Lay out a Linux guest in RAM: kernel, command line, initrd, and the zero
 * page (setup header copied from the image, loader fields, e820 map).
 */
int boot_linux_load(const struct guest_mem *mem, struct boot_linux *bl,
		    struct errbuf *eb);

/* Memory the kernel needs below the initrd: used for --mem checks. */
uint64_t boot_linux_min_mem(const struct bzimage_info *info, size_t initrd_len);

#endif
