// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio transport (virtio 1.x, 4.2.2: register layout version 2) and
 * the device side of split virtqueues (2.7).  Register offsets, ring
 * layouts and status bits come from the uapi headers.
 *
 * Concurrency: the guest's driver runs on another CPU while we walk its
 * rings, so every ring field is read once (a relaxed atomic load into a
 * local) and checked after it is read, never before.  avail->idx is read
 * with acquire (the entries it covers are visible after it), used->idx is
 * written with release (the used entries are visible before it), and a
 * full fence separates publishing our side from reading the driver's
 * suppression state (the used event or the NO_INTERRUPT flag, and the
 * available index after we publish the avail event), as 2.7.7.2 and
 * 2.7.10 require.
 *
 * Indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC) are not offered: a
 * second, guest-sized table per chain is more code to get right against a
 * hostile driver (table length, nesting, its own loops) for little gain
 * here; with 256-entry queues and seg_max 126, Linux's virtio-blk works
 * well with direct chains.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/platform.h"
#include "vmm/virtio.h"

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_MMIO_MODERN 2

#define STATUS_DRIVER_BITS                                         \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |    \
	 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK | \
	 VIRTIO_CONFIG_S_FAILED)
#define STATUS_LIVE (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

static uint64_t virtio_device_features(const struct virtio_dev *d)
{
	return d->ops->features | (1ULL << VIRTIO_F_VERSION_1) |
	       (1ULL << VIRTIO_RING_F_EVENT_IDX);
}

static bool virtio_event_idx(const struct virtio_dev *d)
{
	return d->driver_features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
}

static void virtio_dev_irq(struct virtio_dev *d)
{
	d->irqs++;
	if (d->irq)
		d->irq(d->ctx);
}

static void virtq_fault_v(struct virtq *vq, const char *fmt, va_list ap)
{
	struct virtio_dev *d = vq->dev;
	char msg[192], line[256];

	if (d->broken)
		return;
	d->broken = true;
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	d->isr |= VIRTIO_MMIO_INT_CONFIG;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(line, sizeof(line), "%s: queue %u: %s", d->ops->name,
		 vq->index, msg);
	if (d->log)
		d->log(d->ctx, line);
	/* 2.1.2: after DRIVER_OK, NEEDS_RESET comes with a config interrupt */
	if (d->status & VIRTIO_CONFIG_S_DRIVER_OK)
		virtio_dev_irq(d);
}

void virtq_fault(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	virtq_fault_v(vq, fmt, ap);
	va_end(ap);
}

static void virtq_clear(struct virtq *vq)
{
	struct virtio_dev *d = vq->dev;
	unsigned int index = vq->index;

	memset(vq, 0, sizeof(*vq));
	vq->dev = d;
	vq->index = index;
}

static void virtio_dev_reset(struct virtio_dev *d)
{
	unsigned int i;

	if (d->ops->reset)
		d->ops->reset(d);
	d->status = 0;
	d->isr = 0;
	d->device_features_sel = 0;
	d->driver_features_sel = 0;
	d->driver_features = 0;
	d->queue_sel = 0;
	d->broken = false;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		virtq_clear(&d->queues[i]);
}

void virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops,
		     void *priv, const struct guest_mem *mem)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	d->ops = ops;
	d->priv = priv;
	d->mem = mem;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		d->queues[i].dev = d;
		d->queues[i].index = i;
	}
}

void virtio_dev_destroy(struct virtio_dev *d)
{
	pthread_mutex_destroy(&d->lock);
}

/*
 * QueueReady = 1: the driver says the rings are in place.  Check them once
 * here (size, alignment 2.7, wholly inside RAM, including the event
 * fields), so that the walk only has to bound indices.
 */
static void virtq_enable(struct virtio_dev *d, struct virtq *vq)
{
	uint64_t n = vq->num;

	if (!n || (n & (n - 1)) || n > d->ops->queue_max) {
		virtq_fault(vq, "size %llu is not a power of 2 up to %u",
			    (unsigned long long)n, d->ops->queue_max);
		return;
	}
	if (vq->desc_gpa % VRING_DESC_ALIGN_SIZE ||
	    vq->avail_gpa % VRING_AVAIL_ALIGN_SIZE ||
	    vq->used_gpa % VRING_USED_ALIGN_SIZE) {
		virtq_fault(vq,
			    "rings at 0x%llx, 0x%llx, 0x%llx are not aligned",
			    (unsigned long long)vq->desc_gpa,
			    (unsigned long long)vq->avail_gpa,
			    (unsigned long long)vq->used_gpa);
		return;
	}
	vq->desc =
		guest_ptr(d->mem, vq->desc_gpa, n * sizeof(struct vring_desc));
	/* flags, idx, ring[n], used_event */
	vq->avail = guest_ptr(d->mem, vq->avail_gpa, 6 + 2 * n);
	/* flags, idx, ring[n], avail_event */
	vq->used = guest_ptr(d->mem, vq->used_gpa,
			     6 + n * sizeof(struct vring_used_elem));
	if (!vq->desc || !vq->avail || !vq->used) {
		virtq_fault(vq,
			    "a ring at 0x%llx, 0x%llx or 0x%llx is outside RAM",
			    (unsigned long long)vq->desc_gpa,
			    (unsigned long long)vq->avail_gpa,
			    (unsigned long long)vq->used_gpa);
		return;
	}
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->ready = true;
}

static uint16_t avail_idx_acquire(const struct virtq *vq)
{
	return le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	const struct guest_mem *mem = vq->dev->mem;
	uint64_t seen[VIRTQ_MAX_SIZE / 64];
	uint16_t idx, pending, head, i;
	unsigned int n = 0;

	if (!vq->ready || vq->dev->broken ||
	    __atomic_load_n(&vq->dev->stopped, __ATOMIC_RELAXED))
		return 0;
	idx = avail_idx_acquire(vq);
	pending = idx - vq->last_avail;
	if (!pending)
		return 0;
	if (pending > vq->num) {
		virtq_fault(
			vq,
			"available index %u is %u entries past %u, more than the queue size %u",
			idx, pending, vq->last_avail, vq->num);
		return -EINVAL;
	}
	head = le16toh(__atomic_load_n(
		&vq->avail->ring[vq->last_avail & (vq->num - 1)],
		__ATOMIC_RELAXED));
	if (head >= vq->num) {
		virtq_fault(vq, "available entry %u: head %u is not below %u",
			    vq->last_avail, head, vq->num);
		return -EINVAL;
	}
	memset(seen, 0, (vq->num + 63) / 64 * sizeof(seen[0]));
	memset(c, 0, offsetof(struct virtq_chain, iov));
	c->head = head;
	for (i = head;;) {
		struct vring_desc *desc = &vq->desc[i];
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
		void *p;

		if (seen[i / 64] & (1ULL << (i % 64))) {
			virtq_fault(vq, "descriptor %u loops", i);
			return -EINVAL;
		}
		seen[i / 64] |= 1ULL << (i % 64);
		if (n == VIRTQ_MAX_IOV) {
			virtq_fault(
				vq,
				"chain from descriptor %u is longer than %u descriptors",
				head, VIRTQ_MAX_IOV);
			return -EINVAL;
		}
		addr = le64toh(__atomic_load_n(&desc->addr, __ATOMIC_RELAXED));
		len = le32toh(__atomic_load_n(&desc->len, __ATOMIC_RELAXED));
		flags = le16toh(
			__atomic_load_n(&desc->flags, __ATOMIC_RELAXED));
		next = le16toh(__atomic_load_n(&desc->next, __ATOMIC_RELAXED));
		if (flags & VRING_DESC_F_INDIRECT) {
			virtq_fault(vq,
				    "descriptor %u is indirect (not offered)",
				    i);
			return -EINVAL;
		}
		p = guest_ptr(mem, addr, len);
		if (!p) {
			virtq_fault(
				vq,
				"descriptor %u: [0x%llx, +%u) is outside RAM",
				i, (unsigned long long)addr, len);
			return -EINVAL;
		}
		if (flags & VRING_DESC_F_WRITE) {
			c->nr_writable++;
			c->writable_len += len;
		} else if (c->nr_writable) {
			virtq_fault(
				vq,
				"descriptor %u is readable after a writable one",
				i);
			return -EINVAL;
		} else {
			c->nr_readable++;
			c->readable_len += len;
		}
		c->iov[n].iov_base = p;
		c->iov[n].iov_len = len;
		n++;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (next >= vq->num) {
			virtq_fault(vq,
				    "descriptor %u: next %u is not below %u", i,
				    next, vq->num);
			return -EINVAL;
		}
		i = next;
	}
	vq->last_avail++;
	return 1;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e;

	if (!vq->ready)
		return;
	e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	__atomic_store_n(&e->id, htole32(head), __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, htole32(len), __ATOMIC_RELAXED);
	vq->used_idx++;
	/* the element is visible before the index that covers it */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx),
			 __ATOMIC_RELEASE);
}

/*
 * After draining the queue: tell the driver (avail event) where we stopped,
 * then look again, in case it added a chain without notifying because it
 * read the old avail event.
 */
static bool virtq_more(struct virtio_dev *d, struct virtq *vq)
{
	if (virtio_event_idx(d))
		__atomic_store_n((uint16_t *)&vq->used->ring[vq->num],
				 htole16(vq->last_avail), __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx_acquire(vq) != vq->last_avail;
}

/* Whether the driver wants an interrupt for the used entries added since
 * the last time we asked (2.7.7.2, 2.7.10). */
static bool virtq_should_signal(struct virtio_dev *d, struct virtq *vq)
{
	uint16_t old = vq->signalled_used, new = vq->used_idx, v;

	if (old == new)
		return false;
	vq->signalled_used = new;
	/* our used->idx store is visible before we read the driver's wish */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtio_event_idx(d)) {
		v = le16toh(__atomic_load_n(&vq->avail->ring[vq->num],
					    __ATOMIC_RELAXED));
		return vring_need_event(v, new, old);
	}
	v = le16toh(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED));
	return !(v & VRING_AVAIL_F_NO_INTERRUPT);
}

static void virtio_dev_kick_locked(struct virtio_dev *d, unsigned int q)
{
	struct virtq *vq;

	d->notifies++;
	if (!d->ops || q >= d->ops->nr_queues)
		return;
	vq = &d->queues[q];
	if (d->broken || !vq->ready ||
	    (d->status & (STATUS_LIVE | VIRTIO_CONFIG_S_FAILED)) != STATUS_LIVE)
		return;
	do {
		if (d->ops->process(d, q) < 0) {
			virtq_fault(vq, "the device found the queue broken");
			break;
		}
	} while (!d->broken &&
		 !__atomic_load_n(&d->stopped, __ATOMIC_RELAXED) &&
		 virtq_more(d, vq));
	if (virtq_should_signal(d, vq)) {
		d->isr |= VIRTIO_MMIO_INT_VRING;
		virtio_dev_irq(d);
	}
}

void virtio_dev_kick(struct virtio_dev *d, unsigned int q)
{
	pthread_mutex_lock(&d->lock);
	virtio_dev_kick_locked(d, q);
	pthread_mutex_unlock(&d->lock);
}

void virtio_dev_stop(struct virtio_dev *d)
{
	__atomic_store_n(&d->stopped, true, __ATOMIC_RELAXED);
}

bool virtio_dev_needs_reset(struct virtio_dev *d)
{
	bool r;

	pthread_mutex_lock(&d->lock);
	r = d->status & VIRTIO_CONFIG_S_NEEDS_RESET;
	pthread_mutex_unlock(&d->lock);
	return r;
}

static struct virtq *virtio_cur_queue(struct virtio_dev *d)
{
	if (d->queue_sel >= d->ops->nr_queues)
		return NULL;
	return &d->queues[d->queue_sel];
}

static uint32_t virtio_reg_read(struct virtio_dev *d, uint64_t off)
{
	struct virtq *vq = virtio_cur_queue(d);
	uint64_t f;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_ISOLENS;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		f = virtio_device_features(d);
		if (d->device_features_sel == 0)
			return (uint32_t)f;
		if (d->device_features_sel == 1)
			return f >> 32;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? d->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->isr;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW: /* no shared memory regions: -1 */
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0; /* the configuration never changes */
	}
	return 0;
}

static bool virtio_features_acceptable(const struct virtio_dev *d)
{
	uint64_t f = d->driver_features;

	return !(f & ~virtio_device_features(d)) &&
	       (f & (1ULL << VIRTIO_F_VERSION_1));
}

static void virtio_status_write(struct virtio_dev *d, uint32_t v)
{
	uint32_t old = d->status;

	if (!v) {
		virtio_dev_reset(d);
		return;
	}
	v &= STATUS_DRIVER_BITS;
	/* 3.1.1: FEATURES_OK stays clear if we cannot work with the set */
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !virtio_features_acceptable(d))
		v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	d->status = v | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void set_low(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffULL) | v;
}

static void set_high(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffULL) | (uint64_t)v << 32;
}

static void virtio_queue_write(struct virtio_dev *d, struct virtq *vq,
			       uint64_t off, uint32_t v)
{
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (!(v & 1))
			vq->ready = false;
		else if (!vq->ready && !d->broken)
			virtq_enable(d, vq);
		return;
	}
	if (vq->ready) /* 4.2.3.2: not while the queue is live */
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = v > 0xffff ? 0xffff : v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		set_low(&vq->desc_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_high(&vq->desc_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		set_low(&vq->avail_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_high(&vq->avail_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		set_low(&vq->used_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_high(&vq->used_gpa, v);
		break;
	}
}

static void virtio_reg_write(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	struct virtq *vq = virtio_cur_queue(d);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->status & VIRTIO_CONFIG_S_FEATURES_OK)
			break;
		if (d->driver_features_sel == 0)
			set_low(&d->driver_features, v);
		else if (d->driver_features_sel == 1)
			set_high(&d->driver_features, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (vq)
			virtio_queue_write(d, vq, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		virtio_dev_kick_locked(d, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		virtio_status_write(d, v);
		break;
	}
}

/* Registers below 0x100 are 32-bit, aligned (4.2.2.2); anything else is
 * ignored, and reads as all-ones, like the open bus. */
static bool virtio_reg_access_ok(uint64_t offset, unsigned int size)
{
	return size == 4 && !(offset & 3);
}

void virtio_mmio_empty_access(void *opaque, uint64_t offset, bool is_write,
			      uint8_t *data, unsigned int size)
{
	uint32_t v = 0;

	(void)opaque;
	if (is_write || !size || size > 8)
		return;
	if (offset >= VIRTIO_MMIO_CONFIG ||
	    !virtio_reg_access_ok(offset, size)) {
		memset(data, offset >= VIRTIO_MMIO_CONFIG ? 0 : 0xff, size);
		return;
	}
	if (offset == VIRTIO_MMIO_MAGIC_VALUE)
		v = VIRTIO_MMIO_MAGIC;
	else if (offset == VIRTIO_MMIO_VERSION)
		v = VIRTIO_MMIO_MODERN;
	else if (offset == VIRTIO_MMIO_VENDOR_ID)
		v = VIRTIO_VENDOR_ISOLENS;
	v = htole32(v);
	memcpy(data, &v, 4);
}

void virtio_mmio_access(void *opaque, uint64_t offset, bool is_write,
			uint8_t *data, unsigned int size)
{
	struct virtio_dev *d = opaque;
	uint32_t v;

	if (!d || !d->ops) {
		virtio_mmio_empty_access(opaque, offset, is_write, data, size);
		return;
	}
	if (!size || size > 8 || offset >= VIRTIO_MMIO_SIZE ||
	    size > VIRTIO_MMIO_SIZE - offset) {
		if (!is_write && size && size <= 8)
			memset(data, 0xff, size);
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (d->ops->config_access)
			d->ops->config_access(d, offset - VIRTIO_MMIO_CONFIG,
					      is_write, data, size);
		else if (!is_write)
			memset(data, 0, size);
	} else if (!virtio_reg_access_ok(offset, size)) {
		if (!is_write)
			memset(data, 0xff, size);
	} else if (is_write) {
		memcpy(&v, data, 4);
		virtio_reg_write(d, offset, le32toh(v));
	} else {
		v = htole32(virtio_reg_read(d, offset));
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&d->lock);
}
