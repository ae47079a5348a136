/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * isolens event ABI: the one definition of the record that the kernel
 * module, the BPF programs and the userland tools exchange.
 *
 * Every record starts with struct isolens_event_hdr.  hdr.size is the whole
 * record, so readers can step over kinds they do not know; read() on
 * /dev/isolens and the BPF ring buffer both deliver whole records only.
 */
#ifndef _UAPI_LINUX_ISOLENS_H
#define _UAPI_LINUX_ISOLENS_H

/* BPF programs get these types from vmlinux.h; everybody else from uapi. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/ioctl.h>
#endif

#define ISOLENS_ABI_VERSION 1
#define ISOLENS_DEVICE_NAME "isolens"
#define ISOLENS_COMM_LEN 16
#define ISOLENS_PATH_LEN 128
#define ISOLENS_MAX_STACK 32

/* Event classes: one bit each, used by filters and module parameters. */
enum isolens_class {
	ISOLENS_CLASS_PROC = 1 << 0,
	ISOLENS_CLASS_NS = 1 << 1,
	ISOLENS_CLASS_CGROUP = 1 << 2,
	ISOLENS_CLASS_KVM = 1 << 3,
	ISOLENS_CLASS_CAP = 1 << 4,
};

#define ISOLENS_CLASS_ALL                                               \
	(ISOLENS_CLASS_PROC | ISOLENS_CLASS_NS | ISOLENS_CLASS_CGROUP | \
	 ISOLENS_CLASS_KVM | ISOLENS_CLASS_CAP)

/* Kinds are stable numbers: never renumber, only append. */
enum isolens_kind {
	ISOLENS_EV_NONE = 0,
	/* proc */
	ISOLENS_EV_FORK = 1,
	ISOLENS_EV_EXEC = 2,
	ISOLENS_EV_EXIT = 3,
	/* ns */
	ISOLENS_EV_CLONE = 10,
	ISOLENS_EV_UNSHARE = 11,
	ISOLENS_EV_SETNS = 12,
	ISOLENS_EV_NS_SWITCH = 13,
	/* cap */
	ISOLENS_EV_CAP_CHECK = 20,
	/* cgroup */
	ISOLENS_EV_CGROUP_MKDIR = 30,
	ISOLENS_EV_CGROUP_RMDIR = 31,
	ISOLENS_EV_CGROUP_ATTACH = 32,
	ISOLENS_EV_CGROUP_TRANSFER = 33,
	ISOLENS_EV_PIDS_LIMIT = 34,
	ISOLENS_EV_OOM_KILL = 35,
	/* kvm */
	ISOLENS_EV_KVM_CREATE_VM = 40,
	ISOLENS_EV_KVM_CREATE_VCPU = 41,
	ISOLENS_EV_KVM_ENTRY = 42,
	ISOLENS_EV_KVM_EXIT = 43,
	ISOLENS_EV_KVM_USERSPACE_EXIT = 44,
	ISOLENS_EV_KVM_PIO = 45,
	ISOLENS_EV_KVM_MMIO = 46,
	ISOLENS_EV_KVM_MSR = 47,
	ISOLENS_EV_KVM_HYPERCALL = 48,
	ISOLENS_EV_MAX
};

/*
 * The class of a kind (one ISOLENS_CLASS_* bit), 0 for a kind this header
 * does not know: the one mapping, for the module, the BPF programs and
 * the tools alike.
 */
static inline __u32 isolens_kind_class(__u32 kind)
{
	if (kind >= ISOLENS_EV_FORK && kind <= ISOLENS_EV_EXIT)
		return ISOLENS_CLASS_PROC;
	if (kind >= ISOLENS_EV_CLONE && kind <= ISOLENS_EV_NS_SWITCH)
		return ISOLENS_CLASS_NS;
	if (kind == ISOLENS_EV_CAP_CHECK)
		return ISOLENS_CLASS_CAP;
	if (kind >= ISOLENS_EV_CGROUP_MKDIR && kind <= ISOLENS_EV_OOM_KILL)
		return ISOLENS_CLASS_CGROUP;
	if (kind >= ISOLENS_EV_KVM_CREATE_VM && kind < ISOLENS_EV_MAX)
		return ISOLENS_CLASS_KVM;
	return 0;
}

/* Namespace inode numbers of the task, as readlink /proc/PID/ns/<x> shows. */
struct isolens_ns_set {
	__u32 mnt;
	__u32 pid;
	__u32 net;
	__u32 uts;
	__u32 ipc;
	__u32 user;
	__u32 cgroup;
	__u32 time;
};

/* hdr.flags */
#define ISOLENS_F_STACK (1U << 0) /* a struct isolens_stack follows */

struct isolens_event_hdr {
	__u16 size; /* whole record in bytes, stack trailer included */
	__u16 kind; /* enum isolens_kind */
	__u32 flags;
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u32 pid; /* host tgid */
	__u32 tid; /* host tid */
	__u32 ns_pid; /* tgid as seen in the task's own pid namespace */
	__u32 ns_tid;
	__u64 cgroup_id; /* cgroup v2 id (the cgroupfs directory inode) */
	struct isolens_ns_set ns;
	char comm[ISOLENS_COMM_LEN];
};

/* clone, clone3, unshare, setns: the syscall and its outcome. */
struct isolens_ns_op {
	__u64 flags; /* CLONE_* for clone/unshare, nstype for setns */
	__s64 ret; /* child pid or 0, or -errno */
	__s32 fd; /* setns only, else -1 */
	__u32 pad;
};

/* switch_task_namespaces: the task now lives in .ns; old set follows. */
struct isolens_ns_switch {
	struct isolens_ns_set old_ns;
};

struct isolens_cap_check {
	__u32 cap; /* CAP_* */
	__u32 target_userns; /* user namespace the capability is checked in */
	__s32 ret; /* 0 granted, -EPERM denied */
	__u32 opts;
};

struct isolens_proc {
	__u32 child_pid; /* fork: child tgid */
	__u32 child_tid;
	__s32 exit_code; /* exit: as wait() reports it */
	__u32 pad;
	char filename[ISOLENS_PATH_LEN]; /* exec */
};

struct isolens_cgroup {
	__u64 id; /* the cgroup the event is about */
	__u32 level;
	__u32 target_pid; /* attach/transfer: the task moved */
	__u64 value; /* limit events: the limit that was hit */
	char path[ISOLENS_PATH_LEN];
};

/* kvm: vm_pid is the VMM process, vcpu_id the vCPU index. */
/*
 * kvm.isa: the instruction set of a hardware exit, as kvm_exit reports it
 * (KVM_ISA_VMX and KVM_ISA_SVM of the kernel's arch/x86/kvm/trace.h, which
 * is private to KVM).
 */
#define ISOLENS_KVM_ISA_VMX 1
#define ISOLENS_KVM_ISA_SVM 2

struct isolens_kvm {
	__u32 vm_pid;
	__u32 vcpu_id;
	__u32 isa; /* ISOLENS_KVM_ISA_*, as the kvm_exit tracepoint says */
	__u32 dir; /* pio/mmio/msr: 0 read/in, 1 write/out */
	__u64 exit_reason; /* kvm_exit / kvm_userspace_exit reason */
	__u64 info1; /* port, gpa, msr index or hypercall nr */
	__u64 info2; /* exit qualification, data or value */
	__u32 len; /* access size in bytes */
	__u32 count; /* pio repeat count */
};

struct isolens_event {
	struct isolens_event_hdr hdr;
	union {
		struct isolens_ns_op ns_op;
		struct isolens_ns_switch ns_switch;
		struct isolens_cap_check cap;
		struct isolens_proc proc;
		struct isolens_cgroup cgroup;
		struct isolens_kvm kvm;
	};
};

struct isolens_stack {
	__u32 nr; /* valid entries in ip[] */
	__u32 pad;
	__u64 ip[ISOLENS_MAX_STACK];
};

/* ioctls on /dev/isolens */
struct isolens_filter {
	__u32 classes; /* enum isolens_class bits; 0 means all */
	__u32 pidns_inum; /* only tasks in this pid namespace; 0 = any */
	__u64 cgroup_id; /* only tasks in this cgroup; 0 = any */
};

struct isolens_stats {
	__u64 events; /* records delivered to this reader */
	__u64 drops; /* records lost because this reader's buffer was full */
	__u64 total_events; /* records produced, all readers */
	__u32 readers;
	__u32 pad;
};

#define ISOLENS_IOC_MAGIC 0xB7
#define ISOLENS_IOC_ABI_VERSION _IOR(ISOLENS_IOC_MAGIC, 1, __u32)
#define ISOLENS_IOC_SET_FILTER _IOW(ISOLENS_IOC_MAGIC, 2, struct isolens_filter)
#define ISOLENS_IOC_GET_STATS _IOR(ISOLENS_IOC_MAGIC, 3, struct isolens_stats)

/* struct isolens_kvm.exit_reason when the exit reason could not be read. */
#define ISOLENS_KVM_REASON_UNKNOWN (~0ULL)

#endif /* _UAPI_LINUX_ISOLENS_H */
