/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sums of per-CPU BPF map values (PERCPU_ARRAY, PERCPU_HASH of __u64):
 * the kernel hands one value per possible CPU, the reader wants their sum.
 * One buffer serves every lookup of a walk.
 */
#ifndef ISOLENS_TRACE_PERCPU_H
#define ISOLENS_TRACE_PERCPU_H

#include <stdint.h>

struct percpu_sum {
	int ncpu; /* possible CPUs */
	uint64_t *vals; /* one value each */
};

/* 0, or -errno (the possible CPUs unknown, no memory). */
int percpu_sum_init(struct percpu_sum *p);
/* *@sum: @key's values in map @map_fd added up; -errno (-ENOENT: no key). */
int percpu_sum_lookup(struct percpu_sum *p, int map_fd, const void *key,
		      uint64_t *sum);
void percpu_sum_free(struct percpu_sum *p);

#endif
