// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: counting helpers, the side-by-side rows, the conclusion
 * computed from the numbers, and the terminal rendering.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "compare/report.h"

int report_init(struct report *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->marks = calloc(REPORT_MAX_MARKS, sizeof(*r->marks));
	if (!r->marks)
		return -ENOMEM;
	for (i = 0; i < 2; i++) {
		r->side[i].cg_mem_peak = -1;
		r->side[i].vmm_user_exits = r->side[i].vmm_kernel_exits = -1;
		r->side[i].vmm_marker_ms = -1;
	}
	return 0;
}

void report_free(struct report *r)
{
	free(r->marks);
	r->marks = NULL;
	report_hot_free(&r->side[REPORT_SIDE_CTR]);
	report_hot_free(&r->side[REPORT_SIDE_VM]);
}

uint64_t report_sys_total(const uint64_t *sys)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < SYSCALL_NR_MAX; i++)
		n += sys[i];
	return n;
}

unsigned int report_sys_distinct(const uint64_t *sys)
{
	unsigned int i, n = 0;

	for (i = 0; i < SYSCALL_NR_MAX; i++)
		n += sys[i] != 0;
	return n;
}

void report_sys_by_cat(const uint64_t *sys, uint64_t out[SYSCALL_CAT_MAX])
{
	unsigned int i;

	memset(out, 0, sizeof(uint64_t) * SYSCALL_CAT_MAX);
	for (i = 0; i < SYSCALL_NR_MAX; i++)
		out[syscall_category(i)] += sys[i];
}

uint64_t report_sys_count(const uint64_t *sys, const char *name)
{
	unsigned int i;

	for (i = 0; i < SYSCALL_NR_MAX; i++) {
		const char *n = syscall_name(i);

		if (n && !strcmp(n, name))
			return sys[i];
	}
	return 0;
}

static const char *const io_family[REPORT_IO_MAX][6] = {
	[REPORT_IO_READS] = { "read", "readv", "pread64", "preadv", "preadv2" },
	[REPORT_IO_WRITES] = { "write", "writev", "pwrite64", "pwritev",
			       "pwritev2" },
	[REPORT_IO_SYNCS] = { "fsync", "fdatasync", "sync", "syncfs",
			      "sync_file_range" },
	[REPORT_IO_COPIES] = { "sendfile", "splice", "copy_file_range" },
};

const char *report_io_family_name(enum report_io_family f)
{
	static const char *const name[REPORT_IO_MAX] = { "reads", "writes",
							 "syncs", "copies" };

	return f < REPORT_IO_MAX ? name[f] : "?";
}

uint64_t report_io_family_sum(const uint64_t *sys, enum report_io_family f,
			      char *detail, size_t len)
{
	uint64_t sum = 0, n;
	size_t used = 0;
	int i;

	if (detail && len)
		detail[0] = 0;
	if (f >= REPORT_IO_MAX)
		return 0;
	for (i = 0; i < 6 && io_family[f][i]; i++) {
		n = report_sys_count(sys, io_family[f][i]);
		sum += n;
		if (!n || !detail || used >= len)
			continue;
		used += snprintf(detail + used, len - used, "%s%s %llu",
				 used ? ", " : "", io_family[f][i],
				 (unsigned long long)n);
	}
	return sum;
}

double report_ms(const struct report_side *s, uint64_t ts)
{
	if (!ts || ts < s->start_ns)
		return -1;
	return (ts - s->start_ns) / 1e6;
}

void report_add_mark(struct report *r, int side, uint64_t ts, uint64_t dur,
		     const char *name, const char *detail)
{
	struct report_mark *m;

	if (!r->marks || r->nmarks >= REPORT_MAX_MARKS) {
		r->marks_dropped++;
		return;
	}
	m = &r->marks[r->nmarks++];
	memset(m, 0, sizeof(*m));
	m->ts_ns = ts;
	m->dur_ns = dur;
	m->side = side;
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->detail, sizeof(m->detail), "%s", detail ? detail : "");
}

void report_add_reason(struct report_side *s, const char *name)
{
	int i;

	for (i = 0; i < s->nreasons; i++) {
		if (!strcmp(s->reasons[i].name, name)) {
			s->reasons[i].n++;
			return;
		}
	}
	if (s->nreasons >= REPORT_MAX_REASONS)
		i = REPORT_MAX_REASONS - 1; /* the last bin absorbs the rest */
	else
		i = s->nreasons++;
	if (!s->reasons[i].n)
		snprintf(s->reasons[i].name, sizeof(s->reasons[i].name), "%s",
			 name);
	s->reasons[i].n++;
}

static int by_count(const void *a, const void *b)
{
	const struct report_count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->name, y->name);
}

void report_sort_reasons(struct report_side *s)
{
	qsort(s->reasons, s->nreasons, sizeof(s->reasons[0]), by_count);
}

/* ---- rows -------------------------------------------------------------- */

struct rows {
	struct report_row *row;
	int n, max;
};

static struct report_row *row_add(struct rows *rs, const char *label)
{
	struct report_row *r;

	if (rs->n >= rs->max)
		return NULL;
	r = &rs->row[rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->label, sizeof(r->label), "%.47s", label);
	return r;
}

static void heading(struct rows *rs, const char *title)
{
	struct report_row *r = row_add(rs, title);

	if (r)
		r->heading = true;
}

static void __attribute__((format(printf, 3, 4)))
cell(struct report_row *r, int side, const char *fmt, ...)
{
	va_list ap;

	if (!r)
		return;
	va_start(ap, fmt);
	vsnprintf(r->v[side], sizeof(r->v[side]), fmt, ap);
	va_end(ap);
}

static void fmt_ms(char *buf, size_t len, double ms)
{
	if (ms < 0)
		snprintf(buf, len, "not reached");
	else if (ms >= 1000)
		snprintf(buf, len, "%.2f s", ms / 1000);
	else
		snprintf(buf, len, "%.1f ms", ms);
}

static const char *mib(char *buf, size_t len, double bytes)
{
	snprintf(buf, len, "%.1f MiB", bytes / (1024.0 * 1024.0));
	return buf;
}

/* The I/O syscalls of one side in a cell: "262 (read 259, pread64 3)". */
static void io_cell(struct report_row *x, int side, const uint64_t *sys,
		    enum report_io_family f)
{
	char detail[96];
	uint64_t n = report_io_family_sum(sys, f, detail, sizeof(detail));

	cell(x, side, "%llu%s%s%s%s", (unsigned long long)n,
	     side ? " by the VMM" : "", detail[0] ? " (" : "", detail,
	     detail[0] ? ")" : "");
}

/*
 * What the command's files cost the host: the container's are the host
 * kernel's tmpfs, reached by its own syscalls; the VM's are its ext4 root
 * on virtio-blk, reached by doorbells, the VMM's I/O thread and its
 * syscalls on the image file.
 */
static void disk_rows(struct rows *rs, const struct report *r)
{
	static const char *const label[REPORT_IO_MAX] = {
		[REPORT_IO_READS] = "read syscalls into host",
		[REPORT_IO_WRITES] = "write syscalls into host",
		[REPORT_IO_SYNCS] = "fsync-family syscalls into host",
		[REPORT_IO_COPIES] = "copy syscalls (sendfile, splice)",
	};
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	const struct report_disk *d = &v->disk;
	struct report_row *x;
	char b[64], b2[64];
	unsigned int f;

	heading(rs, "Disk I/O (what the files cost the host)");
	x = row_add(rs, "/ and /tmp are");
	cell(x, 0, "%s", c->ran ? "host rootfs (read-only), host tmpfs" : "-");
	cell(x, 1, "%s",
	     v->nr_disks ? "guest ext4 on virtio-blk /dev/vda" : "-");
	x = row_add(rs, "virtio-blk requests (errors)");
	cell(x, 0, "-");
	if (v->nr_disks)
		cell(x, 1, "%llu (%llu)%s", (unsigned long long)d->requests,
		     (unsigned long long)d->errors,
		     d->needs_reset ? ", needs reset" : "");
	else
		cell(x, 1, "-");
	x = row_add(rs, "  bytes read | written");
	cell(x, 0, "-");
	if (v->nr_disks)
		cell(x, 1, "%s | %s", mib(b, sizeof(b), (double)d->read_bytes),
		     mib(b2, sizeof(b2), (double)d->written_bytes));
	else
		cell(x, 1, "-");
	x = row_add(rs, "  flushes");
	cell(x, 0, "-");
	if (v->nr_disks)
		cell(x, 1, "%llu", (unsigned long long)d->flushes);
	else
		cell(x, 1, "-");
	x = row_add(rs, "  doorbells | interrupts injected");
	cell(x, 0, "-");
	if (v->nr_disks)
		cell(x, 1, "%llu | %llu", (unsigned long long)d->notifies,
		     (unsigned long long)d->irqs);
	else
		cell(x, 1, "-");
	x = row_add(rs, "  doorbells arrived as");
	cell(x, 0, "-");
	if (v->nr_disks)
		cell(x, 1, "%s",
		     v->disk_ioeventfd ?
			     "ioeventfd signals from KVM, no VMM exit" :
			     "MMIO exits to the VMM");
	else
		cell(x, 1, "-");
	x = row_add(rs, "  MMIO exits to VMM (all devices)");
	cell(x, 0, "-");
	if (v->ran)
		cell(x, 1, "%llu",
		     (unsigned long long)v->user_exits[KVM_EXIT_MMIO]);
	else
		cell(x, 1, "-");
	for (f = 0; f < REPORT_IO_MAX; f++) {
		if (f == REPORT_IO_COPIES &&
		    !report_io_family_sum(c->sys, f, NULL, 0) &&
		    !report_io_family_sum(v->sys, f, NULL, 0))
			continue;
		x = row_add(rs, label[f]);
		if (c->ran)
			io_cell(x, 0, c->sys, f);
		else
			cell(x, 0, "-");
		if (v->ran)
			io_cell(x, 1, v->sys, f);
		else
			cell(x, 1, "-");
	}
}

int report_rows(const struct report *r, struct report_row *row, int max)
{
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	struct rows rs = { row, 0, max };
	uint64_t cat[2][SYSCALL_CAT_MAX];
	uint64_t kernel_side;
	struct report_row *x;
	char b[64], b2[64];
	unsigned int k;
	int i;

	heading(&rs, "Start-up and footprint");
	x = row_add(&rs, "start-up (exec | init marker)");
	fmt_ms(b, sizeof(b), report_ms(c, c->ready_ns));
	cell(x, 0, "%s", b);
	fmt_ms(b, sizeof(b), report_ms(v, v->ready_ns));
	cell(x, 1, "%s", b);
	x = row_add(&rs, "peak RSS on the host");
	cell(x, 0, "%s (payload)", mib(b, sizeof(b), c->rss_peak_kb * 1024.0));
	cell(x, 1, "%s (VMM)", mib(b, sizeof(b), v->rss_peak_kb * 1024.0));
	x = row_add(&rs, "cgroup memory.peak | guest RAM");
	if (c->cg_mem_peak >= 0)
		cell(x, 0, "%s", mib(b, sizeof(b), (double)c->cg_mem_peak));
	else
		cell(x, 0, "n/a (no cgroup v2 memory)");
	cell(x, 1, "%s reserved", mib(b, sizeof(b), (double)v->guest_ram));
	x = row_add(&rs, "kernel seen (uname -r)");
	cell(x, 0, "%s", c->uname[0] ? c->uname : "?");
	cell(x, 1, "%s", v->uname[0] ? v->uname : "?");
	x = row_add(&rs, "runs on the host's kernel");
	cell(x, 0, "%s", c->host_kernel ? "yes" : "no");
	cell(x, 1, "%s", v->host_kernel ? "yes" : "no (its own instance)");
	x = row_add(&rs, "exit status");
	cell(x, 0, "%d", c->status);
	cell(x, 1, "%d", v->status);

	heading(&rs, "Host-kernel work caused");
	x = row_add(&rs, "command's syscalls into host");
	cell(x, 0, "%llu (%u distinct)",
	     (unsigned long long)report_sys_total(c->sys),
	     report_sys_distinct(c->sys));
	cell(x, 1, "%llu (guest syscalls: none reach the host)",
	     (unsigned long long)v->sys_guest);
	report_sys_by_cat(c->sys, cat[0]);
	report_sys_by_cat(v->sys, cat[1]);
	x = row_add(&rs, "runtime | VMM own syscalls");
	cell(x, 0, "%llu (%u distinct, setup)",
	     (unsigned long long)report_sys_total(c->sys_setup),
	     report_sys_distinct(c->sys_setup));
	cell(x, 1, "%llu (%u distinct, %llu ioctl)",
	     (unsigned long long)report_sys_total(v->sys),
	     report_sys_distinct(v->sys),
	     (unsigned long long)report_sys_count(v->sys, "ioctl"));
	for (k = 0; k < SYSCALL_CAT_MAX; k++) {
		if (!cat[0][k] && !cat[1][k])
			continue;
		snprintf(b, sizeof(b), "  %s", syscall_cat_name(k));
		x = row_add(&rs, b);
		cell(x, 0, "%llu", (unsigned long long)cat[0][k]);
		cell(x, 1, "%llu (VMM)", (unsigned long long)cat[1][k]);
	}
	x = row_add(&rs, "namespace operations");
	cell(x, 0, "%llu", (unsigned long long)c->ns_ops);
	cell(x, 1, "%llu", (unsigned long long)v->ns_ops);
	x = row_add(&rs, "cgroup events");
	cell(x, 0, "%llu", (unsigned long long)c->cgroup_events);
	cell(x, 1, "%llu", (unsigned long long)v->cgroup_events);
	x = row_add(&rs, "pids limit hit | OOM kills");
	cell(x, 0, "%llu | %llu", (unsigned long long)c->pids_limit,
	     (unsigned long long)c->oom_kills);
	cell(x, 1, "%llu | %llu", (unsigned long long)v->pids_limit,
	     (unsigned long long)v->oom_kills);
	x = row_add(&rs, "capability checks (denied)");
	cell(x, 0, "%llu (%llu)", (unsigned long long)c->cap_checks,
	     (unsigned long long)c->cap_denied);
	cell(x, 1, "%llu (%llu)", (unsigned long long)v->cap_checks,
	     (unsigned long long)v->cap_denied);
	x = row_add(&rs, "processes | execs on the host");
	cell(x, 0, "%llu | %llu", (unsigned long long)c->forks,
	     (unsigned long long)c->execs);
	cell(x, 1, "%llu | %llu", (unsigned long long)v->forks,
	     (unsigned long long)v->execs);

	heading(&rs, "VM exits (the VM's only way into the host)");
	kernel_side = v->kvm_exits > v->user_exits_total ?
			      v->kvm_exits - v->user_exits_total :
			      0;
	x = row_add(&rs, "exits (kvm_exit)");
	cell(x, 0, "-");
	cell(x, 1, "%llu", (unsigned long long)v->kvm_exits);
	x = row_add(&rs, "  handled in KVM (kernel)");
	cell(x, 0, "-");
	cell(x, 1, "%llu", (unsigned long long)kernel_side);
	x = row_add(&rs, "  handled by the VMM (user)");
	cell(x, 0, "-");
	cell(x, 1, "%llu", (unsigned long long)v->user_exits_total);
	for (i = 0; i < v->nreasons && i < 6; i++) {
		snprintf(b, sizeof(b), "  reason %s", v->reasons[i].name);
		x = row_add(&rs, b);
		cell(x, 0, "-");
		cell(x, 1, "%llu", (unsigned long long)v->reasons[i].n);
	}
	x = row_add(&rs, "VMM's own counters (user|kernel)");
	cell(x, 0, "-");
	if (v->vmm_user_exits >= 0)
		snprintf(b2, sizeof(b2), "%lld",
			 (long long)v->vmm_kernel_exits);
	else
		snprintf(b2, sizeof(b2), "?");
	cell(x, 1, "%lld | %s", (long long)v->vmm_user_exits, b2);

	disk_rows(&rs, r);
	return rs.n;
}

/* ---- conclusion -------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
say(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static unsigned int cats_used(const uint64_t *sys)
{
	uint64_t cat[SYSCALL_CAT_MAX];
	unsigned int k, n = 0;

	report_sys_by_cat(sys, cat);
	for (k = 0; k < SYSCALL_CAT_MAX; k++)
		n += cat[k] != 0;
	return n;
}

void report_conclude(struct report *r)
{
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	uint64_t ctr_sys = report_sys_total(c->sys);
	uint64_t vmm_sys = report_sys_total(v->sys);
	double cms = report_ms(c, c->ready_ns), vms = report_ms(v, v->ready_ns);
	char *o = r->conclusion;
	size_t len = sizeof(r->conclusion);

	o[0] = 0;
	if (!c->ran || !v->ran) {
		say(o, len,
		    "Only the %s side ran, so there is nothing to compare.",
		    c->ran ? "container" :
		    v->ran ? "VM" :
			     "no");
		return;
	}
	say(o, len,
	    "The container's command entered the host kernel %llu times "
	    "(%u distinct syscalls in %u categories)",
	    (unsigned long long)ctr_sys, report_sys_distinct(c->sys),
	    cats_used(c->sys));
	if (c->host_kernel)
		say(o, len, ": it ran on the host's kernel %s itself. ",
		    r->host_release);
	else
		say(o, len, ". ");
	say(o, len,
	    "The same command in the VM made %llu syscalls the host could see; "
	    "its kernel (%s%s) handled them, and the host saw only %llu VM "
	    "exits, ",
	    (unsigned long long)v->sys_guest, v->uname[0] ? v->uname : "?",
	    !strcmp(v->uname, r->host_release) ? ", the same release but "
						 "its own instance" :
						 "",
	    (unsigned long long)v->kvm_exits);
	if (v->kvm_exits) {
		uint64_t k = v->kvm_exits > v->user_exits_total ?
				     v->kvm_exits - v->user_exits_total :
				     0;

		say(o, len,
		    "%.0f%% absorbed inside KVM and %llu passed to the "
		    "VMM, which made %llu syscalls of its own (%u distinct). ",
		    100.0 * k / v->kvm_exits,
		    (unsigned long long)v->user_exits_total,
		    (unsigned long long)vmm_sys, report_sys_distinct(v->sys));
	} else {
		say(o, len, "and the VMM made %llu syscalls of its own. ",
		    (unsigned long long)vmm_sys);
	}
	if (c->ns_ops || c->cgroup_events)
		say(o, len,
		    "Isolating the container took %llu namespace "
		    "operation%s and %llu cgroup event%s in the host "
		    "kernel. ",
		    (unsigned long long)c->ns_ops, c->ns_ops == 1 ? "" : "s",
		    (unsigned long long)c->cgroup_events,
		    c->cgroup_events == 1 ? "" : "s");
	if (c->cap_denied)
		say(o, len,
		    "The host kernel checked the container's "
		    "capabilities %llu times and denied %llu. ",
		    (unsigned long long)c->cap_checks,
		    (unsigned long long)c->cap_denied);
	if (c->pids_limit || c->oom_kills)
		say(o, len,
		    "The host kernel enforced the container's limits "
		    "(%llu refused forks, %llu OOM kills); ",
		    (unsigned long long)c->pids_limit,
		    (unsigned long long)c->oom_kills);
	if ((c->pids_limit || c->oom_kills) && c->status != v->status)
		say(o, len,
		    "the VM's own kernel decided differently "
		    "(status %d against %d). ",
		    v->status, c->status);
	else if (c->pids_limit || c->oom_kills)
		say(o, len, "both sides ended with status %d. ", c->status);
	if (c->nhot_funcs && v->nhot_funcs)
		say(o, len,
		    "Its isolation checkpoints ran most often in the "
		    "host kernel's %s() (%llu of %llu stacks); the VM's "
		    "in %s() (%llu of %llu), on KVM's side of the "
		    "boundary. ",
		    c->hot_funcs[0].func, (unsigned long long)c->hot_funcs[0].n,
		    (unsigned long long)c->stacks_seen, v->hot_funcs[0].func,
		    (unsigned long long)v->hot_funcs[0].n,
		    (unsigned long long)v->stacks_seen);
	if (v->nr_disks) {
		const struct report_disk *d = &v->disk;

		say(o, len,
		    "The VM's files lived on its ext4 root: %llu virtio-blk "
		    "requests (%.1f MiB written, %.1f MiB read, %llu "
		    "flushes), announced by %llu doorbells%s and answered "
		    "by %llu interrupts; the VMM made %llu read-, %llu write- "
		    "and %llu fsync-family syscalls in all. ",
		    (unsigned long long)d->requests,
		    d->written_bytes / (1024.0 * 1024.0),
		    d->read_bytes / (1024.0 * 1024.0),
		    (unsigned long long)d->flushes,
		    (unsigned long long)d->notifies,
		    v->disk_ioeventfd ? " that KVM turned into ioeventfd "
					"signals without an exit to the VMM" :
					" that exited to the VMM",
		    (unsigned long long)d->irqs,
		    (unsigned long long)report_io_family_sum(
			    v->sys, REPORT_IO_READS, NULL, 0),
		    (unsigned long long)report_io_family_sum(
			    v->sys, REPORT_IO_WRITES, NULL, 0),
		    (unsigned long long)report_io_family_sum(
			    v->sys, REPORT_IO_SYNCS, NULL, 0));
		say(o, len,
		    "The container's %llu read-, %llu write- and %llu "
		    "fsync-family syscalls went to the host kernel's own "
		    "tmpfs and rootfs. ",
		    (unsigned long long)report_io_family_sum(
			    c->sys, REPORT_IO_READS, NULL, 0),
		    (unsigned long long)report_io_family_sum(
			    c->sys, REPORT_IO_WRITES, NULL, 0),
		    (unsigned long long)report_io_family_sum(
			    c->sys, REPORT_IO_SYNCS, NULL, 0));
	}
	if (cms > 0 && vms > 0)
		say(o, len,
		    "The container was ready in %.1f ms, %.0fx faster "
		    "than the VM's %.0f ms to init, ",
		    cms, vms / cms, vms);
	if (c->rss_peak_kb && v->rss_peak_kb)
		say(o, len,
		    "and its payload peaked at %.1f MiB resident against "
		    "the VMM's %.1f MiB.",
		    c->rss_peak_kb / 1024.0, v->rss_peak_kb / 1024.0);
}

/* ---- terminal ---------------------------------------------------------- */

static void wrap(FILE *out, const char *text, int width, const char *indent)
{
	const char *p = text;

	while (*p) {
		int n = (int)strlen(p), cut = n;

		if (n > width) {
			for (cut = width; cut > 0 && p[cut] != ' '; cut--)
				;
			if (!cut)
				cut = width;
		}
		fprintf(out, "%s%.*s\n", indent, cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

static void write_hot_text(const struct report *r, FILE *out)
{
	static const char *const who[2] = { "container", "VM" };
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	char head[2][64];
	int i, s, rows;
	uint32_t f;

	if (!c->stacks_seen && !v->stacks_seen)
		return;
	fprintf(out,
		"\nWhere isolation happened: kernel functions at the checkpoints\n");
	for (s = 0; s < 2; s++)
		snprintf(head[s], sizeof(head[s]), "%llu stacks, %d distinct",
			 (unsigned long long)r->side[s].stacks_seen,
			 r->side[s].distinct_stacks);
	fprintf(out, "  %-34s %-36s %s\n", "", head[0], head[1]);
	rows = c->nhot_funcs > v->nhot_funcs ? c->nhot_funcs : v->nhot_funcs;
	for (i = 0; i < rows; i++) {
		char cell[2][80];

		for (s = 0; s < 2; s++) {
			const struct report_side *sd = &r->side[s];

			if (i < sd->nhot_funcs)
				snprintf(
					cell[s], sizeof(cell[s]), "%-28s %7llu",
					sd->hot_funcs[i].func,
					(unsigned long long)sd->hot_funcs[i].n);
			else
				cell[s][0] = 0;
		}
		fprintf(out, "  %-34s %-36s %s\n", i ? "" : "top functions",
			cell[0], cell[1]);
	}
	fprintf(out, "  hottest stacks (innermost first):\n");
	for (s = 0; s < 2; s++) {
		const struct report_side *sd = &r->side[s];

		for (i = 0; i < sd->nhot_stacks && i < 2; i++) {
			const struct report_hot_stack *hs = &sd->hot_stacks[i];

			fprintf(out, "    %s %s x%llu: ", who[s],
				hs->checkpoint, (unsigned long long)hs->n);
			for (f = 0; f < hs->nr; f++)
				fprintf(out, "%s%s", f ? " <- " : "",
					hs->frames[f]);
			fputc('\n', out);
		}
	}
}

void report_write_text(const struct report *r, FILE *out)
{
	struct report_row rows[REPORT_MAX_ROWS];
	int i, n = report_rows(r, rows, REPORT_MAX_ROWS);

	fprintf(out, "isolens compare: %s%s%s\n",
		r->workload[0] ? r->workload : "custom command",
		r->workload[0] ? ": " : ": ", r->command);
	fprintf(out,
		"host kernel %s, container limits memory %llu MiB pids %llu, VM %llu MiB %u vCPU\n\n",
		r->host_release, (unsigned long long)(r->ctr_memory_max >> 20),
		(unsigned long long)r->ctr_pids_max,
		(unsigned long long)(r->side[REPORT_SIDE_VM].guest_ram >> 20),
		r->vm_cpus);
	fprintf(out, "%-36s %-36s %s\n", "", "CONTAINER", "MICRO-VM");
	for (i = 0; i < n; i++) {
		if (rows[i].heading)
			fprintf(out, "%s%s\n", i ? "\n" : "", rows[i].label);
		else
			fprintf(out, "  %-34s %-36s %s\n", rows[i].label,
				rows[i].v[0], rows[i].v[1]);
	}
	write_hot_text(r, out);
	fprintf(out, "\nConclusion\n");
	wrap(out, r->conclusion, 100, "  ");
	if (r->drops)
		fprintf(out,
			"\nwarning: %llu trace records were lost (buffer full): event counts are lower bounds\n",
			(unsigned long long)r->drops);
}
