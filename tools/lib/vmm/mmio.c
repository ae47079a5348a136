// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: a guest access to a guest-physical address with no memory
 * slot behind it.  KVM decodes the instruction and hands us the address,
 * width (1..8 bytes) and, for writes, the data in kvm_run->mmio.
 */
#include <string.h>

#include "vmm/ports.h"

void mmio_exit_handle(struct bus *bus, struct kvm_run *run, struct vmm_exit *ex)
{
	uint32_t len = run->mmio.len;
	const char *who;

	ex->addr = run->mmio.phys_addr;
	ex->is_write = run->mmio.is_write;
	ex->size = len;
	ex->count = 1;
	if (!len || len > sizeof(run->mmio.data)) {
		__atomic_fetch_add(&bus->invalid, 1, __ATOMIC_RELAXED);
		ex->handler = "malformed exit: ignored";
		return;
	}
	who = bus_access(bus, run->mmio.phys_addr, run->mmio.is_write,
			 run->mmio.data, len);
	memcpy(&ex->data, run->mmio.data, len);
	ex->bytes = run->mmio.data;
	ex->handler = who ? who : "no device: counted, ignored";
}
