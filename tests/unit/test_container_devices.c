// SPDX-License-Identifier: GPL-2.0
/*
 * The container's default device policy: runc's allow-list without its
 * blanket mknod rules, in the layout ebpf/devices.h defines.
 */
#include <stdio.h>

#include "base/util.h"
#include "container/container.h"
#include "container/ctr.h"
#include "unit.h"

static const struct devices_rule *
find_rule(unsigned int type, unsigned int major, unsigned int minor)
{
	size_t i;

	for (i = 0; i < ctr_devices_default_count; i++) {
		const struct devices_rule *r = &ctr_devices_default_rules[i];

		if (r->type == type && r->major == major && r->minor == minor)
			return r;
	}
	return NULL;
}

static void test_default_rules(void)
{
	static const unsigned int chars[][2] = {
		{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 },
		{ 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 },
	};
	const struct devices_rule *r;
	unsigned int maj;
	size_t i;

	/* room for the end marker in the program's map */
	CHECK(ctr_devices_default_count < DEVICES_RULES_MAX);
	for (i = 0; i < ARRAY_SIZE(chars); i++) {
		r = find_rule(DEVICES_DEV_CHAR, chars[i][0], chars[i][1]);
		CHECK(r && r->allow && r->access == DEVICES_ACC_ALL);
	}
	for (maj = 136; maj <= 143; maj++) {
		r = find_rule(DEVICES_DEV_CHAR, maj, DEVICES_WILDCARD);
		CHECK(r && r->allow && r->access == DEVICES_ACC_ALL);
	}
	CHECK_EQ(ctr_devices_default_count, 16);
	/* runc's blanket mknod rules are gone: no rule names any major */
	for (i = 0; i < ctr_devices_default_count; i++) {
		CHECK(ctr_devices_default_rules[i].major != DEVICES_WILDCARD);
		CHECK(ctr_devices_default_rules[i].type == DEVICES_DEV_CHAR);
	}
	CHECK(!find_rule(DEVICES_DEV_BLOCK, 1, 0)); /* /dev/ram0 */
	CHECK(!find_rule(DEVICES_DEV_CHAR, 1, 1)); /* /dev/mem */
}
int main(void)
{
	RUN(test_default_rules);
	UNIT_DONE();
}
