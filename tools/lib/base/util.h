/* SPDX-License-Identifier: GPL-2.0 */
/* Small macros every room uses: each has its one home here. */
#ifndef ISOLENS_BASE_UTIL_H
#define ISOLENS_BASE_UTIL_H

/* The number of elements of array @a (not of a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
