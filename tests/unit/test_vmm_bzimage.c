// SPDX-License-Identifier: GPL-2.0
/* bzImage header validation: a valid image built in memory, then damaged. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "vmm/bzimage.h"

#define IMG_SETUP_SECTS 4
#define IMG_KERNEL 4096
#define IMG_LEN ((IMG_SETUP_SECTS + 1) * 512 + IMG_KERNEL)

static void put(uint8_t *p, size_t off, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

/* A minimal but well-formed protocol 2.15 header, version "6.9.9-test #1". */
static uint8_t *make_image(void)
{
	uint8_t *p = calloc(1, IMG_LEN);

	p[BZ_SETUP_SECTS] = IMG_SETUP_SECTS;
	put(p, BZ_SYSSIZE, IMG_KERNEL / 16, 4);
	put(p, BZ_BOOT_FLAG, 0xaa55, 2);
	memcpy(p + BZ_HEADER, "HdrS", 4);
	put(p, BZ_VERSION, 0x020f, 2);
	put(p, BZ_KERNEL_VERSION, 0x400 - 0x200, 2);
	strcpy((char *)p + 0x400, "6.9.9-test (builder@host) #1 SMP");
	p[BZ_LOADFLAGS] = 1;
	put(p, BZ_INITRD_ADDR_MAX, 0x7fffffff, 4);
	put(p, BZ_KERNEL_ALIGNMENT, 0x200000, 4);
	p[BZ_RELOCATABLE] = 1;
	put(p, BZ_XLOADFLAGS, 0x1, 2);
	put(p, BZ_CMDLINE_SIZE, 2047, 4);
	put(p, BZ_PREF_ADDRESS, 0x1000000, 8);
	put(p, BZ_INIT_SIZE, 0x800000, 4);
	return p;
}

static void test_valid(void)
{
	struct bzimage_info info;
	struct errbuf eb = { 0 };
	uint8_t *p = make_image();

	CHECK_EQ(bzimage_parse(p, IMG_LEN, &info, &eb), 0);
	CHECK_EQ(info.protocol, 0x020f);
	CHECK_EQ(info.setup_len, (IMG_SETUP_SECTS + 1) * 512);
	CHECK_EQ(info.kernel_len, IMG_KERNEL);
	CHECK_EQ(info.pref_address, 0x1000000);
	CHECK_EQ(info.init_size, 0x800000);
	CHECK_EQ(info.cmdline_size, 2047);
	CHECK_STR(info.version, "6.9.9-test (builder@host) #1 SMP");
	free(p);
}

static void test_setup_sects_zero_means_four(void)
{
	struct bzimage_info info;
	struct errbuf eb = { 0 };
	uint8_t *p = make_image();

	p[BZ_SETUP_SECTS] = 0;
	CHECK_EQ(bzimage_parse(p, IMG_LEN, &info, &eb), 0);
	CHECK_EQ(info.setup_len, 5 * 512);
	free(p);
}

/* Each corruption must be refused with a message naming the field. */
static void expect_einval(uint8_t *p, size_t len, const char *field)
{
	struct bzimage_info info;
	struct errbuf eb = { 0 };

	CHECK_EQ(bzimage_parse(p, len, &info, &eb), -EINVAL);
	if (!strstr(eb.msg, field)) {
		printf("#   message \"%s\" does not name \"%s\"\n", eb.msg,
		       field);
		unit_cur_failed = 1;
	}
}

static void test_corrupt(void)
{
	uint8_t *p;
	size_t len;

	p = make_image();
	expect_einval(p, 0x100, "too short");
	expect_einval(NULL, 0, "too short");
	put(p, BZ_BOOT_FLAG, 0x1234, 2);
	expect_einval(p, IMG_LEN, "boot_flag");
	free(p);

	p = make_image();
	memcpy(p + BZ_HEADER, "HdrX", 4);
	expect_einval(p, IMG_LEN, "HdrS");
	free(p);

	p = make_image();
	put(p, BZ_VERSION, 0x0205, 2);
	expect_einval(p, IMG_LEN, "2.05");
	free(p);

	p = make_image();
	p[BZ_SETUP_SECTS] = 200;
	expect_einval(p, IMG_LEN, "setup_sects");
	free(p);

	p = make_image();
	put(p, BZ_SYSSIZE, 0, 4);
	expect_einval(p, IMG_LEN, "syssize");
	put(p, BZ_SYSSIZE, 0xffffffff, 4);
	expect_einval(p, IMG_LEN, "syssize");
	free(p);

	p = make_image();
	put(p, BZ_XLOADFLAGS, 0, 2);
	expect_einval(p, IMG_LEN, "XLF_KERNEL_64");
	free(p);

	p = make_image();
	put(p, BZ_INIT_SIZE, 0, 4);
	expect_einval(p, IMG_LEN, "init_size");
	free(p);

	p = make_image();
	put(p, BZ_KERNEL_ALIGNMENT, 0x3000, 4);
	expect_einval(p, IMG_LEN, "kernel_alignment");
	free(p);

	/* truncated anywhere: never reads past len */
	p = make_image();
	for (len = 0; len < IMG_LEN - 16; len += 97) {
		struct bzimage_info info;
		struct errbuf eb = { 0 };
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, p, len);
		CHECK_EQ(bzimage_parse(copy, len, &info, &eb), -EINVAL);
		free(copy);
	}
	free(p);
}

/* The version string must stay inside the setup area and be printable. */
static void test_version_bounds(void)
{
	struct bzimage_info info;
	struct errbuf eb = { 0 };
	uint8_t *p = make_image();

	put(p, BZ_KERNEL_VERSION, 0xfff0, 2);
	CHECK_EQ(bzimage_parse(p, IMG_LEN, &info, &eb), 0);
	CHECK_STR(info.version, "");

	/* unterminated string ending at the setup boundary */
	put(p, BZ_KERNEL_VERSION, (IMG_SETUP_SECTS + 1) * 512 - 4 - 0x200, 2);
	memcpy(p + (IMG_SETUP_SECTS + 1) * 512 - 4, "abc\x01", 4);
	CHECK_EQ(bzimage_parse(p, IMG_LEN, &info, &eb), 0);
	CHECK_STR(info.version, "abc?");
	free(p);
}

static void test_release_file(void)
{
	char path[] = "/tmp/isolens-test-bzimage-XXXXXX", rel[64];
	struct errbuf eb = { 0 };
	uint8_t *p = make_image();
	FILE *f;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fwrite(p, 1, IMG_LEN, f);
	fclose(f);
	CHECK_EQ(bzimage_kernel_release(path, rel, sizeof(rel), &eb), 0);
	CHECK_STR(rel, "6.9.9-test");
	CHECK_EQ(bzimage_kernel_release(path, rel, 4, &eb), -ENOSPC);

	/* truncated on disk */
	CHECK_EQ(truncate(path, IMG_LEN - 1024), 0);
	CHECK_EQ(bzimage_kernel_release(path, rel, sizeof(rel), &eb), -EINVAL);
	CHECK(strstr(eb.msg, path) != NULL);
	CHECK(strstr(eb.msg, "truncated") != NULL);
	unlink(path);
	CHECK_EQ(bzimage_kernel_release(path, rel, sizeof(rel), &eb), -ENOENT);
	CHECK_EQ(bzimage_kernel_release("/etc", rel, sizeof(rel), &eb),
		 -EINVAL);
	free(p);
}

/* The installed kernels, when readable (skipped silently otherwise). */
static void test_host_kernels(void)
{
	struct dirent *de;
	DIR *d = opendir("/boot");

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[512], rel[128];
		struct errbuf eb = { 0 };
		int err;

		if (strncmp(de->d_name, "vmlinuz-", 8))
			continue;
		snprintf(path, sizeof(path), "/boot/%s", de->d_name);
		err = bzimage_kernel_release(path, rel, sizeof(rel), &eb);
		if (err == -EACCES)
			continue;
		printf("# %s: %s\n", path, err ? eb.msg : rel);
		CHECK_EQ(err, 0);
		/* Debian names the file after the release */
		if (!err)
			CHECK_STR(rel, de->d_name + 8);
	}
	closedir(d);
}

int main(void)
{
	RUN(test_valid);
	RUN(test_setup_sects_zero_means_four);
	RUN(test_corrupt);
	RUN(test_version_bounds);
	RUN(test_release_file);
	RUN(test_host_kernels);
	UNIT_DONE();
}
