/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Embeds the lab VM's init script and its KVM holder in the binary, so
 * isolens needs no data files.
 */
	.section .rodata
	.global lab_guest_init_start
	.global lab_guest_init_end
lab_guest_init_start:
	.incbin "guest-init.sh"
lab_guest_init_end:
	.global lab_kvm_hold_start
	.global lab_kvm_hold_end
lab_kvm_hold_start:
	.incbin "guest/kvm-hold"
lab_kvm_hold_end:
	.section .note.GNU-stack, "", @progbits
