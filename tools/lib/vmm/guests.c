// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "base/util.h"
#include "vmm/guests.h"
#include "vmm/vmm.h"

/* Names and descriptions, for the CLI; same order as guests[] below. */
const struct vmm_guest_desc vmm_guests[] = {
	{ "hello-real",
	  "real mode: OUT a string to the serial port, then HLT" },
	{ "hello-long",
	  "64-bit mode entered directly (VMM-built GDT and page tables)" },
	{ "exits",
	  "one of each exit: port I/O, MMIO, CPUID, RDMSR, unknown port, HLT" },
	{ "hostile", "random writes to random ports and MMIO addresses" },
	{ "virtio-hostile",
	  "a lying virtio driver: descriptor loop, buffer outside RAM, bad avail index (--disk A --disk B)" },
};
const unsigned int vmm_nr_guests = ARRAY_SIZE(vmm_guests);

static const struct guest guests[] = {
	{ .name = "hello-real",
	  .mode = GUEST_REAL,
	  .start = guest_hello_real_start,
	  .end = guest_hello_real_end },
	{ .name = "hello-long",
	  .mode = GUEST_LONG,
	  .start = guest_hello_long_start,
	  .end = guest_hello_long_end },
	{ .name = "exits",
	  .mode = GUEST_REAL,
	  .user_msr = true,
	  .start = guest_exits_start,
	  .end = guest_exits_end },
	{ .name = "hostile",
	  .mode = GUEST_LONG,
	  .seeded = true, /* different junk every run */
	  .start = guest_hostile_start,
	  .end = guest_hostile_end },
	{ .name = "virtio-hostile",
	  .mode = GUEST_LONG,
	  .start = guest_virtio_hostile_start,
	  .end = guest_virtio_hostile_end },
};

_Static_assert(ARRAY_SIZE(guests) == ARRAY_SIZE(vmm_guests),
	       "every teaching guest needs a description");

const struct guest *guest_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(guests); i++)
		if (!strcmp(guests[i].name, name))
			return &guests[i];
	return NULL;
}

bool vmm_guest_known(const char *name)
{
	return guest_find(name) != NULL;
}
