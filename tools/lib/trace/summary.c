// SPDX-License-Identifier: GPL-2.0
/* Counting what was traced, for the summary printed at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/kvm_exit.h"
#include "trace/decode.h"
#include "trace/exit_reason.h"
#include "trace/summary.h"

static const unsigned int class_bits[5] = {
	ISOLENS_CLASS_PROC, ISOLENS_CLASS_NS,  ISOLENS_CLASS_CGROUP,
	ISOLENS_CLASS_KVM,  ISOLENS_CLASS_CAP,
};

void summary_init(struct trace_summary *s)
{
	memset(s, 0, sizeof(*s));
}

/* Find or add key in a small array (contexts and reasons are few). */
static struct summary_count *count_get(struct summary_count **v, size_t *n,
				       const char *key)
{
	struct summary_count *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return &(*v)[i];
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return NULL;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	snprintf(nv[*n].key, sizeof(nv[*n].key), "%s", key);
	return &nv[(*n)++];
}

static struct summary_vcpu *vcpu_get(struct trace_summary *s, const char *label)
{
	struct summary_vcpu *nv;
	size_t i;

	for (i = 0; i < s->nvcpus; i++)
		if (!strcmp(s->vcpus[i].label, label))
			return &s->vcpus[i];
	nv = realloc(s->vcpus, (s->nvcpus + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	s->vcpus = nv;
	memset(&nv[s->nvcpus], 0, sizeof(nv[0]));
	snprintf(nv[s->nvcpus].label, sizeof(nv[0].label), "%s", label);
	return &nv[s->nvcpus++];
}

void summary_add_n(struct trace_summary *s, const struct isolens_event *e,
		   const struct trace_context *ctx, uint64_t n)
{
	unsigned int cls = isolens_kind_class(e->hdr.kind);
	struct trace_context vmctx = *ctx;
	struct summary_count *c;
	struct summary_vcpu *v;
	char label[128], reason[64];
	int i;

	s->total += n;
	for (i = 0; i < 5; i++)
		if (cls == class_bits[i])
			s->by_class[i] += n;
	if (e->hdr.kind < ISOLENS_EV_MAX)
		s->by_kind[e->hdr.kind] += n;
	/* one line per VM in the context counts, not per vCPU */
	vmctx.vcpu = -1;
	trace_context_label(&vmctx, label, sizeof(label));
	c = count_get(&s->by_ctx, &s->nctx, label);
	if (c)
		c->n += n;
	if (e->hdr.kind != ISOLENS_EV_KVM_EXIT &&
	    e->hdr.kind != ISOLENS_EV_KVM_USERSPACE_EXIT)
		return;
	trace_context_label(ctx, label, sizeof(label));
	v = vcpu_get(s, label);
	if (!v)
		return;
	if (e->hdr.kind == ISOLENS_EV_KVM_EXIT) {
		v->total += n;
		exit_reason_format(e->kvm.isa, e->kvm.exit_reason, reason,
				   sizeof(reason));
		c = count_get(&v->reasons, &v->nreasons, reason);
	} else {
		const char *name = kvm_run_exit_name(e->kvm.exit_reason);

		v->to_vmm += n;
		if (name)
			snprintf(reason, sizeof(reason), "%s", name);
		else
			snprintf(reason, sizeof(reason), "%llu",
				 (unsigned long long)e->kvm.exit_reason);
		c = count_get(&v->vmm_reasons, &v->nvmm_reasons, reason);
	}
	if (c)
		c->n += n;
}

void summary_add(struct trace_summary *s, const struct isolens_event *e,
		 const struct trace_context *ctx)
{
	summary_add_n(s, e, ctx, 1);
}

static int cmp_count(const void *a, const void *b)
{
	const struct summary_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void sort_counts(struct summary_count *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_count);
}

char *summary_format_text(const struct trace_summary *s,
			  const struct trace_stats *st)
{
	char *buf = NULL;
	size_t len = 0, i, k;
	FILE *f = open_memstream(&buf, &len);
	const char *sep = "";

	if (!f)
		return NULL;
	fprintf(f, "--- summary: %llu events", (unsigned long long)s->total);
	if (s->total) {
		fprintf(f, " (");
		for (i = 0; i < 5; i++) {
			if (!s->by_class[i])
				continue;
			fprintf(f, "%s%s %llu", sep,
				event_class_name(class_bits[i]),
				(unsigned long long)s->by_class[i]);
			sep = ", ";
		}
		fprintf(f, ")");
	}
	fprintf(f, ", %llu dropped", (unsigned long long)st->drops);
	/* each way of losing, named, with what to do about it */
	for (i = 0, sep = " ("; i < TRACE_LOSS_MAX; i++) {
		if (!st->lost[i])
			continue;
		fprintf(f, "%s%s %llu: %s", sep, trace_loss_name(i),
			(unsigned long long)st->lost[i], trace_loss_hint(i));
		sep = "; ";
	}
	fprintf(f, "%s\n", st->drops ? ")" : "");
	sep = "  by kind: ";
	for (i = 0; i < ISOLENS_EV_MAX; i++) {
		if (!s->by_kind[i] || !event_kind_name(i))
			continue;
		fprintf(f, "%s%s %llu", sep, event_kind_name(i),
			(unsigned long long)s->by_kind[i]);
		sep = ", ";
	}
	if (s->total)
		fputc('\n', f);
	sort_counts(s->by_ctx, s->nctx);
	for (i = 0; i < s->nctx; i++)
		fprintf(f, "  %-32s %10llu\n", s->by_ctx[i].key,
			(unsigned long long)s->by_ctx[i].n);
	for (i = 0; i < s->nvcpus; i++) {
		const struct summary_vcpu *v = &s->vcpus[i];

		fprintf(f, "  exits %s: %llu\n", v->label,
			(unsigned long long)v->total);
		sort_counts(v->reasons, v->nreasons);
		for (k = 0; k < v->nreasons; k++)
			fprintf(f, "    %-28s %10llu\n", v->reasons[k].key,
				(unsigned long long)v->reasons[k].n);
		if (!v->to_vmm)
			continue;
		fprintf(f, "    to the VMM (KVM_RUN returned): %llu",
			(unsigned long long)v->to_vmm);
		sort_counts(v->vmm_reasons, v->nvmm_reasons);
		for (k = 0; k < v->nvmm_reasons; k++)
			fprintf(f, "%s%s %llu", k ? ", " : " (",
				v->vmm_reasons[k].key,
				(unsigned long long)v->vmm_reasons[k].n);
		fprintf(f, "%s\n", v->nvmm_reasons ? ")" : "");
	}
	if (s->bad)
		fprintf(f, "  %llu malformed records skipped\n",
			(unsigned long long)s->bad);
	fclose(f);
	return buf;
}

/* "key":n,... of a count table. */
static void json_counts(FILE *f, const struct summary_count *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%s", i ? "," : "");
		json_quote(f, v[i].key);
		fprintf(f, ":%llu", (unsigned long long)v[i].n);
	}
}

/* "label":{"key":n,...} of one vCPU's table, after a comma if @comma. */
static void json_vcpu_counts(FILE *f, bool comma, const char *label,
			     const struct summary_count *v, size_t n)
{
	fprintf(f, "%s", comma ? "," : "");
	json_quote(f, label);
	fprintf(f, ":{");
	json_counts(f, v, n);
	fprintf(f, "}");
}

char *summary_format_json(const struct trace_summary *s,
			  const struct trace_stats *st)
{
	char *buf = NULL;
	size_t len = 0, i, k, n;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f,
		"{\"summary\":{\"events\":%llu,\"produced\":%llu,"
		"\"drops\":%llu,\"malformed\":%llu,\"lost\":{",
		(unsigned long long)s->total, (unsigned long long)st->events,
		(unsigned long long)st->drops, (unsigned long long)s->bad);
	for (i = 0; i < TRACE_LOSS_MAX; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", trace_loss_name(i),
			(unsigned long long)st->lost[i]);
	fprintf(f, "},\"by_class\":{");
	for (i = 0; i < 5; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "",
			event_class_name(class_bits[i]),
			(unsigned long long)s->by_class[i]);
	fprintf(f, "},\"by_kind\":{");
	for (i = 0, k = 0; i < ISOLENS_EV_MAX; i++) {
		if (!s->by_kind[i] || !event_kind_name(i))
			continue;
		fprintf(f, "%s\"%s\":%llu", k++ ? "," : "", event_kind_name(i),
			(unsigned long long)s->by_kind[i]);
	}
	fprintf(f, "},\"by_context\":{");
	json_counts(f, s->by_ctx, s->nctx);
	fprintf(f, "},\"exits\":{");
	for (i = 0; i < s->nvcpus; i++)
		json_vcpu_counts(f, i, s->vcpus[i].label, s->vcpus[i].reasons,
				 s->vcpus[i].nreasons);
	fprintf(f, "},\"to_vmm\":{");
	for (i = 0, n = 0; i < s->nvcpus; i++) {
		const struct summary_vcpu *v = &s->vcpus[i];

		if (v->to_vmm)
			json_vcpu_counts(f, n++, v->label, v->vmm_reasons,
					 v->nvmm_reasons);
	}
	fprintf(f, "}}}");
	fclose(f);
	return buf;
}

void summary_free(struct trace_summary *s)
{
	size_t i;

	for (i = 0; i < s->nvcpus; i++) {
		free(s->vcpus[i].reasons);
		free(s->vcpus[i].vmm_reasons);
	}
	free(s->vcpus);
	free(s->by_ctx);
	memset(s, 0, sizeof(*s));
}
