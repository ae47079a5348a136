/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small /proc readers, each the one place that parses its file.  @pid 0
 * is this process (/proc/self).  They return 0 or -errno unless said.
 */
#ifndef ISOLENS_BASE_PROCFS_H
#define ISOLENS_BASE_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The inode of /proc/PID/ns/@name ("pid", "net"...): ns.inum, its identity. */
int procfs_ns_inode(pid_t pid, const char *name, uint64_t *ino);

/* /proc/PID/task/@tid/comm without its newline; @buf is "" on failure. */
int procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len);

/* The fields of /proc/PID/stat that isolens reads. */
struct procfs_stat {
	char comm[64]; /* between the parentheses, cut to fit */
	char state; /* field 3: R, S, D, Z (zombie), X (dead), ... */
	pid_t ppid; /* field 4 */
	unsigned long flags; /* field 9, PF_* */
	uint64_t start_time; /* field 22, clock ticks after boot */
};

int procfs_stat(pid_t pid, struct procfs_stat *st);
/* Its start time alone (a pid's identity across reuse); 0 if unknown. */
uint64_t procfs_start_time(pid_t pid);

/* VmHWM of @pid under @proc ("/proc", a copy in tests) in KiB; 0: unknown. */
uint64_t procfs_vm_hwm_kb(const char *proc, pid_t pid);

#endif
