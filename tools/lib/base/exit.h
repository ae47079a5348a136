/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes, documented in isolens(1), and the shell's mapping of a wait
 * status onto one.  Commands that run a payload (container run, vm run, lab
 * run, trace -- CMD) pass the payload's status through and use 124..127 for
 * their own failures, as timeout(1), docker and podman do; the libraries
 * that fork payloads use the same codes, so they live here, below them all.
 */
#ifndef ISOLENS_BASE_EXIT_H
#define ISOLENS_BASE_EXIT_H

#include <sys/wait.h>

enum isolens_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1, /* the operation failed (a report command) */
	EXIT_USAGE = 2, /* bad flag or argument */
	EXIT_TIMEOUT = 124, /* the payload ran out of time */
	EXIT_RUNTIME = 125, /* isolens failed before or around the payload */
	EXIT_CANNOT_EXEC = 126, /* the payload exists but cannot be executed */
	EXIT_NOT_FOUND = 127, /* the payload was not found */
	EXIT_SIGNAL_BASE = 128, /* + N: the payload was killed by signal N */
};

/* The code the shell reports for a process killed by signal @sig. */
static inline int exit_code_from_signal(int sig)
{
	return EXIT_SIGNAL_BASE + sig;
}

/* The shell's convention: the exit code, or 128 + the killing signal. */
static inline int exit_code_from_wait(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return exit_code_from_signal(WTERMSIG(wait_status));
	return EXIT_RUNTIME;
}

#endif
