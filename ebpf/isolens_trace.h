/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What userspace and the isolens BPF programs agree on besides the event
 * record itself (that lives in <linux/isolens.h>): the configuration the
 * loader writes into the "cfg" map before attaching, and the map sizes.
 * Plain __u32/__u64 fields so that it compiles against vmlinux.h and uapi.
 */
#ifndef ISOLENS_TRACE_BPF_H
#define ISOLENS_TRACE_BPF_H

/* trace_bpf_cfg.filter: which criteria select a task; none means all. */
#define TRACE_FILTER_TGID (1U << 0) /* tgid is in the "follow" map */
#define TRACE_FILTER_CGROUP (1U << 1) /* under cgroup v2 cgroup_id */
#define TRACE_FILTER_PIDNS (1U << 2) /* in pid namespace pidns */

struct trace_bpf_cfg {
	__u32 classes; /* enum isolens_class bits to emit */
	__u32 filter; /* TRACE_FILTER_* bits, any match selects */
	__u64 cgroup_id; /* TRACE_FILTER_CGROUP: v2 cgroup id ... */
	__u32 cgroup_level; /* ... at this depth below the v2 root */
	__u32 pidns; /* TRACE_FILTER_PIDNS: pid namespace inode */
	__u32 self_tgid; /* the tracer itself: never traced */
	__u32 stacks; /* nonzero: append a kernel stack to each record */
	__u32 cap_all; /* nonzero: every cap check, not only in child userns */
	__u32 count; /* nonzero: count events in "counts", emit no records */
};

/*
 * trace --count: what an event is counted by, in the per-CPU hash "counts"
 * (value: __u64 events).  Enough to attribute it afterwards (the process,
 * its cgroup) and to histogram KVM exits; tid and vcpu only for KVM
 * events, so that a process's threads share one entry otherwise.
 */
struct trace_count_key {
	__u16 kind; /* enum isolens_kind */
	__u16 isa; /* kvm_exit: 1 VMX, 2 SVM */
	__u32 pid;
	__u32 tid;
	__u32 vcpu; /* KVM events: vCPU index or -1 */
	__u64 cgroup_id;
	__u64 reason; /* kvm_exit, kvm_userspace_exit: the exit reason */
};

/*
 * counters map slots (per-CPU, summed by userspace).  Every way a record
 * or a followed process can be lost in the kernel has a slot of its own,
 * so that none is lost silently.
 */
enum trace_counter {
	TRACE_CNT_DROPS = 0, /* ring buffer full: record lost */
	TRACE_CNT_EVENTS = 1, /* records submitted */
	TRACE_CNT_COUNT_FULL, /* --count: key table full, event not counted */
	TRACE_CNT_FOLLOW_FULL, /* follow table full: a child not followed */
	TRACE_CNT_CAP_ARGS_FULL, /* kprobe fallback: cap_capable args lost */
	TRACE_CNT_MAX
};

/* trace --count: who a process was, stored as it exits (map "ident") */
struct trace_ident {
	struct isolens_ns_set ns;
	char comm[16];
};

#define TRACE_RINGBUF_DEFAULT (8U << 20)
#define TRACE_COUNT_KEYS 16384
#define TRACE_FOLLOW_MAX 16384

#endif
