// SPDX-License-Identifier: GPL-2.0
/*
 * isolens tracepoint programs: namespace syscalls, process lifecycle,
 * cgroup changes, OOM kills, capability checks and KVM.  Only tracepoints
 * (tp, tp_btf) are used here, so this object loads on kernels that forbid
 * kprobes and BPF trampolines; the loader turns off (autoload) each program
 * whose tracepoint the running kernel lacks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/*
 * The CLONE_* flags from the uapi header that defines them: vmlinux.h has
 * types, not macros.  <linux/sched.h> also declares struct clone_args and
 * includes <linux/types.h>, both of which vmlinux.h already has: its
 * struct is renamed out of the way and the types header skipped.
 */
#define _LINUX_TYPES_H
#define __aligned_u64 __u64 /* the renamed struct is never used */
#define clone_args isolens_uapi_clone_args
#include <linux/sched.h>
#undef clone_args
#undef __aligned_u64
#undef _LINUX_TYPES_H

/*
 * <linux/kvm.h>'s ioctl numbers, _IO(KVMIO, 0x01) and _IO(KVMIO, 0x41):
 * that header's structs clash with vmlinux.h, so it cannot be included.
 */
#define KVM_CREATE_VM 0xAE01
#define KVM_CREATE_VCPU 0xAE41

#include "isolens_common.bpf.h"
#include "isolens_tp.bpf.h"

/* clone/clone3 are reported only when they create a namespace */
#define NS_CLONE_FLAGS                                                 \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

/* vCPU index of each vCPU thread, learnt at kvm_entry/kvm_exit */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} vcpu_of SEC(".maps");

/*
 * trace --count: the namespaces and name of each process as it exits, so
 * that its counts can still be attributed once it is gone from /proc.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_COUNT_KEYS);
	__type(key, __u32);
	__type(value, struct trace_ident);
} ident SEC(".maps");

/* ---- ns: clone, clone3, unshare, setns -------------------------------- */

/*
 * Syscall arguments, read at syscall exit from the registers the task
 * entered the kernel with: the entry code saved them in pt_regs and the
 * syscall does not modify them.  This spares a sys_enter program and a
 * hash map insert and delete per call, which cost more than the record.
 * x86-64 only, as isolens is: arguments 1-3 are in rdi, rsi, rdx.
 */
static __always_inline __u64 syscall_arg(unsigned int i)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct pt_regs *regs = (void *)bpf_task_pt_regs(t);

	if (i == 0)
		return regs->di;
	if (i == 1)
		return regs->si;
	return regs->dx;
}

/* Emitted at syscall exit, so the record carries the namespaces after. */
static __always_inline int ns_call(void *ctx, __u16 kind, __u64 flags, __s32 fd,
				   long ret)
{
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;

	if (!selected(c, ISOLENS_CLASS_NS))
		return 0;
	e = event_begin(c, kind);
	if (!e)
		return 0;
	e->ns_op.flags = flags;
	e->ns_op.fd = fd;
	e->ns_op.ret = ret;
	event_emit(ctx, c, e);
	return 0;
}

/* clone and clone3 count only when they create a namespace */
static __always_inline int clone_call(void *ctx, __u64 flags, long ret)
{
	if (ret == 0 || !(flags & NS_CLONE_FLAGS))
		return 0; /* 0: the child's return */
	return ns_call(ctx, ISOLENS_EV_CLONE, flags, -1, ret);
}

SEC("tp/syscalls/sys_exit_clone")
int clone_exit(struct trace_event_raw_sys_exit *ctx)
{
	clone_call(ctx, syscall_arg(0), ctx->ret);
	return TP_PASS;
}

SEC("tp/syscalls/sys_exit_clone3")
int clone3_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 flags = 0;

	if (ctx->ret == 0)
		return TP_PASS;
	/* struct clone_args starts with the flags */
	bpf_probe_read_user(&flags, sizeof(flags), (void *)syscall_arg(0));
	clone_call(ctx, flags, ctx->ret);
	return TP_PASS;
}

SEC("tp/syscalls/sys_exit_unshare")
int unshare_exit(struct trace_event_raw_sys_exit *ctx)
{
	ns_call(ctx, ISOLENS_EV_UNSHARE, syscall_arg(0), -1, ctx->ret);
	return TP_PASS;
}

SEC("tp/syscalls/sys_exit_setns")
int setns_exit(struct trace_event_raw_sys_exit *ctx)
{
	ns_call(ctx, ISOLENS_EV_SETNS, syscall_arg(1), (__s32)syscall_arg(0),
		ctx->ret);
	return TP_PASS;
}

/* ---- proc: fork, exec, exit ------------------------------------------- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(proc_fork, struct task_struct *parent, struct task_struct *child)
{
	struct trace_bpf_cfg *c = cfg_get();
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct isolens_event *e;
	__u8 one = 1;

	if (ctgid == ptgid)
		return 0; /* a new thread, not a new process */
	/* follow the descendants of followed processes, whatever is shown */
	if (tgid_followed(ptgid) &&
	    bpf_map_update_elem(&follow, &ctgid, &one, BPF_ANY))
		counter_inc(TRACE_CNT_FOLLOW_FULL);
	if (!selected(c, ISOLENS_CLASS_PROC))
		return 0;
	e = event_begin(c, ISOLENS_EV_FORK);
	if (!e)
		return 0;
	e->proc.child_pid = ctgid;
	e->proc.child_tid = BPF_CORE_READ(child, pid);
	event_emit(ctx, c, e);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int proc_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;
	unsigned int off;

	if (!selected(c, ISOLENS_CLASS_PROC))
		return TP_PASS;
	e = event_begin(c, ISOLENS_EV_EXEC);
	if (!e)
		return TP_PASS;
	off = ctx->__data_loc_filename & 0xffff;
	bpf_probe_read_kernel_str(e->proc.filename, sizeof(e->proc.filename),
				  (void *)ctx + off);
	event_emit(ctx, c, e);
	return TP_PASS;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *p)
{
	struct trace_bpf_cfg *c = cfg_get();
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct isolens_event *e;

	/* whole-process exits only: the last thread sees live == 0 */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	if (c && c->count) {
		struct isolens_event_hdr h = {};
		struct trace_ident who = {};

		hdr_fill(&h, ISOLENS_EV_EXIT); /* p is current */
		who.ns = h.ns;
		BPF_CORE_READ_STR_INTO(&who.comm, p, group_leader, comm);
		bpf_map_update_elem(&ident, &tgid, &who, BPF_ANY);
	}
	if (selected(c, ISOLENS_CLASS_PROC)) {
		e = event_begin(c, ISOLENS_EV_EXIT);
		if (e) {
			/* the last thread may be a worker: name the process */
			BPF_CORE_READ_STR_INTO(&e->hdr.comm, p, group_leader,
					       comm);
			e->proc.exit_code =
				BPF_CORE_READ(p, signal, group_exit_code);
			if (!e->proc.exit_code)
				e->proc.exit_code = BPF_CORE_READ(p, exit_code);
			event_emit(ctx, c, e);
		}
	}
	bpf_map_delete_elem(&follow, &tgid);
	return 0;
}

/* ---- cgroup ----------------------------------------------------------- */

static __always_inline int cgroup_event(void *ctx, __u16 kind, int root,
					int level, __u64 id, int pid,
					unsigned int path_loc)
{
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;
	__u32 tpid = pid;

	if (!selected(c, ISOLENS_CLASS_CGROUP) &&
	    !(c && (c->classes & ISOLENS_CLASS_CGROUP) && pid > 0 &&
	      tgid_followed(tpid)))
		return 0;
	e = event_begin(c, kind);
	if (!e)
		return 0;
	e->cgroup.id = id;
	e->cgroup.level = level;
	e->cgroup.target_pid = pid;
	e->cgroup.value = root; /* hierarchy id: 0 is cgroup v2 */
	bpf_probe_read_kernel_str(e->cgroup.path, sizeof(e->cgroup.path),
				  ctx + (path_loc & 0xffff));
	event_emit(ctx, c, e);
	return 0;
}

SEC("tp/cgroup/cgroup_mkdir")
int cgroup_mkdir(struct trace_event_raw_cgroup *ctx)
{
	cgroup_event(ctx, ISOLENS_EV_CGROUP_MKDIR, ctx->root, ctx->level,
		     ctx->id, 0, ctx->__data_loc_path);
	return TP_PASS;
}

SEC("tp/cgroup/cgroup_rmdir")
int cgroup_rmdir(struct trace_event_raw_cgroup *ctx)
{
	cgroup_event(ctx, ISOLENS_EV_CGROUP_RMDIR, ctx->root, ctx->level,
		     ctx->id, 0, ctx->__data_loc_path);
	return TP_PASS;
}

SEC("tp/cgroup/cgroup_attach_task")
int cgroup_attach(struct trace_event_raw_cgroup_migrate *ctx)
{
	cgroup_event(ctx, ISOLENS_EV_CGROUP_ATTACH, ctx->dst_root,
		     ctx->dst_level, ctx->dst_id, ctx->pid,
		     ctx->__data_loc_dst_path);
	return TP_PASS;
}

SEC("tp/cgroup/cgroup_transfer_tasks")
int cgroup_transfer(struct trace_event_raw_cgroup_migrate *ctx)
{
	cgroup_event(ctx, ISOLENS_EV_CGROUP_TRANSFER, ctx->dst_root,
		     ctx->dst_level, ctx->dst_id, ctx->pid,
		     ctx->__data_loc_dst_path);
	return TP_PASS;
}

SEC("tp/oom/mark_victim")
int oom_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct trace_bpf_cfg *c = cfg_get();
	struct isolens_event *e;
	__u32 victim = ctx->pid;

	/* the victim is usually not the task that ran out of memory */
	if (!selected(c, ISOLENS_CLASS_CGROUP) &&
	    !(c && (c->classes & ISOLENS_CLASS_CGROUP) &&
	      tgid_followed(victim)))
		return TP_PASS;
	e = event_begin(c, ISOLENS_EV_OOM_KILL);
	if (!e)
		return TP_PASS;
	e->cgroup.target_pid = victim;
	/* total_vm and the rss fields came after pid (not in older kernels) */
	if (bpf_core_field_exists(ctx->total_vm))
		e->cgroup.value = BPF_CORE_READ(ctx, total_vm);
	event_emit(ctx, c, e);
	return TP_PASS;
}

/* ---- cap: capability:cap_capable (kernels >= 6.14) -------------------- */

SEC("tp/capability/cap_capable")
int cap_capable_tp(struct trace_event_raw_cap_capable *ctx)
{
	cap_event(ctx, (void *)ctx->target_ns, ctx->cap, ctx->ret, 0);
	return TP_PASS;
}

/* ---- kvm -------------------------------------------------------------- */

/*
 * One kvm record: @k holds the tracepoint's fields, vm_pid and vcpu_id are
 * filled in here (the vCPU as learnt at kvm_entry/kvm_exit, or -1).
 */
static __always_inline void kvm_event(void *ctx, __u16 kind,
				      struct isolens_kvm *k)
{
	struct trace_bpf_cfg *c = cfg_get();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct isolens_event *e;
	__u32 *vcpu;

	if (!selected(c, ISOLENS_CLASS_KVM))
		return;
	e = event_begin(c, kind);
	if (!e)
		return;
	k->vm_pid = e->hdr.pid;
	vcpu = bpf_map_lookup_elem(&vcpu_of, &tid);
	k->vcpu_id = vcpu ? *vcpu : (__u32)-1;
	e->kvm = *k;
	event_emit(ctx, c, e);
}

static __always_inline void vcpu_learn(unsigned int vcpu_id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *old = bpf_map_lookup_elem(&vcpu_of, &tid);

	if (!old || *old != vcpu_id)
		bpf_map_update_elem(&vcpu_of, &tid, &vcpu_id, BPF_ANY);
}

SEC("tp/kvm/kvm_entry")
int kvm_entry(struct trace_event_raw_kvm_entry *ctx)
{
	struct isolens_kvm k = { .info1 = ctx->rip };

	vcpu_learn(ctx->vcpu_id);
	kvm_event(ctx, ISOLENS_EV_KVM_ENTRY, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_exit")
int kvm_exit(struct trace_event_raw_kvm_exit *ctx)
{
	struct isolens_kvm k = {
		.isa = ctx->isa,
		.exit_reason = ctx->exit_reason,
		.info1 = ctx->info1,
		.info2 = ctx->info2,
	};

	/* kvm_exit has named its vCPU only since it moved to a common macro */
	if (bpf_core_field_exists(ctx->vcpu_id))
		vcpu_learn(BPF_CORE_READ(ctx, vcpu_id));
	kvm_event(ctx, ISOLENS_EV_KVM_EXIT, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_userspace_exit")
int kvm_userspace_exit(struct trace_event_raw_kvm_userspace_exit *ctx)
{
	struct isolens_kvm k = {
		.exit_reason = ctx->reason,
		.info2 = (__u64)(__s64)ctx->errno,
	};

	kvm_event(ctx, ISOLENS_EV_KVM_USERSPACE_EXIT, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_pio")
int kvm_pio(struct trace_event_raw_kvm_pio *ctx)
{
	struct isolens_kvm k = {
		.dir = ctx->rw,
		.info1 = ctx->port,
		.info2 = ctx->val,
		.len = ctx->size,
		.count = ctx->count,
	};

	kvm_event(ctx, ISOLENS_EV_KVM_PIO, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_mmio")
int kvm_mmio(struct trace_event_raw_kvm_mmio *ctx)
{
	/* type: 0 read unsatisfied, 1 read, 2 write (KVM_TRACE_MMIO_*) */
	struct isolens_kvm k = {
		.dir = ctx->type == 2,
		.exit_reason = ctx->type,
		.info1 = ctx->gpa,
		.info2 = ctx->val,
		.len = ctx->len,
	};

	kvm_event(ctx, ISOLENS_EV_KVM_MMIO, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_msr")
int kvm_msr(struct trace_event_raw_kvm_msr *ctx)
{
	struct isolens_kvm k = {
		.dir = ctx->write,
		.exit_reason = ctx->exception,
		.info1 = ctx->ecx,
		.info2 = ctx->data,
	};

	kvm_event(ctx, ISOLENS_EV_KVM_MSR, &k);
	return TP_PASS;
}

SEC("tp/kvm/kvm_hypercall")
int kvm_hypercall(struct trace_event_raw_kvm_hypercall *ctx)
{
	struct isolens_kvm k = { .info1 = ctx->nr, .info2 = ctx->a0 };

	kvm_event(ctx, ISOLENS_EV_KVM_HYPERCALL, &k);
	return TP_PASS;
}

/* KVM_CREATE_VM and KVM_CREATE_VCPU: every ioctl (KVM_RUN too) exits here */
SEC("tp/syscalls/sys_exit_ioctl")
int kvm_ioctl_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	unsigned long cmd = syscall_arg(1);
	struct trace_bpf_cfg *c;
	struct isolens_event *e;
	__u32 arg;
	__u16 kind;

	if (cmd == KVM_CREATE_VM)
		kind = ISOLENS_EV_KVM_CREATE_VM;
	else if (cmd == KVM_CREATE_VCPU)
		kind = ISOLENS_EV_KVM_CREATE_VCPU;
	else
		return TP_PASS;
	c = cfg_get();
	if (!selected(c, ISOLENS_CLASS_KVM))
		return TP_PASS;
	arg = syscall_arg(2);
	/*
	 * Without kvm_entry (e.g. PVM) the creating thread is the best guess
	 * of a vCPU's thread; kvm_entry corrects it where it fires.
	 */
	if (kind == ISOLENS_EV_KVM_CREATE_VCPU && ctx->ret >= 0)
		bpf_map_update_elem(&vcpu_of, &tid, &arg, BPF_NOEXIST);
	e = event_begin(c, kind);
	if (!e)
		return TP_PASS;
	e->kvm.vm_pid = e->hdr.pid;
	e->kvm.vcpu_id = kind == ISOLENS_EV_KVM_CREATE_VCPU ? arg : (__u32)-1;
	e->kvm.info1 = arg; /* vm type or vcpu index */
	e->kvm.info2 = (__u64)ctx->ret; /* new fd or -errno */
	e->kvm.count = (__u32)syscall_arg(0); /* fd the ioctl was made on */
	event_emit(ctx, c, e);
	return TP_PASS;
}
