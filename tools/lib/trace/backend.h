/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where records come from.  Two backends deliver the same struct
 * isolens_event records: "bpf" (the CO-RE programs in ebpf/, through one
 * ring buffer) and "module" (read() on /dev/isolens).  Everything
 * after the backend (decode, attribute, summary) is written once.
 */
#ifndef ISOLENS_TRACE_BACKEND_H
#define ISOLENS_TRACE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/isolens.h>

#include "base/errbuf.h"

/* Selection: any matching criterion selects a task; none selects all. */
struct trace_opts {
	unsigned int classes; /* enum isolens_class bits */
	const pid_t *follow; /* these tgids and their later descendants */
	size_t nfollow;
	bool by_cgroup; /* tasks under this cgroup v2 directory */
	uint64_t cgroup_id;
	unsigned int cgroup_level;
	uint32_t pidns; /* tasks in this pid namespace (inode), 0 = none */
	bool stacks; /* append kernel stacks */
	bool cap_all; /* cap checks in the initial user ns too */
	bool count_only; /* count events in the kernel, deliver no records */
	size_t ringbuf_bytes; /* 0: default */
};

/* Called for every record; a nonzero return stops polling. */
typedef int (*trace_record_fn)(void *ctx, const struct isolens_event *e,
			       size_t size);

/*
 * count_only: one aggregate.  The record carries what the events were
 * counted by (kind, pid, tid, cgroup_id, and for KVM events vcpu_id, isa
 * and exit_reason); the rest is zero until trace_backend_identify() fills
 * in the process's namespaces and comm, for attribution.
 */
typedef void (*trace_count_fn)(void *ctx, const struct isolens_event *e,
			       uint64_t n);

/* Every way the kernel side loses what it should have reported. */
enum trace_loss {
	TRACE_LOSS_RINGBUF, /* ring buffer full: records lost */
	TRACE_LOSS_COUNT_FULL, /* --count: key table full, events not counted */
	TRACE_LOSS_FOLLOW_FULL, /* follow table full: children not followed */
	TRACE_LOSS_CAP_ARGS, /* kprobe fallback: capability checks lost */
	TRACE_LOSS_RECURSION, /* a program skipped: another BPF program ran */
	TRACE_LOSS_MAX
};

struct trace_stats {
	uint64_t events; /* records produced by the kernel side */
	uint64_t drops; /* all losses: the sum of lost[] */
	uint64_t lost[TRACE_LOSS_MAX];
};

/* "ring_buffer_full", ... (the JSON keys), and what to do about it */
const char *trace_loss_name(enum trace_loss l);
const char *trace_loss_hint(enum trace_loss l);

#define TRACE_NOTES_MAX 8

struct trace_backend;

struct trace_backend_ops {
	const char *name;
	int (*open)(struct trace_backend *b, const struct trace_opts *o,
		    struct errbuf *eb);
	/* Deliver ready records; wait at most timeout_ms.  Count or -errno. */
	int (*poll)(struct trace_backend *b, int timeout_ms);
	/* Add a tgid to the followed set after open. */
	int (*follow)(struct trace_backend *b, pid_t pid);
	int (*stats)(struct trace_backend *b, struct trace_stats *st);
	/*
	 * count_only: every aggregate so far (NULL: not supported); without
	 * totals only the keys, n = 0, which spares a lookup per key.
	 */
	int (*counts)(struct trace_backend *b, bool totals, trace_count_fn fn,
		      void *ctx);
	void (*identify)(struct trace_backend *b, struct isolens_event *e);
	void (*close)(struct trace_backend *b);
};

struct trace_backend {
	const struct trace_backend_ops *ops;
	trace_record_fn cb;
	void *cb_ctx;
	unsigned int classes; /* what is really being traced after probing */
	/* what this kernel cannot do, one line each, with the consequence */
	char notes[TRACE_NOTES_MAX][200];
	int nnotes;
	char probes[16]; /* "fentry", "kprobe" or "" (tracepoints only) */
	void *priv;
};

/* Open a backend by name ("bpf", "module"); on failure *out is NULL. */
int trace_backend_open(struct trace_backend **out, const char *name,
		       const struct trace_opts *o, trace_record_fn cb,
		       void *cb_ctx, struct errbuf *eb);
int trace_backend_poll(struct trace_backend *b, int timeout_ms);
int trace_backend_follow(struct trace_backend *b, pid_t pid);
int trace_backend_stats(struct trace_backend *b, struct trace_stats *st);
int trace_backend_counts(struct trace_backend *b, bool totals,
			 trace_count_fn fn, void *ctx);
void trace_backend_identify(struct trace_backend *b, struct isolens_event *e);
void trace_backend_close(struct trace_backend *b);

/* Record a note once (backends use it while probing). */
void trace_backend_note(struct trace_backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Mount tracefs on /sys/kernel/tracing if it is not there (root only). */
int tracefs_ensure(struct errbuf *eb);
bool tracefs_event_exists(const char *category, const char *event);

extern const struct trace_backend_ops trace_backend_bpf_ops;
extern const struct trace_backend_ops trace_backend_module_ops;

/*
 * "auto": the module when /dev/isolens exists (it is loaded), else BPF.
 * Fills @why with the reason, for the user.
 */
const char *trace_backend_choose(const char *want, char *why, size_t len);

#endif
