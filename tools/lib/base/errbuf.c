// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"

static int errbuf_vset(struct errbuf *eb, int err, int with_errno,
		       const char *fmt, va_list ap)
{
	size_t len;

	if (err < 0)
		err = -err;
	if (!eb)
		return -err;
	eb->err = err;
	vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	len = strlen(eb->msg);
	if (with_errno && len < sizeof(eb->msg))
		snprintf(eb->msg + len, sizeof(eb->msg) - len, ": %s",
			 strerror(err));
	return -err;
}

int errbuf_set(struct errbuf *eb, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = errbuf_vset(eb, err, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int errbuf_errno(struct errbuf *eb, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = errbuf_vset(eb, err, 1, fmt, ap);
	va_end(ap);
	return ret;
}
