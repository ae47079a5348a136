/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens compare: the numbers of one container-vs-VM run and their
 * renderings (terminal tables, JSON, self-contained HTML with SVG bars,
 * Chrome/Perfetto trace JSON).  The schema is documented in docs/compare.md.
 * Renderers write to a stream the caller gives; they never print elsewhere.
 */
#ifndef ISOLENS_COMPARE_REPORT_H
#define ISOLENS_COMPARE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compare/syscalls.h"
#include "trace/exit_reason.h"

#define REPORT_SIDE_CTR 0
#define REPORT_SIDE_VM 1
#define REPORT_MAX_REASONS 48
#define REPORT_MAX_MARKS 4000
#define REPORT_USER_EXITS 64
#define REPORT_STACK_DEPTH 6 /* frames kept per checkpoint stack */
#define REPORT_MAX_STACKS 1024 /* distinct stacks counted per side */
#define REPORT_TOP_FUNCS 6
#define REPORT_TOP_STACKS 3

struct report_count {
	char name[40];
	uint64_t n;
};

/* One point or span on the shared timeline (--perfetto, HTML). */
struct report_mark {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint64_t dur_ns; /* 0: an instant */
	int side;
	char name[40];
	char detail[88];
	bool counter; /* a counter sample: value, not an instant */
	int64_t value;
};

/* A kernel stack at an isolation checkpoint, counted while the run goes on. */
struct report_stack {
	uint64_t ip[REPORT_STACK_DEPTH]; /* tracing frames already skipped */
	uint32_t nr;
	int kind; /* enum isolens_kind of the checkpoint */
	char checkpoint[24];
	uint64_t n;
};

/* Named at the end of the run. */
struct report_hot {
	char func[64];
	uint64_t n; /* checkpoints whose stack starts in func */
};

struct report_hot_stack {
	char checkpoint[24];
	char frames[REPORT_STACK_DEPTH][64]; /* innermost first */
	uint32_t nr;
	uint64_t n;
};

/* What the VM's root disk did (isolens vm run --stats=json, "disks"). */
struct report_disk {
	uint64_t requests, read_bytes, written_bytes, flushes, errors;
	uint64_t notifies; /* doorbells: QueueNotify writes */
	uint64_t irqs; /* interrupts injected */
	bool needs_reset;
};

/* The file-I/O syscall families of the "disk I/O" rows and JSON. */
enum report_io_family {
	REPORT_IO_READS = 0, /* read, readv, pread64, preadv, preadv2 */
	REPORT_IO_WRITES, /* write, writev, pwrite64, pwritev, pwritev2 */
	REPORT_IO_SYNCS, /* fsync, fdatasync, sync, syncfs, sync_file_range */
	REPORT_IO_COPIES, /* sendfile, splice, copy_file_range */
	REPORT_IO_MAX
};

/* One line of the side-by-side table (terminal and HTML). */
struct report_row {
	bool heading; /* a section title in label, no values */
	char label[48];
	char v[2][112]; /* container, VM */
};
#define REPORT_MAX_ROWS 64

struct report_side {
	bool ran;
	int status; /* the command's exit status (125 etc. for failures) */
	uint64_t start_ns; /* when the side was released (monotonic) */
	uint64_t end_ns;
	uint64_t ready_ns; /* first exec in the container / VM init marker; 0 */
	char uname[80]; /* what `uname -r` printed on that side */
	bool host_kernel;
	char output[2048]; /* the workload's output (after the uname line) */
	char log[256]; /* VM: the head of the VMM's own stderr */

	/* memory */
	uint64_t rss_peak_kb; /* container: payload VmHWM sum; VM: VMM VmHWM */
	int64_t cg_mem_peak; /* bytes; -1: no cgroup v2 memory controller */
	uint64_t guest_ram; /* VM: configured guest RAM, bytes */

	/* syscalls that entered the host kernel, by number */
	uint64_t sys[SYSCALL_NR_MAX]; /* container payload / the VMM */
	uint64_t sys_setup[SYSCALL_NR_MAX]; /* container runtime (host pid ns) */
	uint64_t sys_guest; /* VM side, not the VMM process: always 0 */

	/* events of the isolens trace programs */
	uint64_t events;
	uint64_t forks, execs;
	uint64_t ns_ops; /* clone(NEW*), unshare, setns, ns_switch */
	uint64_t cgroup_events; /* mkdir, rmdir, attach, transfer */
	uint64_t pids_limit, oom_kills;
	uint64_t cap_checks, cap_denied;

	/* VM: exits */
	uint64_t kvm_exits; /* kvm_exit tracepoint: every exit */
	struct report_count reasons[REPORT_MAX_REASONS]; /* by exit reason */
	int nreasons;
	uint64_t groups[EXIT_GROUP_MAX];
	uint64_t user_exits[REPORT_USER_EXITS]; /* kvm_userspace_exit, KVM_EXIT_* */
	uint64_t user_exits_total;
	/* the VMM's own counters (isolens vm run --stats), -1 if unknown */
	int64_t vmm_user_exits, vmm_kernel_exits;
	double vmm_marker_ms;
	/* VM: its disks (--stats=json); disk is /dev/vda, the root */
	unsigned int nr_disks; /* 0: no disk, or no stats */
	struct report_disk disk;
	bool disk_ioeventfd; /* doorbells caught by KVM_IOEVENTFD */

	/* where isolation happened: stacks at the checkpoints */
	struct report_stack *stacks; /* REPORT_MAX_STACKS, see report_hot_init */
	uint64_t stacks_seen, stacks_lost;
	int distinct_stacks;
	struct report_hot hot_funcs[REPORT_TOP_FUNCS];
	int nhot_funcs;
	struct report_hot_stack hot_stacks[REPORT_TOP_STACKS];
	int nhot_stacks;
};

struct report {
	char workload[32]; /* "" for -- CMD */
	char command[1024];
	char host_release[80];
	uint64_t t0_ns;
	uint64_t ctr_memory_max,
		ctr_pids_max; /* limits given to the container */
	unsigned int vm_cpus;
	uint64_t drops; /* trace records lost */
	char probes[16];
	struct report_side side[2];
	struct report_mark *marks; /* REPORT_MAX_MARKS entries */
	int nmarks;
	uint64_t marks_dropped;
	char conclusion[2048];
};

/*
 * An empty report: the marks' table allocated, what is unknown until
 * measured set so (cg_mem_peak and the VMM's counters -1).
 */
int report_init(struct report *r);
/* Free the marks and the stack tables (report_hot_init()). */
void report_free(struct report *r);

/* Helpers over one side's counts. */
uint64_t report_sys_total(const uint64_t *sys);
unsigned int report_sys_distinct(const uint64_t *sys);
void report_sys_by_cat(const uint64_t *sys, uint64_t out[SYSCALL_CAT_MAX]);
uint64_t report_sys_count(const uint64_t *sys, const char *name);
/* "reads", "writes", "syncs", "copies" */
const char *report_io_family_name(enum report_io_family f);
/*
 * The calls of family @f in @sys; when @detail is not NULL, also the
 * ones that occurred by name, "read 259, pread64 3" ("" for none).
 */
uint64_t report_io_family_sum(const uint64_t *sys, enum report_io_family f,
			      char *detail, size_t len);
double report_ms(const struct report_side *s, uint64_t ts);

void report_add_mark(struct report *r, int side, uint64_t ts, uint64_t dur,
		     const char *name, const char *detail);
void report_add_reason(struct report_side *s, const char *name);
/* Most frequent exit reason first. */
void report_sort_reasons(struct report_side *s);

/* Kernel address -> "func+0x1a [mod]"; always fills buf. */
typedef void (*report_symbolize_fn)(void *ctx, uint64_t ip, char *buf,
				    size_t len);

int report_hot_init(struct report_side *s);
void report_hot_free(struct report_side *s);
/* Count one checkpoint stack (innermost frame first, tracing frames cut). */
void report_add_stack(struct report_side *s, int kind, const char *checkpoint,
		      const uint64_t *ip, uint32_t nr);
/*
 * Name the hottest functions and stacks.  Once, at the end: it reorders
 * the table, so no stack may be added afterwards.
 */
int report_hot_name(struct report_side *s, report_symbolize_fn sym, void *ctx);

/* The side-by-side table; returns the number of rows filled. */
int report_rows(const struct report *r, struct report_row *rows, int max);

/* Fill r->conclusion from the numbers. */
void report_conclude(struct report *r);

void report_write_text(const struct report *r, FILE *out);
void report_write_json(const struct report *r, FILE *out);
void report_write_html(const struct report *r, FILE *out);
void report_write_perfetto(const struct report *r, FILE *out);

#endif
