// SPDX-License-Identifier: GPL-2.0
/*
 * isolens programs on BPF trampolines (fentry/fexit): the namespaces a task
 * really switched to, capability checks on kernels without the
 * capability:cap_capable tracepoint (< 6.14), and pids-controller fork
 * refusals.  Loaded only where the kernel permits trampolines; the loader
 * shares the maps of isolens_trace.bpf.c with this object.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "isolens_common.bpf.h"

#define EAGAIN 11

SEC("fentry/switch_task_namespaces")
int BPF_PROG(ns_switch_fentry, struct task_struct *p, struct nsproxy *new)
{
	return ns_switch_event(ctx, new);
}

SEC("fexit/cap_capable")
int BPF_PROG(cap_fexit, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	return cap_event(ctx, ns, cap, ret, opts);
}

/* pids_can_fork() refuses a fork with -EAGAIN when pids.max is reached */
SEC("fexit/pids_can_fork")
int BPF_PROG(pids_fexit, struct task_struct *task, struct css_set *cset,
	     int ret)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct trace_bpf_cfg *c = cfg_get();
	struct cgroup_subsys_state *css = NULL;
	struct pids_cgroup *pids;
	struct isolens_event *e;
	struct cgroup *cg;
	int id;

	if (ret != -EAGAIN || !selected(c, ISOLENS_CLASS_CGROUP))
		return 0;
	id = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
	if (!cset)
		cset = BPF_CORE_READ(t, cgroups);
	bpf_core_read(&css, sizeof(css), &cset->subsys[id & 15]);
	if (!css)
		return 0;
	cg = BPF_CORE_READ(css, cgroup);
	e = event_begin(c, ISOLENS_EV_PIDS_LIMIT);
	if (!e)
		return 0;
	pids = container_of(css, struct pids_cgroup, css);
	e->cgroup.id = BPF_CORE_READ(cg, kn, id);
	e->cgroup.level = BPF_CORE_READ(cg, level);
	e->cgroup.value = BPF_CORE_READ(pids, limit.counter);
	bpf_probe_read_kernel_str(e->cgroup.path, sizeof(e->cgroup.path),
				  BPF_CORE_READ(cg, kn, name));
	event_emit(ctx, c, e);
	return 0;
}
