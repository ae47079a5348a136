// SPDX-License-Identifier: GPL-2.0
/* User-namespace id ranges: the subuid parser and the allocator. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "container/container.h"
#include "unit.h"

#define COUNT CONTAINER_IDMAP_COUNT

/* Parse a private, exactly sized copy (no NUL), so a sanitizer sees any
 * over-read. */
static size_t parse(const char *text, long uid, struct container_idrange *r,
		    size_t max)
{
	size_t len = strlen(text), n;
	char *copy = malloc(len ? len : 1);

	memcpy(copy, text, len);
	n = container_subid_parse(copy, len, "isolens", uid, r, max);
	free(copy);
	return n;
}

static void test_parse_good(void)
{
	struct container_idrange r[8];

	CHECK_EQ(parse("alice:100000:65536\n"
		       "# the runtime's own pool\n"
		       "\n"
		       "isolens:1000000000:131072\n"
		       "bob:165536:65536\n"
		       "  isolens:2000000000:65536  \r\n"
		       "999:3000000000:65536",
		       999, r, 8),
		 3);
	CHECK(r[0].start == 1000000000u && r[0].count == 131072);
	CHECK(r[1].start == 2000000000u && r[1].count == 65536);
	CHECK(r[2].start == 3000000000u && r[2].count == 65536);
	/* the numeric form only counts when the owner's uid is known */
	CHECK_EQ(parse("999:3000000000:65536\n", -1, r, 8), 0);
	/* max bounds what is stored */
	CHECK_EQ(parse("isolens:1:1\nisolens:2:1\nisolens:3:1\n", -1, r, 2), 2);
	/* the largest range: its last id is 4294967294 */
	CHECK_EQ(parse("isolens:4294901759:65536\n", -1, r, 8), 1);
}

static void test_parse_missing_owner(void)
{
	struct container_idrange r[4];

	CHECK_EQ(parse("", -1, r, 4), 0);
	CHECK_EQ(parse("alice:100000:65536\nbob:165536:65536\n", -1, r, 4), 0);
	CHECK_EQ(parse("isolensx:100000:65536\nisolen:1:2\n", -1, r, 4), 0);
}

static void test_parse_hostile(void)
{
	static const char *const bad[] = {
		"isolens:0:65536", /* would map host root */
		"isolens:100000:0", /* empty */
		"isolens:4294967295:1", /* (uid_t)-1 */
		"isolens:4294901760:65536", /* ends past 4294967294 */
		"isolens:4294967296:1", /* not 32-bit */
		"isolens:99999999999999999999:1", /* overflow */
		"isolens:1:99999999999",
		"isolens:-1:65536",
		"isolens:+100000:65536",
		"isolens:100000:65536:extra",
		"isolens:100000",
		"isolens::65536",
		"isolens:100000:",
		"isolens: 100000:65536",
		"isolens:0x10000:65536",
		":100000:65536",
		"isolens:100000:65536x",
		"#isolens:100000:65536",
		"::::::::",
		":",
	};
	struct container_idrange r[4];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t n = parse(bad[i], -1, r, 4);

		if (n)
			printf("#   case %zu: %s\n", i, bad[i]);
		CHECK_EQ(n, 0);
	}
	/* a hostile line does not hide the good one after it */
	{
		static const char text[] =
			"isolens:0:1\nisolens\0:5:5\nisolens:7:8\n";

		CHECK_EQ(container_subid_parse(text, sizeof(text) - 1,
					       "isolens", -1, r, 4),
			 1);
	}
	CHECK(r[0].start == 7 && r[0].count == 8);
}

static void test_pick_first_free(void)
{
	const struct container_idrange pool[] = { { 1000000, 3 * COUNT } };
	struct container_idrange used[3];
	struct errbuf eb = { 0 };
	uint32_t base = 0;

	CHECK_EQ(container_idmap_pick(pool, 1, NULL, 0, "p", &base, &eb), 0);
	CHECK_EQ(base, 1000000);
	used[0] = (struct container_idrange){ 1000000, COUNT };
	CHECK_EQ(container_idmap_pick(pool, 1, used, 1, "p", &base, &eb), 0);
	CHECK_EQ(base, 1000000 + COUNT);
	/* a hole left by a container that exited is reused first */
	used[0] = (struct container_idrange){ 1000000 + COUNT, COUNT };
	CHECK_EQ(container_idmap_pick(pool, 1, used, 1, "p", &base, &eb), 0);
	CHECK_EQ(base, 1000000);
	/* a used range out of step with the grid: the next id after it */
	used[0] = (struct container_idrange){ 1000005, 10 };
	CHECK_EQ(container_idmap_pick(pool, 1, used, 1, "p", &base, &eb), 0);
	CHECK_EQ(base, 1000015);
}

static void test_pick_next_pool_range(void)
{
	const struct container_idrange pool[] = {
		{ 500000, COUNT - 1 }, /* too small to hold one */
		{ 700000, COUNT },
		{ 900000, COUNT },
	};
	const struct container_idrange used[] = { { 700000, COUNT } };
	struct errbuf eb = { 0 };
	uint32_t base = 0;

	CHECK_EQ(container_idmap_pick(pool, 3, used, 1, "p", &base, &eb), 0);
	CHECK_EQ(base, 900000);
}

static void test_pick_full(void)
{
	const struct container_idrange pool[] = { { 1000000, 2 * COUNT } };
	const struct container_idrange used[] = {
		{ 1000000 + COUNT, COUNT },
		{ 1000000, COUNT },
	};
	struct errbuf eb = { 0 };
	uint32_t base = 7;

	CHECK_EQ(container_idmap_pick(pool, 1, used, 2,
				      "the ranges of 'isolens' in /etc/subuid",
				      &base, &eb),
		 -ENOSPC);
	CHECK_EQ(base, 7);
	CHECK_EQ(eb.err, ENOSPC);
	CHECK_STR(
		eb.msg,
		"no free range of 65536 ids for a user namespace: all 131072 ids of the ranges of 'isolens' in /etc/subuid are taken by running containers");
	CHECK_EQ(container_idmap_pick(pool, 0, NULL, 0, "p", &base, &eb),
		 -ENOSPC);
}

static void test_builtin_pool(void)
{
	const uint64_t start = CONTAINER_IDMAP_FALLBACK_START;
	const uint64_t end = start + (uint64_t)CONTAINER_IDMAP_FALLBACK_RANGES *
					     CONTAINER_IDMAP_COUNT;
	struct container_idrange pool[2];
	struct errbuf eb = { 0 };
	bool builtin = false;
	size_t n = 0;

	CHECK_EQ(container_idmap_pool("/nonexistent/subuid", pool, 2, &n,
				      &builtin, &eb),
		 0);
	CHECK(builtin);
	CHECK_EQ(n, 1);
	CHECK(pool[0].start == start);
	CHECK(CONTAINER_IDMAP_FALLBACK_RANGES >= 1024);
	/* above useradd's SUB_UID_MAX default (600100000) + one count,
	 * below 2^31 (signed uid_t bugs) and (uid_t)-1 */
	CHECK(start > 600100000ull + 65536);
	CHECK(end <= 2147483648ull);
	CHECK(start % CONTAINER_IDMAP_COUNT == 0);
}

int main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_missing_owner);
	RUN(test_parse_hostile);
	RUN(test_pick_first_free);
	RUN(test_pick_next_pool_range);
	RUN(test_pick_full);
	RUN(test_builtin_pool);
	UNIT_DONE();
}
