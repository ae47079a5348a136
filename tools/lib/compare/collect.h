/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens compare: the trace records of both sides into one report model.
 * Each record is attributed to a side by its process (a VM's KVM records
 * by the VMM's), and counted: processes, namespace and cgroup work,
 * limits hit, capability checks, VM exits by reason and group, a
 * timeline of marks, an exits-per-100-ms counter track and the kernel
 * stacks at the isolation checkpoints.
 */
#ifndef ISOLENS_COMPARE_COLLECT_H
#define ISOLENS_COMPARE_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/isolens.h>

#include "compare/report.h"

#define COLLECT_BUCKET_NS 100000000ULL /* the VM exits counter: 100 ms */

struct ksyms;
struct pidmap;

struct collector {
	struct report *r;
	struct pidmap *pids; /* host tgid -> REPORT_SIDE_* */
	uint32_t host_pidns; /* a container exec outside it is the runtime's */
	bool stacks; /* count checkpoint stacks (report_hot_init() done) */
	struct ksyms *ksyms; /* cuts the tracing frames off; may be NULL */
	uint64_t bucket_ts, bucket_n; /* the exits counter's open bucket */
};

/* @host_pidns: the pid namespace inode of the host (the tracer's). */
int collector_init(struct collector *c, struct report *r, uint32_t host_pidns);
void collector_free(struct collector *c);
/* Attribute @pid (and, from its fork records on, its children) to @side. */
void collector_follow(struct collector *c, pid_t pid, int side);
/* REPORT_SIDE_* of a host tgid, or -1. */
int collector_side_of(const struct collector *c, pid_t pid);
/* One record, as a trace_record_fn with the collector as ctx. */
int collector_record(void *ctx, const struct isolens_event *e, size_t size);
/* After the last record: close the exits counter's last bucket. */
void collector_finish(struct collector *c);

#endif
