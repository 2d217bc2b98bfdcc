/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz targets of the extractors: a cell as every extractor promises it
 * (leaktriage/scanner.h), checked, and folded into a hash so that the two
 * runs of one input (in memory, and read in odd pieces) can be compared.
 */
#ifndef LT_TEST_FUZZ_CELLS_H
#define LT_TEST_FUZZ_CELLS_H

#include <stdlib.h>
#include <string.h>

#include "leaktriage/json.h"
#include "leaktriage/scanner.h"

/* NUL-terminated with no NUL inside, valid UTF-8, a hint no higher than
 * max, a date cell as YYYY-MM-DD; abort() otherwise. */
static inline void fz_cell(const struct lt_cell *cell,
			   enum lt_cell_hint max, uint64_t *hash)
{
	size_t j;

	if (cell->text[cell->len] || memchr(cell->text, 0, cell->len) ||
	    cell->hint > max || !lt_utf8_valid(cell->text, cell->len))
		abort();
	if (cell->hint == LT_CELL_DATE &&
	    (cell->len != 10 || cell->text[4] != '-' || cell->text[7] != '-'))
		abort();
	for (j = 0; j < cell->len; j++)
		*hash = *hash * 131 + (uint8_t)cell->text[j];
	*hash = *hash * 131 + 0x1f + cell->hint;
}

#endif
