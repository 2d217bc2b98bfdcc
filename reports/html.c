// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as one self-contained HTML file: the layout of
 * reports/layout.c, inline CSS (printable: tables and charts are not cut
 * across pages), an inline SVG bar chart of the category counts, and, when
 * correlate has run (table window), an SVG timeline of the suspicious
 * traffic windows per evidence item.  No script, no external resource: a
 * Content-Security-Policy of default-src 'none' says so to the browser,
 * and the SVG is inline HTML (no xmlns URL needed).  Every string is
 * escaped; each table row is one line, so that tests can normalise a line.
 */
#include "triage/core/compat.h"
#include "leaktriage/report.h"

static void esc(struct lt_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': lt_buf_adds(b, "&amp;"); break;
		case '<': lt_buf_adds(b, "&lt;"); break;
		case '>': lt_buf_adds(b, "&gt;"); break;
		case '"': lt_buf_adds(b, "&quot;"); break;
		case '\'': lt_buf_adds(b, "&#39;"); break;
		default: lt_buf_addc(b, *s);
		}
	}
}

static const char style[] =
	"body{font-family:\"Noto Sans CJK JP\",\"IPAGothic\",\"IPAexGothic\","
	"\"Hiragino Sans\",\"Yu Gothic\",Meiryo,sans-serif;margin:2em auto;"
	"max-width:1100px;padding:0 1em;color:#111;line-height:1.5;"
	"font-size:14px}\n"
	"h1{font-size:1.6em;border-bottom:2px solid #333;margin-bottom:.4em}\n"
	"h2{font-size:1.15em;margin:1.6em 0 .4em;"
	"border-bottom:1px solid #999}\n"
	"table{border-collapse:collapse;margin:.4em 0;font-size:13px}\n"
	"th,td{border:1px solid #bbb;padding:.2em .6em;vertical-align:top;"
	"text-align:left;overflow-wrap:anywhere}\n"
	"th{background:#e8edf3}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"tr.total td{font-weight:bold;background:#f4f4f4}\n"
	"p.note{font-size:.9em;color:#444;margin:.2em 0 .8em}\n"
	"#t-methodology td:first-child,#t-reportability td:first-child"
	"{white-space:nowrap}\n"
	"svg{display:block;margin:.6em 0}\n"
	"svg text{font-size:12px;fill:#222}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"h2{break-after:avoid}table,svg{break-inside:avoid}"
	"tr{break-inside:avoid}}\n";

static void table(struct lt_buf *b, const struct lt_doc_table *t)
{
	size_t r, c;

	lt_buf_addf(b, "<table id=\"t-%s\">\n<thead>", t->id);
	for (r = 0; r <= t->nrows; r++) {
		bool total = r && r < 64 && (t->total_rows >> r & 1);

		if (r == 1)
			lt_buf_adds(b, "<tbody>\n");
		lt_buf_adds(b, total ? "<tr class=\"total\">" : "<tr>");
		for (c = 0; c < t->ncols; c++) {
			bool n = (t->numeric >> c & 1) != 0;

			lt_buf_adds(b, r ? "<td" : "<th");
			if (n)
				lt_buf_adds(b, " class=\"n\"");
			lt_buf_addc(b, '>');
			esc(b, t->cells[r * t->ncols + c]);
			lt_buf_adds(b, r ? "</td>" : "</th>");
		}
		lt_buf_adds(b, "</tr>");
		lt_buf_adds(b, r ? "\n" : "</thead>\n");
	}
	if (t->nrows)
		lt_buf_adds(b, "</tbody>\n");
	lt_buf_adds(b, "</table>\n");
	if (t->note) {
		lt_buf_adds(b, "<p class=\"note\">");
		esc(b, t->note);
		lt_buf_adds(b, "</p>\n");
	}
}

/* --- the chart ------------------------------------------------------------ */

#define CH_W 760
#define CH_LABEL 90
#define CH_BAR 520
#define CH_ROW 22

static void chart_group(struct lt_buf *b, const struct lt_doc *d,
			const char *title, const struct lt_counts *c, int y)
{
	static const char *const lab_ja[] = { "氏名なし", "1情報", "2情報",
					      "3情報", "4情報" };
	static const char *const lab_en[] = { "no name", "1", "2", "3", "4" };
	const char *const *lab = d->fmt.ja ? lab_ja : lab_en;
	uint64_t max = c->no_name;
	char num[32];
	int k, row = 0;

	for (k = 1; k <= 4; k++)
		max = LT_MAX(max, c->with[k] + c->without[k]);
	lt_buf_addf(b, "<text x=\"0\" y=\"%d\" font-weight=\"bold\">", y + 14);
	esc(b, title);
	lt_buf_adds(b, "</text>\n");
	y += 22;
	for (k = 4; k >= 0; k--, row++) {
		uint64_t w = k ? c->with[k] : 0;
		uint64_t wo = k ? c->without[k] : c->no_name;
		double scale = max ? (double)CH_BAR / (double)max : 0;
		double ww = scale * (double)w, wwo = scale * (double)wo;
		double x0 = CH_LABEL + (w ? LT_MAX(ww, 1.0) : 0);
		int ry = y + row * CH_ROW;

		lt_buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			    CH_LABEL - 8, ry + 14);
		esc(b, lab[k]);
		lt_buf_adds(b, "</text>");
		if (w)
			lt_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
				    "height=\"16\" fill=\"#1f4e79\"/>",
				    CH_LABEL, ry + 2, LT_MAX(ww, 1.0));
		if (wo)
			lt_buf_addf(b, "<rect x=\"%.1f\" y=\"%d\" "
				    "width=\"%.1f\" height=\"16\" "
				    "fill=\"%s\"/>", x0, ry + 2,
				    LT_MAX(wwo, 1.0),
				    k ? "#8fb8de" : "#b8b8b8");
		lt_buf_addf(b, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
			    x0 + (wo ? LT_MAX(wwo, 1.0) : 0) + 6, ry + 14,
			    lt_report_num(w + wo, num, sizeof(num)));
	}
}

static void chart(struct lt_buf *b, const struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *with = d->fmt.ja ? "番号あり" : "with number";
	const char *without = d->fmt.ja ? "番号なし" : "without";
	int h = 24 + 2 * (22 + 5 * CH_ROW + 14);

	lt_buf_addf(b, "<svg role=\"img\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" aria-label=\"", CH_W, h, CH_W, h);
	esc(b, d->fmt.ja ? "区分ごとの件数と人数" : "records and persons by "
	    "category");
	lt_buf_adds(b, "\">\n");
	lt_buf_addf(b, "<rect x=\"%d\" y=\"4\" width=\"14\" height=\"14\" "
		    "fill=\"#1f4e79\"/><text x=\"%d\" y=\"16\">", CH_LABEL,
		    CH_LABEL + 20);
	esc(b, with);
	lt_buf_addf(b, "</text><rect x=\"%d\" y=\"4\" width=\"14\" "
		    "height=\"14\" fill=\"#8fb8de\"/><text x=\"%d\" y=\"16\">",
		    CH_LABEL + 180, CH_LABEL + 200);
	esc(b, without);
	lt_buf_adds(b, "</text>\n");
	chart_group(b, d, d->fmt.ja ? "件数（記録単位）" : "Records",
		    &r->records, 24);
	chart_group(b, d, d->fmt.ja ? "人数（名寄せ後）" : "Persons",
		    &r->persons, 24 + 22 + 5 * CH_ROW + 14);
	lt_buf_adds(b, "</svg>\n");
}

/* --- the timeline ------------------------------------------------------- */

static void iso_ns(char *out, size_t len, int64_t ns)
{
	struct tm tm;
	time_t s = (time_t)(ns >= 0 ? ns / 1000000000 :
			    -((-(ns + 1)) / 1000000000 + 1));

	if (!gmtime_r(&s, &tm) ||
	    !strftime(out, len, "%Y-%m-%d %H:%M:%SZ", &tm))
		snprintf(out, len, "?");
}

static void timeline(struct lt_buf *b, const struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char **lanes;
	size_t nlanes = 0, i, j;
	int64_t t0 = INT64_MAX, t1 = INT64_MIN;
	const int lw = 120, pw = 600, lh = 24;
	double span;
	char a[40];
	int h, k;

	if (!r->nwindows)
		return;
	lanes = calloc(r->nwindows, sizeof(*lanes));
	if (!lanes) {
		b->status = LT_E_NOMEM;
		return;
	}
	for (i = 0; i < r->nwindows; i++) {
		const char *ev = r->windows[i].evidence ?
				 r->windows[i].evidence : "?";

		for (j = 0; j < nlanes && strcmp(lanes[j], ev); j++)
			;
		if (j == nlanes)
			lanes[nlanes++] = ev;
		t0 = LT_MIN(t0, r->windows[i].start_ns);
		t1 = LT_MAX(t1, r->windows[i].end_ns);
	}
	if (t1 <= t0)
		t1 = t0 + 1000000000;
	span = (double)t1 - (double)t0;
	h = (int)nlanes * lh + 40;
	lt_buf_addf(b, "<svg role=\"img\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" aria-label=\"", lw + pw + 20, h,
		    lw + pw + 20, h);
	esc(b, d->fmt.ja ? "不審な通信の時間帯" : "suspicious traffic windows");
	lt_buf_adds(b, "\">\n");
	for (j = 0; j < nlanes; j++) {
		int y = (int)j * lh;

		lt_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"%d\" fill=\"%s\"/><text x=\"%d\" "
			    "y=\"%d\" text-anchor=\"end\">", lw, y, pw, lh,
			    j % 2 ? "#ffffff" : "#f2f2f2", lw - 8, y + 16);
		esc(b, lanes[j]);
		lt_buf_adds(b, "</text>\n");
	}
	for (i = 0; i < r->nwindows; i++) {
		const struct lt_report_window *w = &r->windows[i];
		const char *ev = w->evidence ? w->evidence : "?";
		double x = lw + pw * ((double)w->start_ns - (double)t0) / span;
		double wd = pw * ((double)w->end_ns - (double)w->start_ns) /
			    span;

		for (j = 0; j < nlanes && strcmp(lanes[j], ev); j++)
			;
		lt_buf_addf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			    "height=\"%d\" fill=\"#c0392b\" "
			    "fill-opacity=\"0.75\"><title>", x,
			    (int)j * lh + 4, LT_MAX(wd, 2.0), lh - 8);
		iso_ns(a, sizeof(a), w->start_ns);
		esc(b, a);
		lt_buf_adds(b, " – ");
		iso_ns(a, sizeof(a), w->end_ns);
		esc(b, a);
		lt_buf_adds(b, ": ");
		esc(b, w->reason);
		lt_buf_adds(b, "</title></rect>\n");
	}
	for (k = 0; k <= 4; k++) {
		int x = lw + pw * k / 4;
		int y = (int)nlanes * lh;

		lt_buf_addf(b, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" "
			    "stroke=\"#999\" stroke-width=\"0.5\"/>", x, x,
			    y + 4);
		if (k % 2)
			continue;
		iso_ns(a, sizeof(a), t0 + (int64_t)(span * k / 4));
		lt_buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">",
			    x, y + 18 + (k == 2 ? 14 : 0),
			    k == 0 ? "start" : k == 4 ? "end" : "middle");
		esc(b, a);
		lt_buf_adds(b, "</text>\n");
	}
	lt_buf_adds(b, "</svg>\n");
	free(lanes);
}

static int write_html(const struct lt_report *r,
		      const struct lt_report_fmt *fmt, lt_report_part_fn part,
		      void *udata, struct lt_err *err)
{
	struct lt_doc *d;
	struct lt_buf b;
	size_t i;

	LT_TRY(lt_report_doc_build(r, fmt, &d, err));
	lt_buf_init(&b, (size_t)1 << 30);
	lt_buf_addf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" "
		    "content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, "
		    "initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"leaktriage %s\">\n"
		    "<title>", fmt->ja ? "ja" : "en", LT_VERSION);
	for (i = 0; i < d->count; i++)
		if (d->blocks[i].kind == LT_DOC_HEADING) {
			esc(&b, d->blocks[i].text);
			break;
		}
	lt_buf_addf(&b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		    style);
	for (i = 0; i < d->count; i++) {
		const struct lt_doc_block *k = &d->blocks[i];

		switch (k->kind) {
		case LT_DOC_HEADING:
			lt_buf_adds(&b, k->level == 1 ? "<h1>" : "<h2>");
			esc(&b, k->text);
			lt_buf_adds(&b, k->level == 1 ? "</h1>\n" : "</h2>\n");
			break;
		case LT_DOC_PARA:
			lt_buf_adds(&b, "<p>");
			esc(&b, k->text);
			lt_buf_adds(&b, "</p>\n");
			break;
		case LT_DOC_TABLE:
			table(&b, k->table);
			break;
		case LT_DOC_CHART:
			chart(&b, d);
			break;
		case LT_DOC_TIMELINE:
			timeline(&b, d);
			break;
		}
	}
	lt_buf_adds(&b, "</body>\n</html>\n");
	lt_report_doc_free(d);
	return lt_report_emit(&b, part, udata, err);
}

const struct lt_report_writer lt_report_html = {
	.name = "html",
	.summary = "one self-contained HTML file (inline CSS and SVG)",
	.write = write_html,
};
