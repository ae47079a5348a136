// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables in a fake guest RAM: checksums, the RSDP where the
 * legacy scan finds it, the pointers between tables, the MADT cut to the
 * vCPU count, the DSDT's virtio-mmio resources; and the sleep register.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"
#include "unit.h"
#include "vmm/acpi.h"
#include "vmm/memory.h"
#include "vmm/platform.h"
#include "vmm/vmm.h"

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* The RSDP as the guest finds it: "RSD PTR " on a 16-byte boundary. */
static const uint8_t *scan_rsdp(const struct guest_mem *mem)
{
	uint64_t a;

	for (a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp(mem->hva + a, "RSD PTR ", 8) &&
		    !sum(mem->hva + a, 20))
			return mem->hva + a;
	return NULL;
}

/* A valid table at gpa with that signature: its length, else 0. */
static uint32_t table_at(const struct guest_mem *mem, uint64_t gpa,
			 const char *sig)
{
	const uint8_t *t = guest_ptr(mem, gpa, 36);
	uint32_t len;

	if (!t || memcmp(t, sig, 4))
		return 0;
	len = get_le32(t + 4);
	if (len < 36 || !guest_ptr(mem, gpa, len) || sum(t, len))
		return 0;
	return len;
}

static void test_tables(void)
{
	static const unsigned int counts[] = { 1, 2, 3, 32 };
	struct errbuf eb = { 0 };
	struct guest_mem mem;
	unsigned int n;

	CHECK_EQ(guest_mem_alloc(&mem, 16 << 20, &eb), 0);
	for (n = 0; n < sizeof(counts) / sizeof(counts[0]); n++) {
		const uint8_t *rsdp, *xsdt, *fadt, *madt;
		unsigned int lapics = 0, other = 0;
		uint32_t len, off;
		uint64_t xsdt_addr;

		memset(mem.hva + 0xe0000, 0xff, 0x20000); /* stale BIOS area */
		CHECK_EQ(acpi_write_tables(&mem, counts[n], &eb), 0);
		rsdp = scan_rsdp(&mem);
		CHECK(rsdp == mem.hva + ACPI_RSDP_ADDR);
		if (!rsdp)
			continue;
		CHECK_EQ(rsdp[15], 2); /* revision */
		CHECK_EQ(get_le32(rsdp + 20), 36);
		CHECK_EQ(sum(rsdp, 36), 0);
		xsdt_addr = get_le64(rsdp + 24);
		CHECK_EQ(get_le32(rsdp + 16), 0); /* no RSDT */

		len = table_at(&mem, xsdt_addr, "XSDT");
		CHECK_EQ(len, 36 + 2 * 8);
		xsdt = mem.hva + xsdt_addr;
		CHECK_EQ(get_le64(xsdt + 36), ACPI_FADT_ADDR);
		CHECK_EQ(get_le64(xsdt + 44), ACPI_MADT_ADDR);

		CHECK_EQ(table_at(&mem, ACPI_FADT_ADDR, "FACP"), 276);
		fadt = mem.hva + ACPI_FADT_ADDR;
		CHECK(fadt[8] >= 5); /* revision: HW_REDUCED_ACPI exists */
		CHECK(get_le32(fadt + 112) & (1u << 20)); /* HW_REDUCED_ACPI */
		CHECK_EQ(get_le64(fadt + 140), ACPI_DSDT_ADDR); /* X_DSDT */
		/* sleep control and status: SystemIO, 8 bits, byte access */
		CHECK_EQ(fadt[244], 1);
		CHECK_EQ(fadt[245], 8);
		CHECK_EQ(fadt[247], 1);
		CHECK_EQ(get_le64(fadt + 248), ACPI_SLEEP_CTL_PORT);
		CHECK_EQ(fadt[256], 1);
		CHECK_EQ(get_le64(fadt + 260), ACPI_SLEEP_STS_PORT);
		CHECK(table_at(&mem, ACPI_DSDT_ADDR, "DSDT") > 36);

		len = table_at(&mem, ACPI_MADT_ADDR, "APIC");
		CHECK(len > 44);
		madt = mem.hva + ACPI_MADT_ADDR;
		CHECK_EQ(get_le32(madt + 36), PLATFORM_LAPIC_ADDR);
		for (off = 44; len && off + 2 <= len; off += madt[off + 1]) {
			if (!madt[off + 1])
				break;
			if (madt[off] == 0) { /* local APIC, ID n = vCPU n */
				CHECK_EQ(madt[off + 2], lapics);
				CHECK_EQ(madt[off + 3], lapics);
				CHECK_EQ(get_le32(madt + off + 4), 1);
				lapics++;
			} else if (madt[off] == 1) { /* IOAPIC */
				CHECK_EQ(get_le32(madt + off + 4),
					 PLATFORM_IOAPIC_ADDR);
				CHECK_EQ(get_le32(madt + off + 8), 0);
				other++;
			} else if (madt[off] == 2) { /* IRQ0 -> GSI 2 */
				CHECK_EQ(madt[off + 3], 0);
				CHECK_EQ(get_le32(madt + off + 4), 2);
				other++;
			}
		}
		CHECK_EQ(off, len);
		CHECK_EQ(lapics, counts[n]);
		CHECK_EQ(other, 2);
		/* nothing of the cut entries is left behind */
		CHECK_EQ(madt[len], 0);
	}
	CHECK_EQ(acpi_write_tables(&mem, 0, &eb), -EINVAL);
	CHECK_EQ(acpi_write_tables(&mem, VMM_MAX_CPUS + 1, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "1..32") != NULL);
	guest_mem_free(&mem);

	/* RAM that ends inside the table region */
	CHECK_EQ(guest_mem_alloc(&mem, 0xe8000, &eb), 0);
	CHECK_EQ(acpi_write_tables(&mem, 1, &eb), -EFAULT);
	guest_mem_free(&mem);
}

static const uint8_t *find(const uint8_t *hay, size_t len, const uint8_t *n,
			   size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= len; i++)
		if (!memcmp(hay + i, n, nlen))
			return hay + i;
	return NULL;
}

/* The DSDT's _CRS of each slot: Memory32Fixed, then Extended Interrupt. */
static void test_dsdt_resources(void)
{
	static const uint32_t addr[VIRTIO_MMIO_SLOTS] = {
		VIRTIO_MMIO_ADDR_0, VIRTIO_MMIO_ADDR_1, VIRTIO_MMIO_ADDR_2,
		VIRTIO_MMIO_ADDR_3, VIRTIO_MMIO_ADDR_4, VIRTIO_MMIO_ADDR_5,
		VIRTIO_MMIO_ADDR_6, VIRTIO_MMIO_ADDR_7,
	};
	/* COM1: IO 0x3f8, 8 ports; IRQ 4 (ttyS0 needs it, see dsdt.asl) */
	static const uint8_t com1[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03,
					0x00, 0x08, 0x22, 0x10, 0x00 };
	/* Name (_S5, Package (4) { ACPI_S5_SLP_TYP (a ByteConst), 0, 0, 0 }) */
	static const uint8_t s5[] = { 0x08, '_',  'S',	'5',  '_',
				      0x12, 0x07, 0x04, 0x0a, ACPI_S5_SLP_TYP };
	static const uint32_t gsi[VIRTIO_MMIO_SLOTS] = {
		VIRTIO_MMIO_GSI_0, VIRTIO_MMIO_GSI_1, VIRTIO_MMIO_GSI_2,
		VIRTIO_MMIO_GSI_3, VIRTIO_MMIO_GSI_4, VIRTIO_MMIO_GSI_5,
		VIRTIO_MMIO_GSI_6, VIRTIO_MMIO_GSI_7,
	};
	struct errbuf eb = { 0 };
	struct guest_mem mem;
	const uint8_t *dsdt;
	unsigned int i, hids = 0;
	uint32_t len;

	CHECK_EQ(guest_mem_alloc(&mem, 16 << 20, &eb), 0);
	CHECK_EQ(acpi_write_tables(&mem, 1, &eb), 0);
	len = table_at(&mem, ACPI_DSDT_ADDR, "DSDT");
	dsdt = mem.hva + ACPI_DSDT_ADDR;
	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		/* 0x86 len 9: read-write, base, length (ACPI 6.4, 6.4.3.4) */
		uint8_t mem32[12] = { 0x86, 0x09, 0x00, 0x01 };
		/* 0x89 len 6: consumer, edge, active high, exclusive, 1 IRQ */
		uint8_t irq[9] = { 0x89, 0x06, 0x00, 0x03, 0x01 };
		const uint8_t *p;

		put_le32(mem32 + 4, addr[i]);
		put_le32(mem32 + 8, VIRTIO_MMIO_SIZE);
		put_le32(irq + 5, gsi[i]);
		p = find(dsdt, len, mem32, sizeof(mem32));

		CHECK(addr[i] == VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE);
		CHECK(gsi[i] == VIRTIO_MMIO_GSI_BASE + i);
		CHECK(p != NULL);
		if (p)
			CHECK(!memcmp(p + sizeof(mem32), irq, sizeof(irq)));
	}
	for (i = 0; i + 8 <= len; i++)
		hids += !memcmp(dsdt + i, "LNRO0005", 8);
	CHECK_EQ(hids, VIRTIO_MMIO_SLOTS);
	CHECK(find(dsdt, len, com1, sizeof(com1)) != NULL);
	CHECK(find(dsdt, len, s5, sizeof(s5)) != NULL);
	guest_mem_free(&mem);
}

static void count_poweroff(void *ctx)
{
	(*(int *)ctx)++;
}

static void test_sleep_register(void)
{
	struct acpi_sleep s;
	int offs = 0;
	uint8_t b;

	acpi_sleep_init(&s, count_poweroff, &offs);
	b = ACPI_WAK_STS; /* ACPICA clears WAK_STS first */
	acpi_sleep_access(&s, 1, true, &b, 1);
	b = ACPI_SLP_EN | 3 << ACPI_SLP_TYP_SHIFT; /* S3: not this machine */
	acpi_sleep_access(&s, 0, true, &b, 1);
	b = ACPI_S5_SLP_TYP << ACPI_SLP_TYP_SHIFT; /* no SLP_EN */
	acpi_sleep_access(&s, 0, true, &b, 1);
	CHECK_EQ(offs, 0);
	b = 0;
	acpi_sleep_access(&s, 1, false, &b, 1);
	CHECK_EQ(b, ACPI_WAK_STS); /* a sleep that did not happen: awake */
	b = 0xff;
	acpi_sleep_access(&s, 0, false, &b, 1);
	CHECK_EQ(b, 0);
	b = ACPI_SLP_EN | ACPI_S5_SLP_TYP << ACPI_SLP_TYP_SHIFT;
	CHECK_EQ(b, 0x34);
	acpi_sleep_access(&s, 0, true, &b, 1);
	CHECK_EQ(offs, 1);
}

int main(void)
{
	RUN(test_tables);
	RUN(test_dsdt_resources);
	RUN(test_sleep_register);
	UNIT_DONE();
}
