// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe fallback of isolens_fentry.bpf.c, for kernels with kprobes
 * but without BPF trampolines.  cap_capable's result needs a kretprobe,
 * which sees no arguments: they wait in a per-thread map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "isolens_common.bpf.h"

struct cap_args {
	struct user_namespace *ns;
	int cap;
	unsigned int opts;
};

/*
 * LRU: a kretprobe that misses (too many calls in flight) leaves its entry
 * behind; a plain hash filled with those and then refused every insert.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct cap_args);
} cap_args SEC(".maps");

SEC("kprobe/switch_task_namespaces")
int BPF_KPROBE(ns_switch_kprobe, struct task_struct *p, struct nsproxy *new)
{
	return ns_switch_event(ctx, new);
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(cap_kprobe, const struct cred *cred, struct user_namespace *ns,
	       int cap, unsigned int opts)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cap_args a = { .ns = ns, .cap = cap, .opts = opts };

	/* every cap_capable on the machine comes here: filter first */
	if (!selected(cfg_get(), ISOLENS_CLASS_CAP))
		return 0;
	if (bpf_map_update_elem(&cap_args, &tid, &a, BPF_ANY))
		counter_inc(TRACE_CNT_CAP_ARGS_FULL);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(cap_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cap_args *a = bpf_map_lookup_elem(&cap_args, &tid);

	if (!a)
		return 0;
	cap_event(ctx, a->ns, a->cap, ret, a->opts);
	bpf_map_delete_elem(&cap_args, &tid);
	return 0;
}
