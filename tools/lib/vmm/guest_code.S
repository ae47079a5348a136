/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Teaching guests.  Each lies between <name>_start and <name>_end in
 * .rodata; the VMM copies the bytes to GUEST_LOAD and starts a vCPU there.
 * Nothing here runs on the host.  Absolute addresses are computed as
 * (label - start + GUEST_LOAD) so the code is correct where it is copied.
 */
#include "guests.h"

#define ABS(start, label) ((label) - (start) + GUEST_LOAD)

	.section .rodata.isolens_guests, "a"

/* hello-real: real mode (16-bit, no paging), one OUT per byte, then HLT. */
	.code16
	.globl guest_hello_real_start, guest_hello_real_end
guest_hello_real_start:
	mov	$0x3f8, %dx
	mov	$ABS(guest_hello_real_start, hr_msg), %si
1:	lodsb				/* al = ds:[si++] */
	test	%al, %al
	jz	2f
	outb	%al, %dx		/* a VM exit: KVM_EXIT_IO to the VMM */
	jmp	1b
2:	hlt				/* no irqchip: KVM_EXIT_HLT */
	jmp	2b
hr_msg:	.asciz	"Hello from real mode!\n"
guest_hello_real_end:

/* hello-long: the VMM built the GDT and page tables; we start in 64-bit. */
	.code64
	.globl guest_hello_long_start, guest_hello_long_end
guest_hello_long_start:
	mov	$0x3f8, %dx
	lea	hl_msg(%rip), %rsi
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b
hl_msg:	.asciz	"Hello from 64-bit long mode!\n"
guest_hello_long_end:

/*
 * exits: one of each kind of exit, in real mode so that it runs on any
 * KVM.  %bp = 1 when the VMM asked KVM to forward unknown MSRs to it.
 */
	.code16
	.globl guest_exits_start, guest_exits_end
guest_exits_start:
	cld
	/* 1. string port I/O: one exit carries the whole line */
	mov	$0x3f8, %dx
	mov	$ABS(guest_exits_start, ex_hello), %si
	mov	$(ex_hello_end - ex_hello), %cx
	rep outsb
	/* 2. port read: the UART line status register */
	mov	$0x3fd, %dx
	inb	%dx, %al
	/* 3. MMIO write and 4. MMIO read where no RAM is */
	mov	$(GUEST_MMIO_HOLE >> 4), %ax
	mov	%ax, %es
	movl	$0x12345678, %es:0
	movl	%es:4, %eax
	xor	%ax, %ax
	mov	%ax, %es
	/* 5. CPUID: KVM answers in the kernel; we print what it said */
	xor	%eax, %eax
	cpuid
	mov	%ebx, ABS(guest_exits_start, ex_vendor)
	mov	%edx, ABS(guest_exits_start, ex_vendor) + 4
	mov	%ecx, ABS(guest_exits_start, ex_vendor) + 8
	mov	$0x3f8, %dx
	mov	$ABS(guest_exits_start, ex_cpuid), %si
	mov	$(ex_cpuid_end - ex_cpuid), %cx
	rep outsb
	/* 6. RDMSR of a known MSR (the TSC): also handled in the kernel */
	mov	$0x10, %ecx
	rdmsr				/* clobbers %edx: reload the port */
	mov	$0x3f8, %dx
	mov	$ABS(guest_exits_start, ex_tsc), %si
	mov	$(ex_tsc_end - ex_tsc), %cx
	rep outsb
	/* 7. RDMSR of an MSR KVM does not know: forwarded to the VMM */
	test	%bp, %bp
	jz	1f
	mov	$GUEST_MSR, %ecx
	rdmsr
	mov	%eax, ABS(guest_exits_start, ex_msrval)
	mov	%edx, ABS(guest_exits_start, ex_msrval) + 4
	mov	$0x3f8, %dx
	mov	$ABS(guest_exits_start, ex_msr), %si
	mov	$(ex_msr_end - ex_msr), %cx
	rep outsb
1:
	/* 8. a port nobody owns: counted and ignored by the VMM */
	mov	$GUEST_UNKNOWN_PORT, %dx
	outb	%al, %dx
	/* 9. HLT */
	hlt
	jmp	1b
ex_hello:	.ascii	"exits: port write\n"
ex_hello_end:
ex_cpuid:	.ascii	"cpuid vendor: "
ex_vendor:	.ascii	"????????????\n"
ex_cpuid_end:
ex_tsc:		.ascii	"rdmsr 0x10 (TSC): answered by KVM\n"
ex_tsc_end:
ex_msr:		.ascii	"rdmsr 0x4e4c5349: answered by the VMM: "
ex_msrval:	.ascii	"????????\n"
ex_msr_end:
guest_exits_end:

/*
 * hostile: writes pseudo-random bytes to pseudo-random ports and MMIO
 * addresses above RAM (xorshift32, seed in %ebp from the VMM), reads
 * some back, then HLTs after %edi rounds.  The VMM must stay up.
 */
	.code64
	.globl guest_hostile_start, guest_hostile_end
guest_hostile_start:
	mov	%ebp, %eax
	or	$1, %eax
	mov	$4096, %edi
1:	mov	%eax, %ebx		/* xorshift32 */
	shl	$13, %ebx
	xor	%ebx, %eax
	mov	%eax, %ebx
	shr	$17, %ebx
	xor	%ebx, %eax
	mov	%eax, %ebx
	shl	$5, %ebx
	xor	%ebx, %eax
	mov	%eax, %edx		/* port = low 16 bits */
	test	$1, %ah
	jz	2f
	outb	%al, %dx
	test	$2, %ah
	jz	3f
	outl	%eax, %dx
	jmp	3f
2:	inb	%dx, %al
	inw	%dx, %ax
3:	mov	%eax, %ecx		/* MMIO address: 1 GiB + 28 random bits */
	and	$0x0ffffff8, %ecx
	or	$0x40000000, %ecx
	test	$4, %ah
	jz	4f
	mov	%rax, (%rcx)
	movb	%al, 3(%rcx)
	jmp	5f
4:	mov	(%rcx), %rbx
	movw	1(%rcx), %bx
5:	dec	%edi
	jnz	1b
	mov	$0x3fb, %dx		/* undo what we did to the UART: */
	mov	$0x03, %al		/* LCR 8N1, DLAB off */
	outb	%al, %dx
	mov	$0x3fc, %dx
	mov	$0x08, %al		/* MCR: no loopback */
	outb	%al, %dx
	mov	$0x3f8, %dx
	lea	ho_msg(%rip), %rsi
6:	lodsb
	test	%al, %al
	jz	7f
	outb	%al, %dx
	jmp	6b
7:	hlt
	jmp	7b
ho_msg:	.asciz	"hostile: done\n"
guest_hostile_end:

	.section .note.GNU-stack, "", @progbits
