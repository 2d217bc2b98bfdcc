// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packing and unpacking of record blocks (include/leaktriage/recblock.h).
 */
#include "triage/core/compat.h"
#include "leaktriage/recblock.h"

static void put_leb(struct lt_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	lt_buf_add(b, tmp, n);
}

static int get_leb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	unsigned shift = 0;

	*v = 0;
	while (q < end) {
		uint8_t c = *q++;

		if (shift == 63 && (c & 0x7e))
			return -1; /* past 64 bits */
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*p = q;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -1;
	}
	return -1;
}

void lt_recblock_put(struct lt_buf *b, const struct lt_recpacked *r)
{
	uint8_t has = r->has & (uint8_t)((1u << LT_KEY_COUNT) - 1);
	int k;

	put_leb(b, r->row);
	put_leb(b, r->elems);
	lt_buf_add(b, &has, 1);
	for (k = 0; k < LT_KEY_COUNT; k++)
		if (has & (1u << k))
			lt_buf_add(b, r->keys[k], LT_RECBLOCK_KEY_LEN);
}

int lt_recblock_next(const uint8_t **p, const uint8_t *end,
		     struct lt_recpacked *r)
{
	const uint8_t *q = *p;
	uint64_t v;
	int k;

	if (q >= end)
		return 0;
	if (get_leb(&q, end, &r->row) || get_leb(&q, end, &v) ||
	    v > UINT32_MAX || q >= end)
		return -1;
	r->elems = (uint32_t)v;
	r->has = *q++;
	if (r->has >> LT_KEY_COUNT)
		return -1;
	for (k = 0; k < LT_KEY_COUNT; k++) {
		if (!(r->has & (1u << k)))
			continue;
		if ((size_t)(end - q) < LT_RECBLOCK_KEY_LEN)
			return -1;
		memcpy(r->keys[k], q, LT_RECBLOCK_KEY_LEN);
		q += LT_RECBLOCK_KEY_LEN;
	}
	*p = q;
	return 1;
}
