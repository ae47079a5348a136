/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel addresses to names: /proc/kallsyms for every symbol (modules
 * too), and elfutils' libdwfl for file:line when a vmlinux with debug info
 * is found (/usr/lib/debug/boot/vmlinux-$(uname -r) and the places libdwfl
 * searches).
 */
#ifndef ISOLENS_TRACE_KSYM_H
#define ISOLENS_TRACE_KSYM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "base/errbuf.h"

struct ksyms;

int ksyms_open(struct ksyms **out, struct errbuf *eb);
void ksyms_close(struct ksyms *k);
/* "func+0x1a [mod]" and, when known, " (file.c:123)"; chars written. */
int ksyms_format(struct ksyms *k, uint64_t addr, char *buf, size_t len);
/*
 * Index of the first frame worth showing: the frames of the tracing
 * machinery itself (BPF program, bpf_trace_run*, __traceiter_*, the
 * perf/ftrace glue) come first in a stack taken from a tracepoint.
 */
size_t ksyms_skip_tracing(struct ksyms *k, const __u64 *ip, size_t n);
/* Does line-level information exist (a debug vmlinux was found)? */
int ksyms_has_lines(const struct ksyms *k);

#endif
