/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Records as the case database keeps them (schema 4): one row of table
 * record_block per run of up to a few thousand records of one file and
 * sheet, the records packed in its data blob.  One SQLite row per record
 * cost about 1 us each in the single writer thread, 7 s for the 7 million
 * records of the benchmark image; a block costs one row.
 *
 * A packed record, in order (LEB128 = unsigned little-endian base 128,
 * 7 bits a byte, high bit set on all but the last byte):
 *
 *   row     LEB128, the row number in its sheet (as extracted)
 *   elems   LEB128, the element bitmask (enum lt_elem bits)
 *   has     one byte, bit k set when key k (enum lt_key_kind) is present
 *   keys    16 bytes (the first 16 of HMAC-SHA-256) for each bit of has,
 *           lowest bit first
 *
 * Nothing else: no raw value is ever stored.  tests/e2e/scan/keyed-hash.sh
 * decodes blocks in Python from this description.
 */
#ifndef LEAKTRIAGE_RECBLOCK_H
#define LEAKTRIAGE_RECBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "leaktriage/buf.h"
#include "leaktriage/table.h"

#define LT_RECBLOCK_KEY_LEN 16
#define LT_RECBLOCK_MAX 4096 /* records per block (a writer's choice) */

struct lt_recpacked {
	uint64_t row;
	uint32_t elems;
	uint8_t has; /* bit per key kind */
	uint8_t keys[LT_KEY_COUNT][LT_RECBLOCK_KEY_LEN];
};

/* Append r to b (lt_buf errors are sticky: check lt_buf_status). */
void lt_recblock_put(struct lt_buf *b, const struct lt_recpacked *r);

/*
 * Decode the record at *p (not past end) into r and advance *p.  Returns
 * 1 for a record, 0 at the end, -1 for a malformed block (truncated, a
 * number too long, has bits past LT_KEY_COUNT).
 */
int lt_recblock_next(const uint8_t **p, const uint8_t *end,
		     struct lt_recpacked *r);

#endif
