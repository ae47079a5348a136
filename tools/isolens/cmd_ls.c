// SPDX-License-Identifier: GPL-2.0
/*
 * isolens ls: every isolation context on this host, as the tracer would
 * attribute it: processes grouped by namespace set and cgroup, and the KVM
 * VMs with their owner process and vCPU threads.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "builtin.h"
#include "trace/attribute.h"
#include "trace/decode.h"
#include "trace/procscan.h"

#define CMD "ls"
#define PIDS_SHOWN 8

static void ls_usage(FILE *out)
{
	fprintf(out,
		"usage: isolens ls [--json]\n"
		"\n"
		"Lists processes grouped by namespace set and cgroup (isolens' own\n"
		"containers marked \"own\"), then KVM VMs with their vCPU threads.\n"
		"NAMESPACES names the kinds that differ from the host's.\n"
		"\n"
		"exit status: 0 listed; 1 /proc could not be read; 2 bad option.\n");
}

static void print_text(struct attrib *a, const struct ctx_group *g, size_t n)
{
	const struct attrib_vm *vms;
	size_t i, k, nvm = attrib_vms(a, &vms);
	char label[160], diff[96];

	printf("%-34s %5s  %-28s %-26s %s\n", "CONTEXT", "PROCS", "NAMESPACES",
	       "CGROUP", "PIDS");
	for (i = 0; i < n; i++) {
		trace_context_label(&g[i].ctx, label, sizeof(label));
		if (g[i].ctx.own)
			strncat(label, " own",
				sizeof(label) - strlen(label) - 1);
		if (!ns_set_diff(&g[i].ns, attrib_host_ns(a), diff,
				 sizeof(diff)))
			snprintf(diff, sizeof(diff), "-");
		printf("%-34s %5zu  %-28s %-26s", label, g[i].npids, diff,
		       g[i].cgroup[0] ? g[i].cgroup : "-");
		for (k = 0; k < g[i].npids && k < PIDS_SHOWN; k++)
			printf("%s%d", k ? "," : " ", (int)g[i].pids[k]);
		if (g[i].npids > PIDS_SHOWN)
			printf(",...");
		printf(" (%s)\n", g[i].comm);
	}
	printf("\n%-20s %8s  %-12s %s\n", "VM", "PID", "RUNTIME", "VCPUS");
	if (!nvm)
		printf("(none: no process holds an anon_inode:kvm-vm fd)\n");
	for (i = 0; i < nvm; i++) {
		const struct attrib_vm *v = &vms[i];

		printf("%-20s %8d  %-12s", v->name, (int)v->pid, v->runtime);
		if (!v->nvcpu)
			printf(" %d vcpu fds, threads not named", v->nvcpu_fds);
		for (k = 0; k < (size_t)v->nvcpu; k++)
			printf("%svcpu%d=tid %d", k ? ", " : " ",
			       v->vcpu_idx[k], (int)v->vcpu_tid[k]);
		printf("%s\n", v->own ? " own" : "");
	}
}

static void print_json(struct attrib *a, const struct ctx_group *g, size_t n)
{
	const struct attrib_vm *vms;
	size_t i, k, nvm = attrib_vms(a, &vms);
	char diff[96], label[160];

	printf("{\"contexts\":[");
	for (i = 0; i < n; i++) {
		const struct isolens_ns_set *ns = &g[i].ns;

		trace_context_label(&g[i].ctx, label, sizeof(label));
		ns_set_diff(&g[i].ns, attrib_host_ns(a), diff, sizeof(diff));
		printf("%s{\"label\":", i ? "," : "");
		json_quote(stdout, label);
		printf(",\"type\":\"%s\",\"name\":",
		       trace_ctx_type_name(g[i].ctx.type));
		json_quote(stdout, g[i].ctx.name);
		printf(",\"runtime\":");
		json_quote(stdout, g[i].ctx.runtime);
		printf(",\"own\":%s,\"ns\":{\"mnt\":%u,\"pid\":%u,\"net\":%u,"
		       "\"uts\":%u,\"ipc\":%u,\"user\":%u,\"cgroup\":%u,"
		       "\"time\":%u},\"differs\":",
		       g[i].ctx.own ? "true" : "false", ns->mnt, ns->pid,
		       ns->net, ns->uts, ns->ipc, ns->user, ns->cgroup,
		       ns->time);
		json_quote(stdout, diff);
		printf(",\"cgroup\":");
		json_quote(stdout, g[i].cgroup);
		printf(",\"comm\":");
		json_quote(stdout, g[i].comm);
		printf(",\"pids\":[");
		for (k = 0; k < g[i].npids; k++)
			printf("%s%d", k ? "," : "", (int)g[i].pids[k]);
		printf("]}");
	}
	printf("],\"vms\":[");
	for (i = 0; i < nvm; i++) {
		const struct attrib_vm *v = &vms[i];

		printf("%s{\"name\":", i ? "," : "");
		json_quote(stdout, v->name);
		printf(",\"pid\":%d,\"runtime\":", (int)v->pid);
		json_quote(stdout, v->runtime);
		printf(",\"comm\":");
		json_quote(stdout, v->comm);
		printf(",\"own\":%s,\"vcpu_fds\":%d,\"vcpus\":[",
		       v->own ? "true" : "false", v->nvcpu_fds);
		for (k = 0; k < (size_t)v->nvcpu; k++)
			printf("%s{\"index\":%d,\"tid\":%d}", k ? "," : "",
			       v->vcpu_idx[k], (int)v->vcpu_tid[k]);
		printf("]}");
	}
	printf("]}\n");
}

int cmd_ls_contexts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ctx_group *g;
	struct attrib *a;
	struct errbuf eb;
	bool json = false;
	size_t n;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			ls_usage(stdout);
			return EXIT_OK;
		default:
			cli_error(CMD,
				  "unknown option '%s' (see isolens ls --help)",
				  argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (attrib_open(&a, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_FAIL;
	}
	if (contexts_scan(a, &g, &n, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		attrib_close(a);
		return EXIT_FAIL;
	}
	if (json)
		print_json(a, g, n);
	else
		print_text(a, g, n);
	contexts_free(g, n);
	attrib_close(a);
	return EXIT_OK;
}
