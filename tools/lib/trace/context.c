// SPDX-License-Identifier: GPL-2.0
/* The isolation context of an event: its names and its label (context.h). */
#include <stdio.h>

#include "trace/context.h"

const char *trace_ctx_type_name(enum trace_ctx_type t)
{
	switch (t) {
	case TRACE_CTX_HOST:
		return "host";
	case TRACE_CTX_CONTAINER:
		return "container";
	case TRACE_CTX_VM:
		return "vm";
	case TRACE_CTX_ISOLATED:
		return "isolated";
	}
	return "?";
}

int trace_context_label(const struct trace_context *c, char *buf, size_t len)
{
	switch (c->type) {
	case TRACE_CTX_CONTAINER:
		return snprintf(buf, len, "[ctr %s]", c->name);
	case TRACE_CTX_VM:
		if (c->vcpu >= 0)
			return snprintf(buf, len, "[vm %s/vcpu%d]", c->name,
					c->vcpu);
		return snprintf(buf, len, "[vm %s]", c->name);
	case TRACE_CTX_ISOLATED:
		return snprintf(buf, len, "[ns %s]", c->name);
	case TRACE_CTX_HOST:
		break;
	}
	return snprintf(buf, len, "[host]");
}
