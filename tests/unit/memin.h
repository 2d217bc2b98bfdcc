/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: an lt_scan_input read() over memory that returns at most
 * `step` bytes per call, so chunk boundaries land anywhere.
 */
#ifndef LT_TEST_MEMIN_H
#define LT_TEST_MEMIN_H

#include "leaktriage/scanner.h"

struct mem {
	const uint8_t *p;
	size_t len;
	size_t step;
};

static int mem_read(void *src, uint64_t off, void *buf, size_t len,
		    size_t *got, struct lt_err *err)
{
	struct mem *m = src;
	size_t n;

	(void)err;
	if (off >= m->len) {
		*got = 0;
		return 0;
	}
	n = LT_MIN(len, m->len - (size_t)off);
	n = LT_MIN(n, m->step);
	memcpy(buf, m->p + off, n);
	*got = n;
	return 0;
}

#endif
