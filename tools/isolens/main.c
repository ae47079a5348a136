// SPDX-License-Identifier: GPL-2.0
/* isolens: see the isolation boundary of containers and micro-VMs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "builtin.h"

#ifndef ISOLENS_VERSION
#define ISOLENS_VERSION "dev"
#endif

const char *isolens_version = ISOLENS_VERSION;

static const struct builtin builtins[] = {
	{ "compare", cmd_compare,
	  "one command in a container and in a micro-VM, side by side" },
	{ "container", cmd_container,
	  "run a command in a container (namespaces, cgroup v2)" },
	{ "lab", cmd_lab,
	  "boot the lab VM and run a command or a shell in it" },
	{ "ls", cmd_ls_contexts,
	  "list isolation contexts: namespace sets, cgroups, VMs" },
	{ "trace", cmd_trace,
	  "trace namespace, cgroup and KVM events, attributed" },
	{ "version", cmd_version, "print the version and the event ABI" },
	{ "vm", cmd_vm,
	  "run a micro-VM on the raw KVM API (teaching guests or Linux)" },
};

static void vmessage(const char *prefix, const char *cmd, const char *fmt,
		     va_list ap)
{
	fprintf(stderr, "isolens%s%s: %s", cmd ? " " : "", cmd ? cmd : "",
		prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", cmd, fmt, ap);
	va_end(ap);
}

void cli_note(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("note: ", cmd, fmt, ap);
	va_end(ap);
}

int cli_usage_or_help(int argc, char **argv, void (*usage)(FILE *out))
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	return -1;
}

int cli_command_after_dashes(const char *cmd, char **argv, int next)
{
	if (strcmp(argv[next - 1], "--")) {
		cli_error(cmd,
			  "unexpected argument '%s' (a command goes after --)",
			  argv[next]);
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: isolens <command> [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(builtins); i++)
		fprintf(out, "  %-10s %s\n", builtins[i].name,
			builtins[i].summary);
	fprintf(out,
		"\nisolens <command> --help describes each; see isolens(1).\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	ret = cli_usage_or_help(argc, argv, usage);
	if (ret >= 0)
		return ret;
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);

	for (i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(argv[1], builtins[i].name))
			return builtins[i].run(argc - 1, argv + 1);

	cli_error(NULL, "unknown command '%s' (try 'isolens --help')", argv[1]);
	return EXIT_USAGE;
}
