/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's binary statistics (KVM_GET_STATS_FD, Linux 5.14+): per-vCPU
 * counters kept by the kernel.  "exits" counts every VM exit, including
 * the ones KVM handles without coming back to us, so the difference to
 * our own count is what the kernel side of the hypervisor absorbed.
 */
#ifndef ISOLENS_VMM_STATS_H
#define ISOLENS_VMM_STATS_H

#include <stdint.h>

struct kvm_stat {
	int fd; /* -1 when the kernel has no binary stats */
	uint64_t off; /* file offset of the chosen u64 counter */
};

/* Find counter @name of the vCPU (or VM) fd; fd -1 when unavailable. */
void kvm_stat_open(struct kvm_stat *st, int kvm_obj_fd, const char *name);
void kvm_stat_close(struct kvm_stat *st);

/* Current value, or -1 when unavailable. */
int64_t kvm_stat_read(const struct kvm_stat *st);

#endif
