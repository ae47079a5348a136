// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare's sides (tools/lib/compare/side.c): memory samples from
 * a fake /proc and cgroup directory, the output split, and a held child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/procfs.h"
#include "compare/side.h"
#include "unit.h"

static char tmpdir[] = "/tmp/isolens-unit-side.XXXXXX";
static char proc[64], cg[64];

static void fake_status(int pid, const char *hwm)
{
	char dir[96], text[160];

	snprintf(dir, sizeof(dir), "%s/%d", proc, pid);
	mkdir_p(dir, 0755);
	snprintf(text, sizeof(text),
		 "Name:\tsh\nVmPeak:\t  9999 kB\n%s\nVmRSS:\t   100 kB\n", hwm);
	file_create_str(dir, "status", text);
}

static void empty_side(struct report_side *s)
{
	memset(s, 0, sizeof(*s));
	s->cg_mem_peak = -1;
}

static void test_proc_hwm(void)
{
	fake_status(100, "VmHWM:\t  1200 kB");
	CHECK_EQ(procfs_vm_hwm_kb(proc, 100), 1200);
	CHECK_EQ(procfs_vm_hwm_kb(proc, 999), 0); /* gone */
	fake_status(101, "");
	CHECK_EQ(procfs_vm_hwm_kb(proc, 101), 0); /* a kernel thread */
}

/* The container: its cgroup's memory.peak and its processes' VmHWM. */
static void test_sample_cgroup(void)
{
	struct report_side s;
	char path[96];

	empty_side(&s);
	fake_status(200, "VmHWM:\t   300 kB");
	fake_status(201, "VmHWM:\t   500 kB");
	fake_status(202, "VmHWM:\t  7000 kB"); /* the runtime, not in it */
	mkdir_p(cg, 0755);
	file_create_str(cg, "cgroup.procs", "200\n201\n");
	file_create_str(cg, "memory.peak", "4300800\n");
	file_create_str(cg, "memory.current", "1000\n");
	side_sample(&s, proc, cg, 202);
	CHECK_EQ(s.rss_peak_kb, 800);
	CHECK_EQ(s.cg_mem_peak, 4300800);
	/* the peaks stay when the side shrinks */
	file_create_str(cg, "cgroup.procs", "201\n");
	file_create_str(cg, "memory.peak", "4096\n");
	side_sample(&s, proc, cg, 202);
	CHECK_EQ(s.rss_peak_kb, 800);
	CHECK_EQ(s.cg_mem_peak, 4300800);
	/* no memory.peak (before Linux 5.19): memory.current */
	empty_side(&s);
	snprintf(path, sizeof(path), "%s/memory.peak", cg);
	unlink(path);
	side_sample(&s, proc, cg, 202);
	CHECK_EQ(s.cg_mem_peak, 1000);
	/* an empty cgroup: the container's pid 1 */
	file_create_str(cg, "cgroup.procs", "");
	empty_side(&s);
	side_sample(&s, proc, cg, 200);
	CHECK_EQ(s.rss_peak_kb, 300);
}

/* The VM: the VMM's VmHWM, guest RAM it touched included; no cgroup. */
static void test_sample_pid(void)
{
	struct report_side s;

	empty_side(&s);
	fake_status(300, "VmHWM:\t135884 kB");
	side_sample(&s, proc, NULL, 300);
	CHECK_EQ(s.rss_peak_kb, 135884);
	CHECK_EQ(s.cg_mem_peak, -1);
}

static void test_parse_output(void)
{
	struct report_side s;
	char vm[] =
		"[    0.5] early console\r\nisolens-uname\r\n6.1.0-57-amd64\r\n"
		"isolens-demo\r\n";
	char ctr[] = "isolens-uname\n6.1.0-57-amd64\nhostname: sethostname: "
		     "Operation not permitted\n";
	char none[] = "sh: not found\n";

	memset(&s, 0, sizeof(s));
	side_parse_output(&s, vm);
	CHECK_STR(s.uname, "6.1.0-57-amd64");
	CHECK_STR(s.output, "isolens-demo\n");
	side_parse_output(&s, ctr);
	CHECK_STR(s.output, "hostname: sethostname: Operation not permitted\n");
	memset(&s, 0, sizeof(s));
	side_parse_output(&s, none);
	CHECK_STR(s.uname, "");
	CHECK_STR(s.output, "sh: not found\n");
}

/* Held until released; output and status come back. */
static void test_spawn_held(void)
{
	char *const argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
			       NULL };
	struct errbuf eb = { 0 };
	struct side sd;
	int status = -1, i;

	side_init(&sd);
	CHECK_EQ(side_spawn(&sd, "/bin/sh", argv, true, &eb), 0);
	CHECK(sd.proc.pid > 0);
	usleep(20000);
	CHECK_EQ(side_reap(&sd, &status), 0); /* still held */
	CHECK_EQ(side_release(&sd, &eb), 0);
	for (i = 0; i < 500 && !side_reap(&sd, &status); i++) {
		side_drain(&sd);
		usleep(10000);
	}
	side_drain(&sd);
	CHECK_EQ(status, 3);
	CHECK_STR(sd.out.buf, "out\n");
	CHECK_STR(sd.err.buf, "err\n");
	side_close(&sd);

	/* never released: the child exits on its own at side_close() */
	side_init(&sd);
	CHECK_EQ(side_spawn(&sd, "/bin/sh", argv, false, &eb), 0);
	side_close(&sd);
	CHECK_EQ(sd.proc.pid, 0);
	CHECK_EQ(sd.proc.release_fd, -1);
}

/* A VM side's stderr as recorded in the lab VM: console noise, then
 * `isolens vm run --stats=json --rootfs default`'s line. */
static const char recorded_stats[] =
	"isolens vm: note: building the rootfs image\n"
	"{\"schema\":\"isolens-vm-stats/1\",\"stop\":\"status\",\"status\":0,"
	"\"cpus\":1,\"run_ns\":27135177009,\"marker_ns\":15900505175,"
	"\"userspace_exits\":{\"total\":3317,\"by_reason\":{\"IO\":3108,"
	"\"MMIO\":209}},\"kernel_exits\":67222,\"ignored\":{\"ports\":55,"
	"\"mmio\":0,\"msrs\":0,\"malformed\":0},\"console_dropped\":0,"
	"\"disks\":[{\"requests\":84,\"read_bytes\":1931264,"
	"\"written_bytes\":1070080,\"flushes\":17,\"errors\":0,"
	"\"notifies\":74,\"irqs\":74,\"needs_reset\":false}],"
	"\"seccomp\":true}\n";

static void test_parse_vmm_stats(void)
{
	struct report_side *s = calloc(1, sizeof(*s));

	s->vmm_user_exits = s->vmm_kernel_exits = -1;
	s->vmm_marker_ms = -1;
	side_parse_vmm_stats(s, recorded_stats);
	CHECK_EQ(s->vmm_user_exits, 3317);
	CHECK_EQ(s->vmm_kernel_exits, 67222);
	CHECK(s->vmm_marker_ms > 15900.5 && s->vmm_marker_ms < 15900.6);
	CHECK_EQ(s->nr_disks, 1);
	CHECK_EQ(s->disk.requests, 84);
	CHECK_EQ(s->disk.read_bytes, 1931264);
	CHECK_EQ(s->disk.written_bytes, 1070080);
	CHECK_EQ(s->disk.flushes, 17);
	CHECK_EQ(s->disk.errors, 0);
	CHECK_EQ(s->disk.notifies, 74);
	CHECK_EQ(s->disk.irqs, 74);
	CHECK(!s->disk.needs_reset);
	CHECK(s->disk_ioeventfd);

	/* no line: nothing known, no disk */
	memset(s, 0, sizeof(*s));
	s->vmm_user_exits = -1;
	side_parse_vmm_stats(s, "isolens vm: cannot open /dev/kvm\n");
	CHECK_EQ(s->vmm_user_exits, -1);
	CHECK_EQ(s->nr_disks, 0);
	CHECK(!s->disk_ioeventfd);
	free(s);
}

int main(void)
{
	char cmd[96];

	if (!mkdtemp(tmpdir))
		return 2;
	snprintf(proc, sizeof(proc), "%s/proc", tmpdir);
	snprintf(cg, sizeof(cg), "%s/cgroup/compare-1", tmpdir);
	RUN(test_proc_hwm);
	RUN(test_sample_cgroup);
	RUN(test_sample_pid);
	RUN(test_parse_output);
	RUN(test_parse_vmm_stats);
	RUN(test_spawn_held);
	snprintf(cmd, sizeof(cmd), "rm -r %s", tmpdir);
	if (system(cmd))
		return 2;
	UNIT_DONE();
}
