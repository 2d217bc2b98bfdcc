// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The OOXML extractors (xlsx and docx) on arbitrary bytes taken as a ZIP
 * package, through in->data and through small reads of odd sizes, which
 * must agree exactly.  Every cell must be valid NUL-terminated UTF-8 with
 * a valid hint (dates as YYYY-MM-DD), at most LT_OOXML_MAX_COLS per row,
 * the sink calls must pair up, and messages must be one line of UTF-8.
 *
 * Then every member of the package is parsed as XML by our tokenizer and
 * by libxml2 (lt_ooxml_force_libxml2): when both accept a part, their
 * events (names, attributes, text joined between tags) must be the same.
 * The tokenizer is more lenient, so one refusing alone is fine.  (Not
 * compared at the extractor level: a broken styles part is only a
 * warning, so "both succeeded" would not mean both parsers accepted it.)
 *
 * The seeds (tests/fuzz/corpus/xlsx/, from tests/unit/data/ooxml/make.py)
 * are mostly stored ZIPs so that mutations reach the XML; CRC mismatches
 * are only warnings, so mutated stored members are still parsed.
 */
#include "triage/core/compat.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "tests/fuzz/cells.h"
#include "tests/unit/memin.h"
#include "scanners/extract/ooxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	int begins, ends;
	uint64_t rows, cells, hash;
};

static int c_begin(const char *sheet, void *u)
{
	struct count *c = u;
	size_t n = strlen(sheet);

	if (c->begins != c->ends || !lt_utf8_valid(sheet, n))
		abort();
	c->begins++;
	c->hash = c->hash * 31 + n;
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct count *c = u;
	size_t i;

	if (c->begins != c->ends + 1 || !r->count ||
	    r->count > LT_OOXML_MAX_COLS || !r->sheet)
		abort();
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

typedef int extract_fn(const struct lt_scan_input *in,
		       const struct lt_extract_sink *sink,
		       struct lt_extract_info *info, struct lt_err *err);

static int run(extract_fn *fn, const uint8_t *data, size_t size,
	       size_t step, struct count *c,
	       struct lt_extract_info *info, struct lt_err *err)
{
	struct mem m = { data, size, step };
	struct lt_scan_input in = { "fuzz", size, step ? NULL : data,
				    mem_read, &m };
	struct lt_extract_sink sink = { c_begin, c_row, c_end, c };
	int rc;

	memset(c, 0, sizeof(*c));
	lt_err_clear(err);
	rc = fn(&in, &sink, info, err);
	if (rc != (int)err->code || strchr(err->msg, '\n') ||
	    (rc && !err->msg[0]) ||
	    !lt_utf8_valid(err->msg, strlen(err->msg)) ||
	    !lt_utf8_valid(info->warning, strlen(info->warning)) ||
	    strchr(info->warning, '\n'))
		abort();
	if (c->begins != c->ends || c->rows != info->rows ||
	    (uint64_t)c->begins != info->tables)
		abort();
	return rc;
}

static void one(extract_fn *fn, const uint8_t *data, size_t size)
{
	struct lt_extract_info i1, i2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	struct count c1, c2;
	size_t step = 1 + (size % 5) * 2; /* 1..9, odd */
	int rc1, rc2;

	rc1 = run(fn, data, size, 0, &c1, &i1, &e1);
	rc2 = run(fn, data, size, step, &c2, &i2, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg) || c1.rows != c2.rows ||
	    c1.cells != c2.cells || c1.hash != c2.hash ||
	    strcmp(i1.warning, i2.warning))
		abort();
}

/* XML events, text joined between tags, as a hash. */
struct ev {
	uint64_t hash, events;
	struct lt_ooxml_buf text;
};

static void ev_mix(struct ev *v, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		v->hash = v->hash * 131 + b[i];
	v->hash = v->hash * 131 + 0x1f;
}

static void ev_flush(struct ev *v)
{
	if (v->text.len) {
		ev_mix(v, "T", 1);
		ev_mix(v, v->text.p, v->text.len);
		v->text.len = 0;
	}
}

static int ev_start(void *u, const char *name, size_t len,
		    const struct lt_ooxml_attr *a, size_t count)
{
	struct ev *v = u;
	size_t i;

	ev_flush(v);
	v->events++;
	ev_mix(v, "S", 1);
	ev_mix(v, name, len);
	for (i = 0; i < count; i++) {
		if (!lt_utf8_valid(a[i].val, a[i].vlen))
			abort();
		ev_mix(v, a[i].prefix, a[i].plen);
		ev_mix(v, a[i].local, a[i].llen);
		ev_mix(v, a[i].val, a[i].vlen);
	}
	return 0;
}

static int ev_end(void *u, const char *name, size_t len)
{
	struct ev *v = u;

	ev_flush(v);
	v->events++;
	ev_mix(v, "E", 1);
	ev_mix(v, name, len);
	return 0;
}

static int ev_text(void *u, const char *s, size_t len)
{
	struct ev *v = u;

	if (!lt_utf8_valid(s, len))
		abort();
	/* capped: the hash of a longer text is of its first 1 MiB */
	if (v->text.len + len <= v->text.max)
		lt_ooxml_buf_add(&v->text, s, len);
	return 0;
}

static int parse_part(struct lt_ooxml_zip *z, const char *part, bool libxml,
		      struct ev *v)
{
	static const struct lt_ooxml_handler h = { ev_start, ev_end,
						   ev_text };
	struct lt_err err = LT_ERR_INIT;
	int rc;

	memset(v, 0, sizeof(*v));
	v->text.max = (size_t)1 << 20;
	lt_ooxml_force_libxml2 = libxml;
	rc = lt_ooxml_parse(z, part, &h, v, &err);
	lt_ooxml_force_libxml2 = 0;
	ev_flush(v);
	free(v->text.p);
	if (rc != (int)err.code || strchr(err.msg, '\n') ||
	    !lt_utf8_valid(err.msg, strlen(err.msg)))
		abort();
	return rc;
}

static void parts(const uint8_t *data, size_t size)
{
	struct lt_scan_input in = { "fuzz", size, data, NULL, NULL };
	struct lt_ooxml_zip *z;
	struct lt_err err = LT_ERR_INIT;
	char warning[160] = "";
	size_t i;

	if (lt_ooxml_zip_open(&in, warning, sizeof(warning), &z, &err))
		return;
	for (i = 0; i < lt_ooxml_zip_count(z) && i < 64; i++) {
		const char *name = lt_ooxml_zip_name(z, i);
		struct ev a, b;
		int ra, rb;

		ra = parse_part(z, name, false, &a);
		rb = parse_part(z, name, true, &b);
		if (!ra && !rb && (a.hash != b.hash || a.events != b.events)) {
			fprintf(stderr, "part '%s': the tokenizer and libxml2 "
				"disagree\n", name);
			abort();
		}
	}
	lt_ooxml_zip_close(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(lt_extract_xlsx, data, size);
	one(lt_extract_docx, data, size);
	parts(data, size);
	return 0;
}
