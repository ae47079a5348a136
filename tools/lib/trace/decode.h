/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records (struct isolens_event, from either backend) into words: kind and
 * class names, one-line descriptions, and JSON Lines (schema: docs/events.md).
 */
#ifndef ISOLENS_TRACE_DECODE_H
#define ISOLENS_TRACE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/isolens.h>

#include "base/errbuf.h"
#include "trace/context.h"

/*
 * The vCPU index of the thread that made a KVM record, -1 if it does not
 * say: KVM_CREATE_VCPU names the vCPU it creates, not its caller's.
 */
int event_thread_vcpu(const struct isolens_event *e);
/* "unshare", "kvm_exit", ... or NULL */
const char *event_kind_name(unsigned int kind);
/* "ns", "cgroup", ... for one class bit, or NULL */
const char *event_class_name(unsigned int class_bit);

/* "ns,cgroup,kvm" (or "all") into class bits; unknown names are errors. */
int event_classes_parse(const char *list, unsigned int *classes,
			struct errbuf *eb);

/* Is this a whole record we understand?  0 or -EINVAL/-EPROTO. */
int event_validate(const void *data, size_t size);

/* CLONE_* flags as "NEWPID|NEWNET", "0" when none */
int clone_flags_format(uint64_t flags, char *buf, size_t len);
/* CAP_* number as "CAP_SYS_ADMIN" */
const char *cap_name(unsigned int cap);

/* "unshare(NEWUTS) = 0": what happened, without who and when. */
int event_describe(const struct isolens_event *e, char *buf, size_t len);

/* One aligned text line: time since t0, context, comm, pid, description. */
int event_format_line(const struct isolens_event *e,
		      const struct trace_context *ctx, uint64_t t0_ns,
		      char *buf, size_t len);

/* One JSON object (no newline), schema in docs/events.md. */
int event_format_json(const struct isolens_event *e,
		      const struct trace_context *ctx, char *buf, size_t len);

/* Kernel stack trailer of a record, or NULL. */
const struct isolens_stack *event_stack(const struct isolens_event *e,
					size_t size);

#endif
