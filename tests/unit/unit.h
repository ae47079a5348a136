/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test harness: each tests/unit/test_<concern>.c is one
 * binary whose main() calls RUN(test_fn) for each test, then UNIT_DONE().
 * It prints "ok"/"not ok" lines (TAP) and exits non-zero on any failure.
 */
#ifndef ISOLENS_UNIT_H
#define ISOLENS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_run, unit_failed, unit_cur_failed;

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, \
			       __LINE__, #cond);                          \
			unit_cur_failed = 1;                              \
		}                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long _a = (long long)(a), _b = (long long)(b);      \
		if (_a != _b) {                                          \
			printf("#   %s:%d: %s == %lld, expected %lld\n", \
			       __FILE__, __LINE__, #a, _a, _b);          \
			unit_cur_failed = 1;                             \
		}                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *_a = (a), *_b = (b);                             \
		if (!_a || strcmp(_a, _b)) {                                 \
			printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", \
			       __FILE__, __LINE__, #a, _a ? _a : "(null)",   \
			       _b);                                          \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define RUN(fn)                                                         \
	do {                                                            \
		unit_cur_failed = 0;                                    \
		fn();                                                   \
		unit_run++;                                             \
		unit_failed += unit_cur_failed;                         \
		printf("%sok %d - %s\n", unit_cur_failed ? "not " : "", \
		       unit_run, #fn);                                  \
	} while (0)

#define UNIT_DONE()                          \
	do {                                 \
		printf("1..%d\n", unit_run); \
		return unit_failed ? 1 : 0;  \
	} while (0)

#endif
