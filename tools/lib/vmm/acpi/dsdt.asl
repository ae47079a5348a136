/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro-VM's DSDT: its COM1 and RTC, its virtio-mmio slots and the S5
 * (soft-off) sleep type, nothing else (hardware-reduced ACPI: no PM blocks, no GPEs, no
 * SCI).  Compiled by iasl with its own preprocessor, which reads the
 * addresses and interrupt lines from platform.h.  That preprocessor has
 * no function-like macros, so each slot is written out: a new slot needs
 * a new Device here (the #error below says so).
 *
 * Each slot is a "LNRO0005" device, the ACPI ID Linux's virtio_mmio driver
 * matches (as on QEMU's microvm and arm "virt" machines): its register
 * window and its interrupt, an IOAPIC pin, edge-triggered, active high.
 * Every slot is always described; one without a device answers DeviceID
 * 0, which the driver skips.
 */
#include "platform.h"

#if VIRTIO_MMIO_SLOTS != 8
#error "dsdt.asl describes 8 virtio-mmio slots: add or remove Devices"
#endif

DefinitionBlock ("", "DSDT", 2, "ISOLNS", "MICROVM", 1)
{
	Scope (\_SB)
	{
		/*
		 * The legacy devices the VMM emulates.  Hardware-reduced ACPI
		 * has no 8259s, so Linux maps no ISA IRQ by itself: the UART's
		 * IRQ 4 and the RTC's IRQ 8 exist only through these (8250_pnp
		 * and rtc_cmos bind to them); without COM1 here ttyS0 cannot
		 * be opened.  The i8042 is left out: it is only a reset line.
		 */
		Device (COM1)
		{
			Name (_HID, EisaId ("PNP0501"))
			Name (_UID, 1)
			Name (_CRS, ResourceTemplate () {
				IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08)
				IRQNoFlags () { 4 }
			})
		}
		Device (RTC)
		{
			Name (_HID, EisaId ("PNP0B00"))
			Name (_CRS, ResourceTemplate () {
				IO (Decode16, 0x0070, 0x0070, 0x00, 0x02)
				IRQNoFlags () { 8 }
			})
		}

		Device (VR00)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 0)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_0, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_0 }
			})
		}
		Device (VR01)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 1)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_1, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_1 }
			})
		}
		Device (VR02)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 2)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_2, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_2 }
			})
		}
		Device (VR03)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 3)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_3, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_3 }
			})
		}
		Device (VR04)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 4)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_4, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_4 }
			})
		}
		Device (VR05)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 5)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_5, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_5 }
			})
		}
		Device (VR06)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 6)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_6, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_6 }
			})
		}
		Device (VR07)
		{
			Name (_HID, "LNRO0005")
			Name (_UID, 7)
			Name (_CRS, ResourceTemplate () {
				Memory32Fixed (ReadWrite, VIRTIO_MMIO_ADDR_7, VIRTIO_MMIO_SIZE)
				Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { VIRTIO_MMIO_GSI_7 }
			})
		}
	}

	/*
	 * S5, soft off: ACPICA writes SLP_TYP (the first value) << 2 | SLP_EN
	 * (bit 5) to the FADT's sleep control register; the VMM ends the run.
	 * The other three values are unused with hardware-reduced ACPI.
	 */
	Name (_S5, Package () { ACPI_S5_SLP_TYP, 0, 0, 0 })
}
