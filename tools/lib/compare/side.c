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
#include "trace/spawn.h"
#include "vmm/stats.h"

void side_init(struct side *sd)
{
	spawn_init(&sd->proc);
	sd->out.fd = sd->err.fd = -1;
	sd->out.len = sd->err.len = 0;
	sd->out.buf[0] = sd->err.buf[0] = '\0';
}

static void capture_open(struct side_capture *c, int fd)
{
	c->fd = fd;
	if (fd >= 0)
		fcntl(fd, F_SETFL, O_NONBLOCK);
}

int side_spawn(struct side *sd, const char *exe, char *const argv[],
	       bool capture_err, struct errbuf *eb)
{
	unsigned int flags = SPAWN_STDIN_NULL | SPAWN_CAPTURE_OUT |
			     SPAWN_CLOSE_FDS;
	int err;

	if (capture_err)
		flags |= SPAWN_CAPTURE_ERR;
	err = spawn_held(&sd->proc, exe, argv, flags, eb);
	if (err)
		return err;
	capture_open(&sd->out, sd->proc.out_fd);
	capture_open(&sd->err, sd->proc.err_fd);
	return 0;
}

int side_release(struct side *sd, struct errbuf *eb)
{
	int err = spawn_release(&sd->proc, eb);

	/* an exec failure is the side's status (126 or 127), as before */
	return sd->proc.exec_failed ? 0 : err;
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

	if (sd->proc.pid <= 0 ||
	    waitpid(sd->proc.pid, &ws, WNOHANG) != sd->proc.pid)
		return 0;
	sd->proc.pid = 0;
	*status = exit_code_from_wait(ws);
	return 1;
}

void side_close(struct side *sd)
{
	spawn_close(&sd->proc); /* a held child reads EOF, exits */
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

/* The VMM's own counters, from its --stats=json line on stderr. */
void side_parse_vmm_stats(struct report_side *s, const char *err)
{
	struct vmm_result res;

	if (vmm_stats_parse_json(err, &res))
		return;
	s->vmm_user_exits = vmm_result_user_exits(&res);
	s->vmm_kernel_exits = res.kernel_exits;
	if (res.marker_ns)
		s->vmm_marker_ms = res.marker_ns / 1e6;
	s->nr_disks = res.nr_disks;
	if (res.nr_disks) {
		const struct vmm_disk_stats *d = &res.disks[0];

		s->disk.requests = d->requests;
		s->disk.read_bytes = d->read_bytes;
		s->disk.written_bytes = d->written_bytes;
		s->disk.flushes = d->flushes;
		s->disk.errors = d->errors;
		s->disk.notifies = d->notifies;
		s->disk.irqs = d->irqs;
		s->disk.needs_reset = d->needs_reset;
		/* compare passes no --no-eventfd, and `vm run` refuses disks
		 * on a KVM without ioeventfd and irqfd */
		s->disk_ioeventfd = true;
	}
}
