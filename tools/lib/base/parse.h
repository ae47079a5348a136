/* SPDX-License-Identifier: GPL-2.0 */
/* Strict parsers for command-line values: the whole string or an error. */
#ifndef ISOLENS_PARSE_H
#define ISOLENS_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* "512", "64K", "256M", "2G" (binary units) into bytes. */
int parse_size(const char *s, uint64_t *bytes);

/* Decimal unsigned integer in [min, max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* "30", "1.5", "90s", "2m" into milliseconds. */
int parse_duration_ms(const char *s, uint64_t *ms);

/*
 * Call @item on each item of the comma-separated @list, empty items
 * skipped, until one returns non-zero: that is returned.  The items are
 * cut in @buf, of @size bytes: -EINVAL for a list that is empty or does
 * not fit.
 */
int parse_list(const char *list, char *buf, size_t size,
	       int (*item)(char *tok, void *arg), void *arg);

#endif
