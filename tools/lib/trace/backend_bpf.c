// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend: loads ebpf/isolens_trace.bpf.c (tracepoints only), turns
 * off every program whose attach point this kernel lacks or whose class
 * was not asked for, and reads records from its ring buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <bpf/btf.h>

#include <linux/isolens.h>

#include "base/procfs.h"
#include "base/util.h"
#include "isolens_fentry.skel.h"
#include "isolens_kprobe.skel.h"
#include "isolens_trace.h"
#include "isolens_trace.skel.h"
#include "trace/attribute.h"
#include "trace/backend.h"
#include "trace/decode.h"
#include "trace/percpu.h"
#include "trace/ringbuf.h"

#define BTF_VMLINUX "/sys/kernel/btf/vmlinux"

struct bpf_priv {
	struct isolens_trace_bpf *skel;
	struct isolens_fentry_bpf *fentry; /* NULL unless loaded */
	struct isolens_kprobe_bpf *kprobe; /* NULL unless loaded */
	struct ringbuf *rb;
	struct trace_backend *b;
};

/* The maps the optional objects share with the main one (not scratch). */
static const char *const shared_maps[] = {
	"events", "counters", "cfg", "follow", "cap_seen", "counts",
};

/* libbpf's last complaint, to explain a failed load in one line */
static char libbpf_last[256];

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[256];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n)
		memcpy(libbpf_last, line, n + 1);
	if (getenv("ISOLENS_LIBBPF_DEBUG"))
		fprintf(stderr, "libbpf: %s\n", line);
	return 0;
}

/* Does the kernel have the tracepoint behind a "tp/cat/event" section? */
static bool attach_point_exists(const char *sec)
{
	char cat[64], ev[128];

	if (strncmp(sec, "tp/", 3))
		return true; /* tp_btf: sched tracepoints exist everywhere */
	if (sscanf(sec + 3, "%63[^/]/%127s", cat, ev) != 2)
		return false;
	return tracefs_event_exists(cat, ev);
}

/* A program of the trace object, the class it serves, and whether it follows */
struct prog_role {
	struct bpf_program *prog;
	unsigned int class;
	bool follow;
};

/*
 * Decide which programs load.  "follow" ones also run for --pid (they
 * keep the followed set) and for --count (proc_exit records who exited).
 * kvm_off forces the KVM programs off (after a failed load: kvm
 * tracepoints without the kvm module's BTF).  The skeleton's typed fields
 * name the programs, so a program renamed in the object fails to compile.
 */
static unsigned int select_programs(struct trace_backend *b,
				    struct isolens_trace_bpf *skel,
				    const struct trace_opts *o, bool kvm_off,
				    bool quiet)
{
	const struct prog_role roles[] = {
		{ skel->progs.clone_exit, ISOLENS_CLASS_NS },
		{ skel->progs.clone3_exit, ISOLENS_CLASS_NS },
		{ skel->progs.unshare_exit, ISOLENS_CLASS_NS },
		{ skel->progs.setns_exit, ISOLENS_CLASS_NS },
		{ skel->progs.proc_fork, ISOLENS_CLASS_PROC, true },
		{ skel->progs.proc_exec, ISOLENS_CLASS_PROC },
		{ skel->progs.proc_exit, ISOLENS_CLASS_PROC, true },
		{ skel->progs.cgroup_mkdir, ISOLENS_CLASS_CGROUP },
		{ skel->progs.cgroup_rmdir, ISOLENS_CLASS_CGROUP },
		{ skel->progs.cgroup_attach, ISOLENS_CLASS_CGROUP },
		{ skel->progs.cgroup_transfer, ISOLENS_CLASS_CGROUP },
		{ skel->progs.oom_victim, ISOLENS_CLASS_CGROUP },
		{ skel->progs.cap_capable_tp, ISOLENS_CLASS_CAP },
		{ skel->progs.kvm_entry, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_exit, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_userspace_exit, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_pio, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_mmio, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_msr, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_hypercall, ISOLENS_CLASS_KVM },
		{ skel->progs.kvm_ioctl_exit, ISOLENS_CLASS_KVM },
	};
	unsigned int missing = 0, active = 0;
	struct bpf_program *p;
	size_t i;

	/* a program without a role here does not load */
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, false);
	for (i = 0; i < ARRAY_SIZE(roles); i++) {
		const struct prog_role *r = &roles[i];
		bool want = (o->classes & r->class) ||
			    (r->follow && (o->nfollow || o->count_only));

		if (r->class == ISOLENS_CLASS_KVM && kvm_off)
			want = false;
		if (want &&
		    !attach_point_exists(bpf_program__section_name(r->prog))) {
			missing |= r->class;
			want = false;
		}
		if (want)
			active |= r->class;
		bpf_program__set_autoload(r->prog, want);
	}
	if (quiet)
		return active;
	if ((missing & ISOLENS_CLASS_KVM) && (o->classes & ISOLENS_CLASS_KVM))
		trace_backend_note(
			b,
			"kvm tracepoints absent (kvm module not loaded): KVM exits are not traced, only KVM_CREATE_VM/VCPU ioctls");
	/* a missing cap_capable tracepoint is extras_load()'s business */
	if ((missing & ISOLENS_CLASS_CGROUP) &&
	    (o->classes & ISOLENS_CLASS_CGROUP))
		trace_backend_note(
			b,
			"some cgroup/oom tracepoints are absent: those cgroup events are not traced");
	return active;
}

static int open_skel(struct bpf_priv *pv, const struct trace_opts *o,
		     const char *btf_path, struct errbuf *eb)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);

	if (strcmp(btf_path, BTF_VMLINUX))
		oo.btf_custom_path = btf_path;
	pv->skel = isolens_trace_bpf__open_opts(&oo);
	if (!pv->skel)
		return errbuf_errno(eb, errno, "cannot open the BPF object");
	if (o->ringbuf_bytes &&
	    bpf_map__set_max_entries(pv->skel->maps.events, o->ringbuf_bytes))
		return errbuf_set(
			eb, EINVAL,
			"ring buffer size %zu is not a power of 2 multiple of the page size",
			o->ringbuf_bytes);
	return 0;
}

static int load_error(struct errbuf *eb, int err)
{
	if (err == -EPERM || err == -EACCES)
		return errbuf_set(
			eb, EPERM,
			"permission denied loading BPF programs: tracing needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
	return errbuf_set(eb, -err, "cannot load the BPF programs: %s",
			  libbpf_last[0] ? libbpf_last : strerror(-err));
}

static int write_config(struct bpf_priv *pv, const struct trace_opts *o,
			struct errbuf *eb)
{
	struct trace_bpf_cfg c = {};
	__u32 zero = 0;
	size_t i;
	__u8 one = 1;

	c.classes = o->classes;
	c.self_tgid = getpid();
	c.stacks = o->stacks;
	c.cap_all = o->cap_all;
	c.count = o->count_only;
	if (o->nfollow)
		c.filter |= TRACE_FILTER_TGID;
	if (o->by_cgroup) {
		c.filter |= TRACE_FILTER_CGROUP;
		c.cgroup_id = o->cgroup_id;
		c.cgroup_level = o->cgroup_level;
	}
	if (o->pidns) {
		c.filter |= TRACE_FILTER_PIDNS;
		c.pidns = o->pidns;
	}
	if (bpf_map__update_elem(pv->skel->maps.cfg, &zero, sizeof(zero), &c,
				 sizeof(c), BPF_ANY))
		return errbuf_errno(eb, errno, "cannot configure the tracer");
	for (i = 0; i < o->nfollow; i++) {
		__u32 pid = o->follow[i];

		if (bpf_map__update_elem(pv->skel->maps.follow, &pid,
					 sizeof(pid), &one, sizeof(one),
					 BPF_ANY))
			return errbuf_errno(eb, errno, "cannot follow pid %u",
					    pid);
	}
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct trace_backend *b = ctx;

	return b->cb(b->cb_ctx, data, size);
}

/* Hand the main object's maps to an optional object before it loads. */
static int share_maps(struct bpf_object *main, struct bpf_object *obj)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shared_maps); i++) {
		struct bpf_map *from, *to;
		int err;

		from = bpf_object__find_map_by_name(main, shared_maps[i]);
		to = bpf_object__find_map_by_name(obj, shared_maps[i]);
		if (!from || !to)
			continue;
		err = bpf_map__reuse_fd(to, bpf_map__fd(from));
		if (err)
			return err;
	}
	return 0;
}

struct extra_want {
	bool ns_switch, cap, pids;
};

static bool kernel_has_func(struct btf *vmlinux, const char *name)
{
	return vmlinux &&
	       btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) >= 0;
}

/* An optional object's program and whether it is wanted */
struct extra_role {
	struct bpf_program *prog;
	bool on;
};

/* Set autoload on an optional object's programs; true if any loads. */
static bool extra_select(const struct extra_role *roles, size_t n)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++) {
		bpf_program__set_autoload(roles[i].prog, roles[i].on);
		any |= roles[i].on;
	}
	return any;
}

static bool fentry_select(struct isolens_fentry_bpf *s,
			  const struct extra_want *w)
{
	const struct extra_role roles[] = {
		{ s->progs.ns_switch_fentry, w->ns_switch },
		{ s->progs.cap_fexit, w->cap },
		{ s->progs.pids_fexit, w->pids },
	};

	return extra_select(roles, ARRAY_SIZE(roles));
}

static bool kprobe_select(struct isolens_kprobe_bpf *s,
			  const struct extra_want *w)
{
	const struct extra_role roles[] = {
		{ s->progs.ns_switch_kprobe, w->ns_switch },
		{ s->progs.cap_kprobe, w->cap },
		{ s->progs.cap_kretprobe, w->cap },
	};

	return extra_select(roles, ARRAY_SIZE(roles));
}

static int fentry_try(struct bpf_priv *pv, const struct extra_want *w,
		      const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	int err;

	if (strcmp(btf_path, BTF_VMLINUX))
		oo.btf_custom_path = btf_path;
	pv->fentry = isolens_fentry_bpf__open_opts(&oo);
	if (!pv->fentry)
		return -errno;
	err = share_maps(pv->skel->obj, pv->fentry->obj);
	if (!err && !fentry_select(pv->fentry, w))
		err = -ENOENT;
	if (!err)
		err = isolens_fentry_bpf__load(pv->fentry);
	if (!err)
		err = isolens_fentry_bpf__attach(pv->fentry);
	if (err) {
		isolens_fentry_bpf__destroy(pv->fentry);
		pv->fentry = NULL;
	}
	return err;
}

static int kprobe_try(struct bpf_priv *pv, struct extra_want w,
		      const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	int err;

	/* perf_event_open() of kprobes needs the kprobe PMU */
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK))
		return -EOPNOTSUPP;
	w.pids = false; /* a kretprobe cannot see pids_can_fork's cgroup */
	if (strcmp(btf_path, BTF_VMLINUX))
		oo.btf_custom_path = btf_path;
	pv->kprobe = isolens_kprobe_bpf__open_opts(&oo);
	if (!pv->kprobe)
		return -errno;
	err = share_maps(pv->skel->obj, pv->kprobe->obj);
	if (!err && !kprobe_select(pv->kprobe, &w))
		err = -ENOENT;
	if (!err)
		err = isolens_kprobe_bpf__load(pv->kprobe);
	if (!err)
		err = isolens_kprobe_bpf__attach(pv->kprobe);
	if (err) {
		isolens_kprobe_bpf__destroy(pv->kprobe);
		pv->kprobe = NULL;
	}
	return err;
}

/*
 * fentry, else kprobes, else nothing: each fallback is said once, in one
 * line, with what the user loses.  ISOLENS_NO_FENTRY=1 forces the kprobe
 * path (tests use it to check both).
 */
static void extras_load(struct trace_backend *b, struct bpf_priv *pv,
			const struct trace_opts *o, const char *btf_path)
{
	struct btf *vmlinux = btf__parse(btf_path, NULL);
	struct extra_want w = {};
	char lost[160] = "";
	int err = -EPERM;

	if (libbpf_get_error(vmlinux))
		vmlinux = NULL;
	w.ns_switch = (o->classes & ISOLENS_CLASS_NS) &&
		      kernel_has_func(vmlinux, "switch_task_namespaces");
	w.cap = (o->classes & ISOLENS_CLASS_CAP) &&
		!tracefs_event_exists("capability", "cap_capable") &&
		kernel_has_func(vmlinux, "cap_capable");
	w.pids = (o->classes & ISOLENS_CLASS_CGROUP) &&
		 kernel_has_func(vmlinux, "pids_can_fork");
	btf__free(vmlinux);
	if (!w.ns_switch && !w.cap && !w.pids)
		return;
	if (!getenv("ISOLENS_NO_FENTRY"))
		err = fentry_try(pv, &w, btf_path);
	if (!err) {
		b->classes |= (w.ns_switch ? ISOLENS_CLASS_NS : 0) |
			      (w.cap ? ISOLENS_CLASS_CAP : 0);
		snprintf(b->probes, sizeof(b->probes), "fentry");
		return;
	}
	if (w.ns_switch)
		strcat(lost,
		       "; namespace switches are inferred from clone/unshare/setns syscall tracepoints");
	if (w.cap)
		strcat(lost, "; capability checks are not traced");
	if (w.pids)
		strcat(lost, "; pids.max fork refusals are not traced");
	if (!kprobe_try(pv, w, btf_path)) {
		b->classes |= w.cap ? ISOLENS_CLASS_CAP : 0;
		snprintf(b->probes, sizeof(b->probes), "kprobe");
		if (w.pids)
			trace_backend_note(
				b,
				"fentry %s on this kernel: using kprobes; pids.max fork refusals are not traced",
				getenv("ISOLENS_NO_FENTRY") ?
					"disabled (ISOLENS_NO_FENTRY)" :
					"not permitted");
		else
			trace_backend_note(
				b, "fentry %s on this kernel: using kprobes",
				getenv("ISOLENS_NO_FENTRY") ?
					"disabled (ISOLENS_NO_FENTRY)" :
					"not permitted");
		return;
	}
	trace_backend_note(
		b, "fentry not permitted and no kprobes on this kernel%s",
		lost);
}

static void bpf_close(struct trace_backend *b)
{
	struct bpf_priv *pv = b->priv;

	if (!pv)
		return;
	ringbuf_close(pv->rb);
	/* destroying a skeleton detaches every link it holds */
	isolens_fentry_bpf__destroy(pv->fentry);
	isolens_kprobe_bpf__destroy(pv->kprobe);
	isolens_trace_bpf__destroy(pv->skel);
	free(pv);
	b->priv = NULL;
}

static int bpf_open(struct trace_backend *b, const struct trace_opts *o,
		    struct errbuf *eb)
{
	const char *btf_path = getenv("ISOLENS_BTF");
	struct bpf_priv *pv;
	int err;

	if (!btf_path)
		btf_path = BTF_VMLINUX;
	if (access(btf_path, R_OK))
		return errbuf_set(
			eb, ENOENT,
			"no kernel BTF at %s (kernel built without CONFIG_DEBUG_INFO_BTF): the CO-RE BPF programs cannot load",
			btf_path);
	err = tracefs_ensure(eb);
	if (err)
		return err;
	libbpf_set_print(libbpf_quiet);

	pv = calloc(1, sizeof(*pv));
	if (!pv)
		return errbuf_errno(eb, ENOMEM, "bpf backend");
	pv->b = b;
	b->priv = pv;

	err = open_skel(pv, o, btf_path, eb);
	if (err)
		goto fail;
	b->classes = select_programs(b, pv->skel, o, false, false);
	libbpf_last[0] = '\0';
	err = isolens_trace_bpf__load(pv->skel);
	if (err && (b->classes & ISOLENS_CLASS_KVM)) {
		/* kvm tracepoints exist but their types did not relocate */
		isolens_trace_bpf__destroy(pv->skel);
		pv->skel = NULL;
		err = open_skel(pv, o, btf_path, eb);
		if (err)
			goto fail;
		b->classes = select_programs(b, pv->skel, o, true, true);
		err = isolens_trace_bpf__load(pv->skel);
		if (!err)
			trace_backend_note(
				b,
				"kvm programs failed to load (%s): KVM events are not traced",
				libbpf_last);
	}
	if (err) {
		err = load_error(eb, err);
		goto fail;
	}
	err = write_config(pv, o, eb);
	if (err)
		goto fail;
	extras_load(b, pv, o, btf_path);
	err = isolens_trace_bpf__attach(pv->skel);
	if (err) {
		err = errbuf_set(eb, -err, "cannot attach the BPF programs: %s",
				 libbpf_last[0] ? libbpf_last : strerror(-err));
		goto fail;
	}
	pv->rb = ringbuf_open(bpf_map__fd(pv->skel->maps.events), on_sample, b);
	if (!pv->rb) {
		err = errbuf_errno(eb, errno, "cannot open the ring buffer");
		goto fail;
	}
	return 0;
fail:
	bpf_close(b);
	return err;
}

static int bpf_poll(struct trace_backend *b, int timeout_ms)
{
	struct bpf_priv *pv = b->priv;

	return ringbuf_poll(pv->rb, timeout_ms);
}

static int bpf_follow(struct trace_backend *b, pid_t pid)
{
	struct bpf_priv *pv = b->priv;
	__u32 key = pid;
	__u8 one = 1;

	if (bpf_map__update_elem(pv->skel->maps.follow, &key, sizeof(key), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Times the kernel skipped one of the object's loaded programs because a
 * BPF program was already running on that CPU (bpf_prog_info's
 * recursion_misses): events nobody saw.
 */
static uint64_t recursion_misses(struct bpf_object *obj)
{
	struct bpf_program *p;
	uint64_t n = 0;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

static int bpf_stats(struct trace_backend *b, struct trace_stats *st)
{
	struct bpf_priv *pv = b->priv;
	int fd = bpf_map__fd(pv->skel->maps.counters);
	struct percpu_sum ps;
	uint64_t sum;
	__u32 slot;
	int err;

	err = percpu_sum_init(&ps);
	if (err)
		return err;
	for (slot = 0; slot < TRACE_CNT_MAX; slot++) {
		if (percpu_sum_lookup(&ps, fd, &slot, &sum))
			continue;
		switch (slot) {
		case TRACE_CNT_DROPS:
			st->lost[TRACE_LOSS_RINGBUF] = sum;
			break;
		case TRACE_CNT_EVENTS:
			st->events = sum;
			break;
		case TRACE_CNT_COUNT_FULL:
			st->lost[TRACE_LOSS_COUNT_FULL] = sum;
			break;
		case TRACE_CNT_FOLLOW_FULL:
			st->lost[TRACE_LOSS_FOLLOW_FULL] = sum;
			break;
		case TRACE_CNT_CAP_ARGS_FULL:
			st->lost[TRACE_LOSS_CAP_ARGS] = sum;
			break;
		}
	}
	percpu_sum_free(&ps);
	st->lost[TRACE_LOSS_RECURSION] =
		recursion_misses(pv->skel->obj) +
		(pv->fentry ? recursion_misses(pv->fentry->obj) : 0) +
		(pv->kprobe ? recursion_misses(pv->kprobe->obj) : 0);
	return 0;
}

/*
 * Who a counted process is, for attribution: what proc_exit stored if it
 * has exited, else its /proc entry; zeros if neither is there.
 */
static void bpf_identify(struct trace_backend *b, struct isolens_event *e)
{
	struct bpf_priv *pv = b->priv;
	struct trace_ident who;
	__u32 pid = e->hdr.pid;
	char comm[sizeof(e->hdr.comm)];

	if (!bpf_map__lookup_elem(pv->skel->maps.ident, &pid, sizeof(pid), &who,
				  sizeof(who), 0)) {
		e->hdr.ns = who.ns;
		memcpy(e->hdr.comm, who.comm, sizeof(e->hdr.comm));
		return;
	}
	if (ns_set_read(pid, &e->hdr.ns))
		return;
	if (!procfs_comm(pid, e->hdr.tid, comm, sizeof(comm)))
		memcpy(e->hdr.comm, comm, sizeof(comm));
}

/* Sum each key's per-CPU counts and hand it over as a bare record. */
static int bpf_counts(struct trace_backend *b, bool totals, trace_count_fn fn,
		      void *ctx)
{
	struct bpf_priv *pv = b->priv;
	int fd = bpf_map__fd(pv->skel->maps.counts);
	struct trace_count_key k, next, *prev = NULL;
	struct isolens_event e;
	struct percpu_sum ps;
	uint64_t n;
	int err;

	err = percpu_sum_init(&ps);
	if (err)
		return err;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n = 0;
		if (totals && percpu_sum_lookup(&ps, fd, &k, &n))
			continue; /* deleted meanwhile: cannot happen here */
		memset(&e, 0, sizeof(e));
		e.hdr.size = sizeof(e);
		e.hdr.kind = k.kind;
		e.hdr.pid = k.pid;
		e.hdr.tid = k.tid;
		e.hdr.cgroup_id = k.cgroup_id;
		if (isolens_kind_class(k.kind) == ISOLENS_CLASS_KVM) {
			e.kvm.vm_pid = k.pid;
			e.kvm.vcpu_id = k.vcpu;
			e.kvm.isa = k.isa;
			e.kvm.exit_reason = k.reason;
		}
		fn(ctx, &e, n);
	}
	percpu_sum_free(&ps);
	return 0;
}

const struct trace_backend_ops trace_backend_bpf_ops = {
	.name = "bpf",
	.open = bpf_open,
	.poll = bpf_poll,
	.follow = bpf_follow,
	.stats = bpf_stats,
	.counts = bpf_counts,
	.identify = bpf_identify,
	.close = bpf_close,
};
