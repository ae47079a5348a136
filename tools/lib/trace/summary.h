/* SPDX-License-Identifier: GPL-2.0 */
/* End-of-trace summary: counts by class and context, exits per vCPU, drops. */
#ifndef ISOLENS_TRACE_SUMMARY_H
#define ISOLENS_TRACE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/isolens.h>

#include "trace/backend.h"
#include "trace/context.h"

struct summary_count {
	char key[128];
	uint64_t n;
};

struct summary_vcpu {
	char label[128]; /* "[vm demo/vcpu0]" */
	uint64_t total;
	struct summary_count *reasons; /* "SVM io" -> n */
	size_t nreasons;
	uint64_t to_vmm; /* kvm_userspace_exit: KVM_RUN returned */
	struct summary_count *vmm_reasons; /* "IO" -> n */
	size_t nvmm_reasons;
};

struct trace_summary {
	uint64_t total; /* records received */
	uint64_t by_class[5]; /* proc ns cgroup kvm cap */
	uint64_t by_kind[ISOLENS_EV_MAX];
	struct summary_count *by_ctx;
	size_t nctx;
	struct summary_vcpu *vcpus;
	size_t nvcpus;
	uint64_t bad; /* malformed records */
};

void summary_init(struct trace_summary *s);
void summary_add(struct trace_summary *s, const struct isolens_event *e,
		 const struct trace_context *ctx);
/* n events like e at once (trace --count) */
void summary_add_n(struct trace_summary *s, const struct isolens_event *e,
		   const struct trace_context *ctx, uint64_t n);
/* Text (multi-line) or one JSON object; malloc'd string, or NULL. */
char *summary_format_text(const struct trace_summary *s,
			  const struct trace_stats *st);
char *summary_format_json(const struct trace_summary *s,
			  const struct trace_stats *st);
void summary_free(struct trace_summary *s);

#endif
