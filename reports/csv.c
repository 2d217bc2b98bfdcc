// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as CSV for Excel: UTF-8 with a byte-order mark (without it
 * Japanese Excel reads CP932), RFC 4180 quoting, CRLF line ends.  With
 * fmt->split (-o DIR) each table of reports/layout.c is a part of its own,
 * "<id>.csv"; otherwise the tables follow one another in one part, each
 * after a line holding its title and followed by an empty line.  A table's
 * note is its last row, in the first column.
 *
 * Text cells that start with = + - @ or a tab would be formulas to a
 * spreadsheet (a file named "=HYPERLINK(...)" in the evidence): they get
 * a leading apostrophe, which Excel shows as plain text.  Numbers are
 * written without thousands separators (1234, not "1,234").
 */
#include "triage/core/compat.h"
#include "leaktriage/report.h"

#define BOM "\xEF\xBB\xBF"

static void field(struct lt_buf *b, const char *s, bool numeric)
{
	bool quote;

	if (!s)
		s = "";
	if (numeric && *s && strspn(s, "0123456789,") == strlen(s)) {
		for (; *s; s++)
			if (*s != ',')
				lt_buf_addc(b, *s);
		return;
	}
	quote = strpbrk(s, ",\"\r\n") || *s == ' ' ||
		(*s && s[strlen(s) - 1] == ' ');
	if (quote)
		lt_buf_addc(b, '"');
	if (!numeric && *s && strchr("=+-@\t", *s))
		lt_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			lt_buf_addc(b, '"');
		lt_buf_addc(b, *s);
	}
	if (quote)
		lt_buf_addc(b, '"');
}

static void table(struct lt_buf *b, const struct lt_doc_table *t)
{
	size_t r, c;

	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				lt_buf_addc(b, ',');
			field(b, t->cells[r * t->ncols + c],
			      r && (t->numeric >> c & 1));
		}
		lt_buf_adds(b, "\r\n");
	}
	if (t->note) {
		field(b, t->note, false);
		lt_buf_adds(b, "\r\n");
	}
}

static int emit(struct lt_buf *b, const char *name, lt_report_part_fn part,
		void *udata, struct lt_err *err)
{
	if (lt_buf_status(b))
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	return part(name, b, udata, err);
}

static int write_csv(const struct lt_report *r,
		     const struct lt_report_fmt *fmt, lt_report_part_fn part,
		     void *udata, struct lt_err *err)
{
	struct lt_doc *d;
	struct lt_buf b;
	char name[64];
	size_t i;
	int rc = LT_OK;

	LT_TRY(lt_report_doc_build(r, fmt, &d, err));
	lt_buf_init(&b, (size_t)1 << 30);
	if (!fmt->split)
		lt_buf_adds(&b, BOM);
	for (i = 0; i < d->count && !rc; i++) {
		const struct lt_doc_table *t = d->blocks[i].table;

		if (d->blocks[i].kind != LT_DOC_TABLE)
			continue;
		if (fmt->split) {
			lt_buf_reset(&b);
			lt_buf_adds(&b, BOM);
			table(&b, t);
			snprintf(name, sizeof(name), "%s.csv", t->id);
			rc = emit(&b, name, part, udata, err);
		} else {
			field(&b, t->title, false);
			lt_buf_adds(&b, "\r\n");
			table(&b, t);
			lt_buf_adds(&b, "\r\n");
		}
	}
	lt_report_doc_free(d);
	if (!rc && !fmt->split)
		rc = emit(&b, NULL, part, udata, err);
	lt_buf_release(&b);
	return rc;
}

const struct lt_report_writer lt_report_csv = {
	.name = "csv",
	.summary = "CSV for Excel (UTF-8 with BOM; one file per table "
		   "with -o DIR)",
	.flags = LT_REPORT_SPLITS,
	.write = write_csv,
};
