/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON string escaping (RFC 8259), the one escaper every JSON writer uses.
 *
 * '"' and '\' are backslashed; control characters (below 0x20, and DEL)
 * are written as \u00XX; valid UTF-8 passes through intact; a byte that is
 * not part of valid UTF-8 (a name cut mid-character, say) is written as
 * \u00XX too, so the output is valid JSON in valid UTF-8 whatever the input
 * and no byte is lost.
 */
#ifndef ISOLENS_BASE_JSON_H
#define ISOLENS_BASE_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write @s escaped to @out, without quotes: the body of a JSON string. */
void json_escape(FILE *out, const char *s);
/* Write @s to @out as a quoted JSON string. */
void json_quote(FILE *out, const char *s);
/*
 * Escape the first @max bytes of @s, or up to its NUL, into @buf of @len
 * bytes, without quotes.  The result is NUL-terminated and truncated,
 * never overrun (with @len 0 nothing is written).  Returns the length of
 * the whole escaped string, as snprintf() does.
 */
size_t json_escape_buf(char *buf, size_t len, const char *s, size_t max);

#endif
