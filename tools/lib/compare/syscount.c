// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare: the loader of the syscall counter, ebpf/compare.bpf.c.
 * The map layouts and the side values are ebpf/isolens_compare.h's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compare/syscount.h"
#include "trace/percpu.h"
#include "isolens_compare.h"
#include "compare.skel.h"

struct syscount {
	struct compare_bpf *skel;
};

int syscount_open(struct syscount **out, struct errbuf *eb)
{
	struct syscount *sc;
	int err;

	*out = NULL;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return errbuf_set(eb, ENOMEM, "out of memory");
	sc->skel = compare_bpf__open_and_load();
	if (!sc->skel) {
		err = errbuf_errno(
			eb, errno,
			"cannot load the syscall counter (ebpf/compare.bpf.c)");
		goto fail;
	}
	if (compare_bpf__attach(sc->skel)) {
		err = errbuf_errno(eb, errno,
				   "cannot attach the syscall counter");
		goto fail;
	}
	*out = sc;
	return 0;
fail:
	syscount_close(sc);
	return err;
}

int syscount_follow(struct syscount *sc, pid_t pid, int side, struct errbuf *eb)
{
	__u32 key = pid;
	__u32 v = side == REPORT_SIDE_VM ? COMPARE_SIDE_VM : COMPARE_SIDE_CTR;

	if (bpf_map__update_elem(sc->skel->maps.side, &key, sizeof(key), &v,
				 sizeof(v), BPF_ANY))
		return errbuf_errno(eb, errno,
				    "cannot count the syscalls of pid %d", pid);
	return 0;
}

/* Where each slot of the counts map goes in the report. */
static uint64_t *slot_dest(struct report *r, int slot, unsigned int nr)
{
	switch (slot) {
	case COMPARE_SLOT_CTR_RUNTIME:
		return &r->side[REPORT_SIDE_CTR].sys_setup[nr];
	case COMPARE_SLOT_CTR_PAYLOAD:
		return &r->side[REPORT_SIDE_CTR].sys[nr];
	case COMPARE_SLOT_VMM:
		return &r->side[REPORT_SIDE_VM].sys[nr];
	default: /* COMPARE_SLOT_VM_OTHER: a guest's syscall the host saw */
		return &r->side[REPORT_SIDE_VM].sys_guest;
	}
}

int syscount_read(struct syscount *sc, struct report *r)
{
	int fd = bpf_map__fd(sc->skel->maps.counts);
	struct percpu_sum ps;
	unsigned int nr;
	uint64_t sum;
	__u32 key;
	int slot, err;

	err = percpu_sum_init(&ps);
	if (err)
		return err;
	for (slot = 0; slot < COMPARE_NR_SLOTS; slot++) {
		for (nr = 0; nr < COMPARE_NR_MAX; nr++) {
			key = COMPARE_COUNTS_KEY(slot, nr);
			if (!percpu_sum_lookup(&ps, fd, &key, &sum))
				*slot_dest(r, slot, nr) += sum;
		}
	}
	percpu_sum_free(&ps);
	return 0;
}

void syscount_close(struct syscount *sc)
{
	if (!sc)
		return;
	compare_bpf__destroy(sc->skel);
	free(sc);
}
