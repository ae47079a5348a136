// SPDX-License-Identifier: GPL-2.0
/* The container state file: format and parse round trip. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/util.h"
#include "container/container.h"
#include "container/ctr.h"
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
	st->uid_base = 1879048192;
	st->gid_base = 1879113728;
	st->id_count = 65536;
	st->ns_new = 0x7e020080;
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		st->ns_ino[i] = 4026531837ULL + i;
}

static void test_round_trip(void)
{
	struct container_state a, b;
	char buf[16384];
	size_t i;

	fill(&a);
	CHECK(container_state_format(&a, buf, sizeof(buf)) > 0);
	CHECK_EQ(ctr_state_parse(buf, &b), 0);
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
	CHECK(b.uid_base == a.uid_base);
	CHECK(b.gid_base == a.gid_base);
	CHECK(b.id_count == a.id_count);
	CHECK_EQ(b.ns_new, a.ns_new);
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		CHECK(b.ns_ino[i] == a.ns_ino[i]);
}

static void test_format_is_json_shaped(void)
{
	struct container_state a;
	char buf[16384];

	fill(&a);
	container_state_format(&a, buf, sizeof(buf));
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
	CHECK(container_state_format(&a, buf, sizeof(buf)) < 0);
}

static void test_malformed(void)
{
	struct container_state b;

	CHECK(ctr_state_parse("", &b) < 0);
	CHECK(ctr_state_parse("[]", &b) < 0);
	CHECK(ctr_state_parse("{\"pid\": 3}", &b) < 0); /* no name */
	CHECK(ctr_state_parse("{\"name\": \"x\", \"pid\": }", &b) < 0);
	CHECK(ctr_state_parse("{\"name\": \"x\" \"pid\": 3}", &b) < 0);
	CHECK(ctr_state_parse("{\"name\": \"unterminated}", &b) < 0);
	CHECK_EQ(ctr_state_parse("{\"name\": \"x\", \"pid\": 0, \"extra\": 5}",
				 &b),
		 0);
	CHECK_STR(b.name, "x");
}

/* Parse a private, exactly sized copy, so a sanitizer sees any over-read. */
static int parse_copy(const char *json, struct container_state *st)
{
	char *copy = strdup(json);
	int ret;

	ret = ctr_state_parse(copy, st);
	free(copy);
	return ret;
}

static void test_hostile(void)
{
	static const char *const bad[] = {
		/* truncated and short \u escapes */
		"{\"name\": \"x\\u12\", \"pid\": 1}",
		"{\"name\": \"x\\u12",
		"{\"name\": \"x\\u",
		"{\"name\": \"x\\",
		"{\"name\": \"x\\u00zz\", \"pid\": 1}",
		"{\"name\": \"x\\u+123\", \"pid\": 1}",
		"{\"name\": \"x\\u 123\", \"pid\": 1}",
		/* embedded NUL, surrogates, unknown escapes, raw controls */
		"{\"name\": \"x\", \"rootfs\": \"/a\\u0000b\", \"pid\": 1}",
		"{\"name\": \"x\", \"rootfs\": \"\\ud800\", \"pid\": 1}",
		"{\"name\": \"x\", \"rootfs\": \"\\q\", \"pid\": 1}",
		"{\"name\": \"x\", \"rootfs\": \"a\nb\", \"pid\": 1}",
		/* nesting, arrays, null, non-objects */
		"{\"name\": \"x\", \"pid\": 1, \"o\": {\"a\": 1}}",
		"{\"name\": \"x\", \"pid\": 1, \"a\": [1]}",
		"{\"name\": \"x\", \"pid\": null}",
		"[{\"name\": \"x\", \"pid\": 1}]",
		"\"x\"",
		"42",
		"{",
		"{}",
		"{\"name\": \"x\", \"pid\": 1,}",
		"{\"name\": \"x\", \"pid\": 1} trailing",
		"{\"name\": \"x\", \"pid\": 1}}",
		/* numbers: negative, huge, out of range, floats */
		"{\"name\": \"x\", \"pid\": -1}",
		"{\"name\": \"x\", \"pid\": 2147483648}",
		"{\"name\": \"x\", \"pid\": 1, \"pid_start\": 18446744073709551616}",
		"{\"name\": \"x\", \"pid\": 1, \"ns_net\": 99999999999999999999999}",
		"{\"name\": \"x\", \"pid\": 1.5}",
		"{\"name\": \"x\", \"pid\": 1e3}",
		"{\"name\": \"x\", \"pid\": +1}",
		"{\"name\": \"x\", \"pid\": 1, \"uid_base\": 4294967295}",
		"{\"name\": \"x\", \"pid\": 1, \"uid_base\": 4294901760, \"id_count\": 65536}",
		/* missing fields, wrong types, bad names */
		"{\"name\": \"x\"}",
		"{\"pid\": 1}",
		"{\"name\": 5, \"pid\": 1}",
		"{\"name\": \"x\", \"pid\": \"1\"}",
		"{\"name\": \"x\", \"pid\": 1, \"userns\": 1}",
		"{\"name\": \"x\", \"pid\": 1, \"rootfs\": true}",
		"{\"name\": \"../../etc/x\", \"pid\": 1}",
		"{\"name\": \"\", \"pid\": 1}",
		"{\"name\": \"x\", \"pid\": tru}",
		"{\"name\": \"x\", \"pid\": 1, \"net\": \"0123456789abcdef\"}",
		"{\"name\": \"a123456789012345678901234567890123456789012345678\", \"pid\": 1}",
	};
	struct container_state st;
	char *big;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = parse_copy(bad[i], &st);

		if (ret != -EINVAL)
			printf("#   case %zu: %s\n", i, bad[i]);
		CHECK_EQ(ret, -EINVAL);
	}

	/* a string longer than any buffer, and a key longer than 64 */
	big = malloc(3 * PATH_MAX);
	CHECK(big != NULL);
	if (!big)
		return;
	snprintf(big, 3 * PATH_MAX,
		 "{\"name\": \"x\", \"pid\": 1, \"rootfs\": \"");
	memset(big + strlen(big), 'a', 2 * PATH_MAX);
	big[strlen("{\"name\": \"x\", \"pid\": 1, \"rootfs\": \"") +
	    2 * PATH_MAX] = 0;
	strcat(big, "\"}");
	CHECK_EQ(parse_copy(big, &st), -EINVAL);
	snprintf(big, 3 * PATH_MAX,
		 "{\"name\": \"x\", \"pid\": 1, \"%0100d\": 1}", 0);
	CHECK_EQ(parse_copy(big, &st), -EINVAL);
	free(big);
}

static void test_escapes(void)
{
	struct container_state st;

	CHECK_EQ(
		parse_copy(
			"{\"name\": \"x\", \"pid\": 7, \"rootfs\": "
			"\"\\/a\\b\\f\\r\\n\\t\\\"\\\\\\u0041\\u00e9\\u20ac\"}",
			&st),
		0);
	CHECK_STR(st.rootfs, "/a\b\f\r\n\t\"\\A\xc3\xa9\xe2\x82\xac");
	CHECK_EQ(st.pid, 7);
	/* the largest values each field allows */
	CHECK_EQ(parse_copy("{\"name\": \"x\", \"pid\": 2147483647, "
			    "\"pid_start\": 18446744073709551615, "
			    "\"uid_base\": 4294901759, \"gid_base\": 1, "
			    "\"id_count\": 65536}",
			    &st),
		 0);
	CHECK_EQ(st.pid, 2147483647);
	CHECK(st.pid_start == 18446744073709551615ULL);
	CHECK(st.uid_base == 4294901759U);
	CHECK_EQ(st.id_count, 65536);
}

/* state of @pid's /proc/PID/stat, polled until it is @want (or 2 s) */
static char wait_state(pid_t pid, char want)
{
	struct timespec ms = { 0, 1000000 };
	struct procfs_stat ps = { 0 };
	int i;

	for (i = 0; i < 2000; i++) {
		if (!procfs_stat(pid, &ps) && ps.state == want)
			break;
		nanosleep(&ms, NULL);
	}
	return ps.state;
}

/*
 * A pid 1 that exited but is not reaped yet still has its pid and its
 * start time: it must not count as a running container.
 */
static void test_alive_zombie(void)
{
	struct container_state st = { 0 };
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid < 0)
		return;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	st.pid = pid;
	st.pid_start = procfs_start_time(pid);
	CHECK(st.pid_start > 0);
	CHECK_EQ(wait_state(pid, 'S'), 'S');
	CHECK_EQ(container_state_alive(&st), 1);
	/* the same pid with another start time is another process */
	st.pid_start++;
	CHECK_EQ(container_state_alive(&st), 0);
	st.pid_start--;
	kill(pid, SIGKILL);
	CHECK_EQ(wait_state(pid, 'Z'), 'Z');
	CHECK_EQ(container_state_alive(&st), 0);
	waitpid(pid, NULL, 0);
	CHECK_EQ(container_state_alive(&st), 0);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_format_is_json_shaped);
	RUN(test_too_small);
	RUN(test_malformed);
	RUN(test_hostile);
	RUN(test_escapes);
	RUN(test_alive_zombie);
	UNIT_DONE();
}
