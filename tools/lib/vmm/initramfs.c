// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cpio.h"
#include "base/cache.h"
#include "base/shquote.h"
#include "base/util.h"
#include "vmm/initramfs.h"
#include "vmm/vmm.h"

#define VMM_INITRAMFS_FORMAT 4 /* bump when the layout below changes */
#define VMM_INITRAMFS_OUTB "/isolens/outb"
#define STR_(x) #x
#define STR(x) STR_(x)
#define PORT_MARKER STR(VMM_PORT_MARKER)
#define PORT_STATUS STR(VMM_PORT_STATUS)

extern const char vmm_outb_start[], vmm_outb_end[];

/*
 * Ports are written by the embedded outb helper (guest/outb.c): an OUT
 * after ioperm(), since not every kernel has /dev/port.  The modules are
 * loaded and the root disk mounted before the marker, so the marker means
 * "the command starts now".  With a root disk the command runs chrooted
 * into it (the disk's own /bin/sh), which is then synced and unmounted; a
 * root that cannot be mounted is status 125.  stty re-applies the console
 * settings with TCSADRAIN, which waits until the UART has sent everything,
 * so no output is lost when the VMM stops at the status write.  Should the
 * status never arrive, poweroff halts the guest, and the VMM notices that
 * too.
 */
static const char init_script[] =
	"#!/bin/busybox sh\n"
	"# isolens vm init: modules, root, mark, run the command, report its status.\n"
	"/bin/busybox --install -s /bin\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
	"mount -t tmpfs tmpfs /tmp\n"
	"export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=linux\n"
	"hostname isolens-vm\n"
	"outb=" VMM_INITRAMFS_OUTB "\n"
	"# plain \\n on the console: output is the same in a pipe or a file\n"
	"stty -F /dev/console -onlcr 2>/dev/null\n"
	"if [ -f " VMM_INITRAMFS_MODLOAD " ]; then\n"
	"\twhile read -r m; do\n"
	"\t\tinsmod " VMM_INITRAMFS_MODDIR "/$m.ko ||\n"
	"\t\t\techo \"isolens init: cannot load module $m\" >&2\n"
	"\tdone <" VMM_INITRAMFS_MODLOAD "\n"
	"fi\n"
	"root= mounted=\n"
	"[ -f " VMM_INITRAMFS_ROOT " ] && read -r root <" VMM_INITRAMFS_ROOT
	"\n"
	"st=0\n"
	"if [ -n \"$root\" ]; then\n"
	"\t# the driver may still be probing the disk\n"
	"\ti=0\n"
	"\twhile [ ! -b \"$root\" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done\n"
	"\tif mount -t ext4 \"$root\" /newroot; then\n"
	"\t\tfor d in proc sys dev; do mkdir -p /newroot/$d 2>/dev/null; done\n"
	"\t\tmount -t proc proc /newroot/proc\n"
	"\t\tmount -t sysfs sysfs /newroot/sys\n"
	"\t\tmount -t devtmpfs devtmpfs /newroot/dev\n"
	"\t\tmounted=1\n"
	"\telse\n"
	"\t\techo \"isolens init: cannot mount the root $root (ext4)\" >&2\n"
	"\t\tst=125\n"
	"\tfi\n"
	"fi\n"
	"$outb " PORT_MARKER " 1\n"
	"if [ $st -ne 0 ]; then\n"
	"\t:\n"
	"elif [ -n \"$root\" ] && [ -f " VMM_INITRAMFS_CMD " ]; then\n"
	"\tchroot /newroot /bin/sh -c \"$(cat " VMM_INITRAMFS_CMD ")\"\n"
	"\tst=$?\n"
	"elif [ -n \"$root\" ]; then\n"
	"\tsetsid cttyhack chroot /newroot /bin/sh\n"
	"\tst=$?\n"
	"elif [ -f " VMM_INITRAMFS_CMD " ]; then\n"
	"\tsh " VMM_INITRAMFS_CMD "\n"
	"\tst=$?\n"
	"else\n"
	"\tsetsid cttyhack sh\n"
	"\tst=$?\n"
	"fi\n"
	"if [ -n \"$mounted\" ]; then\n"
	"\tsync\n"
	"\tumount /newroot/dev /newroot/sys /newroot/proc 2>/dev/null\n"
	"\tumount /newroot 2>/dev/null || mount -o remount,ro /newroot 2>/dev/null\n"
	"\tsync\n"
	"fi\n"
	"stty -F /dev/console $(stty -F /dev/console -g) 2>/dev/null\n"
	"$outb " PORT_STATUS " $((st & 255))\n"
	"poweroff -f\n";

static int archive_open(FILE **f, char **buf, size_t *len,
			struct cpio_writer *w, struct errbuf *eb)
{
	*f = open_memstream(buf, len);
	if (!*f)
		return errbuf_errno(eb, errno, "open_memstream");
	cpio_init(w, *f);
	return 0;
}

static int archive_close(FILE *f, char **buf, struct cpio_writer *w, void **out,
			 struct errbuf *eb)
{
	int err = cpio_finish(w);

	fclose(f); /* only now are *buf and the length final */
	if (err) {
		free(*buf);
		return errbuf_errno(eb, -err, "writing the initramfs");
	}
	*out = *buf;
	return 0;
}

/* The base archive: busybox, outb, the init and the modules. */
static int add_base(struct cpio_writer *w, const struct vmm_userland *u,
		    struct errbuf *eb)
{
	static const char *const dirs[] = {
		"bin", "sbin", "usr",  "usr/bin", "usr/sbin", "dev",	 "proc",
		"sys", "tmp",  "root", "isolens", "etc",      "newroot",
	};
	char name[PATH_MAX], *order = NULL;
	size_t used = 0;
	unsigned int i;
	FILE *o;
	int err;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_add_dir(w, dirs[i], 0755);
	/* the kernel opens /dev/console for init before devtmpfs exists */
	cpio_add_chardev(w, "dev/console", 0600, 5, 1);
	err = cpio_add_host_file(w, "bin/busybox", 0755, u->busybox, eb);
	if (err)
		return err;
	cpio_add_symlink(w, "bin/sh", "busybox");
	cpio_add_file(w, VMM_INITRAMFS_OUTB + 1, 0755, vmm_outb_start,
		      vmm_outb_end - vmm_outb_start);
	cpio_add_file(w, "init", 0755, init_script, sizeof(init_script) - 1);
	if (!u->mods || !u->mods->nr)
		return 0;
	cpio_add_dir(w, "lib", 0755);
	cpio_add_dir(w, "lib/isolens", 0755);
	cpio_add_dir(w, VMM_INITRAMFS_MODDIR + 1, 0755);
	o = open_memstream(&order, &used);
	if (!o)
		return errbuf_errno(eb, errno, "open_memstream");
	for (i = 0; i < u->mods->nr; i++) {
		snprintf(name, sizeof(name), "%s/%s.ko",
			 VMM_INITRAMFS_MODDIR + 1, u->mods->name[i]);
		err = cpio_add_host_file(w, name, 0644, u->mods->path[i], eb);
		if (err)
			break;
		fprintf(o, "%s\n", u->mods->name[i]);
	}
	fclose(o);
	if (!err)
		cpio_add_file(w, VMM_INITRAMFS_MODLOAD + 1, 0644, order, used);
	free(order);
	return err;
}

int vmm_initramfs_build(const struct vmm_userland *u, void **out, size_t *len,
			struct errbuf *eb)
{
	struct cpio_writer w;
	char *buf = NULL;
	FILE *f;
	int err;

	err = archive_open(&f, &buf, len, &w, eb);
	if (err)
		return err;
	err = add_base(&w, u, eb);
	if (err) {
		fclose(f);
		free(buf);
		return err;
	}
	return archive_close(f, &buf, &w, out, eb);
}

struct built_archive {
	void *buf;
	size_t len;
};

static int write_built(FILE *out, void *ctx)
{
	const struct built_archive *a = ctx;

	return fwrite(a->buf, 1, a->len, out) == a->len ? 0 : -EIO;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* A host file as the cache key sees it: path, size and mtime. */
static int hash_file(uint64_t *h, const char *path, const char *hint,
		     struct errbuf *eb)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errbuf_errno(eb, errno, "%s%s", path, hint);
	*h = fnv1a(*h, path, strlen(path) + 1);
	*h = fnv1a(*h, &st.st_size, sizeof(st.st_size));
	*h = fnv1a(*h, &st.st_mtim.tv_sec, sizeof(st.st_mtim.tv_sec));
	*h = fnv1a(*h, &st.st_mtim.tv_nsec, sizeof(st.st_mtim.tv_nsec));
	return 0;
}

int vmm_initramfs_cached(const struct vmm_userland *u, char *path,
			 size_t pathlen, struct errbuf *eb)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int fmt = VMM_INITRAMFS_FORMAT;
	struct built_archive a;
	unsigned int i;
	int err;

	h = fnv1a(h, &fmt, sizeof(fmt));
	h = fnv1a(h, init_script, sizeof(init_script));
	h = fnv1a(h, vmm_outb_start, vmm_outb_end - vmm_outb_start);
	err = hash_file(&h, u->busybox, " (install busybox-static)", eb);
	for (i = 0; !err && u->mods && i < u->mods->nr; i++) {
		h = fnv1a(h, u->mods->name[i], strlen(u->mods->name[i]) + 1);
		err = hash_file(&h, u->mods->path[i], "", eb);
	}
	if (err)
		return err;
	snprintf(path, pathlen, "%s/vm-initramfs-%016llx.cpio", cache_dir(),
		 (unsigned long long)h);
	if (!access(path, R_OK))
		return 0;
	err = vmm_initramfs_build(u, &a.buf, &a.len, eb);
	if (err)
		return err;
	err = cache_publish(path, write_built, &a, eb);
	if (err == -EIO)
		errbuf_errno(eb, EIO, "cannot write %s", path);
	free(a.buf);
	return err;
}

int vmm_initramfs_cmd(int argc, char *const argv[], const char *root,
		      void **out, size_t *len, struct errbuf *eb)
{
	struct cpio_writer w;
	char *buf = NULL, *script = NULL, line[256];
	size_t slen = 0;
	FILE *f, *s;
	int i, err;

	err = archive_open(&f, &buf, len, &w, eb);
	if (err)
		return err;
	if (argc > 0) {
		s = open_memstream(&script, &slen);
		if (!s) {
			fclose(f);
			free(buf);
			return errbuf_errno(eb, errno, "open_memstream");
		}
		for (i = 0; i < argc; i++) {
			if (i)
				fputc(' ', s);
			shell_quote_fput(s, argv[i]);
		}
		fputc('\n', s);
		fclose(s);
		cpio_add_file(&w, VMM_INITRAMFS_CMD + 1, 0644, script, slen);
		free(script);
	}
	if (root) {
		i = snprintf(line, sizeof(line), "%s\n", root);
		cpio_add_file(&w, VMM_INITRAMFS_ROOT + 1, 0644, line, i);
	}
	return archive_close(f, &buf, &w, out, eb);
}

int vmm_initramfs_for_cmd(const struct vmm_userland *u, int argc,
			  char *const argv[], char *path, size_t pathlen,
			  void **buf, size_t *len, struct errbuf *eb)
{
	void *base = NULL, *cmd = NULL, *both;
	size_t base_len = 0, cmd_len;
	int err;

	if (path) {
		if (!vmm_initramfs_cached(u, path, pathlen, eb))
			goto command;
		path[0] = '\0'; /* read-only cache: build it for this run */
	}
	err = vmm_initramfs_build(u, &base, &base_len, eb);
	if (err)
		return err;
command:
	err = vmm_initramfs_cmd(argc, argv, u->root, &cmd, &cmd_len, eb);
	if (err)
		goto fail;
	if (!base) {
		*buf = cmd;
		*len = cmd_len;
		return 0;
	}
	/* both archives are 4-byte aligned, so they concatenate as is */
	both = realloc(base, base_len + cmd_len);
	if (!both) {
		err = errbuf_errno(eb, ENOMEM, "initramfs");
		goto fail;
	}
	memcpy((char *)both + base_len, cmd, cmd_len);
	free(cmd);
	*buf = both;
	*len = base_len + cmd_len;
	return 0;
fail:
	free(cmd);
	free(base);
	return err;
}
