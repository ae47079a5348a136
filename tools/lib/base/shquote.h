/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLENS_SHQUOTE_H
#define ISOLENS_SHQUOTE_H

#include <stdio.h>

/*
 * Write @s to @out as one POSIX shell word: single-quoted, with each '
 * written as '\''.  Used for the scripts isolens hands to guest inits.
 */
void shell_quote_fput(FILE *out, const char *s);

#endif
