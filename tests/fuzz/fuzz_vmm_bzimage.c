// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the bzImage parser and the boot-params loader.  The
 * input is the kernel file; when it parses, it is laid out in a 64 MiB
 * guest with the input's last 4 KiB as the initrd.  An input that starts
 * like an ELF file is a vmlinux instead, loaded by vmlinux_load().  Bugs
 * show up as AddressSanitizer reports (reads past the image, writes past
 * guest RAM).
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/memory.h"
#include "vmm/kernel_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	struct boot_linux bl = { 0 };
	uint64_t entry, end;
	struct errbuf eb;

	if (!mem.hva && guest_mem_alloc(&mem, 64 << 20, NULL))
		abort();
	if (size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG)) {
		vmlinux_load(&mem, data, size, &entry, &end, &eb);
		return 0;
	}
	if (bzimage_parse(data, size, &bl.info, &eb))
		return 0;
	bl.img = data;
	bl.img_len = size;
	bl.cmdline = "console=ttyS0";
	bl.initrd = size > 4096 ? data + size - 4096 : NULL;
	bl.initrd_len = size > 4096 ? 4096 : 0;
	boot_linux_load(&mem, &bl, &eb);
	return 0;
}
