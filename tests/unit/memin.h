/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit and fuzz tests: an lt_scan_input read() over memory that returns
 * at most `step` bytes per call, so chunk boundaries land anywhere; and
 * mem_slurp(), a test file read whole.
 */
#ifndef LT_TEST_MEMIN_H
#define LT_TEST_MEMIN_H

#include <stdio.h>
#include <stdlib.h>

#include "leaktriage/scanner.h"

struct mem {
	const uint8_t *p;
	size_t len;
	size_t step;
};

static inline int mem_read(void *src, uint64_t off, void *buf, size_t len,
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

/* The file at path, malloc'ed; NULL (and *len 0) when it cannot be read. */
static inline uint8_t *mem_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	*len = 0;
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (p && n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p)
		*len = (size_t)n;
	return p;
}

#endif
