// SPDX-License-Identifier: GPL-2.0
/*
 * The ns and cap classes, from kretprobes on the functions that create,
 * enter and check namespaces.
 *
 * Handlers run with preemption off, in the context of the caller.  The
 * entry handler returns non-zero to say "not interesting, skip the return
 * handler": that is how the common cases (a fork without CLONE_NEW* flags,
 * a capability check in the initial user namespace) stay cheap.
 *
 * Function arguments come from the registers of the x86-64 calling
 * convention (regs_get_kernel_argument); syscalls are entered through
 * __x64_sys_* wrappers that take the user's saved pt_regs.
 */
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>
#include "isolens.h"

#define CLONE_NS_FLAGS                                               \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* What an ns entry handler saves for its return handler. */
struct ns_op_data {
	u64 flags;
	s32 fd;
};

static int entry_common(struct kretprobe_instance *ri, u32 class)
{
	atomic64_inc(&isolens_kprobe_of(ri)->hits);
	return isolens_wanted(class) ? 0 : 1;
}

static int emit_ns_op(struct kretprobe_instance *ri, struct pt_regs *regs,
		      u16 kind)
{
	struct ns_op_data *d = (struct ns_op_data *)ri->data;
	struct isolens_event ev;

	isolens_event_init(&ev, kind);
	ev.ns_op.flags = d->flags;
	ev.ns_op.ret = (s64)regs_return_value(regs);
	ev.ns_op.fd = d->fd;
	isolens_emit(&ev);
	return 0;
}

/* pid_t kernel_clone(struct kernel_clone_args *args): fork, clone, clone3 */
static int clone_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kernel_clone_args *args =
		(void *)regs_get_kernel_argument(regs, 0);
	struct ns_op_data *d = (struct ns_op_data *)ri->data;

	if (entry_common(ri, ISOLENS_CLASS_NS))
		return 1;
	if (!(args->flags & CLONE_NS_FLAGS))
		return 1;
	d->flags = args->flags;
	d->fd = -1;
	return 0;
}

static int clone_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return emit_ns_op(ri, regs, ISOLENS_EV_CLONE);
}

/* int ksys_unshare(unsigned long unshare_flags) */
static int unshare_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ns_op_data *d = (struct ns_op_data *)ri->data;

	if (entry_common(ri, ISOLENS_CLASS_NS))
		return 1;
	d->flags = regs_get_kernel_argument(regs, 0);
	d->fd = -1;
	return 0;
}

static int unshare_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return emit_ns_op(ri, regs, ISOLENS_EV_UNSHARE);
}

/* long __x64_sys_setns(const struct pt_regs *regs): fd in di, nstype in si */
static int setns_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ns_op_data *d = (struct ns_op_data *)ri->data;
	struct pt_regs *uregs;

	if (entry_common(ri, ISOLENS_CLASS_NS))
		return 1;
	uregs = (struct pt_regs *)regs_get_kernel_argument(regs, 0);
	d->fd = (s32)uregs->di;
	d->flags = (u32)uregs->si;
	return 0;
}

static int setns_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return emit_ns_op(ri, regs, ISOLENS_EV_SETNS);
}

/*
 * void switch_task_namespaces(struct task_struct *p, struct nsproxy *new)
 * The entry handler saves the old set; after the switch the header shows
 * the new one.  The switch to NULL at exit is skipped: every exit has it.
 */
static int switch_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct task_struct *p = (void *)regs_get_kernel_argument(regs, 0);
	void *new = (void *)regs_get_kernel_argument(regs, 1);

	if (entry_common(ri, ISOLENS_CLASS_NS))
		return 1;
	if (p != current || !new)
		return 1;
	isolens_fill_ns((struct isolens_ns_set *)ri->data);
	return 0;
}

static int switch_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct isolens_event ev;

	isolens_event_init(&ev, ISOLENS_EV_NS_SWITCH);
	memcpy(&ev.ns_switch.old_ns, ri->data, sizeof(ev.ns_switch.old_ns));
	isolens_emit(&ev);
	return 0;
}

/*
 * int cap_capable(const struct cred *cred, struct user_namespace *targ_ns,
 *		   int cap, unsigned int opts)
 * Every capable() check in the kernel ends here.  Only checks that involve
 * a user namespace other than the initial one are recorded: those are the
 * ones that show "root in a container" being less than root.
 */
struct cap_data {
	u32 cap;
	u32 target_userns;
	u32 opts;
};

static int cap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct cred *cred = (void *)regs_get_kernel_argument(regs, 0);
	struct user_namespace *targ = (void *)regs_get_kernel_argument(regs, 1);
	struct cap_data *d = (struct cap_data *)ri->data;

	if (entry_common(ri, ISOLENS_CLASS_CAP))
		return 1;
	if (targ == &init_user_ns && cred->user_ns == &init_user_ns)
		return 1;
	d->cap = (u32)regs_get_kernel_argument(regs, 2);
	d->target_userns = targ->ns.inum;
	d->opts = (u32)regs_get_kernel_argument(regs, 3);
	return 0;
}

static int cap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cap_data *d = (struct cap_data *)ri->data;
	struct isolens_event ev;

	isolens_event_init(&ev, ISOLENS_EV_CAP_CHECK);
	ev.cap.cap = d->cap;
	ev.cap.target_userns = d->target_userns;
	ev.cap.opts = d->opts;
	ev.cap.ret = (s32)regs_return_value(regs);
	isolens_emit(&ev);
	return 0;
}

/*
 * maxactive bounds the calls that can be in flight at once; kernel_clone,
 * unshare and setns may sleep, so leave room for many.  Calls beyond it
 * are counted in nmissed (shown in /proc/isolens/stats).
 */
#define NS_KRETPROBE(sym, entry, ret, size, cls)   \
	{                                          \
		.krp = { .kp.symbol_name = (sym),  \
			 .entry_handler = (entry), \
			 .handler = (ret),         \
			 .data_size = (size),      \
			 .maxactive = 64 },        \
		.class = (cls)                     \
	}

struct isolens_kprobe isolens_ns_kprobes[] = {
	NS_KRETPROBE("kernel_clone", clone_entry, clone_ret,
		     sizeof(struct ns_op_data), ISOLENS_CLASS_NS),
	NS_KRETPROBE("ksys_unshare", unshare_entry, unshare_ret,
		     sizeof(struct ns_op_data), ISOLENS_CLASS_NS),
	NS_KRETPROBE("__x64_sys_setns", setns_entry, setns_ret,
		     sizeof(struct ns_op_data), ISOLENS_CLASS_NS),
	NS_KRETPROBE("switch_task_namespaces", switch_entry, switch_ret,
		     sizeof(struct isolens_ns_set), ISOLENS_CLASS_NS),
	NS_KRETPROBE("cap_capable", cap_entry, cap_ret, sizeof(struct cap_data),
		     ISOLENS_CLASS_CAP),
};
const size_t isolens_ns_nr_kprobes = ARRAY_SIZE(isolens_ns_kprobes);
