// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cpio.h"
#include "fileio.h"

void cpio_init(struct cpio_writer *w, FILE *out)
{
	w->out = out;
	w->next_ino = 1;
	w->err = 0;
}

static void cpio_pad(struct cpio_writer *w)
{
	static const char zeros[4];
	long pos = ftell(w->out);

	if (pos < 0) {
		w->err = w->err ?: errno;
		return;
	}
	if (pos & 3 &&
	    fwrite(zeros, 1, 4 - (pos & 3), w->out) != (size_t)(4 - (pos & 3)))
		w->err = w->err ?: EIO;
}

/* Every entry is a 110-byte ASCII header, the name, padding, data, padding. */
static int cpio_entry(struct cpio_writer *w, const char *name, mode_t mode,
		      unsigned int rmaj, unsigned int rmin, const void *data,
		      size_t len)
{
	size_t namesize = strlen(name) + 1;

	if (w->err)
		return -w->err;
	if (len > 0xffffffffu)
		return -(w->err = EFBIG);
	/* mtime 0 and uid/gid 0 keep archives reproducible */
	if (fprintf(w->out,
		    "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		    w->next_ino++, (unsigned int)mode, 0, 0,
		    S_ISDIR(mode) ? 2 : 1, 0, len, 0, 0, rmaj, rmin, namesize,
		    0) < 0 ||
	    fwrite(name, 1, namesize, w->out) != namesize) {
		w->err = EIO;
		return -EIO;
	}
	cpio_pad(w);
	if (len && fwrite(data, 1, len, w->out) != len)
		w->err = w->err ?: EIO;
	cpio_pad(w);
	return -w->err;
}

int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm)
{
	return cpio_entry(w, name, S_IFDIR | (perm & 07777), 0, 0, NULL, 0);
}

int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
		  const void *data, size_t len)
{
	return cpio_entry(w, name, S_IFREG | (perm & 07777), 0, 0, data, len);
}

int cpio_add_symlink(struct cpio_writer *w, const char *name,
		     const char *target)
{
	return cpio_entry(w, name, S_IFLNK | 0777, 0, 0, target,
			  strlen(target));
}

int cpio_add_chardev(struct cpio_writer *w, const char *name, mode_t perm,
		     unsigned int major, unsigned int minor)
{
	return cpio_entry(w, name, S_IFCHR | (perm & 07777), major, minor, NULL,
			  0);
}

int cpio_add_host_file(struct cpio_writer *w, const char *name, mode_t perm,
		       const char *path, struct errbuf *eb)
{
	void *buf;
	size_t len;
	int ret;

	/* nothing that belongs in an initramfs comes near 1 GiB */
	ret = file_read_all(path, 1u << 30, &buf, &len, eb);
	if (ret)
		return ret;
	ret = cpio_add_file(w, name, perm, buf, len);
	if (ret)
		errbuf_errno(eb, -ret, "writing %s into the archive", name);
	free(buf);
	return ret;
}

int cpio_finish(struct cpio_writer *w)
{
	cpio_entry(w, "TRAILER!!!", 0, 0, 0, NULL, 0);
	if (!w->err && fflush(w->out))
		w->err = errno;
	return -w->err;
}
