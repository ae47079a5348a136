// SPDX-License-Identifier: GPL-2.0
/*
 * isolens trace: namespace, cgroup, process, capability and KVM events,
 * attributed to the container or VM they belong to.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/parse.h"
#include "builtin.h"
#include "trace/attribute.h"
#include "trace/backend.h"
#include "trace/counts.h"
#include "trace/decode.h"
#include "trace/ksym.h"
#include "trace/spawn.h"
#include "trace/summary.h"

#define CMD "trace"

static void trace_usage(FILE *out)
{
	fprintf(out,
		"usage: isolens trace [SELECTION] [options] [-- CMD [ARG...]]\n"
		"\n"
		"selection (default --all):\n"
		"  --all              every process on the host\n"
		"  --pid PID          PID and the processes it starts from now on\n"
		"  --cgroup PATH      tasks under this cgroup v2 directory\n"
		"  --container NAME   an isolens container, or a runc container id\n"
		"  --vm NAME          a VM shown by 'isolens ls' (name, comm-pid or pid)\n"
		"  -- CMD             run CMD and trace it and its descendants\n"
		"\n"
		"options:\n"
		"  --events LIST      classes: proc,ns,cgroup,kvm,cap or all\n"
		"                     (default proc,ns,cgroup,kvm)\n"
		"  --json             JSON Lines (schema: docs/events.md)\n"
		"  --count            count events in the kernel and print only the\n"
		"                     summary: the cheapest way to trace (bpf backend)\n"
		"  --stacks           add the kernel stack of each event\n"
		"  --duration TIME    stop after TIME (\"10\", \"1.5s\", \"2m\")\n"
		"  --buffer SIZE      ring buffer size (default 8M, a power of 2)\n"
		"  --cap-all          every capability check (default: those involving a\n"
		"                     child user namespace, once per process and outcome)\n"
		"  --backend NAME     bpf (default), module (/dev/isolens from isolens.ko)\n"
		"                     or auto (the module when loaded, else bpf)\n"
		"\n"
		"exit status: 0 done; 2 bad option, unknown event class, container, VM,\n"
		"pid or cgroup; 125 cannot trace here (not root, no BTF, BPF refused);\n"
		"with -- CMD: CMD's status (128+N if killed by signal N), 124 when\n"
		"--duration stopped it, 126 cannot execute, 127 not found.\n");
}

struct trace_run {
	struct attrib *attrib;
	struct trace_summary sum;
	struct ksyms *ksyms;
	struct trace_backend *b;
	struct count_cache *counts; /* --count only */
	bool json;
	uint64_t t0;
	uint64_t last_refresh;
	uint64_t last_count_scan;
	char line[8192];
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static uint32_t stack_first(struct trace_run *r, const struct isolens_stack *st)
{
	return r->ksyms ? ksyms_skip_tracing(r->ksyms, st->ip, st->nr) : 0;
}

/* A frame's symbol, or its address without symbols. */
static void frame_name(struct trace_run *r, uint64_t ip, char *sym, size_t size)
{
	if (r->ksyms)
		ksyms_format(r->ksyms, ip, sym, size);
	else
		snprintf(sym, size, "0x%llx", (unsigned long long)ip);
}

static void print_stack(struct trace_run *r, const struct isolens_stack *st)
{
	char sym[512];
	uint32_t i;

	for (i = stack_first(r, st); i < st->nr; i++) {
		frame_name(r, st->ip[i], sym, sizeof(sym));
		printf("%*s%s\n", 13, "", sym);
	}
}

static void print_json_stack(struct trace_run *r,
			     const struct isolens_stack *st)
{
	char sym[512];
	uint32_t i;

	printf(",\"stack\":[");
	for (i = stack_first(r, st); i < st->nr; i++) {
		frame_name(r, st->ip[i], sym, sizeof(sym));
		printf("%s{\"ip\":%llu,\"sym\":",
		       i > stack_first(r, st) ? "," : "",
		       (unsigned long long)st->ip[i]);
		json_quote(stdout, sym);
		putchar('}');
	}
	printf("]");
}

static int on_record(void *ctx, const struct isolens_event *e, size_t size)
{
	struct trace_run *r = ctx;
	const struct isolens_stack *st;
	struct trace_context tc;

	if (event_validate(e, size)) {
		r->sum.bad++;
		return 0;
	}
	attrib_event(r->attrib, e, &tc);
	summary_add(&r->sum, e, &tc);
	st = event_stack(e, size);
	if (r->json) {
		int n = event_format_json(e, &tc, r->line, sizeof(r->line));

		/* reopen the object to append the stack */
		if (st && n > 0 && r->line[n - 1] == '}') {
			r->line[n - 1] = '\0';
			fputs(r->line, stdout);
			print_json_stack(r, st);
			fputs("}\n", stdout);
		} else {
			puts(r->line);
		}
		return 0;
	}
	event_format_line(e, &tc, r->t0, r->line, sizeof(r->line));
	puts(r->line);
	if (st)
		print_stack(r, st);
	return 0;
}

/*
 * --count: attribute each aggregate the first time it is seen, while its
 * process most likely still lives (the backend falls back to what it
 * recorded at exit).
 */
static struct trace_context *count_attribute(struct trace_run *r,
					     const struct isolens_event *e)
{
	struct trace_context *tc;
	struct isolens_event full;
	bool fresh;

	tc = count_cache_get(r->counts, e, &fresh);
	if (tc && fresh) {
		full = *e;
		trace_backend_identify(r->b, &full);
		attrib_event(r->attrib, &full, tc);
	} else if (tc && tc->type == TRACE_CTX_VM && tc->vcpu < 0) {
		/* its thread may have shown itself a vCPU since */
		tc->vcpu = attrib_vcpu(r->attrib, e);
	}
	return tc;
}

static void count_scan(void *ctx, const struct isolens_event *e, uint64_t n)
{
	(void)n;
	count_attribute(ctx, e);
}

static void count_final(void *ctx, const struct isolens_event *e, uint64_t n)
{
	static const struct trace_context unknown = { .vcpu = -1 };
	struct trace_run *r = ctx;
	struct trace_context *tc = count_attribute(r, e);

	summary_add_n(&r->sum, e, tc ? tc : &unknown, n);
}

/* cgroup v2 id (the directory inode) and depth below the v2 root. */
static int cgroup_resolve(const char *path, uint64_t *id, unsigned int *level)
{
	char real[PATH_MAX], line[4096], best_mnt[PATH_MAX] = "";
	char best_root[PATH_MAX] = "";
	struct statfs sfs;
	struct stat st;
	const char *p;
	FILE *f;

	if (!realpath(path, real) || stat(real, &st) || !S_ISDIR(st.st_mode)) {
		cli_error(CMD, "--cgroup %s: no such cgroup directory", path);
		return -1;
	}
	if (statfs(real, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		cli_error(
			CMD,
			"--cgroup %s: not on a cgroup v2 mount (cgroup v1 has no id BPF can test; use --pid)",
			path);
		return -1;
	}
	*id = st.st_ino;
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char root[PATH_MAX], mnt[PATH_MAX], fstype[64];
		const char *dash = strstr(line, " - ");
		size_t ml;

		if (!dash ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(dash + 3, "%63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2"))
			continue;
		ml = strlen(mnt);
		if (strncmp(real, mnt, ml) ||
		    (real[ml] && real[ml] != '/' && strcmp(mnt, "/")))
			continue;
		if (ml > strlen(best_mnt)) {
			snprintf(best_mnt, sizeof(best_mnt), "%s", mnt);
			snprintf(best_root, sizeof(best_root), "%s", root);
		}
	}
	if (f)
		fclose(f);
	/* depth = components of the mount's root plus those below it */
	*level = 0;
	for (p = best_root; *p; p++)
		if (*p == '/' && p[1])
			(*level)++;
	for (p = real + strlen(best_mnt); *p; p++)
		if (*p == '/' && p[1])
			(*level)++;
	return 0;
}

struct trace_args {
	unsigned int classes;
	const char *pid, *cgroup, *container, *vm;
	bool all, json, stacks, cap_all;
	const char *backend;
	bool count;
	uint64_t duration_ms;
	uint64_t buffer;
	char **cmd;
};

/* The field of --pid, --cgroup, --container or --vm (@opt 'p', 'g', 'c', 'v'). */
static const char **trace_selector(struct trace_args *a, int opt)
{
	return opt == 'p' ? &a->pid :
	       opt == 'g' ? &a->cgroup :
	       opt == 'c' ? &a->container :
			    &a->vm;
}

/* The field of --json, --count, --stacks or --cap-all (@opt 'j', 'n', 's', 'C'). */
static bool *trace_flag(struct trace_args *a, int opt)
{
	return opt == 'j' ? &a->json :
	       opt == 'n' ? &a->count :
	       opt == 's' ? &a->stacks :
			    &a->cap_all;
}

static int trace_parse(int argc, char **argv, struct trace_args *a)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "container", required_argument, NULL, 'c' },
		{ "vm", required_argument, NULL, 'v' },
		{ "events", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "count", no_argument, NULL, 'n' },
		{ "stacks", no_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "buffer", required_argument, NULL, 'b' },
		{ "cap-all", no_argument, NULL, 'C' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct errbuf eb;
	int c, nsel = 0;

	memset(a, 0, sizeof(*a));
	/* cap checks are many: only when asked for */
	a->classes = ISOLENS_CLASS_ALL & ~ISOLENS_CLASS_CAP;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->all = true;
			nsel++;
			break;
		case 'p':
		case 'g':
		case 'c':
		case 'v':
			*trace_selector(a, c) = optarg;
			nsel++;
			break;
		case 'j':
		case 'n':
		case 's':
		case 'C':
			*trace_flag(a, c) = true;
			break;
		case 'B':
			if (strcmp(optarg, "bpf") && strcmp(optarg, "module") &&
			    strcmp(optarg, "auto")) {
				cli_error(
					CMD,
					"--backend '%s': expected bpf, module or auto",
					optarg);
				return -1;
			}
			a->backend = optarg;
			break;
		case 'e':
			if (event_classes_parse(optarg, &a->classes, &eb)) {
				cli_error(CMD, "--events: %s", eb.msg);
				return -1;
			}
			break;
		case 'd':
			if (parse_duration_ms(optarg, &a->duration_ms) ||
			    !a->duration_ms) {
				cli_error(
					CMD,
					"--duration '%s': not a positive duration",
					optarg);
				return -1;
			}
			break;
		case 'b':
			if (parse_size(optarg, &a->buffer) ||
			    a->buffer < 4096 || (a->buffer & (a->buffer - 1)) ||
			    a->buffer > (1ULL << 30)) {
				cli_error(
					CMD,
					"--buffer '%s': need a power of 2 between 4K and 1G",
					optarg);
				return -1;
			}
			break;
		case 'h':
			trace_usage(stdout);
			exit(EXIT_OK);
		default:
			cli_error(
				CMD,
				"unknown or incomplete option '%s' (see isolens trace --help)",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		if (cli_command_after_dashes(CMD, argv, optind))
			return -1;
		a->cmd = argv + optind;
		nsel++;
	}
	if (nsel > 1) {
		cli_error(
			CMD,
			"choose one of --all, --pid, --cgroup, --container, --vm, -- CMD");
		return -1;
	}
	if (a->count && a->stacks) {
		cli_error(
			CMD,
			"--count and --stacks: a count has no stack (use one)");
		return -1;
	}
	if (a->count && a->backend && !strcmp(a->backend, "module")) {
		cli_error(
			CMD,
			"--count needs the bpf backend: the module has no in-kernel counting");
		return -1;
	}
	return 0;
}

/* Turn the selection into backend options; message printed on error. */
static int trace_select(struct trace_args *a, struct trace_run *r,
			struct trace_opts *o, pid_t *follow)
{
	struct errbuf eb;
	uint64_t v;

	if (a->pid) {
		char path[64];

		if (parse_uint(a->pid, 1, INT32_MAX, &v)) {
			cli_error(CMD, "--pid '%s': not a pid", a->pid);
			return -1;
		}
		snprintf(path, sizeof(path), "/proc/%llu",
			 (unsigned long long)v);
		if (access(path, F_OK)) {
			cli_error(CMD, "--pid %llu: no such process",
				  (unsigned long long)v);
			return -1;
		}
		follow[o->nfollow++] = v;
	} else if (a->cgroup) {
		if (cgroup_resolve(a->cgroup, &o->cgroup_id, &o->cgroup_level))
			return -1;
		o->by_cgroup = true;
	} else if (a->container) {
		char cg[PATH_MAX];
		pid_t pid;

		if (attrib_find_container(r->attrib, a->container, &pid,
					  &o->pidns, cg, sizeof(cg), &eb)) {
			cli_error(CMD, "--container: %s", eb.msg);
			return -1;
		}
		follow[o->nfollow++] = pid;
		if (cg[0]) {
			struct statfs sfs;
			unsigned int lvl;
			uint64_t id;

			if (!statfs(cg, &sfs) &&
			    sfs.f_type == CGROUP2_SUPER_MAGIC &&
			    !cgroup_resolve(cg, &id, &lvl)) {
				o->by_cgroup = true;
				o->cgroup_id = id;
				o->cgroup_level = lvl;
			}
		}
	} else if (a->vm) {
		const struct attrib_vm *vm = attrib_find_vm(r->attrib, a->vm);

		if (!vm) {
			cli_error(CMD,
				  "--vm: no VM named '%s' (see isolens ls)",
				  a->vm);
			return -1;
		}
		follow[o->nfollow++] = vm->pid;
	}
	return 0;
}

/* One line on stderr once attached: users (and tests) know it is live. */
static void trace_announce(unsigned int classes, bool count)
{
	char list[64] = "";
	unsigned int bit;

	for (bit = 1; bit & ISOLENS_CLASS_ALL; bit <<= 1) {
		if (!(classes & bit))
			continue;
		if (list[0])
			strcat(list, ",");
		strcat(list, event_class_name(bit));
	}
	cli_note(CMD, "tracing %s%s; Ctrl-C stops", list[0] ? list : "nothing",
		 count ? " (counting in the kernel, summary at the end)" : "");
}

/* Poll until told to stop; returns the exit code of the run. */
static int trace_loop(struct trace_backend *b, struct trace_run *r,
		      struct trace_args *a, pid_t child)
{
	uint64_t deadline =
		a->duration_ms ? mono_ns() + a->duration_ms * 1000000ULL : 0;
	int status, code = EXIT_OK, n;

	while (!stop_sig) {
		n = trace_backend_poll(b, 100);
		if (n < 0) {
			cli_error(CMD, "reading events: %s", strerror(-n));
			code = EXIT_RUNTIME;
			break;
		}
		if (n > 0)
			fflush(stdout); /* live through pipes, one write per batch */
		if (mono_ns() - r->last_refresh > 1000000000ULL) {
			attrib_refresh(r->attrib);
			r->last_refresh = mono_ns();
		}
		if (r->counts &&
		    mono_ns() - r->last_count_scan > 200000000ULL) {
			trace_backend_counts(b, false, count_scan, r);
			r->last_count_scan = mono_ns();
		}
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			code = exit_code_from_wait(status);
			child = 0;
			/* the exit records are in flight: collect them */
			trace_backend_poll(b, 50);
			break;
		}
		if (deadline && mono_ns() >= deadline) {
			if (child > 0)
				code = EXIT_TIMEOUT;
			break;
		}
	}
	if (child > 0) {
		/* Ctrl-C or --duration: the command stops with us */
		kill(child, stop_sig ? stop_sig : SIGTERM);
		waitpid(child, &status, 0);
		if (code != EXIT_TIMEOUT)
			code = exit_code_from_wait(status);
	}
	while (trace_backend_poll(b, 0) > 0)
		;
	return code;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = { 0 };
	struct trace_backend *b = NULL;
	struct trace_stats stats;
	struct trace_args a;
	struct trace_run *r;
	struct sigaction sa;
	struct spawn child;
	pid_t follow[1];
	int code, i;
	const char *backend;
	char why[160];
	struct errbuf eb;
	char *sum;

	if (trace_parse(argc, argv, &a))
		return EXIT_USAGE;
	if (geteuid() != 0) {
		cli_error(
			CMD,
			"needs root: loading BPF programs requires CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
		return EXIT_RUNTIME;
	}
	spawn_init(&child);
	r = calloc(1, sizeof(*r));
	if (!r) {
		cli_error(CMD, "out of memory");
		return EXIT_RUNTIME;
	}
	r->json = a.json;
	summary_init(&r->sum);
	if (attrib_open(&r->attrib, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		free(r);
		return EXIT_RUNTIME;
	}
	o.classes = a.classes;
	o.follow = follow;
	o.stacks = a.stacks;
	o.cap_all = a.cap_all;
	o.count_only = a.count;
	o.ringbuf_bytes = a.buffer;
	if (a.count) {
		r->counts = count_cache_new();
		if (!r->counts) {
			cli_error(CMD, "out of memory");
			code = EXIT_RUNTIME;
			goto out;
		}
	}
	if (trace_select(&a, r, &o, follow)) {
		code = EXIT_USAGE;
		goto out;
	}
	if (a.stacks && ksyms_open(&r->ksyms, &eb))
		cli_note(CMD, "stacks unsymbolized: %s", eb.msg);
	else if (a.stacks && !ksyms_has_lines(r->ksyms))
		cli_note(
			CMD,
			"no kernel debug info found (vmlinux with DWARF): stacks show function+offset without file:line");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (a.cmd) {
		if (spawn_held(&child, a.cmd[0], a.cmd, 0, &eb)) {
			cli_error(CMD, "%s", eb.msg);
			code = EXIT_RUNTIME;
			goto out;
		}
		follow[o.nfollow++] = child.pid;
	}
	/* --count: only the bpf backend counts in the kernel */
	backend = trace_backend_choose(
		a.count || !a.backend ? "bpf" : a.backend, why, sizeof(why));
	if (a.backend && !strcmp(a.backend, "auto"))
		cli_note(CMD, "backend %s: %s", backend, why);
	if (trace_backend_open(&b, backend, &o, on_record, r, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		code = EXIT_RUNTIME;
		goto out;
	}
	r->b = b;
	for (i = 0; i < b->nnotes; i++)
		cli_note(CMD, "%s", b->notes[i]);
	trace_announce(b->classes & o.classes, a.count);
	r->t0 = mono_ns();
	r->last_refresh = r->t0;
	/* the command starts only once it is followed */
	if (child.pid > 0 && spawn_release(&child, &eb)) {
		if (!child.exec_failed) {
			cli_error(CMD, "cannot start the command");
			code = EXIT_RUNTIME;
			goto out;
		}
		/* its status (127 or 126) is the exit code, as for any */
		cli_error(CMD, "%s", eb.msg);
	}
	code = trace_loop(b, r, &a, child.pid);
	child.pid = 0; /* reaped */
	trace_backend_stats(b, &stats);
	if (a.count) {
		trace_backend_counts(b, true, count_final, r);
		stats.events = r->sum.total; /* produced: what was counted */
	}
	/* detach everything before printing: nothing outlives the summary */
	trace_backend_close(b);
	b = NULL;
	fflush(stdout);
	sum = a.json ? summary_format_json(&r->sum, &stats) :
		       summary_format_text(&r->sum, &stats);
	if (sum) {
		/* with --count the summary is the output */
		fputs(sum, a.json || a.count ? stdout : stderr);
		if (a.json)
			fputc('\n', stdout);
		free(sum);
	}
out:
	spawn_close(&child); /* a held child reads EOF and exits */
	trace_backend_close(b);
	ksyms_close(r->ksyms);
	attrib_close(r->attrib);
	count_cache_free(r->counts);
	summary_free(&r->sum);
	free(r);
	fflush(stdout);
	return code;
}
