// SPDX-License-Identifier: GPL-2.0
/*
 * Layout: floating pointer ("_MP_", 16 bytes) then the configuration table
 * ("PCMP" header + entries): one processor entry per vCPU, the ISA bus, the
 * IOAPIC (KVM's in-kernel one), ISA IRQ i -> IOAPIC pin i (KVM's default
 * GSI routing), and the LINT0 (ExtINT) / LINT1 (NMI) wiring.
 */
#include <errno.h>
#include <string.h>

#include "vmm/mptable.h"

struct mpf {
	char signature[4];
	uint32_t physptr;
	uint8_t length, specification, checksum, feature1;
	uint8_t feature2, feature3, feature4, feature5;
} __attribute__((packed));

struct mpc_table {
	char signature[4];
	uint16_t length;
	uint8_t spec, checksum;
	char oem[8], productid[12];
	uint32_t oemptr;
	uint16_t oemsize, oemcount;
	uint32_t lapic;
	uint32_t reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag, reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {
	uint8_t type, irqtype;
	uint16_t irqflag;
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
} __attribute__((packed));

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

#define CPU_ENABLED 1
#define CPU_BOOTPROCESSOR 2
#define APIC_VERSION 0x14
#define IOAPIC_VERSION 0x11

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return (uint8_t)-sum;
}

int mptable_write(const struct guest_mem *mem, uint64_t addr,
		  unsigned int ncpus, struct errbuf *eb)
{
	size_t size = sizeof(struct mpf) + sizeof(struct mpc_table) +
		      ncpus * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
		      sizeof(struct mpc_ioapic) +
		      (MPTABLE_NR_IRQS + 2) * sizeof(struct mpc_intsrc);
	uint8_t *base, *p;
	struct mpc_table *mpc;
	struct mpf *mpf;
	unsigned int i, ioapic_id = ncpus, entries = 0;

	if (!ncpus || ncpus > 254)
		return errbuf_set(eb, EINVAL, "MP table: %u CPUs", ncpus);
	base = guest_ptr(mem, addr, size);
	if (!base || addr + size > 0xa0000)
		return errbuf_set(
			eb, ENOSPC,
			"MP table for %u CPUs (%zu bytes) does not fit at 0x%llx",
			ncpus, size, (unsigned long long)addr);
	memset(base, 0, size);
	mpf = (struct mpf *)base;
	mpc = (struct mpc_table *)(mpf + 1);
	p = (uint8_t *)(mpc + 1);

	for (i = 0; i < ncpus; i++) {
		struct mpc_cpu *c = (struct mpc_cpu *)p;

		c->type = MP_PROCESSOR;
		c->apicid = i;
		c->apicver = APIC_VERSION;
		c->cpuflag = CPU_ENABLED | (i ? 0 : CPU_BOOTPROCESSOR);
		c->cpufeature = 0x600; /* family 6: informational only */
		p += sizeof(*c);
		entries++;
	}
	{
		struct mpc_bus *b = (struct mpc_bus *)p;

		b->type = MP_BUS;
		b->busid = 0;
		memcpy(b->bustype, "ISA   ", 6);
		p += sizeof(*b);
		entries++;
	}
	{
		struct mpc_ioapic *io = (struct mpc_ioapic *)p;

		io->type = MP_IOAPIC;
		io->apicid = ioapic_id;
		io->apicver = IOAPIC_VERSION;
		io->flags = 1; /* enabled */
		io->apicaddr = MPTABLE_IOAPIC_ADDR;
		p += sizeof(*io);
		entries++;
	}
	for (i = 0; i < MPTABLE_NR_IRQS; i++) {
		struct mpc_intsrc *s = (struct mpc_intsrc *)p;

		s->type = MP_INTSRC;
		s->irqtype = MP_INT;
		s->irqflag = 0; /* conforms to the bus: ISA is edge, high */
		s->srcbus = 0;
		s->srcbusirq = i;
		s->dstapic = ioapic_id;
		s->dstirq = i;
		p += sizeof(*s);
		entries++;
	}
	for (i = 0; i < 2; i++) {
		struct mpc_intsrc *s = (struct mpc_intsrc *)p;

		s->type = MP_LINTSRC;
		s->irqtype = i ? MP_NMI : MP_EXTINT;
		s->srcbus = 0;
		s->srcbusirq = 0;
		s->dstapic = i ? 0xff : 0; /* NMI to every LAPIC */
		s->dstirq = i; /* LINT0, LINT1 */
		p += sizeof(*s);
		entries++;
	}

	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = (uint16_t)(p - (uint8_t *)mpc);
	mpc->spec = 4;
	memcpy(mpc->oem, "ISOLENS ", 8);
	memcpy(mpc->productid, "MICROVM     ", 12);
	mpc->oemcount = entries;
	mpc->lapic = MPTABLE_LAPIC_ADDR;
	mpc->checksum = checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = (uint32_t)(addr + sizeof(*mpf));
	mpf->length = 1; /* in 16-byte units */
	mpf->specification = 4;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
	return 0;
}
