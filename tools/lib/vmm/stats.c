// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/kvm_exit.h"
#include "base/util.h"
#include "vmm/stats.h"

void kvm_stat_open(struct kvm_stat *st, int kvm_obj_fd, const char *name)
{
	struct kvm_stats_header hdr;
	size_t desc_size;
	uint8_t *descs = NULL;
	uint32_t i;
	int fd;

	st->fd = -1;
	st->off = 0;
	fd = ioctl(kvm_obj_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return;
	if (pread(fd, &hdr, sizeof(hdr), 0) != sizeof(hdr) ||
	    hdr.name_size == 0 || hdr.name_size > 4096 || hdr.num_desc == 0 ||
	    hdr.num_desc > 4096)
		goto fail;
	desc_size = sizeof(struct kvm_stats_desc) + hdr.name_size;
	descs = calloc(hdr.num_desc, desc_size);
	if (!descs)
		goto fail;
	if (pread(fd, descs, desc_size * hdr.num_desc, hdr.desc_offset) !=
	    (ssize_t)(desc_size * hdr.num_desc))
		goto fail;
	for (i = 0; i < hdr.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * desc_size);

		d->name[hdr.name_size - 1] = '\0';
		if (!strcmp(d->name, name) && d->size >= 1) {
			st->fd = fd;
			st->off = (uint64_t)hdr.data_offset + d->offset;
			free(descs);
			return;
		}
	}
fail:
	free(descs);
	close(fd);
}

void kvm_stat_close(struct kvm_stat *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

int64_t kvm_stat_read(const struct kvm_stat *st)
{
	uint64_t v;

	if (st->fd < 0 || pread(st->fd, &v, sizeof(v), st->off) != sizeof(v))
		return -1;
	return (int64_t)v;
}

uint64_t vmm_result_user_exits(const struct vmm_result *res)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < VMM_NR_REASONS; i++)
		total += res->exits[i];
	return total;
}

/* ---- --stats=json ------------------------------------------------------ */

/* enum vmm_stop in the JSON: stable words, not vmm_stop_name()'s prose. */
static const char *const stop_words[] = {
	[VMM_STOP_NONE] = "running",	  [VMM_STOP_HLT] = "halted",
	[VMM_STOP_STATUS] = "status",	  [VMM_STOP_RESET] = "reset",
	[VMM_STOP_SHUTDOWN] = "shutdown", [VMM_STOP_ERROR] = "error",
	[VMM_STOP_SIGNAL] = "signal",	  [VMM_STOP_CONSOLE] = "console",
	[VMM_STOP_TIMEOUT] = "timeout",	  [VMM_STOP_POWEROFF] = "poweroff",
};

#define NSTOP_WORDS ARRAY_SIZE(stop_words)

struct out {
	char *buf;
	size_t len, n;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->n, o->n < o->len ? o->len - o->n : 0, fmt,
		      ap);
	va_end(ap);
	o->n += n > 0 ? n : 0;
}

static void put_u64_or_null(struct out *o, const char *key, bool known,
			    uint64_t v)
{
	if (known)
		put(o, ",\"%s\":%llu", key, (unsigned long long)v);
	else
		put(o, ",\"%s\":null", key);
}

/* A reason's key: its KVM_EXIT_* name, or its number when it has none. */
static void reason_key(unsigned int reason, char *buf, size_t len)
{
	const char *name = kvm_run_exit_name(reason);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%u", reason);
}

int vmm_stats_format_json(const struct vmm_result *res, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	const char *sep = "";
	char key[32];
	unsigned int i;

	put(&o, "{\"schema\":\"%s\",\"stop\":\"%s\",\"status\":%d",
	    VMM_STATS_SCHEMA,
	    res->stop < NSTOP_WORDS ? stop_words[res->stop] : "?", res->status);
	put(&o, ",\"cpus\":%u,\"run_ns\":%llu", res->cpus,
	    (unsigned long long)res->run_ns);
	put_u64_or_null(&o, "marker_ns", res->marker_ns, res->marker_ns);
	put(&o, ",\"userspace_exits\":{\"total\":%llu,\"by_reason\":{",
	    (unsigned long long)vmm_result_user_exits(res));
	for (i = 0; i < VMM_NR_REASONS; i++) {
		if (!res->exits[i])
			continue;
		reason_key(i, key, sizeof(key));
		put(&o, "%s\"%s\":%llu", sep, key,
		    (unsigned long long)res->exits[i]);
		sep = ",";
	}
	put(&o, "}}");
	put_u64_or_null(&o, "kernel_exits", res->kernel_exits >= 0,
			res->kernel_exits);
	put(&o,
	    ",\"ignored\":{\"ports\":%llu,\"mmio\":%llu,\"msrs\":%llu,\"malformed\":%llu}",
	    (unsigned long long)res->port_unknown,
	    (unsigned long long)res->mmio_unknown,
	    (unsigned long long)res->msr_unknown,
	    (unsigned long long)res->invalid);
	put(&o, ",\"console_dropped\":%llu",
	    (unsigned long long)res->console_dropped);
	put(&o, ",\"disks\":[");
	for (i = 0; i < res->nr_disks && i < VMM_MAX_DISKS; i++) {
		const struct vmm_disk_stats *d = &res->disks[i];

		put(&o,
		    "%s{\"requests\":%llu,\"read_bytes\":%llu,\"written_bytes\":%llu,\"flushes\":%llu,\"errors\":%llu,\"notifies\":%llu,\"irqs\":%llu,\"needs_reset\":%s}",
		    i ? "," : "", (unsigned long long)d->requests,
		    (unsigned long long)d->read_bytes,
		    (unsigned long long)d->written_bytes,
		    (unsigned long long)d->flushes,
		    (unsigned long long)d->errors,
		    (unsigned long long)d->notifies,
		    (unsigned long long)d->irqs,
		    d->needs_reset ? "true" : "false");
	}
	put(&o, "]");
	put(&o, ",\"kernel\":\"%s\",\"vmlinux_built\":%s",
	    res->vmlinux ? "vmlinux" : "bzimage",
	    res->vmlinux_built ? "true" : "false");
	put(&o, ",\"seccomp\":%s}\n", res->seccomp ? "true" : "false");
	if (o.n >= len)
		return -ENOSPC;
	return (int)o.n;
}

/*
 * Reading it back: the one object above, whose strings hold no escapes.
 * A member is a string, a number, true/false/null, an object of them, or
 * (disks) an array of objects.
 */
struct in {
	const char *p;
};

static void skip_space(struct in *in)
{
	while (*in->p == ' ' || *in->p == '\t' || *in->p == '\r' ||
	       *in->p == '\n')
		in->p++;
}

static bool take(struct in *in, char c)
{
	skip_space(in);
	if (*in->p != c)
		return false;
	in->p++;
	return true;
}

static int read_word(struct in *in, char *buf, size_t len)
{
	const char *end;

	if (!take(in, '"'))
		return -EINVAL;
	end = strchr(in->p, '"');
	if (!end || (size_t)(end - in->p) >= len ||
	    memchr(in->p, '\\', end - in->p))
		return -EINVAL;
	memcpy(buf, in->p, end - in->p);
	buf[end - in->p] = '\0';
	in->p = end + 1;
	return 0;
}

/* A number or null (*known false). */
static int read_number(struct in *in, int64_t *v, bool *known)
{
	char *end;

	skip_space(in);
	*known = strncmp(in->p, "null", 4);
	if (!*known) {
		in->p += 4;
		return 0;
	}
	errno = 0;
	*v = strtoll(in->p, &end, 10);
	if (end == in->p || errno)
		return -EINVAL;
	in->p = end;
	return 0;
}

static int read_bool(struct in *in, bool *v)
{
	skip_space(in);
	if (!strncmp(in->p, "true", 4) || !strncmp(in->p, "false", 5)) {
		*v = *in->p == 't';
		in->p += *v ? 4 : 5;
		return 0;
	}
	return -EINVAL;
}

typedef int (*member_fn)(struct in *in, const char *key,
			 struct vmm_result *res);

/* {"key": value, ...}, each value read by @fn. */
static int read_object(struct in *in, member_fn fn, struct vmm_result *res)
{
	char key[64];
	int err;

	if (!take(in, '{'))
		return -EINVAL;
	if (take(in, '}'))
		return 0;
	do {
		err = read_word(in, key, sizeof(key));
		if (err)
			return err;
		if (!take(in, ':'))
			return -EINVAL;
		err = fn(in, key, res);
		if (err)
			return err;
	} while (take(in, ','));
	return take(in, '}') ? 0 : -EINVAL;
}

static int by_reason_member(struct in *in, const char *key,
			    struct vmm_result *res)
{
	char name[32];
	unsigned int i;
	int64_t v;
	bool known;

	if (read_number(in, &v, &known) || !known || v < 0)
		return -EINVAL;
	for (i = 0; i < VMM_NR_REASONS; i++) {
		reason_key(i, name, sizeof(name));
		if (!strcmp(name, key)) {
			res->exits[i] = v;
			return 0;
		}
	}
	return -EINVAL;
}

static int exits_member(struct in *in, const char *key, struct vmm_result *res)
{
	int64_t total;
	bool known;

	if (!strcmp(key, "by_reason"))
		return read_object(in, by_reason_member, res);
	if (!strcmp(key, "total")) /* the sum of by_reason */
		return read_number(in, &total, &known);
	return -EINVAL;
}

static int ignored_member(struct in *in, const char *key,
			  struct vmm_result *res)
{
	uint64_t *dst = !strcmp(key, "ports")	  ? &res->port_unknown :
			!strcmp(key, "mmio")	  ? &res->mmio_unknown :
			!strcmp(key, "msrs")	  ? &res->msr_unknown :
			!strcmp(key, "malformed") ? &res->invalid :
						    NULL;
	int64_t v;
	bool known;

	if (!dst || read_number(in, &v, &known) || !known)
		return -EINVAL;
	*dst = v;
	return 0;
}

/* A member of one disks[] object: res->disks[res->nr_disks - 1]. */
static int disk_member(struct in *in, const char *key, struct vmm_result *res)
{
	struct vmm_disk_stats *d = &res->disks[res->nr_disks - 1];
	uint64_t *dst = !strcmp(key, "requests")      ? &d->requests :
			!strcmp(key, "read_bytes")    ? &d->read_bytes :
			!strcmp(key, "written_bytes") ? &d->written_bytes :
			!strcmp(key, "flushes")	      ? &d->flushes :
			!strcmp(key, "errors")	      ? &d->errors :
			!strcmp(key, "notifies")      ? &d->notifies :
			!strcmp(key, "irqs")	      ? &d->irqs :
							NULL;
	int64_t v;
	bool known;

	if (!strcmp(key, "needs_reset"))
		return read_bool(in, &d->needs_reset);
	if (read_number(in, &v, &known) || !known || v < 0)
		return -EINVAL;
	if (dst)
		*dst = v;
	return 0;
}

static int read_disks(struct in *in, struct vmm_result *res)
{
	int err;

	if (!take(in, '['))
		return -EINVAL;
	if (take(in, ']'))
		return 0;
	do {
		if (res->nr_disks >= VMM_MAX_DISKS)
			return -EINVAL;
		res->nr_disks++;
		err = read_object(in, disk_member, res);
		if (err)
			return err;
	} while (take(in, ','));
	return take(in, ']') ? 0 : -EINVAL;
}

static int stats_member(struct in *in, const char *key, struct vmm_result *res)
{
	char word[32];
	unsigned int i;
	int64_t v = 0;
	bool known;
	int err;

	if (!strcmp(key, "schema")) {
		err = read_word(in, word, sizeof(word));
		return err ?: strcmp(word, VMM_STATS_SCHEMA) ? -EINVAL : 0;
	}
	if (!strcmp(key, "stop")) {
		err = read_word(in, word, sizeof(word));
		for (i = 0; !err && i < NSTOP_WORDS; i++)
			if (stop_words[i] && !strcmp(word, stop_words[i]))
				res->stop = i;
		return err;
	}
	if (!strcmp(key, "userspace_exits"))
		return read_object(in, exits_member, res);
	if (!strcmp(key, "ignored"))
		return read_object(in, ignored_member, res);
	if (!strcmp(key, "disks"))
		return read_disks(in, res);
	if (!strcmp(key, "seccomp"))
		return read_bool(in, &res->seccomp);
	if (!strcmp(key, "vmlinux_built"))
		return read_bool(in, &res->vmlinux_built);
	if (!strcmp(key, "kernel")) {
		err = read_word(in, word, sizeof(word));
		res->vmlinux = !err && !strcmp(word, "vmlinux");
		return err;
	}
	err = read_number(in, &v, &known);
	if (err)
		return err;
	if (!strcmp(key, "status"))
		res->status = v;
	else if (!strcmp(key, "cpus"))
		res->cpus = v;
	else if (!strcmp(key, "run_ns"))
		res->run_ns = v;
	else if (!strcmp(key, "marker_ns"))
		res->marker_ns = known ? v : 0;
	else if (!strcmp(key, "kernel_exits"))
		res->kernel_exits = known ? v : -1;
	else if (!strcmp(key, "console_dropped"))
		res->console_dropped = v;
	/* a number a later version adds is no error */
	return 0;
}

static void unknown(struct vmm_result *res)
{
	memset(res, 0, sizeof(*res));
	res->kernel_exits = -1;
}

int vmm_stats_parse_json(const char *text, struct vmm_result *res)
{
	static const char head[] = "{\"schema\":\"" VMM_STATS_SCHEMA "\"";
	const char *line = NULL, *p;
	struct in in;

	unknown(res);
	for (p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, head, sizeof(head) - 1))
			line = p;
	}
	if (!line)
		return -ENOENT;
	in.p = line;
	if (read_object(&in, stats_member, res)) {
		unknown(res);
		return -EINVAL;
	}
	return 0;
}
