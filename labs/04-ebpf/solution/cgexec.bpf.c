// SPDX-License-Identifier: GPL-2.0
/*
 * cgexec.bpf.c: one record per exec, with the cgroup v2 id of the task,
 * optionally only for tasks in one cgroup.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "cgexec.h"

/* Set by the loader before load (.rodata): 0 = every cgroup. */
const volatile __u64 target_cgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct cgexec_event *e;
	__u64 cgid;

	/* The cgroup v2 cgroup of the current task (kn->id, its inode). */
	cgid = bpf_get_current_cgroup_id();
	if (target_cgid && cgid != target_cgid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->cgroup_id = cgid;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
