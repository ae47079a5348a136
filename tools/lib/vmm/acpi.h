/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's ACPI tables, hardware-reduced: RSDP -> XSDT -> FADT (-> DSDT)
 * and MADT.  iasl compiles them at build time from the sources in acpi/, with the
 * addresses from platform.h; acpi_write_tables() copies them into guest
 * RAM, keeps ncpus of the MADT's local APICs and fixes the checksums.
 * The FADT's sleep control register is a port the VMM traps: a write of
 * SLP_EN with the \_S5 sleep type powers the machine off.
 */
#ifndef ISOLENS_VMM_ACPI_H
#define ISOLENS_VMM_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/errbuf.h"
#include "vmm/memory.h"
#include "vmm/platform.h"

/* The sleep control and status registers (ACPI 6.4, 4.8.3.7 and 4.8.3.8) */
#define ACPI_SLP_TYP_SHIFT 2
#define ACPI_SLP_TYP_MASK 0x1c
#define ACPI_SLP_EN 0x20
#define ACPI_WAK_STS 0x80

/* Copy the tables to ACPI_TABLES_ADDR; ncpus is 1..VMM_MAX_CPUS. */
int acpi_write_tables(const struct guest_mem *mem, unsigned int ncpus,
		      struct errbuf *eb);

/* The two sleep ports, ACPI_SLEEP_CTL_PORT and ACPI_SLEEP_STS_PORT. */
struct acpi_sleep {
	void (*poweroff)(void *ctx); /* called on an S5 write */
	void *ctx;
};

#define ACPI_SLEEP_NR_PORTS 2

void acpi_sleep_init(struct acpi_sleep *s, void (*poweroff)(void *ctx),
		     void *ctx);

/* bus_access_fn for the range at ACPI_SLEEP_CTL_PORT */
void acpi_sleep_access(void *opaque, uint64_t offset, bool is_write,
		       uint8_t *data, unsigned int size);

#endif
