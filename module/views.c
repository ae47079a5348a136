// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/isolens/namespaces and /proc/isolens/cgroups: snapshots of which
 * namespaces and cgroups exist right now, computed by walking every process
 * when the file is read.
 *
 * The walk runs under rcu_read_lock(): for_each_process() needs it, and it
 * keeps each task_struct and its creds alive while we look.  A task's
 * nsproxy may be swapped by the task itself at any time (setns, unshare,
 * exit), so it is read under task_lock(), which those paths take too.
 * Nothing here may sleep, so the table is allocated before the walk.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include "isolens.h"

/* Distinct entries one snapshot can hold. */
#define VIEW_MAX 2048

enum ns_type {
	NS_MNT,
	NS_PID,
	NS_NET,
	NS_UTS,
	NS_IPC,
	NS_USER,
	NS_CGROUP,
	NS_TIME,
	NS_TYPES
};

static const char *const ns_names[NS_TYPES] = {
	"mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time",
};

struct ns_entry {
	u32 type;
	u32 inum;
	u32 owner; /* inode of the owning user namespace */
	u32 tasks;
};

struct view {
	struct ns_entry *ns;
	size_t nr;
	bool truncated;
};

static void ns_add(struct view *v, u32 type, u32 inum, u32 owner)
{
	size_t i;

	if (!inum)
		return;
	for (i = 0; i < v->nr; i++) {
		if (v->ns[i].type == type && v->ns[i].inum == inum) {
			v->ns[i].tasks++;
			return;
		}
	}
	if (v->nr == VIEW_MAX) {
		v->truncated = true;
		return;
	}
	v->ns[v->nr++] = (struct ns_entry){ type, inum, owner, 1 };
}

static u32 owner_of(struct user_namespace *user_ns)
{
	return user_ns ? user_ns->ns.inum : 0;
}

/* Under rcu_read_lock(). */
static void ns_add_task(struct view *v, struct task_struct *p)
{
	struct user_namespace *user_ns = __task_cred(p)->user_ns;
	struct pid_namespace *pidns = task_active_pid_ns(p);
	struct nsproxy *nsp;

	ns_add(v, NS_USER, user_ns->ns.inum, owner_of(user_ns->parent));
	if (pidns)
		ns_add(v, NS_PID, pidns->ns.inum, owner_of(pidns->user_ns));

	task_lock(p);
	nsp = p->nsproxy;
	if (nsp) {
#if !defined(CONFIG_RANDSTRUCT) && !defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
		/* See event.c: ns is the first member.  Its owner is not
		 * reachable (struct mnt_namespace is private), so 0.
		 */
		ns_add(v, NS_MNT, ((struct ns_common *)nsp->mnt_ns)->inum, 0);
#endif
		ns_add(v, NS_NET, nsp->net_ns->ns.inum,
		       owner_of(nsp->net_ns->user_ns));
		ns_add(v, NS_UTS, nsp->uts_ns->ns.inum,
		       owner_of(nsp->uts_ns->user_ns));
		ns_add(v, NS_IPC, nsp->ipc_ns->ns.inum,
		       owner_of(nsp->ipc_ns->user_ns));
#ifdef CONFIG_CGROUPS
		ns_add(v, NS_CGROUP, nsp->cgroup_ns->ns.inum,
		       owner_of(nsp->cgroup_ns->user_ns));
#endif
#ifdef CONFIG_TIME_NS
		ns_add(v, NS_TIME, nsp->time_ns->ns.inum,
		       owner_of(nsp->time_ns->user_ns));
#endif
	}
	task_unlock(p);
}

static int ns_cmp(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->inum < y->inum ? -1 : x->inum > y->inum;
}

/* One line per namespace: type, inode, owning user namespace, processes. */
int isolens_namespaces_show(struct seq_file *m, void *unused)
{
	struct view v = {};
	struct task_struct *p;
	size_t i;

#if defined(CONFIG_RANDSTRUCT) || defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
	seq_puts(m,
		 "# mnt namespaces not shown: struct layout is randomised\n");
#endif
	v.ns = kvmalloc_array(VIEW_MAX, sizeof(*v.ns), GFP_KERNEL);
	if (!v.ns)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process(p)
		ns_add_task(&v, p);
	rcu_read_unlock();

	sort(v.ns, v.nr, sizeof(*v.ns), ns_cmp, NULL);
	seq_puts(m, "type inode owner_userns tasks\n");
	for (i = 0; i < v.nr; i++)
		seq_printf(m, "%s %u %u %u\n", ns_names[v.ns[i].type],
			   v.ns[i].inum, v.ns[i].owner, v.ns[i].tasks);
	if (v.truncated)
		seq_puts(m, "# truncated\n");
	kvfree(v.ns);
	return 0;
}

struct cg_entry {
	u64 id;
	u32 tasks;
	char path[ISOLENS_PATH_LEN];
};

static int cg_cmp(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* One line per cgroup (v2) that has processes: id, processes, path. */
int isolens_cgroups_show(struct seq_file *m, void *unused)
{
	struct task_struct *p;
	struct cg_entry *cg;
	bool truncated = false;
	size_t nr = 0, i;

	cg = kvmalloc_array(VIEW_MAX, sizeof(*cg), GFP_KERNEL);
	if (!cg)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process(p) {
		struct cgroup *cgrp = task_dfl_cgroup(p);
		u64 id = cgroup_id(cgrp);

		for (i = 0; i < nr && cg[i].id != id; i++)
			;
		if (i < nr) {
			cg[i].tasks++;
			continue;
		}
		if (nr == VIEW_MAX) {
			truncated = true;
			continue;
		}
		cg[nr].id = id;
		cg[nr].tasks = 1;
		/* kernfs_path() only takes a spinlock: fine under RCU. */
		if (cgroup_path(cgrp, cg[nr].path, sizeof(cg[nr].path)) < 0)
			strscpy(cg[nr].path, "?", sizeof(cg[nr].path));
		nr++;
	}
	rcu_read_unlock();

	sort(cg, nr, sizeof(*cg), cg_cmp, NULL);
	seq_puts(m, "id tasks path\n");
	for (i = 0; i < nr; i++)
		seq_printf(m, "%llu %u %s\n", cg[i].id, cg[i].tasks,
			   cg[i].path);
	if (truncated)
		seq_puts(m, "# truncated\n");
	kvfree(cg);
	return 0;
}
