// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole xls extraction on arbitrary bytes, freexl included: what
 * scan.c runs for LT_KIND_XLS (lt_extract_xls()), through in->data and
 * through short reads of odd sizes, which must agree exactly.  Whatever
 * passes our checks reaches freexl, which is not instrumented: a crash in
 * it shows as a SEGV or an ASan report in its memcpy/memset calls, an
 * endless loop as a timeout.
 *
 * Sheet names and cells must be valid NUL-terminated UTF-8 with a valid
 * hint (dates as YYYY-MM-DD), rows numbered upwards from 1 with a
 * non-empty last cell, the sink calls paired, the counts in info those
 * the sink saw, and messages one NUL-terminated line of UTF-8.
 *
 * Input that is not a compound file is taken as a Workbook stream and
 * wrapped in one (version 3, the stream padded with zeros to 4096 bytes so
 * that it lies in regular sectors; zeros are freexl's end mark), so that
 * mutations reach the BIFF records without breaking the container.  The
 * seeds (tests/fuzz/corpus/xls/) are the small workbooks of
 * tests/unit/data/xls and tests/unit/data/protect, and a few Workbook
 * streams taken out of them.
 */
#include "triage/core/compat.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "tests/fuzz/cells.h"
#include "tests/unit/memin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	int begins, ends;
	uint64_t rows, cells, hash, last_row;
	char sheet[256];
};

static int c_begin(const char *sheet, void *u)
{
	struct count *c = u;
	size_t n = strlen(sheet);

	if (c->begins != c->ends || !lt_utf8_valid(sheet, n))
		abort();
	c->begins++;
	c->last_row = 0;
	snprintf(c->sheet, sizeof(c->sheet), "%s", sheet);
	c->hash = c->hash * 31 + n;
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct count *c = u;
	size_t i;

	if (c->begins != c->ends + 1 || !r->count || r->count > 0x10000 ||
	    !r->sheet || strncmp(r->sheet, c->sheet, sizeof(c->sheet) - 1) ||
	    r->row <= c->last_row || !r->cells[r->count - 1].len)
		abort();
	c->last_row = r->row;
	c->rows++;
	c->hash = c->hash * 31 + r->row;
	for (i = 0; i < r->count; i++) {
		const struct lt_cell *cell = &r->cells[i];

		fz_cell(cell, LT_CELL_DATE, &c->hash);
		c->cells++;
	}
	return 0;
}

static int c_end(void *u)
{
	struct count *c = u;

	if (c->begins != c->ends + 1)
		abort();
	c->ends++;
	return 0;
}

static void check_msg(const char *s, size_t cap)
{
	if (!memchr(s, 0, cap) || strchr(s, '\n') ||
	    !lt_utf8_valid(s, strlen(s)))
		abort();
}

static int run(const uint8_t *data, size_t size, size_t step,
	       struct count *c, struct lt_extract_info *info,
	       struct lt_err *err)
{
	struct mem m = { data, size, step };
	struct lt_scan_input in = { "fuzz", size, step ? NULL : data,
				    mem_read, &m };
	struct lt_extract_sink sink = { c_begin, c_row, c_end, c };
	int rc;

	memset(c, 0, sizeof(*c));
	lt_err_clear(err);
	rc = lt_extract_xls(&in, &sink, info, err);
	check_msg(err->msg, sizeof(err->msg));
	check_msg(info->warning, sizeof(info->warning));
	if (!memchr(info->layout, 0, sizeof(info->layout)) ||
	    !memchr(info->encoding, 0, sizeof(info->encoding)))
		abort();
	if (rc != (int)err->code || (rc && !err->msg[0]))
		abort();
	/* our sink never stops it: every table_begin has its table_end */
	if (c->begins != c->ends || c->rows != info->rows ||
	    (uint64_t)c->begins != info->tables)
		abort();
	return rc;
}

static void extract(const uint8_t *data, size_t size)
{
	struct lt_extract_info i1, i2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	struct count c1, c2;
	size_t step = 1 + (size % 5) * 2 + (size % 3) * 1000; /* odd */
	int rc1, rc2;

	rc1 = run(data, size, 0, &c1, &i1, &e1);
	rc2 = run(data, size, step, &c2, &i2, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg) || c1.rows != c2.rows ||
	    c1.cells != c2.cells || c1.hash != c2.hash ||
	    strcmp(i1.warning, i2.warning) || strcmp(i1.layout, i2.layout) ||
	    strcmp(i1.encoding, i2.encoding))
		abort();
}

/* --- a Workbook stream in a compound file --------------------------------- */

#define SEC 512u
#define ENDOFCHAIN 0xfffffffeu
#define FATSECT 0xfffffffdu
#define FREESECT 0xffffffffu

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void dir_entry(uint8_t *e, const char *name, unsigned type,
		      uint32_t child, uint32_t start, uint32_t size)
{
	size_t i;

	for (i = 0; name[i]; i++)
		put16(e + 2 * i, (uint8_t)name[i]);
	put16(e + 64, (uint32_t)(2 * (i + 1)));
	e[66] = (uint8_t)type;
	e[67] = 1; /* black */
	put32(e + 68, FREESECT);
	put32(e + 72, FREESECT);
	put32(e + 76, child);
	put32(e + 116, start);
	put32(e + 120, size);
}

/* The compound file around stream (len bytes): malloc'd, *out bytes;
 * NULL when it would need more FAT sectors than the header lists. */
static uint8_t *wrap(const uint8_t *stream, size_t len, size_t *out)
{
	size_t slen = LT_MAX(len, (size_t)4096);
	uint32_t per = SEC / 4, ns = (uint32_t)((slen + SEC - 1) / SEC);
	uint32_t nf, dir, i;
	uint8_t *p, *fat;

	if (len > (size_t)8 << 20)
		return NULL;
	for (nf = 1; (uint64_t)nf * per < (uint64_t)ns + nf + 1; nf++)
		;
	if (nf > 109)
		return NULL;
	dir = ns + nf;
	*out = (size_t)SEC * (dir + 2);
	p = calloc(1, *out);
	if (!p)
		return NULL;
	memcpy(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	put16(p + 0x18, 0x3e);
	put16(p + 0x1a, 3);
	put16(p + 0x1c, 0xfffe);
	put16(p + 0x1e, 9);
	put16(p + 0x20, 6);
	put32(p + 0x2c, nf);
	put32(p + 0x30, dir);
	put32(p + 0x38, 4096);
	put32(p + 0x3c, ENDOFCHAIN);
	put32(p + 0x44, ENDOFCHAIN);
	for (i = 0; i < 109; i++)
		put32(p + 0x4c + 4 * i, i < nf ? ns + i : FREESECT);
	memcpy(p + SEC, stream, len);
	fat = p + SEC + (size_t)ns * SEC;
	for (i = 0; i < nf * per; i++)
		put32(fat + 4 * i, i + 1 < ns    ? i + 1
				   : i + 1 == ns ? ENDOFCHAIN
				   : i < dir     ? FATSECT
				   : i == dir    ? ENDOFCHAIN
						 : FREESECT);
	dir_entry(p + SEC + (size_t)dir * SEC, "Root Entry", 5, 1, ENDOFCHAIN,
		  0);
	dir_entry(p + SEC + (size_t)dir * SEC + 128, "Workbook", 2, FREESECT,
		  0, (uint32_t)slen);
	for (i = 2; i < SEC / 128; i++) {
		uint8_t *e = p + SEC + (size_t)dir * SEC + 128 * i;

		put32(e + 68, FREESECT);
		put32(e + 72, FREESECT);
		put32(e + 76, FREESECT);
	}
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p;
	size_t len;

	if (size >= 8 && !memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
		extract(data, size);
		return 0;
	}
	p = wrap(data, size, &len);
	if (p)
		extract(p, len);
	free(p);
	return 0;
}
