// SPDX-License-Identifier: GPL-2.0
/*
 * Building records and handing them to readers.
 *
 * Every hook runs in the context of the task that caused the event, so the
 * header always describes current: its pids, its cgroup and its namespaces.
 * (A hook that is about another task, e.g. the child of a fork, puts that
 * task's ids in the payload.)  Reading current's own nsproxy, creds and
 * cgroup needs no lock: only current itself replaces them.
 */
#include <linux/cgroup.h>
#include <linux/ipc_namespace.h>
#include <linux/mnt_namespace.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include "isolens.h"

/* Event classes hooked at load time (module parameter, see main.c). */
unsigned int isolens_classes = ISOLENS_CLASS_ALL;

/*
 * The cheap test every hook makes first: is anybody listening?  Building a
 * record costs far more than this, so an idle module costs one load.
 */
bool isolens_wanted(u32 class)
{
	return (READ_ONCE(isolens_classes) & class) &&
	       !list_empty(&isolens_readers);
}

/*
 * struct mnt_namespace is private to fs/ (fs/mount.h), but since 5.11 its
 * first member is its struct ns_common, as BPF tools also assume.  A kernel
 * with structure layout randomisation may move it, so report 0 there.
 */
static u32 mnt_ns_inum(struct nsproxy *nsp)
{
#if defined(CONFIG_RANDSTRUCT) || defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
	return 0;
#else
	return nsp->mnt_ns ? ((struct ns_common *)nsp->mnt_ns)->inum : 0;
#endif
}

/* current's namespace inode numbers, as /proc/self/ns shows them. */
void isolens_fill_ns(struct isolens_ns_set *ns)
{
	struct nsproxy *nsp = current->nsproxy;
	struct pid_namespace *pidns;

	ns->user = current_user_ns()->ns.inum;
	pidns = task_active_pid_ns(current);
	ns->pid = pidns ? pidns->ns.inum : 0;
	/* An exiting task drops its nsproxy in exit_task_namespaces(). */
	if (!nsp)
		return;
	ns->mnt = mnt_ns_inum(nsp);
	ns->uts = nsp->uts_ns->ns.inum;
	ns->ipc = nsp->ipc_ns->ns.inum;
	ns->net = nsp->net_ns->ns.inum;
#ifdef CONFIG_CGROUPS
	ns->cgroup = nsp->cgroup_ns->ns.inum;
#endif
#ifdef CONFIG_TIME_NS
	ns->time = nsp->time_ns->ns.inum;
#endif
}

static u64 current_cgroup_id(void)
{
	u64 id = 0;

#ifdef CONFIG_CGROUPS
	/* The css_set is RCU-protected; task_dfl_cgroup() needs the lock. */
	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
#endif
	return id;
}

/* Fill the header of @ev for current and clear the payload. */
void isolens_event_init(struct isolens_event *ev, u16 kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->hdr.size = sizeof(*ev);
	ev->hdr.kind = kind;
	ev->hdr.ts_ns = ktime_get_ns();
	ev->hdr.pid = current->tgid;
	ev->hdr.tid = current->pid;
	ev->hdr.ns_pid = task_tgid_vnr(current);
	ev->hdr.ns_tid = task_pid_vnr(current);
	ev->hdr.cgroup_id = current_cgroup_id();
	isolens_fill_ns(&ev->hdr.ns);
	strscpy_pad(ev->hdr.comm, current->comm, sizeof(ev->hdr.comm));
}

static bool filter_match(const struct isolens_filter *f,
			 const struct isolens_event *ev, u32 class)
{
	if (f->classes && !(f->classes & class))
		return false;
	if (f->pidns_inum && f->pidns_inum != ev->hdr.ns.pid)
		return false;
	if (f->cgroup_id && f->cgroup_id != ev->hdr.cgroup_id)
		return false;
	return true;
}

/*
 * Offer @ev to every reader.  Runs in the hook's context: atomic, maybe
 * with interrupts off (kvm_entry), maybe under locks of the traced code.
 * So it only takes the reader's spinlock (irqsave) and defers the wake-up
 * to an irq_work: calling into the scheduler from inside, say, an OOM kill
 * under task_lock is asking for a deadlock.
 */
void isolens_emit(struct isolens_event *ev)
{
	u32 class = isolens_kind_class(ev->hdr.kind);
	struct isolens_reader *r;
	unsigned long flags;
	bool wake;

	atomic64_inc(&isolens_total_events);
	rcu_read_lock();
	list_for_each_entry_rcu(r, &isolens_readers, node) {
		wake = false;
		spin_lock_irqsave(&r->lock, flags);
		if (filter_match(&r->filter, ev, class)) {
			if (isolens_ring_push(&r->ring, ev, ev->hdr.size)) {
				r->events++;
				wake = true;
			} else {
				r->drops++;
			}
		}
		spin_unlock_irqrestore(&r->lock, flags);
		/* wq_has_sleeper() has the barrier that pairs with the
		 * sleeper's prepare_to_wait(): no lost wake-ups.
		 */
		if (wake && wq_has_sleeper(&r->wait))
			irq_work_queue(&r->wakeup);
	}
	rcu_read_unlock();
}
