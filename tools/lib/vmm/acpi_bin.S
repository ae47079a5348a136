/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Embeds the ACPI tables iasl compiled from the .asl sources in acpi/ at build time
 * (Makefile: ACPI_AMLS), so isolens needs no data files.  acpi.c copies
 * them into guest RAM.
 */
	.section .rodata

	.macro acpi_table name
	.global vmm_acpi_\name\()_start
	.global vmm_acpi_\name\()_end
	.balign 8
vmm_acpi_\name\()_start:
	.incbin "acpi/\name\().aml"
vmm_acpi_\name\()_end:
	.endm

	acpi_table rsdp
	acpi_table xsdt
	acpi_table fadt
	acpi_table madt
	acpi_table dsdt

	.section .note.GNU-stack, "", @progbits
