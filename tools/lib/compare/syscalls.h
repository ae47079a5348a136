/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 system call names and categories, for reports of the syscalls
 * that entered the host kernel (isolens compare).
 */
#ifndef ISOLENS_COMPARE_SYSCALLS_H
#define ISOLENS_COMPARE_SYSCALLS_H

#include "isolens_compare.h"

/* numbers at or above are counted as "other", as the syscall counter does */
#define SYSCALL_NR_MAX COMPARE_NR_MAX

enum syscall_cat {
	SYSCALL_CAT_FILE = 0,
	SYSCALL_CAT_PROCESS,
	SYSCALL_CAT_MEMORY,
	SYSCALL_CAT_NET,
	SYSCALL_CAT_IPC,
	SYSCALL_CAT_TIME,
	SYSCALL_CAT_SIGNAL,
	SYSCALL_CAT_NS,
	SYSCALL_CAT_OTHER,
	SYSCALL_CAT_MAX
};

struct syscall_desc {
	const char *name;
	enum syscall_cat cat;
};

/* "openat"; NULL for a number with no x86-64 syscall */
const char *syscall_name(unsigned int nr);
enum syscall_cat syscall_category(unsigned int nr);
/* "file", "process", ... */
const char *syscall_cat_name(enum syscall_cat c);

#endif
