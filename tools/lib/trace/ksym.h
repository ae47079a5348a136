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

#include "base/errbuf.h"

struct ksyms;

int ksyms_open(struct ksyms **out, struct errbuf *eb);
void ksyms_close(struct ksyms *k);
/* "func+0x1a [mod]" and, when known, " (file.c:123)"; chars written. */
int ksyms_format(struct ksyms *k, uint64_t addr, char *buf, size_t len);
/* Does line-level information exist (a debug vmlinux was found)? */
int ksyms_has_lines(const struct ksyms *k);

#endif
