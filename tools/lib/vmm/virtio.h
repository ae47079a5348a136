/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio 1.x over MMIO ("modern", register layout version 2) and split
 * virtqueues, for the VMM's devices (blk.c).  Every ring the guest hands
 * us is untrusted: descriptor indices, chain lengths, buffer addresses and
 * the available index are checked, and any violation puts the device in
 * DEVICE_NEEDS_RESET (one log line, a configuration-change interrupt);
 * it then ignores its queues until the driver resets it (Status = 0).
 * See docs/microvm.md, "virtio-mmio".
 */
#ifndef ISOLENS_VMM_VIRTIO_H
#define ISOLENS_VMM_VIRTIO_H

#include <linux/virtio_ring.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmm/memory.h"

#define VIRTIO_MAX_QUEUES 2
/* the largest QueueNumMax a device may announce */
#define VIRTQ_MAX_SIZE 1024
/* descriptors in one chain, at most (virtio-blk: seg_max + 2) */
#define VIRTQ_MAX_IOV 128
/* "ISOL", read as a little-endian 32-bit VendorID */
#define VIRTIO_VENDOR_ISOLENS 0x4c4f5349

struct virtio_dev;

struct virtio_dev_ops {
	const char *name; /* "virtio-blk", for log lines */
	uint32_t device_id; /* VIRTIO_ID_* */
	/* device-specific bits; the transport adds VIRTIO_F_VERSION_1 and
	 * VIRTIO_RING_F_EVENT_IDX */
	uint64_t features;
	unsigned int nr_queues; /* <= VIRTIO_MAX_QUEUES */
	uint16_t queue_max; /* QueueNumMax: a power of 2, <= VIRTQ_MAX_SIZE */
	/* device configuration space; @offset counts from 0x100 */
	void (*config_access)(struct virtio_dev *d, uint64_t offset,
			      bool is_write, uint8_t *data, unsigned int size);
	/*
	 * Take and answer the available chains of queue @q (virtq_pop(),
	 * virtq_push()), with d->lock held.  -EINVAL: the queue is broken
	 * (virtq_fault() said why).
	 */
	int (*process)(struct virtio_dev *d, unsigned int q);
	void (*reset)(struct virtio_dev *d); /* may be NULL */
};

/* One split virtqueue, as the driver set it up through the transport. */
struct virtq {
	struct virtio_dev *dev;
	unsigned int index;
	/* registers */
	uint16_t num; /* QueueNum */
	bool ready; /* QueueReady, accepted: the rings below are valid */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* host views of the rings, checked when QueueReady was written */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail; /* next available entry to take */
	uint16_t used_idx; /* next used entry to fill (published used->idx) */
	uint16_t signalled_used; /* used_idx when we last decided on an irq */
};

/* One descriptor chain: device-readable buffers, then device-writable. */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_readable, nr_writable;
	uint64_t readable_len, writable_len; /* bytes */
	struct iovec iov[VIRTQ_MAX_IOV]; /* readable first, then writable */
};

struct virtio_dev {
	pthread_mutex_t lock;
	const struct virtio_dev_ops *ops; /* NULL: an empty slot */
	void *priv;
	const struct guest_mem *mem;
	/* set by the VMM after virtio_dev_init() */
	void (*irq)(void *ctx); /* raise the device's (edge) interrupt */
	void (*log)(void *ctx, const char *msg); /* may be NULL */
	void *ctx;
	uint64_t notifies, irqs; /* counters (under lock) */
	/* transport registers */
	uint32_t status;
	uint32_t isr; /* InterruptStatus: VIRTIO_MMIO_INT_* */
	uint32_t device_features_sel, driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	bool broken; /* a fault was seen: no processing until reset */
	bool stopped; /* virtio_dev_stop(): no processing ever again */
	struct virtq queues[VIRTIO_MAX_QUEUES];
};

void virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops,
		     void *priv, const struct guest_mem *mem);
void virtio_dev_destroy(struct virtio_dev *d);

/* bus_access_fn (bus.h) for a slot's VIRTIO_MMIO_SIZE registers; @opaque
 * is the struct virtio_dev (one without ops answers as an empty slot) */
void virtio_mmio_access(void *opaque, uint64_t offset, bool is_write,
			uint8_t *data, unsigned int size);
/* bus_access_fn for an empty slot: Magic, Version 2, DeviceID 0 */
void virtio_mmio_empty_access(void *opaque, uint64_t offset, bool is_write,
			      uint8_t *data, unsigned int size);

/*
 * Queue @q was notified: from an MMIO write of QueueNotify
 * (virtio_mmio_access() calls it) or from the VMM's I/O thread woken by an
 * ioeventfd.  Takes the lock, counts, processes, interrupts if needed.
 */
void virtio_dev_kick(struct virtio_dev *d, unsigned int q);
bool virtio_dev_needs_reset(struct virtio_dev *d);
/*
 * The VM is stopping: from any thread, without the lock, make a kick in
 * progress return after the chain it is serving, and later ones return at
 * once.  A kick runs as long as the driver keeps chains coming (a busy or
 * a self-feeding guest), so call this before joining the thread that kicks.
 */
void virtio_dev_stop(struct virtio_dev *d);

/* With d->lock held (a device's process callback): */

/* Take the next available chain: 1, 0 if none, -EINVAL if it is bad. */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/* Return chain @head with @len bytes written into its buffers. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/* The queue is broken: DEVICE_NEEDS_RESET, a log line, an interrupt. */
void virtq_fault(struct virtq *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
