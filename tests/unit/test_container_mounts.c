// SPDX-License-Identifier: GPL-2.0
/*
 * The container's masked paths, and the parent's early refusal of a rootfs
 * whose top-level directories are symlinks or not directories.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "container/container.h"
#include "container/ctr.h"
#include "unit.h"

static void test_masked_paths(void)
{
	const char *const *p;
	int isolens = 0, kcore = 0;

	for (p = ctr_mounts_masked_paths; *p; p++) {
		isolens += !strcmp(*p, "/proc/isolens");
		kcore += !strcmp(*p, "/proc/kcore");
	}
	CHECK_EQ(isolens, 1);
	CHECK_EQ(kcore, 1);
}

/* A scratch rootfs with NAME replaced by a symlink (or a file). */
static void hostile(const char *name, bool as_file, int want)
{
	char dir[] = "/tmp/isolens-unit-XXXXXX", path[128];
	struct errbuf eb = { 0 };
	int err;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (as_file)
		CHECK(fclose(fopen(path, "w")) == 0);
	else
		CHECK(symlink("/etc", path) == 0);
	err = ctr_mounts_check_rootfs(dir, &eb);
	CHECK_EQ(err, -want);
	CHECK(strstr(eb.msg, name) != NULL);
	CHECK(strchr(eb.msg, '\n') == NULL);
	unlink(path);
	/* absent is fine: the child creates what it mounts on */
	CHECK_EQ(ctr_mounts_check_rootfs(dir, &eb), 0);
	CHECK(mkdir(path, 0755) == 0);
	CHECK_EQ(ctr_mounts_check_rootfs(dir, &eb), 0);
	rmdir(path);
	rmdir(dir);
}

static void test_hostile_rootfs(void)
{
	static const char *const names[] = { "proc", "dev", "sys", "etc",
					     "tmp" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		hostile(names[i], false, ELOOP);
		hostile(names[i], true, ENOTDIR);
	}
}
int main(void)
{
	RUN(test_masked_paths);
	RUN(test_hostile_rootfs);
	UNIT_DONE();
}
