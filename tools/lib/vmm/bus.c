// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "vmm/bus.h"

void bus_init(struct bus *bus, const char *kind, uint64_t limit)
{
	memset(bus, 0, sizeof(*bus));
	bus->kind = kind;
	bus->limit = limit;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_access_fn *access, void *opaque, struct errbuf *eb)
{
	unsigned int i;

	if (!len || base >= bus->limit || len > bus->limit - base || !access)
		return errbuf_set(eb, EINVAL,
				  "%s range 0x%llx+%llu (%s) is invalid",
				  bus->kind, (unsigned long long)base,
				  (unsigned long long)len, name);
	for (i = 0; i < bus->nr; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (base < r->base + r->len && r->base < base + len)
			return errbuf_set(
				eb, EINVAL,
				"%s range 0x%llx+%llu (%s) overlaps %s",
				bus->kind, (unsigned long long)base,
				(unsigned long long)len, name, r->name);
	}
	if (bus->nr == BUS_MAX_RANGES)
		return errbuf_set(eb, ENOSPC, "%s bus is full", bus->kind);
	bus->ranges[bus->nr++] = (struct bus_range){
		.base = base,
		.len = len,
		.name = name,
		.access = access,
		.opaque = opaque,
	};
	return 0;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr,
				 unsigned int size)
{
	unsigned int i;

	if (!size || size > BUS_MAX_ACCESS || addr >= bus->limit ||
	    size > bus->limit - addr)
		return NULL;
	for (i = 0; i < bus->nr; i++) {
		const struct bus_range *r = &bus->ranges[i];

		/* the whole access must fall inside one device */
		if (addr >= r->base && addr - r->base < r->len &&
		    size <= r->len - (addr - r->base))
			return r;
	}
	return NULL;
}

const char *bus_access(struct bus *bus, uint64_t addr, bool is_write,
		       uint8_t *data, unsigned int size)
{
	const struct bus_range *r;

	if (!size || size > BUS_MAX_ACCESS) {
		__atomic_fetch_add(&bus->invalid, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	r = bus_find(bus, addr, size);
	if (!r) {
		__atomic_fetch_add(&bus->unknown, 1, __ATOMIC_RELAXED);
		if (!is_write)
			memset(data, 0xff, size);
		return NULL;
	}
	__atomic_fetch_add(&bus->handled, 1, __ATOMIC_RELAXED);
	if (!is_write)
		memset(data, 0, size); /* devices fill only what they model */
	r->access(r->opaque, addr - r->base, is_write, data, size);
	return r->name;
}
