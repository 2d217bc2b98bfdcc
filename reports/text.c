// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as text for a terminal: the published table (rows
 * 4情報..1情報, columns with/without number), per record and per person,
 * then files by type, evidence items, files with personal data, files not
 * examined or failed, locked volumes, and the rule used.  Columns are
 * aligned by display width (CJK characters are two columns wide).
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/report.h"
#include "leaktriage/walk.h"

#include <utf8proc.h>

static size_t width(const char *s)
{
	utf8proc_int32_t cp;
	size_t w = 0;
	utf8proc_ssize_t n;

	while (*s) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
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

/* s padded with spaces to w display columns (left or right aligned). */
static void pad(struct lt_buf *b, const char *s, size_t w, bool right)
{
	size_t sw = width(s);

	if (right)
		while (sw++ < w)
			lt_buf_addc(b, ' ');
	lt_buf_adds(b, s);
	if (!right)
		while (sw++ < w)
			lt_buf_addc(b, ' ');
}

static void num(char *out, size_t len, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), i, o = 0;

	for (i = 0; i < n && (size_t)o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static void table(struct lt_buf *b, const struct lt_report *r,
		  const struct lt_counts *c, const char *unit, bool ja)
{
	static const char *const lab_ja[] = {
		"", "1情報（氏名のみ）", "2情報（氏名＋1項目）",
		"3情報（氏名＋2項目）", "4情報（氏名＋3項目）" };
	static const char *const lab_en[] = {
		"", "1 (name only)", "2 (name + one)", "3 (name + two)",
		"4 (name + three)" };
	const char *const *lab = ja ? lab_ja : lab_en;
	uint64_t tw = 0, two = 0;
	char n1[32], n2[32], n3[32];
	int cat;
	const size_t W0 = 26, W = 14;

	pad(b, ja ? (strcmp(unit, "records") ? "人数" : "件数") :
		unit, W0, false);
	pad(b, ja ? "番号あり" : "with number", W, true);
	pad(b, ja ? "番号なし" : "without", W, true);
	pad(b, ja ? "計" : "total", W, true);
	lt_buf_addc(b, '\n');
	for (cat = 4; cat >= 1; cat--) {
		num(n1, sizeof(n1), c->with[cat]);
		num(n2, sizeof(n2), c->without[cat]);
		num(n3, sizeof(n3), c->with[cat] + c->without[cat]);
		pad(b, lab[cat], W0, false);
		pad(b, n1, W, true);
		pad(b, n2, W, true);
		pad(b, n3, W, true);
		lt_buf_addc(b, '\n');
		tw += c->with[cat];
		two += c->without[cat];
	}
	num(n1, sizeof(n1), tw);
	num(n2, sizeof(n2), two);
	num(n3, sizeof(n3), tw + two);
	pad(b, ja ? "計" : "total", W0, false);
	pad(b, n1, W, true);
	pad(b, n2, W, true);
	pad(b, n3, W, true);
	lt_buf_addc(b, '\n');
	num(n1, sizeof(n1), c->no_name);
	pad(b, ja ? "氏名なし" : "no name", W0, false);
	pad(b, "", W, true);
	pad(b, "", W, true);
	pad(b, n1, W, true);
	lt_buf_adds(b, "\n\n");
}

static void columns(struct lt_buf *b, uint32_t mask)
{
	int e;
	bool first = true;

	for (e = 0; e < LT_EL_COUNT; e++)
		if (mask & (1u << e)) {
			if (!first)
				lt_buf_addc(b, ',');
			lt_buf_adds(b, lt_elem_name((enum lt_elem)e));
			first = false;
		}
}

void lt_report_text(const struct lt_report *r, bool ja, struct lt_buf *b)
{
	size_t i;
	char n[32];

	lt_buf_addf(b, "leaktriage %s — %s, scope %s\n\n", LT_VERSION,
		    r->profile->name, r->scope);
	lt_buf_adds(b, ja ? "記録（件）\n" : "Records (件)\n");
	table(b, r, &r->records, "records", ja);
	lt_buf_adds(b, ja ? "人（名寄せ後）\n" : "Persons (人, de-duplicated)\n");
	table(b, r, &r->persons, "persons", ja);
	lt_buf_addf(b, "%s: %" PRIu64 "\n\n",
		    ja ? "名寄せの矛盾（異なる番号を含む人）" :
		    "conflicting merges (a person with two different numbers)",
		    r->conflicting_merges);

	lt_buf_addf(b, "Files: %" PRIu64 " seen, %" PRIu64 " scanned, %" PRIu64
		    " with personal data (%" PRIu64 " deleted), %" PRIu64
		    " protected (%" PRIu64 " weak), %" PRIu64
		    " not examined, %" PRIu64 " errors\n\n",
		    r->files.seen, r->files.scanned, r->files.with_pii,
		    r->files.deleted_with_pii, r->files.protected_,
		    r->files.protected_weak, r->files.not_examined,
		    r->files.errors);

	if (r->ntypes) {
		lt_buf_adds(b, "By file type:\n");
		for (i = 0; i < r->ntypes; i++) {
			num(n, sizeof(n), r->types[i].records);
			lt_buf_addf(b, "  %-10s %8" PRIu64 " files %12s records\n",
				    r->types[i].type ? r->types[i].type : "?",
				    r->types[i].files, n);
		}
		lt_buf_addc(b, '\n');
	}
	lt_buf_adds(b, "Evidence:\n");
	for (i = 0; i < r->nevidence; i++)
		lt_buf_addf(b, "  %-20s md5 %-32s %6" PRIu64 " files with PII"
			    " %10" PRIu64 " records %10" PRIu64 " persons\n",
			    r->evidence[i].name,
			    r->evidence[i].md5 ? r->evidence[i].md5 : "-",
			    r->evidence[i].files_with_pii,
			    r->evidence[i].records, r->evidence[i].persons);
	lt_buf_addc(b, '\n');
	if (r->nlocked) {
		lt_buf_adds(b, "Locked volumes (not examined):\n");
		for (i = 0; i < r->nlocked; i++)
			lt_buf_addf(b, "  %s partition %d offset %" PRIu64
				    ": %s\n", r->locked[i].evidence,
				    r->locked[i].partition,
				    r->locked[i].offset, r->locked[i].kind);
		lt_buf_addc(b, '\n');
	}
	if (r->npii) {
		lt_buf_adds(b, "Files with personal data:\n");
		for (i = 0; i < r->npii; i++) {
			const struct lt_report_file *f = &r->pii_files[i];

			lt_buf_addf(b, "  %s:%s%s  %s  %" PRIu64 " records  [",
				    f->evidence, f->path,
				    f->deleted ? " (deleted)" : "",
				    f->type ? f->type : "?", f->records);
			columns(b, f->columns);
			lt_buf_adds(b, "]\n");
		}
		lt_buf_addc(b, '\n');
	}
	if (r->nother) {
		lt_buf_adds(b, "Files not examined, protected or failed "
			       "(they may hold personal data):\n");
		for (i = 0; i < r->nother; i++) {
			const struct lt_report_file *f = &r->other_files[i];

			lt_buf_addf(b, "  %s:%s%s  %s: %s\n", f->evidence,
				    f->path, f->deleted ? " (deleted)" : "",
				    f->type ? f->type : "?",
				    f->detail ? f->detail : "");
		}
		lt_buf_addc(b, '\n');
	}
	lt_buf_addf(b, "Rule (%s): %s.\n", r->profile->name,
		    ja ? r->profile->rule_ja : r->profile->rule_en);
	lt_buf_adds(b, ja ?
		    "名寄せ：識別番号の一致、または正規化した氏名と生年月日、"
		    "または氏名と住所の一致で同一人物とする（推移的）。\n" :
		    "Persons: records are one person when they share an "
		    "identifier number, or the same normalized name and "
		    "birthdate, or the same normalized name and address "
		    "(transitively, across files and evidence).\n");
}
