// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <string.h>

#include "base/json.h"

/* The length of the valid UTF-8 sequence at @s (of @n bytes), else 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2) /* a continuation byte, or an overlong pair */
		return 0;
	if (s[0] < 0xe0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] < 0xf5) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Hand @n bytes of @s to @put in runs: as they are, or escaped. */
static void escape(const char *s, size_t n,
		   void (*put)(void *ctx, const char *p, size_t len), void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	char e[6];

	while (i < n) {
		if (u[i] >= 0x20 && u[i] != '"' && u[i] != '\\' &&
		    u[i] != 0x7f) {
			k = utf8_len(u + i, n - i);
			if (k) {
				i += k;
				continue;
			}
		}
		put(ctx, s + run, i - run);
		if (u[i] == '"' || u[i] == '\\') {
			e[0] = '\\';
			e[1] = s[i];
			put(ctx, e, 2);
		} else {
			memcpy(e, "\\u00", 4);
			e[4] = hex[u[i] >> 4];
			e[5] = hex[u[i] & 0xf];
			put(ctx, e, 6);
		}
		run = ++i;
	}
	put(ctx, s + run, i - run);
}

static void put_file(void *ctx, const char *p, size_t len)
{
	if (len)
		fwrite(p, 1, len, ctx);
}

void json_escape(FILE *out, const char *s)
{
	escape(s, strlen(s), put_file, out);
}

void json_quote(FILE *out, const char *s)
{
	fputc('"', out);
	json_escape(out, s);
	fputc('"', out);
}

struct json_buf {
	char *buf;
	size_t len, pos; /* pos counts what did not fit too */
};

static void put_buf(void *ctx, const char *p, size_t len)
{
	struct json_buf *b = ctx;
	size_t room = b->pos + 1 < b->len ? b->len - 1 - b->pos : 0;

	if (room)
		memcpy(b->buf + b->pos, p, len < room ? len : room);
	b->pos += len;
}

size_t json_escape_buf(char *buf, size_t len, const char *s, size_t max)
{
	struct json_buf b = { .buf = buf, .len = len };

	escape(s, strnlen(s, max), put_buf, &b);
	if (len)
		buf[b.pos < len ? b.pos : len - 1] = '\0';
	return b.pos;
}
