/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Libraries never print and never exit: they return -errno and describe the
 * failure in a struct errbuf, and the CLI decides how to tell the user.
 */
#ifndef ISOLENS_ERRBUF_H
#define ISOLENS_ERRBUF_H

#include <stddef.h>

struct errbuf {
	int err; /* positive errno, or 0 */
	char msg[512];
};

/* Record a message and return -err, so callers can "return errbuf_set(...)". */
int errbuf_set(struct errbuf *eb, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, appending ": strerror(err)". */
int errbuf_errno(struct errbuf *eb, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
