// SPDX-License-Identifier: GPL-2.0
/* Option parsing of `isolens container`: pure logic. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "container/container.h"
#include "container/ctr.h"
#include "unit.h"

static void test_share(void)
{
	unsigned long f = 0;

	CHECK_EQ(container_parse_share("net,uts", &f), 0);
	CHECK_EQ(f, CLONE_NEWNET | CLONE_NEWUTS);
	CHECK_EQ(container_parse_share("pid", &f), 0);
	CHECK_EQ(f, CLONE_NEWPID);
	CHECK_EQ(container_parse_share("time,cgroup,ipc,mnt", &f), 0);
	CHECK_EQ(f, 0x80 | CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS);
	CHECK(container_parse_share("user", &f) < 0); /* that is --userns */
	CHECK(container_parse_share("net,bogus", &f) < 0);
	CHECK(container_parse_share("", &f) < 0);
	CHECK(container_parse_share(",", &f) < 0);
}

static void test_net(void)
{
	enum container_net n;

	CHECK_EQ(container_parse_net("none", &n), 0);
	CHECK_EQ(n, CONTAINER_NET_NONE);
	CHECK_EQ(container_parse_net("veth", &n), 0);
	CHECK_EQ(n, CONTAINER_NET_VETH);
	CHECK_EQ(container_parse_net("loopback", &n), 0);
	CHECK_EQ(n, CONTAINER_NET_LOOPBACK);
	CHECK(container_parse_net("bridge", &n) < 0);
	CHECK_STR(container_net_name(CONTAINER_NET_VETH), "veth");
}

static void test_cpus(void)
{
	uint64_t q = 0, p = 0;

	CHECK_EQ(container_parse_cpus("0.5", &q, &p), 0);
	CHECK_EQ(q, 50000);
	CHECK_EQ(p, 100000);
	CHECK_EQ(container_parse_cpus("2", &q, &p), 0);
	CHECK_EQ(q, 200000);
	CHECK_EQ(container_parse_cpus("1.25", &q, &p), 0);
	CHECK_EQ(q, 125000);
	CHECK_EQ(container_parse_cpus("0.01", &q, &p), 0);
	CHECK_EQ(q, 1000);
	CHECK(container_parse_cpus("0.001", &q, &p) < 0); /* < 1 ms */
	CHECK(container_parse_cpus("0", &q, &p) < 0);
	CHECK(container_parse_cpus("", &q, &p) < 0);
	CHECK(container_parse_cpus("1.", &q, &p) < 0);
	CHECK_EQ(container_parse_cpus(".5", &q, &p), 0);
	CHECK_EQ(q, 50000);
	CHECK(container_parse_cpus(".", &q, &p) < 0);
	CHECK(container_parse_cpus("-1", &q, &p) < 0);
	CHECK(container_parse_cpus("1x", &q, &p) < 0);
	CHECK(container_parse_cpus("99999", &q, &p) < 0);
}

static void test_signal(void)
{
	int s = 0;

	CHECK_EQ(container_parse_signal("9", &s), 0);
	CHECK_EQ(s, 9);
	CHECK_EQ(container_parse_signal("TERM", &s), 0);
	CHECK_EQ(s, SIGTERM);
	CHECK_EQ(container_parse_signal("sigkill", &s), 0);
	CHECK_EQ(s, SIGKILL);
	CHECK(container_parse_signal("0", &s) < 0);
	CHECK(container_parse_signal("65", &s) < 0);
	CHECK(container_parse_signal("SIGNOPE", &s) < 0);
	CHECK(container_parse_signal("", &s) < 0);
}

static void test_names(void)
{
	CHECK(container_name_valid("web"));
	CHECK(container_name_valid("a.b_c-1"));
	CHECK(!container_name_valid(""));
	CHECK(!container_name_valid("../etc"));
	CHECK(!container_name_valid("a/b"));
	CHECK(!container_name_valid(".hidden"));
	CHECK(!container_name_valid("-flag"));
	CHECK(!container_name_valid("a b"));
	CHECK(!container_name_valid(
		"0123456789012345678901234567890123456789012345678"));
}

static void test_caps(void)
{
	uint64_t m = 0;

	/* runc/Docker's default: CapEff 00000000a80425fb */
	CHECK_EQ(CONTAINER_CAPS_DEFAULT, 0xa80425fbULL);
	CHECK_EQ(container_caps_parse("CAP_SYS_ADMIN", &m), 0);
	CHECK_EQ(m, 1ULL << 21);
	CHECK_EQ(container_caps_parse("net_admin,sys_ptrace", &m), 0);
	CHECK_EQ(m, (1ULL << 12) | (1ULL << 19));
	CHECK_EQ(container_caps_parse("ALL", &m), 0);
	CHECK_EQ(m, (1ULL << 41) - 1);
	CHECK(container_caps_parse("CAP_NOPE", &m) < 0);
	CHECK(container_caps_parse("", &m) < 0);
	CHECK_STR(ctr_caps_name(0), "chown");
	CHECK_STR(ctr_caps_name(40), "checkpoint_restore");
	CHECK(ctr_caps_name(41) == NULL);
}

static void test_groups(void)
{
	gid_t g[CONTAINER_MAX_GROUPS];
	int n = 0, i;

	CHECK_EQ(container_parse_groups("10,20", g, &n, CONTAINER_MAX_GROUPS),
		 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(g[0], 10);
	CHECK_EQ(g[1], 20);
	/* repeated flags append */
	CHECK_EQ(container_parse_groups("0", g, &n, CONTAINER_MAX_GROUPS), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(g[2], 0);
	n = 0;
	CHECK(container_parse_groups("wheel", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("1,,2", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("1,", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups(",1", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("65535", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("-1", g, &n, CONTAINER_MAX_GROUPS) < 0);
	CHECK(container_parse_groups("99999999999999999999", g, &n,
				     CONTAINER_MAX_GROUPS) < 0);
	n = 0;
	for (i = 0; i < CONTAINER_MAX_GROUPS; i++)
		CHECK_EQ(container_parse_groups("7", g, &n,
						CONTAINER_MAX_GROUPS),
			 0);
	CHECK_EQ(container_parse_groups("7", g, &n, CONTAINER_MAX_GROUPS),
		 -E2BIG);
	CHECK_EQ(n, CONTAINER_MAX_GROUPS);
}

int main(void)
{
	RUN(test_share);
	RUN(test_net);
	RUN(test_cpus);
	RUN(test_signal);
	RUN(test_names);
	RUN(test_caps);
	RUN(test_groups);
	UNIT_DONE();
}
