// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: run the same busybox command in an isolens container and
 * in an isolens micro-VM booting the host's kernel, trace both with one BPF
 * session on the host, and set the numbers side by side (docs/compare.md).
 *
 * Each side is `isolens container run` / `isolens vm run` (this binary,
 * /proc/self/exe), forked held on a pipe until the tracer follows it: the
 * VMM installs a seccomp filter on all of its threads, so it cannot share a
 * process with the tracer.  The sides run one after the other, so that
 * neither disturbs the other's timing.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "base/clock.h"
#include "base/errbuf.h"
#include "base/shquote.h"
#include "container/container.h"
#include "lab/lab.h"
#include "compare/report.h"
#include "compare/syscount.h"
#include "trace/backend.h"
#include "trace/decode.h"
#include "trace/exit_reason.h"
#include "trace/ksym.h"
#include "vmm/stats.h"
#include "vmm/vmm.h"

#define CMD "compare"
#define CTR_MEMORY (64ULL << 20)
#define CTR_PIDS 32
#define VM_MEM "256M"
#define VM_MEM_BYTES (256ULL << 20)
#define UNAME_TAG "isolens-uname"
#define EXIT_BUCKET_NS 100000000ULL /* exits counter sample: 100 ms */

struct workload {
	const char *name;
	const char *script; /* busybox sh */
	const char *shows;
};

static const struct workload workloads[] = {
	{ "hostname", "hostname isolens-demo 2>&1; hostname",
	  "uts: who decides whether root may set the hostname" },
	{ "ps", "ps",
	  "pid: the processes each side can see" },
	{ "net",
	  "ip link set lo up 2>/dev/null; nc -l -p 7777 & sleep 0.3; "
	  "echo hello over loopback | nc 127.0.0.1 7777; wait",
	  "net: a TCP socket on the side's own loopback" },
	{ "fork-bomb",
	  "i=0; while [ $i -lt 64 ]; do sleep 2 & i=$((i+1)); done; "
	  "echo started $i; wait",
	  "pids: 64 processes against pids.max 32 / the guest's own limits" },
	{ "alloc", "dd if=/dev/zero of=/dev/null bs=96M count=1 && echo allocated 96M",
	  "memory: a 96 MiB buffer against memory.max 64M / 256M guest RAM" },
	{ "io",
	  "dd if=/dev/zero of=/tmp/f bs=64k count=256 2>/dev/null && sync && "
	  "cat /tmp/f >/dev/null && rm /tmp/f && echo wrote and read 16 MiB",
	  "file: I/O through the host's VFS / the guest's own tmpfs" },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: isolens compare [--workload NAME | -- CMD [ARG...]] [--json]\n"
		"                       [--html FILE] [--perfetto FILE]\n\n"
		"Runs the command in an isolens container and in an isolens micro-VM\n"
		"booting the host's kernel, traces both from the host, and compares\n"
		"start-up, memory and the host-kernel work each side caused.\n\n"
		"  --workload NAME  a built-in workload (default hostname):\n");
	for (i = 0; i < NWORKLOADS; i++)
		fprintf(out, "      %-10s %s\n", workloads[i].name,
			workloads[i].shows);
	fprintf(out,
		"  --json           print the report as JSON (docs/compare.md)\n"
		"  --html FILE      also write a self-contained HTML report\n"
		"  --perfetto FILE  also write a Chrome/Perfetto trace JSON\n\n"
		"Needs root and a hardware-backed /dev/kvm (run it in the lab VM).\n"
		"Exit status: 0 compared; 1 a side failed to run; 2 bad usage;\n"
		"125 cannot trace or no usable KVM here.\n");
}

/* ---- pid -> side, for the trace records -------------------------------- */

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
			return 0;
	}
	return 0;
}

/* ---- one run ----------------------------------------------------------- */

struct capture {
	int fd;
	char buf[16384];
	size_t len;
};

struct run {
	struct report *r;
	struct pidmap *pids;
	uint32_t host_pidns;
	uint64_t bucket_ts, bucket_n;
	char ctr_name[CONTAINER_NAME_MAX];
	pid_t child[2];
	int release[2];
	struct capture out[2], vm_err;
	struct ksyms *ksyms;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void mark(struct run *x, int side, const struct isolens_event *e,
		 const char *name)
{
	char d[160];

	if (event_describe(e, d, sizeof(d)) < 0)
		d[0] = 0;
	report_add_mark(x->r, side, e->hdr.ts_ns, 0, name, d);
}

static void flush_bucket(struct run *x, uint64_t ts)
{
	struct report_mark *m;

	if (!x->bucket_ts)
		return;
	report_add_mark(x->r, REPORT_SIDE_VM, x->bucket_ts, 0,
			"VM exits per 100 ms", NULL);
	if (x->r->nmarks) {
		m = &x->r->marks[x->r->nmarks - 1];
		if (m->ts_ns == x->bucket_ts && !m->counter) {
			m->counter = true;
			m->value = x->bucket_n;
		}
	}
	x->bucket_ts = ts;
	x->bucket_n = 0;
}

/*
 * The isolation checkpoints whose kernel stacks say where isolation
 * happened: for the container, the host kernel's namespace, cgroup,
 * capability and limit code; for the VM, KVM's exit handling.
 */
static bool is_checkpoint(int side, int kind)
{
	if (side == REPORT_SIDE_VM + 1)
		return kind >= ISOLENS_EV_KVM_EXIT &&
		       kind <= ISOLENS_EV_KVM_HYPERCALL;
	return (kind >= ISOLENS_EV_CLONE && kind <= ISOLENS_EV_NS_SWITCH) ||
	       kind == ISOLENS_EV_CAP_CHECK ||
	       (kind >= ISOLENS_EV_CGROUP_MKDIR && kind <= ISOLENS_EV_OOM_KILL);
}

static void add_stack(struct run *x, struct report_side *s, int side,
		      const struct isolens_event *e, size_t size)
{
	const struct isolens_stack *st = event_stack(e, size);
	uint64_t ip[REPORT_STACK_DEPTH];
	size_t first, n;

	if (!st || !x->ksyms || !is_checkpoint(side, e->hdr.kind))
		return;
	first = ksyms_skip_tracing(x->ksyms, st->ip, st->nr);
	for (n = 0; n < REPORT_STACK_DEPTH && first + n < st->nr; n++)
		ip[n] = st->ip[first + n];
	report_add_stack(s, e->hdr.kind, event_kind_name(e->hdr.kind), ip, n);
}

static void symbolize(void *ctx, uint64_t ip, char *buf, size_t len)
{
	if (ksyms_format(ctx, ip, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "0x%llx", (unsigned long long)ip);
}

static int on_record(void *ctx, const struct isolens_event *e, size_t size)
{
	struct run *x = ctx;
	struct report_side *s;
	uint32_t pid = e->hdr.pid;
	int side;

	if (event_validate(e, size))
		return 0;
	if (e->hdr.kind >= ISOLENS_EV_KVM_CREATE_VM &&
	    e->hdr.kind <= ISOLENS_EV_KVM_HYPERCALL)
		pid = e->kvm.vm_pid ? e->kvm.vm_pid : pid;
	side = pidmap_get(x->pids, pid);
	if (!side)
		return 0;
	s = &x->r->side[side - 1];
	s->events++;
	add_stack(x, s, side, e, size);
	switch (e->hdr.kind) {
	case ISOLENS_EV_FORK:
		s->forks++;
		pidmap_set(x->pids, e->proc.child_pid, side);
		break;
	case ISOLENS_EV_EXEC:
		s->execs++;
		if (side == REPORT_SIDE_CTR + 1 && e->hdr.ns.pid != x->host_pidns &&
		    !s->ready_ns)
			s->ready_ns = e->hdr.ts_ns;
		mark(x, side - 1, e, "exec");
		break;
	case ISOLENS_EV_CLONE:
	case ISOLENS_EV_UNSHARE:
	case ISOLENS_EV_SETNS:
	case ISOLENS_EV_NS_SWITCH:
		s->ns_ops++;
		mark(x, side - 1, e, event_kind_name(e->hdr.kind));
		break;
	case ISOLENS_EV_CGROUP_MKDIR:
	case ISOLENS_EV_CGROUP_RMDIR:
	case ISOLENS_EV_CGROUP_ATTACH:
	case ISOLENS_EV_CGROUP_TRANSFER:
		s->cgroup_events++;
		mark(x, side - 1, e, event_kind_name(e->hdr.kind));
		break;
	case ISOLENS_EV_PIDS_LIMIT:
		s->pids_limit++;
		mark(x, side - 1, e, "pids limit");
		break;
	case ISOLENS_EV_OOM_KILL:
		s->oom_kills++;
		mark(x, side - 1, e, "OOM kill");
		break;
	case ISOLENS_EV_CAP_CHECK:
		s->cap_checks++;
		s->cap_denied += e->cap.ret != 0;
		break;
	case ISOLENS_EV_KVM_EXIT:
		s->kvm_exits++;
		s->groups[exit_reason_group(e->kvm.isa, e->kvm.exit_reason)]++;
		report_add_reason(s, exit_reason_name(e->kvm.isa,
						      e->kvm.exit_reason) ?:
					     "unknown");
		if (!x->bucket_ts)
			x->bucket_ts = e->hdr.ts_ns;
		while (e->hdr.ts_ns >= x->bucket_ts + EXIT_BUCKET_NS)
			flush_bucket(x, x->bucket_ts + EXIT_BUCKET_NS);
		x->bucket_n++;
		break;
	case ISOLENS_EV_KVM_USERSPACE_EXIT:
		s->user_exits_total++;
		if (e->kvm.exit_reason < REPORT_USER_EXITS)
			s->user_exits[e->kvm.exit_reason]++;
		break;
	case ISOLENS_EV_KVM_PIO:
		if (e->kvm.info1 == VMM_PORT_MARKER && e->kvm.dir == 1 &&
		    !s->ready_ns) {
			s->ready_ns = e->hdr.ts_ns;
			report_add_mark(x->r, REPORT_SIDE_VM, e->hdr.ts_ns, 0,
					"init marker", "out 0x600");
		}
		break;
	case ISOLENS_EV_KVM_CREATE_VM:
	case ISOLENS_EV_KVM_CREATE_VCPU:
		mark(x, side - 1, e, event_kind_name(e->hdr.kind));
		break;
	default:
		break;
	}
	return 0;
}

/* Fork argv held on a pipe; stdout (and stderr if errfd) captured. */
static pid_t spawn_held(char **argv, int *release_fd, struct capture *out,
			struct capture *err)
{
	int go[2], o[2], e[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -1;
	if (pipe2(o, O_CLOEXEC))
		goto fail_go;
	if (err && pipe2(e, O_CLOEXEC))
		goto fail_o;
	pid = fork();
	if (pid < 0)
		goto fail_e;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		char c;

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(o[1], STDOUT_FILENO);
		if (err)
			dup2(e[1], STDERR_FILENO);
		if (read(go[0], &c, 1) != 1)
			_exit(EXIT_RUNTIME);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv("/proc/self/exe", argv);
		_exit(EXIT_CANNOT_EXEC);
	}
	close(go[0]);
	close(o[1]);
	out->fd = o[0];
	fcntl(o[0], F_SETFL, O_NONBLOCK);
	if (err) {
		close(e[1]);
		err->fd = e[0];
		fcntl(e[0], F_SETFL, O_NONBLOCK);
	}
	*release_fd = go[1];
	return pid;
fail_e:
	if (err) {
		close(e[0]);
		close(e[1]);
	}
fail_o:
	close(o[0]);
	close(o[1]);
fail_go:
	close(go[0]);
	close(go[1]);
	return -1;
}

static void capture_drain(struct capture *c)
{
	ssize_t n;

	while (c->fd >= 0) {
		if (c->len >= sizeof(c->buf) - 1) {
			char junk[4096];

			n = read(c->fd, junk, sizeof(junk)); /* keep the head */
		} else {
			n = read(c->fd, c->buf + c->len,
				 sizeof(c->buf) - 1 - c->len);
			if (n > 0)
				c->len += n;
		}
		if (n <= 0) {
			if (n == 0) {
				close(c->fd);
				c->fd = -1;
			}
			break;
		}
	}
	c->buf[c->len] = 0;
}

static uint64_t proc_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	uint64_t kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %llu", (unsigned long long *)&kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int64_t read_i64(const char *dir, const char *file)
{
	char path[4200];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Memory of the side now; the report keeps the peaks. */
static void sample(struct run *x, int side)
{
	struct report_side *s = &x->r->side[side];
	struct container_state st;
	struct errbuf eb = { 0 };
	uint64_t kb = 0;

	if (side == REPORT_SIDE_VM) {
		kb = proc_hwm_kb(x->child[1]);
		if (kb > s->rss_peak_kb)
			s->rss_peak_kb = kb;
		return;
	}
	if (state_read(x->ctr_name, &st, &eb) || st.pid <= 0)
		return;
	if (st.cgroup[0]) {
		char path[4200];
		int64_t v = read_i64(st.cgroup, "memory.peak");
		FILE *f;
		int pid;

		if (v < 0)
			v = read_i64(st.cgroup, "memory.current");
		if (v > s->cg_mem_peak)
			s->cg_mem_peak = v;
		snprintf(path, sizeof(path), "%s/cgroup.procs", st.cgroup);
		f = fopen(path, "re");
		if (f) {
			while (fscanf(f, "%d", &pid) == 1)
				kb += proc_hwm_kb(pid);
			fclose(f);
		}
	}
	if (!kb)
		kb = proc_hwm_kb(st.pid);
	if (kb > s->rss_peak_kb)
		s->rss_peak_kb = kb;
}

/* Run one side to completion, polling the tracer meanwhile. */
static int run_side(struct run *x, struct trace_backend *b, int side)
{
	struct report_side *s = &x->r->side[side];
	pid_t pid = x->child[side];
	int ws, w;

	s->start_ns = mono_ns();
	if (write(x->release[side], "g", 1) != 1)
		return -EIO;
	close(x->release[side]);
	x->release[side] = -1;
	for (;;) {
		trace_backend_poll(b, 10);
		capture_drain(&x->out[side]);
		if (side == REPORT_SIDE_VM)
			capture_drain(&x->vm_err);
		sample(x, side);
		w = waitpid(pid, &ws, WNOHANG);
		if (w == pid)
			break;
		if (stop_signal)
			kill(pid, SIGTERM);
	}
	s->end_ns = mono_ns();
	x->child[side] = 0;
	s->ran = true;
	s->status = container_exit_code(ws);
	/* read the rest of the output the child left in the pipe */
	capture_drain(&x->out[side]);
	if (side == REPORT_SIDE_VM)
		capture_drain(&x->vm_err);
	return 0;
}

/* "isolens-uname\n6.1.0\nrest" -> uname and output. */
static void parse_output(struct report_side *s, char *buf)
{
	char *p, *q, *w;

	/* the guest console sends CR LF */
	for (p = q = buf; *p; p++)
		if (*p != '\r')
			*q++ = *p;
	*q = 0;
	p = strstr(buf, UNAME_TAG "\n");
	if (!p) {
		snprintf(s->output, sizeof(s->output), "%s", buf);
		return;
	}
	p += strlen(UNAME_TAG) + 1;
	q = strchr(p, '\n');
	w = q ? q + 1 : p + strlen(p);
	snprintf(s->uname, sizeof(s->uname), "%.*s",
		 (int)(q ? q - p : (long)strlen(p)), p);
	snprintf(s->output, sizeof(s->output), "%s", w);
}

/* The VMM's own counters, from its --stats=json line on stderr. */
static void parse_vm_stats(struct report_side *s, const char *err)
{
	struct vmm_result res;

	s->vmm_user_exits = s->vmm_kernel_exits = -1;
	s->vmm_marker_ms = -1;
	if (vmm_stats_parse_json(err, &res))
		return;
	s->vmm_user_exits = vmm_result_user_exits(&res);
	s->vmm_kernel_exits = res.kernel_exits;
	if (res.marker_ns)
		s->vmm_marker_ms = res.marker_ns / 1e6;
}

static uint32_t self_pidns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st))
		return 0;
	return (uint32_t)st.st_ino;
}

static int write_file(const char *path, const struct report *r,
		      void (*fn)(const struct report *, FILE *))
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fn(r, f);
	if (fclose(f))
		return -errno;
	return 0;
}

static char *join_cmd(char **argv)
{
	size_t len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);
	int i;

	if (!f)
		return NULL;
	for (i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		shell_quote_fput(f, argv[i]);
	}
	fclose(f);
	return buf;
}

enum { O_WORKLOAD = 1, O_JSON, O_HTML, O_PERFETTO, O_HELP };

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workload", required_argument, NULL, O_WORKLOAD },
		{ "json", no_argument, NULL, O_JSON },
		{ "html", required_argument, NULL, O_HTML },
		{ "perfetto", required_argument, NULL, O_PERFETTO },
		{ "help", no_argument, NULL, O_HELP },
		{}
	};
	const struct workload *wl = NULL;
	const char *html = NULL, *perfetto = NULL, *wname = NULL;
	struct trace_opts to = { 0 };
	struct trace_backend *b = NULL;
	struct syscount *sc = NULL;
	struct errbuf eb = { 0 };
	struct trace_stats tst;
	struct sigaction sa;
	struct utsname un;
	struct lab_accel_choice accel;
	char cgmnt[4096];
	struct report *r = NULL;
	struct run x;
	char *user_cmd = NULL, script[2048];
	char *ctr_argv[16], *vm_argv[16];
	bool json = false;
	int c, i, code = EXIT_RUNTIME;
	size_t k;

	memset(&x, 0, sizeof(x));
	x.release[0] = x.release[1] = -1;
	x.out[0].fd = x.out[1].fd = x.vm_err.fd = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case O_WORKLOAD:
			wname = optarg;
			break;
		case O_JSON:
			json = true;
			break;
		case O_HTML:
			html = optarg;
			break;
		case O_PERFETTO:
			perfetto = optarg;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc && wname) {
		cli_error(CMD, "give either --workload or -- CMD, not both");
		return EXIT_USAGE;
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--")) {
			cli_error(CMD, "unexpected argument '%s' (a command goes after --)",
				  argv[optind]);
			return EXIT_USAGE;
		}
		user_cmd = join_cmd(argv + optind);
		if (!user_cmd || strlen(user_cmd) > 1024) {
			cli_error(CMD, "the command is too long (1024 bytes at most)");
			free(user_cmd);
			return EXIT_USAGE;
		}
	} else {
		if (!wname)
			wname = "hostname";
		for (k = 0; k < NWORKLOADS; k++)
			if (!strcmp(workloads[k].name, wname))
				wl = &workloads[k];
		if (!wl) {
			char names[128] = "";

			for (k = 0; k < NWORKLOADS; k++)
				snprintf(names + strlen(names),
					 sizeof(names) - strlen(names), "%s%s",
					 k ? ", " : "", workloads[k].name);
			cli_error(CMD, "unknown workload '%s' (known: %s)", wname,
				  names);
			return EXIT_USAGE;
		}
	}
	if (geteuid() != 0) {
		cli_error(CMD, "needs root: it runs a container, a VM and BPF tracing");
		code = EXIT_RUNTIME;
		goto out;
	}
	if (lab_accel_choose(LAB_ACCEL_KVM, &accel, &eb)) {
		const char *why = eb.msg;

		if (!strncmp(why, "--accel kvm: ", 13))
			why += 13;
		cli_error(CMD, "no KVM that can boot Linux for the VM side: %s (run it in the lab VM: isolens lab run -- isolens compare)",
			  why);
		code = EXIT_RUNTIME;
		goto out;
	}
	if (cgroup_detect(cgmnt, sizeof(cgmnt)) != CGROUP_UNIFIED) {
		cli_error(CMD, "the container side needs a pure cgroup v2 hierarchy for its memory and pids limits; this host's is %s (run it in the lab VM)",
			  cgroup_mode_name(cgroup_detect(cgmnt, sizeof(cgmnt))));
		code = EXIT_RUNTIME;
		goto out;
	}

	r = calloc(1, sizeof(*r));
	x.pids = calloc(1, sizeof(*x.pids));
	if (r)
		r->marks = calloc(REPORT_MAX_MARKS, sizeof(*r->marks));
	if (!r || !x.pids || !r->marks) {
		cli_error(CMD, "out of memory");
		goto out;
	}
	x.r = r;
	uname(&un);
	snprintf(r->host_release, sizeof(r->host_release), "%s", un.release);
	snprintf(r->workload, sizeof(r->workload), "%s", wl ? wl->name : "");
	snprintf(r->command, sizeof(r->command), "%s",
		 wl ? wl->script : user_cmd);
	r->ctr_memory_max = CTR_MEMORY;
	r->ctr_pids_max = CTR_PIDS;
	r->vm_cpus = 1;
	r->side[REPORT_SIDE_CTR].cg_mem_peak = -1;
	r->side[REPORT_SIDE_VM].cg_mem_peak = -1;
	r->side[REPORT_SIDE_VM].guest_ram = VM_MEM_BYTES;
	x.host_pidns = self_pidns();
	/* the same script on both sides: say which kernel, run, leave the
	 * container's cgroup readable for a moment, keep the status */
	snprintf(script, sizeof(script),
		 "echo " UNAME_TAG "; uname -r; %s\ns=$?; sleep 0.2; exit $s",
		 r->command);
	snprintf(x.ctr_name, sizeof(x.ctr_name), "compare-%d", getpid());

	i = 0;
	ctr_argv[i++] = "isolens";
	ctr_argv[i++] = "container";
	ctr_argv[i++] = "run";
	ctr_argv[i++] = "--name";
	ctr_argv[i++] = x.ctr_name;
	ctr_argv[i++] = "--memory";
	ctr_argv[i++] = "64M";
	ctr_argv[i++] = "--pids";
	ctr_argv[i++] = "32";
	/* its own user namespace: root inside may set its hostname, and its
	 * capability checks are made against that namespace */
	ctr_argv[i++] = "--userns";
	ctr_argv[i++] = "--";
	ctr_argv[i++] = "sh";
	ctr_argv[i++] = "-c";
	ctr_argv[i++] = script;
	ctr_argv[i] = NULL;
	i = 0;
	vm_argv[i++] = "isolens";
	vm_argv[i++] = "vm";
	vm_argv[i++] = "run";
	vm_argv[i++] = "--stats=json";
	vm_argv[i++] = "--mem";
	vm_argv[i++] = VM_MEM;
	vm_argv[i++] = "--timeout";
	vm_argv[i++] = "300s";
	vm_argv[i++] = "--";
	vm_argv[i++] = "sh";
	vm_argv[i++] = "-c";
	vm_argv[i++] = script;
	vm_argv[i] = NULL;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	x.child[0] = spawn_held(ctr_argv, &x.release[0], &x.out[0], NULL);
	x.child[1] = x.child[0] < 0 ? -1 :
		     spawn_held(vm_argv, &x.release[1], &x.out[1], &x.vm_err);
	if (x.child[0] < 0 || x.child[1] < 0) {
		cli_error(CMD, "fork: %s", strerror(errno));
		goto out;
	}
	pidmap_set(x.pids, x.child[0], REPORT_SIDE_CTR + 1);
	pidmap_set(x.pids, x.child[1], REPORT_SIDE_VM + 1);

	/* the syscall counter first: it must see the sides' first calls */
	if (syscount_open(&sc, &eb) ||
	    syscount_follow(sc, x.child[0], REPORT_SIDE_CTR, &eb) ||
	    syscount_follow(sc, x.child[1], REPORT_SIDE_VM, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		goto out;
	}

	to.classes = ISOLENS_CLASS_ALL;
	to.follow = x.child;
	to.nfollow = 2;
	to.cap_all = true;
	to.ringbuf_bytes = 32 << 20;
	/* stacks name where isolation happened */
	to.stacks = !report_hot_init(&r->side[0]) &&
		    !report_hot_init(&r->side[1]);
	if (trace_backend_open(&b, "bpf", &to, on_record, &x, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		goto out;
	}
	if (!json)
		for (i = 0; i < b->nnotes; i++)
			cli_note(CMD, "%s", b->notes[i]);
	snprintf(r->probes, sizeof(r->probes), "%s", b->probes);
	/*
	 * kallsyms only after the programs are in: their trampolines and JITed
	 * images are at the top of every stack, and must be known by name to
	 * be cut.  Without kallsyms the report has no stacks, nothing else.
	 */
	if (to.stacks && ksyms_open(&x.ksyms, &eb)) {
		if (!json)
			cli_note(CMD, "no kernel stacks in this report: %s",
				 eb.msg);
		eb.msg[0] = 0;
	}

	r->t0_ns = mono_ns();
	if (!json)
		cli_note(CMD, "container side: %s", r->command);
	if (run_side(&x, b, REPORT_SIDE_CTR))
		goto out;
	if (stop_signal) {
		cli_error(CMD, "interrupted by signal %d", (int)stop_signal);
		code = 128 + stop_signal;
		goto out;
	}
	if (!json)
		cli_note(CMD, "VM side: booting %s (this takes a while under nested virtualization)",
			 r->host_release);
	if (run_side(&x, b, REPORT_SIDE_VM))
		goto out;
	while (trace_backend_poll(b, 50) > 0)
		;
	flush_bucket(&x, 0);
	if (!trace_backend_stats(b, &tst))
		r->drops = tst.drops;
	trace_backend_close(b);
	b = NULL;
	syscount_read(sc, r);

	parse_output(&r->side[REPORT_SIDE_CTR], x.out[0].buf);
	parse_output(&r->side[REPORT_SIDE_VM], x.out[1].buf);
	parse_vm_stats(&r->side[REPORT_SIDE_VM], x.vm_err.buf);
	/* "on the host's kernel": the same release, and its syscalls were
	 * seen by the host kernel */
	r->side[REPORT_SIDE_CTR].host_kernel =
		!strcmp(r->side[REPORT_SIDE_CTR].uname, r->host_release) &&
		report_sys_total(r->side[REPORT_SIDE_CTR].sys) > 0;
	r->side[REPORT_SIDE_VM].host_kernel =
		!strcmp(r->side[REPORT_SIDE_VM].uname, r->host_release) &&
		r->side[REPORT_SIDE_VM].sys_guest > 0;
	report_sort_reasons(&r->side[REPORT_SIDE_VM]);
	for (i = 0; x.ksyms && i < 2; i++)
		report_hot_name(&r->side[i], symbolize, x.ksyms);
	report_conclude(r);

	if (json)
		report_write_json(r, stdout);
	else
		report_write_text(r, stdout);
	code = EXIT_OK;
	if (html && write_file(html, r, report_write_html)) {
		cli_error(CMD, "cannot write %s: %s", html, strerror(errno));
		code = EXIT_FAIL;
	}
	if (perfetto && write_file(perfetto, r, report_write_perfetto)) {
		cli_error(CMD, "cannot write %s: %s", perfetto, strerror(errno));
		code = EXIT_FAIL;
	}
	if (!r->side[0].uname[0] || !r->side[1].uname[0]) {
		cli_error(CMD, "the %s side did not run the command (status %d); its output: %.200s",
			  !r->side[0].uname[0] ? "container" : "VM",
			  r->side[!r->side[0].uname[0] ? 0 : 1].status,
			  !r->side[0].uname[0] ? r->side[0].output :
						  x.vm_err.buf);
		code = EXIT_FAIL;
	}
out:
	for (i = 0; i < 2; i++) {
		if (x.release[i] >= 0)
			close(x.release[i]); /* a held child reads EOF, exits */
		if (x.child[i] > 0)
			waitpid(x.child[i], NULL, 0);
		if (x.out[i].fd >= 0)
			close(x.out[i].fd);
	}
	if (x.vm_err.fd >= 0)
		close(x.vm_err.fd);
	trace_backend_close(b);
	syscount_close(sc);
	ksyms_close(x.ksyms);
	if (r) {
		free(r->marks);
		report_hot_free(&r->side[0]);
		report_hot_free(&r->side[1]);
	}
	free(r);
	free(x.pids);
	free(user_cmd);
	fflush(stdout);
	return code;
}
