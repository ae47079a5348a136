// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM does the bootloader's job: instead of running the kernel's
 * real-mode setup code (which asks the BIOS for a memory map), it fills
 * the zero page itself and jumps to the 64-bit entry point with paging
 * already on, as Documentation/x86/boot.rst ("64-bit Boot Protocol")
 * allows.
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/boot.h"
#include "vmm/kernel_elf.h"

/*
 * The kernel command line of `isolens vm run` when --cmdline is not given,
 * one argument per line with what it is for.  The machine has a UART, an
 * i8042 that is only a reset line, a CMOS clock, hardware-reduced ACPI
 * tables (acpi.c: the CPUs, the virtio-mmio slots and the power-off
 * register; an MP table too, for kernels without ACPI) and no PCI.
 */
const char vmm_default_cmdline[] =
	/* the console is the 8250 UART the VMM emulates at 0x3f8 */
	"console=ttyS0 "
	/* reboot through the i8042 (0xfe to port 0x64): the VMM ends the run */
	"reboot=k "
	/* a panic reboots at once, so the run ends instead of hanging */
	"panic=-1 "
	/* no PCI host bridge: do not probe for one (the devices are in ACPI) */
	"pci=off "
	/*
	 * the i8042 has no mouse and no multiplexer to probe (with ACPI the
	 * driver finds no PNP0303 and leaves it alone; this is for acpi=off)
	 */
	"i8042.noaux i8042.nomux i8042.dumbkbd "
	/* one UART: the legacy ports of the other three are not probed */
	"8250.nr_uarts=1 "
	/* KVM's TSC is stable: no clocksource watchdog against it */
	"tsc=reliable "
	/* only errors on the console: the command's output is what counts */
	"loglevel=2 "
	/* the VMM's initramfs /init runs the command */
	"rdinit=/init";

#define CR0_PE (1ULL << 0)
#define CR0_ET (1ULL << 4)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

#define E820_RAM 1
#define E820_RESERVED 2

/* Descriptor from flags (type, S, DPL, P in 15:0; AVL, L, D/B, G in 19:16 of the upper word). */
static uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000) << 32) |
	       ((uint64_t)(flags & 0xf0ff) << 40) |
	       ((uint64_t)(limit & 0x000f0000) << 32) |
	       ((uint64_t)(base & 0x00ffffff) << 16) | (limit & 0xffff);
}

int boot_write_tables(const struct guest_mem *mem, struct errbuf *eb)
{
	uint64_t gdt[5] = {
		[BOOT_SEL_CODE / 8] = gdt_entry(0xa09b, 0, 0xfffff), /* L=1 */
		[BOOT_SEL_DATA / 8] = gdt_entry(0xc093, 0, 0xfffff),
		[BOOT_SEL_TSS / 8] = gdt_entry(0x808b, 0, 0xfffff),
	};
	uint64_t *pml4, *pdpt, *pd;
	unsigned int i;
	int err;

	err = guest_write(mem, BOOT_GDT_ADDR, gdt, sizeof(gdt), eb);
	if (err)
		return err;
	pml4 = guest_ptr(mem, BOOT_PML4, 4096);
	pdpt = guest_ptr(mem, BOOT_PDPT, 4096);
	pd = guest_ptr(mem, BOOT_PD, 4096 * BOOT_PD_COUNT);
	if (!pml4 || !pdpt || !pd)
		return errbuf_set(eb, EFAULT,
				  "guest RAM too small for page tables");
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < BOOT_PD_COUNT; i++)
		pdpt[i] = (BOOT_PD + i * 4096ULL) | PTE_P | PTE_RW;
	/* 4 x 512 2-MiB pages: guest-virtual == guest-physical below 4 GiB */
	for (i = 0; i < 512 * BOOT_PD_COUNT; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, uint8_t sys,
		uint8_t l, uint8_t db)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = db,
		.s = sys,
		.l = l,
		.g = 1,
	};
}

int boot_enter_long_mode(int vcpu_fd, uint64_t rip, uint64_t rsi,
			 struct errbuf *eb)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return errbuf_errno(eb, errno, "KVM_GET_SREGS");
	seg(&sregs.cs, BOOT_SEL_CODE, 0xb, 1, 1, 0);
	seg(&sregs.ds, BOOT_SEL_DATA, 0x3, 1, 0, 1);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	seg(&sregs.tr, BOOT_SEL_TSS, 0xb, 0, 0, 0);
	sregs.gdt.base = BOOT_GDT_ADDR;
	sregs.gdt.limit = 5 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit =
		0; /* interrupts stay off until the kernel loads one */
	sregs.cr3 = BOOT_PML4;
	sregs.cr4 = CR4_PAE;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_PG;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_SREGS (64-bit mode)");

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2; /* bit 1 is always set; IF clear */
	regs.rip = rip;
	regs.rsi = rsi;
	regs.rsp = regs.rbp = BOOT_STACK;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_REGS");

	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f; /* the FNINIT defaults */
	fpu.mxcsr = 0x1f80;
	if (ioctl(vcpu_fd, KVM_SET_FPU, &fpu) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_FPU");
	return 0;
}

int boot_enter_real_mode(int vcpu_fd, uint16_t ip, uint64_t arg,
			 struct errbuf *eb)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return errbuf_errno(eb, errno, "KVM_GET_SREGS");
	/* reset state is CS=f000 base ffff0000; flatten to segment 0 */
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.ds.selector = sregs.es.selector = sregs.ss.selector = 0;
	sregs.ds.base = sregs.es.base = sregs.ss.base = 0;
	sregs.fs.selector = sregs.gs.selector = 0;
	sregs.fs.base = sregs.gs.base = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_SREGS (real mode)");
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	regs.rip = ip;
	regs.rsp = BOOT_ZERO_PAGE; /* the zero page is unused here */
	regs.rbp = arg;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return errbuf_errno(eb, errno, "KVM_SET_REGS");
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint64_t boot_linux_min_mem(const struct bzimage_info *info, size_t initrd_len)
{
	uint64_t kernel = info->init_size > info->kernel_len ? info->init_size :
							       info->kernel_len;

	return align_up(BOOT_KERNEL + kernel, 4096) +
	       align_up(initrd_len, 4096) + (4ULL << 20);
}

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct boot_e820_entry *e;

	if (bp->e820_entries >= E820_MAX_ENTRIES_ZEROPAGE)
		return;
	e = &bp->e820_table[bp->e820_entries++];
	e->addr = addr;
	e->size = size;
	e->type = type;
}

int boot_linux_load(const struct guest_mem *mem, struct boot_linux *bl,
		    struct errbuf *eb)
{
	const struct bzimage_info *info = &bl->info;
	uint64_t kernel_size, top;
	struct boot_params *bp;
	size_t hdr_end, cmdlen;
	int err;

	kernel_size = info->init_size > info->kernel_len ? info->init_size :
							   info->kernel_len;
	bl->kernel_end = align_up(BOOT_KERNEL + kernel_size, 4096);
	if (bl->kernel_end > mem->size)
		return errbuf_set(
			eb, ENOMEM,
			"guest memory %llu MiB is too small: the kernel needs %llu MiB from 1 MiB up",
			(unsigned long long)(mem->size >> 20),
			(unsigned long long)(kernel_size >> 20));
	if (info->setup_len > bl->img_len)
		return errbuf_set(eb, EINVAL, "bzImage shorter than its setup");
	bl->booted_vmlinux = false;
	if (bl->vmlinux) {
		uint64_t end;

		/* the decompressor's work done beforehand: no KASLR, no
		 * relocation, the kernel where it was linked */
		err = vmlinux_load(mem, bl->vmlinux, bl->vmlinux_len,
				   &bl->entry, &end, eb);
		if (err)
			return err;
		if (align_up(end, 4096) > bl->kernel_end)
			bl->kernel_end = align_up(end, 4096);
		bl->booted_vmlinux = true;
	} else {
		err = guest_write(mem, BOOT_KERNEL, bl->img + info->setup_len,
				  bl->img_len - info->setup_len, eb);
		if (err)
			return err;
		bl->entry = BOOT_KERNEL + 0x200; /* startup_64 */
	}

	cmdlen = strlen(bl->cmdline);
	if (cmdlen >= BOOT_CMDLINE_MAX ||
	    (info->cmdline_size && cmdlen > info->cmdline_size))
		return errbuf_set(
			eb, E2BIG,
			"kernel command line is %zu bytes, the kernel accepts %u",
			cmdlen, info->cmdline_size);
	err = guest_write(mem, BOOT_CMDLINE, bl->cmdline, cmdlen + 1, eb);
	if (err)
		return err;

	bl->initrd_addr = 0;
	if (bl->initrd && bl->initrd_len) {
		top = mem->size;
		if (info->initrd_addr_max &&
		    top > (uint64_t)info->initrd_addr_max + 1)
			top = (uint64_t)info->initrd_addr_max + 1;
		if (bl->initrd_len > top ||
		    ((top - bl->initrd_len) & ~0xfffULL) < bl->kernel_end)
			return errbuf_set(
				eb, ENOMEM,
				"initrd (%zu bytes) does not fit between the kernel and the end of guest memory",
				bl->initrd_len);
		bl->initrd_addr = (top - bl->initrd_len) & ~0xfffULL;
		err = guest_write(mem, bl->initrd_addr, bl->initrd,
				  bl->initrd_len, eb);
		if (err)
			return err;
	}

	bp = guest_ptr(mem, BOOT_ZERO_PAGE, sizeof(*bp));
	if (!bp)
		return errbuf_set(eb, EFAULT, "no room for the zero page");
	memset(bp, 0, sizeof(*bp));
	/* The header runs from 0x1f1 to 0x202 + the jump's 8-bit offset. */
	hdr_end = 0x202 + bl->img[0x201];
	if (hdr_end > 0x1f1 + sizeof(bp->hdr))
		hdr_end = 0x1f1 + sizeof(bp->hdr);
	if (hdr_end > info->setup_len)
		return errbuf_set(eb, EINVAL,
				  "bzImage setup header runs past setup");
	memcpy(&bp->hdr, bl->img + 0x1f1, hdr_end - 0x1f1);

	bp->hdr.type_of_loader = 0xff; /* "undefined" boot loader */
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.vid_mode = 0xffff; /* "normal" */
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;
	bp->hdr.ramdisk_image = (uint32_t)bl->initrd_addr;
	bp->hdr.ramdisk_size = bl->initrd_addr ? (uint32_t)bl->initrd_len : 0;
	/* older kernels ignore it and scan 0xe0000-0xfffff for the RSDP */
	bp->acpi_rsdp_addr = bl->acpi_rsdp;

	/*
	 * RAM below the EBDA; the EBDA, the VGA hole and the BIOS area, where
	 * the MP and ACPI tables are, reserved; RAM above 1 MiB
	 */
	e820_add(bp, 0, BOOT_EBDA, E820_RAM);
	e820_add(bp, BOOT_EBDA, BOOT_HIMEM - BOOT_EBDA, E820_RESERVED);
	e820_add(bp, BOOT_HIMEM, mem->size - BOOT_HIMEM, E820_RAM);
	return 0;
}
