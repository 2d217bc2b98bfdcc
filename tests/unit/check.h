/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny unit-test helper: CHECK(expr) reports file:line and goes on;
 * the program's exit status is the number of failed checks (capped).
 */
#ifndef LT_TEST_CHECK_H
#define LT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(expr)                                                      \
	do {                                                             \
		if (!(expr)) {                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n",     \
				__FILE__, __LINE__, #expr);              \
			check_failures++;                                \
		}                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                  \
	do {                                                             \
		const char *check_a_ = (a), *check_b_ = (b);             \
		if (strcmp(check_a_, check_b_)) {                        \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n",         \
				__FILE__, __LINE__, check_a_, check_b_); \
			check_failures++;                                \
		}                                                        \
	} while (0)

#define CHECK_DONE() return check_failures > 100 ? 100 : check_failures

#endif
