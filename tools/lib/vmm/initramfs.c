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

#define VMM_INITRAMFS_FORMAT 3 /* bump when the init or layout changes */
#define VMM_INITRAMFS_OUTB "/isolens/outb"
#define STR_(x) #x
#define STR(x) STR_(x)

extern const char vmm_outb_start[], vmm_outb_end[];

/*
 * Ports are written by the embedded outb helper (guest/outb.c): an OUT
 * after ioperm(), since not every kernel has /dev/port.  stty re-applies
 * the console settings with TCSADRAIN, which waits until the UART has sent
 * everything, so no output is lost when the VMM stops at the status write.
 * Should the status never arrive, poweroff halts the guest, and the VMM
 * notices that too.
 */
static const char init_script[] =
	"#!/bin/busybox sh\n"
	"# isolens vm init: mark, run the command, report its status.\n"
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
	"$outb " STR(
		VMM_PORT_MARKER) " 1\n"
				 "if [ -f " VMM_INITRAMFS_CMD " ]; then\n"
				 "\tsh " VMM_INITRAMFS_CMD "\n"
				 "else\n"
				 "\tsetsid cttyhack sh\n"
				 "fi\n"
				 "st=$?\n"
				 "stty -F /dev/console $(stty -F /dev/console -g) 2>/dev/null\n"
				 "$outb " STR(
					 VMM_PORT_STATUS) " $((st & 255))\n"
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

int vmm_initramfs_build(const char *busybox, void **out, size_t *len,
			struct errbuf *eb)
{
	static const char *const dirs[] = {
		"bin",	"sbin", "usr", "usr/bin", "usr/sbin", "dev",
		"proc", "sys",	"tmp", "root",	  "isolens",  "etc",
	};
	struct cpio_writer w;
	char *buf = NULL;
	unsigned int i;
	FILE *f;
	int err;

	err = archive_open(&f, &buf, len, &w, eb);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_add_dir(&w, dirs[i], 0755);
	/* the kernel opens /dev/console for init before devtmpfs exists */
	cpio_add_chardev(&w, "dev/console", 0600, 5, 1);
	err = cpio_add_host_file(&w, "bin/busybox", 0755, busybox, eb);
	if (err) {
		fclose(f);
		free(buf);
		return err;
	}
	cpio_add_symlink(&w, "bin/sh", "busybox");
	cpio_add_file(&w, VMM_INITRAMFS_OUTB + 1, 0755, vmm_outb_start,
		      vmm_outb_end - vmm_outb_start);
	cpio_add_file(&w, "init", 0755, init_script, sizeof(init_script) - 1);
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

int vmm_initramfs_cached(const char *busybox, char *path, size_t pathlen,
			 struct errbuf *eb)
{
	struct built_archive a;
	struct stat st;
	int err;

	if (stat(busybox, &st) < 0)
		return errbuf_errno(eb, errno, "%s (install busybox-static)",
				    busybox);
	snprintf(path, pathlen, "%s/vm-initramfs-%d-%llx-%llx.cpio",
		 cache_dir(), VMM_INITRAMFS_FORMAT,
		 (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtime);
	if (!access(path, R_OK))
		return 0;
	err = vmm_initramfs_build(busybox, &a.buf, &a.len, eb);
	if (err)
		return err;
	err = cache_publish(path, write_built, &a, eb);
	if (err == -EIO)
		errbuf_errno(eb, EIO, "cannot write %s", path);
	free(a.buf);
	return err;
}

int vmm_initramfs_cmd(int argc, char *const argv[], void **out, size_t *len,
		      struct errbuf *eb)
{
	struct cpio_writer w;
	char *buf = NULL, *script = NULL;
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
	return archive_close(f, &buf, &w, out, eb);
}

int vmm_initramfs_for_cmd(const char *busybox, int argc, char *const argv[],
			  char *path, size_t pathlen, void **buf, size_t *len,
			  struct errbuf *eb)
{
	void *base = NULL, *cmd = NULL, *both;
	size_t base_len = 0, cmd_len;
	int err;

	if (path) {
		if (!vmm_initramfs_cached(busybox, path, pathlen, eb))
			goto command;
		path[0] = '\0'; /* read-only cache: build it for this run */
	}
	err = vmm_initramfs_build(busybox, &base, &base_len, eb);
	if (err)
		return err;
command:
	err = vmm_initramfs_cmd(argc, argv, &cmd, &cmd_len, eb);
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
