// SPDX-License-Identifier: GPL-2.0
/*
 * "Where isolation happened": kernel stacks taken at each side's isolation
 * checkpoints (namespace, cgroup and capability events for the container;
 * KVM exits and their handlers for the VM), counted while the run goes on
 * and named only at the end.  Symbolizing thousands of exits one by one
 * would cost more than the run; distinct stacks are few.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/report.h"

static uint64_t stack_hash(int kind, const uint64_t *ip, uint32_t nr)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	uint32_t i;

	for (i = 0; i < nr; i++) {
		h ^= ip[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int report_hot_init(struct report_side *s)
{
	s->stacks = calloc(REPORT_MAX_STACKS, sizeof(*s->stacks));
	return s->stacks ? 0 : -1;
}

void report_hot_free(struct report_side *s)
{
	free(s->stacks);
	s->stacks = NULL;
}

void report_add_stack(struct report_side *s, int kind, const char *checkpoint,
		      const uint64_t *ip, uint32_t nr)
{
	struct report_stack *st;
	uint64_t h;
	uint32_t i, slot;

	if (!s->stacks || !nr)
		return;
	if (nr > REPORT_STACK_DEPTH)
		nr = REPORT_STACK_DEPTH;
	s->stacks_seen++;
	h = stack_hash(kind, ip, nr);
	/* open addressing: the table is only ever filled, never emptied */
	for (i = 0; i < REPORT_MAX_STACKS; i++) {
		slot = (h + i) % REPORT_MAX_STACKS;
		st = &s->stacks[slot];
		if (!st->n) {
			st->kind = kind;
			st->nr = nr;
			memcpy(st->ip, ip, nr * sizeof(*ip));
			snprintf(st->checkpoint, sizeof(st->checkpoint), "%s",
				 checkpoint);
			st->n = 1;
			return;
		}
		if (st->kind == kind && st->nr == nr &&
		    !memcmp(st->ip, ip, nr * sizeof(*ip))) {
			st->n++;
			return;
		}
	}
	s->stacks_lost++;
}

static int stack_by_count(const void *a, const void *b)
{
	const struct report_stack *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/* "func+0x1a [mod] (f.c:1)" -> "func" */
static void func_name(char *dst, size_t len, const char *sym)
{
	size_t n = strcspn(sym, "+ ");

	if (n >= len)
		n = len - 1;
	memcpy(dst, sym, n);
	dst[n] = 0;
}

/* name: a buffer the size of report_hot.func */
static void add_func(struct report_hot *all, int *nall, const char *name,
		     uint64_t n)
{
	int i;

	for (i = 0; i < *nall; i++)
		if (!strcmp(all[i].func, name)) {
			all[i].n += n;
			return;
		}
	if (*nall >= REPORT_MAX_STACKS)
		return;
	memcpy(all[*nall].func, name, sizeof(all[*nall].func));
	all[(*nall)++].n = n;
}

static int hot_by_count(const void *a, const void *b)
{
	const struct report_hot *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->func, y->func);
}

int report_hot_name(struct report_side *s, report_symbolize_fn sym, void *ctx)
{
	struct report_hot *all;
	struct report_stack *st;
	char buf[512], name[sizeof(all->func)];
	int i, nall = 0, nst = 0;
	uint32_t f;

	if (!s->stacks)
		return 0;
	all = calloc(REPORT_MAX_STACKS, sizeof(*all));
	if (!all)
		return -1;
	for (i = 0; i < REPORT_MAX_STACKS; i++)
		if (s->stacks[i].n)
			s->stacks[nst++] = s->stacks[i];
	qsort(s->stacks, nst, sizeof(*s->stacks), stack_by_count);

	/* a function's weight: the checkpoints whose stack starts in it */
	for (i = 0; i < nst; i++) {
		st = &s->stacks[i];
		sym(ctx, st->ip[0], buf, sizeof(buf));
		func_name(name, sizeof(name), buf);
		add_func(all, &nall, name, st->n);
	}
	qsort(all, nall, sizeof(*all), hot_by_count);
	s->nhot_funcs = nall < REPORT_TOP_FUNCS ? nall : REPORT_TOP_FUNCS;
	memcpy(s->hot_funcs, all, s->nhot_funcs * sizeof(*all));
	free(all);

	s->nhot_stacks = nst < REPORT_TOP_STACKS ? nst : REPORT_TOP_STACKS;
	for (i = 0; i < s->nhot_stacks; i++) {
		struct report_hot_stack *hs = &s->hot_stacks[i];

		st = &s->stacks[i];
		hs->n = st->n;
		hs->nr = st->nr;
		snprintf(hs->checkpoint, sizeof(hs->checkpoint), "%s",
			 st->checkpoint);
		for (f = 0; f < st->nr; f++) {
			sym(ctx, st->ip[f], buf, sizeof(buf));
			func_name(hs->frames[f], sizeof(hs->frames[f]), buf);
		}
	}
	s->distinct_stacks = nst;
	return 0;
}
