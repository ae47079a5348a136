// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end) {
		end++;
		/* accept "64M", "64MB", "64MiB" */
		if (!strcasecmp(end, "b") || !strcasecmp(end, "ib"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *ms)
{
	double v, scale = 1000.0;
	char *end;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || v < 0)
		return -ERANGE;
	if (!strcmp(end, "ms"))
		scale = 1.0;
	else if (!strcmp(end, "m"))
		scale = 60000.0;
	else if (!strcmp(end, "h"))
		scale = 3600000.0;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	if (v * scale > 1e15)
		return -ERANGE;
	*ms = (uint64_t)(v * scale + 0.5);
	return 0;
}

int parse_list(const char *list, char *buf, size_t size,
	       int (*item)(char *tok, void *arg), void *arg)
{
	char *tok, *save = NULL;
	int err;

	if (!list || !*list || strlen(list) >= size)
		return -EINVAL;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		err = item(tok, arg);
		if (err)
			return err;
	}
	return 0;
}
