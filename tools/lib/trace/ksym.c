// SPDX-License-Identifier: GPL-2.0
/* Kernel stack symbolization from /proc/kallsyms, with libdwfl lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdwfl.h>

#include "base/util.h"
#include "trace/ksym.h"

struct ksym {
	uint64_t addr;
	char *name; /* "name" or "name [mod]" */
};

struct ksyms {
	struct ksym *v;
	size_t n;
	Dwfl *dwfl; /* NULL without a debug vmlinux */
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const Dwfl_Callbacks kernel_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.find_elf = dwfl_linux_kernel_find_elf,
	.section_address = dwfl_linux_kernel_module_section_address,
};

/*
 * libdwfl looks for vmlinux (with or without DWARF) under /boot,
 * /lib/modules/$(uname -r) and /usr/lib/debug; addresses still resolve to
 * names through kallsyms when it finds nothing.
 */
static Dwfl *dwfl_kernel(void)
{
	Dwfl *d = dwfl_begin(&kernel_callbacks);

	if (!d)
		return NULL;
	if (dwfl_linux_kernel_report_kernel(d) ||
	    dwfl_report_end(d, NULL, NULL)) {
		dwfl_end(d);
		return NULL;
	}
	return d;
}

int ksyms_open(struct ksyms **out, struct errbuf *eb)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct ksyms *k;
	char line[512];
	size_t cap = 0;
	bool nonzero = false;

	*out = NULL;
	if (!f)
		return errbuf_errno(eb, errno, "/proc/kallsyms");
	k = calloc(1, sizeof(*k));
	if (!k) {
		fclose(f);
		return errbuf_errno(eb, ENOMEM, "kallsyms");
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256], mod[128] = "";
		int n = sscanf(line, "%llx %c %255s %127s", &addr, &type, name,
			       mod);

		if (n < 3 ||
		    !(type == 't' || type == 'T' || type == 'w' || type == 'W'))
			continue;
		if (addr)
			nonzero = true;
		if (k->n == cap) {
			struct ksym *nv;

			cap = cap ? cap * 2 : 65536;
			nv = realloc(k->v, cap * sizeof(*nv));
			if (!nv)
				break;
			k->v = nv;
		}
		k->v[k->n].addr = addr;
		if (n == 4) {
			char full[400];

			snprintf(full, sizeof(full), "%s %s", name, mod);
			k->v[k->n].name = strdup(full);
		} else {
			k->v[k->n].name = strdup(name);
		}
		if (k->v[k->n].name)
			k->n++;
	}
	fclose(f);
	if (!nonzero) {
		ksyms_close(k);
		return errbuf_set(
			eb, EPERM,
			"/proc/kallsyms shows no addresses (kptr_restrict; run as root)");
	}
	qsort(k->v, k->n, sizeof(*k->v), ksym_cmp);
	k->dwfl = dwfl_kernel();
	*out = k;
	return 0;
}

void ksyms_close(struct ksyms *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
	if (k->dwfl)
		dwfl_end(k->dwfl);
	free(k);
}

int ksyms_has_lines(const struct ksyms *k)
{
	Dwfl_Module *m;
	Dwarf_Addr bias;

	if (!k->dwfl || !k->n)
		return 0;
	m = dwfl_addrmodule(k->dwfl, k->v[k->n / 2].addr);
	return m && dwfl_module_getdwarf(m, &bias) != NULL;
}

static const struct ksym *ksym_find(const struct ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &k->v[lo - 1] : NULL;
}

/* Beyond this distance from a symbol, an address is not in it. */
#define KSYM_MAX_OFFSET 0x100000

size_t ksyms_skip_tracing(struct ksyms *k, const __u64 *ip, size_t n)
{
	static const char *const glue[] = {
		"__traceiter_",	    "bpf_trace_run",  "__bpf_trace_",
		"perf_trace_",	    "trace_call_bpf", "bpf_prog_",
		"__bpf_prog_enter", "kprobe_",	      "__kretprobe_",
		"arch_rethook",	    "bpf_trampoline",
	};
	size_t i, g, first = 0;

	/* the glue is at the top; look no deeper than a few frames */
	for (i = 0; i < n && i < 8; i++) {
		const struct ksym *s = ksym_find(k, ip[i]);

		if (!s || ip[i] - s->addr > KSYM_MAX_OFFSET) {
			first = i + 1; /* a JITed BPF program loaded later */
			continue;
		}
		for (g = 0; g < ARRAY_SIZE(glue); g++)
			if (!strncmp(s->name, glue[g], strlen(glue[g])))
				first = i + 1;
	}
	return first < n ? first : 0;
}

int ksyms_format(struct ksyms *k, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ksym_find(k, addr);
	int n;

	if (!s || addr - s->addr > KSYM_MAX_OFFSET)
		return snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	n = snprintf(buf, len, "%s+0x%llx", s->name,
		     (unsigned long long)(addr - s->addr));
	if (k->dwfl && n >= 0 && (size_t)n < len) {
		Dwfl_Module *m = dwfl_addrmodule(k->dwfl, addr);
		/* a return address: the call is the byte before it */
		Dwfl_Line *l = m ? dwfl_module_getsrc(m, addr - 1) : NULL;
		const char *file;
		int lineno;

		if (l && (file = dwfl_lineinfo(l, NULL, &lineno, NULL, NULL,
					       NULL))) {
			const char *base = strrchr(file, '/');

			n += snprintf(buf + n, len - n, " (%s:%d)",
				      base ? base + 1 : file, lineno);
		}
	}
	return n;
}
