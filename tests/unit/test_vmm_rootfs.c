// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/rootfs: the tree hash follows the metadata (mode, size, mtime,
 * owner, link targets, names) and nothing else; the image is cached by it;
 * a private copy is the image's bytes and writing it leaves the image be.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/rootfs.h"
#include "unit.h"

static char tmpdir[] = "/tmp/isolens-unit.XXXXXX";
static char tree[600], file[700];

static void sh(const char *fmt, const char *arg)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg);
	if (system(cmd))
		printf("# command failed: %s\n", cmd);
}

static void hash(char out[65])
{
	struct vmm_rootfs_sum s;
	struct errbuf eb = {};

	CHECK_EQ(vmm_rootfs_hash(tree, &s, &eb), 0);
	memcpy(out, s.hex, 65);
}

static void set_mtime(const char *path, long sec, long nsec)
{
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };

	CHECK_EQ(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_hash_follows_metadata(void)
{
	char a[65], b[65];
	int fd;

	hash(a);
	CHECK_EQ(strlen(a), 64);
	hash(b);
	CHECK_STR(b, a);

	/* same size and mtime, other bytes: metadata only, same hash */
	fd = open(file, O_WRONLY);
	CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5);
	close(fd);
	set_mtime(file, 1000000000, 5);
	hash(b);
	CHECK_STR(b, a);

	chmod(file, 0600);
	hash(b);
	CHECK(strcmp(b, a) != 0);
	chmod(file, 0644);
	hash(b);
	CHECK_STR(b, a);

	set_mtime(file, 1000000000, 6); /* nanoseconds count */
	hash(b);
	CHECK(strcmp(b, a) != 0);
	set_mtime(file, 1000000000, 5);

	CHECK_EQ(truncate(file, 7), 0); /* "hello\n" was 6 bytes */
	set_mtime(file, 1000000000, 5);
	hash(b);
	CHECK(strcmp(b, a) != 0);
	CHECK_EQ(truncate(file, 6), 0);
	set_mtime(file, 1000000000, 5);
	hash(b);
	CHECK_STR(b, a);
}

static void test_hash_names_and_links(void)
{
	char a[65], b[65], link[700], dir[700];

	snprintf(link, sizeof(link), "%s/etc/l", tree);
	snprintf(dir, sizeof(dir), "%s/etc", tree);
	hash(a);
	CHECK_EQ(symlink("one", link), 0);
	set_mtime(link, 1, 0);
	set_mtime(dir, 2, 0);
	hash(b);
	CHECK(strcmp(b, a) != 0);
	memcpy(a, b, sizeof(a));

	/* another target of the same length */
	unlink(link);
	CHECK_EQ(symlink("two", link), 0);
	set_mtime(link, 1, 0);
	set_mtime(dir, 2, 0);
	hash(b);
	CHECK(strcmp(b, a) != 0);
}

static void test_hash_errors(void)
{
	struct vmm_rootfs_sum s;
	struct errbuf eb = {};
	char missing[700];

	snprintf(missing, sizeof(missing), "%s/nosuch", tmpdir);
	CHECK_EQ(vmm_rootfs_hash(missing, &s, &eb), -ENOENT);
	CHECK(strstr(eb.msg, "nosuch") != NULL);
	CHECK_EQ(vmm_rootfs_hash(file, &s, &eb), -ENOTDIR);
}

static void test_image_cache_and_private(void)
{
	char path[1024], again[1024];
	struct errbuf eb = {};
	struct stat st, img;
	char buf[8];
	int fd, err;

	if (access("/usr/sbin/mke2fs", X_OK) && access("/sbin/mke2fs", X_OK)) {
		printf("# skip: no mke2fs (e2fsprogs)\n");
		return;
	}
	err = vmm_rootfs_image(tree, path, sizeof(path), &eb);
	CHECK_EQ(err, 0);
	if (err) {
		printf("# %s\n", eb.msg);
		return;
	}
	CHECK(strstr(path, "/vm-rootfs-") != NULL);
	CHECK_EQ(stat(path, &img), 0);
	CHECK(img.st_size >= (64 << 20));
	CHECK_EQ(img.st_size % (16 << 20), 0);
	CHECK_EQ(vmm_rootfs_image(tree, again, sizeof(again), &eb), 0);
	CHECK_STR(again, path);

	CHECK_EQ(vmm_rootfs_private(path, &fd, &eb), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, img.st_size);
	CHECK_EQ(st.st_nlink, 0); /* nobody else can open it */
	/* the ext4 magic is there, and a write stays private */
	CHECK_EQ(pread(fd, buf, 2, 1024 + 0x38), 2);
	CHECK(buf[0] == 0x53 && (unsigned char)buf[1] == 0xef);
	CHECK_EQ(pwrite(fd, "xx", 2, 1024 + 0x38), 2);
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK_EQ(pread(fd, buf, 2, 1024 + 0x38), 2);
	CHECK(buf[0] == 0x53 && (unsigned char)buf[1] == 0xef);
	close(fd);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	setenv("ISOLENS_CACHE_DIR", tmpdir, 1);
	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	snprintf(file, sizeof(file), "%s/etc/f", tree);
	sh("mkdir -p %s/etc %s/bin && echo hello > %s/etc/f", tree);
	chmod(file, 0644);
	set_mtime(file, 1000000000, 5);
	RUN(test_hash_follows_metadata);
	RUN(test_hash_names_and_links);
	RUN(test_hash_errors);
	RUN(test_image_cache_and_private);
	sh("rm -rf %s", tmpdir);
	UNIT_DONE();
}
