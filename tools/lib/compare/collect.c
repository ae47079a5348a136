// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: trace records -> the report model (collect.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare/collect.h"
#include "trace/decode.h"
#include "trace/exit_reason.h"
#include "trace/ksym.h"
#include "vmm/vmm.h"

/* ---- host tgid -> side: open addressing, pid 0 marks a free slot ------- */

#define PIDS_SLOTS 16384

struct pidmap {
	uint32_t pid[PIDS_SLOTS];
	uint8_t side[PIDS_SLOTS];
};

static void pidmap_set(struct pidmap *m, uint32_t pid, int side)
{
	unsigned int i = pid % PIDS_SLOTS, n;

	for (n = 0; n < PIDS_SLOTS; n++, i = (i + 1) % PIDS_SLOTS) {
		if (m->pid[i] == pid || !m->pid[i]) {
			m->pid[i] = pid;
			m->side[i] = side;
			return;
		}
	}
}

static int pidmap_get(const struct pidmap *m, uint32_t pid)
{
	unsigned int i = pid % PIDS_SLOTS, n;

	for (n = 0; n < PIDS_SLOTS; n++, i = (i + 1) % PIDS_SLOTS) {
		if (m->pid[i] == pid)
			return m->side[i];
		if (!m->pid[i])
			return -1;
	}
	return -1;
}

int collector_init(struct collector *c, struct report *r, uint32_t host_pidns)
{
	memset(c, 0, sizeof(*c));
	c->pids = calloc(1, sizeof(*c->pids));
	if (!c->pids)
		return -ENOMEM;
	c->r = r;
	c->host_pidns = host_pidns;
	return 0;
}

void collector_free(struct collector *c)
{
	free(c->pids);
	c->pids = NULL;
}

void collector_follow(struct collector *c, pid_t pid, int side)
{
	if (pid > 0)
		pidmap_set(c->pids, pid, side);
}

int collector_side_of(const struct collector *c, pid_t pid)
{
	return pid > 0 ? pidmap_get(c->pids, pid) : -1;
}

/* ---- what a record adds --------------------------------------------------- */

static void mark(struct collector *c, int side, const struct isolens_event *e,
		 const char *name)
{
	char d[160];

	if (event_describe(e, d, sizeof(d)) < 0)
		d[0] = 0;
	report_add_mark(c->r, side, e->hdr.ts_ns, 0, name, d);
}

static void flush_bucket(struct collector *c, uint64_t ts)
{
	struct report_mark *m;

	if (!c->bucket_ts)
		return;
	report_add_mark(c->r, REPORT_SIDE_VM, c->bucket_ts, 0,
			"VM exits per 100 ms", NULL);
	if (c->r->nmarks) {
		m = &c->r->marks[c->r->nmarks - 1];
		if (m->ts_ns == c->bucket_ts && !m->counter) {
			m->counter = true;
			m->value = c->bucket_n;
		}
	}
	c->bucket_ts = ts;
	c->bucket_n = 0;
}

static void count_exit(struct collector *c, uint64_t ts)
{
	if (!c->bucket_ts)
		c->bucket_ts = ts;
	while (ts >= c->bucket_ts + COLLECT_BUCKET_NS)
		flush_bucket(c, c->bucket_ts + COLLECT_BUCKET_NS);
	c->bucket_n++;
}

/*
 * The isolation checkpoints whose kernel stacks say where isolation
 * happened: for the container, the host kernel's namespace, cgroup,
 * capability and limit code; for the VM, KVM's exit handling.
 */
static bool is_checkpoint(int side, int kind)
{
	if (side == REPORT_SIDE_VM)
		return kind >= ISOLENS_EV_KVM_EXIT &&
		       kind <= ISOLENS_EV_KVM_HYPERCALL;
	return isolens_kind_class(kind) &
	       (ISOLENS_CLASS_NS | ISOLENS_CLASS_CAP | ISOLENS_CLASS_CGROUP);
}

static void add_stack(struct collector *c, struct report_side *s, int side,
		      const struct isolens_event *e, size_t size)
{
	const struct isolens_stack *st = event_stack(e, size);
	uint64_t ip[REPORT_STACK_DEPTH];
	size_t first = 0, n;

	if (!st || !c->stacks || !is_checkpoint(side, e->hdr.kind))
		return;
	if (c->ksyms)
		first = ksyms_skip_tracing(c->ksyms, st->ip, st->nr);
	for (n = 0; n < REPORT_STACK_DEPTH && first + n < st->nr; n++)
		ip[n] = st->ip[first + n];
	report_add_stack(s, e->hdr.kind, event_kind_name(e->hdr.kind), ip, n);
}

int collector_record(void *ctx, const struct isolens_event *e, size_t size)
{
	struct collector *c = ctx;
	struct report_side *s;
	uint32_t pid = e->hdr.pid;
	int side;

	if (event_validate(e, size))
		return 0;
	/* KVM records belong to the VM whose VMM they name */
	if (isolens_kind_class(e->hdr.kind) == ISOLENS_CLASS_KVM &&
	    e->kvm.vm_pid)
		pid = e->kvm.vm_pid;
	side = pidmap_get(c->pids, pid);
	if (side < 0)
		return 0;
	s = &c->r->side[side];
	s->events++;
	add_stack(c, s, side, e, size);
	switch (e->hdr.kind) {
	case ISOLENS_EV_FORK:
		s->forks++;
		pidmap_set(c->pids, e->proc.child_pid, side);
		break;
	case ISOLENS_EV_EXEC:
		s->execs++;
		/* the container is ready at its first exec inside its pid ns */
		if (side == REPORT_SIDE_CTR && e->hdr.ns.pid != c->host_pidns &&
		    !s->ready_ns)
			s->ready_ns = e->hdr.ts_ns;
		mark(c, side, e, "exec");
		break;
	case ISOLENS_EV_CLONE:
	case ISOLENS_EV_UNSHARE:
	case ISOLENS_EV_SETNS:
	case ISOLENS_EV_NS_SWITCH:
		s->ns_ops++;
		mark(c, side, e, event_kind_name(e->hdr.kind));
		break;
	case ISOLENS_EV_CGROUP_MKDIR:
	case ISOLENS_EV_CGROUP_RMDIR:
	case ISOLENS_EV_CGROUP_ATTACH:
	case ISOLENS_EV_CGROUP_TRANSFER:
		s->cgroup_events++;
		mark(c, side, e, event_kind_name(e->hdr.kind));
		break;
	case ISOLENS_EV_PIDS_LIMIT:
		s->pids_limit++;
		mark(c, side, e, "pids limit");
		break;
	case ISOLENS_EV_OOM_KILL:
		s->oom_kills++;
		mark(c, side, e, "OOM kill");
		break;
	case ISOLENS_EV_CAP_CHECK:
		s->cap_checks++;
		s->cap_denied += e->cap.ret != 0;
		break;
	case ISOLENS_EV_KVM_EXIT:
		s->kvm_exits++;
		s->groups[exit_reason_group(e->kvm.isa, e->kvm.exit_reason)]++;
		report_add_reason(
			s, exit_reason_name(e->kvm.isa, e->kvm.exit_reason) ?:
				   "unknown");
		count_exit(c, e->hdr.ts_ns);
		break;
	case ISOLENS_EV_KVM_USERSPACE_EXIT:
		/*
		 * KVM_RUN failed (-EINTR: the VMM kicked its own vCPU with a
		 * signal, to stop it or to ask for its state): no exit the
		 * VMM handles, and none its counters count.
		 */
		if (e->kvm.info2)
			break;
		s->user_exits_total++;
		if (e->kvm.exit_reason < REPORT_USER_EXITS)
			s->user_exits[e->kvm.exit_reason]++;
		break;
	case ISOLENS_EV_KVM_PIO:
		/* the VM is ready when its init writes the marker port */
		if (e->kvm.info1 == VMM_PORT_MARKER && e->kvm.dir == 1 &&
		    !s->ready_ns) {
			s->ready_ns = e->hdr.ts_ns;
			report_add_mark(c->r, REPORT_SIDE_VM, e->hdr.ts_ns, 0,
					"init marker", "out 0x600");
		}
		break;
	case ISOLENS_EV_KVM_CREATE_VM:
	case ISOLENS_EV_KVM_CREATE_VCPU:
		mark(c, side, e, event_kind_name(e->hdr.kind));
		break;
	default:
		break;
	}
	return 0;
}

void collector_finish(struct collector *c)
{
	flush_bucket(c, 0);
}
