/* SPDX-License-Identifier: GPL-2.0 */
/* Small macros and helpers every room uses: each has its one home here. */
#ifndef ISOLENS_BASE_UTIL_H
#define ISOLENS_BASE_UTIL_H

#include <stdint.h>

/* The number of elements of array @a (not of a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Little-endian fields at any alignment (firmware tables, on-disk data). */
static inline uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
