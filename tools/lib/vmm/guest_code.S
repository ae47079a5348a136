/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Teaching guests.  Each lies between <name>_start and <name>_end in
 * .rodata; the VMM copies the bytes to GUEST_LOAD and starts a vCPU there.
 * Nothing here runs on the host.  Absolute addresses are computed as
 * (label - start + GUEST_LOAD) so the code is correct where it is copied.
 */
#include <linux/virtio_mmio.h>

#include "guests.h"
#include "vmm/platform.h"

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

/*
 * virtio-hostile: a driver that lies.  With two virtio-blk disks (slots 0
 * and 1), it sets disk 0's queue up as Linux would, then hands it a
 * descriptor loop, a buffer outside RAM and an avail index far ahead;
 * after each it reads Status and says whether the VMM put the device in
 * DEVICE_NEEDS_RESET, resets it and checks it serves a good read again.
 * Then it reads sector 0 of disk 1.  No interrupts (no irqchip): it polls
 * the used ring, which the VMM fills before the doorbell's exit returns.
 * One line per check: "ok ..." or "FAIL ...".
 */
#define VQ_SIZE 8
#define VQ_DESC(d) (0x10000 + (d) * 0x4000) /* disk d's rings ... */
#define VQ_AVAIL(d) (VQ_DESC(d) + 0x100)
#define VQ_USED(d) (VQ_DESC(d) + 0x200)
#define VQ_REQ(d) (VQ_DESC(d) + 0x1000) /* ... and its request */
#define VQ_DATA(d) (VQ_REQ(d) + 0x100)
#define VQ_STATUS(d) (VQ_REQ(d) + 0x300)
#define S_ACK_DRIVER 0x3
#define S_FEATURES_OK 0xb
#define S_DRIVER_OK 0xf
#define S_NEEDS_RESET 0x40
#define D_NEXT 1
#define D_WRITE 2

	/* %rsi = message: write it to COM1 */
	.macro	puts msg
	lea	\msg(%rip), %rsi
	mov	$0x3f8, %dx
991:	lodsb
	test	%al, %al
	jz	992f
	outb	%al, %dx
	jmp	991b
992:
	.endm

	/* descriptor \i of disk \d: addr, len, flags, next */
	.macro	desc d, i, addr, len, flags, next
	movl	$\addr, VQ_DESC(\d) + 16 * \i	/* below 4 GiB */
	movl	$0, VQ_DESC(\d) + 16 * \i + 4
	movl	$\len, VQ_DESC(\d) + 16 * \i + 8
	movw	$\flags, VQ_DESC(\d) + 16 * \i + 12
	movw	$\next, VQ_DESC(\d) + 16 * \i + 14
	.endm

	.code64
	.globl guest_virtio_hostile_start, guest_virtio_hostile_end
guest_virtio_hostile_start:
	cld
	mov	$VIRTIO_MMIO_ADDR_0, %rbx
	cmpl	$2, VIRTIO_MMIO_DEVICE_ID(%rbx)	/* VIRTIO_ID_BLOCK */
	jne	no_disks
	mov	$VIRTIO_MMIO_ADDR_1, %rbx
	cmpl	$2, VIRTIO_MMIO_DEVICE_ID(%rbx)
	jne	no_disks

	/* 1. a descriptor loop: 0 -> 1 -> 0 */
	mov	$VIRTIO_MMIO_ADDR_0, %rbx
	mov	$VQ_DESC(0), %r12
	call	vq_setup
	desc	0, 0, VQ_REQ(0), 16, D_NEXT, 1
	desc	0, 1, VQ_DATA(0), 512, D_NEXT | D_WRITE, 0
	call	vq_offer
	call	check_reset
	jz	1f
	puts	vh_loop_ok
	jmp	2f
1:	puts	vh_loop_bad
2:	call	good_read

	/* 2. a data buffer beyond guest RAM */
	call	vq_setup
	desc	0, 0, VQ_REQ(0), 16, D_NEXT, 1
	desc	0, 1, 0xf0000000, 512, D_NEXT | D_WRITE, 2
	desc	0, 2, VQ_STATUS(0), 1, D_WRITE, 0
	call	vq_offer
	call	check_reset
	jz	1f
	puts	vh_addr_ok
	jmp	2f
1:	puts	vh_addr_bad
2:	call	good_read

	/* 3. an avail index 100 ahead of what the device took */
	call	vq_setup
	movw	$100, VQ_AVAIL(0) + 2
	movl	$0, VIRTIO_MMIO_QUEUE_NOTIFY(%rbx)
	call	check_reset
	jz	1f
	puts	vh_idx_ok
	jmp	2f
1:	puts	vh_idx_bad
2:	call	good_read

	/* 4. the other disk never noticed */
	mov	$VIRTIO_MMIO_ADDR_1, %rbx
	mov	$VQ_DESC(1), %r12
	call	vq_setup
	call	read_sector0
	jnz	1f
	cmpl	$0x4c4f5349, 0x1100(%r12)	/* "ISOL" at offset 0 */
	jne	1f
	puts	vh_other_ok
	jmp	halt
1:	puts	vh_other_bad
	jmp	halt

no_disks:
	puts	vh_no_disks
halt:	hlt
	jmp	halt

/*
 * Reset the device at %rbx and set its queue 0 up (rings at %r12), as
 * Linux's virtio_mmio does: status, features (VERSION_1 only), queue
 * size, ring addresses, ready, DRIVER_OK.
 */
vq_setup:
	movl	$0, VIRTIO_MMIO_STATUS(%rbx)
	mov	%r12, %rdi			/* zero rings and request */
	xor	%eax, %eax
	mov	$(0x1400 / 8), %ecx
	rep stosq
	movl	$S_ACK_DRIVER, VIRTIO_MMIO_STATUS(%rbx)
	movl	$1, VIRTIO_MMIO_DRIVER_FEATURES_SEL(%rbx)
	movl	$1, VIRTIO_MMIO_DRIVER_FEATURES(%rbx)	/* bit 32: VERSION_1 */
	movl	$0, VIRTIO_MMIO_DRIVER_FEATURES_SEL(%rbx)
	movl	$0, VIRTIO_MMIO_DRIVER_FEATURES(%rbx)
	movl	$S_FEATURES_OK, VIRTIO_MMIO_STATUS(%rbx)
	movl	$0, VIRTIO_MMIO_QUEUE_SEL(%rbx)
	movl	$VQ_SIZE, VIRTIO_MMIO_QUEUE_NUM(%rbx)
	mov	%r12d, VIRTIO_MMIO_QUEUE_DESC_LOW(%rbx)
	movl	$0, VIRTIO_MMIO_QUEUE_DESC_HIGH(%rbx)
	lea	0x100(%r12), %eax
	mov	%eax, VIRTIO_MMIO_QUEUE_AVAIL_LOW(%rbx)
	movl	$0, VIRTIO_MMIO_QUEUE_AVAIL_HIGH(%rbx)
	lea	0x200(%r12), %eax
	mov	%eax, VIRTIO_MMIO_QUEUE_USED_LOW(%rbx)
	movl	$0, VIRTIO_MMIO_QUEUE_USED_HIGH(%rbx)
	movl	$1, VIRTIO_MMIO_QUEUE_READY(%rbx)
	movl	$S_DRIVER_OK, VIRTIO_MMIO_STATUS(%rbx)
	ret

/* Offer chain 0 (avail ring[0] = 0, idx = 1) and ring the doorbell. */
vq_offer:
	movw	$0, 0x104(%r12)
	movw	$1, 0x102(%r12)
	movl	$0, VIRTIO_MMIO_QUEUE_NOTIFY(%rbx)
	ret

/* ZF clear when the device at %rbx says DEVICE_NEEDS_RESET. */
check_reset:
	testl	$S_NEEDS_RESET, VIRTIO_MMIO_STATUS(%rbx)
	ret

/* A well-formed read of sector 0; ZF set when used idx is 1, status OK. */
read_sector0:
	movl	$0, 0x1000(%r12)		/* VIRTIO_BLK_T_IN */
	movq	$0, 0x1008(%r12)		/* sector 0 */
	movb	$0xff, 0x1300(%r12)
	lea	0x1000(%r12), %rax
	mov	%rax, 0(%r12)
	movl	$16, 8(%r12)
	movw	$D_NEXT, 12(%r12)
	movw	$1, 14(%r12)
	lea	0x1100(%r12), %rax
	mov	%rax, 16(%r12)
	movl	$512, 24(%r12)
	movw	$D_NEXT | D_WRITE, 28(%r12)
	movw	$2, 30(%r12)
	lea	0x1300(%r12), %rax
	mov	%rax, 32(%r12)
	movl	$1, 40(%r12)
	movw	$D_WRITE, 44(%r12)
	call	vq_offer
	cmpw	$1, 0x202(%r12)			/* used idx */
	jne	1f
	cmpb	$0, 0x1300(%r12)		/* VIRTIO_BLK_S_OK */
1:	ret

/* After an attack on disk 0: reset it, then it must serve a good read. */
good_read:
	call	vq_setup
	call	read_sector0
	jnz	1f
	puts	vh_again_ok
	ret
1:	puts	vh_again_bad
	ret

vh_loop_ok:	.asciz	"ok: a descriptor loop put disk 0 in DEVICE_NEEDS_RESET\n"
vh_loop_bad:	.asciz	"FAIL: a descriptor loop did not reset disk 0\n"
vh_addr_ok:	.asciz	"ok: a buffer outside guest RAM put disk 0 in DEVICE_NEEDS_RESET\n"
vh_addr_bad:	.asciz	"FAIL: a buffer outside guest RAM did not reset disk 0\n"
vh_idx_ok:	.asciz	"ok: an avail index 100 ahead put disk 0 in DEVICE_NEEDS_RESET\n"
vh_idx_bad:	.asciz	"FAIL: an avail index 100 ahead did not reset disk 0\n"
vh_again_ok:	.asciz	"ok: reset by the driver, disk 0 serves a good read again\n"
vh_again_bad:	.asciz	"FAIL: after a reset, disk 0 does not serve a good read\n"
vh_other_ok:	.asciz	"ok: disk 1 reads its sector 0 untouched\n"
vh_other_bad:	.asciz	"FAIL: disk 1 does not serve a good read\n"
vh_no_disks:	.asciz	"virtio-hostile: needs two virtio-blk disks (--disk A --disk B)\n"
guest_virtio_hostile_end:

	.section .note.GNU-stack, "", @progbits
