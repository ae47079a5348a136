/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Embeds the helper the isolens vm initramfs writes its ports with
 * (guest/outb.c), so isolens needs no data files.
 */
	.section .rodata
	.global vmm_outb_start
	.global vmm_outb_end
vmm_outb_start:
	.incbin "guest/outb"
vmm_outb_end:
	.section .note.GNU-stack, "", @progbits
