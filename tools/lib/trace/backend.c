// SPDX-License-Identifier: GPL-2.0
/* Backend selection and the parts every backend shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "trace/backend.h"

#define TRACEFS "/sys/kernel/tracing"

static const struct trace_backend_ops *const backends[] = {
	&trace_backend_bpf_ops,
	&trace_backend_module_ops,
};

const char *trace_backend_choose(const char *want, char *why, size_t len)
{
	if (strcmp(want, "auto")) {
		snprintf(why, len, "--backend %s", want);
		return want;
	}
	if (!access("/dev/" ISOLENS_DEVICE_NAME, F_OK)) {
		snprintf(why, len,
			 "/dev/%s exists: the isolens module is loaded",
			 ISOLENS_DEVICE_NAME);
		return "module";
	}
	snprintf(why, len,
		 "no /dev/%s (module not loaded): using the CO-RE BPF programs",
		 ISOLENS_DEVICE_NAME);
	return "bpf";
}

int trace_backend_open(struct trace_backend **out, const char *name,
		       const struct trace_opts *o, trace_record_fn cb,
		       void *cb_ctx, struct errbuf *eb)
{
	const struct trace_backend_ops *ops = NULL;
	struct trace_backend *b;
	size_t i;
	int err;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			ops = backends[i];
	if (!ops)
		return errbuf_set(eb, ENOENT, "unknown trace backend '%s'",
				  name);
	b = calloc(1, sizeof(*b));
	if (!b)
		return errbuf_errno(eb, ENOMEM, "trace backend");
	b->ops = ops;
	b->cb = cb;
	b->cb_ctx = cb_ctx;
	err = ops->open(b, o, eb);
	if (err) {
		free(b);
		return err;
	}
	*out = b;
	return 0;
}

int trace_backend_poll(struct trace_backend *b, int timeout_ms)
{
	return b->ops->poll(b, timeout_ms);
}

int trace_backend_follow(struct trace_backend *b, pid_t pid)
{
	return b->ops->follow ? b->ops->follow(b, pid) : -EOPNOTSUPP;
}

static const struct {
	const char *name, *hint;
} losses[TRACE_LOSS_MAX] = {
	[TRACE_LOSS_RINGBUF] = { "ring_buffer_full", "raise --buffer" },
	[TRACE_LOSS_COUNT_FULL] = { "count_table_full",
				    "narrow the selection" },
	[TRACE_LOSS_FOLLOW_FULL] = { "follow_table_full",
				     "too many processes to follow" },
	[TRACE_LOSS_CAP_ARGS] = { "cap_args_full", "kprobe fallback" },
	[TRACE_LOSS_RECURSION] = { "recursion",
				   "another BPF program ran on that CPU" },
};

const char *trace_loss_name(enum trace_loss l)
{
	return l < TRACE_LOSS_MAX ? losses[l].name : "unknown";
}

const char *trace_loss_hint(enum trace_loss l)
{
	return l < TRACE_LOSS_MAX ? losses[l].hint : "";
}

int trace_backend_stats(struct trace_backend *b, struct trace_stats *st)
{
	int err, i;

	memset(st, 0, sizeof(*st));
	err = b->ops->stats ? b->ops->stats(b, st) : -EOPNOTSUPP;
	for (i = 0; i < TRACE_LOSS_MAX; i++)
		st->drops += st->lost[i];
	return err;
}

int trace_backend_counts(struct trace_backend *b, bool totals,
			 trace_count_fn fn, void *ctx)
{
	return b->ops->counts ? b->ops->counts(b, totals, fn, ctx) :
				-EOPNOTSUPP;
}

void trace_backend_identify(struct trace_backend *b, struct isolens_event *e)
{
	if (b->ops->identify)
		b->ops->identify(b, e);
}

void trace_backend_close(struct trace_backend *b)
{
	if (!b)
		return;
	b->ops->close(b);
	free(b);
}

void trace_backend_note(struct trace_backend *b, const char *fmt, ...)
{
	va_list ap;

	if (b->nnotes >= TRACE_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(b->notes[b->nnotes], sizeof(b->notes[0]), fmt, ap);
	va_end(ap);
	b->nnotes++;
}

bool tracefs_event_exists(const char *category, const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s", category, event);
	return access(path, F_OK) == 0;
}

/*
 * libbpf attaches "tp/" programs through perf_event_open() with the event
 * id it reads from tracefs, so tracefs must be mounted; many systems do
 * not mount it by default.
 */
int tracefs_ensure(struct errbuf *eb)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return errbuf_errno(eb, errno, "cannot mount tracefs on %s",
				    TRACEFS);
	return 0;
}
