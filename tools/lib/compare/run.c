// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: compare_run(), the whole comparison (compare.h).
 *
 * Each side is `isolens container run` / `isolens vm run` (o->isolens),
 * forked held on a pipe until the tracer follows it: the VMM installs a
 * seccomp filter on all of its threads, so it cannot share a process with
 * the tracer.  The sides run one after the other, so that neither
 * disturbs the other's timing.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/procfs.h"
#include "compare/collect.h"
#include "compare/compare.h"
#include "compare/side.h"
#include "compare/syscount.h"
#include "container/container.h"
#include "lab/lab.h"
#include "trace/backend.h"
#include "trace/ksym.h"
#include "vmm/bzimage.h"
#include "vmm/rootfs.h"
#include "vmm/kernel_elf.h"

#define SIDE_POLL_MS 10 /* trace polling and memory sampling period */

struct run {
	const struct compare_opts *o;
	struct report *r;
	struct collector col;
	struct side side[2]; /* REPORT_SIDE_* */
	struct trace_backend *b;
	struct syscount *sc;
	struct ksyms *ksyms;
	char ctr_name[CONTAINER_NAME_MAX];
};

static void __attribute__((format(printf, 2, 3)))
note(const struct compare_opts *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->note(o->note_ctx, msg);
}

static int stopped(const struct compare_opts *o)
{
	return o->stop ? *o->stop : 0;
}

/* Root, a KVM that can boot Linux, and pure cgroup v2 for the limits. */
static int check_host(struct errbuf *eb)
{
	static const char accel_prefix[] = "--accel kvm: ";
	struct lab_accel_choice accel;
	char cgmnt[4096], why[sizeof(eb->msg)];
	enum container_cgroup_mode mode;

	if (geteuid() != 0)
		return errbuf_set(
			eb, EPERM,
			"needs root: it runs a container, a VM and BPF tracing");
	if (lab_accel_choose(LAB_ACCEL_KVM, &accel, eb)) {
		const char *p = eb->msg;

		if (!strncmp(p, accel_prefix, strlen(accel_prefix)))
			p += strlen(accel_prefix);
		snprintf(why, sizeof(why), "%s", p);
		return errbuf_set(
			eb, ENODEV,
			"no KVM that can boot Linux for the VM side: %s (run it in the lab VM: isolens lab run -- isolens compare)",
			why);
	}
	mode = container_cgroup_detect(cgmnt, sizeof(cgmnt));
	if (mode != CONTAINER_CGROUP_UNIFIED)
		return errbuf_set(
			eb, EOPNOTSUPP,
			"the container side needs a pure cgroup v2 hierarchy for its memory and pids limits; this host's is %s (run it in the lab VM)",
			container_cgroup_mode_name(mode));
	return 0;
}

/*
 * The rootfs both sides run on, built before anything is traced: the
 * busybox tree (container_rootfs_ensure_default()) and its ext4 image in
 * the VM's cache (vmm_rootfs_image()).  Otherwise the first run's side
 * would count the building (mke2fs, a child of the VMM, would even count
 * as "guest syscalls seen by the host"); now each side only finds them.
 */
static int prepare_rootfs(const struct compare_opts *o, struct errbuf *eb)
{
	char dir[PATH_MAX], image[PATH_MAX];
	struct errbuf e = { 0 };

	if (container_rootfs_ensure_default(dir, sizeof(dir), &e) ||
	    vmm_rootfs_image(dir, image, sizeof(image), &e))
		return errbuf_set(eb, e.err ? e.err : EIO,
				  "cannot prepare the default rootfs: %.400s",
				  e.msg);
	note(o, "both sides run on %s (the VM on its image %s)", dir, image);
	return 0;
}

/*
 * The VM's kernel decompressed into the cache before anything is traced
 * (vmm/kernel_elf.h), for the same reason.  Without it the VM boots the
 * bzImage: slower, but the comparison holds.
 */
static void prepare_kernel(const struct compare_opts *o)
{
	char image[PATH_MAX], vmlinux[PATH_MAX];
	struct errbuf e = { 0 };
	bool rebuilt;

	if (bzimage_find_default(image, sizeof(image), &e) ||
	    vmlinux_get(image, vmlinux, sizeof(vmlinux), &rebuilt, &e))
		note(o, "the VM boots its bzImage: %.400s", e.msg);
	else
		note(o, "the VM boots %s", vmlinux);
}

static uint32_t self_pidns(void)
{
	uint64_t ino;

	return procfs_ns_inode(0, "pid", &ino) ? 0 : (uint32_t)ino;
}

/* What the comparison is, before anything runs. */
static void describe(const struct compare_opts *o, struct report *r)
{
	struct utsname un;

	uname(&un);
	snprintf(r->host_release, sizeof(r->host_release), "%s", un.release);
	snprintf(r->workload, sizeof(r->workload), "%s",
		 o->workload ? o->workload : "");
	snprintf(r->command, sizeof(r->command), "%s", o->command);
	r->ctr_memory_max = (uint64_t)COMPARE_CTR_MEMORY_MIB << 20;
	r->ctr_pids_max = COMPARE_CTR_PIDS;
	r->vm_cpus = COMPARE_VM_CPUS;
	r->side[REPORT_SIDE_VM].guest_ram = (uint64_t)COMPARE_VM_MEMORY_MIB
					    << 20;
}

/* The children's command lines, and the strings they point into. */
struct argvs {
	char script[COMPARE_COMMAND_MAX + 128];
	char ctr_mem[16], ctr_pids[16], vm_mem[16], vm_cpus[16];
	char *ctr[20], *vm[20];
};

static void build_argvs(struct argvs *a, const char *ctr_name,
			const char *command)
{
	int i = 0;

	/* the same script on both sides: say which kernel, run, leave the
	 * container's cgroup readable for a moment, keep the status */
	snprintf(a->script, sizeof(a->script),
		 "echo " SIDE_UNAME_TAG
		 "; uname -r; %s\ns=$?; sleep 0.2; exit $s",
		 command);
	snprintf(a->ctr_mem, sizeof(a->ctr_mem), "%dM", COMPARE_CTR_MEMORY_MIB);
	snprintf(a->ctr_pids, sizeof(a->ctr_pids), "%d", COMPARE_CTR_PIDS);
	snprintf(a->vm_mem, sizeof(a->vm_mem), "%dM", COMPARE_VM_MEMORY_MIB);
	snprintf(a->vm_cpus, sizeof(a->vm_cpus), "%d", COMPARE_VM_CPUS);

	a->ctr[i++] = "isolens";
	a->ctr[i++] = "container";
	a->ctr[i++] = "run";
	a->ctr[i++] = "--name";
	a->ctr[i++] = (char *)ctr_name;
	a->ctr[i++] = "--memory";
	a->ctr[i++] = a->ctr_mem;
	a->ctr[i++] = "--pids";
	a->ctr[i++] = a->ctr_pids;
	/* its own user namespace: root inside may set its hostname, and its
	 * capability checks are made against that namespace */
	a->ctr[i++] = "--userns";
	a->ctr[i++] = "--";
	a->ctr[i++] = "sh";
	a->ctr[i++] = "-c";
	a->ctr[i++] = a->script;
	a->ctr[i] = NULL;

	i = 0;
	a->vm[i++] = "isolens";
	a->vm[i++] = "vm";
	a->vm[i++] = "run";
	a->vm[i++] = "--stats=json"; /* read back with vmm_stats_parse_json() */
	a->vm[i++] = "--mem";
	a->vm[i++] = a->vm_mem;
	a->vm[i++] = "--cpus";
	a->vm[i++] = a->vm_cpus;
	a->vm[i++] = "--timeout";
	a->vm[i++] = COMPARE_VM_TIMEOUT;
	/* the container's tree, as an ext4 root on virtio-blk /dev/vda */
	a->vm[i++] = "--rootfs";
	a->vm[i++] = "default";
	a->vm[i++] = "--";
	a->vm[i++] = "sh";
	a->vm[i++] = "-c";
	a->vm[i++] = a->script;
	a->vm[i] = NULL;
}

/* Memory of the side now; the report keeps the peaks. */
static void sample(struct run *x, int side)
{
	struct report_side *s = &x->r->side[side];
	struct container_state st;
	struct errbuf eb = { 0 };

	if (side == REPORT_SIDE_VM) {
		side_sample(s, "/proc", NULL, x->side[side].proc.pid);
		return;
	}
	if (container_state_read(x->ctr_name, &st, &eb) || st.pid <= 0)
		return;
	side_sample(s, "/proc", st.cgroup, st.pid);
}

/* Run one side to completion, polling the tracer meanwhile. */
static int run_side(struct run *x, int side, struct errbuf *eb)
{
	struct report_side *s = &x->r->side[side];
	struct side *sd = &x->side[side];
	int status = 0, err;

	s->start_ns = mono_ns();
	err = side_release(sd, eb);
	if (err)
		return err;
	for (;;) {
		trace_backend_poll(x->b, SIDE_POLL_MS);
		side_drain(sd);
		sample(x, side);
		if (side_reap(sd, &status))
			break;
		if (stopped(x->o))
			kill(sd->proc.pid, SIGTERM);
	}
	s->end_ns = mono_ns();
	s->ran = true;
	s->status = status;
	/* read the rest of the output the child left in the pipe */
	side_drain(sd);
	return 0;
}

static int spawn_sides(struct run *x, struct errbuf *eb)
{
	struct argvs *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return errbuf_set(eb, ENOMEM, "out of memory");
	snprintf(x->ctr_name, sizeof(x->ctr_name), "compare-%d", getpid());
	build_argvs(a, x->ctr_name, x->r->command);
	err = side_spawn(&x->side[REPORT_SIDE_CTR], x->o->isolens, a->ctr,
			 false, eb);
	if (!err)
		err = side_spawn(&x->side[REPORT_SIDE_VM], x->o->isolens, a->vm,
				 true, eb);
	free(a);
	if (err)
		return err;
	collector_follow(&x->col, x->side[REPORT_SIDE_CTR].proc.pid,
			 REPORT_SIDE_CTR);
	collector_follow(&x->col, x->side[REPORT_SIDE_VM].proc.pid,
			 REPORT_SIDE_VM);
	return 0;
}

/* The syscall counter, then the isolens trace programs, both following
 * the two held children. */
static int start_tracing(struct run *x, struct errbuf *eb)
{
	pid_t roots[2] = { x->side[REPORT_SIDE_CTR].proc.pid,
			   x->side[REPORT_SIDE_VM].proc.pid };
	struct trace_opts to = { 0 };
	struct report *r = x->r;
	int err, i;

	/* the syscall counter first: it must see the sides' first calls */
	err = syscount_open(&x->sc, eb);
	for (i = 0; !err && i < 2; i++)
		err = syscount_follow(x->sc, roots[i], i, eb);
	if (err)
		return err;

	to.classes = ISOLENS_CLASS_ALL;
	to.follow = roots;
	to.nfollow = 2;
	to.cap_all = true;
	to.ringbuf_bytes = 32 << 20;
	/* stacks name where isolation happened */
	to.stacks = !report_hot_init(&r->side[REPORT_SIDE_CTR]) &&
		    !report_hot_init(&r->side[REPORT_SIDE_VM]);
	err = trace_backend_open(&x->b, "bpf", &to, collector_record, &x->col,
				 eb);
	if (err)
		return err;
	for (i = 0; i < x->b->nnotes; i++)
		note(x->o, "%s", x->b->notes[i]);
	snprintf(r->probes, sizeof(r->probes), "%s", x->b->probes);
	/*
	 * kallsyms only after the programs are in: their trampolines and JITed
	 * images are at the top of every stack, and must be known by name to
	 * be cut.  Without kallsyms the report has no stacks, nothing else.
	 */
	if (to.stacks) {
		struct errbuf keb = { 0 };

		if (ksyms_open(&x->ksyms, &keb))
			note(x->o, "no kernel stacks in this report: %s",
			     keb.msg);
	}
	x->col.stacks = x->ksyms != NULL;
	x->col.ksyms = x->ksyms;
	return 0;
}

static void symbolize(void *ctx, uint64_t ip, char *buf, size_t len)
{
	if (ksyms_format(ctx, ip, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "0x%llx", (unsigned long long)ip);
}

/* Both sides have run: the rest of the records, the counts, the outputs. */
static void finish(struct run *x)
{
	struct report *r = x->r;
	struct report_side *c = &r->side[REPORT_SIDE_CTR];
	struct report_side *v = &r->side[REPORT_SIDE_VM];
	struct trace_stats tst;
	int i;

	while (trace_backend_poll(x->b, 50) > 0)
		;
	collector_finish(&x->col);
	if (!trace_backend_stats(x->b, &tst))
		r->drops = tst.drops;
	trace_backend_close(x->b);
	x->b = NULL;
	syscount_read(x->sc, r);

	side_parse_output(c, x->side[REPORT_SIDE_CTR].out.buf);
	side_parse_output(v, x->side[REPORT_SIDE_VM].out.buf);
	side_parse_vmm_stats(v, x->side[REPORT_SIDE_VM].err.buf);
	snprintf(v->log, sizeof(v->log), "%.*s", (int)sizeof(v->log) - 1,
		 x->side[REPORT_SIDE_VM].err.buf);
	/* "on the host's kernel": the same release, and its syscalls were
	 * seen by the host kernel */
	c->host_kernel = !strcmp(c->uname, r->host_release) &&
			 report_sys_total(c->sys) > 0;
	v->host_kernel = !strcmp(v->uname, r->host_release) && v->sys_guest > 0;
	report_sort_reasons(v);
	for (i = 0; x->ksyms && i < 2; i++)
		report_hot_name(&r->side[i], symbolize, x->ksyms);
	report_conclude(r);
}

int compare_run(const struct compare_opts *o, struct report *r,
		struct errbuf *eb)
{
	struct run x = { .o = o, .r = r };
	int err, i;

	err = check_host(eb);
	if (!err)
		err = prepare_rootfs(o, eb);
	if (err)
		return err;
	prepare_kernel(o);
	for (i = 0; i < 2; i++)
		side_init(&x.side[i]);
	if (report_init(r) || collector_init(&x.col, r, self_pidns())) {
		err = errbuf_set(eb, ENOMEM, "out of memory");
		goto out;
	}
	describe(o, r);
	err = spawn_sides(&x, eb);
	if (err)
		goto out;
	err = start_tracing(&x, eb);
	if (err)
		goto out;

	r->t0_ns = mono_ns();
	note(o, "container side: %s", r->command);
	err = run_side(&x, REPORT_SIDE_CTR, eb);
	if (err)
		goto out;
	if (stopped(o)) {
		err = errbuf_set(eb, EINTR, "interrupted by signal %d",
				 (int)stopped(o));
		goto out;
	}
	note(o,
	     "VM side: booting %s (this takes a while under nested virtualization)",
	     r->host_release);
	err = run_side(&x, REPORT_SIDE_VM, eb);
	if (err)
		goto out;
	finish(&x);
out:
	for (i = 0; i < 2; i++)
		side_close(&x.side[i]);
	trace_backend_close(x.b);
	syscount_close(x.sc);
	ksyms_close(x.ksyms);
	collector_free(&x.col);
	return err;
}
