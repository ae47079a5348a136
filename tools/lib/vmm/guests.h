/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The teaching guests (guest_code.S): flat code the VMM copies to
 * BOOT_GUEST_ADDR and enters directly, in real mode or in 64-bit mode.
 */
#ifndef ISOLENS_VMM_GUESTS_H
#define ISOLENS_VMM_GUESTS_H

#define GUEST_LOAD 0x1000 /* == BOOT_GUEST_ADDR */
#define GUEST_MEM 0x80000 /* 512 KiB of RAM */
#define GUEST_MMIO_HOLE 0xd0000 /* nothing backs this address */
#define GUEST_MSR 0x4e4c5349 /* "ISLN": unknown to KVM, answered by us */
#define GUEST_MSR_VALUE 0x21736e656c6f7369ULL /* "isolens!" */
#define GUEST_UNKNOWN_PORT 0x1234

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

enum guest_mode { GUEST_REAL, GUEST_LONG };

struct guest {
	const char *name; /* described in vmm_guests[] (guests.c) */
	enum guest_mode mode;
	bool user_msr; /* wants unknown MSRs forwarded to the VMM */
	bool seeded; /* takes a per-run random seed in %rbp */
	const uint8_t *start, *end;
};

extern const uint8_t guest_hello_real_start[], guest_hello_real_end[];
extern const uint8_t guest_hello_long_start[], guest_hello_long_end[];
extern const uint8_t guest_exits_start[], guest_exits_end[];
extern const uint8_t guest_hostile_start[], guest_hostile_end[];
extern const uint8_t guest_virtio_hostile_start[], guest_virtio_hostile_end[];

const struct guest *guest_find(const char *name);
#endif

#endif
