// SPDX-License-Identifier: GPL-2.0
/*
 * A process forked held (spawn.h).  The child blocks reading the hold
 * pipe; one byte releases it.  A second close-on-exec pipe tells the
 * parent how exec went: EOF when it succeeded, the errno when it failed,
 * so that the library never prints and the caller reports the failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/exit.h"
#include "trace/spawn.h"

void spawn_init(struct spawn *sp)
{
	sp->pid = 0;
	sp->release_fd = -1;
	sp->exec_fd = -1;
	sp->out_fd = -1;
	sp->err_fd = -1;
	sp->file = NULL;
	sp->exec_failed = false;
}

static void close_pipe(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* Close every fd above stdio but @a and @b. */
static void close_fds_but(int a, int b)
{
	unsigned int lo = a < b ? a : b, hi = a < b ? b : a;

	/* an empty range fails with EINVAL and closes nothing */
	close_range(STDERR_FILENO + 1, lo - 1, 0);
	close_range(lo + 1, hi - 1, 0);
	close_range(hi + 1, ~0U, 0);
}

static void __attribute__((noreturn))
child(int hold, int report, const char *file, char *const argv[])
{
	ssize_t n;
	int err;
	char c;

	if (read(hold, &c, 1) != 1)
		_exit(EXIT_RUNTIME);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(file, argv);
	err = errno;
	n = write(report, &err, sizeof(err)); /* the parent reports it */
	(void)n;
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

int spawn_held(struct spawn *sp, const char *file, char *const argv[],
	       unsigned int flags, struct errbuf *eb)
{
	int go[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int o[2] = { -1, -1 }, e[2] = { -1, -1 }, err;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(ex, O_CLOEXEC) ||
	    ((flags & SPAWN_CAPTURE_OUT) && pipe2(o, O_CLOEXEC)) ||
	    ((flags & SPAWN_CAPTURE_ERR) && pipe2(e, O_CLOEXEC))) {
		err = errbuf_errno(eb, errno, "pipe");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		err = errbuf_errno(eb, errno, "fork");
		goto fail;
	}
	if (pid == 0) {
		if (flags & SPAWN_STDIN_NULL) {
			int null = open("/dev/null", O_RDONLY);

			if (null >= 0)
				dup2(null, STDIN_FILENO);
		}
		if (o[1] >= 0)
			dup2(o[1], STDOUT_FILENO);
		if (e[1] >= 0)
			dup2(e[1], STDERR_FILENO);
		if (flags & SPAWN_CLOSE_FDS)
			close_fds_but(go[0], ex[1]);
		else
			close(go[1]); /* the others close on exec */
		child(go[0], ex[1], file, argv);
	}
	close(go[0]);
	close(ex[1]);
	sp->release_fd = go[1];
	sp->exec_fd = ex[0];
	if (o[1] >= 0)
		close(o[1]);
	if (e[1] >= 0)
		close(e[1]);
	sp->out_fd = o[0];
	sp->err_fd = e[0];
	sp->file = file;
	sp->exec_failed = false;
	sp->pid = pid;
	return 0;
fail:
	close_pipe(go);
	close_pipe(ex);
	close_pipe(o);
	close_pipe(e);
	return err;
}

int spawn_release(struct spawn *sp, struct errbuf *eb)
{
	int err = 0, ex;
	ssize_t n;

	if (write(sp->release_fd, "g", 1) != 1)
		err = errbuf_errno(eb, errno ?: EIO, "cannot release pid %d",
				   sp->pid);
	close(sp->release_fd);
	sp->release_fd = -1;
	if (err)
		return err;
	do
		n = read(sp->exec_fd, &ex, sizeof(ex));
	while (n < 0 && errno == EINTR);
	close(sp->exec_fd);
	sp->exec_fd = -1;
	if (n != sizeof(ex))
		return 0; /* EOF: close-on-exec fired, the command runs */
	sp->exec_failed = true;
	return errbuf_errno(eb, ex, "cannot run '%s'", sp->file);
}

void spawn_close(struct spawn *sp)
{
	if (sp->release_fd >= 0)
		close(sp->release_fd); /* a held child reads EOF, exits */
	sp->release_fd = -1;
	if (sp->exec_fd >= 0)
		close(sp->exec_fd);
	sp->exec_fd = -1;
	if (sp->pid > 0)
		waitpid(sp->pid, NULL, 0);
	sp->pid = 0;
}
