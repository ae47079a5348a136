// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <linux/fs.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cache.h"
#include "vmm/rootfs.h"

#define ROOTFS_FORMAT "isolens-rootfs-1" /* bump when the image changes */
#define ROOTFS_MARGIN (64ULL << 20)
#define ROOTFS_ROUND (16ULL << 20)
#define ROOTFS_SPARE_INODES 4096

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* What the hash covers for one entry, in a fixed layout. */
struct entry_meta {
	uint32_t type; /* S_IFMT bits */
	uint32_t mode; /* permission bits, set-id and sticky */
	uint32_t uid, gid;
	uint64_t size;
	int64_t mtime_s;
	int64_t mtime_ns;
	uint64_t rdev;
};

static int hash_entry(EVP_MD_CTX *md, FTSENT *e, size_t root_len,
		      struct vmm_rootfs_sum *sum, struct errbuf *eb)
{
	const struct stat *st = e->fts_statp;
	struct entry_meta m = {
		.type = st->st_mode & S_IFMT,
		.mode = st->st_mode & 07777,
		.uid = st->st_uid,
		.gid = st->st_gid,
		.size = st->st_size,
		.mtime_s = st->st_mtim.tv_sec,
		.mtime_ns = st->st_mtim.tv_nsec,
		.rdev = st->st_rdev,
	};
	const char *rel = e->fts_path + root_len;
	char target[PATH_MAX];
	ssize_t n = 0;

	if (S_ISLNK(st->st_mode)) {
		n = readlink(e->fts_accpath, target, sizeof(target) - 1);
		if (n < 0)
			return errbuf_errno(eb, errno, "readlink %s",
					    e->fts_path);
	}
	target[n] = '\0';
	EVP_DigestUpdate(md, rel, strlen(rel) + 1);
	EVP_DigestUpdate(md, &m, sizeof(m));
	EVP_DigestUpdate(md, target, n + 1);
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
		sum->bytes += round_up(st->st_size, 4096);
	sum->entries++;
	return 0;
}

int vmm_rootfs_hash(const char *dir, struct vmm_rootfs_sum *sum,
		    struct errbuf *eb)
{
	char real[PATH_MAX], *const paths[] = { real, NULL };
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int i, dlen = 0;
	EVP_MD_CTX *md;
	FTSENT *e;
	FTS *fts;
	int err = 0;

	memset(sum, 0, sizeof(*sum));
	/* "DIR", "DIR/" and "./DIR" are one tree, one cache entry */
	if (!realpath(dir, real))
		return errbuf_errno(eb, errno, "cannot read %s", dir);
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return errbuf_set(eb, ENOMEM, "SHA-256 unavailable");
	}
	EVP_DigestUpdate(md, ROOTFS_FORMAT, sizeof(ROOTFS_FORMAT));
	fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, by_name);
	if (!fts) {
		err = errbuf_errno(eb, errno, "cannot read %s", dir);
		goto out;
	}
	while (!err && (e = fts_read(fts))) {
		switch (e->fts_info) {
		case FTS_DP:
			break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			err = errbuf_errno(eb, e->fts_errno, "cannot read %s",
					   e->fts_path);
			break;
		default:
			if (!e->fts_level && !S_ISDIR(e->fts_statp->st_mode)) {
				err = errbuf_set(eb, ENOTDIR,
						 "%s is not a directory", dir);
				break;
			}
			err = hash_entry(md, e, strlen(real), sum, eb);
			break;
		}
	}
	if (!err && errno && !e)
		err = errbuf_errno(eb, errno, "cannot read %s", dir);
	fts_close(fts);
	if (!err && !EVP_DigestFinal_ex(md, digest, &dlen))
		err = errbuf_set(eb, EIO, "SHA-256 failed");
	for (i = 0; !err && i < dlen && i < 32; i++)
		snprintf(sum->hex + 2 * i, 3, "%02x", digest[i]);
out:
	EVP_MD_CTX_free(md);
	return err;
}

/* Run mke2fs; its first line of complaint goes into eb. */
static int run_mke2fs(char *const argv[], struct errbuf *eb)
{
	static const char *const where[] = { "/usr/sbin/mke2fs",
					     "/sbin/mke2fs" };
	char msg[256];
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return errbuf_errno(eb, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return errbuf_errno(eb, errno, "fork");
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		unsigned int i;

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		dup2(pfd[1], STDERR_FILENO);
		for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
			execv(where[i], argv);
		execvp("mke2fs", argv);
		dprintf(STDERR_FILENO,
			"mke2fs not found (install e2fsprogs)\n");
		_exit(127);
	}
	close(pfd[1]);
	while (got < sizeof(msg) - 1 &&
	       (n = read(pfd[0], msg + got, sizeof(msg) - 1 - got)) > 0)
		got += n;
	close(pfd[0]); /* the rest, if any, is dropped */
	msg[got] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errbuf_errno(eb, errno, "waitpid mke2fs");
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return errbuf_set(eb, ENOENT, "%s", msg);
	return errbuf_set(eb, EIO, "mke2fs failed (%s%d)%s%s",
			  WIFEXITED(status) ? "status " : "signal ",
			  WIFEXITED(status) ? WEXITSTATUS(status) :
					      WTERMSIG(status),
			  *msg ? ": " : "", msg);
}

int vmm_rootfs_image(const char *dir, char *path, size_t len, struct errbuf *eb)
{
	char tmp[PATH_MAX + 32], inodes[32], size[32];
	struct vmm_rootfs_sum sum;
	uint64_t bytes;
	int err;

	err = vmm_rootfs_hash(dir, &sum, eb);
	if (err)
		return err;
	if ((size_t)snprintf(path, len, "%s/vm-rootfs-%s.ext4", cache_dir(),
			     sum.hex) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "cache path too long");
	if (!access(path, R_OK))
		return 0;
	err = cache_mkdir(eb);
	if (err)
		return err;
	bytes = round_up(sum.bytes + sum.bytes / 2 + ROOTFS_MARGIN,
			 ROOTFS_ROUND);
	snprintf(size, sizeof(size), "%lluk", (unsigned long long)bytes >> 10);
	snprintf(inodes, sizeof(inodes), "%llu",
		 (unsigned long long)sum.entries + ROOTFS_SPARE_INODES);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	{
		char *const argv[] = {
			"mke2fs",    "-q",   "-F",
			"-t",	     "ext4", "-d",
			(char *)dir, "-L",   "isolens-root",
			"-m",	     "0",    "-N",
			inodes,	     "-E",   "root_owner=0:0",
			tmp,	     size,   NULL,
		};

		unlink(tmp);
		err = run_mke2fs(argv, eb);
	}
	if (!err && rename(tmp, path))
		err = errbuf_errno(eb, errno, "cannot create %s", path);
	if (err)
		unlink(tmp);
	return err;
}

/* Copy [off, off + n) with copy_file_range, else read and write. */
static int copy_range(int in, int out, off_t off, off_t n)
{
	static char buf[1 << 16];
	loff_t i = off, o = off;
	ssize_t r;

	while (n > 0) {
		r = copy_file_range(in, &i, out, &o, n, 0);
		if (r < 0 && (errno == EXDEV || errno == ENOSYS ||
			      errno == EINVAL || errno == EOPNOTSUPP))
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -EIO; /* the source shrank */
		n -= r;
	}
	while (n > 0) {
		r = pread(in, buf,
			  n < (off_t)sizeof(buf) ? (size_t)n : sizeof(buf), i);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -EIO;
		if (pwrite(out, buf, r, o) != r)
			return errno ? -errno : -EIO;
		i += r;
		o += r;
		n -= r;
	}
	return 0;
}

/* Only the data extents: the holes of the sparse image stay holes. */
static int copy_sparse(int in, int out, off_t size)
{
	off_t data, hole, off = 0;
	int err;

	if (ftruncate(out, size))
		return -errno;
	while (off < size) {
		data = lseek(in, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			return 0; /* a hole up to the end */
		if (data < 0) /* no SEEK_DATA: it is all data */
			return copy_range(in, out, off, size - off);
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		err = copy_range(in, out, data, hole - data);
		if (err)
			return err;
		off = hole;
	}
	return 0;
}

static int open_unnamed(struct errbuf *eb)
{
	char tmp[PATH_MAX];
	int fd, err;

	err = cache_mkdir(eb);
	if (err)
		return err;
	fd = open(cache_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(tmp, sizeof(tmp), "%s/vm-disk.XXXXXX", cache_dir());
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return errbuf_errno(eb, errno, "cannot create %s", tmp);
	unlink(tmp);
	return fd;
}

int vmm_rootfs_private(const char *image, int *fd, struct errbuf *eb)
{
	struct stat st;
	int in, out, err;

	*fd = -1;
	in = open(image, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errbuf_errno(eb, errno, "cannot open %s", image);
	if (fstat(in, &st)) {
		err = errbuf_errno(eb, errno, "%s", image);
		goto out_in;
	}
	out = open_unnamed(eb);
	if (out < 0) {
		err = out;
		goto out_in;
	}
	if (ioctl(out, FICLONE, in)) {
		err = copy_sparse(in, out, st.st_size);
		if (err) {
			errbuf_errno(eb, -err, "cannot copy %s", image);
			close(out);
			goto out_in;
		}
	}
	*fd = out;
	err = 0;
out_in:
	close(in);
	return err;
}
