// SPDX-License-Identifier: GPL-2.0
/*
 * BPF ring buffer reader (see ringbuf.h for why not libbpf's).  The map's
 * mmap layout is kernel ABI (kernel/bpf/ringbuf.c): page 0 holds
 * consumer_pos and is the only page userspace may write; page 1 holds
 * producer_pos; the data area follows, mapped twice in a row so that a
 * record that wraps around the end is still contiguous in memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "trace/ringbuf.h"

struct ringbuf {
	ringbuf_fn fn;
	void *ctx;
	int epfd;
	size_t page;
	uint64_t mask; /* data size - 1: a power of two */
	uint64_t *consumer_pos;
	const uint64_t *producer_pos;
	const uint8_t *data;
	void *prod_map; /* producer page + data, twice */
	size_t prod_len;
};

struct ringbuf *ringbuf_open(int map_fd, ringbuf_fn fn, void *ctx)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct epoll_event ev = { .events = EPOLLIN };
	struct ringbuf *rb;
	void *p;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_RINGBUF) {
		errno = EINVAL;
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->fn = fn;
	rb->ctx = ctx;
	rb->page = sysconf(_SC_PAGESIZE);
	rb->mask = info.max_entries - 1;
	rb->epfd = -1;

	p = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	rb->consumer_pos = p;
	rb->prod_len = rb->page + 2 * (size_t)info.max_entries;
	p = mmap(NULL, rb->prod_len, PROT_READ, MAP_SHARED, map_fd, rb->page);
	if (p == MAP_FAILED)
		goto fail;
	rb->prod_map = p;
	rb->producer_pos = p;
	rb->data = (const uint8_t *)p + rb->page;

	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epfd < 0 || epoll_ctl(rb->epfd, EPOLL_CTL_ADD, map_fd, &ev))
		goto fail;
	return rb;
fail:
	err = errno;
	ringbuf_close(rb);
	errno = err;
	return NULL;
}

int ringbuf_consume(struct ringbuf *rb)
{
	/* hand space back at least this often within one long batch */
	const uint64_t release_every = (rb->mask + 1) / 4;
	uint64_t cons, prod, released;
	int n = 0, stop = 0;

	cons = *rb->consumer_pos;
	released = cons;
	prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
	while (cons < prod && !stop) {
		const uint32_t *hdr =
			(const void *)(rb->data + (cons & rb->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t size = len & ~BPF_RINGBUF_DISCARD_BIT;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet committed: next time */
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			/* the data follows the 8-byte header {len, pg_off} */
			stop = rb->fn(rb->ctx, (void *)(hdr + 2), size);
			n++;
		}
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7ULL;
		if (cons - released >= release_every) {
			__atomic_store_n(rb->consumer_pos, cons,
					 __ATOMIC_RELEASE);
			released = cons;
		}
		if (cons == prod)
			prod = __atomic_load_n(rb->producer_pos,
					       __ATOMIC_ACQUIRE);
	}
	if (cons != released)
		__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
	return n;
}

int ringbuf_poll(struct ringbuf *rb, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(rb->epfd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	/* after a timeout too: records written without a wakeup wait */
	return ringbuf_consume(rb);
}

void ringbuf_close(struct ringbuf *rb)
{
	if (!rb)
		return;
	if (rb->epfd >= 0)
		close(rb->epfd);
	if (rb->prod_map)
		munmap(rb->prod_map, rb->prod_len);
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page);
	free(rb);
}
