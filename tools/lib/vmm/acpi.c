// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's ACPI tables: iasl builds them (the sources in acpi/, embedded by
 * acpi_bin.S), this file places them in guest RAM and patches the only
 * thing that differs between VMs, the MADT's CPU list.  The power-off
 * register the FADT names is also here.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "base/util.h"
#include "vmm/acpi.h"
#include "vmm/vmm.h"

extern const uint8_t vmm_acpi_rsdp_start[], vmm_acpi_rsdp_end[];
extern const uint8_t vmm_acpi_xsdt_start[], vmm_acpi_xsdt_end[];
extern const uint8_t vmm_acpi_fadt_start[], vmm_acpi_fadt_end[];
extern const uint8_t vmm_acpi_madt_start[], vmm_acpi_madt_end[];
extern const uint8_t vmm_acpi_dsdt_start[], vmm_acpi_dsdt_end[];

/* the common header of every table but the RSDP */
#define SDT_LENGTH 4
#define SDT_CHECKSUM 9
#define SDT_HEADER_LEN 36

#define RSDP_CHECKSUM 8
#define RSDP_V1_LEN 20
#define RSDP_EXT_CHECKSUM 32
#define RSDP_LEN 36

#define MADT_ENTRIES 44 /* after the header, LAPIC address and flags */
#define MADT_LAPIC 0
#define MADT_LAPIC_LEN 8

_Static_assert(ACPI_SLEEP_STS_PORT == ACPI_SLEEP_CTL_PORT + 1,
	       "the sleep ports are one bus range");
_Static_assert(ACPI_RSDP_ADDR % 16 == 0, "the RSDP scan is 16-byte aligned");
_Static_assert(ACPI_RSDP_ADDR >= 0xe0000 && ACPI_RSDP_ADDR < 0x100000,
	       "the RSDP must be where the legacy scan looks");

struct acpi_table {
	const char *name;
	const uint8_t *start, *end;
	uint64_t addr;
};

static const struct acpi_table acpi_tables[] = {
	{ "RSDP", vmm_acpi_rsdp_start, vmm_acpi_rsdp_end, ACPI_RSDP_ADDR },
	{ "XSDT", vmm_acpi_xsdt_start, vmm_acpi_xsdt_end, ACPI_XSDT_ADDR },
	{ "FACP", vmm_acpi_fadt_start, vmm_acpi_fadt_end, ACPI_FADT_ADDR },
	{ "APIC", vmm_acpi_madt_start, vmm_acpi_madt_end, ACPI_MADT_ADDR },
	{ "DSDT", vmm_acpi_dsdt_start, vmm_acpi_dsdt_end, ACPI_DSDT_ADDR },
};

#define NR_TABLES ARRAY_SIZE(acpi_tables)

/* The byte that makes the sum of p[0..len) zero, with p[at] taken as 0. */
static uint8_t checksum(const uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (i != at)
			sum += p[i];
	return (uint8_t)-sum;
}

/*
 * The MADT's length with ncpus local APIC entries: they are the last
 * VMM_MAX_CPUS entries of the built table.  0 if the table is not so.
 */
static uint32_t madt_length(const uint8_t *madt, uint32_t len,
			    unsigned int ncpus)
{
	uint32_t off = MADT_ENTRIES, first = 0;
	unsigned int cpus = 0;

	while (off + 2 <= len) {
		uint8_t type = madt[off], elen = madt[off + 1];

		if (elen < 2 || off + elen > len)
			return 0;
		if (type == MADT_LAPIC) {
			if (elen != MADT_LAPIC_LEN || madt[off + 3] != cpus)
				return 0; /* APIC ID n is vCPU n */
			if (!cpus++)
				first = off;
		} else if (cpus) {
			return 0; /* something after the CPUs */
		}
		off += elen;
	}
	if (off != len || cpus != VMM_MAX_CPUS)
		return 0;
	return first + ncpus * MADT_LAPIC_LEN;
}

int acpi_write_tables(const struct guest_mem *mem, unsigned int ncpus,
		      struct errbuf *eb)
{
	uint8_t *region, *p;
	unsigned int i;
	uint32_t len;

	if (ncpus < 1 || ncpus > VMM_MAX_CPUS)
		return errbuf_set(eb, EINVAL,
				  "ACPI tables: %u vCPUs, must be 1..%d", ncpus,
				  VMM_MAX_CPUS);
	region = guest_ptr(mem, ACPI_TABLES_ADDR, ACPI_TABLES_SIZE);
	if (!region)
		return errbuf_set(eb, EFAULT,
				  "guest RAM too small for the ACPI tables");
	memset(region, 0, ACPI_TABLES_SIZE);
	for (i = 0; i < NR_TABLES; i++) {
		const struct acpi_table *t = &acpi_tables[i];
		size_t size = (size_t)(t->end - t->start);
		bool rsdp = i == 0;

		/* the build's layout (platform.h) must hold each table */
		if (size < (rsdp ? RSDP_LEN : SDT_HEADER_LEN) ||
		    memcmp(t->start, rsdp ? "RSD PTR " : t->name,
			   rsdp ? 8 : 4) ||
		    (!rsdp && get_le32(t->start + SDT_LENGTH) != size) ||
		    t->addr < ACPI_TABLES_ADDR ||
		    t->addr + size > ACPI_TABLES_ADDR + ACPI_TABLES_SIZE ||
		    (i + 1 < NR_TABLES &&
		     t->addr + size > acpi_tables[i + 1].addr))
			return errbuf_set(
				eb, EINVAL,
				"ACPI table %s (%zu bytes) is malformed or does not fit at 0x%llx",
				t->name, size, (unsigned long long)t->addr);
		p = region + (t->addr - ACPI_TABLES_ADDR);
		if (rsdp) {
			memcpy(p, t->start, RSDP_LEN);
			p[RSDP_CHECKSUM] =
				checksum(p, RSDP_V1_LEN, RSDP_CHECKSUM);
			p[RSDP_EXT_CHECKSUM] =
				checksum(p, RSDP_LEN, RSDP_EXT_CHECKSUM);
			continue;
		}
		len = (uint32_t)size;
		if (t->start == vmm_acpi_madt_start) {
			len = madt_length(t->start, len, ncpus);
			if (!len)
				return errbuf_set(
					eb, EINVAL,
					"ACPI table APIC: not %d local APICs (IDs 0..%d) last",
					VMM_MAX_CPUS, VMM_MAX_CPUS - 1);
		}
		memcpy(p, t->start, len);
		put_le32(p + SDT_LENGTH, len);
		p[SDT_CHECKSUM] = checksum(p, len, SDT_CHECKSUM);
	}
	return 0;
}

/* --- the sleep registers ------------------------------------------------ */

void acpi_sleep_init(struct acpi_sleep *s, void (*poweroff)(void *ctx),
		     void *ctx)
{
	s->poweroff = poweroff;
	s->ctx = ctx;
}

/*
 * Offset 0 is the sleep control register, 1 the status register.  ACPICA
 * (acpi_hw_extended_sleep) clears WAK_STS in the status register, writes
 * SLP_TYP << 2 | SLP_EN to the control register, then polls the status
 * register until WAK_STS is set.  For S5 the VM has stopped by then; a
 * status read answers WAK_STS anyway, so that a sleep state this machine
 * does not have "wakes" at once instead of spinning.
 */
void acpi_sleep_access(void *opaque, uint64_t offset, bool is_write,
		       uint8_t *data, unsigned int size)
{
	struct acpi_sleep *s = opaque;
	unsigned int i, typ;

	if (!is_write) {
		for (i = 0; i < size; i++)
			data[i] = offset + i == 1 ? ACPI_WAK_STS : 0;
		return;
	}
	if (offset != 0)
		return; /* the status register: clearing WAK_STS, nothing to do */
	typ = (data[0] & ACPI_SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT;
	if ((data[0] & ACPI_SLP_EN) && typ == ACPI_S5_SLP_TYP)
		s->poweroff(s->ctx);
}
