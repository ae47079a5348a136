/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The isolation context an event is attributed to: the host, a container
 * (isolens' own or a foreign runtime's), a VM, or an unnamed set of
 * namespaces that differs from the host's.
 */
#ifndef ISOLENS_TRACE_CONTEXT_H
#define ISOLENS_TRACE_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

enum trace_ctx_type {
	TRACE_CTX_HOST = 0,
	TRACE_CTX_CONTAINER,
	TRACE_CTX_VM,
	TRACE_CTX_ISOLATED, /* namespaces differ from the host, no name */
};

struct trace_context {
	enum trace_ctx_type type;
	bool own; /* started by isolens (from its state files) */
	int vcpu; /* VM events: vCPU index, or -1 */
	char name[96]; /* container name or id, VM name, or "uts,net" */
	char runtime[24]; /* isolens, runc, docker, podman, qemu, ... */
};

const char *trace_ctx_type_name(enum trace_ctx_type t);

/* "[host]", "[ctr web]", "[vm demo/vcpu0]", "[ns uts,net]" */
int trace_context_label(const struct trace_context *c, char *buf, size_t len);

#endif
