// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as text for a terminal: the layout of reports/layout.c with
 * underlined headings, paragraphs wrapped at 78 columns and tables whose
 * columns are aligned by display width (CJK characters are two columns
 * wide, utf8proc_charwidth).  Numbers are right-aligned; a rule of dashes
 * sets off the header and the total rows.  Charts are HTML only.
 */
#include "triage/core/compat.h"
#include "leaktriage/report.h"

#include <ctype.h>
#include <utf8proc.h>

#define TEXT_WIDTH 78

/* Display width of s[0..len). */
static size_t width_n(const char *s, size_t len)
{
	const char *end = s + len;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t w = 0;

	while (s < end) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s, end - s, &cp);
		if (n <= 0) {
			s++;
			w++;
			continue;
		}
		w += (size_t)LT_MAX(0, utf8proc_charwidth(cp));
		s += n;
	}
	return w;
}

static size_t width(const char *s)
{
	return s ? width_n(s, strlen(s)) : 0;
}

static void spaces(struct lt_buf *b, size_t n)
{
	while (n--)
		lt_buf_addc(b, ' ');
}

static void rule(struct lt_buf *b, char c, size_t n)
{
	while (n--)
		lt_buf_addc(b, c);
	lt_buf_addc(b, '\n');
}

/* Closing punctuation a line should not start with (kinsoku). */
static bool closing(utf8proc_int32_t cp)
{
	return cp == 0x3001 || cp == 0x3002 || cp == 0xFF09 ||
	       cp == 0x300D || cp == 0xFF0C || cp == 0xFF0E || cp == 0x30FC;
}

/* Opening brackets a line should not end with. */
static bool opening(utf8proc_int32_t cp)
{
	return cp == '(' || cp == '[' || cp == 0xFF08 || cp == 0x300C ||
	       cp == 0x300E || cp == 0xFF3B || cp == 0x3010;
}

/*
 * s wrapped at max columns: after a space, or before a wide character
 * (not right after a letter or digit: "4情報" stays whole).
 */
static void wrap(struct lt_buf *b, const char *s, size_t max)
{
	const char *line = s, *brk = NULL, *p = s, *end = s + strlen(s);
	utf8proc_int32_t prev = ' ';
	size_t w = 0;

	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(
			(const utf8proc_uint8_t *)p, end - p, &cp);
		size_t cw;

		if (n <= 0) {
			n = 1;
			cp = '?';
		}
		cw = (size_t)LT_MAX(0, utf8proc_charwidth(cp));
		/* A word wider than the line (a hash) overflows it: never
		 * cut inside one. */
		if (w + cw > max && brk && brk > line) {
			const char *cut = brk;
			const char *e = cut;

			while (e > line && e[-1] == ' ')
				e--;
			lt_buf_add(b, line, (size_t)(e - line));
			lt_buf_addc(b, '\n');
			line = cut;
			while (*line == ' ')
				line++;
			brk = NULL;
			w = width_n(line, (size_t)(p > line ? p - line : 0));
			if (p < line)
				p = line;
			continue;
		}
		/* Before a wide character, but not inside "4情報". */
		if (cw == 2 && !closing(cp) && !opening(prev) &&
		    !(prev < 0x80 && isalnum(prev)))
			brk = p;
		p += n;
		w += cw;
		if (cp == ' ')
			brk = p;
		prev = cp;
	}
	lt_buf_add(b, line, (size_t)(end - line));
	lt_buf_addc(b, '\n');
}

static const char *cell(const struct lt_doc_table *t, size_t r, size_t c)
{
	const char *s = t->cells[r * t->ncols + c];

	return s ? s : "";
}

/*
 * Append cell s, wrapped at width max when it is wider; continuation lines
 * start with indent spaces.
 */
static void wrapped_cell(struct lt_buf *b, const char *s, size_t max,
			 size_t indent)
{
	struct lt_buf tmp;
	const char *p, *nl;

	if (width(s) <= max) {
		lt_buf_adds(b, s);
		return;
	}
	lt_buf_init(&tmp, 0);
	wrap(&tmp, s, max);
	for (p = lt_buf_str(&tmp); *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (p != lt_buf_str(&tmp)) {
			lt_buf_addc(b, '\n');
			spaces(b, indent);
		}
		lt_buf_add(b, p, (size_t)(nl - p));
		if (!*nl)
			break;
	}
	if (lt_buf_status(&tmp))
		b->status = lt_buf_status(&tmp);
	lt_buf_release(&tmp);
}

/*
 * A table of sentences wider than the screen: one block per row, the
 * first cell on a line of its own, the others below it as "header: text",
 * wrapped and indented.
 */
static void prose(struct lt_buf *b, const struct lt_doc_table *t)
{
	struct lt_buf line;
	size_t r, c;

	lt_buf_init(&line, 0);
	for (r = 1; r <= t->nrows; r++) {
		if (r > 1)
			lt_buf_addc(b, '\n');
		lt_buf_adds(b, cell(t, r, 0));
		lt_buf_addc(b, '\n');
		for (c = 1; c < t->ncols; c++) {
			if (!*cell(t, r, c))
				continue;
			lt_buf_reset(&line);
			lt_buf_addf(&line, "%s: %s", cell(t, 0, c),
				    cell(t, r, c));
			spaces(b, 2);
			wrapped_cell(b, lt_buf_str(&line), TEXT_WIDTH - 2, 4);
			lt_buf_addc(b, '\n');
		}
	}
	if (lt_buf_status(&line))
		b->status = lt_buf_status(&line);
	lt_buf_release(&line);
	if (t->note) {
		lt_buf_addc(b, '\n');
		wrap(b, t->note, TEXT_WIDTH);
	}
}

static void table(struct lt_buf *b, const struct lt_doc_table *t)
{
	size_t *w = calloc(t->ncols, sizeof(*w)), r, c, total = 0, lastw;
	size_t lc = t->ncols - 1, off = 0;

	if (!w) {
		b->status = LT_E_NOMEM;
		return;
	}
	for (r = 0; r <= t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			w[c] = LT_MAX(w[c], width(cell(t, r, c)));
	for (c = 0; c < t->ncols; c++)
		total += w[c] + (c ? 2 : 0);
	if (t->prose && total > TEXT_WIDTH) {
		free(w);
		prose(b, t);
		return;
	}
	/* A long text in the last column wraps to keep lines readable. */
	off = total - w[lc];
	lastw = w[lc];
	if (total > TEXT_WIDTH && !(t->numeric >> lc & 1) &&
	    off + 24 <= TEXT_WIDTH) {
		lastw = TEXT_WIDTH - off;
		total = TEXT_WIDTH;
	}
	for (r = 0; r <= t->nrows; r++) {
		size_t last = t->ncols;

		if (r && r < 64 && (t->total_rows >> r & 1) &&
		    !(r > 1 && (t->total_rows >> (r - 1) & 1)))
			rule(b, '-', total);
		/* No trailing blanks: stop at the last non-empty cell. */
		while (last > 1 && !*cell(t, r, last - 1))
			last--;
		for (c = 0; c < last; c++) {
			const char *s = cell(t, r, c);
			size_t sw = width(s);
			bool right = (t->numeric >> c & 1) != 0;

			if (c)
				spaces(b, 2);
			if (right)
				spaces(b, w[c] > sw ? w[c] - sw : 0);
			if (c == lc && !right)
				wrapped_cell(b, s, lastw, off);
			else
				lt_buf_adds(b, s);
			if (!right && c + 1 < last)
				spaces(b, w[c] - sw);
		}
		lt_buf_addc(b, '\n');
		if (!r)
			rule(b, '-', total);
	}
	free(w);
	if (t->note) {
		lt_buf_addc(b, '\n');
		wrap(b, t->note, TEXT_WIDTH);
	}
}

static int write_text(const struct lt_report *r,
		      const struct lt_report_fmt *fmt, lt_report_part_fn part,
		      void *udata, struct lt_err *err)
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
			lt_buf_adds(&b, k->text);
			lt_buf_addc(&b, '\n');
			rule(&b, k->level == 1 ? '=' : '-', width(k->text));
			break;
		case LT_DOC_PARA:
			wrap(&b, k->text, TEXT_WIDTH);
			break;
		case LT_DOC_TABLE:
			table(&b, k->table);
			break;
		case LT_DOC_CHART:
		case LT_DOC_TIMELINE:
			continue;
		}
		if (i + 1 < d->count)
			lt_buf_addc(&b, '\n');
	}
	lt_report_doc_free(d);
	return lt_report_emit(&b, part, udata, err);
}

const struct lt_report_writer lt_report_text = {
	.name = "text",
	.summary = "aligned text for a terminal (default)",
	.write = write_text,
};
