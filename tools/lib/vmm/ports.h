/* SPDX-License-Identifier: GPL-2.0 */
/* Decoding KVM_EXIT_IO, KVM_EXIT_MMIO and MSR exits onto the buses. */
#ifndef ISOLENS_VMM_PORTS_H
#define ISOLENS_VMM_PORTS_H

#include <linux/kvm.h>
#include <stddef.h>

#include "vmm/bus.h"
#include "vmm/vmm.h"

#define PORT_LIMIT 0x10000

/*
 * Handle one KVM_EXIT_IO: check that the data KVM placed in the shared
 * page (data_offset, size * count) lies inside the run_size mapping, then
 * dispatch each element.  Fills ex; never fails: malformed exits are
 * counted in bus->invalid and ignored.
 */
void port_exit_handle(struct bus *bus, struct kvm_run *run, size_t run_size,
		      struct vmm_exit *ex);

/* Handle one KVM_EXIT_MMIO the same way (mmio.c). */
void mmio_exit_handle(struct bus *bus, struct kvm_run *run,
		      struct vmm_exit *ex);

#endif
