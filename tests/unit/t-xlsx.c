// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xlsx extractor and the OOXML package layer: cell types, shared and
 * inline strings without furigana, dates (built-in, custom and Japanese
 * era formats, 1900 and 1904 systems), gaps in rows and columns, several
 * sheets, and damaged packages (truncated, broken XML, missing shared
 * strings, zip bombs).
 *
 * Every package is extracted six ways: from in->data; through read()
 * calls of 1 (small files only), 7 and 4096 bytes; and with libxml2 in
 * place of our XML tokenizer (lt_ooxml_force_libxml2), from in->data and
 * in 7-byte reads.  All must give the same rows and result (libxml2's
 * error messages are its own), so every case is also a differential test
 * of the tokenizer.  Files come from tests/unit/data/ooxml/make.py; the XML
 * edge cases are built here as stored ZIPs.
 *
 * The third-party sample (jp_pii/xlsx-parse-sample/sample.xlsx, whose
 * shared strings carry phonetic runs) is read from $SHARED, never copied.
 *
 * With LT_XLSX_BENCH=FILE.xlsx it times the extraction of that file (CPU
 * time, not a test).
 */
#include "triage/core/compat.h"

#include <zlib.h>

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "scanners/extract/ooxml.h"
#include "tests/unit/check.h"
#include "tests/unit/memin.h"

#define DATA "tests/unit/data/ooxml/"


/* A sink that writes "[table]", "row:cell|cell" and "[end]" lines; numbers
 * are written "N:…", dates "D:…". */
struct coll {
	struct lt_buf out;
	int begins, ends;
	uint64_t rows;
	uint64_t stop_at;
	bool bad;
	char table[256];
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

static bool date_ok(const char *s, size_t n)
{
	size_t i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct coll *c = u;
	size_t i;

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
		if (cell->hint == LT_CELL_NUMBER)
			lt_buf_adds(&c->out, "N:");
		else if (cell->hint == LT_CELL_DATE)
			lt_buf_adds(&c->out, "D:");
		lt_buf_add(&c->out, cell->text, cell->len);
		if (cell->text[cell->len] || strlen(cell->text) != cell->len ||
		    !lt_utf8_valid(cell->text, cell->len) ||
		    (cell->hint == LT_CELL_DATE &&
		     !date_ok(cell->text, cell->len)) ||
		    cell->hint > LT_CELL_DATE)
			c->bad = true;
	}
	/* the last cell is never empty */
	if (!r->cells[r->count - 1].len)
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

typedef int extract_fn(const struct lt_scan_input *in,
		       const struct lt_extract_sink *sink,
		       struct lt_extract_info *info, struct lt_err *err);

static void run1(extract_fn *fn, const void *p, size_t len, size_t step,
		 bool libxml, uint64_t stop_at, struct result *r)
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
	r->rc = fn(&in, &sink, &r->info, &r->err);
	lt_ooxml_force_libxml2 = 0;
	CHECK(!c.bad);
	CHECK(lt_buf_status(&c.out) == 0);
	CHECK(!strchr(r->err.msg, '\n'));
	if (strchr(r->err.msg, '\n'))
		fprintf(stderr, "  message: '%s'\n", r->err.msg);
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

/* Extract in every way; they must agree.  Returns the in->data run. */
static void run(extract_fn *fn, const void *p, size_t len, struct result *r)
{
	static const struct {
		size_t step;
		bool libxml;
	} ways[] = { { 7, false }, { 4096, false }, { 1, false },
		     { 0, true },  { 7, true } };
	size_t i;

	run1(fn, p, len, 0, false, 0, r);
	for (i = 0; i < LT_ARRAY_SIZE(ways); i++) {
		struct result s;

		if (ways[i].step == 1 && len > (64 << 10))
			continue;
		run1(fn, p, len, ways[i].step, ways[i].libxml, 0, &s);
		if (s.rc != r->rc || strcmp(s.out, r->out))
			fprintf(stderr, "way %zu (step %zu%s): rc %d vs %d, "
				"'%s'\n--- vs ---\n%s\n", i, ways[i].step,
				ways[i].libxml ? ", libxml2" : "", s.rc, r->rc,
				s.out, r->out);
		CHECK(s.rc == r->rc);
		CHECK_STR(s.out, r->out);
		if (!ways[i].libxml)
			CHECK_STR(s.err.msg, r->err.msg);
		CHECK(s.info.rows == r->info.rows);
		CHECK(s.info.tables == r->info.tables);
		CHECK_STR(s.info.layout, r->info.layout);
		if (!ways[i].libxml)
			CHECK_STR(s.info.warning, r->info.warning);
		free(s.out);
	}
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

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

static void run_file(extract_fn *fn, const char *name, struct result *r)
{
	char path[256];
	size_t len;
	uint8_t *p;

	snprintf(path, sizeof(path), DATA "%s", name);
	p = slurp(path, &len);
	run(fn, p, len, r);
	free(p);
}

/* ---- stored ZIPs built here ------------------------------------------------- */

struct zent {
	char name[64];
	uint32_t crc, len, off;
};

struct zb {
	struct lt_buf b;
	struct zent e[16];
	unsigned count;
	bool zip64; /* ZIP64 directory: 0xFFFFFFFF fields + extra, end records */
};

static void put16(struct lt_buf *b, unsigned v)
{
	lt_buf_addc(b, (char)(v & 0xFF));
	lt_buf_addc(b, (char)(v >> 8));
}

static void put32(struct lt_buf *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

static void put64(struct lt_buf *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

static void zb_add(struct zb *z, const char *name, const void *data,
		   size_t len)
{
	struct zent *e = &z->e[z->count++];
	size_t nl = strlen(name);

	snprintf(e->name, sizeof(e->name), "%s", name);
	e->crc = (uint32_t)crc32(0, data, (uInt)len);
	e->len = (uint32_t)len;
	e->off = (uint32_t)z->b.len;
	put32(&z->b, 0x04034b50);
	put16(&z->b, 20);
	put16(&z->b, 0);
	put16(&z->b, 0); /* stored */
	put32(&z->b, 0);
	put32(&z->b, e->crc);
	put32(&z->b, (uint32_t)len);
	put32(&z->b, (uint32_t)len);
	put16(&z->b, (unsigned)nl);
	put16(&z->b, 0);
	lt_buf_add(&z->b, name, nl);
	lt_buf_add(&z->b, data, len);
}

static void zb_adds(struct zb *z, const char *name, const char *s)
{
	zb_add(z, name, s, strlen(s));
}

/* The finished ZIP (free() it). */
static char *zb_finish(struct zb *z, size_t *len)
{
	uint64_t off = z->b.len, size, end64;
	unsigned i;

	for (i = 0; i < z->count; i++) {
		const struct zent *e = &z->e[i];
		uint32_t big = z->zip64 ? 0xFFFFFFFFu : 0;

		put32(&z->b, 0x02014b50);
		put16(&z->b, 45);
		put16(&z->b, 45);
		put16(&z->b, 0);
		put16(&z->b, 0);
		put32(&z->b, 0);
		put32(&z->b, e->crc);
		put32(&z->b, big ? big : e->len);
		put32(&z->b, big ? big : e->len);
		put16(&z->b, (unsigned)strlen(e->name));
		put16(&z->b, z->zip64 ? 28 : 0);
		put16(&z->b, 0);
		put16(&z->b, 0);
		put16(&z->b, 0);
		put32(&z->b, 0);
		put32(&z->b, big ? big : e->off);
		lt_buf_adds(&z->b, e->name);
		if (z->zip64) {
			put16(&z->b, 1);
			put16(&z->b, 24);
			put64(&z->b, e->len);
			put64(&z->b, e->len);
			put64(&z->b, e->off);
		}
	}
	size = z->b.len - off;
	if (z->zip64) {
		end64 = z->b.len;
		put32(&z->b, 0x06064b50);
		put64(&z->b, 44);
		put16(&z->b, 45);
		put16(&z->b, 45);
		put32(&z->b, 0);
		put32(&z->b, 0);
		put64(&z->b, z->count);
		put64(&z->b, z->count);
		put64(&z->b, size);
		put64(&z->b, off);
		put32(&z->b, 0x07064b50);
		put32(&z->b, 0);
		put64(&z->b, end64);
		put32(&z->b, 1);
	}
	put32(&z->b, 0x06054b50);
	put16(&z->b, 0);
	put16(&z->b, 0);
	put16(&z->b, z->zip64 ? 0xFFFF : z->count);
	put16(&z->b, z->zip64 ? 0xFFFF : z->count);
	put32(&z->b, z->zip64 ? 0xFFFFFFFFu : (uint32_t)size);
	put32(&z->b, z->zip64 ? 0xFFFFFFFFu : (uint32_t)off);
	put16(&z->b, 0);
	CHECK(lt_buf_status(&z->b) == 0);
	return lt_buf_detach(&z->b, len);
}

#define NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define RNS "http://schemas.openxmlformats.org/officeDocument/2006/" \
	    "relationships"
#define PNS "http://schemas.openxmlformats.org/package/2006/relationships"

#define STYLES "<styleSheet xmlns=\"" NS "\"><cellXfs><xf numFmtId=\"0\"/>" \
	       "<xf numFmtId=\"14\"/></cellXfs></styleSheet>"

/* A workbook of one sheet "S" (name given) with that sheet XML, shared
 * strings "α", "β" and styles (STYLES: s="1" is built-in format 14). */
static bool zip64;

static char *one_sheet_styles(const char *name, const char *styles,
			      const char *sheet, size_t *len)
{
	struct zb z;
	char wb[512];

	memset(&z, 0, sizeof(z));
	lt_buf_init(&z.b, 0);
	z.zip64 = zip64;
	zb_adds(&z, "_rels/.rels", "<Relationships xmlns=\"" PNS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RNS "/officeDocument\" "
		"Target=\"xl/workbook.xml\"/></Relationships>");
	snprintf(wb, sizeof(wb), "<workbook xmlns=\"" NS "\" xmlns:r=\"" RNS
		 "\"><sheets><sheet name=\"%s\" sheetId=\"1\" r:id=\"rId1\"/>"
		 "</sheets></workbook>", name);
	zb_adds(&z, "xl/workbook.xml", wb);
	zb_adds(&z, "xl/_rels/workbook.xml.rels", "<Relationships xmlns=\""
		PNS "\"><Relationship Id=\"rId1\" Type=\"" RNS "/worksheet\" "
		"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
		"Type=\"" RNS "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"" RNS "/styles\" "
		"Target=\"styles.xml\"/></Relationships>");
	zb_adds(&z, "xl/sharedStrings.xml", "<sst xmlns=\"" NS "\"><si><t>"
		"\xCE\xB1</t></si><si><t>\xCE\xB2</t></si></sst>");
	zb_adds(&z, "xl/styles.xml", styles);
	zb_adds(&z, "xl/worksheets/sheet1.xml", sheet);
	return zb_finish(&z, len);
}

static char *one_sheet(const char *name, const char *sheet, size_t *len)
{
	return one_sheet_styles(name, STYLES, sheet, len);
}

static void run_sheet(const char *sheet, struct result *r)
{
	size_t len;
	char *p = one_sheet("S", sheet, &len);

	run(lt_extract_xlsx, p, len, r);
	free(p);
}

/* The rows of a one-sheet workbook, both parsers agreeing. */
static void check_sheet(const char *sheet, const char *want)
{
	struct result r;
	struct lt_buf full;

	run_sheet(sheet, &r);
	CHECK(r.rc == 0);
	if (r.rc)
		fprintf(stderr, "  error: %s\n", r.err.msg);
	lt_buf_init(&full, 0);
	lt_buf_addf(&full, "[S]\n%s[end]\n", want);
	CHECK_STR(r.out, lt_buf_str(&full));
	lt_buf_release(&full);
	free(r.out);
}

/* A one-sheet workbook whose sheet is not well-formed: LT_E_CORRUPT
 * naming the part, from both parsers. */
static void check_broken(const char *sheet)
{
	struct result r;

	run_sheet(sheet, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "xl/worksheets/sheet1.xml") != NULL);
	if (r.rc != LT_E_CORRUPT)
		fprintf(stderr, "  not refused: %s\n", sheet);
	free(r.out);
}

#define WS "<worksheet xmlns=\"" NS "\"><sheetData>"
#define WE "</sheetData></worksheet>"

static void test_xml_edges(void)
{
	/* BOM, declaration, comments, PIs, CDATA, CRLF, references, odd
	 * white space and quotes, prefixes everywhere */
	check_sheet("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<!-- c --><x:worksheet xmlns:x=\"" NS "\"><?pi x?>"
		    "<x:sheetData><x:row  r = '2' ><x:c r=\"A2\" t=\"inlineStr\">"
		    "<x:is><x:t><![CDATA[a<b&c]]></x:t></x:is></x:c>"
		    "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>l1\r\nl2\rl3"
		    "&#13;&#x41;&#66;&quot;&apos;</x:t></x:is></x:c>"
		    "<!-- <c r=\"C2\"><v>9</v></c> --></x:row></x:sheetData>"
		    "</x:worksheet>",
		    "2:a<b&c|l1\nl2\nl3\rAB\"'\n");
	/* values: shared, date, plain number, text outside <t> ignored */
	check_sheet(WS "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c>"
		    "<c r=\"B1\" s=\"1\"><v>44197</v></c><c r=\"C1\"><v>44197"
		    "</v></c><c r=\"D1\" t=\"inlineStr\"><is>junk<t>t</t>"
		    "</is></c></row>" WE,
		    "1:\xCE\xB2|D:2021-01-01|N:44197|t\n");
	/* rows without r follow the previous one; cells without r the
	 * previous cell; the last column (FAN = 4096) */
	{
		struct lt_buf want;
		int i;

		lt_buf_init(&want, 0);
		lt_buf_adds(&want, "1:N:1\n6:||N:3|N:4\n7:");
		for (i = 1; i < LT_OOXML_MAX_COLS; i++)
			lt_buf_addc(&want, '|');
		lt_buf_adds(&want, "N:5\n");
		check_sheet(WS "<row><c><v>1</v></c></row><row r=\"5\"/><row>"
			    "<c r=\"C6\"><v>3</v></c><c><v>4</v></c></row>"
			    "<row><c r=\"FAN7\"><v>5</v></c></row>" WE,
			    lt_buf_str(&want));
		lt_buf_release(&want);
	}
	/* a shared string index out of range: empty, with a warning */
	{
		struct result r;

		run_sheet(WS "<row r=\"1\"><c t=\"s\"><v>7</v></c><c><v>1</v>"
			  "</c></row>" WE, &r);
		CHECK(r.rc == 0);
		CHECK_STR(r.out, "[S]\n1:|N:1\n[end]\n");
		CHECK(strstr(r.info.warning, "shared string 7") != NULL);
		free(r.out);
	}
	/* a custom code for a built-in id wins; given twice, the last */
	{
		struct result r;
		size_t len;
		char *p = one_sheet_styles(
			"S", "<styleSheet xmlns=\"" NS "\"><numFmts><numFmt "
			"numFmtId=\"14\" formatCode=\"0.00\"/><numFmt "
			"numFmtId=\"200\" formatCode=\"0\"/><numFmt "
			"numFmtId=\"200\" formatCode=\"yyyy\"/></numFmts>"
			"<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
			"<xf numFmtId=\"200\"/><xf/></cellXfs></styleSheet>",
			WS "<row r=\"1\"><c s=\"1\"><v>44197</v></c><c "
			"s=\"2\"><v>44197</v></c><c s=\"3\"><v>44197</v></c>"
			"<c s=\"9\"><v>44197</v></c></row>" WE, &len);

		run(lt_extract_xlsx, p, len, &r);
		CHECK(r.rc == 0);
		CHECK_STR(r.out, "[S]\n1:N:44197|D:2021-01-01|N:44197|"
			  "N:44197\n[end]\n");
		free(r.out);
		free(p);
	}
	/* a ZIP64 directory */
	zip64 = true;
	check_sheet(WS "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>" WE,
		    "1:\xCE\xB1\n");
	zip64 = false;
	/* a sheet name with references */
	{
		struct result r;
		size_t len;
		char *p = one_sheet("A&amp;B &#x6771;", WS "<row r=\"1\"><c "
				    "t=\"s\"><v>0</v></c></row>" WE, &len);

		run(lt_extract_xlsx, p, len, &r);
		CHECK_STR(r.out, "[A&B \xE6\x9D\xB1]\n1:\xCE\xB1\n[end]\n");
		free(r.out);
		free(p);
	}

	/* every character of three UTF-8 bytes (they are checked apart
	 * from other text: kana and kanji) */
	{
		struct lt_buf sheet, want;
		uint32_t u;

		lt_buf_init(&sheet, 0);
		lt_buf_init(&want, 0);
		lt_buf_adds(&sheet,
			    WS "<row r=\"1\"><c t=\"inlineStr\"><is><t>");
		lt_buf_adds(&want, "1:");
		for (u = 0x800; u <= 0xFFFD; u++) {
			char c[3] = { (char)(0xE0 | u >> 12),
				      (char)(0x80 | (u >> 6 & 0x3F)),
				      (char)(0x80 | (u & 0x3F)) };

			if (u >= 0xD800 && u <= 0xDFFF)
				continue;
			lt_buf_add(&sheet, c, 3);
			lt_buf_add(&want, c, 3);
		}
		lt_buf_adds(&sheet, "</t></is></c></row>" WE);
		lt_buf_adds(&want, "\n");
		check_sheet(lt_buf_str(&sheet), lt_buf_str(&want));
		lt_buf_release(&sheet);
		lt_buf_release(&want);
	}
	/* after a kanji: a surrogate, U+FFFE, U+FFFF, an overlong form, a
	 * bad continuation byte */
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xED\xA0\x80</v></c></row>" WE);
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xED\xBF\xBF</v></c></row>" WE);
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xEF\xBF\xBE</v></c></row>" WE);
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xEF\xBF\xBF</v></c></row>" WE);
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xE0\x9F\xBF</v></c></row>" WE);
	check_broken(WS "<row><c><v>\xE6\x9D\xB1\xE6\x9D\x41</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>1</v></c>" WE);      /* unclosed */
	check_broken(WS "<row r=\"1\"></rox>" WE);              /* mismatch */
	check_broken(WS "<row r=\"1\"><c><v>&nbsp;</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>1&amp</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>&#0;</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>&#xD800;</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>\x01</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>\xC3\x28</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c><v>\xE6\x9D</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c r=A1><v>1</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c r=\"<\"><v>1</v></c></row>" WE);
	check_broken(WS "<row r=\"1\"><c r=\"A1\"/></row>");
	check_broken("<!DOCTYPE x [<!ENTITY a \"b\">]>" WS WE);
	check_broken(WS "<row r=\"1\"><c><v>1</v></c></row>" WE "</x>");
	check_broken(WS "<row r=\"1\"><c><v>1</v></c></row><!-- " WE);
	check_broken(WS "<row r=\"1\"><c><v>1</v></c></row><![CDATA[x" WE);
	check_broken(WS "<row r=\"1\"><c><v>1</v></c></row>< row/>" WE);
	check_broken("");
	check_broken("   ");
}

static void test_limits(void)
{
	struct result r;
	struct lt_buf b;

	/* column 4097 (FAO) with a value */
	run_sheet(WS "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\">"
		  "<c r=\"FAO2\"><v>1</v></c></row>" WE, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(strstr(r.err.msg, "column 4096") != NULL);
	CHECK_STR(r.out, "[S]\n1:N:1\n[end]\n");
	free(r.out);
	/* an empty styled cell that far right is fine */
	check_sheet(WS "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" "
		    "s=\"1\"/></row>" WE, "1:N:1\n");
	/* elements nested too deep */
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, WS "<row r=\"1\"><c><v>1</v></c>");
	{
		int i;

		for (i = 0; i < 300; i++)
			lt_buf_adds(&b, "<x>");
		for (i = 0; i < 300; i++)
			lt_buf_adds(&b, "</x>");
	}
	lt_buf_adds(&b, "</row>" WE);
	run_sheet(lt_buf_str(&b), &r);
	CHECK(r.rc == LT_E_CORRUPT);
	free(r.out);
	lt_buf_release(&b);
	/* a row of more than LT_OOXML_MAX_ROW bytes of inline text (from
	 * in->data only: libxml2 has its own 10 MB text limit) */
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, WS "<row r=\"3\">");
	{
		char *t = malloc((size_t)1 << 20);
		int i;

		memset(t, 'x', (size_t)1 << 20);
		for (i = 0; i < 17; i++) {
			lt_buf_adds(&b, "<c t=\"inlineStr\"><is><t>");
			lt_buf_add(&b, t, (size_t)1 << 20);
			lt_buf_adds(&b, "</t></is></c>");
		}
		free(t);
	}
	lt_buf_adds(&b, "</row>" WE);
	{
		size_t len;
		char *p = one_sheet("S", lt_buf_str(&b), &len);

		run1(lt_extract_xlsx, p, len, 0, false, 0, &r);
		CHECK(r.rc == LT_E_LIMIT);
		CHECK(strstr(r.err.msg, "row 3") != NULL);
		free(r.out);
		free(p);
	}
	lt_buf_release(&b);
}

/* ---- the generated files ------------------------------------------------------ */

static const char basic_want[] =
	"[名簿]\n"
	"1:会員名簿\n"
	"3:氏名|フリガナ|生年月日|性別|住所|入会日\n"
	"4:山田太郎|ヤマダタロウ|D:1970-01-01|男|東京都千代田区千代田1-1|"
	"D:2015-05-15\n"
	"5:佐藤花子|サトウハナコ|D:1990-01-01|女|東京都港区&1<2>|D:2015-05-15\n"
	"8:N:12345||TRUE|||#N/A|noref\n"
	"9:N:0.5|N:42139.5|N:0|N:60|D:1900-03-01|D:1941-01-24|N:42139|N:42139|"
	"D:2019-05-01|N:2958466\n"
	"10:line1\r\nline2|a_x000D_b|| spaced \n"
	"11:D:2015-05-21\n"
	"[end]\n"
	"[Hidden]\n"
	"1:秘密\n"
	"[end]\n"
	"[数値]\n"
	"1:N:1||||||||||||||||||||||||||N:2\n"
	"2:|N:-3.25\n"
	"[end]\n";

static void test_files(void)
{
	struct result r;

	run_file(lt_extract_xlsx, "basic.xlsx", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, basic_want);
	CHECK_STR(r.info.layout, "xlsx");
	CHECK_STR(r.info.encoding, "UTF-8");
	CHECK(r.info.tables == 3 && r.info.rows == 11);
	CHECK_STR(r.info.warning, "");
	free(r.out);

	/* a sheet in UTF-16 goes through libxml2: same rows */
	run_file(lt_extract_xlsx, "utf16.xlsx", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, basic_want);
	free(r.out);

	/* data before the archive: read, with a warning */
	run_file(lt_extract_xlsx, "prefixed.xlsx", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, basic_want);
	CHECK(strstr(r.info.warning, "before the ZIP") != NULL);
	free(r.out);

	run_file(lt_extract_xlsx, "date1904.xlsx", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, "[S]\n1:D:1904-01-01|D:2015-05-15|N:-1\n[end]\n");
	free(r.out);

	/* cut in half: no central directory */
	run_file(lt_extract_xlsx, "truncated.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "truncated") != NULL);
	CHECK(r.begins == 0);
	free(r.out);

	/* sheet B is broken: A and C are read, the error names B's part */
	run_file(lt_extract_xlsx, "broken-sheet.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "sheet 'B'") != NULL);
	CHECK(strstr(r.err.msg, "xl/worksheets/sheet2.xml") != NULL);
	CHECK_STR(r.out, "[A]\n1:a\n2:N:2\n[end]\n[B]\n1:b\n[end]\n"
		  "[C]\n1:c\n2:N:2\n[end]\n");
	free(r.out);

	/* shared strings referenced but missing */
	run_file(lt_extract_xlsx, "no-sst.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "xl/sharedStrings.xml") != NULL);
	CHECK(strstr(r.out, "4:|ヤマダタロウ|D:1970-01-01|||D:2015-05-15\n"));
	free(r.out);

	/* no workbook relationships: sheets found by part name */
	run_file(lt_extract_xlsx, "no-rels.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK_STR(r.out, "[sheet1]\n1:a\n2:N:2\n[end]\n[sheet2]\n1:b\n2:N:2\n"
		  "[end]\n[sheet3]\n1:c\n2:N:2\n[end]\n");
	free(r.out);

	/* zip bombs: by ratio (8 MiB in 12 KiB), by declared size (3 GiB),
	 * and a member inflating past what it declares */
	run_file(lt_extract_xlsx, "bomb-ratio.xlsx", &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(strstr(r.err.msg, "zip bomb") != NULL);
	CHECK(strstr(r.err.msg, "200:1") != NULL);
	free(r.out);
	run_file(lt_extract_xlsx, "bomb-size.xlsx", &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(strstr(r.err.msg, "zip bomb") != NULL);
	CHECK_STR(r.out, "[A]\n1:a\n2:N:2\n[end]\n[B]\n[end]\n");
	free(r.out);
	run_file(lt_extract_xlsx, "overrun.xlsx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "past its declared") != NULL);
	CHECK(strstr(r.out, "[C]\n1:c\n") != NULL);
	free(r.out);

	/* a docx is no workbook */
	run_file(lt_extract_xlsx, "basic.docx", &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "not a workbook") != NULL);
	free(r.out);

	/* the sink stops extraction */
	{
		size_t len;
		uint8_t *p = slurp(DATA "basic.xlsx", &len);

		run1(lt_extract_xlsx, p, len, 0, false, 3, &r);
		CHECK(r.rc == 42);
		CHECK(r.begins == 1 && r.ends == 0);
		free(r.out);
		free(p);
	}
}

/* The third-party sample: furigana (rPh) must not reach the cells. */
static void test_sample(void)
{
	const char *shared = getenv("SHARED");
	char path[PATH_MAX];
	struct result r;
	size_t len;
	uint8_t *p;

	snprintf(path, sizeof(path), "%s/jp_pii/xlsx-parse-sample/sample.xlsx",
		 shared ? shared : "/work/shared/testdata");
	p = slurp(path, &len);
	run(lt_extract_xlsx, p, len, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, "[Sheet1]\n1:漢字\n2:漢字withColor\n[end]\n");
	free(r.out);
	free(p);
}

static void test_formats(void)
{
	static const struct {
		const char *code;
		bool date;
	} f[] = {
		{ "yyyy/mm/dd", true },
		{ "[$-411]ggge\"年\"m\"月\"d\"日\"", true },
		{ "[$-ja-JP-x-gannen]ggge\"年\"m\"月\"d\"日\";@", true },
		{ "ge.m.d", true },
		{ "m/d/yy", true },
		{ "mmm-yy", true },
		{ "d-mmm", true },
		{ "YYYY\"年\"M\"月\"", true },
		{ "[Red][<=100]yyyy", true },
		{ "yyyy/m/d\\ h:mm", true },
		{ "h:mm", false },
		{ "[h]:mm:ss", false },
		{ "mm:ss", false },
		{ "h:mm AM/PM", false },
		{ "[mm]:ss", false },
		{ "General", false },
		{ "0.00E+00", false },
		{ "##0.0E-0", false },
		{ "\"yyyy\"0", false },
		{ "0\"日\"", false },
		{ "#,##0_);[Red](#,##0)", false },
		{ "[$-411]#,##0", false },
		{ "\\d0", false },
		{ "@", false },
		{ "", false },
		{ "\"unterminated", false },
		{ "[DBNum1][$-411]General", false },
	};
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(f); i++) {
		bool got = lt_xlsx_format_is_date(f[i].code,
						  strlen(f[i].code));

		if (got != f[i].date)
			fprintf(stderr, "format '%s': %d\n", f[i].code, got);
		CHECK(got == f[i].date);
	}
	CHECK(lt_xlsx_builtin_is_date(14) && lt_xlsx_builtin_is_date(22) &&
	      lt_xlsx_builtin_is_date(27) && lt_xlsx_builtin_is_date(36) &&
	      lt_xlsx_builtin_is_date(50) && lt_xlsx_builtin_is_date(58));
	CHECK(!lt_xlsx_builtin_is_date(0) && !lt_xlsx_builtin_is_date(13) &&
	      !lt_xlsx_builtin_is_date(23) && !lt_xlsx_builtin_is_date(37) &&
	      !lt_xlsx_builtin_is_date(49) && !lt_xlsx_builtin_is_date(59) &&
	      !lt_xlsx_builtin_is_date(164));
}

static void test_serials(void)
{
	static const struct {
		const char *v;
		bool d1904;
		const char *want; /* NULL: not a date */
	} s[] = {
		{ "1", false, "1900-01-01" },
		{ "59", false, "1900-02-28" },
		{ "60", false, NULL },
		{ "61", false, "1900-03-01" },
		{ "0", false, NULL },
		{ "0.5", false, NULL },
		{ "-1", false, NULL },
		{ "25569", false, "1970-01-01" },
		{ "44197.99999999", false, "2021-01-01" }, /* rounds to ms */
		{ "44197.9999", false, "2021-01-01" },
		{ "4.4197E4", false, "2021-01-01" },
		{ "4.4197e+4", false, "2021-01-01" },
		{ " 44197 ", false, "2021-01-01" },
		{ "+44197", false, "2021-01-01" },
		{ "441970E-1", false, "2021-01-01" },
		{ "2958465", false, "9999-12-31" },
		{ "2958466", false, NULL },
		{ "1E300", false, NULL },
		{ "1E-300", false, NULL },
		{ "0", true, "1904-01-01" },
		{ "40677", true, "2015-05-15" },
		{ "2957003", true, "9999-12-31" },
		{ "2957004", true, NULL },
		{ "", false, NULL },
		{ ".", false, NULL },
		{ "1e", false, NULL },
		{ "12a", false, NULL },
		{ "1.2.3", false, NULL },
		{ "0000000000000000000000044197", false, "2021-01-01" },
		{ "44197.000000000000000000000001", false, "2021-01-01" },
	};
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(s); i++) {
		char out[11];
		bool ok = lt_xlsx_serial_date(s[i].v, strlen(s[i].v),
					      s[i].d1904, out);

		if (ok != (s[i].want != NULL) || (ok && strcmp(out, s[i].want)))
			fprintf(stderr, "serial '%s': %s\n", s[i].v,
				ok ? out : "(none)");
		CHECK(ok == (s[i].want != NULL));
		if (ok && s[i].want)
			CHECK_STR(out, s[i].want);
	}
	/* whole numbers take a path of their own: the same dates as the
	 * general parse (".0" and an exponent force that one) */
	for (i = 0; i < 100000000;
	     i = i < 70000 ? i + 1 : i < 3100000 ? i + 97 : i * 3) {
		char v[32], w[40], a[11], b[11];
		int d;

		for (d = 0; d < 2; d++) {
			bool oa, ob;

			snprintf(v, sizeof(v), "%zu", i);
			snprintf(w, sizeof(w), "%s%s", i % 3 ? "" : "+",
				 i % 2 ? "0" : "");
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "%zu%s",
				 i, i % 2 ? ".0" : "0E-1");
			oa = lt_xlsx_serial_date(v, strlen(v), d, a);
			ob = lt_xlsx_serial_date(w, strlen(w), d, b);
			if (oa != ob || (oa && strcmp(a, b))) {
				fprintf(stderr, "serial %s != %s\n", v, w);
				CHECK(0);
				i = 100000000;
			}
		}
	}
}

static void test_unescape(void)
{
	static const struct {
		const char *in, *out;
	} u[] = {
		{ "a_x000D_b", "a\rb" },
		{ "_x005F_x000D_", "_x000D_" },
		{ "_x0000_", "_x0000_" },
		{ "_xD83D__xDE00_", "\xF0\x9F\x98\x80" },
		{ "_xD83D_", "_xD83D_" },
		{ "_x6771_", "\xE6\x9D\xB1" },
		{ "_x12_", "_x12_" },
		{ "_X0041__x0042", "A_x0042" },
		{ "plain", "plain" },
	};
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(u); i++) {
		char buf[64];
		size_t n = strlen(u[i].in);

		memcpy(buf, u[i].in, n);
		n = lt_ooxml_unescape(buf, n);
		buf[n] = '\0';
		CHECK_STR(buf, u[i].out);
	}
}

/* The capped buffer, also when its cap is lowered below what it holds
 * room for (the shared strings count their offsets against the cap). */
static void test_buf(void)
{
	struct lt_ooxml_buf b = { NULL, 0, 0, 1000 };
	char chunk[300];

	memset(chunk, 'x', sizeof(chunk));
	CHECK(lt_ooxml_buf_add(&b, chunk, 300) == LT_OK);
	CHECK(lt_ooxml_buf_add(&b, chunk, 300) == LT_OK);
	CHECK(b.cap >= 600 && b.cap <= 1000);
	b.max = 650;
	CHECK(lt_ooxml_buf_add(&b, chunk, 100) == LT_E_LIMIT);
	CHECK(lt_ooxml_buf_add(&b, chunk, 50) == LT_OK);
	CHECK(lt_ooxml_buf_add(&b, chunk, 1) == LT_E_LIMIT);
	b.max = 100; /* below the length: nothing more fits */
	CHECK(lt_ooxml_buf_add(&b, chunk, 1) == LT_E_LIMIT);
	CHECK(b.len == 650);
	CHECK(lt_ooxml_buf_add(&b, chunk, 0) == LT_E_LIMIT);
	free(b.p);
}

static int b_begin(const char *sheet, void *u)
{
	return 0;
}

static int b_row(const struct lt_row *r, void *u)
{
	uint64_t *bytes = u;
	size_t i;

	for (i = 0; i < r->count; i++)
		*bytes += r->cells[i].len;
	return 0;
}

static int b_end(void *u)
{
	return 0;
}

/* Time the extraction of a file read through read() in 1 MiB pieces. */
static void bench(const char *path)
{
	struct timespec t0, t1;
	struct lt_extract_info info;
	struct lt_err err = LT_ERR_INIT;
	uint64_t bytes = 0;
	struct lt_extract_sink sink = { b_begin, b_row, b_end, &bytes };
	size_t len;
	uint8_t *p = slurp(path, &len);
	struct mem m = { p, len, (size_t)1 << 20 };
	struct lt_scan_input in = { path, len, NULL, mem_read, &m };
	double t;
	int rc;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	rc = lt_extract_xlsx(&in, &sink, &info, &err);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	t = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s: rc %d %s, %" PRIu64 " rows, %" PRIu64 " bytes of cells, "
	       "%.2f s CPU\n", path, rc, err.msg, info.rows, bytes, t);
	free(p);
}

int main(void)
{
	const char *b = getenv("LT_XLSX_BENCH");

	if (b) {
		bench(b);
		return 0;
	}
	test_formats();
	test_serials();
	test_unescape();
	test_buf();
	test_files();
	test_sample();
	test_xml_edges();
	test_limits();
	CHECK_DONE();
}
