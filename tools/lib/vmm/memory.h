/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM: one anonymous mapping registered with KVM at guest-physical 0.
 * The VMM reaches guest memory only through guest_ptr(), which refuses any
 * range that is not entirely inside RAM (the guest chooses those addresses).
 */
#ifndef ISOLENS_VMM_MEMORY_H
#define ISOLENS_VMM_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"

/* RAM stays below the 32-bit PCI/APIC hole, so one slot is enough. */
#define GUEST_MEM_MIN (1ULL << 16)
#define GUEST_MEM_MAX (3ULL << 30)

struct guest_mem {
	uint8_t *hva;
	uint64_t size;
};

int guest_mem_alloc(struct guest_mem *mem, uint64_t size, struct errbuf *eb);
void guest_mem_free(struct guest_mem *mem);

/* Host pointer for [gpa, gpa+len), or NULL if any byte is outside RAM. */
void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Copy into guest RAM; -EFAULT with a message if out of range. */
int guest_write(const struct guest_mem *mem, uint64_t gpa, const void *src,
		uint64_t len, struct errbuf *eb);

#endif
