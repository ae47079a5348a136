// SPDX-License-Identifier: GPL-2.0
/* The lab VM's pure logic: modules.dep order, accelerator names. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab.h"
#include "unit.h"

static char tmpdir[] = "/tmp/isolens-unit.XXXXXX";

static void write_text(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void remove_tmpdir(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/modules.dep", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/modules.builtin", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static unsigned int pos(const struct lab_modules *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->name[i], name))
			return i;
	return 99;
}

static void test_modules_order(void)
{
	struct lab_modules m;
	struct errbuf eb = {};
	const char *want[] = { "9p", "9pnet_virtio", "virtio_mmio" };

	write_text(
		"modules.dep",
		"kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko\n"
		"kernel/net/9p/9pnet.ko:\n"
		"kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko\n"
		"kernel/fs/netfs/netfs.ko:\n"
		"kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko\n");
	write_text("modules.builtin", "kernel/drivers/virtio/virtio_mmio.ko\n");
	CHECK_EQ(lab_modules_resolve(tmpdir, want, 3, &m, &eb), 0);
	CHECK_EQ(m.nr, 5);
	/* each once, builtins skipped, every dependency before its user */
	CHECK(pos(&m, "netfs") < pos(&m, "fscache"));
	CHECK(pos(&m, "fscache") < pos(&m, "9p"));
	CHECK(pos(&m, "9pnet") < pos(&m, "9p"));
	CHECK(pos(&m, "9pnet") < pos(&m, "9pnet_virtio"));
	CHECK(pos(&m, "9p") < 5);
	CHECK(strstr(m.path[pos(&m, "9p")], "/kernel/fs/9p/9p.ko") != NULL);
}

static void test_modules_missing_and_compressed(void)
{
	struct lab_modules m;
	struct errbuf eb = {};
	const char *missing[] = { "nosuch" };
	const char *xz[] = { "zz" };

	write_text("modules.dep", "kernel/zz.ko.xz:\n");
	write_text("modules.builtin", "");
	CHECK_EQ(lab_modules_resolve(tmpdir, missing, 1, &m, &eb), -ENOENT);
	CHECK(strstr(eb.msg, "nosuch") != NULL);
	CHECK_EQ(lab_modules_resolve(tmpdir, xz, 1, &m, &eb), -ENOTSUP);
	CHECK(strstr(eb.msg, "compressed") != NULL);
}

static void test_accel_parse(void)
{
	enum lab_accel a;

	CHECK_EQ(lab_accel_parse("tcg", &a), 0);
	CHECK_EQ(a, LAB_ACCEL_TCG);
	CHECK_EQ(lab_accel_parse("kvm", &a), 0);
	CHECK_EQ(a, LAB_ACCEL_KVM);
	CHECK_EQ(lab_accel_parse("KVM", &a), -EINVAL);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	RUN(test_modules_order);
	RUN(test_modules_missing_and_compressed);
	RUN(test_accel_parse);
	remove_tmpdir();
	UNIT_DONE();
}
