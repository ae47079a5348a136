// SPDX-License-Identifier: GPL-2.0
/*
 * The module backend: records from read() on /dev/isolens, in the same
 * uapi layout the BPF programs write, so decode, attribution and summary
 * are shared.  The module filters by class in the kernel; the selection
 * (followed processes, pid namespace, cgroup) is applied here, because the
 * module's filter ANDs its criteria while trace ORs them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "trace/backend.h"

#define ISOLENS_DEV "/dev/" ISOLENS_DEVICE_NAME
#define READ_BUF (64 * 1024)

struct module_priv {
	int fd;
	struct trace_opts o;
	pid_t *follow; /* followed tgids, grown as they fork */
	/* proc events asked of the module only to see forks, not shown */
	bool proc_for_follow_only;
	size_t nfollow, cap;
	char buf[READ_BUF];
};

static bool followed(const struct module_priv *m, pid_t pid)
{
	size_t i;

	for (i = 0; i < m->nfollow; i++)
		if (m->follow[i] == pid)
			return true;
	return false;
}

static int module_follow(struct trace_backend *b, pid_t pid)
{
	struct module_priv *m = b->priv;
	pid_t *grown;

	if (followed(m, pid))
		return 0;
	if (m->nfollow == m->cap) {
		grown = realloc(m->follow, (m->cap * 2 + 16) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		m->follow = grown;
		m->cap = m->cap * 2 + 16;
	}
	m->follow[m->nfollow++] = pid;
	return 0;
}

static bool selected(struct trace_backend *b, const struct isolens_event *e)
{
	struct module_priv *m = b->priv;
	const struct trace_opts *o = &m->o;
	bool any = m->nfollow || o->by_cgroup || o->pidns;

	if (!any)
		return true;
	if (followed(m, e->hdr.pid)) {
		/* descendants are followed from their fork on, as in BPF */
		if (e->hdr.kind == ISOLENS_EV_FORK)
			module_follow(b, e->proc.child_pid);
		return !m->proc_for_follow_only ||
		       isolens_kind_class(e->hdr.kind) != ISOLENS_CLASS_PROC;
	}
	if (m->proc_for_follow_only &&
	    isolens_kind_class(e->hdr.kind) == ISOLENS_CLASS_PROC)
		return false;
	if (o->pidns && e->hdr.ns.pid == o->pidns)
		return true;
	/* the module knows a task's cgroup, not its ancestors: exact match */
	return o->by_cgroup && e->hdr.cgroup_id == o->cgroup_id;
}

static int module_open(struct trace_backend *b, const struct trace_opts *o,
		       struct errbuf *eb)
{
	struct isolens_filter filter = { .classes = o->classes };
	struct module_priv *m;
	__u32 abi = 0;
	size_t i;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m)
		return errbuf_errno(eb, ENOMEM, "module backend");
	m->o = *o;
	m->o.follow = NULL;
	m->fd = open(ISOLENS_DEV, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (m->fd < 0) {
		err = errno;
		free(m);
		if (err == ENOENT || err == ENXIO || err == ENODEV)
			return errbuf_set(
				eb, err,
				"no %s: the isolens module is not loaded (insmod module/isolens.ko, in the lab VM)",
				ISOLENS_DEV);
		return errbuf_errno(eb, err, "cannot open %s", ISOLENS_DEV);
	}
	b->priv = m;
	if (ioctl(m->fd, ISOLENS_IOC_ABI_VERSION, &abi) ||
	    abi != ISOLENS_ABI_VERSION) {
		err = errbuf_set(
			eb, EPROTO,
			"%s speaks event ABI %u, this isolens %d: load the module built with it",
			ISOLENS_DEV, abi, ISOLENS_ABI_VERSION);
		goto fail;
	}
	/* following descendants needs their forks, wanted or not */
	if (o->nfollow && !(o->classes & ISOLENS_CLASS_PROC)) {
		filter.classes |= ISOLENS_CLASS_PROC;
		m->proc_for_follow_only = true;
	}
	if (ioctl(m->fd, ISOLENS_IOC_SET_FILTER, &filter)) {
		err = errbuf_errno(eb, errno, "%s: setting the class filter",
				   ISOLENS_DEV);
		goto fail;
	}
	for (i = 0; i < o->nfollow; i++)
		if (module_follow(b, o->follow[i])) {
			err = errbuf_errno(eb, ENOMEM, "module backend");
			goto fail;
		}
	b->classes = o->classes;
	if (o->stacks)
		trace_backend_note(
			b,
			"the module backend records no kernel stacks: --stacks needs --backend bpf");
	if (o->by_cgroup)
		trace_backend_note(
			b,
			"the module backend matches the cgroup itself, not its descendants");
	return 0;
fail:
	close(m->fd);
	free(m->follow);
	free(m);
	b->priv = NULL;
	return err;
}

static int module_poll(struct trace_backend *b, int timeout_ms)
{
	struct module_priv *m = b->priv;
	struct pollfd pfd = { .fd = m->fd, .events = POLLIN };
	int delivered = 0;
	ssize_t n, off;

	if (poll(&pfd, 1, timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	if (pfd.revents & (POLLERR | POLLHUP) && !(pfd.revents & POLLIN))
		return -ENODEV; /* the module is going away */
	for (;;) {
		n = read(m->fd, m->buf, sizeof(m->buf));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? delivered :
								   -errno;
		if (n == 0)
			return delivered;
		/* read() hands out whole records only; check anyway */
		for (off = 0;
		     off + (ssize_t)sizeof(struct isolens_event_hdr) <= n;) {
			const struct isolens_event *e =
				(const void *)(m->buf + off);

			if (e->hdr.size < sizeof(e->hdr) ||
			    off + e->hdr.size > n)
				return -EPROTO;
			if (selected(b, e)) {
				delivered++;
				if (b->cb(b->cb_ctx, e, e->hdr.size))
					return delivered;
			}
			off += e->hdr.size;
		}
	}
}

static int module_stats(struct trace_backend *b, struct trace_stats *st)
{
	struct module_priv *m = b->priv;
	struct isolens_stats s;

	if (ioctl(m->fd, ISOLENS_IOC_GET_STATS, &s))
		return -errno;
	/* what the module produced for this reader: delivered or dropped */
	st->events = s.events + s.drops;
	st->lost[TRACE_LOSS_RINGBUF] = s.drops;
	return 0;
}

static void module_close(struct trace_backend *b)
{
	struct module_priv *m = b->priv;

	if (!m)
		return;
	close(m->fd);
	free(m->follow);
	free(m);
	b->priv = NULL;
}

const struct trace_backend_ops trace_backend_module_ops = {
	.name = "module",
	.open = module_open,
	.poll = module_poll,
	.follow = module_follow,
	.stats = module_stats,
	.close = module_close,
};
