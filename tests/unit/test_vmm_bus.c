// SPDX-License-Identifier: GPL-2.0
/* Port/MMIO dispatch: bounds, overlap, unknown and malformed accesses. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmm/bus.h"
#include "vmm/ports.h"

static uint64_t last_off;
static unsigned int calls;

static void dev(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		unsigned int size)
{
	(void)opaque;
	(void)is_write;
	last_off = offset;
	calls++;
	if (!is_write)
		memset(data, 0x42, size);
}

static void test_register(void)
{
	struct bus b;
	struct errbuf eb = { 0 };

	bus_init(&b, "port", PORT_LIMIT);
	CHECK_EQ(bus_register(&b, 0x3f8, 8, "uart", dev, NULL, &eb), 0);
	CHECK_EQ(bus_register(&b, 0x3fc, 8, "overlap", dev, NULL, &eb),
		 -EINVAL);
	CHECK(strstr(eb.msg, "overlaps uart") != NULL);
	CHECK_EQ(bus_register(&b, 0xfffe, 4, "past end", dev, NULL, &eb),
		 -EINVAL);
	CHECK_EQ(bus_register(&b, 0x10, 0, "empty", dev, NULL, &eb), -EINVAL);
	CHECK_EQ(bus_register(&b, 0x3f0, 8, "adjacent", dev, NULL, &eb), 0);
}

static void test_dispatch(void)
{
	struct bus b;
	uint8_t d[8];

	bus_init(&b, "port", PORT_LIMIT);
	bus_register(&b, 0x3f8, 8, "uart", dev, NULL, NULL);
	calls = 0;
	CHECK_STR(bus_access(&b, 0x3fd, false, d, 1), "uart");
	CHECK_EQ(last_off, 5);
	CHECK_EQ(d[0], 0x42);
	/* straddling the end of a device: nobody owns it */
	CHECK(bus_access(&b, 0x3fe, false, d, 4) == NULL);
	CHECK_EQ(d[0], 0xff);
	CHECK_EQ(d[3], 0xff);
	CHECK(bus_access(&b, 0x1234, true, d, 1) == NULL);
	CHECK(bus_access(&b, 0xffff, true, d, 2) == NULL);
	CHECK(bus_access(&b, 0x3f8, true, d, 0) == NULL);
	CHECK(bus_access(&b, 0x3f8, true, d, 9) == NULL);
	CHECK_EQ(calls, 1);
	CHECK_EQ(b.handled, 1);
	CHECK_EQ(b.unknown, 3);
	CHECK_EQ(b.invalid, 2);
}

/* A kvm_run page with a malformed IO exit: never read outside it. */
static void test_port_exit_bounds(void)
{
	size_t run_size = 4096;
	struct kvm_run *run = calloc(1, run_size);
	struct vmm_exit ex;
	struct bus b;

	bus_init(&b, "port", PORT_LIMIT);
	bus_register(&b, 0x3f8, 8, "uart", dev, NULL, NULL);

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.port = 0x3f8;
	run->io.size = 1;
	run->io.count = 3;
	run->io.data_offset = 4096 - 3;
	memset(&ex, 0, sizeof(ex));
	calls = 0;
	port_exit_handle(&b, run, run_size, &ex);
	CHECK_EQ(calls, 3);
	CHECK_STR(ex.handler, "uart");

	run->io.data_offset = 4096 - 2; /* 3 bytes would run past the page */
	memset(&ex, 0, sizeof(ex));
	port_exit_handle(&b, run, run_size, &ex);
	CHECK_STR(ex.handler, "malformed exit: ignored");
	run->io.data_offset = 0xffffffffffffull;
	port_exit_handle(&b, run, run_size, &ex);
	run->io.data_offset = 64;
	run->io.size = 3;
	port_exit_handle(&b, run, run_size, &ex);
	run->io.size = 4;
	run->io.count = 0x40000001; /* size * count wraps 32 bits */
	port_exit_handle(&b, run, run_size, &ex);
	CHECK_EQ(calls, 3);
	CHECK_EQ(b.invalid, 4);
	free(run);
}

static void test_mmio_exit(void)
{
	struct kvm_run run;
	struct vmm_exit ex;
	struct bus b;

	memset(&run, 0, sizeof(run));
	bus_init(&b, "mmio", UINT64_MAX);
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = 0xd0000;
	run.mmio.len = 4;
	run.mmio.is_write = 0;
	memset(&ex, 0, sizeof(ex));
	mmio_exit_handle(&b, &run, &ex);
	CHECK_EQ(ex.data, 0xffffffff);
	CHECK_EQ(b.unknown, 1);
	run.mmio.len = 9;
	mmio_exit_handle(&b, &run, &ex);
	run.mmio.len = 0;
	mmio_exit_handle(&b, &run, &ex);
	CHECK_EQ(b.invalid, 2);
	run.mmio.len = 8;
	run.mmio.phys_addr = UINT64_MAX - 3; /* wraps */
	mmio_exit_handle(&b, &run, &ex);
	CHECK_EQ(b.unknown, 2);
}

int main(void)
{
	RUN(test_register);
	RUN(test_dispatch);
	RUN(test_port_exit_bounds);
	RUN(test_mmio_exit);
	UNIT_DONE();
}
