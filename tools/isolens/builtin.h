/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One file per subcommand (cmd_<name>.c), each a thin layer that parses
 * options and calls the libraries under tools/lib/.
 */
#ifndef ISOLENS_BUILTIN_H
#define ISOLENS_BUILTIN_H

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

extern const char *isolens_version;

#endif
