// SPDX-License-Identifier: GPL-2.0
/* Command-line value parsers: whole strings or errors, never a guess. */
#include <errno.h>

#include "base/errbuf.h"
#include "base/parse.h"
#include "unit.h"

static void test_size(void)
{
	uint64_t v;

	CHECK_EQ(parse_size("512", &v), 0);
	CHECK_EQ(v, 512);
	CHECK_EQ(parse_size("64K", &v), 0);
	CHECK_EQ(v, 64 << 10);
	CHECK_EQ(parse_size("256m", &v), 0);
	CHECK_EQ(v, 256 << 20);
	CHECK_EQ(parse_size("2G", &v), 0);
	CHECK_EQ(v, 2ULL << 30);
	CHECK_EQ(parse_size("2GiB", &v), 0);
	CHECK_EQ(parse_size("32MB", &v), 0);
	CHECK_EQ(v, 32 << 20);
	CHECK(parse_size("", &v) < 0);
	CHECK(parse_size("-1M", &v) < 0);
	CHECK(parse_size("12Q", &v) < 0);
	CHECK(parse_size("1.5G", &v) < 0);
	CHECK(parse_size("M", &v) < 0);
	CHECK(parse_size("99999999999999T", &v) < 0);
}

static void test_uint(void)
{
	uint64_t v;

	CHECK_EQ(parse_uint("4", 1, 64, &v), 0);
	CHECK_EQ(v, 4);
	CHECK(parse_uint("0", 1, 64, &v) < 0);
	CHECK(parse_uint("65", 1, 64, &v) < 0);
	CHECK(parse_uint("4x", 1, 64, &v) < 0);
	CHECK(parse_uint(" 4", 1, 64, &v) < 0);
}

static void test_duration(void)
{
	uint64_t ms;

	CHECK_EQ(parse_duration_ms("30", &ms), 0);
	CHECK_EQ(ms, 30000);
	CHECK_EQ(parse_duration_ms("1.5s", &ms), 0);
	CHECK_EQ(ms, 1500);
	CHECK_EQ(parse_duration_ms("250ms", &ms), 0);
	CHECK_EQ(ms, 250);
	CHECK_EQ(parse_duration_ms("2m", &ms), 0);
	CHECK_EQ(ms, 120000);
	CHECK(parse_duration_ms("soon", &ms) < 0);
	CHECK(parse_duration_ms("5 s", &ms) < 0);
	CHECK(parse_duration_ms("-3", &ms) < 0);
}

static void test_errbuf(void)
{
	struct errbuf eb = {};

	CHECK_EQ(errbuf_set(&eb, ENOENT, "no %s", "kernel"), -ENOENT);
	CHECK_STR(eb.msg, "no kernel");
	CHECK_EQ(eb.err, ENOENT);
	CHECK_EQ(errbuf_errno(&eb, -EACCES, "open %s", "x"), -EACCES);
	CHECK_STR(eb.msg, "open x: Permission denied");
	CHECK_EQ(errbuf_set(NULL, EIO, "ignored"), -EIO);
}

int main(void)
{
	RUN(test_size);
	RUN(test_uint);
	RUN(test_duration);
	RUN(test_errbuf);
	UNIT_DONE();
}
