// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching probes to the kernel's own tracepoints.
 *
 * A module cannot use register_trace_sched_process_fork() and friends: the
 * tracepoint structures are not exported by name.  The kernel does export
 * an iterator, for_each_kernel_tracepoint(), and tracepoint_probe_register()
 * which takes the struct tracepoint found that way.  The probe is called
 * with the @data pointer given at registration, then the tracepoint's
 * TP_PROTO arguments; we pass the hook itself as @data so a probe can
 * count its hits.
 *
 * Detaching: tracepoint_probe_unregister() only removes the probe from the
 * tracepoint's array; a CPU may still be running it.  Probes of non-faultable
 * tracepoints run under (sched-)RCU, so tracepoint_synchronize_unregister()
 * waits until none does.  Only then may the module's code go away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "isolens.h"

/* One table per event class file; each ends where its count says. */
static const struct {
	struct isolens_hook *hooks;
	const size_t *nr;
} tables[] = {
	{ isolens_sched_hooks, &isolens_sched_nr_hooks },
	{ isolens_cgroup_hooks, &isolens_cgroup_nr_hooks },
};

/* The n-th entry over all tables, NULL past the last. */
static struct isolens_hook *hook_at(size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		if (n < *tables[i].nr)
			return &tables[i].hooks[n];
		n -= *tables[i].nr;
	}
	return NULL;
}

#define for_each_hook(hook, n) for (n = 0; ((hook) = hook_at(n)); n++)

static void match_tracepoint(struct tracepoint *tp, void *priv)
{
	struct isolens_hook *hook;
	size_t n;

	for_each_hook(hook, n)
		if (!hook->tp && !strcmp(tp->name, hook->name))
			hook->tp = tp;
}

int isolens_hooks_attach(void)
{
	struct isolens_hook *hook;
	size_t n;
	int ret;

	for_each_kernel_tracepoint(match_tracepoint, NULL);

	for_each_hook(hook, n) {
		if (!(isolens_classes & hook->class))
			continue;
		if (!hook->tp) {
			/* An older or differently configured kernel. */
			pr_info("tracepoint %s not found, not traced\n",
				hook->name);
			continue;
		}
		ret = tracepoint_probe_register(hook->tp, hook->probe, hook);
		if (ret) {
			pr_err("cannot attach to %s: %d\n", hook->name, ret);
			isolens_hooks_detach();
			return ret;
		}
		hook->attached = true;
	}
	return 0;
}

void isolens_hooks_detach(void)
{
	struct isolens_hook *hook;
	size_t n;

	for_each_hook(hook, n) {
		if (!hook->attached)
			continue;
		WARN_ON(tracepoint_probe_unregister(hook->tp, hook->probe,
						    hook));
		hook->attached = false;
	}
	tracepoint_synchronize_unregister();
}

void isolens_hooks_show(struct seq_file *m)
{
	struct isolens_hook *hook;
	size_t n;

	for_each_hook(hook, n)
		seq_printf(m, "hook %s %s hits %lld\n", hook->name,
			   hook->attached ? "attached" :
			   hook->tp	  ? "off" :
					    "missing",
			   (long long)atomic64_read(&hook->hits));
}
