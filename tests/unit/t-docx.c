// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The docx extractor: body paragraphs (runs joined, tabs and breaks, text
 * boxes read once, deleted text and field codes left out) as the table
 * "body", then one table per w:tbl (cells of several paragraphs, gridSpan,
 * nested tables, empty rows skipped); damaged packages.
 *
 * As in t-xlsx.c every package is extracted from in->data, through small
 * read() calls, and with libxml2 in place of the tokenizer; the results
 * must agree.  tests/unit/data/ooxml/make.py wrote the files.
 */
#include "triage/core/compat.h"

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "scanners/extract/ooxml.h"
#include "tests/unit/check.h"
#include "tests/unit/memin.h"

#define DATA "tests/unit/data/ooxml/"


struct coll {
	struct lt_buf out;
	int begins, ends;
	uint64_t rows, stop_at;
	bool bad;
	char table[64];
};

static int c_begin(const char *sheet, void *u)
{
	struct coll *c = u;

	if (c->begins != c->ends)
		c->bad = true;
	c->begins++;
	snprintf(c->table, sizeof(c->table), "%s", sheet);
	lt_buf_addf(&c->out, "[%s]\n", sheet);
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct coll *c = u;
	size_t i;
	bool any = false;

	c->rows++;
	if (c->stop_at && c->rows == c->stop_at)
		return 42;
	if (c->begins != c->ends + 1 || strcmp(r->sheet, c->table) ||
	    !r->count || r->count > LT_OOXML_MAX_COLS || !r->row)
		c->bad = true;
	lt_buf_add_u64(&c->out, r->row);
	lt_buf_addc(&c->out, ':');
	for (i = 0; i < r->count; i++) {
		const struct lt_cell *cell = &r->cells[i];

		if (i)
			lt_buf_addc(&c->out, '|');
		lt_buf_add(&c->out, cell->text, cell->len);
		any |= cell->len > 0;
		if (cell->text[cell->len] || strlen(cell->text) != cell->len ||
		    !lt_utf8_valid(cell->text, cell->len) ||
		    cell->hint != LT_CELL_TEXT)
			c->bad = true;
	}
	if (!any)
		c->bad = true;
	lt_buf_addc(&c->out, '\n');
	return 0;
}

static int c_end(void *u)
{
	struct coll *c = u;

	c->ends++;
	if (c->ends != c->begins)
		c->bad = true;
	lt_buf_adds(&c->out, "[end]\n");
	return 0;
}

struct result {
	int rc;
	struct lt_extract_info info;
	struct lt_err err;
	char *out;
	int begins, ends;
};

static void run1(const void *p, size_t len, size_t step, bool libxml,
		 uint64_t stop_at, struct result *r)
{
	struct mem m = { p, len, step };
	struct lt_scan_input in = { "test", len, step ? NULL : p, mem_read,
				    &m };
	struct coll c;
	struct lt_extract_sink sink = { c_begin, c_row, c_end, &c };
	size_t n;

	memset(&c, 0, sizeof(c));
	c.stop_at = stop_at;
	lt_buf_init(&c.out, 0);
	lt_err_clear(&r->err);
	lt_ooxml_force_libxml2 = libxml;
	r->rc = lt_extract_docx(&in, &sink, &r->info, &r->err);
	lt_ooxml_force_libxml2 = 0;
	CHECK(!c.bad);
	CHECK(!strchr(r->err.msg, '\n'));
	CHECK(r->rc == (int)r->err.code || (stop_at && r->rc == 42));
	if (!stop_at) {
		CHECK(r->info.rows == c.rows);
		CHECK(c.begins == c.ends);
		CHECK(r->info.tables == (uint64_t)c.begins);
	}
	r->begins = c.begins;
	r->ends = c.ends;
	r->out = lt_buf_detach(&c.out, &n);
	if (!r->out)
		r->out = strdup("");
}

static void run(const void *p, size_t len, struct result *r)
{
	static const struct {
		size_t step;
		bool libxml;
	} ways[] = { { 1, false }, { 7, false }, { 0, true }, { 5, true } };
	size_t i;

	run1(p, len, 0, false, 0, r);
	for (i = 0; i < LT_ARRAY_SIZE(ways); i++) {
		struct result s;

		run1(p, len, ways[i].step, ways[i].libxml, 0, &s);
		CHECK(s.rc == r->rc);
		CHECK_STR(s.out, r->out);
		if (!ways[i].libxml)
			CHECK_STR(s.err.msg, r->err.msg);
		CHECK(s.info.rows == r->info.rows);
		CHECK(s.info.tables == r->info.tables);
		free(s.out);
	}
}

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "rb");
	*len = 0;
	if (!f) {
		fprintf(stderr, "cannot open '%s'\n", path);
		check_failures++;
		return calloc(1, 1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	*len = n > 0 ? (size_t)n : 0;
	return buf;
}

static void run_file(const char *name, struct result *r)
{
	size_t len;
	uint8_t *p = slurp(name, &len);

	run(p, len, r);
	free(p);
}

static void test_basic(void)
{
	struct result r;
	size_t len;
	uint8_t *p;

	run_file("basic.docx", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out,
		  "[body]\n"
		  "1:会員名簿\n"
		  "3:山田太郎\t東京都千代田区\n1-1\n"
		  "4:鈴木一郎 1975/01/01\n"
		  "5:見える\n"
		  "6:前\n箱の中\n"
		  "[end]\n"
		  "[table1]\n"
		  "1:氏名|住所|生年月日\n"
		  "2:佐藤花子|大阪府大阪市北区|昭和50年1月1日\n"
		  "3:結合||x\n"
		  "4:a\nb|内1\n内2|\n"
		  "[end]\n"
		  "[table2]\n"
		  "1:t2\n"
		  "[end]\n");
	CHECK_STR(r.info.layout, "docx");
	CHECK(r.info.tables == 3 && r.info.rows == 10);
	free(r.out);

	/* the sink stops extraction inside a table */
	p = slurp("basic.docx", &len);
	run1(p, len, 0, false, 7, &r);
	CHECK(r.rc == 42);
	CHECK(r.begins == 2 && r.ends == 1);
	free(r.out);
	free(p);
}

static void test_damaged(void)
{
	struct result r;

	run_file("truncated.docx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(r.begins == 0);
	free(r.out);

	/* a workbook is no Word document */
	run_file("basic.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "not a Word document") != NULL);
	free(r.out);

	/* not a ZIP at all */
	run1("hello", 5, 0, false, 0, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	free(r.out);
}

int main(void)
{
	test_basic();
	test_damaged();
	CHECK_DONE();
}
