// SPDX-License-Identifier: GPL-2.0
/*
 * isolens compare --html: one self-contained file (inline CSS and SVG, no
 * scripts, nothing fetched) with the side-by-side table, bar charts of the
 * VM's exit reasons and of both sides' syscalls by category, both
 * timelines, and the conclusion.
 */
#include <stdio.h>
#include <string.h>

#include "compare/report.h"

static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

struct bar {
	const char *label;
	uint64_t v[2];
};

/* Horizontal bars; nv values per bar (1 or 2 series). */
static void bars(FILE *out, const char *title, const struct bar *b, int n,
		 int nv, const char *const *series)
{
	static const char *const color[2] = { "#2b7bb9", "#d9822b" };
	const int lw = 170, bw = 420, bh = 14, gap = 6;
	int i, j, y, h = 40 + n * (nv * bh + gap);
	uint64_t max = 1;

	for (i = 0; i < n; i++)
		for (j = 0; j < nv; j++)
			if (b[i].v[j] > max)
				max = b[i].v[j];
	fprintf(out, "<h2>");
	esc(out, title);
	fprintf(out,
		"</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
		lw + bw + 90, h);
	for (j = 0; j < nv; j++)
		fprintf(out,
			"<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"14\">%s</text>\n",
			lw + j * 160, color[j], lw + 16 + j * 160, series[j]);
	y = 28;
	for (i = 0; i < n; i++) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			lw - 6, y + bh * nv / 2 + 4);
		esc(out, b[i].label);
		fputs("</text>\n", out);
		for (j = 0; j < nv; j++, y += bh) {
			int w = (int)(b[i].v[j] * (double)bw / max);

			fprintf(out,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%llu</text>\n",
				lw, y, w, bh - 2, color[j], lw + w + 4,
				y + bh - 4, (unsigned long long)b[i].v[j]);
		}
		y += gap;
	}
	fputs("</svg>\n", out);
}

static void timeline(FILE *out, const struct report *r)
{
	static const char *const lane[2] = { "container", "micro-VM" };
	const int lw = 90, w = 600;
	uint64_t t_end = r->t0_ns + 1;
	double scale;
	int i;

	for (i = 0; i < 2; i++)
		if (r->side[i].end_ns > t_end)
			t_end = r->side[i].end_ns;
	scale = w / (double)(t_end - r->t0_ns);
	fprintf(out,
		"<h2>Timelines (%.2f s; ticks: exec, namespace, cgroup, marker)</h2>\n",
		(t_end - r->t0_ns) / 1e9);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"110\" role=\"img\">\n",
		lw + w + 20);
	for (i = 0; i < 2; i++) {
		const struct report_side *s = &r->side[i];
		int y = 20 + i * 45;
		double x0 = lw + (s->start_ns - r->t0_ns) * scale;
		double x1 = lw + (s->end_ns - r->t0_ns) * scale;
		double xr = lw + (s->ready_ns - r->t0_ns) * scale;

		if (!s->ran || !s->start_ns)
			continue;
		fprintf(out, "<text x=\"0\" y=\"%d\">%s</text>\n", y + 14,
			lane[i]);
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#ddd\"/>\n",
			x0, y, x1 > x0 ? x1 - x0 : 1);
		if (s->ready_ns > s->start_ns)
			fprintf(out,
				"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"><title>start-up %.1f ms</title></rect>\n",
				x0, y, xr - x0 > 1 ? xr - x0 : 1,
				i ? "#f0b27a" : "#85c1e9",
				(s->ready_ns - s->start_ns) / 1e6);
	}
	for (i = 0; i < r->nmarks; i++) {
		const struct report_mark *m = &r->marks[i];
		double x = lw + (m->ts_ns - r->t0_ns) * scale;
		int y = 20 + m->side * 45;

		if (m->counter || m->ts_ns < r->t0_ns)
			continue;
		fprintf(out,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"><title>",
			x, x, y + 20, y + 28);
		esc(out, m->name);
		fputc(' ', out);
		esc(out, m->detail);
		fputs("</title></line>\n", out);
	}
	fputs("</svg>\n", out);
}

static void hot_html(const struct report *r, FILE *out)
{
	static const char *const who[2] = { "container", "micro-VM" };
	int i, s, rows = 0;
	uint32_t f;

	for (s = 0; s < 2; s++)
		if (r->side[s].nhot_funcs > rows)
			rows = r->side[s].nhot_funcs;
	if (!rows)
		return;
	fputs("<h2>Where isolation happened</h2>\n<p>Kernel functions where each side's isolation checkpoints were "
	      "met (container: namespace, cgroup, capability and limit events; micro-VM: KVM exits and their "
	      "handlers), from the kernel stack of every checkpoint.</p>\n<table>\n<tr>",
	      out);
	for (s = 0; s < 2; s++)
		fprintf(out, "<th>%s (%llu stacks)</th><th>count</th>", who[s],
			(unsigned long long)r->side[s].stacks_seen);
	fputs("</tr>\n", out);
	for (i = 0; i < rows; i++) {
		fputs("<tr>", out);
		for (s = 0; s < 2; s++) {
			const struct report_side *sd = &r->side[s];

			if (i >= sd->nhot_funcs) {
				fputs("<td></td><td></td>", out);
				continue;
			}
			fputs("<td><code>", out);
			esc(out, sd->hot_funcs[i].func);
			fprintf(out, "</code></td><td>%llu</td>",
				(unsigned long long)sd->hot_funcs[i].n);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<pre>", out);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < r->side[s].nhot_stacks; i++) {
			const struct report_hot_stack *hs =
				&r->side[s].hot_stacks[i];

			fprintf(out, "%s, ", who[s]);
			esc(out, hs->checkpoint);
			fprintf(out, " x%llu:\n", (unsigned long long)hs->n);
			for (f = 0; f < hs->nr; f++) {
				fputs("    ", out);
				esc(out, hs->frames[f]);
				fputc('\n', out);
			}
		}
	}
	fputs("</pre>\n", out);
}

void report_write_html(const struct report *r, FILE *out)
{
	static const char *const both[2] = { "container payload",
					     "VMM process" };
	static const char *const one[1] = { "VM exits" };
	const struct report_side *v = &r->side[REPORT_SIDE_VM];
	struct report_row rows[REPORT_MAX_ROWS];
	struct bar b[REPORT_MAX_REASONS > SYSCALL_CAT_MAX ? REPORT_MAX_REASONS :
							    SYSCALL_CAT_MAX];
	uint64_t cat[2][SYSCALL_CAT_MAX];
	int i, n = report_rows(r, rows, REPORT_MAX_ROWS);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>isolens compare</title>\n"
	      "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;font-size:16px}"
	      "table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}"
	      "th.sec{background:#eef;font-size:110%}svg text{font-size:12px;font-family:sans-serif}"
	      ".concl{background:#f6f6e8;padding:1em;border-left:4px solid #aa4}</style>\n</head><body>\n",
	      out);
	fputs("<h1>isolens compare: ", out);
	esc(out, r->workload[0] ? r->workload : "custom command");
	fputs("</h1>\n<p>Command: <code>", out);
	esc(out, r->command);
	fputs("</code>; host kernel <code>", out);
	esc(out, r->host_release);
	fputs("</code></p>\n<table>\n<tr><th></th><th>container</th><th>micro-VM</th></tr>\n",
	      out);
	for (i = 0; i < n; i++) {
		if (rows[i].heading) {
			fputs("<tr><th class=\"sec\" colspan=\"3\">", out);
			esc(out, rows[i].label);
			fputs("</th></tr>\n", out);
			continue;
		}
		fputs("<tr><td>", out);
		esc(out, rows[i].label);
		fputs("</td><td>", out);
		esc(out, rows[i].v[0]);
		fputs("</td><td>", out);
		esc(out, rows[i].v[1]);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	hot_html(r, out);
	fputs("<h2>Conclusion</h2>\n<p class=\"concl\">", out);
	esc(out, r->conclusion);
	fputs("</p>\n", out);

	report_sys_by_cat(r->side[REPORT_SIDE_CTR].sys, cat[0]);
	report_sys_by_cat(v->sys, cat[1]);
	for (i = 0; i < SYSCALL_CAT_MAX; i++) {
		b[i].label = syscall_cat_name(i);
		b[i].v[0] = cat[0][i];
		b[i].v[1] = cat[1][i];
	}
	bars(out, "Syscalls that entered the host kernel, by category", b,
	     SYSCALL_CAT_MAX, 2, both);
	for (i = 0; i < v->nreasons; i++) {
		b[i].label = v->reasons[i].name;
		b[i].v[0] = v->reasons[i].n;
	}
	bars(out, "VM exits by reason (kvm_exit)", b, v->nreasons, 1, one);
	timeline(out, r);
	fputs("<p>Generated by isolens compare. Numbers: see docs/compare.md.</p>\n</body></html>\n",
	      out);
}
