/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between ebpf/devices.bpf.c (a BPF_PROG_TYPE_CGROUP_DEVICE
 * program) and its loader, tools/lib/container/devices.c: the layout of one
 * device rule in the program's `rules` array map.
 *
 * The rules are data: the loader fills them (today the default allow-list,
 * later an OCI linux.devices list), the program only walks them.  They are
 * evaluated in order and the last rule that matches decides, the way runc
 * applies linux.devices; an access that no rule matches is denied.  A rule
 * with type 0 ends the list.
 *
 * The type and access bits are the kernel's own encoding of
 * bpf_cgroup_dev_ctx.access_type (BPF_DEVCG_DEV_* in the low 16 bits,
 * BPF_DEVCG_ACC_* in the high 16, include/uapi/linux/bpf.h).  Those are
 * anonymous enums, absent from the BTF that vmlinux.h is generated from, so
 * they are repeated here; the loader checks that they agree at build time.
 */
#ifndef ISOLENS_DEVICES_H
#define ISOLENS_DEVICES_H

#define DEVICES_RULES_MAX 64

/* rule.type: BPF_DEVCG_DEV_BLOCK, BPF_DEVCG_DEV_CHAR, or both */
#define DEVICES_DEV_BLOCK 1
#define DEVICES_DEV_CHAR 2
#define DEVICES_DEV_ALL (DEVICES_DEV_BLOCK | DEVICES_DEV_CHAR)

/* rule.access: BPF_DEVCG_ACC_MKNOD, _READ, _WRITE */
#define DEVICES_ACC_MKNOD 1
#define DEVICES_ACC_READ 2
#define DEVICES_ACC_WRITE 4
#define DEVICES_ACC_ALL \
	(DEVICES_ACC_MKNOD | DEVICES_ACC_READ | DEVICES_ACC_WRITE)

/* rule.major or rule.minor: any number */
#define DEVICES_WILDCARD 0xffffffffu

struct devices_rule {
	__u32 type; /* DEVICES_DEV_* mask, 0 = end of the list */
	__u32 major; /* or DEVICES_WILDCARD */
	__u32 minor; /* or DEVICES_WILDCARD */
	__u16 access; /* DEVICES_ACC_* mask the rule is about */
	__u16 allow; /* 1: allow those accesses, 0: deny them */
};

#endif
