// SPDX-License-Identifier: GPL-2.0
/*
 * The lab initramfs: static busybox, the embedded init script and the few
 * modules needed to reach the host root over 9p.  It is cached, keyed by a
 * hash of every input, so it is rebuilt only when one of them changes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cache.h"
#include "base/cpio.h"
#include "base/kmod.h"
#include "base/util.h"
#include "lab.h"

extern const char lab_guest_init_start[], lab_guest_init_end[];
extern const char lab_kvm_hold_start[], lab_kvm_hold_end[];

/* virtio-mmio is the transport of QEMU's microvm machine. */
static const char *const lab_wanted_modules[] = {
	"virtio_mmio",
	"9pnet_virtio",
	"9p",
};

#define INITRAMFS_FORMAT 1 /* bump when the layout below changes */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* Identity of a host file for the cache key: path, size and mtime. */
static uint64_t hash_file(uint64_t h, const char *path)
{
	struct stat st;

	h = fnv1a(h, path, strlen(path) + 1);
	if (!stat(path, &st)) {
		h = fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	return h;
}

/* The initramfs has no libc: busybox must be statically linked. */
static int check_static(const char *path, struct errbuf *eb)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errbuf_errno(eb, errno,
				    "cannot open %s (install busybox-static)",
				    path);
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		ret = errbuf_set(eb, ENOEXEC, "%s is not a 64-bit ELF binary",
				 path);
		goto out;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			break;
		if (ph.p_type == PT_INTERP) {
			ret = errbuf_set(
				eb, ENOEXEC,
				"%s is dynamically linked: the lab initramfs needs a static busybox (install busybox-static)",
				path);
			break;
		}
	}
out:
	close(fd);
	return ret;
}

struct archive_input {
	const char *busybox;
	const struct kmod_list *mods;
	struct errbuf *eb;
};

static int write_archive(FILE *out, void *ctx)
{
	const struct archive_input *in = ctx;
	const struct kmod_list *mods = in->mods;
	struct errbuf *eb = in->eb;
	static const char *const dirs[] = {
		"bin",	   "dev", "proc",	 "sys",
		"newroot", "lib", "lib/isolens", "lib/isolens/modules",
	};
	struct cpio_writer w;
	char name[PATH_MAX], order[2048] = "";
	size_t used = 0;
	unsigned int i;
	int ret;

	cpio_init(&w, out);
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_add_dir(&w, dirs[i], 0755);
	/* The kernel opens /dev/console for init before anything is mounted. */
	cpio_add_chardev(&w, "dev/console", 0600, 5, 1);
	cpio_add_file(&w, "init", 0755, lab_guest_init_start,
		      lab_guest_init_end - lab_guest_init_start);
	ret = cpio_add_host_file(&w, "bin/busybox", 0755, in->busybox, eb);
	if (ret)
		return ret;
	cpio_add_symlink(&w, "bin/sh", "busybox");
	cpio_add_file(&w, "bin/kvm-hold", 0755, lab_kvm_hold_start,
		      lab_kvm_hold_end - lab_kvm_hold_start);
	for (i = 0; i < mods->nr; i++) {
		snprintf(name, sizeof(name), "lib/isolens/modules/%s.ko",
			 mods->name[i]);
		ret = cpio_add_host_file(&w, name, 0644, mods->path[i], eb);
		if (ret)
			return ret;
		used += snprintf(order + used, sizeof(order) - used, "%s\n",
				 mods->name[i]);
	}
	cpio_add_file(&w, "lib/isolens/modules.load", 0644, order, used);
	ret = cpio_finish(&w);
	if (ret)
		return errbuf_errno(eb, -ret, "writing the initramfs");
	return 0;
}

int lab_initramfs_get(const struct lab_kernel *k, const char *busybox,
		      char *path, size_t len, bool *rebuilt, struct errbuf *eb)
{
	struct kmod_list mods;
	struct archive_input in = { busybox, &mods, eb };
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int i;
	int ret, fmt = INITRAMFS_FORMAT;

	*rebuilt = false;
	ret = check_static(busybox, eb);
	if (ret)
		return ret;
	ret = kmod_resolve(k->moddir, lab_wanted_modules,
			   ARRAY_SIZE(lab_wanted_modules), &mods, eb);
	if (ret)
		return ret;

	h = fnv1a(h, &fmt, sizeof(fmt));
	h = fnv1a(h, lab_guest_init_start,
		  lab_guest_init_end - lab_guest_init_start);
	h = fnv1a(h, lab_kvm_hold_start, lab_kvm_hold_end - lab_kvm_hold_start);
	h = hash_file(h, busybox);
	for (i = 0; i < mods.nr; i++)
		h = hash_file(h, mods.path[i]);
	snprintf(path, len, "%s/lab-initramfs-%s-%016llx.cpio", cache_dir(),
		 k->release, (unsigned long long)h);
	if (!access(path, R_OK))
		return 0;
	ret = cache_publish(path, write_archive, &in, eb);
	*rebuilt = !ret;
	return ret;
}
