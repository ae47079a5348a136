// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lab.h"
#include "vmm/bzimage.h"

static bool has_modules(const char *release, bool need_headers)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	if (access(path, R_OK))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/build/Makefile", release);
	return !need_headers || !access(path, R_OK);
}

static int kernel_fill(struct lab_kernel *k, const char *image,
		       const char *release, const char *why, struct errbuf *eb)
{
	if (access(image, R_OK))
		return errbuf_errno(
			eb, errno, "cannot read kernel %s%s", image,
			errno == EACCES ?
				" (some distributions make /boot/vmlinuz-* root-only: use sudo or --kernel)" :
				"");
	snprintf(k->image, sizeof(k->image), "%s", image);
	snprintf(k->release, sizeof(k->release), "%s", release);
	snprintf(k->moddir, sizeof(k->moddir), "/lib/modules/%s", release);
	k->why = why;
	return 0;
}

static int newest_installed(struct lab_kernel *k, struct errbuf *eb)
{
	char best[128] = "", image[PATH_MAX];
	struct dirent *de;
	DIR *d;

	d = opendir("/boot");
	if (!d)
		return errbuf_errno(eb, errno, "cannot list /boot");
	while ((de = readdir(d))) {
		const char *rel;

		if (strncmp(de->d_name, "vmlinuz-", 8))
			continue;
		rel = de->d_name + 8;
		if (strlen(rel) >= sizeof(best) || !has_modules(rel, true))
			continue;
		if (!*best || strverscmp(rel, best) > 0)
			snprintf(best, sizeof(best), "%s", rel);
	}
	closedir(d);
	if (!*best)
		return errbuf_set(
			eb, ENOENT,
			"no kernel for the lab VM: no /boot/vmlinuz-* with modules and headers installed (run 'sudo make deps', or pass --kernel)");
	snprintf(image, sizeof(image), "/boot/vmlinuz-%s", best);
	return kernel_fill(k, image, best,
			   "newest installed kernel with modules and headers",
			   eb);
}

int lab_kernel_find(const char *override, struct lab_kernel *k,
		    struct errbuf *eb)
{
	char image[PATH_MAX], release[128];
	struct utsname un;
	int ret;

	if (override) {
		ret = bzimage_kernel_release(override, release, sizeof(release),
					     eb);
		if (ret)
			return ret;
		if (!has_modules(release, false))
			return errbuf_set(
				eb, ENOENT,
				"kernel %s is release %s, but /lib/modules/%s has no modules.dep: the lab VM loads its 9p and KVM modules from there",
				override, release, release);
		return kernel_fill(k, override, release, "--kernel", eb);
	}

	uname(&un);
	snprintf(image, sizeof(image), "/boot/vmlinuz-%s", un.release);
	if (!access(image, F_OK) && has_modules(un.release, false))
		return kernel_fill(k, image, un.release,
				   "the host's running kernel", eb);
	return newest_installed(k, eb);
}
