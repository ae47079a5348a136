// SPDX-License-Identifier: GPL-2.0
/*
 * The per-reader ring: a power-of-two byte array holding whole records back
 * to back.  head and tail are free-running byte counters, so "used" is
 * head - tail and the offset of a byte is counter & (size - 1).  A record
 * may wrap around the end of the array; it is copied in two pieces.
 *
 * The ring has no lock of its own: the reader's spinlock protects it (see
 * device.c), because producers run in atomic context and may run on every
 * CPU at once.  A record is pushed whole or not at all, so a reader never
 * sees half a record.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "isolens.h"

int isolens_ring_init(struct isolens_ring *ring, size_t size)
{
	size = roundup_pow_of_two(size);
	ring->data = kvzalloc(size, GFP_KERNEL);
	if (!ring->data)
		return -ENOMEM;
	ring->size = size;
	ring->head = 0;
	ring->tail = 0;
	return 0;
}

void isolens_ring_free(struct isolens_ring *ring)
{
	kvfree(ring->data);
	ring->data = NULL;
}

static void ring_copy_in(struct isolens_ring *ring, u64 pos, const void *src,
			 u32 len)
{
	size_t off = pos & (ring->size - 1);
	size_t first = min_t(size_t, len, ring->size - off);

	memcpy(ring->data + off, src, first);
	memcpy(ring->data, src + first, len - first);
}

static void ring_copy_out(const struct isolens_ring *ring, u64 pos, void *dst,
			  u32 len)
{
	size_t off = pos & (ring->size - 1);
	size_t first = min_t(size_t, len, ring->size - off);

	memcpy(dst, ring->data + off, first);
	memcpy(dst + first, ring->data, len - first);
}

/* Caller holds the reader's lock.  Returns false if the record is dropped. */
bool isolens_ring_push(struct isolens_ring *ring, const void *rec, u32 len)
{
	if (ring->size - (ring->head - ring->tail) < len)
		return false;
	ring_copy_in(ring, ring->head, rec, len);
	/* Pairs with the lockless READ_ONCE in isolens_ring_used(). */
	WRITE_ONCE(ring->head, ring->head + len);
	return true;
}

/*
 * Caller holds the reader's lock.  Returns the size of the oldest record,
 * or 0 when the ring is empty, and copies it to @out when it fits in @max.
 */
u32 isolens_ring_peek(const struct isolens_ring *ring, void *out, u32 max)
{
	u16 len;

	if (ring->head == ring->tail)
		return 0;
	/* hdr.size is the first field of every record. */
	ring_copy_out(ring, ring->tail, &len, sizeof(len));
	if (len <= max)
		ring_copy_out(ring, ring->tail, out, len);
	return len;
}

void isolens_ring_consume(struct isolens_ring *ring, u32 len)
{
	WRITE_ONCE(ring->tail, ring->tail + len);
}
