/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens.ko internal interfaces: what the concern files (device, buffer,
 * event, proc, hooks) share with each other.  The record layout itself is
 * the uapi header's, never redefined here.
 */
#ifndef ISOLENS_MODULE_H
#define ISOLENS_MODULE_H

#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/isolens.h>

#define ISOLENS_NAME "isolens"

/* The largest record a producer may push: event plus stack trailer. */
#define ISOLENS_RECORD_MAX \
	(sizeof(struct isolens_event) + sizeof(struct isolens_stack))

/* buffer.c: a byte ring of whole, variable-size records. */
struct isolens_ring {
	u8 *data;
	size_t size; /* power of two */
	u64 head; /* bytes ever written; producers advance it */
	u64 tail; /* bytes ever consumed; the reader moves it */
};

int isolens_ring_init(struct isolens_ring *ring, size_t size);
void isolens_ring_free(struct isolens_ring *ring);
bool isolens_ring_push(struct isolens_ring *ring, const void *rec, u32 len);
u32 isolens_ring_peek(const struct isolens_ring *ring, void *out, u32 max);
void isolens_ring_consume(struct isolens_ring *ring, u32 len);

static inline u64 isolens_ring_used(const struct isolens_ring *ring)
{
	return READ_ONCE(ring->head) - READ_ONCE(ring->tail);
}

/*
 * One open file of /dev/isolens.  Producers (tracepoint and kprobe
 * handlers) find readers through an RCU list and take @lock to push;
 * read() takes @read_mutex to serialise consumers of the same file.
 */
struct isolens_reader {
	struct list_head node; /* isolens_readers, RCU */
	spinlock_t lock; /* ring, filter, counters */
	struct isolens_ring ring;
	struct isolens_filter filter;
	u64 events; /* records accepted into the ring */
	u64 drops; /* records lost: ring full */
	wait_queue_head_t wait; /* read() and poll() wait here */
	struct irq_work wakeup; /* wakes @wait, any context */
	struct mutex read_mutex;
	pid_t owner_pid; /* who opened it, for /proc */
	char owner_comm[ISOLENS_COMM_LEN];
	u8 bounce[ISOLENS_RECORD_MAX]; /* one record on its way out */
};

/* device.c */
extern struct mutex isolens_readers_lock;
extern struct list_head isolens_readers;
extern atomic64_t isolens_total_events;
extern unsigned int isolens_buffer_kb;
int isolens_device_init(void);
void isolens_device_exit(void);
void isolens_readers_shutdown(void);

/* event.c */
extern unsigned int isolens_classes;
bool isolens_wanted(u32 class);
void isolens_event_init(struct isolens_event *ev, u16 kind);
void isolens_fill_ns(struct isolens_ns_set *ns);
void isolens_emit(struct isolens_event *ev);

/* tracepoints.c: a hook is one probe on one kernel tracepoint. */
struct isolens_hook {
	const char *name; /* e.g. sched_process_fork */
	void *probe;
	u32 class;
	struct tracepoint *tp; /* found by name at load */
	bool attached;
	atomic64_t hits;
};

/*
 * Choose between two probes by the tracepoint's prototype in the headers
 * we are built against: @proto is the old TP_PROTO, e.g.
 * (struct task_struct *).  Version numbers would lie: stable kernels
 * backport prototype changes.  Needs <trace/events/...> for trace_<tp>.
 */
#define ISOLENS_PROBE_FOR(tp, proto, old_probe, new_probe)                     \
	__builtin_choose_expr(__builtin_types_compatible_p(typeof(trace_##tp), \
							   void proto),        \
			      (void *)(old_probe), (void *)(new_probe))

int isolens_hooks_attach(void);
void isolens_hooks_detach(void);
void isolens_hooks_show(struct seq_file *m);

static inline void isolens_hook_hit(void *data)
{
	struct isolens_hook *hook = data;

	atomic64_inc(&hook->hits);
}

/* sched.c: the proc class. */
extern struct isolens_hook isolens_sched_hooks[];
extern const size_t isolens_sched_nr_hooks;

/* cgroup.c: the cgroup class (cgroup and oom tracepoints). */
extern struct isolens_hook isolens_cgroup_hooks[];
extern const size_t isolens_cgroup_nr_hooks;

/*
 * kprobes.c: a kretprobe on a kernel function.  The entry handler sees the
 * arguments and saves what it needs in the instance's data; the return
 * handler sees the return value and emits the record.
 */
struct isolens_kprobe {
	struct kretprobe krp; /* .kp.symbol_name: the function */
	u32 class;
	bool attached;
	atomic64_t hits;
};

int isolens_kprobes_attach(void);
void isolens_kprobes_detach(void);
void isolens_kprobes_show(struct seq_file *m);

static inline struct isolens_kprobe *
isolens_kprobe_of(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct isolens_kprobe, krp);
}

/* namespaces.c: the ns and cap classes. */
extern struct isolens_kprobe isolens_ns_kprobes[];
extern const size_t isolens_ns_nr_kprobes;

/* kvm.c: the kvm class, attached whenever kvm.ko is loaded. */
int isolens_kvm_init(void);
void isolens_kvm_exit(void);
void isolens_kvm_show_hooks(struct seq_file *m);
int isolens_kvm_show(struct seq_file *m, void *v);

/* views.c: /proc/isolens/namespaces and cgroups. */
int isolens_namespaces_show(struct seq_file *m, void *v);
int isolens_cgroups_show(struct seq_file *m, void *v);

/* proc.c */
int isolens_proc_init(void);
void isolens_proc_exit(void);

#endif /* ISOLENS_MODULE_H */
