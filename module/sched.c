// SPDX-License-Identifier: GPL-2.0
/*
 * The proc class: fork, exec and exit from the sched_process_* tracepoints.
 * Each probe's prototype is "void *data" followed by the tracepoint's
 * TP_PROTO, exactly: the tracepoint calls it through a function pointer.
 * Where TP_PROTO changed between kernels, ISOLENS_PROBE_FOR picks the
 * matching probe from the headers we build against (see isolens.h).
 */
#include <linux/binfmts.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <trace/events/sched.h>
#include "isolens.h"

/* Called in the parent, after the child is fully set up but before it runs. */
static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_PROC))
		return;
	isolens_event_init(&ev, ISOLENS_EV_FORK);
	ev.proc.child_pid = child->tgid;
	ev.proc.child_tid = child->pid;
	isolens_emit(&ev);
}

/* Called in the task after the new image is set up: comm is the new one. */
static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_PROC))
		return;
	isolens_event_init(&ev, ISOLENS_EV_EXEC);
	strscpy(ev.proc.filename, bprm->filename, sizeof(ev.proc.filename));
	isolens_emit(&ev);
}

/*
 * Called in do_exit() for every exiting thread, before it drops its files,
 * its mm already gone, namespaces still attached.
 */
static void emit_exit(void *data, struct task_struct *p)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_PROC))
		return;
	isolens_event_init(&ev, ISOLENS_EV_EXIT);
	ev.proc.exit_code = p->exit_code;
	isolens_emit(&ev);
}

static void probe_exit(void *data, struct task_struct *p)
{
	emit_exit(data, p);
}

/* Newer kernels (6.16) pass group_dead too. */
static void probe_exit_group_dead(void *data, struct task_struct *p,
				  bool group_dead)
{
	emit_exit(data, p);
}

struct isolens_hook isolens_sched_hooks[] = {
	{ .name = "sched_process_fork",
	  .probe = probe_fork,
	  .class = ISOLENS_CLASS_PROC },
	{ .name = "sched_process_exec",
	  .probe = probe_exec,
	  .class = ISOLENS_CLASS_PROC },
	{ .name = "sched_process_exit",
	  .probe = ISOLENS_PROBE_FOR(sched_process_exit, (struct task_struct *),
				     probe_exit, probe_exit_group_dead),
	  .class = ISOLENS_CLASS_PROC },
};
const size_t isolens_sched_nr_hooks = ARRAY_SIZE(isolens_sched_hooks);
