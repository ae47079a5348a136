// SPDX-License-Identifier: GPL-2.0
/* The attribution cache of trace --count: open addressing on a small key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/counts.h"
#include "trace/decode.h"

struct count_slot {
	bool used;
	uint32_t pid, tid, vcpu;
	uint64_t cgroup_id;
	struct trace_context ctx;
};

struct count_cache {
	struct count_slot *slots;
	size_t cap, used; /* cap: a power of two */
};

/*
 * What attribution depends on: the thread matters for vCPUs only, and the
 * vCPU index only where it is the thread's (not KVM_CREATE_VCPU's).
 */
static void slot_key(const struct isolens_event *e, struct count_slot *k)
{
	bool kvm = isolens_kind_class(e->hdr.kind) == ISOLENS_CLASS_KVM;

	memset(k, 0, sizeof(*k));
	k->pid = e->hdr.pid;
	k->tid = kvm ? e->hdr.tid : 0;
	k->vcpu = (uint32_t)event_thread_vcpu(e);
	k->cgroup_id = e->hdr.cgroup_id;
}

static size_t slot_hash(const struct count_slot *k)
{
	uint64_t h = k->pid * 0x9e3779b97f4a7c15ULL;

	h ^= (k->tid + ((uint64_t)k->vcpu << 32)) * 0xc2b2ae3d27d4eb4fULL;
	h ^= k->cgroup_id * 0x165667b19e3779f9ULL;
	return h ^ (h >> 29);
}

static bool slot_same(const struct count_slot *a, const struct count_slot *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->vcpu == b->vcpu &&
	       a->cgroup_id == b->cgroup_id;
}

static struct count_slot *slot_find(struct count_slot *slots, size_t cap,
				    const struct count_slot *k)
{
	size_t i = slot_hash(k) & (cap - 1);

	while (slots[i].used && !slot_same(&slots[i], k))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int cache_grow(struct count_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 256, i;
	struct count_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < c->cap; i++)
		if (c->slots[i].used)
			*slot_find(slots, cap, &c->slots[i]) = c->slots[i];
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

struct count_cache *count_cache_new(void)
{
	return calloc(1, sizeof(struct count_cache));
}

struct trace_context *count_cache_get(struct count_cache *c,
				      const struct isolens_event *e,
				      bool *fresh)
{
	struct count_slot k, *s;

	slot_key(e, &k);
	/* at most half full, so that probing stays short */
	if (2 * (c->used + 1) > c->cap && cache_grow(c))
		return NULL;
	s = slot_find(c->slots, c->cap, &k);
	*fresh = !s->used;
	if (!s->used) {
		*s = k;
		s->used = true;
		s->ctx.vcpu = -1;
		c->used++;
	}
	return &s->ctx;
}

void count_cache_free(struct count_cache *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c);
}
