/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's counters.  KVM's binary statistics (KVM_GET_STATS_FD, Linux
 * 5.14+): per-vCPU counters kept by the kernel.  "exits" counts every VM
 * exit, including the ones KVM handles without coming back to us, so the
 * difference to our own count is what the kernel side of the hypervisor
 * absorbed.  And the one structured form of a run's counters, `isolens vm
 * run --stats=json`, written by the VMM side and read back by `isolens
 * compare` (docs/microvm.md).
 */
#ifndef ISOLENS_VMM_STATS_H
#define ISOLENS_VMM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vmm.h"

struct kvm_stat {
	int fd; /* -1 when the kernel has no binary stats */
	uint64_t off; /* file offset of the chosen u64 counter */
};

/* Find counter @name of the vCPU (or VM) fd; fd -1 when unavailable. */
void kvm_stat_open(struct kvm_stat *st, int kvm_obj_fd, const char *name);
void kvm_stat_close(struct kvm_stat *st);

/* Current value, or -1 when unavailable. */
int64_t kvm_stat_read(const struct kvm_stat *st);

#define VMM_STATS_SCHEMA "isolens-vm-stats/1"
#define VMM_STATS_JSON_MAX 4096 /* a whole --stats=json line fits */

/* Exits the VMM handled, all reasons together. */
uint64_t vmm_result_user_exits(const struct vmm_result *res);

/*
 * One JSON object on one line, newline included (schema in
 * docs/microvm.md); its length, or -ENOSPC.
 */
int vmm_stats_format_json(const struct vmm_result *res, char *buf, size_t len);
/*
 * The last --stats=json line in @text (a stream that may hold other
 * lines too) into @res; what the line does not say is zero, and
 * kernel_exits -1.  0, or -ENOENT (no line) / -EINVAL (malformed).
 */
int vmm_stats_parse_json(const char *text, struct vmm_result *res);

#endif
