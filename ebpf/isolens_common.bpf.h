/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps and helpers shared by every isolens BPF object.  Each object defines
 * the same maps; the loader creates them once (in isolens_trace.bpf.c) and
 * hands the fds to the other objects with bpf_map__reuse_fd(), so that all
 * programs write into one ring buffer and read one configuration.
 */
#ifndef ISOLENS_COMMON_BPF_H
#define ISOLENS_COMMON_BPF_H

/* unread bytes in the ring buffer that make a record wake the reader */
#define ISOLENS_WAKEUP_BYTES (64 * 1024)

#include <linux/isolens.h>
#include "isolens_trace.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TRACE_RINGBUF_DEFAULT);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TRACE_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace_bpf_cfg);
} cfg SEC(".maps");

/* trace --count: events by struct trace_count_key */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, TRACE_COUNT_KEYS);
	__type(key, struct trace_count_key);
	__type(value, __u64);
} counts SEC(".maps");

/* tgids being followed: the traced command or --pid and their children */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TRACE_FOLLOW_MAX);
	__type(key, __u32);
	__type(value, __u8);
} follow SEC(".maps");

static __always_inline struct trace_bpf_cfg *cfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cfg, &zero);
}

static __always_inline void counter_inc(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &slot);

	if (v)
		(*v)++;
}

/*
 * The task's active pid namespace and its pid number there.  numbers[] is a
 * flexible array indexed by the pid's own level: a variable index, which
 * the verifier allows only through a probe read.
 */
static __always_inline __u32 pidns_inum_of(struct pid *pid, __u32 *nr)
{
	unsigned int level = pid->level;
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
	if (nr)
		*nr = up.nr;
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void ns_set_fill_nsproxy(struct isolens_ns_set *ns,
						struct nsproxy *nsp)
{
	ns->mnt = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	ns->net = BPF_CORE_READ(nsp, net_ns, ns.inum);
	ns->uts = BPF_CORE_READ(nsp, uts_ns, ns.inum);
	ns->ipc = BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	ns->cgroup = BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	if (bpf_core_field_exists(nsp->time_ns))
		ns->time = BPF_CORE_READ(nsp, time_ns, ns.inum);
}

/*
 * Fill the header from the current task: the same values /proc/PID/ns/
 * shows.  Every record describes the task that caused it, which is always
 * current (switch_task_namespaces() too is only ever called on current).
 * The task pointer from bpf_get_current_task_btf() is read with direct
 * loads, which the verifier turns into fault-safe ones: a few ns each,
 * where a bpf_probe_read_kernel() helper call costs tens, and the header
 * takes twenty of them.
 */
static __always_inline void hdr_fill(struct isolens_event_hdr *h, __u16 kind)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct nsproxy *nsp;

	h->kind = kind;
	h->ts_ns = bpf_ktime_get_ns();
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(h->comm, sizeof(h->comm));

	/* /proc/PID/ns/pid is the active pid ns, not pid_for_children */
	h->ns.pid = pidns_inum_of(t->thread_pid, &h->ns_tid);
	pidns_inum_of(t->group_leader->thread_pid, &h->ns_pid);
	h->ns.user = t->real_cred->user_ns->ns.inum;
	nsp = t->nsproxy;
	if (!nsp)
		return; /* exiting: exit_task_namespaces() has run */
	h->ns.mnt = nsp->mnt_ns->ns.inum;
	h->ns.net = nsp->net_ns->ns.inum;
	h->ns.uts = nsp->uts_ns->ns.inum;
	h->ns.ipc = nsp->ipc_ns->ns.inum;
	h->ns.cgroup = nsp->cgroup_ns->ns.inum;
	if (bpf_core_field_exists(nsp->time_ns))
		h->ns.time = nsp->time_ns->ns.inum;
}

static __always_inline int tgid_followed(__u32 tgid)
{
	return bpf_map_lookup_elem(&follow, &tgid) != NULL;
}

/* Does the current task pass the user's selection?  Class checked too. */
static __always_inline int selected(struct trace_bpf_cfg *c, __u32 class)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!c || !(c->classes & class) || tgid == c->self_tgid)
		return 0;
	if (!c->filter)
		return 1;
	if ((c->filter & TRACE_FILTER_TGID) && tgid_followed(tgid))
		return 1;
	if ((c->filter & TRACE_FILTER_CGROUP) &&
	    bpf_get_current_ancestor_cgroup_id(c->cgroup_level) == c->cgroup_id)
		return 1;
	if (c->filter & TRACE_FILTER_PIDNS) {
		struct task_struct *t = (void *)bpf_get_current_task_btf();

		if (pidns_inum_of(t->thread_pid, NULL) == c->pidns)
			return 1;
	}
	return 0;
}

/*
 * Records are built in a per-CPU scratch slot and copied into the ring
 * buffer with bpf_ringbuf_output(): the size then depends on whether a
 * stack is appended, which a constant-size bpf_ringbuf_reserve() cannot
 * express.  Tracepoint programs do not nest on one CPU, so one slot is
 * enough.
 */
struct isolens_scratch {
	struct isolens_event e;
	struct isolens_stack st;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct isolens_scratch);
} scratch SEC(".maps");

static __always_inline struct isolens_event *
event_begin(struct trace_bpf_cfg *c, __u16 kind)
{
	__u32 zero = 0;
	struct isolens_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	__u64 id;

	if (!s)
		return NULL;
	if (c->count) {
		/* only what event_count() reads: no record is built */
		id = bpf_get_current_pid_tgid();
		s->e.hdr.kind = kind;
		s->e.hdr.pid = id >> 32;
		s->e.hdr.tid = (__u32)id;
		s->e.hdr.cgroup_id = bpf_get_current_cgroup_id();
		s->e.kvm.isa = 0;
		s->e.kvm.exit_reason = 0;
		return &s->e;
	}
	__builtin_memset(&s->e, 0, sizeof(s->e));
	s->e.hdr.size = sizeof(s->e);
	hdr_fill(&s->e.hdr, kind);
	return &s->e;
}

/* trace --count: one more event for its key; 0 if the table is full */
static __always_inline int event_count(struct isolens_event *e)
{
	struct trace_count_key k = {};
	__u64 one = 1, *n;

	k.kind = e->hdr.kind;
	k.pid = e->hdr.pid;
	k.tid = e->hdr.pid;
	k.cgroup_id = e->hdr.cgroup_id;
	if (isolens_kind_class(k.kind) == ISOLENS_CLASS_KVM) {
		k.tid = e->hdr.tid;
		k.vcpu = e->kvm.vcpu_id;
		k.isa = e->kvm.isa;
		k.reason = e->kvm.exit_reason;
	}
	n = bpf_map_lookup_elem(&counts, &k);
	if (n) {
		(*n)++;
		return 1;
	}
	if (!bpf_map_update_elem(&counts, &k, &one, BPF_NOEXIST))
		return 1;
	/* another CPU added the key first: count on this CPU's slot */
	n = bpf_map_lookup_elem(&counts, &k);
	if (n)
		(*n)++;
	return n != NULL;
}

static __always_inline void event_emit(void *ctx, struct trace_bpf_cfg *c,
				       struct isolens_event *e)
{
	struct isolens_scratch *s = (void *)e;
	__u64 size = sizeof(s->e), avail;
	int wake;

	if (c->count) {
		/* the events are the counts themselves: only losses here */
		if (!event_count(e))
			counter_inc(TRACE_CNT_COUNT_FULL);
		return;
	}
	if (c->stacks) {
		long n = bpf_get_stack(ctx, s->st.ip, sizeof(s->st.ip), 0);

		s->st.nr = n > 0 ? n / sizeof(__u64) : 0;
		s->st.pad = 0;
		s->e.hdr.flags |= ISOLENS_F_STACK;
		size = sizeof(*s);
		s->e.hdr.size = size;
	}
	/*
	 * Waking the reader costs more than writing the record: wake it only
	 * when this record takes the unread data across the threshold, once
	 * per batch.  The reader drains all it finds, and also on its poll
	 * timeout, so a quiet trickle of events is shown within a poll period.
	 */
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	wake = avail < ISOLENS_WAKEUP_BYTES &&
	       avail + size >= ISOLENS_WAKEUP_BYTES;
	if (bpf_ringbuf_output(&events, s, size,
			       wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP)) {
		counter_inc(TRACE_CNT_DROPS);
		return;
	}
	counter_inc(TRACE_CNT_EVENTS);
}

/*
 * Capability checks.  The same check repeats on every mmap
 * (vm_enough_memory asks for CAP_SYS_ADMIN): unless the user wants every
 * check, report each (process, cap, user ns, outcome) once, and only those
 * that involve a child user namespace (the target or the task's own).
 */
struct cap_key {
	__u32 tgid;
	__u32 cap;
	__u32 userns;
	__s32 ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct cap_key);
	__type(value, __u8);
} cap_seen SEC(".maps");

static __always_inline int cap_event(void *ctx, struct user_namespace *ns,
				     int cap, int ret, unsigned int opts)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;
	struct cap_key k = {};
	__u8 one = 1;

	if (!selected(c, ISOLENS_CLASS_CAP))
		return 0;
	k.userns = BPF_CORE_READ(ns, ns.inum);
	if (!c->cap_all) {
		if (BPF_CORE_READ(ns, level) == 0 &&
		    t->real_cred->user_ns->level == 0)
			return 0;
		k.tgid = bpf_get_current_pid_tgid() >> 32;
		k.cap = cap;
		k.ret = ret;
		if (bpf_map_lookup_elem(&cap_seen, &k))
			return 0;
		bpf_map_update_elem(&cap_seen, &k, &one, BPF_ANY);
	}
	e = event_begin(c, ISOLENS_EV_CAP_CHECK);
	if (!e)
		return 0;
	e->cap.cap = cap;
	e->cap.ret = ret;
	e->cap.opts = opts;
	e->cap.target_userns = k.userns;
	event_emit(ctx, c, e);
	return 0;
}

/*
 * switch_task_namespaces(p, new), p being current: the record's ns is the
 * new set.
 */
static __always_inline int ns_switch_event(void *ctx, struct nsproxy *new)
{
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;

	if (!new || !selected(c, ISOLENS_CLASS_NS))
		return 0; /* NULL: the task is exiting */
	e = event_begin(c, ISOLENS_EV_NS_SWITCH);
	if (!e)
		return 0;
	e->ns_switch.old_ns = e->hdr.ns;
	ns_set_fill_nsproxy(&e->hdr.ns, new);
	/* a setns into a user ns changes creds, not the nsproxy: see hdr */
	event_emit(ctx, c, e);
	return 0;
}

#endif
