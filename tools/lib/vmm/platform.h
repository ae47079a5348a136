/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro-VM's machine beyond RAM and the legacy PC ports: where its
 * virtio-mmio devices sit, which interrupt lines they raise, and the ACPI
 * registers.  One home for the VMM's C and the ACPI tables' source (the
 * build runs it through the C preprocessor before iasl), so this header
 * holds only #defines of plain numbers.
 *
 * The guest finds the devices through ACPI: the DSDT describes
 * VIRTIO_MMIO_SLOTS "LNRO0005" nodes, one per slot, always; a slot with no
 * device answers DeviceID 0, which the virtio-mmio driver skips (the
 * virtio 1.x spec, 4.2.2.1), as on QEMU's arm "virt" machine.  So the
 * tables are fixed at build time and only the MADT's CPU list and the
 * checksums are patched per VM.
 */
#ifndef ISOLENS_VMM_PLATFORM_H
#define ISOLENS_VMM_PLATFORM_H

/* virtio-mmio: slot n at BASE + n * STRIDE, SIZE bytes of registers */
#define VIRTIO_MMIO_BASE 0xd0000000
#define VIRTIO_MMIO_STRIDE 0x1000
#define VIRTIO_MMIO_SIZE 0x200
#define VIRTIO_MMIO_SLOTS 8
/* slot n raises IOAPIC pin GSI_BASE + n, edge-triggered, active high */
#define VIRTIO_MMIO_GSI_BASE 16

/* The literal per-slot values, for the ASL (iasl cannot add in a _CRS). */
#define VIRTIO_MMIO_ADDR_0 0xd0000000
#define VIRTIO_MMIO_ADDR_1 0xd0001000
#define VIRTIO_MMIO_ADDR_2 0xd0002000
#define VIRTIO_MMIO_ADDR_3 0xd0003000
#define VIRTIO_MMIO_ADDR_4 0xd0004000
#define VIRTIO_MMIO_ADDR_5 0xd0005000
#define VIRTIO_MMIO_ADDR_6 0xd0006000
#define VIRTIO_MMIO_ADDR_7 0xd0007000
#define VIRTIO_MMIO_GSI_0 16
#define VIRTIO_MMIO_GSI_1 17
#define VIRTIO_MMIO_GSI_2 18
#define VIRTIO_MMIO_GSI_3 19
#define VIRTIO_MMIO_GSI_4 20
#define VIRTIO_MMIO_GSI_5 21
#define VIRTIO_MMIO_GSI_6 22
#define VIRTIO_MMIO_GSI_7 23

/* In-kernel IOAPIC (KVM_CREATE_IRQCHIP) and the LAPICs */
#define PLATFORM_IOAPIC_ADDR 0xfec00000
#define PLATFORM_LAPIC_ADDR 0xfee00000

/*
 * ACPI, hardware-reduced (FADT flag HW_REDUCED_ACPI): no PM1 blocks, no
 * SCI; the guest powers off by writing SLP_TYP and SLP_EN to the FADT's
 * sleep control register, a port the VMM traps (the run then ends).
 */
#define ACPI_SLEEP_CTL_PORT 0x0604
#define ACPI_SLEEP_STS_PORT 0x0605
/* SLP_TYP of \_S5 (the DSDT's package), written with SLP_EN to power off */
#define ACPI_S5_SLP_TYP 5
/* the tables live in the BIOS area below 1 MiB, which e820 reserves */
#define ACPI_TABLES_ADDR 0xe0000
#define ACPI_TABLES_SIZE 0x10000
/*
 * Where each table goes (tools/lib/vmm/acpi/): the RSDP first, 16-byte
 * aligned, for the legacy scan of 0xe0000-0xfffff; the MADT has room for
 * VMM_MAX_CPUS local APICs, the DSDT for the rest of the region.
 */
#define ACPI_RSDP_ADDR 0xe0000
#define ACPI_XSDT_ADDR 0xe0040
#define ACPI_FADT_ADDR 0xe0100
#define ACPI_MADT_ADDR 0xe0400
#define ACPI_DSDT_ADDR 0xe1000
/* the IOAPIC's ID in the MADT (KVM's IOAPIC answers any) */
#define PLATFORM_IOAPIC_ID 0

#endif
