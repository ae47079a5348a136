/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Intel MultiProcessor Specification 1.4 table: the simplest way to
 * tell Linux (booted without ACPI) how many CPUs there are and where the
 * IOAPIC is.  Linux finds it by scanning the last KiB of base memory.
 */
#ifndef ISOLENS_VMM_MPTABLE_H
#define ISOLENS_VMM_MPTABLE_H

#include <stdint.h>

#include "base/errbuf.h"
#include "vmm/memory.h"

#define MPTABLE_IOAPIC_ADDR 0xfec00000u
#define MPTABLE_LAPIC_ADDR 0xfee00000u
#define MPTABLE_NR_IRQS 16

int mptable_write(const struct guest_mem *mem, uint64_t addr,
		  unsigned int ncpus, struct errbuf *eb);

#endif
