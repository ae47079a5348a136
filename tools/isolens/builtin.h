/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One file per subcommand (cmd_<name>.c), each a thin layer that parses
 * options and calls the libraries under tools/lib/.
 */
#ifndef ISOLENS_BUILTIN_H
#define ISOLENS_BUILTIN_H

#include <stdio.h>

#include "base/exit.h" /* EXIT_*: the exit codes of isolens(1) */

struct builtin {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand */
	const char *summary;
};

int cmd_compare(int argc, char **argv);
int cmd_container(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_ls_contexts(int argc, char **argv); /* "ls" */
int cmd_trace(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_vm(int argc, char **argv);

/* "isolens <cmd>: <message>" on stderr, one line. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_note(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A command with subcommands: with no argument, @usage on stderr and
 * EXIT_USAGE; with --help, -h or help, @usage on stdout and EXIT_OK;
 * otherwise -1, the subcommand is argv[1].
 */
int cli_usage_or_help(int argc, char **argv, void (*usage)(FILE *out));
/*
 * After getopt, @next its optind: 0 when argv[next] is a command given
 * after "--", or -1 with "unexpected argument" said for @cmd.
 */
int cli_command_after_dashes(const char *cmd, char **argv, int next);

extern const char *isolens_version;

#endif
