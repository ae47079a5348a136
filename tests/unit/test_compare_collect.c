// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare's collector (tools/lib/compare/collect.c): synthetic
 * records of both sides into the report model.
 */
#include <errno.h>
#include <asm/svm.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "compare/collect.h"
#include "trace/exit_reason.h"
#include "unit.h"
#include "vmm/vmm.h"

#define HOST_PIDNS 4026531836U
#define CTR_PIDNS 4026532100U
#define RUNTIME 1000 /* isolens container run */
#define VMM 2000 /* isolens vm run */
#define MS 1000000ULL

/* A record with room for a kernel stack after it. */
struct rec {
	struct isolens_event e;
	struct isolens_stack st;
};

static struct rec rec(unsigned int kind, uint32_t pid, uint64_t ts)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.e.hdr.size = sizeof(r.e);
	r.e.hdr.kind = kind;
	r.e.hdr.pid = pid;
	r.e.hdr.tid = pid;
	r.e.hdr.ts_ns = ts;
	r.e.hdr.ns.pid = HOST_PIDNS;
	return r;
}

static void feed(struct collector *c, struct rec *r)
{
	size_t size = r->e.hdr.size;

	collector_record(c, &r->e, size);
}

static void with_stack(struct rec *r, const uint64_t *ip, uint32_t nr)
{
	r->e.hdr.flags |= ISOLENS_F_STACK;
	r->e.hdr.size = sizeof(*r);
	r->st.nr = nr;
	memcpy(r->st.ip, ip, nr * sizeof(*ip));
}

struct fixture {
	struct report r;
	struct collector c;
};

static struct fixture *setup(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || report_init(&f->r) ||
	    collector_init(&f->c, &f->r, HOST_PIDNS))
		abort();
	collector_follow(&f->c, RUNTIME, REPORT_SIDE_CTR);
	collector_follow(&f->c, VMM, REPORT_SIDE_VM);
	return f;
}

static void teardown(struct fixture *f)
{
	collector_free(&f->c);
	report_free(&f->r);
	free(f);
}

/* Forks carry the side to the children; a stranger's records are ignored. */
static void test_attribution(void)
{
	struct fixture *f = setup();
	struct rec r;

	CHECK_EQ(collector_side_of(&f->c, RUNTIME), REPORT_SIDE_CTR);
	CHECK_EQ(collector_side_of(&f->c, VMM), REPORT_SIDE_VM);
	CHECK_EQ(collector_side_of(&f->c, 3000), -1);
	r = rec(ISOLENS_EV_FORK, RUNTIME, 1 * MS);
	r.e.proc.child_pid = 1001;
	feed(&f->c, &r);
	r = rec(ISOLENS_EV_FORK, 1001, 2 * MS); /* a grandchild */
	r.e.proc.child_pid = 1002;
	feed(&f->c, &r);
	CHECK_EQ(collector_side_of(&f->c, 1002), REPORT_SIDE_CTR);
	r = rec(ISOLENS_EV_FORK, 3000, 3 * MS); /* not ours */
	r.e.proc.child_pid = 3001;
	feed(&f->c, &r);
	CHECK_EQ(collector_side_of(&f->c, 3001), -1);
	r = rec(ISOLENS_EV_UNSHARE, 3001, 4 * MS);
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].forks, 2);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].events, 2);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].events, 0);
	/* a KVM record counts for the VM it names, whoever's thread it is */
	r = rec(ISOLENS_EV_KVM_EXIT, 2005, 5 * MS);
	r.e.kvm.vm_pid = VMM;
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].kvm_exits, 1);
	/* a record that is too short is dropped */
	r = rec(ISOLENS_EV_FORK, RUNTIME, 6 * MS);
	collector_record(&f->c, &r.e, sizeof(r.e) - 1);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].forks, 2);
	teardown(f);
}

/* The container's work: namespaces, cgroups, limits, capabilities. */
static void test_container_counts(void)
{
	struct fixture *f = setup();
	struct report_side *s = &f->r.side[REPORT_SIDE_CTR];
	static const unsigned int kinds[] = {
		ISOLENS_EV_CLONE,	 ISOLENS_EV_UNSHARE,
		ISOLENS_EV_SETNS,	 ISOLENS_EV_NS_SWITCH,
		ISOLENS_EV_CGROUP_MKDIR, ISOLENS_EV_CGROUP_ATTACH,
		ISOLENS_EV_CGROUP_RMDIR, ISOLENS_EV_PIDS_LIMIT,
		ISOLENS_EV_PIDS_LIMIT,	 ISOLENS_EV_OOM_KILL,
	};
	struct rec r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		r = rec(kinds[i], RUNTIME, (10 + i) * MS);
		feed(&f->c, &r);
	}
	r = rec(ISOLENS_EV_CAP_CHECK, RUNTIME, 30 * MS);
	feed(&f->c, &r);
	r.e.cap.ret = -1; /* -EPERM */
	feed(&f->c, &r);
	CHECK_EQ(s->ns_ops, 4);
	CHECK_EQ(s->cgroup_events, 3);
	CHECK_EQ(s->pids_limit, 2);
	CHECK_EQ(s->oom_kills, 1);
	CHECK_EQ(s->cap_checks, 2);
	CHECK_EQ(s->cap_denied, 1);
	CHECK_EQ(s->events, 12);
	/* every one but the capability checks is a mark on the timeline */
	CHECK_EQ(f->r.nmarks, 10);
	CHECK_STR(f->r.marks[0].name, "clone");
	CHECK_STR(f->r.marks[7].name, "pids limit");
	CHECK_STR(f->r.marks[9].name, "OOM kill");
	CHECK_EQ(f->r.marks[9].side, REPORT_SIDE_CTR);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].events, 0);
	teardown(f);
}

/* Ready: the container's first exec in its own pid ns, the VM's marker. */
static void test_ready(void)
{
	struct fixture *f = setup();
	struct rec r;

	r = rec(ISOLENS_EV_EXEC, RUNTIME, 5 * MS); /* still the runtime */
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].ready_ns, 0);
	r = rec(ISOLENS_EV_EXEC, RUNTIME, 7 * MS);
	r.e.hdr.ns.pid = CTR_PIDNS;
	feed(&f->c, &r);
	r.e.hdr.ts_ns = 9 * MS;
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].ready_ns, 7 * MS);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].execs, 3);

	r = rec(ISOLENS_EV_KVM_PIO, VMM, 40 * MS);
	r.e.kvm.vm_pid = VMM;
	r.e.kvm.info1 = 0x3f8; /* the console is not the marker */
	r.e.kvm.dir = 1;
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].ready_ns, 0);
	r.e.kvm.info1 = VMM_PORT_MARKER;
	r.e.kvm.dir = 0; /* an in, not the init's out */
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].ready_ns, 0);
	r.e.kvm.dir = 1;
	r.e.hdr.ts_ns = 50 * MS;
	feed(&f->c, &r);
	r.e.hdr.ts_ns = 60 * MS;
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].ready_ns, 50 * MS);
	CHECK_STR(f->r.marks[f->r.nmarks - 1].name, "init marker");
	CHECK_EQ(f->r.marks[f->r.nmarks - 1].side, REPORT_SIDE_VM);
	teardown(f);
}

/* VM exits by reason and group, KVM's userspace exits, and the counter
 * track in 100 ms buckets. */
static void test_exits(void)
{
	struct fixture *f = setup();
	struct report_side *s = &f->r.side[REPORT_SIDE_VM];
	struct report_mark *m;
	struct rec r;
	int i, counters = 0;

	r = rec(ISOLENS_EV_KVM_EXIT, VMM, 1000 * MS);
	r.e.kvm.vm_pid = VMM;
	r.e.kvm.isa = ISOLENS_KVM_ISA_SVM;
	r.e.kvm.exit_reason = SVM_EXIT_NPF;
	for (i = 0; i < 3; i++) { /* bucket 1000..1100 ms */
		r.e.hdr.ts_ns = (1000 + 10 * i) * MS;
		feed(&f->c, &r);
	}
	r.e.kvm.exit_reason = SVM_EXIT_IOIO;
	r.e.hdr.ts_ns = 1150 * MS; /* bucket 1100..1200 */
	feed(&f->c, &r);
	r.e.hdr.ts_ns = 1420 * MS; /* two empty buckets, then 1400..1500 */
	feed(&f->c, &r);
	r = rec(ISOLENS_EV_KVM_USERSPACE_EXIT, VMM, 1421 * MS);
	r.e.kvm.vm_pid = VMM;
	r.e.kvm.exit_reason = KVM_EXIT_IO;
	feed(&f->c, &r);
	r.e.kvm.exit_reason = 1000; /* beyond the table: in the total only */
	feed(&f->c, &r);
	/* a KVM_RUN the VMM's own kick interrupted: no exit it handled */
	r.e.kvm.exit_reason = KVM_EXIT_INTR;
	r.e.kvm.info2 = (uint64_t)-EINTR;
	feed(&f->c, &r);
	collector_finish(&f->c);

	CHECK_EQ(s->kvm_exits, 5);
	CHECK_EQ(s->groups[EXIT_GROUP_MMIO], 3);
	CHECK_EQ(s->groups[EXIT_GROUP_IO], 2);
	CHECK_EQ(s->nreasons, 2);
	report_sort_reasons(s);
	CHECK_STR(s->reasons[0].name, "npf");
	CHECK_EQ(s->reasons[0].n, 3);
	CHECK_STR(s->reasons[1].name, "io");
	CHECK_EQ(s->user_exits[KVM_EXIT_IO], 1);
	CHECK_EQ(s->user_exits_total, 2);
	CHECK_EQ(s->user_exits[KVM_EXIT_INTR], 0);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].kvm_exits, 0);

	/* buckets at 1000, 1100, 1200, 1300, 1400 ms: 3, 1, 0, 0, 1 */
	for (i = 0; i < f->r.nmarks; i++) {
		m = &f->r.marks[i];
		if (!m->counter)
			continue;
		CHECK_EQ(m->side, REPORT_SIDE_VM);
		CHECK_EQ(m->ts_ns, (1000 + 100 * counters) * MS);
		CHECK_EQ(m->value, counters == 0 ? 3 :
				   counters == 1 ? 1 :
				   counters == 4 ? 1 :
						   0);
		counters++;
	}
	CHECK_EQ(counters, 5);
	teardown(f);
}

static void symbolize(void *ctx, uint64_t ip, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "f_%llx", (unsigned long long)ip);
}

/* Checkpoint stacks: counted per side, only at the isolation checkpoints. */
static void test_stacks(void)
{
	static const uint64_t ctr_ip[] = { 0xffffffff81001000ULL,
					   0xffffffff81002000ULL };
	static const uint64_t vm_ip[] = { 0xffffffffc0001000ULL };
	struct fixture *f = setup();
	struct rec r;

	CHECK_EQ(report_hot_init(&f->r.side[REPORT_SIDE_CTR]), 0);
	CHECK_EQ(report_hot_init(&f->r.side[REPORT_SIDE_VM]), 0);
	r = rec(ISOLENS_EV_CAP_CHECK, RUNTIME, 1 * MS);
	with_stack(&r, ctr_ip, 2);
	feed(&f->c, &r); /* stacks off: not counted */
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].stacks_seen, 0);
	f->c.stacks = true;
	feed(&f->c, &r);
	feed(&f->c, &r);
	r = rec(ISOLENS_EV_FORK, RUNTIME, 2 * MS); /* not a checkpoint */
	with_stack(&r, ctr_ip, 2);
	feed(&f->c, &r);
	r = rec(ISOLENS_EV_KVM_EXIT, VMM, 3 * MS);
	r.e.kvm.vm_pid = VMM;
	with_stack(&r, vm_ip, 1);
	feed(&f->c, &r);
	r = rec(ISOLENS_EV_KVM_CREATE_VM, VMM, 4 * MS); /* not one either */
	r.e.kvm.vm_pid = VMM;
	with_stack(&r, vm_ip, 1);
	feed(&f->c, &r);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].stacks_seen, 2);
	CHECK_EQ(f->r.side[REPORT_SIDE_VM].stacks_seen, 1);
	CHECK_EQ(report_hot_name(&f->r.side[REPORT_SIDE_CTR], symbolize, NULL),
		 0);
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].distinct_stacks, 1);
	CHECK_STR(f->r.side[REPORT_SIDE_CTR].hot_stacks[0].checkpoint,
		  "cap_check");
	CHECK_EQ(f->r.side[REPORT_SIDE_CTR].hot_stacks[0].n, 2);
	CHECK_STR(f->r.side[REPORT_SIDE_CTR].hot_stacks[0].frames[1],
		  "f_ffffffff81002000");
	teardown(f);
}

int main(void)
{
	RUN(test_attribution);
	RUN(test_container_counts);
	RUN(test_ready);
	RUN(test_exits);
	RUN(test_stacks);
	UNIT_DONE();
}
