// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as Markdown (CommonMark + GFM tables): the layout of
 * reports/layout.c, headings as # / ##, tables as pipe tables with the
 * numbers right-aligned and total rows in bold.  Every character that
 * Markdown could read as markup is backslash-escaped, so a path from the
 * evidence shows as it is (no links, no HTML, no emphasis).
 */
#include "triage/core/compat.h"
#include "leaktriage/report.h"

static void esc(struct lt_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|~&", *s))
			lt_buf_addc(b, '\\');
		lt_buf_addc(b, *s);
	}
}

/* Paragraph text: our own sentences, escaped the same way. */
static void text(struct lt_buf *b, const char *s)
{
	esc(b, s);
	lt_buf_adds(b, "\n\n");
}

static void table(struct lt_buf *b, const struct lt_doc_table *t)
{
	size_t r, c;

	for (r = 0; r <= t->nrows; r++) {
		bool bold = r && r < 64 && (t->total_rows >> r & 1);

		lt_buf_addc(b, '|');
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			lt_buf_addc(b, ' ');
			if (bold && s && *s)
				lt_buf_adds(b, "**");
			esc(b, s);
			if (bold && s && *s)
				lt_buf_adds(b, "**");
			lt_buf_adds(b, " |");
		}
		lt_buf_addc(b, '\n');
		if (!r) {
			lt_buf_addc(b, '|');
			for (c = 0; c < t->ncols; c++)
				lt_buf_adds(b, t->numeric >> c & 1 ? " ---: |" :
					    " --- |");
			lt_buf_addc(b, '\n');
		}
	}
	lt_buf_addc(b, '\n');
	if (t->note)
		text(b, t->note);
}

static int write_md(const struct lt_report *r, const struct lt_report_fmt *fmt,
		    lt_report_part_fn part, void *udata, struct lt_err *err)
{
	struct lt_doc *d;
	struct lt_buf b;
	size_t i;

	LT_TRY(lt_report_doc_build(r, fmt, &d, err));
	lt_buf_init(&b, (size_t)1 << 30);
	for (i = 0; i < d->count; i++) {
		const struct lt_doc_block *k = &d->blocks[i];

		switch (k->kind) {
		case LT_DOC_HEADING:
			lt_buf_adds(&b, k->level == 1 ? "# " : "## ");
			text(&b, k->text);
			break;
		case LT_DOC_PARA:
			text(&b, k->text);
			break;
		case LT_DOC_TABLE:
			table(&b, k->table);
			break;
		case LT_DOC_CHART:
		case LT_DOC_TIMELINE:
			break;
		}
	}
	lt_report_doc_free(d);
	/* One newline at the end, not two. */
	if (b.len > 1 && !lt_buf_status(&b))
		b.buf[--b.len] = '\0';
	return lt_report_emit(&b, part, udata, err);
}

const struct lt_report_writer lt_report_md = {
	.name = "md",
	.summary = "Markdown (GFM tables)",
	.write = write_md,
};
