/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader for one BPF_MAP_TYPE_RINGBUF that hands the kernel its space
 * back once per batch, not once per record as libbpf's ring_buffer does:
 * every store to consumer_pos pulls that cache line away from the CPU
 * that is producing, which then misses on it in its next reserve.  At a
 * million records a second that miss was most of the cost of tracing.
 */
#ifndef ISOLENS_TRACE_RINGBUF_H
#define ISOLENS_TRACE_RINGBUF_H

#include <stddef.h>

/* Called for every committed record; a nonzero return stops the batch. */
typedef int (*ringbuf_fn)(void *ctx, void *data, size_t size);

struct ringbuf;

/* map_fd must be a ring buffer map; NULL with errno set on failure. */
struct ringbuf *ringbuf_open(int map_fd, ringbuf_fn fn, void *ctx);
/* Wait up to timeout_ms for a wakeup, then drain: records, or -errno. */
int ringbuf_poll(struct ringbuf *rb, int timeout_ms);
/* Drain what is committed without waiting: records, or -errno. */
int ringbuf_consume(struct ringbuf *rb);
void ringbuf_close(struct ringbuf *rb);

#endif
