// SPDX-License-Identifier: GPL-2.0
/*
 * The last steps in the container's pid 1 (and in `exec`'d processes):
 * environment, working directory, supplementary groups, a session of its
 * own, the parent-death signal, every inherited fd closed, capabilities,
 * no_new_privs, seccomp, execve.  Seccomp comes last so the filter never
 * constrains the runtime's own setup, only the payload.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "ctr.h"
#include "payload.h"

void ctr_payload_fail(int errfd, int code, const struct errbuf *eb)
{
	struct ctr_payload_error pe = { .code = code, .err = eb->err };
	ssize_t n;

	snprintf(pe.msg, sizeof(pe.msg), "%s", eb->msg);
	n = write(errfd, &pe, sizeof(pe));
	(void)n;
	_exit(code);
}

/*
 * The kernel clears the parent-death signal whenever the credentials
 * change (commit_creds), so it is set here, after the last setres[ug]id
 * and before capabilities are only ever dropped (a subset keeps it).  The
 * runtime may have died before it was set: then nobody reads our error
 * pipe any more, and a pipe's write end polls POLLERR without readers.
 */
static void supervise(int errfd)
{
	struct pollfd pfd = { .fd = errfd, .events = POLLOUT };

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR))
		_exit(EXIT_RUNTIME);
}

/*
 * Nothing the runtime or its caller holds may reach the payload (an fd to
 * a host directory walks out of any rootfs: CVE-2024-21626).  Every fd
 * from 3 + preserve_fds up is marked close-on-exec in one close_range();
 * the error pipe is moved above the preserved range first, so the kernel
 * closes it at execve as the parent's EOF signal.
 */
static int close_inherited(int *errfd, int preserve, struct errbuf *eb)
{
	unsigned int first = 3 + (unsigned int)preserve;

	if (*errfd < (int)first) {
		int fd = fcntl(*errfd, F_DUPFD_CLOEXEC, (int)first);

		if (fd < 0)
			return errbuf_errno(eb, errno, "moving the error pipe");
		close(*errfd);
		*errfd = fd;
	}
	if (close_range(first, ~0U, CLOSE_RANGE_CLOEXEC))
		return errbuf_errno(eb, errno, "close_range");
	return 0;
}

void ctr_payload_exec(const struct ctr_payload *p, int errfd)
{
	static char hostname_env[80];
	struct errbuf eb = { 0 };
	const char *term = getenv("TERM");
	char term_env[64];
	int i, err;

	if (term)
		snprintf(term_env, sizeof(term_env), "TERM=%s", term);
	clearenv();
	setenv("PATH",
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	       1);
	setenv("HOME", "/root", 1);
	setenv("container", "isolens", 1);
	if (term)
		putenv(term_env);
	if (p->hostname) {
		snprintf(hostname_env, sizeof(hostname_env), "HOSTNAME=%s",
			 p->hostname);
		putenv(hostname_env);
	}
	for (i = 0; i < p->nenv; i++)
		putenv((char *)p->env[i]);

	if (p->workdir && chdir(p->workdir)) {
		errbuf_errno(&eb, errno, "workdir %s", p->workdir);
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	}
	/* Exactly the groups asked for; none of the caller's. */
	if (!p->rootless && setgroups((size_t)p->ngroups, p->groups)) {
		errbuf_errno(&eb, errno, "setgroups");
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	}
	/* No controlling terminal: TIOCSTI on an inherited tty is refused. */
	if (setsid() < 0) {
		errbuf_errno(&eb, errno, "setsid");
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	}
	if (p->tty_sock >= 0) {
		err = ctr_console_setup_child(p->tty_sock, &eb);
		if (err)
			ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
		close(p->tty_sock);
	}
	supervise(errfd);
	err = close_inherited(&errfd, p->preserve_fds, &eb);
	if (err)
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	err = ctr_caps_apply(p->caps, &eb);
	if (err)
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		errbuf_errno(&eb, errno, "no_new_privs");
		ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	}
	if (p->seccomp) {
		err = container_seccomp_load(p->seccomp, &eb);
		if (err)
			ctr_payload_fail(errfd, EXIT_RUNTIME, &eb);
	}
	execvp(p->argv[0], p->argv);
	err = errno;
	if (err == ENOENT || err == ENOTDIR) {
		errbuf_set(&eb, err, "command not found: %s", p->argv[0]);
		ctr_payload_fail(errfd, EXIT_NOT_FOUND, &eb);
	}
	errbuf_errno(&eb, err, "cannot execute %s", p->argv[0]);
	ctr_payload_fail(errfd, EXIT_CANNOT_EXEC, &eb);
}

int ctr_payload_wait_exec(int errfd, int *code, struct errbuf *eb)
{
	struct ctr_payload_error pe;
	ssize_t n;

	do
		n = read(errfd, &pe, sizeof(pe));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0; /* EOF: close-on-exec fired, the payload runs */
	if ((size_t)n < sizeof(pe)) {
		*code = EXIT_RUNTIME;
		return errbuf_set(eb, EIO, "short report from the container");
	}
	pe.msg[sizeof(pe.msg) - 1] = '\0';
	*code = pe.code;
	return errbuf_set(eb, pe.err ? pe.err : EIO, "%s", pe.msg);
}
