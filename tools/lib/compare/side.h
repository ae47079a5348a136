/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens compare: one side of a comparison as a process.  It is forked
 * held on a pipe, so that the tracer can follow it before it runs its
 * first instruction, released, drained of its output while it runs and
 * sampled for memory: from a /proc and a cgroup directory that are
 * parameters, so that tests can give their own.
 */
#ifndef ISOLENS_COMPARE_SIDE_H
#define ISOLENS_COMPARE_SIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/errbuf.h"
#include "compare/report.h"
#include "trace/spawn.h"

/* What both sides print before the command: "isolens-uname\n<release>\n" */
#define SIDE_UNAME_TAG "isolens-uname"
#define SIDE_CAPTURE_MAX 16384

/* The head of an output stream; the rest is read and dropped. */
struct side_capture {
	int fd; /* -1: closed or not captured */
	char buf[SIDE_CAPTURE_MAX];
	size_t len;
};

struct side {
	struct spawn proc; /* proc.pid 0: none, or reaped */
	struct side_capture out, err;
};

void side_init(struct side *sd);
/*
 * Fork @exe with @argv, held until side_release() (trace/spawn.h): stdin
 * /dev/null, stdout captured, and stderr too if @capture_err.
 */
int side_spawn(struct side *sd, const char *exe, char *const argv[],
	       bool capture_err, struct errbuf *eb);
int side_release(struct side *sd, struct errbuf *eb);
/* Read what the output pipes hold now, without blocking. */
void side_drain(struct side *sd);
/* 1 and *status (as a shell reports it) once it exited; else 0. */
int side_reap(struct side *sd, int *status);
/* Close everything; a child still held reads EOF and exits, is waited for. */
void side_close(struct side *sd);

/*
 * One memory sample into the side's peaks: the cgroup's memory.peak (or
 * memory.current) and the sum of VmHWM of the processes in its
 * cgroup.procs when @cgroup is given, else (or when that sums to 0) the
 * VmHWM of @pid.
 */
void side_sample(struct report_side *s, const char *proc, const char *cgroup,
		 pid_t pid);

/* "isolens-uname\n6.1.0\nrest" (CR LF too) -> s->uname and s->output. */
void side_parse_output(struct report_side *s, char *buf);
/*
 * The VMM's own counters from the last `isolens vm run --stats=json` line
 * in @err (its stderr): exits, the init marker and the root disk's
 * requests; what the line lacks stays as report_init() left it.
 */
void side_parse_vmm_stats(struct report_side *s, const char *err);

#endif
