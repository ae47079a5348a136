/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One file per subcommand (cmd_<name>.c), each a thin layer that parses
 * options and calls the libraries under tools/lib/.
 */
#ifndef ISOLENS_BUILTIN_H
#define ISOLENS_BUILTIN_H

/*
 * Exit codes, documented in isolens(1).  Subcommands that run a payload
 * (container run, vm run, lab run) pass the payload's status through and use
 * 124..127 for their own failures, as timeout(1), docker and podman do.
 */
enum isolens_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1, /* the operation failed (a report command) */
	EXIT_USAGE = 2, /* bad flag or argument */
	EXIT_TIMEOUT = 124, /* the payload ran out of time */
	EXIT_RUNTIME = 125, /* isolens itself failed before or around the payload */
	EXIT_CANNOT_EXEC = 126, /* the payload exists but cannot be executed */
	EXIT_NOT_FOUND = 127, /* the payload was not found */
};

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
