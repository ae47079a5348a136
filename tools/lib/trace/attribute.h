/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attribution: which container or VM an event belongs to.  The kernel has
 * no container id, so isolens reconstructs one (docs/tracing.md):
 *   - isolens' own containers: their state files name the namespaces
 *     that are theirs;
 *   - VMs: processes that hold an anon_inode:kvm-vm fd, with vCPU threads;
 *   - foreign containers: runc/crun state directories, and the cgroup
 *     path naming conventions of docker, podman, systemd-nspawn, k8s;
 *   - anything else whose namespaces differ from pid 1's is "isolated".
 */
#ifndef ISOLENS_TRACE_ATTRIBUTE_H
#define ISOLENS_TRACE_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/isolens.h>

#include "base/errbuf.h"
#include "trace/context.h"

#define ATTRIB_VCPU_MAX 64

struct attrib_vm {
	pid_t pid; /* the VMM process */
	char name[64];
	char runtime[24]; /* qemu, firecracker, isolens, kvm */
	char comm[16];
	bool own;
	int nvcpu;
	pid_t vcpu_tid[ATTRIB_VCPU_MAX]; /* 0 when the thread is unknown */
	int vcpu_idx[ATTRIB_VCPU_MAX];
	int nvcpu_fds; /* anon_inode:kvm-vcpu fds held */
};

struct attrib;

int attrib_open(struct attrib **out, struct errbuf *eb);
void attrib_close(struct attrib *a);
/* Re-read state files and rescan VMs (the caller rate-limits). */
void attrib_refresh(struct attrib *a);
void attrib_event(struct attrib *a, const struct isolens_event *e,
		  struct trace_context *out);
/*
 * The vCPU index of the thread behind a KVM record, -1 if still unknown;
 * learns it from the record when the record names it.  Cheap: for a VM
 * context attributed before its thread was known to be a vCPU.
 */
int attrib_vcpu(struct attrib *a, const struct isolens_event *e);

/* --container NAME: isolens' own, then runc/crun ids. */
int attrib_find_container(struct attrib *a, const char *name, pid_t *pid,
			  uint32_t *pidns, char *cgroup, size_t cglen,
			  struct errbuf *eb);
/* --vm NAME: a VM by name, "comm-pid" or pid. */
const struct attrib_vm *attrib_find_vm(struct attrib *a, const char *name);
size_t attrib_vms(struct attrib *a, const struct attrib_vm **vms);
const struct isolens_ns_set *attrib_host_ns(struct attrib *a);

/* Pure helpers (unit-tested). */
/* A container id from a cgroup path: 1 and runtime/id filled, or 0. */
int cgroup_path_container(const char *path, char *runtime, size_t rlen,
			  char *id, size_t idlen);
/* vCPU index from a thread name ("CPU 1/KVM", "fc_vcpu 0"), or -1 */
int vcpu_index_from_comm(const char *comm);
/* "uts,net": the kinds in which ns differs from host; count returned */
int ns_set_diff(const struct isolens_ns_set *ns,
		const struct isolens_ns_set *host, char *buf, size_t len);
/* Read /proc/PID/ns/ into ns (0 where unreadable). */
int ns_set_read(pid_t pid, struct isolens_ns_set *ns);

#endif
