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

/* sample_report() with the io workload's I/O, numbers as recorded in the
 * lab VM: the container's dd and cat, the VMM's I/O thread. */
static struct report *io_report(void)
{
	struct report *r = sample_report();
	struct report_side *c = &r->side[REPORT_SIDE_CTR];
	struct report_side *v = &r->side[REPORT_SIDE_VM];

	c->sys[0] = 520; /* read */
	c->sys[1] = 262; /* write */
	c->sys[74] = 1; /* fsync */
	c->sys[40] = 3; /* sendfile */
	v->sys[0] = 150; /* read: eventfds */
	v->sys[1] = 900; /* write: console, irqfd */
	v->sys[295] = 260; /* preadv */
	v->sys[296] = 150; /* pwritev */
	v->sys[17] = 2; /* pread64 */
	v->sys[75] = 20; /* fdatasync */
	v->user_exits[6] = 209; /* KVM_EXIT_MMIO */
	v->nr_disks = 1;
	v->disk.requests = 416;
	v->disk.read_bytes = 18 << 20;
	v->disk.written_bytes = 17 << 20;
	v->disk.flushes = 20;
	v->disk.notifies = 300;
	v->disk.irqs = 299;
	v->disk_ioeventfd = true;
	return r;
}

static const struct report_row *find_row(const struct report_row *rows, int n,
					 const char *label)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].label, label))
			return &rows[i];
	return NULL;
}

static void check_row(const struct report_row *rows, int n, const char *label,
		      const char *ctr, const char *vm)
{
	const struct report_row *x = find_row(rows, n, label);

	if (!x)
		printf("#   no row '%s'\n", label);
	CHECK(x != NULL);
	if (!x)
		return;
	CHECK_STR(x->v[0], ctr);
	CHECK_STR(x->v[1], vm);
}

static void test_disk_rows(void)
{
	struct report *r = io_report();
	struct report_row rows[REPORT_MAX_ROWS];
	int n = report_rows(r, rows, REPORT_MAX_ROWS);

	CHECK(n < REPORT_MAX_ROWS);
	CHECK(find_row(rows, n, "Disk I/O (what the files cost the host)") !=
	      NULL);
	check_row(rows, n, "/ and /tmp are",
		  "host rootfs (read-only), host tmpfs",
		  "guest ext4 on virtio-blk /dev/vda");
	check_row(rows, n, "virtio-blk requests (errors)", "-", "416 (0)");
	check_row(rows, n, "  bytes read | written", "-",
		  "18.0 MiB | 17.0 MiB");
	check_row(rows, n, "  flushes", "-", "20");
	check_row(rows, n, "  doorbells | interrupts injected", "-",
		  "300 | 299");
	check_row(rows, n, "  doorbells arrived as", "-",
		  "ioeventfd signals from KVM, no VMM exit");
	check_row(rows, n, "  MMIO exits to VMM (all devices)", "-", "209");
	check_row(rows, n, "read syscalls into host", "520 (read 520)",
		  "412 by the VMM (read 150, pread64 2, preadv 260)");
	check_row(rows, n, "write syscalls into host", "262 (write 262)",
		  "1050 by the VMM (write 900, pwritev 150)");
	check_row(rows, n, "fsync-family syscalls into host", "1 (fsync 1)",
		  "20 by the VMM (fdatasync 20)");
	check_row(rows, n, "copy syscalls (sendfile, splice)", "3 (sendfile 3)",
		  "0 by the VMM");

	/* no disk stats, no copies: "-" for the VM's disk, no copy row */
	r->side[REPORT_SIDE_VM].nr_disks = 0;
	r->side[REPORT_SIDE_CTR].sys[40] = 0;
	n = report_rows(r, rows, REPORT_MAX_ROWS);
	check_row(rows, n, "/ and /tmp are",
		  "host rootfs (read-only), host tmpfs", "-");
	check_row(rows, n, "virtio-blk requests (errors)", "-", "-");
	check_row(rows, n, "  bytes read | written", "-", "-");
	check_row(rows, n, "  doorbells arrived as", "-", "-");
	CHECK(find_row(rows, n, "copy syscalls (sendfile, splice)") == NULL);
	free(r);
}

static void test_disk_conclusion(void)
{
	struct report *r = io_report();

	report_conclude(r);
	CHECK(strstr(r->conclusion,
		     "416 virtio-blk requests (17.0 MiB written, 18.0 MiB read, 20 flushes), announced by 300 doorbells that KVM turned into ioeventfd signals") !=
	      NULL);
	CHECK(strstr(r->conclusion,
		     "answered by 299 interrupts; the VMM made 412 read-, 1050 write- and 20 fsync-family syscalls") !=
	      NULL);
	CHECK(strstr(r->conclusion,
		     "The container's 520 read-, 262 write- and 1 fsync-family syscalls") !=
	      NULL);
	r->side[REPORT_SIDE_VM].nr_disks = 0;
	report_conclude(r);
	CHECK(strstr(r->conclusion, "virtio-blk") == NULL);
	free(r);
}

static void test_disk_json(void)
{
	struct report *r = io_report();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_write_json(r, f);
	fclose(f);
	CHECK(strstr(buf,
		     "\"disk_io\":{\"files_on\":\"host-tmpfs\",\"syscalls\":{\"reads\":520,\"writes\":262,\"syncs\":1,\"copies\":3},\"disk\":null}}") !=
	      NULL);
	CHECK(strstr(buf,
		     "\"disk_io\":{\"files_on\":\"guest-ext4-virtio-blk\",\"syscalls\":{\"reads\":412,\"writes\":1050,\"syncs\":20,\"copies\":0},"
		     "\"disk\":{\"device\":\"/dev/vda\",\"requests\":416,\"read_bytes\":18874368,\"written_bytes\":17825792,\"flushes\":20,\"errors\":0,"
		     "\"doorbells\":300,\"doorbells_via\":\"ioeventfd\",\"irqs\":299,\"needs_reset\":false},\"mmio_exits_to_vmm\":209}},") !=
	      NULL);
	free(buf);

	/* a VM without disk stats: files_on and disk null */
	r->side[REPORT_SIDE_VM].nr_disks = 0;
	buf = NULL;
	f = open_memstream(&buf, &len);
	report_write_json(r, f);
	fclose(f);
	CHECK(strstr(buf,
		     "\"disk_io\":{\"files_on\":null,\"syscalls\":{\"reads\":412,") !=
	      NULL);
	CHECK(strstr(buf, "\"disk\":null,\"mmio_exits_to_vmm\":209}") != NULL);
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
	RUN(test_disk_rows);
	RUN(test_disk_conclusion);
	RUN(test_disk_json);
	RUN(test_hot_paths);
	RUN(test_hot_paths_table_full);
	UNIT_DONE();
}
