// SPDX-License-Identifier: GPL-2.0
/*
 * Under TCG, decompressing a bzImage takes the guest over two seconds of
 * emulated instructions.  The lab VM boots the kernel's cached ELF vmlinux
 * (vmm/kernel_elf.h) through its PVH entry point instead, which QEMU loads
 * directly.  Kernels without a PVH note, or with a compression we do not
 * decode, keep booting as bzImages.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "vmm/kernel_elf.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

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

int lab_vmlinux_get(const struct lab_kernel *k, char *path, size_t len,
		    bool *rebuilt, struct errbuf *eb)
{
	bool pvh;
	FILE *f;
	int ret;

	ret = vmlinux_get(k->image, path, len, rebuilt, eb);
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return errbuf_errno(eb, errno, "cannot open %s", path);
	pvh = elf_has_pvh_note(f);
	fclose(f);
	if (!pvh)
		return errbuf_set(
			eb, ENOTSUP,
			"the kernel has no PVH entry point (CONFIG_PVH)");
	return 0;
}
