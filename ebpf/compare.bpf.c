// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: count every system call that enters the host kernel, per
 * syscall number, for the processes of each side of a comparison.  Userspace
 * puts the two root processes (the container runtime, the VMM) into `side`;
 * their descendants join at fork, in the kernel, so none is missed.
 *
 * A container-side process that has exec'd inside a pid namespace below the
 * host's is the container's payload; before that it is the runtime setting
 * the container up.
 * The VM side is the VMM process: the guest's own syscalls are handled by
 * the guest kernel and never appear here, which is the point.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "isolens_compare.h"
#include "isolens_tp.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, COMPARE_SIDE_ENTRIES);
	__type(key, __u32); /* tgid */
	__type(value, __u32); /* enum compare_side */
} side SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COMPARE_COUNTS_ENTRIES);
	__type(key, __u32);
	__type(value, __u64); /* system calls */
} counts SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(cmp_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 *s;

	if (ctgid == ptgid)
		return 0;
	s = bpf_map_lookup_elem(&side, &ptgid);
	if (s) {
		__u32 v = *s == COMPARE_SIDE_VM ? COMPARE_SIDE_VM_CHILD : *s;

		bpf_map_update_elem(&side, &ctgid, &v, BPF_ANY);
	}
	return 0;
}

/*
 * The runtime's own work inside the new namespaces (mounts, pivot_root,
 * capabilities, seccomp) happens before the payload's exec: a container-side
 * process becomes payload when it execs inside a pid namespace of its own.
 */
SEC("tp/sched/sched_process_exec")
int cmp_exec(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *t;
	__u32 *s, v = COMPARE_SIDE_CTR_PAYLOAD;

	s = bpf_map_lookup_elem(&side, &tgid);
	if (!s || *s != COMPARE_SIDE_CTR)
		return TP_PASS;
	t = (struct task_struct *)bpf_get_current_task_btf();
	if (BPF_CORE_READ(t, thread_pid, level) > 0)
		bpf_map_update_elem(&side, &tgid, &v, BPF_ANY);
	return TP_PASS;
}

SEC("tp/raw_syscalls/sys_enter")
int cmp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *s, slot, key;
	long nr = ctx->id;
	__u64 *n;

	s = bpf_map_lookup_elem(&side, &tgid);
	if (!s)
		return TP_PASS;
	if (*s == COMPARE_SIDE_VM)
		slot = COMPARE_SLOT_VMM;
	else if (*s == COMPARE_SIDE_VM_CHILD)
		slot = COMPARE_SLOT_VM_OTHER;
	else if (*s == COMPARE_SIDE_CTR_PAYLOAD)
		slot = COMPARE_SLOT_CTR_PAYLOAD;
	else
		slot = COMPARE_SLOT_CTR_RUNTIME;
	if (nr < 0 || nr >= COMPARE_NR_MAX)
		nr = COMPARE_NR_MAX - 1; /* x32 or unknown: the "other" bin */
	key = COMPARE_COUNTS_KEY(slot, (__u32)nr);
	n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		*n += 1;
	return TP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
