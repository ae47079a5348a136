// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: port and MMIO dispatch and the device models (UART,
 * i8042, CMOS), driven the way KVM would drive them: each 16-byte record
 * of the input becomes one KVM_EXIT_IO or KVM_EXIT_MMIO in a kvm_run page
 * whose size, count and data_offset fields the fuzzer controls.
 */
#include <linux/kvm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/bus.h"
#include "vmm/devices.h"
#include "vmm/ports.h"
#include "vmm/serial.h"

#define RUN_SIZE 4096

static bool tx(void *ctx, uint8_t b)
{
	(void)ctx;
	return b & 1; /* a sink that is sometimes full */
}

static void irq(void *ctx, int level)
{
	(void)ctx;
	(void)level;
}

static void reset(void *ctx)
{
	(void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvm_run *run;
	struct serial uart;
	struct i8042 kbd;
	struct cmos rtc;
	struct bus ports, mmio;
	struct vmm_exit ex;
	size_t i;

	if (!run)
		run = aligned_alloc(4096, RUN_SIZE);
	bus_init(&ports, "port", PORT_LIMIT);
	bus_init(&mmio, "mmio", UINT64_MAX);
	serial_init(&uart, tx, irq, NULL);
	i8042_init(&kbd, reset, NULL);
	cmos_init(&rtc);
	bus_register(&ports, SERIAL_COM1_BASE, SERIAL_NR_REGS, "uart",
		     serial_access, &uart, NULL);
	bus_register(&ports, I8042_DATA_PORT, 1, "kbd", i8042_data_access, &kbd,
		     NULL);
	bus_register(&ports, I8042_CMD_PORT, 1, "kbdc", i8042_cmd_access, &kbd,
		     NULL);
	bus_register(&ports, CMOS_PORT, 2, "rtc", cmos_access, &rtc, NULL);
	bus_register(&mmio, 0xd0000, 8, "uart-mmio", serial_access, &uart,
		     NULL);

	for (i = 0; i + 16 <= size; i += 16) {
		const uint8_t *r = data + i;

		memset(&ex, 0, sizeof(ex));
		memset(run, 0, sizeof(*run));
		if (r[0] & 1) {
			run->exit_reason = KVM_EXIT_IO;
			run->io.direction = (r[0] >> 1) & 1;
			run->io.size = r[1];
			/* mostly the ports that exist, sometimes anything */
			run->io.port = (r[0] & 4) ?
					       (uint16_t)(r[2] | r[3] << 8) :
					       (uint16_t)(0x3f8 + (r[2] & 7));
			run->io.count = r[4] | r[5] << 8;
			run->io.data_offset = (uint64_t)(r[6] | r[7] << 8) |
					      ((uint64_t)r[8] << 56);
			if (run->io.data_offset < RUN_SIZE)
				memset((uint8_t *)run + run->io.data_offset,
				       r[9], RUN_SIZE - run->io.data_offset);
			port_exit_handle(&ports, run, RUN_SIZE, &ex);
		} else {
			run->exit_reason = KVM_EXIT_MMIO;
			run->mmio.is_write = (r[0] >> 1) & 1;
			run->mmio.len = r[1];
			run->mmio.phys_addr =
				(r[0] & 4) ? 0xd0000 + (r[2] & 15) :
					     ((uint64_t)r[2] << 56 | r[3]);
			memcpy(run->mmio.data, r + 8, 8);
			mmio_exit_handle(&mmio, run, &ex);
		}
		if (r[0] & 8)
			serial_receive(&uart, r + 11, r[10] & 3);
		if (r[0] & 16)
			serial_tx_ready(&uart);
	}
	serial_destroy(&uart);
	return 0;
}
