/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens compare: the syscall counter (ebpf/compare.bpf.c, its contract in
 * ebpf/isolens_compare.h).  Every system call that enters the host kernel
 * is counted per number for the processes of each side, in the kernel.
 */
#ifndef ISOLENS_COMPARE_SYSCOUNT_H
#define ISOLENS_COMPARE_SYSCOUNT_H

#include <sys/types.h>

#include "base/errbuf.h"
#include "compare/report.h"

struct syscount;

/* Load and attach the counter; on failure *out is NULL. */
int syscount_open(struct syscount **out, struct errbuf *eb);
/* Count @pid and its later descendants for REPORT_SIDE_CTR or _VM. */
int syscount_follow(struct syscount *sc, pid_t pid, int side,
		    struct errbuf *eb);
/* The counts so far into the sides' sys, sys_setup and sys_guest. */
int syscount_read(struct syscount *sc, struct report *r);
void syscount_close(struct syscount *sc);

#endif
