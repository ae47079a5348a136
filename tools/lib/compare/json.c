// SPDX-License-Identifier: GPL-2.0
/* isolens compare --json: one object, schema in docs/compare.md. */
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "base/json.h"
#include "base/kvm_exit.h"
#include "compare/report.h"

static void kstr(FILE *out, const char *key, const char *val, bool comma)
{
	fprintf(out, "\"%s\":\"", key);
	json_escape(out, val);
	fprintf(out, "\"%s", comma ? "," : "");
}

static void ms_or_null(FILE *out, const char *key, double ms)
{
	if (ms < 0)
		fprintf(out, "\"%s\":null,", key);
	else
		fprintf(out, "\"%s\":%.3f,", key, ms);
}

static void syscalls(FILE *out, const char *key, const uint64_t *sys)
{
	uint64_t cat[SYSCALL_CAT_MAX];
	bool first = true;
	unsigned int i;

	report_sys_by_cat(sys, cat);
	fprintf(out, "\"%s\":{\"total\":%llu,\"distinct\":%u,\"by_category\":{",
		key, (unsigned long long)report_sys_total(sys),
		report_sys_distinct(sys));
	for (i = 0; i < SYSCALL_CAT_MAX; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", syscall_cat_name(i),
			(unsigned long long)cat[i]);
	fputs("},\"by_name\":{", out);
	for (i = 0; i < SYSCALL_NR_MAX; i++) {
		const char *n = syscall_name(i);
		char unk[24];

		if (!sys[i])
			continue;
		if (!n) {
			snprintf(unk, sizeof(unk), "nr_%u", i);
			n = unk;
		}
		fprintf(out, "%s\"%s\":%llu", first ? "" : ",", n,
			(unsigned long long)sys[i]);
		first = false;
	}
	fputs("}}", out);
}

static void hot_paths(FILE *out, const struct report_side *s)
{
	int i;
	uint32_t f;

	fprintf(out,
		"\"hot_paths\":{\"stacks\":%llu,\"distinct\":%d,\"lost\":%llu,\"functions\":[",
		(unsigned long long)s->stacks_seen, s->distinct_stacks,
		(unsigned long long)s->stacks_lost);
	for (i = 0; i < s->nhot_funcs; i++) {
		fprintf(out, "%s{\"name\":\"", i ? "," : "");
		json_escape(out, s->hot_funcs[i].func);
		fprintf(out, "\",\"count\":%llu}",
			(unsigned long long)s->hot_funcs[i].n);
	}
	fputs("],\"top_stacks\":[", out);
	for (i = 0; i < s->nhot_stacks; i++) {
		const struct report_hot_stack *hs = &s->hot_stacks[i];

		fprintf(out, "%s{\"checkpoint\":\"", i ? "," : "");
		json_escape(out, hs->checkpoint);
		fprintf(out, "\",\"count\":%llu,\"frames\":[",
			(unsigned long long)hs->n);
		for (f = 0; f < hs->nr; f++) {
			fprintf(out, "%s\"", f ? "," : "");
			json_escape(out, hs->frames[f]);
			fputc('"', out);
		}
		fputs("]}", out);
	}
	fputs("]},", out);
}

/* "disk_io": the side's file-I/O syscalls, and for the VM its root disk. */
static void disk_io(FILE *out, const struct report_side *s, bool vm)
{
	const struct report_disk *d = &s->disk;
	unsigned int f;

	fprintf(out, "\"disk_io\":{\"files_on\":%s,",
		!vm	    ? "\"host-tmpfs\"" :
		s->nr_disks ? "\"guest-ext4-virtio-blk\"" :
			      "null");
	fputs("\"syscalls\":{", out);
	for (f = 0; f < REPORT_IO_MAX; f++)
		fprintf(out, "%s\"%s\":%llu", f ? "," : "",
			report_io_family_name(f),
			(unsigned long long)report_io_family_sum(s->sys, f,
								 NULL, 0));
	fputs("},\"disk\":", out);
	if (!vm || !s->nr_disks) {
		fputs("null", out);
	} else {
		fprintf(out,
			"{\"device\":\"/dev/vda\",\"requests\":%llu,\"read_bytes\":%llu,\"written_bytes\":%llu,\"flushes\":%llu,\"errors\":%llu,",
			(unsigned long long)d->requests,
			(unsigned long long)d->read_bytes,
			(unsigned long long)d->written_bytes,
			(unsigned long long)d->flushes,
			(unsigned long long)d->errors);
		fprintf(out,
			"\"doorbells\":%llu,\"doorbells_via\":\"%s\",\"irqs\":%llu,\"needs_reset\":%s}",
			(unsigned long long)d->notifies,
			s->disk_ioeventfd ? "ioeventfd" : "mmio-exit",
			(unsigned long long)d->irqs,
			d->needs_reset ? "true" : "false");
	}
	if (vm)
		fprintf(out, ",\"mmio_exits_to_vmm\":%llu",
			(unsigned long long)s->user_exits[KVM_EXIT_MMIO]);
	fputc('}', out);
}

static void common(FILE *out, const struct report_side *s)
{
	fprintf(out, "\"ran\":%s,\"status\":%d,", s->ran ? "true" : "false",
		s->status);
	ms_or_null(out, "startup_ms", report_ms(s, s->ready_ns));
	ms_or_null(out, "run_ms", report_ms(s, s->end_ns));
	kstr(out, "uname", s->uname, true);
	fprintf(out, "\"host_kernel\":%s,", s->host_kernel ? "true" : "false");
	fprintf(out, "\"rss_peak_kib\":%llu,",
		(unsigned long long)s->rss_peak_kb);
	fprintf(out,
		"\"ns_ops\":%llu,\"cgroup_events\":%llu,\"pids_limit_hits\":%llu,\"oom_kills\":%llu,",
		(unsigned long long)s->ns_ops,
		(unsigned long long)s->cgroup_events,
		(unsigned long long)s->pids_limit,
		(unsigned long long)s->oom_kills);
	fprintf(out,
		"\"cap_checks\":%llu,\"cap_denied\":%llu,\"forks\":%llu,\"execs\":%llu,\"events\":%llu,",
		(unsigned long long)s->cap_checks,
		(unsigned long long)s->cap_denied, (unsigned long long)s->forks,
		(unsigned long long)s->execs, (unsigned long long)s->events);
	kstr(out, "output", s->output, true);
	hot_paths(out, s);
}

void report_write_json(const struct report *r, FILE *out)
{
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	uint64_t kernel_side;
	int i;

	fputs("{\"schema\":\"isolens-compare/1\",", out);
	kstr(out, "workload", r->workload, true);
	kstr(out, "command", r->command, true);
	kstr(out, "host_release", r->host_release, true);

	fputs("\"container\":{", out);
	common(out, c);
	if (c->cg_mem_peak >= 0)
		fprintf(out, "\"cgroup_memory_peak_bytes\":%lld,",
			(long long)c->cg_mem_peak);
	else
		fputs("\"cgroup_memory_peak_bytes\":null,", out);
	fprintf(out,
		"\"limits\":{\"memory_max_bytes\":%llu,\"pids_max\":%llu},",
		(unsigned long long)r->ctr_memory_max,
		(unsigned long long)r->ctr_pids_max);
	syscalls(out, "syscalls", c->sys);
	fputc(',', out);
	syscalls(out, "runtime_syscalls", c->sys_setup);
	fputc(',', out);
	disk_io(out, c, false);
	fputs("},", out);

	fputs("\"vm\":{", out);
	common(out, v);
	fprintf(out, "\"guest_ram_bytes\":%llu,\"cpus\":%u,",
		(unsigned long long)v->guest_ram, r->vm_cpus);
	fprintf(out, "\"guest_syscalls_seen_by_host\":%llu,",
		(unsigned long long)v->sys_guest);
	syscalls(out, "vmm_syscalls", v->sys);
	kernel_side = v->kvm_exits > v->user_exits_total ?
			      v->kvm_exits - v->user_exits_total :
			      0;
	fprintf(out,
		",\"exits\":{\"total\":%llu,\"in_kernel\":%llu,\"to_vmm\":%llu,\"by_reason\":{",
		(unsigned long long)v->kvm_exits,
		(unsigned long long)kernel_side,
		(unsigned long long)v->user_exits_total);
	for (i = 0; i < v->nreasons; i++) {
		fprintf(out, "%s\"", i ? "," : "");
		json_escape(out, v->reasons[i].name);
		fprintf(out, "\":%llu", (unsigned long long)v->reasons[i].n);
	}
	fputs("},\"by_group\":{", out);
	for (i = 0; i < EXIT_GROUP_MAX; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", exit_group_name(i),
			(unsigned long long)v->groups[i]);
	fputs("},\"to_vmm_by_reason\":{", out);
	{
		bool first = true;

		for (i = 0; i < REPORT_USER_EXITS; i++) {
			if (!v->user_exits[i])
				continue;
			fprintf(out, "%s\"%s\":%llu", first ? "" : ",",
				kvm_run_exit_name(i),
				(unsigned long long)v->user_exits[i]);
			first = false;
		}
	}
	fputs("}},\"vmm_counters\":{", out);
	if (v->vmm_user_exits >= 0)
		fprintf(out, "\"userspace_exits\":%lld,",
			(long long)v->vmm_user_exits);
	else
		fputs("\"userspace_exits\":null,", out);
	if (v->vmm_kernel_exits >= 0)
		fprintf(out, "\"kernel_exits\":%lld,",
			(long long)v->vmm_kernel_exits);
	else
		fputs("\"kernel_exits\":null,", out);
	if (v->vmm_marker_ms >= 0)
		fprintf(out, "\"marker_ms\":%.3f}", v->vmm_marker_ms);
	else
		fputs("\"marker_ms\":null}", out);
	fputc(',', out);
	disk_io(out, v, true);
	fputs("},", out);

	fprintf(out,
		"\"trace\":{\"drops\":%llu,\"probes\":\"%s\",\"timeline_marks\":%d,\"timeline_dropped\":%llu},",
		(unsigned long long)r->drops, r->probes, r->nmarks,
		(unsigned long long)r->marks_dropped);
	kstr(out, "conclusion", r->conclusion, false);
	fputs("}\n", out);
}
