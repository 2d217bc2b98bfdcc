// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report laid out once for every human format (text, Markdown, CSV,
 * HTML): headings, paragraphs and tables with their labels in Japanese or
 * English, in the order the issue and DESIGN.md give.  The writers only
 * render this model, so the formats cannot drift apart; JSON has its own
 * writer because it is a contract.  Also here: the number formats (the
 * rounded 約N.N万 style) and the table of writers.
 *
 * Strings from the case DB are paths and names taken from evidence:
 * control characters and bidirectional overrides (a file named with
 * U+202E can show its extension reversed) become U+FFFD here, so no
 * writer can pass an escape sequence to a terminal.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/json.h"
#include "leaktriage/report.h"
#include "leaktriage/walk.h"

/* --- numbers ------------------------------------------------------------ */

char *lt_report_num(uint64_t v, char *out, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), i;
	size_t o = 0;

	if (!len)
		return out;
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

char *lt_report_approx(uint64_t v, bool ja, char *out, size_t len)
{
	/* Tenths of 万 (thousands), rounded half up; without overflow. */
	uint64_t t = v / 1000 + (v % 1000 >= 500);
	char num[32];

	if (v < 10000)
		return lt_report_num(v, out, len);
	if (!ja) {
		snprintf(out, len, "about %s",
			 lt_report_num(t * 1000, num, sizeof(num)));
		if (t > UINT64_MAX / 1000)
			snprintf(out, len, "about %s",
				 lt_report_num(v, num, sizeof(num)));
		return out;
	}
	if (t < 100000) {
		snprintf(out, len, "約%" PRIu64 ".%" PRIu64 "万", t / 10,
			 t % 10);
		return out;
	}
	/* 10,000万 and up: tenths of 億 (10,000,000s). */
	t = v / 10000000 + (v % 10000000 >= 5000000);
	snprintf(out, len, "約%" PRIu64 ".%" PRIu64 "億", t / 10, t % 10);
	return out;
}

/* --- writers ------------------------------------------------------------ */

static const struct lt_report_writer *const writers[] = {
	&lt_report_text, &lt_report_md, &lt_report_csv, &lt_report_json,
	&lt_report_html, NULL,
};

const struct lt_report_writer *lt_report_writer_find(const char *name)
{
	size_t i;

	for (i = 0; name && writers[i]; i++)
		if (!strcmp(writers[i]->name, name))
			return writers[i];
	return NULL;
}

const struct lt_report_writer *const *lt_report_writer_list(void)
{
	return writers;
}

/* --- the model ----------------------------------------------------------- */

#define L(ja_, en_) (d->fmt.ja ? (ja_) : (en_))

/* Copy s with controls and bidi overrides replaced by U+FFFD. */
static char *clean(struct lt_doc *d, const char *s)
{
	struct lt_buf in, out;
	const unsigned char *p;
	char *res;

	if (!s)
		s = "";
	lt_buf_init(&in, 0);
	lt_buf_init(&out, 0);
	lt_utf8_sanitize(&in, s, strlen(s));
	for (p = (const unsigned char *)lt_buf_str(&in); *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			lt_buf_adds(&out, "\xEF\xBF\xBD");
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			lt_buf_adds(&out, "\xEF\xBF\xBD");
			p++;
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA &&
			   p[2] <= 0xAE) {
			lt_buf_adds(&out, "\xEF\xBF\xBD");
			p += 2;
		} else if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 &&
			   p[2] <= 0xA9) {
			lt_buf_adds(&out, "\xEF\xBF\xBD");
			p += 2;
		} else {
			lt_buf_addc(&out, (char)*p);
		}
	}
	if (lt_buf_status(&in) || lt_buf_status(&out)) {
		lt_buf_release(&in);
		lt_buf_release(&out);
		d->status = LT_E_NOMEM;
		return NULL;
	}
	lt_buf_release(&in);
	res = lt_buf_detach(&out, NULL);
	if (!res)
		d->status = LT_E_NOMEM;
	return res;
}

static struct lt_doc_block *block(struct lt_doc *d, enum lt_doc_kind kind)
{
	struct lt_doc_block *b;

	if (d->count == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 32;
		struct lt_doc_block *nb = realloc(d->blocks, na * sizeof(*nb));

		if (!nb) {
			d->status = LT_E_NOMEM;
			return NULL;
		}
		d->blocks = nb;
		d->alloc = na;
	}
	b = &d->blocks[d->count++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

static void heading(struct lt_doc *d, int level, const char *text)
{
	struct lt_doc_block *b = block(d, LT_DOC_HEADING);

	if (b) {
		b->level = level;
		b->text = clean(d, text);
	}
}

__attribute__((format(printf, 2, 3))) static void
para(struct lt_doc *d, const char *fmt, ...)
{
	struct lt_doc_block *b = block(d, LT_DOC_PARA);
	va_list ap;
	char *s;

	if (!b)
		return;
	va_start(ap, fmt);
	s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		d->status = LT_E_NOMEM;
		return;
	}
	b->text = clean(d, s);
	free(s);
}

static struct lt_doc_table *table(struct lt_doc *d, const char *id,
				  const char *title, size_t ncols,
				  uint32_t numeric, const char *const *head)
{
	struct lt_doc_block *b = block(d, LT_DOC_TABLE);
	struct lt_doc_table *t;
	size_t i;

	if (!b)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->cells = calloc(ncols, sizeof(*t->cells)))) {
		free(t);
		d->status = LT_E_NOMEM;
		return NULL;
	}
	b->table = t;
	t->id = id;
	t->title = title;
	t->ncols = ncols;
	t->numeric = numeric;
	for (i = 0; i < ncols; i++)
		t->cells[i] = clean(d, head[i]);
	return t;
}

static void row(struct lt_doc *d, struct lt_doc_table *t,
		const char *const *cells)
{
	char **nc;
	size_t i;

	if (!t)
		return;
	nc = realloc(t->cells, (t->nrows + 2) * t->ncols * sizeof(*nc));
	if (!nc) {
		d->status = LT_E_NOMEM;
		return;
	}
	t->cells = nc;
	t->nrows++;
	for (i = 0; i < t->ncols; i++)
		nc[t->nrows * t->ncols + i] = clean(d, cells[i]);
}

#define HEAD(...) ((const char *const[]){ __VA_ARGS__ })
#define NCOLS(...) (sizeof(HEAD(__VA_ARGS__)) / sizeof(const char *))
#define TABLE(d, id, title, numeric, ...) \
	table(d, id, title, NCOLS(__VA_ARGS__), numeric, HEAD(__VA_ARGS__))
#define ROW(d, t, ...) row(d, t, HEAD(__VA_ARGS__))

static void note(struct lt_doc *d, struct lt_doc_table *t, const char *s)
{
	if (t && s)
		t->note = clean(d, s);
}

/* A number as text, from a small ring of buffers (a row uses a few). */
static const char *N(uint64_t v)
{
	static _Thread_local char ring[16][32];
	static _Thread_local unsigned next;
	char *b = ring[next++ % 16];

	return lt_report_num(v, b, 32);
}

static const char *yesno(struct lt_doc *d, bool v)
{
	return v ? L("はい", "yes") : "";
}

/* --- sections ------------------------------------------------------------ */

static void main_table(struct lt_doc *d, const char *id, const char *title,
		       const struct lt_counts *c, const char *unit_ja)
{
	const struct lt_profile *p = d->r->profile;
	const char *const *rows = d->fmt.ja ? p->row_ja : p->row_en;
	const char *with = d->fmt.ja ? p->with_ja : p->with_en;
	const char *cat = L("区分", "category");
	const char *without = L("番号なし", "without");
	const char *total = L("計", "total");
	const char *ap = L("概数", "approx.");
	struct lt_doc_table *t;
	uint64_t tw = 0, two = 0;
	char a[3][64];
	int k;

	heading(d, 2, title);
	if (d->fmt.approx)
		t = TABLE(d, id, title, 0x2a | 0x54, cat, with, ap, without, ap,
			  total, ap);
	else
		t = TABLE(d, id, title, 0xe, cat, with, without, total);
	for (k = 4; k >= 0; k--) {
		uint64_t w, wo;
		const char *label;

		if (k > 0) {
			w = c->with[k];
			wo = c->without[k];
			label = rows[k];
			tw += w;
			two += wo;
		} else {
			w = tw;
			wo = two;
			label = total;
		}
		if (d->fmt.approx) {
			size_t i;
			uint64_t v[3] = { w, wo, w + wo };

			for (i = 0; i < 3; i++) {
				lt_report_approx(v[i], d->fmt.ja, a[i], 48);
				if (d->fmt.ja)
					snprintf(a[i] + strlen(a[i]),
						 sizeof(a[i]) - strlen(a[i]),
						 "%s", unit_ja);
			}
			ROW(d, t, label, N(w), a[0], N(wo), a[1], N(w + wo),
			    a[2]);
		} else {
			ROW(d, t, label, N(w), N(wo), N(w + wo));
		}
	}
	if (t)
		t->total_rows |= 1u << 5;
	{
		const char *nn = L("氏名なし（番号・生年月日・住所などのみ）",
				   "no name (number, birthdate or address "
				   "only)");

		if (d->fmt.approx) {
			lt_report_approx(c->no_name, d->fmt.ja, a[0], 48);
			if (d->fmt.ja)
				snprintf(a[0] + strlen(a[0]),
					 sizeof(a[0]) - strlen(a[0]), "%s",
					 unit_ja);
			ROW(d, t, nn, "", "", "", "", N(c->no_name), a[0]);
		} else {
			ROW(d, t, nn, "", "", N(c->no_name));
		}
	}
}

static void files_summary(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("ファイル", "Files");
	struct lt_doc_table *t;

	heading(d, 2, title);
	t = TABLE(d, "files-summary", title, 0x2, L("項目", "item"),
		  L("数", "count"));
	ROW(d, t, L("走査したファイル", "files walked"), N(r->files.seen));
	ROW(d, t, L("内容を読んだファイル", "files read"),
	    N(r->files.scanned));
	ROW(d, t, L("個人データを含むファイル", "files with personal data"),
	    N(r->files.with_pii));
	ROW(d, t, L("　うち削除済み", "  of which deleted"),
	    N(r->files.deleted_with_pii));
	ROW(d, t, L("保護されたファイル（暗号化）", "protected files "
		    "(encrypted)"), N(r->files.protected_));
	ROW(d, t, L("　うち弱い暗号", "  of which weak encryption"),
	    N(r->files.protected_weak));
	ROW(d, t, L("未検査（読める抽出器がまだない形式）",
		    "not examined (no extractor for the kind yet)"),
	    N(r->files.not_examined));
	ROW(d, t, L("読み取りに失敗したファイル", "files that failed"),
	    N(r->files.errors));
	ROW(d, t, L("ロックされたボリューム", "locked volumes"),
	    N(r->nlocked));
}

static void by_type(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("ファイル種別ごと", "By file type");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	if (!r->ntypes) {
		para(d, "%s", L("個人データを含むファイルはない。",
				"No file with personal data."));
		return;
	}
	t = TABLE(d, "by-file-type", title, 0x6, L("種別", "type"),
		  L("ファイル数", "files"), L("件数", "records"));
	for (i = 0; i < r->ntypes; i++)
		ROW(d, t, r->types[i].type, N(r->types[i].files),
		    N(r->types[i].records));
	note(d, t, L("種別は抽出器の名前（csv, tsv, text, xlsx, xls, docx "
		     "…）。アーカイブ内のファイルもその種別で数える。",
		     "The type is the extractor's (csv, tsv, text, xlsx, "
		     "xls, docx ...); archive members count under theirs."));
}

static void image_hash(struct lt_doc *d, const struct lt_report_evidence *e,
		       char *out, size_t len)
{
	if (e->md5 && *e->md5)
		snprintf(out, len, "MD5 %s", e->md5);
	else if (e->sha1 && *e->sha1)
		snprintf(out, len, "SHA-1 %s", e->sha1);
	else if (e->sha256 && *e->sha256)
		snprintf(out, len, "SHA-256 %s", e->sha256);
	else
		snprintf(out, len, "%s", L("未計算", "not computed"));
}

static void evidence(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("証拠品ごと", "By evidence item");
	struct lt_doc_table *t;
	char h[160];
	size_t i;

	heading(d, 2, title);
	t = TABLE(d, "evidence", title, 0x1c, L("証拠品", "evidence"),
		  L("イメージのハッシュ", "image hash"),
		  L("個人データを含むファイル", "files with personal data"),
		  L("件数", "records"), L("人数", "persons"));
	for (i = 0; i < r->nevidence; i++) {
		const struct lt_report_evidence *e = &r->evidence[i];

		image_hash(d, e, h, sizeof(h));
		ROW(d, t, e->name, h, N(e->files_with_pii), N(e->records),
		    N(e->persons));
	}
	if (r->nevidence > 1)
		note(d, t, L("人数はその証拠品だけで名寄せした数。複数の証拠品"
			     "にある人はそれぞれで数えるため、合計は全体の人数"
			     "を超えることがある。",
			     "Persons are de-duplicated within each item, as "
			     "if it were alone: a person found on several "
			     "items counts on each, so the items may add up "
			     "to more than the total."));
}

/* Elements shown as "other information", in this order. */
static const int others[] = {
	LT_EL_PHONE, LT_EL_EMAIL, LT_EL_EMPLOYER, LT_EL_MEDICAL_INSTITUTION,
	LT_EL_DISEASE, LT_EL_AMOUNT, LT_EL_MY_NUMBER, LT_EL_PENSION_NUMBER,
	LT_EL_INSURED_NUMBER, LT_EL_POSTAL_CODE, LT_EL_INSURER_NUMBER,
};

static const char *elem_label(struct lt_doc *d, int e)
{
	switch (e) {
	case LT_EL_PHONE: return L("電話番号", "phone");
	case LT_EL_EMAIL: return L("メールアドレス", "e-mail");
	case LT_EL_EMPLOYER: return L("事業所名", "employer");
	case LT_EL_MEDICAL_INSTITUTION:
		return L("医療機関名", "medical institution");
	case LT_EL_DISEASE:
		return L("病名（要配慮個人情報）",
			 "disease name (special-care data)");
	case LT_EL_AMOUNT: return L("金額", "amount");
	case LT_EL_MY_NUMBER: return L("個人番号（マイナンバー）", "My Number");
	case LT_EL_PENSION_NUMBER: return L("基礎年金番号", "pension number");
	case LT_EL_INSURED_NUMBER:
		return L("被保険者記号・番号", "insured-person number");
	case LT_EL_POSTAL_CODE: return L("郵便番号", "postal code");
	case LT_EL_INSURER_NUMBER:
		return L("保険者番号（保険者を示す。本人の識別子ではない）",
			 "insurer number (names the insurer, not a person)");
	default: return lt_elem_name((enum lt_elem)e);
	}
}

static void other_info(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("あわせて見つかった情報",
			      "Other information found alongside");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	t = TABLE(d, "other-information", title, 0xe,
		  L("情報", "information"), L("ファイル数", "files"),
		  L("件数", "records"), L("人数", "persons"));
	for (i = 0; i < LT_ARRAY_SIZE(others); i++) {
		int e = others[i];

		if (e == r->profile->number_elem)
			continue;
		ROW(d, t, elem_label(d, e), N(r->elems[e].files),
		    N(r->elems[e].records), N(r->elems[e].persons));
	}
	note(d, t, L("個人データの記録（氏名・生年月日・住所・番号のいずれかを"
		     "含む行）のうち、その情報を含むもの。",
		     "Among the records (rows holding a name, birthdate, "
		     "address or number), those that hold the information."));
}

static const char *kind_or(const struct lt_report_file *f)
{
	return f->type ? f->type : "?";
}

static void protected_files(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("保護されたファイル", "Protected files");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	para(d, L("%s件（うち弱い暗号 %s件）。内容を読めないため、個人データを"
		  "含まないとはみなさない。報告を要しないのは高度な暗号化など"
		  "の措置が講じられた場合であり、弱い暗号（ZipCrypto、RC4、XOR"
		  " など）はそれに当たらないおそれがある。",
		  "%s (%s with weak encryption).  Their content cannot be "
		  "read, so they are not taken to be free of personal data; "
		  "the regulator's exemption is for data protected by strong "
		  "encryption, which weak schemes (ZipCrypto, RC4, XOR) may "
		  "not be."),
	     N(r->files.protected_), N(r->files.protected_weak));
	if (!r->files.protected_)
		return;
	t = TABLE(d, "protected-files", title, 0, L("証拠品", "evidence"),
		  L("パス", "path"), L("種別", "kind"),
		  L("保護の種類", "protection"), L("暗号の強さ", "strength"),
		  L("削除済み", "deleted"));
	for (i = 0; i < r->nother; i++) {
		const struct lt_report_file *f = &r->other_files[i];

		if (!f->protected_)
			continue;
		ROW(d, t, f->evidence, f->path, kind_or(f),
		    f->protection ? f->protection : "?",
		    f->strong ? L("強い（AES など）", "strong (AES ...)") :
		    L("弱い（ZipCrypto, RC4, XOR など）",
		      "weak (ZipCrypto, RC4, XOR ...)"),
		    yesno(d, f->deleted));
	}
}

static void not_examined(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("未検査のファイルとロックされたボリューム",
			      "Files not examined and locked volumes");
	struct lt_doc_table *t;
	char off[32];
	size_t i;

	heading(d, 2, title);
	para(d, L("読める抽出器がまだない形式のファイル %s件。個人データを"
		  "含むおそれがある。",
		  "%s files of kinds that no extractor reads yet: they may "
		  "hold personal data."), N(r->files.not_examined));
	if (r->nkinds) {
		t = TABLE(d, "not-examined-kinds", title, 0x2,
			  L("種別", "kind"), L("ファイル数", "files"));
		for (i = 0; i < r->nkinds; i++)
			ROW(d, t, r->not_examined_kinds[i].kind,
			    N(r->not_examined_kinds[i].files));
	}
	if (r->nkinds && d->fmt.files) {
		t = TABLE(d, "not-examined-files", title, 0,
			  L("証拠品", "evidence"), L("パス", "path"),
			  L("種別", "kind"), L("削除済み", "deleted"));
		for (i = 0; i < r->nother; i++) {
			const struct lt_report_file *f = &r->other_files[i];

			if (f->status && !strcmp(f->status, "not_examined"))
				ROW(d, t, f->evidence, f->path, kind_or(f),
				    yesno(d, f->deleted));
		}
	} else if (r->nkinds) {
		para(d, "%s", L("ファイルごとの一覧は --files で示す。",
				"--files lists them one by one."));
	}
	if (!r->nlocked) {
		para(d, "%s", L("ロックされた（暗号化され解除されていない）"
				"ボリュームはない。",
				"No locked (encrypted, not unlocked) volume."));
		return;
	}
	t = TABLE(d, "locked-volumes", title, 0x6, L("証拠品", "evidence"),
		  L("パーティション", "partition"), L("オフセット", "offset"),
		  L("暗号化", "encryption"));
	for (i = 0; i < r->nlocked; i++) {
		const struct lt_report_volume *v = &r->locked[i];

		if (v->partition == LT_PARTITION_NONE)
			snprintf(off, sizeof(off), "-");
		else
			snprintf(off, sizeof(off), "%d", v->partition);
		ROW(d, t, v->evidence, off, N(v->offset),
		    v->kind ? v->kind : "?");
	}
	note(d, t, L("ロックされたボリューム上のファイルは読めていない。",
		     "The files on a locked volume were not read."));
}

static void conflicts(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("名寄せの矛盾", "Conflicting person merges");
	struct lt_doc_table *t;
	char num[32], rowno[32], buf[200];
	size_t i, j;

	heading(d, 2, title);
	para(d, L("%s人。異なる番号（同じ種類）を含む記録が、氏名と生年月日"
		  "などの一致で1人にまとめられた。1人として数えている。"
		  "次の記録を確認すること。",
		  "%s: records holding two different numbers of one kind "
		  "were merged into one person (through name and birthdate "
		  "or the like) and counted once.  Check these records."),
	     N(r->conflicting_merges));
	if (!r->nconflicts)
		return;
	t = TABLE(d, "conflicts", title, 0x11, L("人", "person"),
		  L("証拠品", "evidence"), L("パス", "path"),
		  L("シート", "sheet"), L("行", "row"));
	for (i = 0; i < r->nconflicts; i++) {
		const struct lt_report_conflict *k = &r->conflicts[i];

		snprintf(num, sizeof(num), "%zu", i + 1);
		for (j = 0; j < k->nloc; j++) {
			const struct lt_report_file *f =
				&r->pii_files[k->loc[j].file];

			snprintf(rowno, sizeof(rowno), "%" PRId64,
				 k->loc[j].row);
			ROW(d, t, num, f->evidence, f->path,
			    k->loc[j].sheet ? k->loc[j].sheet : "", rowno);
		}
		if (k->records > k->nloc) {
			snprintf(buf, sizeof(buf),
				 L("ほか %" PRIu64 "件", "%" PRIu64 " more"),
				 k->records - k->nloc);
			ROW(d, t, num, "", buf, "", "");
		}
	}
	note(d, t, L("行はファイル（シート）の中の行番号（1から）。",
		     "Rows are numbered from 1 within the file (sheet)."));
}

static void deleted_files(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("個人データを含む削除済みファイル",
			      "Deleted files with personal data");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	if (!r->files.deleted_with_pii) {
		para(d, "%s", L("ない。", "None."));
		return;
	}
	t = TABLE(d, "deleted-files", title, 0x18, L("証拠品", "evidence"),
		  L("パス", "path"), L("種別", "type"), L("件数", "records"),
		  L("人数", "persons"));
	for (i = 0; i < r->npii; i++) {
		const struct lt_report_file *f = &r->pii_files[i];

		if (f->deleted)
			ROW(d, t, f->evidence, f->path, kind_or(f),
			    N(f->records), N(f->persons));
	}
	note(d, t, L("削除済みでも内容を読めたファイル。件数・人数は上の表に"
		     "含まれる。",
		     "Deleted files whose content could still be read; "
		     "they are counted in the tables above."));
}

static void failed_files(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("読み取りに失敗したファイル",
			      "Files that failed to extract");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	if (!r->files.errors) {
		para(d, "%s", L("ない。", "None."));
		return;
	}
	t = TABLE(d, "failed-files", title, 0x8, L("証拠品", "evidence"),
		  L("パス", "path"), L("種別", "kind"),
		  L("失敗前の件数", "records before the failure"),
		  L("理由", "reason"));
	for (i = 0; i < r->nother; i++) {
		const struct lt_report_file *f = &r->other_files[i];

		if (f->status && !strcmp(f->status, "error"))
			ROW(d, t, f->evidence, f->path, kind_or(f),
			    N(f->records), f->detail ? f->detail : "");
	}
}

static void yara(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("YARA ルールの一致", "YARA rule matches");
	struct lt_doc_table *t;
	size_t i;

	heading(d, 2, title);
	if (!r->nyara) {
		para(d, "%s", L("ない。", "None."));
		return;
	}
	t = TABLE(d, "yara-hits", title, 0, L("証拠品", "evidence"),
		  L("パス", "path"), L("ルール", "rule"),
		  L("名前空間", "namespace"));
	for (i = 0; i < r->nyara; i++)
		ROW(d, t, r->yara[i].evidence, r->yara[i].path,
		    r->yara[i].rule, r->yara[i].ns ? r->yara[i].ns : "");
}

static void iso_ns(char *out, size_t len, int64_t ns)
{
	struct tm tm;
	time_t s = (time_t)(ns >= 0 ? ns / 1000000000 :
			    -((-ns + 999999999) / 1000000000));

	if (!gmtime_r(&s, &tm) ||
	    !strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, len, "?");
}

static void windows(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("不審な通信の時間帯",
			      "Suspicious traffic windows");
	struct lt_doc_table *t;
	char a[40], b[40];
	size_t i;

	if (!r->have_windows)
		return;
	heading(d, 2, title);
	if (!r->nwindows) {
		para(d, "%s", L("correlate は不審な通信の時間帯を見つけて"
				"いない。",
				"correlate found no suspicious traffic "
				"window."));
		return;
	}
	block(d, LT_DOC_TIMELINE);
	t = TABLE(d, "windows", title, 0, L("証拠品", "evidence"),
		  L("開始（UTC）", "start (UTC)"),
		  L("終了（UTC）", "end (UTC)"),
		  L("理由", "reason"));
	for (i = 0; i < r->nwindows; i++) {
		iso_ns(a, sizeof(a), r->windows[i].start_ns);
		iso_ns(b, sizeof(b), r->windows[i].end_ns);
		ROW(d, t, r->windows[i].evidence ? r->windows[i].evidence : "?",
		    a, b, r->windows[i].reason ? r->windows[i].reason : "");
	}
}

static const char *state(struct lt_doc *d, enum lt_flag_state s,
			 bool persons)
{
	switch (s) {
	case LT_REPORT_FLAG_YES:
		return persons ? L("該当", "yes") : L("あり", "yes");
	case LT_REPORT_FLAG_NOT_FOUND:
		return persons ? L("該当しない（検査した範囲）",
				   "no (in the files examined)") :
		       L("検査したファイルには見当たらない",
			 "not found in the files examined");
	case LT_REPORT_FLAG_UNDETECTABLE:
		return L("この版では検出できない",
			 "not detectable by this version");
	case LT_REPORT_FLAG_NOT_ASSESSED:
		return L("判定しない", "not assessed");
	}
	return "?";
}

static void reportability(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("報告対象の目安（個人情報保護法、2022年施行の"
			      "規則）",
			      "Reportability under the APPI (2022 rules)");
	struct lt_doc_table *t;
	char f1[256], f2[256], f4[256], f5[256], n[256];
	const struct lt_report_flag *sc = &r->flags.special_care;
	const struct lt_report_flag *mn = &r->flags.my_number;

	heading(d, 2, title);
	t = TABLE(d, "reportability", title, 0, L("事態", "situation"),
		  L("判定", "flag"), L("根拠", "figures"));
	if (t)
		t->prose = true;
	snprintf(f1, sizeof(f1),
		 L("記録 %s件・%s人・ファイル %s件（病名 %s件、医療機関名 "
		   "%s件）",
		   "%s records, %s persons, %s files (disease name %s "
		   "records, medical institution %s)"),
		 N(sc->fig.records), N(sc->fig.persons), N(sc->fig.files),
		 N(r->elems[LT_EL_DISEASE].records),
		 N(r->elems[LT_EL_MEDICAL_INSTITUTION].records));
	ROW(d, t, L("要配慮個人情報（病名・医療機関名）［規則7条1号］",
		    "special-care data (disease, medical institution) "
		    "[Rules art. 7(i)]"),
	    state(d, sc->state, false), f1);
	snprintf(f2, sizeof(f2),
		 L("カード番号・口座番号を認識する機能がない。未検査・保護・"
		   "失敗のファイルとロックされたボリューム %s件も確認が必要",
		   "no recogniser for card or account numbers yet; %s "
		   "files not examined, protected or failed and locked "
		   "volumes need checking too"),
		 N(r->flags.unexamined));
	ROW(d, t, L("財産的被害のおそれ（クレジットカード番号・口座番号）"
		    "［同2号］",
		    "possible financial damage (card or account numbers) "
		    "[art. 7(ii)]"),
	    state(d, r->flags.financial.state, false), f2);
	ROW(d, t, L("不正の目的によるおそれ［同3号］",
		    "possibly for an unlawful purpose [art. 7(iii)]"),
	    state(d, r->flags.unlawful.state, false),
	    L("データからは判断できない（内部不正・不正アクセスなどの事実に"
	      "よる）",
	      "a question of fact (insider theft, intrusion ...), not of "
	      "the data"));
	snprintf(f4, sizeof(f4),
		 L("名寄せ後 %s人（うち氏名なし %s人）、記録 %s件",
		   "%s persons after merging (%s without a name), %s "
		   "records"),
		 N(r->flags.persons_total), N(r->flags.persons_no_name),
		 N(r->flags.over_1000.fig.records));
	ROW(d, t, L("本人の数が1,000人を超える［同4号］",
		    "more than 1,000 persons [art. 7(iv)]"),
	    state(d, r->flags.over_1000.state, true), f4);
	snprintf(f5, sizeof(f5),
		 L("記録 %s件・%s人・ファイル %s件。番号法の報告規則も確認する"
		   "こと",
		   "%s records, %s persons, %s files; the My Number Act "
		   "has reporting rules of its own"),
		 N(mn->fig.records), N(mn->fig.persons), N(mn->fig.files));
	ROW(d, t, L("個人番号（マイナンバー）", "My Number"),
	    state(d, mn->state, false), f5);
	snprintf(n, sizeof(n),
		 L("検出結果に基づく目安であり、法的助言ではない。報告の要否"
		   "は、"
		   "未検査のファイルなど（%s件）も考慮して、委員会と専門家が"
		   "判断すること。",
		   "Flags computed from the data found, not legal advice: "
		   "whether to report is for the committee and counsel to "
		   "decide, taking the %s files and volumes not examined "
		   "into account."),
		 N(r->flags.unexamined));
	note(d, t, n);
}

static int file_cmp(const void *a, const void *b)
{
	const struct lt_report_file *const *pa = a, *const *pb = b;
	const struct lt_report_file *x = *pa, *y = *pb;
	int c = strcmp(x->evidence ? x->evidence : "",
		       y->evidence ? y->evidence : "");

	return c ? c : strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

static void columns_text(uint32_t mask, char *out, size_t len)
{
	size_t o = 0;
	int e;

	out[0] = '\0';
	for (e = 0; e < LT_EL_COUNT && o < len; e++)
		if (mask & (1u << e))
			o += (size_t)snprintf(out + o, len - o, "%s%s",
					      o ? "," : "",
					      lt_elem_name((enum lt_elem)e));
}

static void file_listing(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("ファイル一覧", "Files one by one");
	const struct lt_report_file **list;
	struct lt_doc_table *t;
	char cols[512];
	size_t i, n = 0;

	heading(d, 2, title);
	list = calloc(r->npii + r->nother + 1, sizeof(*list));
	if (!list) {
		d->status = LT_E_NOMEM;
		return;
	}
	for (i = 0; i < r->npii; i++)
		list[n++] = &r->pii_files[i];
	for (i = 0; i < r->nother; i++)
		if (r->other_files[i].protected_ && !r->other_files[i].records)
			list[n++] = &r->other_files[i];
	qsort(list, n, sizeof(*list), file_cmp);
	t = TABLE(d, "files", title, 0x60, L("証拠品", "evidence"),
		  L("パス", "path"), L("削除済み", "deleted"),
		  L("保護", "protected"), L("種別", "type"),
		  L("件数", "records"), L("人数", "persons"),
		  L("項目", "columns"));
	for (i = 0; i < n; i++) {
		columns_text(list[i]->columns, cols, sizeof(cols));
		ROW(d, t, list[i]->evidence, list[i]->path,
		    yesno(d, list[i]->deleted),
		    list[i]->protected_ ? (list[i]->protection ?
					   list[i]->protection :
					   L("はい", "yes")) : "",
		    kind_or(list[i]), N(list[i]->records),
		    N(list[i]->persons), cols);
	}
	note(d, t, L("個人データを含むファイルと保護されたファイル。個人の値は"
		     "示さない。",
		     "Files with personal data and protected files; no "
		     "personal values."));
	free(list);
}

static void methodology(struct lt_doc *d)
{
	const struct lt_report *r = d->r;
	const char *title = L("方法", "Methodology");
	struct lt_doc_table *t;
	struct lt_buf b;
	char tool[64], label[160];
	size_t i;

	heading(d, 2, title);
	t = TABLE(d, "methodology", title, 0, L("項目", "item"),
		  L("内容", "value"));
	snprintf(tool, sizeof(tool), "leaktriage %s", LT_VERSION);
	ROW(d, t, L("ツール", "tool"), tool);
	ROW(d, t, L("作成日時（UTC）", "date of the report (UTC)"),
	    r->method.generated);
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, r->method.case_sha256[0] ? r->method.case_sha256 :
		    L("計算できなかった", "could not be computed"));
	if (r->method.changed)
		lt_buf_adds(&b, L("（読み取り中に変更された）",
				  " (changed while read)"));
	else if (r->method.wal_busy)
		lt_buf_adds(&b, L("（WAL を反映しきれなかった）",
				  " (WAL not fully checkpointed)"));
	ROW(d, t, L("ケースデータベースの SHA-256", "case database SHA-256"),
	    lt_buf_str(&b));
	lt_buf_release(&b);
	ROW(d, t, L("ハッシュの取り方", "how the hash was taken"),
	    L("この報告の監査記録を書き込み、WAL をチェックポイント（TRUNCATE）"
	      "した後、集計を読む前のデータベースファイル全体。監査記録の"
	      "終了時刻はその後に書かれる",
	      "the whole database file after this report's audit entry was "
	      "written and the WAL checkpointed (TRUNCATE), before any count "
	      "was read; the entry's end time is written afterwards"));
	for (i = 0; i < r->nevidence; i++) {
		const struct lt_report_evidence *e = &r->evidence[i];
		const char *name = e->name ? e->name : "?";
		static const char *const alg[] = { "MD5", "SHA-1", "SHA-256" };
		const char *val[3] = { e->md5, e->sha1, e->sha256 };
		bool any = false;
		size_t a;

		for (a = 0; a < 3; a++) {
			if (!val[a] || !*val[a])
				continue;
			snprintf(label, sizeof(label),
				 L("証拠品 %s の %s", "evidence %s %s"), name,
				 alg[a]);
			ROW(d, t, label, val[a]);
			any = true;
		}
		if (any)
			snprintf(label, sizeof(label),
				 L("証拠品 %s のハッシュの出所",
				   "evidence %s hashes from"), name);
		else
			snprintf(label, sizeof(label),
				 L("証拠品 %s のハッシュ",
				   "evidence %s hashes"),
				 name);
		ROW(d, t, label, any ? (e->hash_source ? e->hash_source : "?") :
		    L("未計算（verify または scan --hash-image で計算する）",
		      "not computed (verify, or scan --hash-image)"));
	}
	ROW(d, t, L("範囲", "scope"),
	    d->fmt.ja ? r->scope_def->title_ja : r->scope_def->title_en);
	lt_buf_init(&b, 0);
	lt_buf_addf(&b, "%s: %s", r->profile->name,
		    d->fmt.ja ? r->profile->rule_ja : r->profile->rule_en);
	ROW(d, t, L("プロファイル", "profile"), lt_buf_str(&b));
	lt_buf_release(&b);
	ROW(d, t, L("名寄せの規則", "person-merge rule"),
	    lt_report_person_rule(d->fmt.ja));
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, L("時刻はすべて UTC。FAT/exFAT の時刻は証拠品ごとに"
			  "指定したタイムゾーンで読んだ: ",
			  "every time is UTC; FAT/exFAT times were read in "
			  "the zone given per evidence item: "));
	for (i = 0; i < r->nevidence; i++)
		lt_buf_addf(&b, "%s%s %s", i ? ", " : "",
			    r->evidence[i].name ? r->evidence[i].name : "?",
			    r->evidence[i].tz ? r->evidence[i].tz : "UTC");
	ROW(d, t, L("タイムゾーン", "time zone"), lt_buf_str(&b));
	lt_buf_release(&b);
	ROW(d, t, L("個人の値", "personal values"),
	    L("この報告もケースデータベースも、氏名・住所・番号などの値を"
	      "含まない（位置・件数・鍵付きハッシュのみ）",
	      "neither this report nor the case database holds names, "
	      "addresses or numbers (locations, counts and keyed hashes "
	      "only)"));
}

int lt_report_doc_build(const struct lt_report *r,
			const struct lt_report_fmt *f, struct lt_doc **out,
			struct lt_err *err)
{
	struct lt_doc *d = calloc(1, sizeof(*d));
	char conf[64];

	if (!d)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	d->r = r;
	d->fmt = *f;
	heading(d, 1, L("個人データ調査報告", "Personal data report"));
	para(d, L("範囲: %s", "Scope: %s"),
	     d->fmt.ja ? r->scope_def->title_ja : r->scope_def->title_en);
	para(d, L("プロファイル: %s（%s）", "Profile: %s (%s)."),
	     r->profile->name,
	     d->fmt.ja ? r->profile->rule_ja : r->profile->rule_en);
	main_table(d, "records", L("件数（記録単位）", "Records (件)"),
		   &r->records, "件");
	main_table(d, "persons", L("人数（名寄せ後）",
				   "Persons (人, de-duplicated)"),
		   &r->persons, "人分");
	snprintf(conf, sizeof(conf), "%s", N(r->conflicting_merges));
	para(d, L("名寄せの矛盾: %s人（下記）。", "Conflicting merges: %s "
		  "(see below)."), conf);
	block(d, LT_DOC_CHART);
	files_summary(d);
	by_type(d);
	evidence(d);
	other_info(d);
	protected_files(d);
	not_examined(d);
	conflicts(d);
	deleted_files(d);
	failed_files(d);
	yara(d);
	windows(d);
	reportability(d);
	if (d->fmt.files)
		file_listing(d);
	methodology(d);
	if (d->status) {
		lt_report_doc_free(d);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	*out = d;
	return LT_OK;
}

void lt_report_doc_free(struct lt_doc *d)
{
	size_t i, j;

	if (!d)
		return;
	for (i = 0; i < d->count; i++) {
		struct lt_doc_table *t = d->blocks[i].table;

		free(d->blocks[i].text);
		if (!t)
			continue;
		for (j = 0; j < (t->nrows + 1) * t->ncols; j++)
			free(t->cells[j]);
		free(t->cells);
		free(t->note);
		free(t);
	}
	free(d->blocks);
	free(d);
}

int lt_report_emit(struct lt_buf *b, lt_report_part_fn part, void *udata,
		   struct lt_err *err)
{
	int rc;

	if (lt_buf_status(b))
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
	else
		rc = part(NULL, b, udata, err);
	lt_buf_release(b);
	return rc;
}
