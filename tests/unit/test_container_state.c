// SPDX-License-Identifier: GPL-2.0
/* The container state file: format and parse round trip. */
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "unit.h"

static void fill(struct container_state *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	strcpy(st->name, "web-1");
	st->pid = 4242;
	st->pid_start = 123456789;
	st->runtime_pid = 4241;
	st->created_ns = 1795751643774215227ULL;
	strcpy(st->rootfs, "/var/cache/isolens/rootfs \"quoted\" \\ back\ttab");
	strcpy(st->cgroup, "/sys/fs/cgroup/isolens/web-1");
	strcpy(st->hostname, "box");
	strcpy(st->net, "veth");
	strcpy(st->veth_host, "isl3");
	strcpy(st->ip, "10.201.0.14");
	st->userns = true;
	st->ns_new = 0x7e020080;
	for (i = 0; i < container_ns_count; i++)
		st->ns_ino[i] = 4026531837ULL + i;
}

static void test_round_trip(void)
{
	struct container_state a, b;
	char buf[16384];
	size_t i;

	fill(&a);
	CHECK(state_format(&a, buf, sizeof(buf)) > 0);
	CHECK_EQ(state_parse(buf, &b), 0);
	CHECK_STR(b.name, a.name);
	CHECK_EQ(b.pid, a.pid);
	CHECK_EQ(b.pid_start, a.pid_start);
	CHECK_EQ(b.runtime_pid, a.runtime_pid);
	CHECK(b.created_ns == a.created_ns);
	CHECK_STR(b.rootfs, a.rootfs);
	CHECK_STR(b.cgroup, a.cgroup);
	CHECK_STR(b.hostname, a.hostname);
	CHECK_STR(b.net, a.net);
	CHECK_STR(b.veth_host, a.veth_host);
	CHECK_STR(b.ip, a.ip);
	CHECK_EQ(b.userns, 1);
	CHECK_EQ(b.ns_new, a.ns_new);
	for (i = 0; i < container_ns_count; i++)
		CHECK(b.ns_ino[i] == a.ns_ino[i]);
}

static void test_format_is_json_shaped(void)
{
	struct container_state a;
	char buf[16384];

	fill(&a);
	state_format(&a, buf, sizeof(buf));
	CHECK(buf[0] == '{');
	CHECK(strstr(buf, "\"ns_pid\": 4026531842") != NULL);
	CHECK(strstr(buf, "\\\"quoted\\\"") != NULL);
	CHECK(strstr(buf, "\\u0009") != NULL);
	CHECK(strstr(buf, ",\n}") == NULL); /* no trailing comma */
}

static void test_too_small(void)
{
	struct container_state a;
	char buf[64];

	fill(&a);
	CHECK(state_format(&a, buf, sizeof(buf)) < 0);
}

static void test_malformed(void)
{
	struct container_state b;

	CHECK(state_parse("", &b) < 0);
	CHECK(state_parse("[]", &b) < 0);
	CHECK(state_parse("{\"pid\": 3}", &b) < 0); /* no name */
	CHECK(state_parse("{\"name\": \"x\", \"pid\": }", &b) < 0);
	CHECK(state_parse("{\"name\": \"x\" \"pid\": 3}", &b) < 0);
	CHECK(state_parse("{\"name\": \"unterminated}", &b) < 0);
	CHECK_EQ(state_parse("{\"name\": \"x\", \"extra\": 5}", &b), 0);
	CHECK_STR(b.name, "x");
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_format_is_json_shaped);
	RUN(test_too_small);
	RUN(test_malformed);
	UNIT_DONE();
}
