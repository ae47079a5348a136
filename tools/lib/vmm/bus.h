/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An address-range dispatcher shared by the port-I/O and MMIO buses.  The
 * range table is fixed before the first KVM_RUN and only read afterwards,
 * so vCPU threads look it up without a lock.  An access that no device
 * claims is counted and ignored (reads see all-ones, as on an open bus):
 * what the guest pokes at is its own business, never a reason to crash.
 */
#ifndef ISOLENS_VMM_BUS_H
#define ISOLENS_VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/errbuf.h"

#define BUS_MAX_RANGES 16
#define BUS_MAX_ACCESS 8 /* bytes: the widest MMIO access KVM reports */

/* @offset is relative to the range base; @data holds @size bytes, LE. */
typedef void bus_access_fn(void *opaque, uint64_t offset, bool is_write,
			   uint8_t *data, unsigned int size);

struct bus_range {
	uint64_t base, len;
	const char *name;
	bus_access_fn *access;
	void *opaque;
};

struct bus {
	const char *kind; /* "port" or "mmio", for messages */
	uint64_t limit; /* every address is below this */
	unsigned int nr;
	struct bus_range ranges[BUS_MAX_RANGES];
	uint64_t handled, unknown, invalid; /* updated atomically */
};

void bus_init(struct bus *bus, const char *kind, uint64_t limit);

/* -EINVAL for an empty, out-of-limit or overlapping range, -ENOSPC if full. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_access_fn *access, void *opaque, struct errbuf *eb);

/* The range holding all of [addr, addr+size), or NULL. */
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr,
				 unsigned int size);

/*
 * Perform one access.  Returns the name of the device that handled it, or
 * NULL when none did (counted in bus->unknown; a read returns all-ones).
 */
const char *bus_access(struct bus *bus, uint64_t addr, bool is_write,
		       uint8_t *data, unsigned int size);

#endif
