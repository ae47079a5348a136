// SPDX-License-Identifier: GPL-2.0
#include "shquote.h"

void shell_quote_fput(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}
