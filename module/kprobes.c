// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * Attaching kretprobes to kernel functions that have no tracepoint.
 *
 * A kprobe replaces the first instruction of the function with a
 * breakpoint (or a jump, once optimised); a kretprobe also swaps the
 * return address for a trampoline, so the return handler runs when the
 * function returns.  The kernel finds the function by name in kallsyms, so
 * static functions work too, as long as the compiler did not inline them
 * everywhere: a missing symbol is reported and skipped, not fatal.
 *
 * Detaching: unregister_kretprobe() waits (synchronize_rcu) until no CPU
 * runs our handlers.  Calls still in flight keep the trampoline as return
 * address; the kernel notices the probe is gone and skips our handler, so
 * the module may be freed while a probed call sleeps (say, in unshare).
 */
#include <linux/seq_file.h>
#include "isolens.h"

static const struct {
	struct isolens_kprobe *probes;
	const size_t *nr;
} tables[] = {
	{ isolens_ns_kprobes, &isolens_ns_nr_kprobes },
};

/* The n-th entry over all tables, NULL past the last. */
static struct isolens_kprobe *kprobe_at(size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		if (n < *tables[i].nr)
			return &tables[i].probes[n];
		n -= *tables[i].nr;
	}
	return NULL;
}

#define for_each_kprobe(p, n) for (n = 0; ((p) = kprobe_at(n)); n++)

int isolens_kprobes_attach(void)
{
	struct isolens_kprobe *p;
	size_t n;
	int ret;

	for_each_kprobe(p, n) {
		if (!(isolens_classes & p->class))
			continue;
		ret = register_kretprobe(&p->krp);
		if (ret == -ENOENT || ret == -EINVAL) {
			/* Not in kallsyms, inlined, or not probe-able here. */
			pr_info("cannot probe %s (%d), not traced\n",
				p->krp.kp.symbol_name, ret);
			continue;
		}
		if (ret) {
			pr_err("cannot probe %s: %d\n", p->krp.kp.symbol_name,
			       ret);
			isolens_kprobes_detach();
			return ret;
		}
		p->attached = true;
	}
	return 0;
}

void isolens_kprobes_detach(void)
{
	struct kretprobe *batch[16];
	struct isolens_kprobe *p;
	size_t k, n = 0;

	/* One call for all: the grace period is waited for once, not per
	 * probe (each is milliseconds, much more under emulation).
	 */
	for_each_kprobe(p, k) {
		if (!p->attached)
			continue;
		if (n == ARRAY_SIZE(batch)) {
			unregister_kretprobes(batch, n);
			n = 0;
		}
		batch[n++] = &p->krp;
		p->attached = false;
	}
	if (n)
		unregister_kretprobes(batch, n);
}

void isolens_kprobes_show(struct seq_file *m)
{
	struct isolens_kprobe *p;
	size_t n;

	for_each_kprobe(p, n)
		seq_printf(m, "kprobe %s %s hits %lld missed %d\n",
			   p->krp.kp.symbol_name,
			   p->attached ? "attached" : "off",
			   (long long)atomic64_read(&p->hits), p->krp.nmissed);
}
