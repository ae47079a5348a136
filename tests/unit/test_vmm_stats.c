// SPDX-License-Identifier: GPL-2.0
/*
 * `isolens vm run --stats=json`: the one format the VMM side writes and
 * isolens compare reads back (tools/lib/vmm/stats.c).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "unit.h"
#include "vmm/stats.h"

static void sample(struct vmm_result *res)
{
	memset(res, 0, sizeof(*res));
	res->stop = VMM_STOP_STATUS;
	res->status = 3;
	res->cpus = 2;
	res->run_ns = 9121000123ULL;
	res->marker_ns = 8912345678ULL;
	res->exits[KVM_EXIT_IO] = 331;
	res->exits[KVM_EXIT_MMIO] = 5;
	res->exits[KVM_EXIT_HLT] = 1;
	res->exits[39] = 7; /* a reason with no name */
	res->kernel_exits = 33917;
	res->port_unknown = 1;
	res->mmio_unknown = 8192;
	res->msr_unknown = 2;
	res->invalid = 4;
	res->console_dropped = 12;
	res->nr_disks = 2;
	res->disks[0] = (struct vmm_disk_stats){ .requests = 40,
						 .read_bytes = 1 << 20,
						 .written_bytes = 4096,
						 .flushes = 2,
						 .notifies = 30,
						 .irqs = 29 };
	res->disks[1] =
		(struct vmm_disk_stats){ .errors = 1, .needs_reset = true };
	res->seccomp = true;
	res->vmlinux = true;
	res->vmlinux_built = true;
}

static void test_round_trip(void)
{
	struct vmm_result in, out;
	char buf[VMM_STATS_JSON_MAX];
	int n;

	sample(&in);
	n = vmm_stats_format_json(&in, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK_EQ(strlen(buf), n);
	CHECK(strchr(buf, '\n') == buf + n - 1); /* one line */
	CHECK_EQ(vmm_stats_parse_json(buf, &out), 0);
	CHECK_EQ(out.stop, VMM_STOP_STATUS);
	CHECK_EQ(out.status, 3);
	CHECK_EQ(out.cpus, 2);
	CHECK_EQ(out.run_ns, in.run_ns);
	CHECK_EQ(out.marker_ns, in.marker_ns);
	CHECK_EQ(out.kernel_exits, 33917);
	CHECK(out.vmlinux && out.vmlinux_built);
	CHECK(strstr(buf, "\"kernel\":\"vmlinux\",\"vmlinux_built\":true"));
	CHECK_EQ(vmm_result_user_exits(&out), 344);
	CHECK(!memcmp(out.exits, in.exits, sizeof(in.exits)));
	CHECK_EQ(out.port_unknown, 1);
	CHECK_EQ(out.mmio_unknown, 8192);
	CHECK_EQ(out.msr_unknown, 2);
	CHECK_EQ(out.invalid, 4);
	CHECK_EQ(out.console_dropped, 12);
	CHECK_EQ(out.nr_disks, 2);
	CHECK(!memcmp(out.disks, in.disks, sizeof(in.disks)));
	CHECK(out.seccomp);
}

static void test_shape(void)
{
	struct vmm_result in;
	char buf[VMM_STATS_JSON_MAX];

	sample(&in);
	in.marker_ns = 0;
	in.kernel_exits = -1;
	in.stop = VMM_STOP_HLT;
	CHECK(vmm_stats_format_json(&in, buf, sizeof(buf)) > 0);
	CHECK(!strncmp(
		buf, "{\"schema\":\"isolens-vm-stats/1\",\"stop\":\"halted\",",
		46));
	CHECK(strstr(buf, "\"marker_ns\":null"));
	CHECK(strstr(buf, "\"kernel_exits\":null"));
	CHECK(strstr(
		buf,
		"\"userspace_exits\":{\"total\":344,\"by_reason\":{\"IO\":331,\"HLT\":1,\"MMIO\":5,\"39\":7}}"));
	CHECK(strstr(
		buf,
		"\"disks\":[{\"requests\":40,\"read_bytes\":1048576,\"written_bytes\":4096,\"flushes\":2,\"errors\":0,\"notifies\":30,\"irqs\":29,\"needs_reset\":false},{"));
	CHECK_EQ(vmm_stats_format_json(&in, buf, 40), -ENOSPC);
}

static void test_unknown_is_null(void)
{
	struct vmm_result in, out;
	char buf[VMM_STATS_JSON_MAX];

	sample(&in);
	in.marker_ns = 0;
	in.kernel_exits = -1;
	vmm_stats_format_json(&in, buf, sizeof(buf));
	CHECK_EQ(vmm_stats_parse_json(buf, &out), 0);
	CHECK_EQ(out.marker_ns, 0);
	CHECK_EQ(out.kernel_exits, -1);
}

/* The line among the other things a VMM's stderr holds. */
static void test_found_in_a_stream(void)
{
	struct vmm_result in, out;
	char line[VMM_STATS_JSON_MAX], text[VMM_STATS_JSON_MAX + 256];

	sample(&in);
	vmm_stats_format_json(&in, line, sizeof(line));
	snprintf(text, sizeof(text),
		 "isolens vm: a warning first\n%sisolens vm: a line after\n",
		 line);
	CHECK_EQ(vmm_stats_parse_json(text, &out), 0);
	CHECK_EQ(out.kernel_exits, 33917);
	CHECK_EQ(out.exits[KVM_EXIT_IO], 331);
}

static void test_refused(void)
{
	struct vmm_result out;

	CHECK_EQ(vmm_stats_parse_json("", &out), -ENOENT);
	CHECK_EQ(out.kernel_exits, -1);
	CHECK_EQ(vmm_stats_parse_json(
			 "isolens vm: exits handled inside KVM (kernel): 5\n",
			 &out),
		 -ENOENT);
	CHECK_EQ(vmm_stats_parse_json(
			 "{\"schema\":\"isolens-vm-stats/1\",\"kernel_exits\":",
			 &out),
		 -EINVAL);
	CHECK_EQ(out.kernel_exits, -1);
	CHECK_EQ(
		vmm_stats_parse_json(
			"{\"schema\":\"isolens-vm-stats/1\",\"userspace_exits\":{\"by_reason\":{\"NOPE\":1}}}",
			&out),
		-EINVAL);
	/* a member a later version adds is read over */
	CHECK_EQ(
		vmm_stats_parse_json(
			"{\"schema\":\"isolens-vm-stats/1\",\"later\":1,\"kernel_exits\":9}",
			&out),
		0);
	CHECK_EQ(out.kernel_exits, 9);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_shape);
	RUN(test_unknown_is_null);
	RUN(test_found_in_a_stream);
	RUN(test_refused);
	UNIT_DONE();
}
