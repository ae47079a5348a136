// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "vmm/bzimage.h"
#include "vmm/modules.h"

/*
 * In load order: the transport, the disk, the checksum ext4 asks the
 * crypto API for (a soft dependency: modules.dep does not list it, and the
 * initramfs has no modprobe to load it on demand), the filesystem.
 */
const char *const vmm_disk_modules[] = {
	"virtio_mmio",
	"virtio_blk",
	"crc32c_generic",
	"ext4",
};
const unsigned int vmm_nr_disk_modules = ARRAY_SIZE(vmm_disk_modules);

static bool is_moddir(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	if (!access(path, R_OK))
		return true;
	snprintf(path, sizeof(path), "%s/modules.order", dir);
	return !access(path, R_OK);
}

int vmm_modules_dir(const char *kernel, const char *override, char *dir,
		    size_t len, struct errbuf *eb)
{
	char rel[128], kdir[PATH_MAX], *slash;
	int err;

	if (override) {
		if (!is_moddir(override))
			return errbuf_set(
				eb, ENOENT,
				"bad --modules '%s': no modules.dep nor modules.order there",
				override);
		snprintf(dir, len, "%s", override);
		return 0;
	}
	err = bzimage_kernel_release(kernel, rel, sizeof(rel), eb);
	if (err == -ENODATA)
		return errbuf_set(
			eb, ENOENT,
			"kernel %s has no version string: a VM with disks needs its modules (virtio_mmio, virtio_blk, ext4), pass --modules DIR",
			kernel);
	if (err)
		return err;
	snprintf(dir, len, "/lib/modules/%s", rel);
	if (is_moddir(dir))
		return 0;
	snprintf(kdir, sizeof(kdir), "%s", kernel);
	slash = strrchr(kdir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(kdir, sizeof(kdir), ".");
	snprintf(dir, len, "%s/../lib/modules/%s", kdir, rel);
	if (is_moddir(dir))
		return 0;
	return errbuf_set(
		eb, ENOENT,
		"no modules for kernel %s (release %s) in /lib/modules/%s nor %s/../lib/modules/%s: a VM with disks needs virtio_mmio, virtio_blk and ext4 (pass --modules DIR)",
		kernel, rel, rel, kdir, rel);
}

int vmm_modules_for_disks(const char *kernel, const char *override,
			  struct kmod_list *mods, struct errbuf *eb)
{
	char dir[PATH_MAX], msg[sizeof(eb->msg)];
	int err;

	err = vmm_modules_dir(kernel, override, dir, sizeof(dir), eb);
	if (err)
		return err;
	err = kmod_resolve(dir, vmm_disk_modules, vmm_nr_disk_modules, mods,
			   eb);
	if (err == -ENOENT) {
		/* the message names the directory and the module */
		snprintf(msg, sizeof(msg), "%s", eb->msg);
		return errbuf_set(eb, ENOENT, "%s (a VM with disks needs it)",
				  msg);
	}
	return err;
}
