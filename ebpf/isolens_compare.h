/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ebpf/compare.bpf.c and its loader (tools/lib/compare/syscount.c)
 * agree on: the values of the "side" map and the layout of the "counts"
 * map.  Macros and enums only, so that it compiles against vmlinux.h and
 * in plain userland alike.
 */
#ifndef ISOLENS_COMPARE_BPF_H
#define ISOLENS_COMPARE_BPF_H

/*
 * Syscall numbers counted one by one; numbers at or above (x32, unknown)
 * are counted in the last one, the "other" bin.
 */
#define COMPARE_NR_MAX 512

/*
 * "side": hash of tgid (__u32) -> enum compare_side (__u32).  Userspace
 * puts the two root processes in; the program adds their descendants at
 * fork and moves a container-side process to its payload at exec.
 */
enum compare_side {
	COMPARE_SIDE_NONE = 0, /* not in the map */
	COMPARE_SIDE_CTR = 1, /* the container runtime */
	COMPARE_SIDE_VM = 2, /* the VMM process */
	COMPARE_SIDE_VM_CHILD = 3, /* a VM-side task that is not the VMM */
	COMPARE_SIDE_CTR_PAYLOAD =
		4, /* container side, execed in the container */
};

#define COMPARE_SIDE_ENTRIES 8192

/*
 * "counts": per-CPU array of __u64 system calls, indexed by
 * COMPARE_COUNTS_KEY(slot, nr); userspace sums the CPUs.
 */
enum compare_slot {
	COMPARE_SLOT_CTR_RUNTIME = 0, /* container side before its payload */
	COMPARE_SLOT_CTR_PAYLOAD, /* the container's payload */
	COMPARE_SLOT_VMM, /* the VMM process */
	COMPARE_SLOT_VM_OTHER, /* a VM-side task that is not the VMM */
	COMPARE_NR_SLOTS
};

#define COMPARE_COUNTS_KEY(slot, nr) ((slot)*COMPARE_NR_MAX + (nr))
#define COMPARE_COUNTS_ENTRIES (COMPARE_NR_SLOTS * COMPARE_NR_MAX)

#endif
