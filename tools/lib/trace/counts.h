/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace --count: the attribution of each aggregate, made once, as early as
 * possible (while the process still has a /proc entry), and kept.
 */
#ifndef ISOLENS_TRACE_COUNTS_H
#define ISOLENS_TRACE_COUNTS_H

#include <stdbool.h>

#include <linux/isolens.h>

#include "trace/context.h"

struct count_cache;

struct count_cache *count_cache_new(void);
/*
 * The context slot for the process (and, for KVM events, the thread and
 * vCPU) an aggregate was counted for; *fresh is true when the slot was
 * just made and still has to be attributed.  NULL when out of memory.
 */
struct trace_context *count_cache_get(struct count_cache *c,
				      const struct isolens_event *e,
				      bool *fresh);
void count_cache_free(struct count_cache *c);

#endif
