// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The docx extractor (extract.h has the contract): the main document part
 * is streamed twice, once for the paragraphs outside tables (the table
 * "body") and once for the tables, because the sink takes one table at a
 * time and the body's paragraphs are spread between the tables; reading
 * the part again costs far less than holding the body in memory, and
 * document parts are small next to sheets.
 *
 * Elements are recognised by local name (w:p, w:tbl, w:tr, w:tc, w:t ...).
 * Counters of the open w:tbl, w:p, w:r and mc:Fallback elements say where
 * a piece of text belongs; a text box (w:txbxContent) puts paragraphs
 * inside a paragraph, which then join with "\n".  w:delText, w:instrText
 * and the like are other local names than "t", so they are left out
 * without a rule of their own.
 */
#include "triage/core/compat.h"

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "scanners/extract/ooxml.h"

struct dx {
	const struct lt_extract_sink *sink;
	struct lt_extract_info *info;
	struct lt_ooxml_zip *z;
	struct lt_err *err;
	int sink_rc;
	bool body;        /* the pass: body paragraphs, else tables */
	bool first, is_document;
	uint32_t tbl, para, run, fallback;
	bool in_t;
	struct lt_ooxml_buf text;
	uint64_t para_no;
	/* tables */
	bool in_table, in_tc;
	uint64_t table_no, row_no;
	char table[32];
	size_t cstart;
	uint32_t span, ncells;
	size_t *coff, *clen;
	struct lt_cell *cells;
};

static int text_limit(struct dx *d, int rc)
{
	if (rc == LT_E_NOMEM)
		return lt_err_set(d->err, LT_E_NOMEM, "out of memory");
	return lt_err_set(d->err, LT_E_LIMIT, "%s %" PRIu64 ": more than %zu "
			  "bytes of text", d->body ? "paragraph" : "table row",
			  d->body ? d->para_no : d->row_no, LT_OOXML_MAX_ROW);
}

static int add(struct dx *d, const char *s, size_t n)
{
	int rc = lt_ooxml_buf_add(&d->text, s, n);

	return rc ? text_limit(d, rc) : 0;
}

/* Whether text met now belongs to what this pass collects. */
static bool collecting(const struct dx *d)
{
	if (d->fallback)
		return false;
	if (d->body)
		return !d->tbl && d->para;
	return d->in_tc;
}

/* Paragraphs of one cell (or nested in one paragraph) join with "\n". */
static int para_sep(struct dx *d, size_t start)
{
	if (d->text.len > start && d->text.p[d->text.len - 1] != '\n')
		return add(d, "\n", 1);
	return 0;
}

static int emit(struct dx *d, const char *sheet, uint64_t row,
		const struct lt_cell *cells, size_t count)
{
	struct lt_row r;
	int rc;

	r.sheet = sheet;
	r.row = row;
	r.cells = cells;
	r.count = count;
	rc = d->sink->row(&r, d->sink->udata);
	if (rc) {
		d->sink_rc = rc;
		return rc;
	}
	d->info->rows++;
	return 0;
}

static int para_end(struct dx *d)
{
	struct lt_cell c;
	int rc;

	if (!d->text.len)
		return 0;
	rc = add(d, "", 1);
	if (rc)
		return rc;
	c.text = d->text.p;
	c.len = d->text.len - 1;
	c.hint = LT_CELL_TEXT;
	return emit(d, "body", d->para_no, &c, 1);
}

static int cell_add(struct dx *d, size_t off, size_t len)
{
	if (d->ncells >= LT_OOXML_MAX_COLS)
		return lt_err_set(d->err, LT_E_LIMIT, "%s row %" PRIu64
				  ": more than %d cells", d->table, d->row_no,
				  LT_OOXML_MAX_COLS);
	d->coff[d->ncells] = off;
	d->clen[d->ncells] = len;
	d->ncells++;
	return 0;
}

static int cell_end(struct dx *d)
{
	size_t len;
	uint32_t i;

	d->in_tc = false;
	while (d->text.len > d->cstart && d->text.p[d->text.len - 1] == '\n')
		d->text.len--;
	len = d->text.len - d->cstart;
	LT_TRY(add(d, "", 1));
	LT_TRY(cell_add(d, d->cstart, len));
	for (i = 1; i < d->span; i++)
		LT_TRY(cell_add(d, SIZE_MAX, 0));
	return 0;
}

static int row_end(struct dx *d)
{
	uint32_t i;
	bool any = false;

	for (i = 0; i < d->ncells; i++) {
		d->cells[i].text =
			d->coff[i] == SIZE_MAX ? "" : d->text.p + d->coff[i];
		d->cells[i].len = d->clen[i];
		d->cells[i].hint = LT_CELL_TEXT;
		any |= d->clen[i] > 0;
	}
	if (!any)
		return 0;
	return emit(d, d->table, d->row_no, d->cells, d->ncells);
}

/* w:gridSpan's w:val (prefixed, so not lt_ooxml_attr_get), 1..max. */
static uint32_t grid_span(const struct lt_ooxml_attr *a, size_t count)
{
	uint32_t n = 0;
	size_t i, k;

	for (i = 0; i < count; i++) {
		if (!lt_ooxml_is(a[i].local, a[i].llen, "val"))
			continue;
		for (k = 0; k < a[i].vlen && n < 100000; k++) {
			char c = a[i].val[k];

			if (c < '0' || c > '9')
				break;
			n = n * 10 + (uint32_t)(c - '0');
		}
	}
	return n ? LT_MIN(n, (uint32_t)LT_OOXML_MAX_COLS) : 1;
}

static int dx_start(void *u, const char *name, size_t len,
		    const struct lt_ooxml_attr *a, size_t count)
{
	struct dx *d = u;
	int rc;

	if (d->first) {
		d->first = false;
		d->is_document = lt_ooxml_is(name, len, "document");
		return 0;
	}
	if (lt_ooxml_is(name, len, "Fallback")) {
		d->fallback++;
		return 0;
	}
	if (d->fallback)
		return 0;
	switch (len) {
	case 1:
		if (name[0] == 'p') {
			d->para++;
			if (d->body && !d->tbl) {
				if (d->para == 1) {
					d->para_no++;
					d->text.len = 0;
				} else {
					return para_sep(d, 0);
				}
			} else if (!d->body && d->in_tc) {
				return para_sep(d, d->cstart);
			}
		} else if (name[0] == 'r') {
			d->run++;
		} else if (name[0] == 't') {
			d->in_t = collecting(d);
		}
		return 0;
	case 2:
		if (name[0] == 'b' && name[1] == 'r' && d->run && collecting(d))
			return add(d, "\n", 1);
		if (name[0] == 'c' && name[1] == 'r' && d->run && collecting(d))
			return add(d, "\n", 1);
		/* a row or cell inside an open cell (not in a nested
		 * table) is no structure Word writes: ignored */
		if (name[0] == 't' && name[1] == 'r' && !d->body &&
		    d->tbl == 1 && !d->in_tc) {
			d->row_no++;
			d->ncells = 0;
			d->text.len = 0;
		} else if (name[0] == 't' && name[1] == 'c' && !d->body &&
			   d->tbl == 1 && !d->in_tc) {
			d->in_tc = true;
			d->span = 1;
			d->cstart = d->text.len;
		}
		return 0;
	case 3:
		if (!memcmp(name, "tab", 3) && d->run && collecting(d))
			return add(d, "\t", 1);
		if (memcmp(name, "tbl", 3))
			return 0;
		d->tbl++;
		if (d->body || d->tbl != 1)
			return 0;
		d->table_no++;
		d->row_no = 0;
		snprintf(d->table, sizeof(d->table), "table%" PRIu64,
			 d->table_no);
		rc = d->sink->table_begin(d->table, d->sink->udata);
		if (rc) {
			d->sink_rc = rc;
			return rc;
		}
		d->in_table = true;
		d->info->tables++;
		return 0;
	default:
		if (!d->body && d->in_tc && d->tbl == 1 &&
		    lt_ooxml_is(name, len, "gridSpan"))
			d->span = grid_span(a, count);
		return 0;
	}
}

static int dx_end(void *u, const char *name, size_t len)
{
	struct dx *d = u;

	if (lt_ooxml_is(name, len, "Fallback")) {
		if (d->fallback)
			d->fallback--;
		return 0;
	}
	if (d->fallback)
		return 0;
	if (len == 1) {
		if (name[0] == 'p' && d->para) {
			d->para--;
			if (d->body && !d->tbl && !d->para)
				return para_end(d);
		} else if (name[0] == 'r' && d->run) {
			d->run--;
		} else if (name[0] == 't') {
			d->in_t = false;
		}
		return 0;
	}
	if (len == 2 && name[0] == 't' && !d->body && d->tbl == 1) {
		if (name[1] == 'c' && d->in_tc)
			return cell_end(d);
		if (name[1] == 'r' && !d->in_tc)
			return row_end(d);
		return 0;
	}
	if (lt_ooxml_is(name, len, "tbl") && d->tbl) {
		int rc;

		d->tbl--;
		if (d->body || d->tbl || !d->in_table)
			return 0;
		d->in_table = false;
		d->in_tc = false;
		rc = d->sink->table_end(d->sink->udata);
		if (rc)
			d->sink_rc = rc;
		return rc;
	}
	return 0;
}

static int dx_text(void *u, const char *s, size_t len)
{
	struct dx *d = u;

	if (!d->in_t || d->fallback)
		return 0;
	return add(d, s, len);
}

static void pass_reset(struct dx *d, bool body)
{
	d->body = body;
	d->first = true;
	d->tbl = d->para = d->run = d->fallback = 0;
	d->in_t = d->in_table = d->in_tc = false;
	d->text.len = 0;
	d->para_no = d->table_no = d->row_no = 0;
	d->ncells = 0;
}

static bool fatal(int code)
{
	return code != LT_E_CORRUPT && code != LT_E_UNSUPPORTED;
}

static int extract(struct dx *d, const struct lt_scan_input *in,
		   struct lt_err *err)
{
	static const struct lt_ooxml_handler h = { dx_start, dx_end, dx_text };
	char part[LT_OOXML_PART_MAX];
	struct lt_err e = LT_ERR_INIT;
	int rc;

	LT_TRY(lt_ooxml_zip_open(in, d->info->warning,
				 sizeof(d->info->warning), &d->z, err));
	LT_TRY(lt_ooxml_main_part(d->z, "word/document.xml", part, err));

	/* pass 1: the body */
	pass_reset(d, true);
	d->err = &e;
	rc = d->sink->table_begin("body", d->sink->udata);
	if (rc)
		return d->sink_rc = rc;
	d->info->tables++;
	rc = lt_ooxml_parse(d->z, part, &h, d, &e);
	if (d->sink_rc)
		return d->sink_rc;
	if (!rc && !d->is_document) {
		char shown[LT_OOXML_SHOWN];

		lt_ooxml_shown(part, shown);
		lt_err_set(&e, LT_E_CORRUPT, "'%s' is not a Word document",
			   shown);
	}
	rc = d->sink->table_end(d->sink->udata);
	if (rc)
		return d->sink_rc = rc;
	if (e.code) {
		lt_err_set(err, e.code, "%s", e.msg);
		if (fatal(e.code) || !d->is_document)
			return e.code;
	}

	/* pass 2: the tables, up to the damage if there is one */
	lt_err_clear(&e);
	pass_reset(d, false);
	rc = lt_ooxml_parse(d->z, part, &h, d, &e);
	if (d->sink_rc)
		return d->sink_rc;
	if (d->in_table) { /* cut inside a table */
		rc = d->sink->table_end(d->sink->udata);
		if (rc)
			return d->sink_rc = rc;
	}
	if (e.code)
		lt_err_set(err, e.code, "%s", e.msg);
	return err->code;
}

int lt_extract_docx(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err)
{
	struct dx d;
	int rc;

	memset(info, 0, sizeof(*info));
	snprintf(info->encoding, sizeof(info->encoding), "UTF-8");
	snprintf(info->layout, sizeof(info->layout), "docx");
	if (!in || !sink || (!in->data && !in->read))
		return lt_err_set(err, LT_E_ARG, "docx extractor: no input");
	memset(&d, 0, sizeof(d));
	d.sink = sink;
	d.info = info;
	d.err = err;
	d.text.max = LT_OOXML_MAX_ROW;
	d.coff = lt_calloc(LT_OOXML_MAX_COLS, sizeof(*d.coff));
	d.clen = lt_calloc(LT_OOXML_MAX_COLS, sizeof(*d.clen));
	d.cells = lt_calloc(LT_OOXML_MAX_COLS, sizeof(*d.cells));
	if (!d.coff || !d.clen || !d.cells)
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
	else
		rc = extract(&d, in, err);
	lt_ooxml_zip_close(d.z);
	free(d.text.p);
	free(d.coff);
	free(d.clen);
	free(d.cells);
	return rc;
}
