// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare --perfetto: the Chrome trace-event JSON format, which
 * ui.perfetto.dev and chrome://tracing open.  Process 1 is the container,
 * process 2 the micro-VM; both on one clock (CLOCK_MONOTONIC since t0).
 */
#include <stdio.h>

#include "base/json.h"
#include "compare/report.h"

static double us(const struct report *r, uint64_t ts)
{
	return ts > r->t0_ns ? (ts - r->t0_ns) / 1e3 : 0;
}

static void span(FILE *out, const struct report *r, int side, const char *name,
		 uint64_t from, uint64_t to)
{
	if (!from || to < from)
		return;
	fprintf(out,
		",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":1,\"name\":\"%s\",\"ts\":%.3f,\"dur\":%.3f}",
		side + 1, name, us(r, from), (to - from) / 1e3);
}

void report_write_perfetto(const struct report *r, FILE *out)
{
	static const char *const names[2] = { "container", "micro-VM" };
	int i;

	fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", out);
	fputs("{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"isolens compare\"}}",
	      out);
	for (i = 0; i < 2; i++) {
		const struct report_side *s = &r->side[i];

		fprintf(out,
			",\n{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":\"%s\"}}",
			i + 1, names[i]);
		fprintf(out,
			",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"lifecycle\"}}",
			i + 1);
		span(out, r, i, "run", s->start_ns, s->end_ns);
		span(out, r, i,
		     i ? "boot to init marker" : "start to first exec",
		     s->start_ns, s->ready_ns);
	}
	for (i = 0; i < r->nmarks; i++) {
		const struct report_mark *m = &r->marks[i];

		if (m->counter) {
			fprintf(out,
				",\n{\"ph\":\"C\",\"pid\":%d,\"name\":\"%s\",\"ts\":%.3f,\"args\":{\"n\":%lld}}",
				m->side + 1, m->name, us(r, m->ts_ns),
				(long long)m->value);
			continue;
		}
		fprintf(out,
			",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":2,\"name\":\"",
			m->side + 1);
		json_escape(out, m->name);
		fprintf(out, "\",\"ts\":%.3f,\"args\":{\"detail\":\"",
			us(r, m->ts_ns));
		json_escape(out, m->detail);
		fputs("\"}}", out);
	}
	fputs("\n]}\n", out);
}
