/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process forked held: it waits on a pipe before it execs, so that a
 * tracer can follow its pid before it runs its first instruction.  Used by
 * `isolens trace -- CMD` and by both sides of `isolens compare`.
 */
#ifndef ISOLENS_TRACE_SPAWN_H
#define ISOLENS_TRACE_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/errbuf.h"

enum spawn_flags {
	SPAWN_STDIN_NULL = 1 << 0, /* stdin from /dev/null */
	SPAWN_CAPTURE_OUT = 1 << 1, /* stdout into a pipe: out_fd */
	SPAWN_CAPTURE_ERR = 1 << 2, /* stderr into a pipe: err_fd */
	/*
	 * Close every fd above stdio in the child: no copy of another held
	 * child's release fd stays open in it, or closing that fd would
	 * never let the other child go.
	 */
	SPAWN_CLOSE_FDS = 1 << 3,
};

struct spawn {
	pid_t pid; /* 0: none, or reaped by the caller */
	int release_fd; /* the hold pipe's write end, -1 once released */
	int exec_fd; /* the exec-failure pipe's read end, -1 once read */
	int out_fd, err_fd; /* captured stdout, stderr: the caller's, or -1 */
	const char *file; /* spawn_held()'s, for the message: kept till then */
	bool exec_failed; /* spawn_release() saw the exec fail */
};

void spawn_init(struct spawn *sp);
/*
 * Fork a child that waits until spawn_release(), then execs @file (looked
 * up as execvp(3) does) with @argv, SIGINT and SIGTERM back at their
 * defaults.  If the hold pipe closes first, it exits EXIT_RUNTIME.
 */
int spawn_held(struct spawn *sp, const char *file, char *const argv[],
	       unsigned int flags, struct errbuf *eb);
/*
 * Let the child go and wait until it has exec'd: 0.  -errno when it cannot
 * be released, or when its exec failed: then sp->exec_failed is set and
 * the child exits EXIT_NOT_FOUND or EXIT_CANNOT_EXEC, to be reaped as any.
 */
int spawn_release(struct spawn *sp, struct errbuf *eb);
/*
 * Close the hold and exec pipes (a child still held reads EOF and exits)
 * and wait for the child unless the caller reaped it (pid 0).  out_fd and
 * err_fd stay the caller's.
 */
void spawn_close(struct spawn *sp);

#endif
