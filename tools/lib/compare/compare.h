/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens compare as a library: run one busybox command in an isolens
 * container and in an isolens micro-VM booting the host's kernel, trace
 * both with one session on the host, and fill the report model
 * (compare/report.h) that the renderers turn into text, JSON, HTML or a
 * Perfetto trace.  docs/compare.md describes what is measured and how.
 *
 * Like every library here it never prints and never exits: progress goes
 * to the caller's note callback, failures come back as -errno with a
 * message in the struct errbuf.
 */
#ifndef ISOLENS_COMPARE_H
#define ISOLENS_COMPARE_H

#include <signal.h>

#include "base/errbuf.h"
#include "compare/report.h"

/* The fixed settings of both sides (docs/compare.md). */
#define COMPARE_CTR_MEMORY_MIB 64
#define COMPARE_CTR_PIDS 32
#define COMPARE_VM_MEMORY_MIB 256
#define COMPARE_VM_CPUS 1
#define COMPARE_VM_TIMEOUT "300s"
#define COMPARE_COMMAND_MAX 1024 /* bytes of the command, at most */

struct compare_opts {
	const char *workload; /* a built-in workload's name, or "" */
	const char *command; /* the busybox sh command both sides run */
	/* the isolens binary each side runs as `container run` / `vm run` */
	const char *isolens;
	/* one line of progress for the user; NULL: none */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
	/* set (to a signal number) asynchronously to stop; may be NULL */
	volatile sig_atomic_t *stop;
};

/*
 * Check that this host can compare (root, a KVM that boots Linux, pure
 * cgroup v2), run both sides one after the other and fill @r (which
 * report_free() releases).  0 when the report is complete, whether or not
 * each side ran the command (see r->side[].uname and .status); -errno
 * otherwise, -EINTR when *stop was set during the container side.
 */
int compare_run(const struct compare_opts *o, struct report *r,
		struct errbuf *eb);

#endif
