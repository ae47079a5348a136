// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits.  For IN/OUT KVM stops the vCPU, writes the port, size,
 * direction and element count into the shared kvm_run page and puts the
 * data (OUT) or expects it (IN) at kvm_run + data_offset.  String I/O
 * (REP OUTSB) arrives as one exit with count > 1.
 */
#include <string.h>

#include "vmm/ports.h"

void port_exit_handle(struct bus *bus, struct kvm_run *run, size_t run_size,
		      struct vmm_exit *ex)
{
	uint32_t size = run->io.size, count = run->io.count, i;
	uint64_t off = run->io.data_offset, bytes = (uint64_t)size * count;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	const char *who = NULL;
	uint8_t *data;

	ex->addr = run->io.port;
	ex->is_write = is_write;
	ex->size = size;
	ex->count = count;
	if ((size != 1 && size != 2 && size != 4) || !count ||
	    off >= run_size || bytes > run_size - off) {
		__atomic_fetch_add(&bus->invalid, 1, __ATOMIC_RELAXED);
		ex->handler = "malformed exit: ignored";
		return;
	}
	data = (uint8_t *)run + off;
	for (i = 0; i < count; i++)
		who = bus_access(bus, run->io.port, is_write, data + i * size,
				 size);
	memcpy(&ex->data, data, size);
	ex->bytes = data;
	ex->handler = who ? who : "no device: counted, ignored";
}
