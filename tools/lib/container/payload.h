/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to tools/lib/container: the last steps before execve. */
#ifndef ISOLENS_CONTAINER_PAYLOAD_H
#define ISOLENS_CONTAINER_PAYLOAD_H

#include "container.h"

/* What a child reports over its close-on-exec pipe when it fails. */
struct ctr_payload_error {
	int code; /* EXIT_RUNTIME, EXIT_CANNOT_EXEC or EXIT_NOT_FOUND */
	int err;
	char msg[512];
};

struct ctr_payload {
	char *const *argv;
	const char *const *env; /* extra K=V, applied last */
	int nenv;
	const char *hostname; /* for $HOSTNAME, may be NULL */
	const char *workdir;
	uint64_t caps;
	const struct container_seccomp *seccomp; /* NULL: unconfined */
	bool rootless; /* setgroups is denied in our user namespace */
	const gid_t *groups; /* supplementary groups: exactly these */
	int ngroups;
	int preserve_fds; /* fds 3 .. 3+N-1 stay open, all others close */
	int tty_sock; /* --tty: hand the pty master over this, else -1 */
};

/* Report a failure on errfd and _exit(code). */
void ctr_payload_fail(int errfd, int code, const struct errbuf *eb)
	__attribute__((noreturn));
/*
 * Environment, workdir, groups, a new session (and the pty with --tty),
 * parent-death signal, fds closed, capabilities, no_new_privs, seccomp,
 * execvp.
 */
void ctr_payload_exec(const struct ctr_payload *p, int errfd)
	__attribute__((noreturn));
/* Parent side: read errfd until EOF; returns 0 (exec happened) or the
 * child's failure, copied into eb, with *code set. */
int ctr_payload_wait_exec(int errfd, int *code, struct errbuf *eb);

#endif
