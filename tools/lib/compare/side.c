// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: one side as a process (side.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/exit.h"
#include "base/fileio.h"
#include "base/procfs.h"
#include "compare/side.h"
#include "container/container.h"

#define SIDE_HOLD_FD 3 /* in the child, until it execs */

void side_init(struct side *sd)
{
	sd->pid = 0;
	sd->release_fd = -1;
	sd->out.fd = sd->err.fd = -1;
	sd->out.len = sd->err.len = 0;
	sd->out.buf[0] = sd->err.buf[0] = '\0';
}

static void capture_open(struct side_capture *c, int fd)
{
	c->fd = fd;
	fcntl(fd, F_SETFL, O_NONBLOCK);
}

int side_spawn(struct side *sd, const char *exe, char *const argv[],
	       bool capture_err, struct errbuf *eb)
{
	int go[2], o[2], e[2] = { -1, -1 }, err;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return errbuf_errno(eb, errno, "pipe");
	if (pipe2(o, O_CLOEXEC)) {
		err = errbuf_errno(eb, errno, "pipe");
		goto fail_go;
	}
	if (capture_err && pipe2(e, O_CLOEXEC)) {
		err = errbuf_errno(eb, errno, "pipe");
		goto fail_o;
	}
	pid = fork();
	if (pid < 0) {
		err = errbuf_errno(eb, errno, "fork");
		goto fail_e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		char c;

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(o[1], STDOUT_FILENO);
		if (capture_err)
			dup2(e[1], STDERR_FILENO);
		/*
		 * Keep only the hold pipe's read end: no copy of a release
		 * fd (ours or another side's) may stay open in a held
		 * child, or closing it would never let the child go.
		 */
		if (dup3(go[0], SIDE_HOLD_FD, O_CLOEXEC) < 0 && errno != EINVAL)
			_exit(EXIT_RUNTIME);
		close_range(SIDE_HOLD_FD + 1, ~0U, 0);
		if (read(SIDE_HOLD_FD, &c, 1) != 1)
			_exit(EXIT_RUNTIME);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(exe, argv);
		_exit(EXIT_CANNOT_EXEC);
	}
	close(go[0]);
	close(o[1]);
	capture_open(&sd->out, o[0]);
	if (capture_err) {
		close(e[1]);
		capture_open(&sd->err, e[0]);
	}
	sd->release_fd = go[1];
	sd->pid = pid;
	return 0;
fail_e:
	if (capture_err) {
		close(e[0]);
		close(e[1]);
	}
fail_o:
	close(o[0]);
	close(o[1]);
fail_go:
	close(go[0]);
	close(go[1]);
	return err;
}

int side_release(struct side *sd, struct errbuf *eb)
{
	int err = 0;

	if (write(sd->release_fd, "g", 1) != 1)
		err = errbuf_errno(eb, errno ?: EIO, "cannot release pid %d",
				   sd->pid);
	close(sd->release_fd);
	sd->release_fd = -1;
	return err;
}

static void capture_drain(struct side_capture *c)
{
	ssize_t n;

	while (c->fd >= 0) {
		if (c->len >= sizeof(c->buf) - 1) {
			char junk[4096];

			n = read(c->fd, junk, sizeof(junk)); /* keep the head */
		} else {
			n = read(c->fd, c->buf + c->len,
				 sizeof(c->buf) - 1 - c->len);
			if (n > 0)
				c->len += n;
		}
		if (n <= 0) {
			if (n == 0) {
				close(c->fd);
				c->fd = -1;
			}
			break;
		}
	}
	c->buf[c->len] = 0;
}

void side_drain(struct side *sd)
{
	capture_drain(&sd->out);
	capture_drain(&sd->err);
}

int side_reap(struct side *sd, int *status)
{
	int ws;

	if (sd->pid <= 0 || waitpid(sd->pid, &ws, WNOHANG) != sd->pid)
		return 0;
	sd->pid = 0;
	*status = exit_code_from_wait(ws);
	return 1;
}

void side_close(struct side *sd)
{
	if (sd->release_fd >= 0)
		close(sd->release_fd); /* a held child reads EOF, exits */
	sd->release_fd = -1;
	if (sd->pid > 0)
		waitpid(sd->pid, NULL, 0);
	sd->pid = 0;
	if (sd->out.fd >= 0)
		close(sd->out.fd);
	if (sd->err.fd >= 0)
		close(sd->err.fd);
	sd->out.fd = sd->err.fd = -1;
}

/* ---- memory samples ------------------------------------------------------ */

static int64_t read_i64(const char *dir, const char *file)
{
	char buf[32], *end;
	long long v;

	if (file_read_str(dir, file, buf, sizeof(buf)))
		return -1;
	v = strtoll(buf, &end, 10);
	return end == buf ? -1 : v;
}

void side_sample(struct report_side *s, const char *proc, const char *cgroup,
		 pid_t pid)
{
	uint64_t kb = 0;

	if (cgroup && cgroup[0]) {
		char path[4200];
		int64_t v = read_i64(cgroup, "memory.peak");
		FILE *f;
		int p;

		if (v < 0)
			v = read_i64(cgroup, "memory.current");
		if (v > s->cg_mem_peak)
			s->cg_mem_peak = v;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		f = fopen(path, "re");
		if (f) {
			while (fscanf(f, "%d", &p) == 1)
				kb += procfs_vm_hwm_kb(proc, p);
			fclose(f);
		}
	}
	if (!kb && pid > 0)
		kb = procfs_vm_hwm_kb(proc, pid);
	if (kb > s->rss_peak_kb)
		s->rss_peak_kb = kb;
}

/* ---- output -------------------------------------------------------------- */

void side_parse_output(struct report_side *s, char *buf)
{
	char *p, *q, *w;

	/* the guest console sends CR LF */
	for (p = q = buf; *p; p++)
		if (*p != '\r')
			*q++ = *p;
	*q = 0;
	p = strstr(buf, SIDE_UNAME_TAG "\n");
	if (!p) {
		snprintf(s->output, sizeof(s->output), "%s", buf);
		return;
	}
	p += strlen(SIDE_UNAME_TAG) + 1;
	q = strchr(p, '\n');
	w = q ? q + 1 : p + strlen(p);
	snprintf(s->uname, sizeof(s->uname), "%.*s",
		 (int)(q ? q - p : (long)strlen(p)), p);
	snprintf(s->output, sizeof(s->output), "%s", w);
}
