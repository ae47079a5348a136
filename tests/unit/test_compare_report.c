// SPDX-License-Identifier: GPL-2.0
/* isolens compare's report: the syscall table, counting, the computed
 * conclusion and the JSON rendering. */
#include <stdlib.h>

#include "compare/report.h"
#include "unit.h"

static void test_syscall_table(void)
{
	CHECK_STR(syscall_name(0), "read");
	CHECK_STR(syscall_name(56), "clone");
	CHECK_STR(syscall_name(170), "sethostname");
	CHECK_STR(syscall_name(272), "unshare");
	CHECK_STR(syscall_name(435), "clone3");
	CHECK(syscall_name(400) == NULL); /* the gap before 424 */
	CHECK(syscall_name(SYSCALL_NR_MAX) == NULL);
	CHECK_EQ(syscall_category(0), SYSCALL_CAT_FILE);
	CHECK_EQ(syscall_category(9), SYSCALL_CAT_MEMORY); /* mmap */
	CHECK_EQ(syscall_category(41), SYSCALL_CAT_NET); /* socket */
	CHECK_EQ(syscall_category(202), SYSCALL_CAT_IPC); /* futex */
	CHECK_EQ(syscall_category(170), SYSCALL_CAT_NS);
	CHECK_EQ(syscall_category(155), SYSCALL_CAT_NS); /* pivot_root */
	CHECK_EQ(syscall_category(13), SYSCALL_CAT_SIGNAL); /* rt_sigaction */
	CHECK_EQ(syscall_category(228), SYSCALL_CAT_TIME); /* clock_gettime */
	CHECK_EQ(syscall_category(400), SYSCALL_CAT_OTHER);
	CHECK_STR(syscall_cat_name(SYSCALL_CAT_NS), "ns");
}

static void test_counts(void)
{
	static uint64_t sys[SYSCALL_NR_MAX];
	uint64_t cat[SYSCALL_CAT_MAX];

	sys[0] = 5;
	sys[1] = 3;
	sys[170] = 1;
	CHECK_EQ(report_sys_total(sys), 9);
	CHECK_EQ(report_sys_distinct(sys), 3);
	report_sys_by_cat(sys, cat);
	CHECK_EQ(cat[SYSCALL_CAT_FILE], 8);
	CHECK_EQ(cat[SYSCALL_CAT_NS], 1);
	CHECK_EQ(report_sys_count(sys, "sethostname"), 1);
	CHECK_EQ(report_sys_count(sys, "mmap"), 0);
}

static struct report *sample_report(void)
{
	struct report *r = calloc(1, sizeof(*r));
	struct report_side *c = &r->side[REPORT_SIDE_CTR];
	struct report_side *v = &r->side[REPORT_SIDE_VM];

	snprintf(r->host_release, sizeof(r->host_release), "6.1.0");
	c->ran = v->ran = true;
	c->start_ns = 1000000000;
	c->ready_ns = c->start_ns + 10000000; /* 10 ms */
	v->start_ns = 2000000000;
	v->ready_ns = v->start_ns + 2000000000ULL; /* 2 s */
	snprintf(c->uname, sizeof(c->uname), "6.1.0");
	snprintf(v->uname, sizeof(v->uname), "6.1.0");
	c->host_kernel = true;
	c->sys[0] = 40;
	c->sys[170] = 2;
	v->sys[16] = 300;
	v->kvm_exits = 1000;
	v->user_exits_total = 100;
	c->ns_ops = 1;
	c->cgroup_events = 3;
	c->cap_checks = 10;
	c->cap_denied = 2;
	return r;
}

static void test_conclusion_from_numbers(void)
{
	struct report *r = sample_report();

	report_conclude(r);
	CHECK(strstr(r->conclusion, "entered the host kernel 42 times") !=
	      NULL);
	CHECK(strstr(r->conclusion, "(2 distinct syscalls in 2 categories)") !=
	      NULL);
	CHECK(strstr(r->conclusion, "made 0 syscalls the host could see") !=
	      NULL);
	CHECK(strstr(r->conclusion,
		     "1000 VM exits, 90% absorbed inside KVM and 100 passed") !=
	      NULL);
	CHECK(strstr(r->conclusion, "300 syscalls of its own (1 distinct)") !=
	      NULL);
	CHECK(strstr(r->conclusion,
		     "1 namespace operation and 3 cgroup events") != NULL);
	CHECK(strstr(r->conclusion, "10 times and denied 2") != NULL);
	CHECK(strstr(r->conclusion, "ready in 10.0 ms, 200x faster") != NULL);
	/* different numbers, different text */
	r->side[REPORT_SIDE_CTR].sys[1] = 8;
	report_conclude(r);
	CHECK(strstr(r->conclusion, "entered the host kernel 50 times") !=
	      NULL);
	r->side[REPORT_SIDE_VM].ran = false;
	report_conclude(r);
	CHECK_STR(
		r->conclusion,
		"Only the container side ran, so there is nothing to compare.");
	free(r);
}

static void test_reasons_sorted(void)
{
	struct report_side *s = calloc(1, sizeof(*s));
	int i;

	report_add_reason(s, "io");
	for (i = 0; i < 3; i++)
		report_add_reason(s, "npf");
	report_add_reason(s, "hlt");
	report_add_reason(s, "hlt");
	report_sort_reasons(s);
	CHECK_EQ(s->nreasons, 3);
	CHECK_STR(s->reasons[0].name, "npf");
	CHECK_EQ(s->reasons[0].n, 3);
	CHECK_STR(s->reasons[1].name, "hlt");
	CHECK_STR(s->reasons[2].name, "io");
	free(s);
}

static void test_json_shape(void)
{
	struct report *r = sample_report();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_conclude(r);
	report_write_json(r, f);
	fclose(f);
	CHECK(strncmp(buf, "{\"schema\":\"isolens-compare/1\",", 30) == 0);
	CHECK(strstr(buf, "\"by_name\":{\"read\":40,\"sethostname\":2}") !=
	      NULL);
	CHECK(strstr(buf,
		     "\"exits\":{\"total\":1000,\"in_kernel\":900,\"to_vmm\":100,") !=
	      NULL);
	CHECK(strstr(buf, "\"cgroup_memory_peak_bytes\":0,") != NULL);
	CHECK(strstr(buf, "\"startup_ms\":10.000,") != NULL);
	free(buf);
	free(r);
}

/* A fake kallsyms: 0x1000.. is "alpha", 0x2000.. "beta", else "gamma". */
static void fake_sym(void *ctx, uint64_t ip, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "%s+0x%llx [kvm]",
		 ip >> 12 == 1 ? "alpha" :
		 ip >> 12 == 2 ? "beta" :
				 "gamma",
		 (unsigned long long)(ip & 0xfff));
}

static void test_hot_paths(void)
{
	static const uint64_t a[] = { 0x1010, 0x3000, 0x3100 };
	static const uint64_t b[] = { 0x2020, 0x3000 };
	static const uint64_t c[] = { 0x1020,
				      0x3000 }; /* alpha, other offset */
	static const uint64_t deep[10] = { 0x2000 };
	struct report_side s = { 0 };
	int i;

	CHECK_EQ(report_hot_init(&s), 0);
	for (i = 0; i < 5; i++)
		report_add_stack(&s, 45, "kvm_pio", a, 3);
	for (i = 0; i < 3; i++)
		report_add_stack(&s, 43, "kvm_exit", b, 2);
	report_add_stack(&s, 45, "kvm_pio", c, 2);
	report_add_stack(&s, 43, "kvm_exit", a, 0); /* no frames: ignored */
	report_add_stack(&s, 43, "kvm_exit", deep, 10); /* cut to the depth */
	CHECK_EQ(s.stacks_seen, 10);
	CHECK_EQ(report_hot_name(&s, fake_sym, NULL), 0);
	CHECK_EQ(s.distinct_stacks, 4);
	/* functions: by the innermost frame, offsets merged */
	CHECK_EQ(s.nhot_funcs, 2);
	CHECK_STR(s.hot_funcs[0].func, "alpha");
	CHECK_EQ(s.hot_funcs[0].n, 6);
	CHECK_STR(s.hot_funcs[1].func, "beta");
	CHECK_EQ(s.hot_funcs[1].n, 4);
	/* stacks: the most frequent first, every frame named */
	CHECK_EQ(s.nhot_stacks, 3);
	CHECK_STR(s.hot_stacks[0].checkpoint, "kvm_pio");
	CHECK_EQ(s.hot_stacks[0].n, 5);
	CHECK_EQ(s.hot_stacks[0].nr, 3);
	CHECK_STR(s.hot_stacks[0].frames[1], "gamma");
	CHECK_EQ(s.hot_stacks[1].n, 3);
	report_hot_free(&s);
}

static void test_hot_paths_table_full(void)
{
	struct report_side s = { 0 };
	uint64_t ip;

	CHECK_EQ(report_hot_init(&s), 0);
	for (ip = 1; ip <= REPORT_MAX_STACKS + 10; ip++)
		report_add_stack(&s, 20, "cap_check", &ip, 1);
	CHECK_EQ(s.stacks_seen, REPORT_MAX_STACKS + 10);
	CHECK_EQ(s.stacks_lost, 10);
	report_hot_free(&s);
}

int main(void)
{
	RUN(test_syscall_table);
	RUN(test_counts);
	RUN(test_conclusion_from_numbers);
	RUN(test_reasons_sorted);
	RUN(test_json_shape);
	RUN(test_hot_paths);
	RUN(test_hot_paths_table_full);
	UNIT_DONE();
}
