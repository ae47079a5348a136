// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/percpu.h"

int percpu_sum_init(struct percpu_sum *p)
{
	p->vals = NULL;
	p->ncpu = libbpf_num_possible_cpus();
	if (p->ncpu <= 0)
		return p->ncpu < 0 ? p->ncpu : -EINVAL;
	p->vals = calloc(p->ncpu, sizeof(*p->vals));
	return p->vals ? 0 : -ENOMEM;
}

int percpu_sum_lookup(struct percpu_sum *p, int map_fd, const void *key,
		      uint64_t *sum)
{
	int i;

	*sum = 0;
	if (bpf_map_lookup_elem(map_fd, key, p->vals))
		return -errno;
	for (i = 0; i < p->ncpu; i++)
		*sum += p->vals[i];
	return 0;
}

void percpu_sum_free(struct percpu_sum *p)
{
	free(p->vals);
	p->vals = NULL;
}
