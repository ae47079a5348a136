// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroup class: cgroup directories made and removed, tasks moved
 * between cgroups, and the OOM killer choosing a victim.
 *
 * The cgroup tracepoints fire for every hierarchy (v1 and v2) and run under
 * trace_cgroup_path_lock, a spinlock taken with interrupts off, which is
 * one reason isolens_emit() never wakes a reader directly.
 */
#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <trace/events/cgroup.h>
#include <trace/events/oom.h>
#include "isolens.h"

static void emit_cgroup(void *data, u16 kind, struct cgroup *cgrp,
			const char *path, u32 target_pid)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_CGROUP))
		return;
	isolens_event_init(&ev, kind);
	ev.cgroup.id = cgroup_id(cgrp);
	ev.cgroup.level = cgrp->level;
	ev.cgroup.target_pid = target_pid;
	if (path)
		strscpy(ev.cgroup.path, path, sizeof(ev.cgroup.path));
	isolens_emit(&ev);
}

static void probe_mkdir(void *data, struct cgroup *cgrp, const char *path)
{
	emit_cgroup(data, ISOLENS_EV_CGROUP_MKDIR, cgrp, path, 0);
}

static void probe_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	emit_cgroup(data, ISOLENS_EV_CGROUP_RMDIR, cgrp, path, 0);
}

/* A write to cgroup.procs (threadgroup) or cgroup.threads. */
static void probe_attach(void *data, struct cgroup *dst, const char *path,
			 struct task_struct *task, bool threadgroup)
{
	emit_cgroup(data, ISOLENS_EV_CGROUP_ATTACH, dst, path,
		    threadgroup ? task->tgid : task->pid);
}

/* cgroup v1 moving all tasks out of a cgroup (cgroup_transfer_tasks). */
static void probe_transfer(void *data, struct cgroup *dst, const char *path,
			   struct task_struct *task, bool threadgroup)
{
	emit_cgroup(data, ISOLENS_EV_CGROUP_TRANSFER, dst, path,
		    threadgroup ? task->tgid : task->pid);
}

/*
 * mark_victim runs in the task that triggered the OOM kill, under the
 * victim's task_lock.  Older kernels pass only the victim's pid.
 */
static void emit_oom(void *data, struct task_struct *victim, pid_t pid)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_CGROUP))
		return;
	isolens_event_init(&ev, ISOLENS_EV_OOM_KILL);
	ev.cgroup.target_pid = pid;
	if (victim) {
		rcu_read_lock();
		ev.cgroup.id = cgroup_id(task_dfl_cgroup(victim));
		rcu_read_unlock();
	}
	isolens_emit(&ev);
}

static void probe_oom_pid(void *data, int pid)
{
	emit_oom(data, NULL, pid);
}

static void probe_oom_task(void *data, struct task_struct *task, uid_t uid)
{
	emit_oom(data, task, task->tgid);
}

struct isolens_hook isolens_cgroup_hooks[] = {
	{ .name = "cgroup_mkdir",
	  .probe = probe_mkdir,
	  .class = ISOLENS_CLASS_CGROUP },
	{ .name = "cgroup_rmdir",
	  .probe = probe_rmdir,
	  .class = ISOLENS_CLASS_CGROUP },
	{ .name = "cgroup_attach_task",
	  .probe = probe_attach,
	  .class = ISOLENS_CLASS_CGROUP },
	{ .name = "cgroup_transfer_tasks",
	  .probe = probe_transfer,
	  .class = ISOLENS_CLASS_CGROUP },
	{ .name = "mark_victim",
	  .probe = ISOLENS_PROBE_FOR(mark_victim, (int), probe_oom_pid,
				     probe_oom_task),
	  .class = ISOLENS_CLASS_CGROUP },
};
const size_t isolens_cgroup_nr_hooks = ARRAY_SIZE(isolens_cgroup_hooks);
