// SPDX-License-Identifier: GPL-2.0
/*
 * tools/lib/trace/percpu.c: per-CPU map sums, on a real PERCPU_ARRAY and
 * PERCPU_HASH when this process may create BPF maps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/percpu.h"
#include "unit.h"

static void test_init(void)
{
	struct percpu_sum ps;
	uint64_t sum = 1;
	__u32 key = 0;

	CHECK_EQ(percpu_sum_init(&ps), 0);
	CHECK_EQ(ps.ncpu, libbpf_num_possible_cpus());
	CHECK(ps.vals != NULL);
	CHECK_EQ(percpu_sum_lookup(&ps, -1, &key, &sum), -EBADF);
	CHECK_EQ(sum, 0);
	percpu_sum_free(&ps);
	CHECK(ps.vals == NULL);
}

/* CPU i holds i + 1: the sum is 1 + 2 + ... + ncpu. */
static void test_sums(enum bpf_map_type type)
{
	struct percpu_sum ps;
	__u32 key = 0, missing = 7;
	uint64_t sum;
	int fd, i;

	fd = bpf_map_create(type, NULL, sizeof(__u32), sizeof(__u64), 1, NULL);
	if (fd < 0) {
		printf("# no BPF map (%d): sums not checked\n", -errno);
		return;
	}
	CHECK_EQ(percpu_sum_init(&ps), 0);
	for (i = 0; i < ps.ncpu; i++)
		ps.vals[i] = i + 1;
	CHECK_EQ(bpf_map_update_elem(fd, &key, ps.vals, BPF_ANY), 0);
	CHECK_EQ(percpu_sum_lookup(&ps, fd, &key, &sum), 0);
	CHECK_EQ(sum, (uint64_t)ps.ncpu * (ps.ncpu + 1) / 2);
	CHECK_EQ(percpu_sum_lookup(&ps, fd, &missing, &sum),
		 -ENOENT); /* beyond the array, or not in the hash */
	percpu_sum_free(&ps);
	close(fd);
}

static void test_array(void)
{
	test_sums(BPF_MAP_TYPE_PERCPU_ARRAY);
}

static void test_hash(void)
{
	test_sums(BPF_MAP_TYPE_PERCPU_HASH);
}

int main(void)
{
	RUN(test_init);
	RUN(test_array);
	RUN(test_hash);
	UNIT_DONE();
}
