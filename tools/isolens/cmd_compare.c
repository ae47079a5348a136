// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: run the same busybox command in an isolens container and
 * in an isolens micro-VM booting the host's kernel, trace both with one BPF
 * session on the host, and set the numbers side by side (docs/compare.md).
 * The comparison is the compare library's (tools/lib/compare/compare.h);
 * here are the options, the built-in workloads and the output.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "builtin.h"
#include "base/errbuf.h"
#include "base/shquote.h"
#include "compare/compare.h"

#define CMD "compare"

struct workload {
	const char *name;
	const char *script; /* busybox sh */
	const char *shows;
};

static const struct workload workloads[] = {
	{ "hostname", "hostname isolens-demo 2>&1; hostname",
	  "uts: who decides whether root may set the hostname" },
	{ "ps", "ps", "pid: the processes each side can see" },
	{ "net",
	  "ip link set lo up 2>/dev/null; nc -l -p 7777 & sleep 0.3; "
	  "echo hello over loopback | nc 127.0.0.1 7777; wait",
	  "net: a TCP socket on the side's own loopback" },
	{ "fork-bomb",
	  "i=0; while [ $i -lt 64 ]; do sleep 2 & i=$((i+1)); done; "
	  "echo started $i; wait",
	  "pids: 64 processes against pids.max 32 / the guest's own limits" },
	{ "alloc",
	  "dd if=/dev/zero of=/dev/null bs=96M count=1 && echo allocated 96M",
	  "memory: a 96 MiB buffer against memory.max 64M / 256M guest RAM" },
	/*
	 * /tmp is the container's tmpfs (its rootfs is read-only) and, in
	 * the VM, a directory of the ext4 root on /dev/vda: the write, the
	 * fsync and (the guest's page cache dropped first) the read cross
	 * virtio-blk.  The container may not drop caches: /proc/sys is
	 * read-only there, and the script goes on.
	 */
	{ "io",
	  "dd if=/dev/zero of=/tmp/f bs=64k count=256 conv=fsync 2>/dev/null && "
	  "{ echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; "
	  "cat /tmp/f >/dev/null && rm /tmp/f && "
	  "echo wrote, fsynced and read back 16 MiB",
	  "file: host tmpfs / the guest's ext4 on virtio-blk" },
};

#define NWORKLOADS ARRAY_SIZE(workloads)

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

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_note(void *ctx, const char *msg)
{
	(void)ctx;
	cli_note(CMD, "%s", msg);
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

static const struct workload *workload_find(const char *name)
{
	char names[128] = "";
	size_t k;

	for (k = 0; k < NWORKLOADS; k++)
		if (!strcmp(workloads[k].name, name))
			return &workloads[k];
	for (k = 0; k < NWORKLOADS; k++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", k ? ", " : "", workloads[k].name);
	cli_error(CMD, "unknown workload '%s' (known: %s)", name, names);
	return NULL;
}

/* The report on stdout, the files asked for, and what failed. */
static int output(const struct report *r, bool json, const char *html,
		  const char *perfetto)
{
	const struct report_side *c = &r->side[REPORT_SIDE_CTR];
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	int code = EXIT_OK, err;

	if (json)
		report_write_json(r, stdout);
	else
		report_write_text(r, stdout);
	if (html && (err = write_file(html, r, report_write_html))) {
		cli_error(CMD, "cannot write %s: %s", html, strerror(-err));
		code = EXIT_FAIL;
	}
	if (perfetto &&
	    (err = write_file(perfetto, r, report_write_perfetto))) {
		cli_error(CMD, "cannot write %s: %s", perfetto, strerror(-err));
		code = EXIT_FAIL;
	}
	if (!c->uname[0] || !v->uname[0]) {
		cli_error(
			CMD,
			"the %s side did not run the command (status %d); its output: %.200s",
			!c->uname[0] ? "container" : "VM",
			!c->uname[0] ? c->status : v->status,
			!c->uname[0] ? c->output : v->log);
		code = EXIT_FAIL;
	}
	return code;
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
	const char *html = NULL, *perfetto = NULL, *wname = NULL;
	struct compare_opts co = { .isolens = "/proc/self/exe",
				   .stop = &stop_signal };
	const struct workload *wl = NULL;
	struct errbuf eb = { 0 };
	struct report *r = NULL;
	struct sigaction sa;
	char *user_cmd = NULL;
	bool json = false;
	int c, err, code;

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
		if (cli_command_after_dashes(CMD, argv, optind))
			return EXIT_USAGE;
		user_cmd = join_cmd(argv + optind);
		if (!user_cmd || strlen(user_cmd) > COMPARE_COMMAND_MAX) {
			cli_error(CMD,
				  "the command is too long (%d bytes at most)",
				  COMPARE_COMMAND_MAX);
			free(user_cmd);
			return EXIT_USAGE;
		}
		co.workload = "";
		co.command = user_cmd;
	} else {
		wl = workload_find(wname ? wname : "hostname");
		if (!wl)
			return EXIT_USAGE;
		co.workload = wl->name;
		co.command = wl->script;
	}
	if (!json)
		co.note = on_note;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r = calloc(1, sizeof(*r));
	if (!r) {
		cli_error(CMD, "out of memory");
		code = EXIT_RUNTIME;
		goto out;
	}
	err = compare_run(&co, r, &eb);
	if (err) {
		cli_error(CMD, "%s", eb.msg);
		code = err == -EINTR ? exit_code_from_signal(stop_signal) :
				       EXIT_RUNTIME;
		goto out;
	}
	code = output(r, json, html, perfetto);
out:
	if (r)
		report_free(r);
	free(r);
	free(user_cmd);
	fflush(stdout);
	return code;
}
