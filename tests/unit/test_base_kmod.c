// SPDX-License-Identifier: GPL-2.0
/* base/kmod: modules.dep order, builtins, and .modinfo without depmod. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kmod.h"
#include "unit.h"

static char tmpdir[] = "/tmp/isolens-unit.XXXXXX";

static void write_data(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
}

static void write_text(const char *name, const char *text)
{
	write_data(name, text, strlen(text));
}

static void remove_file(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

/* A minimal ELF64 "module": a section table with .shstrtab and .modinfo. */
static void write_module(const char *name, const char *depends)
{
	static const char shstr[] = "\0.shstrtab\0.modinfo";
	struct {
		Elf64_Ehdr eh;
		Elf64_Shdr sh[3];
		char strs[sizeof(shstr)];
		char info[128];
	} m;
	int n;

	memset(&m, 0, sizeof(m));
	memcpy(m.eh.e_ident, ELFMAG, SELFMAG);
	m.eh.e_ident[EI_CLASS] = ELFCLASS64;
	m.eh.e_shoff = offsetof(typeof(m), sh);
	m.eh.e_shentsize = sizeof(Elf64_Shdr);
	m.eh.e_shnum = 3;
	m.eh.e_shstrndx = 1;
	memcpy(m.strs, shstr, sizeof(shstr));
	m.sh[1].sh_name = 1;
	m.sh[1].sh_offset = offsetof(typeof(m), strs);
	m.sh[1].sh_size = sizeof(shstr);
	n = snprintf(m.info, sizeof(m.info), "license=GPL%cdepends=%s%cname=x",
		     0, depends, 0);
	m.sh[2].sh_name = 11;
	m.sh[2].sh_offset = offsetof(typeof(m), info);
	m.sh[2].sh_size = n + 1;
	write_data(name, &m, sizeof(m));
}

static unsigned int pos(const struct kmod_list *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->name[i], name))
			return i;
	return 99;
}

static void test_modules_order(void)
{
	struct kmod_list m;
	struct errbuf eb = {};
	const char *want[] = { "9p", "9pnet-virtio", "virtio_mmio" };

	write_text(
		"modules.dep",
		"kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko\n"
		"kernel/net/9p/9pnet.ko:\n"
		"kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko\n"
		"kernel/fs/netfs/netfs.ko:\n"
		"kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko\n");
	write_text("modules.builtin", "kernel/drivers/virtio/virtio_mmio.ko\n");
	CHECK_EQ(kmod_resolve(tmpdir, want, 3, &m, &eb), 0);
	CHECK_EQ(m.nr, 5);
	/* each once, builtins skipped, every dependency before its user */
	CHECK(pos(&m, "netfs") < pos(&m, "fscache"));
	CHECK(pos(&m, "fscache") < pos(&m, "9p"));
	CHECK(pos(&m, "9pnet") < pos(&m, "9p"));
	CHECK(pos(&m, "9pnet") < pos(&m, "9pnet_virtio"));
	CHECK(pos(&m, "9p") < 5);
	CHECK(strstr(m.path[pos(&m, "9p")], "/kernel/fs/9p/9p.ko") != NULL);
}

/* The VMM's disk set on a Debian-like modules.dep. */
static void test_modules_disk_set(void)
{
	struct kmod_list m;
	struct errbuf eb = {};
	const char *want[] = { "virtio_mmio", "virtio_blk", "crc32c_generic",
			       "ext4" };

	write_text(
		"modules.dep",
		"kernel/fs/mbcache.ko:\n"
		"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
		"kernel/fs/jbd2/jbd2.ko:\n"
		"kernel/crypto/crc32c_generic.ko:\n"
		"kernel/lib/crc16.ko:\n"
		"kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
		"kernel/drivers/virtio/virtio_ring.ko:\n"
		"kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
		"kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n");
	write_text("modules.builtin", "");
	CHECK_EQ(kmod_resolve(tmpdir, want, 4, &m, &eb), 0);
	CHECK_EQ(m.nr, 9);
	CHECK(pos(&m, "virtio_ring") < pos(&m, "virtio"));
	CHECK(pos(&m, "virtio") < pos(&m, "virtio_mmio"));
	CHECK(pos(&m, "virtio_mmio") < pos(&m, "virtio_blk"));
	CHECK(pos(&m, "jbd2") < pos(&m, "ext4"));
	CHECK(pos(&m, "crc32c_generic") < pos(&m, "ext4"));
	CHECK_EQ(pos(&m, "ext4"), 8);
}

/* dpkg -x of a kernel package: no modules.dep, deps in each .modinfo. */
static void test_modules_without_depmod(void)
{
	struct kmod_list m;
	struct errbuf eb = {};
	const char *want[] = { "virtio_blk", "ext4" };
	char dir[600];

	remove_file("modules.dep");
	snprintf(dir, sizeof(dir), "%s/k", tmpdir);
	mkdir(dir, 0755);
	write_text("modules.order", "k/virtio_ring.ko\nk/virtio.ko\n"
				    "k/virtio_blk.ko\nk/unused.ko\n");
	write_text("modules.builtin", "kernel/fs/ext4/ext4.ko\n"
				      "kernel/lib/crc16.ko\n");
	write_module("k/virtio_ring.ko", "");
	write_module("k/virtio.ko", "virtio_ring");
	/* a builtin named as a dependency is fine */
	write_module("k/virtio_blk.ko", "virtio,crc16,virtio_ring");
	CHECK_EQ(kmod_resolve(tmpdir, want, 2, &m, &eb), 0);
	CHECK_EQ(m.nr, 3);
	CHECK_EQ(pos(&m, "virtio_ring"), 0);
	CHECK_EQ(pos(&m, "virtio"), 1);
	CHECK_EQ(pos(&m, "virtio_blk"), 2);
	CHECK(strstr(m.path[2], "/k/virtio_blk.ko") != NULL);

	/* a corrupt module is refused, not read past its end */
	write_data("k/virtio.ko", "\177ELF", 4);
	CHECK_EQ(kmod_resolve(tmpdir, want, 2, &m, &eb), -ENOEXEC);
	CHECK(strstr(eb.msg, "virtio.ko") != NULL);

	remove_file("k/virtio_ring.ko");
	remove_file("k/virtio.ko");
	remove_file("k/virtio_blk.ko");
	rmdir(dir);
	remove_file("modules.order");
	CHECK_EQ(kmod_resolve(tmpdir, want, 2, &m, &eb), -ENOENT);
	CHECK(strstr(eb.msg, "modules.order") != NULL);
}

static void test_modules_missing_and_compressed(void)
{
	struct kmod_list m;
	struct errbuf eb = {};
	const char *missing[] = { "nosuch" };
	const char *xz[] = { "zz" };

	write_text("modules.dep", "kernel/zz.ko.xz:\n");
	write_text("modules.builtin", "");
	CHECK_EQ(kmod_resolve(tmpdir, missing, 1, &m, &eb), -ENOENT);
	CHECK(strstr(eb.msg, "nosuch") != NULL);
	CHECK_EQ(kmod_resolve(tmpdir, xz, 1, &m, &eb), -ENOTSUP);
	CHECK(strstr(eb.msg, "compressed") != NULL);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	RUN(test_modules_order);
	RUN(test_modules_disk_set);
	RUN(test_modules_without_depmod);
	RUN(test_modules_missing_and_compressed);
	remove_file("modules.dep");
	remove_file("modules.builtin");
	rmdir(tmpdir);
	UNIT_DONE();
}
