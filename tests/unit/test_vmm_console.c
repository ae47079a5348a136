// SPDX-License-Identifier: GPL-2.0
/*
 * The console writer (tools/lib/vmm/console.c): guest output reaches the
 * fd, a reader that never reads stalls only the writer thread, and the end
 * of a run does not wait for it longer than the grace period.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "unit.h"
#include "vmm/console.h"

static int ready_calls;

static void ready(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&ready_calls, 1, __ATOMIC_SEQ_CST);
}

static void test_output_reaches_the_fd(void)
{
	struct console_out c;
	struct errbuf eb = { 0 };
	char buf[16] = "";
	int p[2];

	CHECK_EQ(pipe(p), 0);
	console_out_init(&c, p[1], ready, NULL);
	CHECK_EQ(console_out_start(&c, &eb), 0);
	CHECK(console_out_put(&c, 'h'));
	CHECK(console_out_put(&c, 'i'));
	console_out_stop(&c, CONSOLE_OUT_GRACE_MS);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
	CHECK_STR(buf, "hi");
	CHECK_EQ(c.written, 2);
	CHECK_EQ(c.dropped, 0);
	console_out_destroy(&c);
	close(p[0]);
	close(p[1]);
}

/* A closed console loses output, as a serial cable would: no stall. */
static void test_closed_console_drops(void)
{
	struct console_out c;
	struct errbuf eb = { 0 };
	unsigned int i;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	close(p[0]);
	console_out_init(&c, p[1], ready, NULL);
	CHECK_EQ(console_out_start(&c, &eb), 0);
	for (i = 0; i < 3 * CONSOLE_OUT_SIZE; i++)
		if (!console_out_put(&c, 'x'))
			usleep(1000); /* the writer discards, then there is room */
	console_out_stop(&c, CONSOLE_OUT_GRACE_MS);
	CHECK_EQ(c.written, 0);
	CHECK(c.dropped > 0);
	console_out_destroy(&c);
	close(p[1]);
}

/*
 * Nobody reads: the pipe fills, the buffer fills, put() says so, and stop()
 * interrupts the writer's blocked write() after the grace period.  Once
 * the reader takes some, ready() says there is room again.
 */
static void test_stuck_reader(void)
{
	struct console_out c;
	struct errbuf eb = { 0 };
	static char sink[1 << 16];
	unsigned int i, taken = 0;
	uint64_t t0;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	ready_calls = 0;
	console_out_init(&c, p[1], ready, NULL);
	CHECK_EQ(console_out_start(&c, &eb), 0);
	/* full for good: still refused after the writer had time */
	for (i = 0; i < 10 * CONSOLE_OUT_SIZE; i++) {
		if (console_out_put(&c, 'y')) {
			taken++;
			continue;
		}
		usleep(50000);
		if (!console_out_put(&c, 'y'))
			break;
		taken++;
	}
	CHECK(taken >= CONSOLE_OUT_SIZE);
	CHECK(taken < 10 * CONSOLE_OUT_SIZE);
	__atomic_store_n(&ready_calls, 0, __ATOMIC_SEQ_CST);
	usleep(20000);
	CHECK_EQ(ready_calls, 0);

	/* the reader takes some: room again, and ready() says so */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (i = 0;
	     i < 2000 && !__atomic_load_n(&ready_calls, __ATOMIC_SEQ_CST);
	     i++) {
		if (read(p[0], sink, sizeof(sink)) < 0)
			usleep(1000);
	}
	CHECK_EQ(ready_calls, 1);

	/* fill it again and stop: bounded by the grace period */
	while (console_out_put(&c, 'z'))
		;
	usleep(20000);
	t0 = mono_ns();
	console_out_stop(&c, 200);
	CHECK((mono_ns() - t0) / 1000000 < 2000);
	CHECK((mono_ns() - t0) / 1000000 >= 200);
	CHECK(c.dropped > 0);
	CHECK_EQ(c.len, 0);
	console_out_destroy(&c);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	RUN(test_output_reaches_the_fd);
	RUN(test_closed_console_drops);
	RUN(test_stuck_reader);
	UNIT_DONE();
}
