// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text extractor on arbitrary bytes, read back through small reads of
 * odd sizes (so chunk boundaries fall inside multibyte sequences and
 * records) and again through in->data: both runs must give the same
 * result, every cell must be valid NUL-terminated UTF-8, rows must come in
 * order, and the sink calls must pair up.
 */
#include "triage/core/compat.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "tests/fuzz/cells.h"
#include "tests/unit/memin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	int begins, ends;
	uint64_t rows, cells, bytes, last_row, hash;
};

static int c_begin(const char *sheet, void *u)
{
	struct count *c = u;

	if (c->begins++ || *sheet)
		abort();
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct count *c = u;
	size_t i;

	if (c->begins != 1 || c->ends || !r->count ||
	    r->count > LT_TEXT_MAX_FIELDS || r->row <= c->last_row)
		abort();
	c->last_row = r->row;
	c->rows++;
	c->hash = c->hash * 31 + r->row;
	for (i = 0; i < r->count; i++) {
		const struct lt_cell *cell = &r->cells[i];

		fz_cell(cell, LT_CELL_TEXT, &c->hash);
		c->cells++;
		c->bytes += cell->len;
	}
	return 0;
}

static int c_end(void *u)
{
	struct count *c = u;

	if (c->begins != 1 || c->ends++)
		abort();
	return 0;
}

static int run(const uint8_t *data, size_t size, size_t step,
	       struct count *c, struct lt_extract_info *info,
	       struct lt_err *err)
{
	struct mem m = { data, size, step };
	/* in->size is only a hint when streaming: give a wrong one */
	struct lt_scan_input in = { "fuzz", step ? size / 2 : size,
				    step ? NULL : data, mem_read, &m };
	struct lt_extract_sink sink = { c_begin, c_row, c_end, c };
	int rc;

	memset(c, 0, sizeof(*c));
	rc = lt_extract_text(&in, &sink, info, err);
	if (rc != (int)err->code || strchr(err->msg, '\n'))
		abort();
	if (c->begins != c->ends || c->rows != info->rows)
		abort();
	if (!rc && c->begins != 1)
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_extract_info i1, i2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	struct count c1, c2;
	size_t step = 1 + (size % 3) * 3 + (size % 2) * 4; /* 1..11, odd */
	int rc1, rc2;

	rc1 = run(data, size, step | 1, &c1, &i1, &e1);
	rc2 = run(data, size, 0, &c2, &i2, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg) || c1.rows != c2.rows ||
	    c1.cells != c2.cells || c1.bytes != c2.bytes ||
	    c1.hash != c2.hash || strcmp(i1.encoding, i2.encoding) ||
	    strcmp(i1.layout, i2.layout))
		abort();
	/* after an error, decoding may have gone further in one of them */
	if (!rc1 && (i1.bad_lines != i2.bad_lines ||
		     strcmp(i1.warning, i2.warning)))
		abort();
	(void)lt_text_probe(data, size);
	return 0;
}
