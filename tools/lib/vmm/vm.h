/* SPDX-License-Identifier: GPL-2.0 */
/* The VM as the VMM's parts see it (internal to tools/lib/vmm). */
#ifndef ISOLENS_VMM_VM_H
#define ISOLENS_VMM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/acpi.h"
#include "vmm/blk.h"
#include "vmm/bus.h"
#include "vmm/console.h"
#include "vmm/devices.h"
#include "vmm/kvm.h"
#include "vmm/memory.h"
#include "vmm/serial.h"
#include "vmm/platform.h"
#include "vmm/stats.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

struct vm;

#define VM_VDEV_MAX_QUEUES 2

/* One virtio-mmio slot and what serves it (vm_virtio.c). */
struct vm_vdev {
	struct vm *vm;
	unsigned int slot;
	char name[16]; /* "virtio-blk0": the MMIO bus range's name */
	struct virtio_dev *dev; /* &blk.dev, or &empty */
	struct virtio_blk blk;
	struct virtio_dev empty; /* DeviceID 0 */
	unsigned int nr_queues; /* 0 for an empty slot */
	int kick_fd[VM_VDEV_MAX_QUEUES]; /* ioeventfds, -1 with --no-eventfd */
	int irq_fd; /* the KVM_IRQFD, -1 with --no-eventfd */
	pthread_t thread;
	bool started, initialized;
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	struct kvm_stat exits; /* KVM's own count of this vCPU's exits */
	int64_t first_exits,
		last_exits; /* KVM "exits" at start, at last exit */
	uint64_t user_exits; /* exits that reached us */
	struct vmm_exit *cur; /* the exit being handled, for notes */
	unsigned int probe_seen; /* the last vm->probe_gen answered */
};

struct vm {
	const struct vmm_config *cfg;
	struct vmm_result *res;
	struct kvm kvm;
	struct guest_mem mem;
	struct bus ports, mmio;
	struct serial serial;
	struct console_out console; /* serial output on its way to stdout */
	struct i8042 i8042;
	struct cmos cmos;
	struct acpi_sleep acpi_sleep;
	struct vm_vdev vdevs[VIRTIO_MMIO_SLOTS];
	int io_stop_fd; /* ends the I/O threads */
	struct vcpu vcpus[VMM_MAX_CPUS];
	unsigned int nr_vcpus;
	bool linux_guest;
	pthread_mutex_t lock; /* stop state, results, explain ordering */
	pthread_cond_t gate; /* vCPUs wait until the VMM is sealed ... */
	bool gate_open; /* ... which this says, under lock */
	int event_fd; /* wakes the main thread: stop or marker */
	bool stopping;
	bool marker_seen;
	uint64_t t0_ns;
	uint64_t seq;
	/* "halted for good?": asked by the main thread, answered per vCPU */
	unsigned int probe_gen, probe_answers, probe_halted;
};

/* Kicks a VMM thread out of a blocking call (KVM_RUN, write). */
#define VM_KICK_SIGNAL SIGUSR1

/* Install the kick signal's handler (no SA_RESTART); idempotent. */
void vm_kick_init(void);

uint64_t vm_now_ns(void);

/* First caller wins; wakes the main thread, which kicks the vCPUs. */
void vm_stop(struct vm *vm, enum vmm_stop why, int status);

/* Annotate the exit the calling vCPU thread is handling (for --explain). */
void vcpu_note(const char *note);

int vcpu_create(struct vm *vm, struct vcpu *v, unsigned int id,
		struct errbuf *eb);
void vcpu_destroy(struct vcpu *v);
int vcpu_start(struct vcpu *v, struct errbuf *eb);
void vcpu_kick(struct vcpu *v);
void vcpu_join(struct vcpu *v);

/* The virtio-mmio slots: set up, threads, counters, teardown. */
int vm_virtio_setup(struct vm *vm, struct errbuf *eb);
int vm_virtio_start(struct vm *vm, struct errbuf *eb);
void vm_virtio_stop(struct vm *vm);
void vm_virtio_collect(struct vm *vm);
void vm_virtio_destroy(struct vm *vm);

/* Install the VMM's seccomp filter on every thread (seccomp.c). */
int vmm_seccomp_install(struct errbuf *eb);

#endif
