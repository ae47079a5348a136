/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every isolation context on the host, from /proc: processes grouped by
 * their namespace set and cgroup v2 path, each group attributed like a
 * trace event (isolens ls).
 */
#ifndef ISOLENS_TRACE_PROCSCAN_H
#define ISOLENS_TRACE_PROCSCAN_H

#include <stddef.h>
#include <sys/types.h>

#include <linux/isolens.h>

#include "base/errbuf.h"
#include "trace/attribute.h"
#include "trace/context.h"

struct ctx_group {
	struct isolens_ns_set ns;
	char cgroup[256]; /* cgroup v2 path ("0::" line), "" if none */
	struct trace_context ctx;
	char comm[16]; /* of the lowest pid */
	pid_t *pids; /* ascending */
	size_t npids;
};

/* Scan /proc (kernel threads left out); host group first. */
int contexts_scan(struct attrib *a, struct ctx_group **out, size_t *n,
		  struct errbuf *eb);
void contexts_free(struct ctx_group *g, size_t n);

#endif
