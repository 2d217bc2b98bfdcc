// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table classifier.  Per table: buffer a sample of rows, find the
 * header row (it may sit below title rows, or be absent), decide every
 * column's role from its header AND the share of its sampled values the
 * recogniser accepts (a header alone or values alone are weaker evidence,
 * and need a higher share), then classify every row, sample first, as it
 * streams by.
 *
 * Decisions, documented in README.md ("How columns are classified"):
 *  - a strong header (生年月日) needs half of the non-blank sampled values
 *    to be valid; a weak header (番号) needs 80%; no header needs 80% of
 *    at least SAMPLE_MIN values;
 *  - a headerless date column is a birthdate column only when its years
 *    spread over at least 10 years (order or sale dates cluster);
 *  - headerless digit columns are never insured-person numbers, and 1/2
 *    codes are sex only under a 性別 header;
 *  - 記号 and 番号 columns are one insured-person number only together;
 *  - family and given name columns are joined into the name;
 *  - the written-name column is the name in person keys; a kana column
 *    only where the table has no written-name column;
 *  - a row repeating the header, and rows whose name cell is a total
 *    (合計, 小計 ...), are not records.
 */
#include "triage/core/compat.h"
#include "leaktriage/table.h"
#include "scanners/classify/cell.h"

enum {
	SAMPLE_ROWS = 64,
	SAMPLE_BYTES = 4 << 20,
	HEADER_SCAN = 12,
	SAMPLE_MIN = 3,
	MAX_COLS = 4096,
};

/* Column roles beyond enum lt_elem used internally. */
enum {
	R_NONE = LT_ROLE_NONE,
	R_INSURED_COMBINED = 40,
};

struct srow {
	uint64_t row;
	size_t count;
	struct lt_cell *cells; /* texts point into text */
	char *text;
};

struct col {
	int role;          /* enum lt_elem, LT_ROLE_*, R_* */
	int header_role;
	int header_strength;
	int cand_role;     /* find_header: the row it is looking at */
	int cand_strength;
};

struct lt_classifier {
	lt_record_fn fn;
	void *udata;
	struct lt_extract_sink sink;
	char sheet[256];
	/* sample */
	struct srow rows[SAMPLE_ROWS];
	size_t nrows, sample_bytes;
	bool decided;
	/* decision */
	struct col *cols;
	size_t ncols;
	ssize_t header_idx;          /* index into rows, -1 none */
	struct srow header_row;
	int c_name, c_family, c_given, c_kana, c_family_kana, c_given_kana;
	int c_sex, c_birth, c_addr, c_postal, c_sym, c_no, c_combined;
	int c_pension, c_mynum, c_insurer, c_phone, c_email;
	uint32_t extra_mask;         /* employer, medical ... columns */
	uint32_t table_columns;
	/* per record scratch */
	struct lt_buf name, kana, addr, k[LT_KEY_COUNT], tmp1, tmp2, s1, s2;
	/* results */
	struct lt_classify_result res;
	int stop;
};

static void free_srow(struct srow *r)
{
	free(r->cells);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

static int copy_row(struct srow *dst, const struct lt_row *src)
{
	size_t i, total = 0;
	char *p;

	for (i = 0; i < src->count; i++)
		total += src->cells[i].len + 1;
	dst->cells = lt_calloc(src->count ? src->count : 1,
			       sizeof(*dst->cells));
	dst->text = malloc(total ? total : 1);
	if (!dst->cells || !dst->text) {
		free_srow(dst);
		return LT_E_NOMEM;
	}
	p = dst->text;
	for (i = 0; i < src->count; i++) {
		memcpy(p, src->cells[i].text, src->cells[i].len);
		p[src->cells[i].len] = '\0';
		dst->cells[i].text = p;
		dst->cells[i].len = src->cells[i].len;
		dst->cells[i].hint = src->cells[i].hint;
		p += src->cells[i].len + 1;
	}
	dst->count = src->count;
	dst->row = src->row;
	return LT_OK;
}

/* U+3000 at p[0..3). */
static inline bool ideo_space(const char *p)
{
	return p[0] == '\xE3' && p[1] == '\x80' && p[2] == '\x80';
}

/* Trim ASCII and ideographic spaces. */
static void trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	/* most cells: neither end is a space or U+3000 (E3 80 80) */
	if (n && (unsigned char)p[0] > ' ' && p[0] != '\xE3' &&
	    (unsigned char)p[n - 1] > ' ' && p[n - 1] != '\x80')
		return;
	for (;;) {
		if (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			p++;
			n--;
		} else if (n >= 3 && ideo_space(p)) {
			p += 3;
			n -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (n && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
			  p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		else if (n >= 3 && ideo_space(p + n - 3))
			n -= 3;
		else
			break;
	}
	*s = p;
	*len = n;
}

static bool cell_at(const struct lt_cell *cells, size_t count, int c,
		    const char **s, size_t *len, int *hint)
{
	if (c < 0 || (size_t)c >= count)
		return false;
	*s = cells[c].text;
	*len = cells[c].len;
	if (hint)
		*hint = cells[c].hint;
	trim(s, len);
	return *len > 0;
}

/* Totals and placeholders that sit in name columns but are no names. */
static bool not_a_name(const char *s, size_t len)
{
#define W(x) { x, sizeof(x) - 1 }
	static const struct { const char *s; size_t len; } stop[] = {
		W("合計"), W("小計"), W("総計"), W("計"), W("総合計"),
		W("以下余白"), W("備考"), W("なし"), W("該当なし"), W("不明"),
		W("未定"), W("空欄"), W("欠番"), W("TOTAL"), W("Total"),
		W("total"), W("-"), W("―"), W("ー"), W("＊"), W("*"),
	};
#undef W
	size_t i;

	if (len > 12)
		return false; /* longer than every entry */
	for (i = 0; i < LT_ARRAY_SIZE(stop); i++)
		if (stop[i].len == len && !memcmp(stop[i].s, s, len))
			return true;
	return false;
}

/* --- deciding the columns ------------------------------------------ */

struct stats {
	unsigned n, name, kana, fg, sex_txt, sex_dig, birth, serial_birth,
		date, addr, postal, phone, email, sym, no, combined, pension,
		mynum, insurer, amount;
	int year_min, year_max;
};

/* The stats a decision reads (col_stats() computes only those). */
enum {
	S_NAME = 1u << 0, S_KANA = 1u << 1, S_FG = 1u << 2,
	S_SEX_TXT = 1u << 3, S_SEX_DIG = 1u << 4, S_BIRTH = 1u << 5,
	S_SERIAL_BIRTH = 1u << 6, S_DATE = 1u << 7, S_ADDR = 1u << 8,
	S_POSTAL = 1u << 9, S_PHONE = 1u << 10, S_EMAIL = 1u << 11,
	S_SYM = 1u << 12, S_NO = 1u << 13, S_COMBINED = 1u << 14,
	S_PENSION = 1u << 15, S_MYNUM = 1u << 16, S_INSURER = 1u << 17,
	S_AMOUNT = 1u << 18,
	/* what role_from_values() reads */
	S_VALUES = S_EMAIL | S_MYNUM | S_PENSION | S_PHONE | S_POSTAL |
		   S_BIRTH | S_DATE | S_ADDR | S_SEX_TXT | S_NAME | S_KANA,
};

/*
 * The recognisers a decision needs on every sampled cell of a column (the
 * stats in `need`; n is always counted).  One view per cell: the
 * recognisers share its fold and its date (scanners/classify/cell.h).
 * Running only those matters for files of a few dozen rows, where the
 * sample is the whole file: all nineteen on every cell cost more than
 * classifying the rows.
 */
static void col_stats(struct lt_classifier *c, size_t first, int col,
		      unsigned need, struct stats *st)
{
	size_t r;

	memset(st, 0, sizeof(*st));
	st->year_min = 9999;
	for (r = first; r < c->nrows; r++) {
		const char *s;
		size_t len;
		int hint;
		struct lt_date d;
		struct lt_cv v;

		if (!cell_at(c->rows[r].cells, c->rows[r].count, col, &s, &len,
			     &hint))
			continue;
		st->n++;
		if (!need)
			continue;
		lt_cv_init(&v, s, len, hint);
		/* (not a total, and a written name: kana counts apart) */
		if (need & S_NAME)
			st->name += lt_cv_name(&v) && !not_a_name(s, len);
		if (need & S_KANA)
			st->kana += lt_cv_kana(&v);
		if (need & S_FG)
			st->fg += lt_cv_family_or_given(&v);
		if (need & S_SEX_TXT)
			st->sex_txt += lt_cv_sex(&v, false) != 0;
		if (need & S_SEX_DIG)
			st->sex_dig += lt_cv_sex(&v, true) != 0;
		if ((need & S_BIRTH) && lt_cv_birthdate(&v, false, &d)) {
			st->birth++;
			st->year_min = LT_MIN(st->year_min, d.year);
			st->year_max = LT_MAX(st->year_max, d.year);
		}
		if (need & S_SERIAL_BIRTH)
			st->serial_birth += lt_cv_birthdate(&v, true, &d);
		if (need & S_DATE)
			st->date += lt_cv_date(&v, &d);
		if (need & S_ADDR)
			st->addr += lt_cv_address(&v);
		if (need & S_POSTAL)
			st->postal += lt_cv_postal_code(&v);
		if (need & S_PHONE)
			st->phone += lt_cv_phone(&v);
		if (need & S_EMAIL)
			st->email += lt_cv_email(&v);
		if (need & S_SYM)
			st->sym += lt_cv_insured_symbol(&v);
		if (need & S_NO)
			st->no += lt_cv_insured_no(&v);
		/* only whether it splits: no parts wanted */
		if (need & S_COMBINED)
			st->combined += lt_cv_insured_combined(&v, NULL, NULL);
		if (need & S_PENSION)
			st->pension += lt_cv_pension(&v);
		if (need & S_MYNUM)
			st->mynum += lt_cv_my_number(&v);
		if (need & S_INSURER)
			st->insurer += lt_cv_insurer(&v);
		if (need & S_AMOUNT)
			st->amount += lt_cv_amount(&v);
	}
}

/* The stats role_with_header() reads for header role hr. */
static unsigned header_needs(int hr)
{
	switch (hr) {
	case LT_EL_NAME: return S_NAME | S_KANA;
	case LT_EL_KANA:
	case LT_ROLE_FAMILY_KANA:
	case LT_ROLE_GIVEN_KANA: return S_KANA;
	case LT_ROLE_FAMILY_NAME:
	case LT_ROLE_GIVEN_NAME: return S_FG;
	case LT_EL_SEX: return S_SEX_DIG;
	case LT_EL_BIRTHDATE: return S_SERIAL_BIRTH;
	case LT_EL_ADDRESS: return S_ADDR;
	case LT_EL_POSTAL_CODE: return S_POSTAL;
	case LT_EL_PHONE: return S_PHONE;
	case LT_EL_EMAIL: return S_EMAIL;
	case LT_EL_INSURED_NUMBER: return S_COMBINED;
	case LT_ROLE_INSURED_SYMBOL: return S_SYM;
	case LT_ROLE_INSURED_NO: return S_COMBINED | S_NO;
	case LT_EL_PENSION_NUMBER: return S_PENSION;
	case LT_EL_MY_NUMBER: return S_MYNUM;
	case LT_EL_INSURER_NUMBER: return S_INSURER;
	case LT_EL_AMOUNT: return S_AMOUNT;
	default: return 0; /* the header decides, or nothing does */
	}
}

static bool share(unsigned hits, unsigned n, double min)
{
	return n && (double)hits >= min * (double)n;
}

/* The role of a column with a header (strength 1 or 2). */
static int role_with_header(int hr, int hs, const struct stats *st)
{
	double need = hs >= 2 ? 0.5 : 0.8;

	/* A strong header over an empty sample: trust it; each row's value
	 * is still checked when it is classified. */
	if (!st->n && hs >= 2)
		return hr;
	switch (hr) {
	case LT_EL_NAME:
		return share(st->name + st->kana, st->n, need) ? hr : R_NONE;
	case LT_EL_KANA:
	case LT_ROLE_FAMILY_KANA:
	case LT_ROLE_GIVEN_KANA:
		return share(st->kana, st->n, need) ? hr : R_NONE;
	case LT_ROLE_FAMILY_NAME:
	case LT_ROLE_GIVEN_NAME:
		return share(st->fg, st->n, need) ? hr : R_NONE;
	case LT_EL_SEX:
		return share(st->sex_dig, st->n, need) ? hr : R_NONE;
	case LT_EL_BIRTHDATE:
		return share(st->serial_birth, st->n, need) ? hr : R_NONE;
	case LT_EL_ADDRESS:
		return share(st->addr, st->n, need) ? hr : R_NONE;
	case LT_EL_POSTAL_CODE:
		return share(st->postal, st->n, need) ? hr : R_NONE;
	case LT_EL_PHONE:
		return share(st->phone, st->n, need) ? hr : R_NONE;
	case LT_EL_EMAIL:
		return share(st->email, st->n, need) ? hr : R_NONE;
	case LT_EL_INSURED_NUMBER:
		if (share(st->combined, st->n, need))
			return R_INSURED_COMBINED;
		return R_NONE;
	case LT_ROLE_INSURED_SYMBOL:
		return share(st->sym, st->n, need) ? hr : R_NONE;
	case LT_ROLE_INSURED_NO:
		if (share(st->combined, st->n, need))
			return R_INSURED_COMBINED;
		return share(st->no, st->n, need) ? hr : R_NONE;
	case LT_EL_PENSION_NUMBER:
		return share(st->pension, st->n, need) ? hr : R_NONE;
	case LT_EL_MY_NUMBER:
		return share(st->mynum, st->n, need) ? hr : R_NONE;
	case LT_EL_INSURER_NUMBER:
		return share(st->insurer, st->n, need) ? hr : R_NONE;
	case LT_EL_AMOUNT:
		return share(st->amount, st->n, need) ? hr : R_NONE;
	case LT_EL_EMPLOYER:
	case LT_EL_MEDICAL_INSTITUTION:
	case LT_EL_DISEASE:
		return hr; /* free text: the header decides */
	default:
		return R_NONE;
	}
}

/* The role of a column from its values alone. */
static int role_from_values(const struct stats *st)
{
	const double need = 0.8;

	if (st->n < SAMPLE_MIN)
		return R_NONE;
	if (share(st->email, st->n, need))
		return LT_EL_EMAIL;
	if (share(st->mynum, st->n, need))
		return LT_EL_MY_NUMBER;
	if (share(st->pension, st->n, need))
		return LT_EL_PENSION_NUMBER;
	if (share(st->phone, st->n, need))
		return LT_EL_PHONE;
	if (share(st->postal, st->n, need))
		return LT_EL_POSTAL_CODE;
	if (share(st->birth, st->n, need) && st->year_max - st->year_min >= 10)
		return LT_EL_BIRTHDATE;
	if (share(st->date, st->n, 0.5))
		return R_NONE; /* some other date: order, sale, entry */
	if (share(st->addr, st->n, need))
		return LT_EL_ADDRESS;
	if (share(st->sex_txt, st->n, need))
		return LT_EL_SEX;
	if (share(st->name, st->n, need) && !share(st->addr, st->n, 0.2))
		return LT_EL_NAME;
	if (share(st->kana, st->n, need))
		return LT_EL_KANA;
	return R_NONE;
}

static size_t row_nonblank(const struct srow *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->count; i++) {
		const char *s = r->cells[i].text;
		size_t len = r->cells[i].len;

		trim(&s, &len);
		n += len > 0;
	}
	return n;
}

/*
 * The header row: the first of the rows with the most header terms among
 * the first HEADER_SCAN, most of its cells being terms.  Leaves the roles
 * of its cells in cols[].header_role and header_strength (R_NONE and 0
 * for blank cells).  A row stops being read as soon as it can no longer
 * be that row even if all its other cells were terms.
 */
static ssize_t find_header(struct lt_classifier *c)
{
	ssize_t best = -1;
	size_t r, i, lim = LT_MIN(c->nrows, (size_t)HEADER_SCAN);
	int best_score = 0;

	for (r = 0; r < lim; r++) {
		int score = 0, strong = 0;
		size_t nb = row_nonblank(&c->rows[r]), seen = 0;

		for (i = 0; i < c->ncols; i++) {
			c->cols[i].cand_role = R_NONE;
			c->cols[i].cand_strength = 0;
		}
		for (i = 0; i < c->rows[r].count; i++) {
			const char *s;
			size_t len, most;
			int st = 0, role;

			if (!cell_at(c->rows[r].cells, c->rows[r].count,
				     (int)i, &s, &len, NULL))
				continue;
			most = (size_t)score + (nb - seen); /* the best case */
			if (most <= (size_t)best_score || 2 * most < nb)
				break;
			seen++;
			role = lt_header_role(s, len, &st);
			if (st > 0) {
				score++;
				strong += st >= 2;
			}
			if (i < c->ncols) {
				c->cols[i].cand_role = role;
				c->cols[i].cand_strength = st;
			}
		}
		if (!score || i < c->rows[r].count)
			continue;
		/* Most cells of a header row are header terms. */
		if (score < 2 && !(nb <= 2 && strong))
			continue;
		if (2 * (size_t)score < nb)
			continue;
		if (score > best_score) {
			best_score = score;
			best = (ssize_t)r;
			for (i = 0; i < c->ncols; i++) {
				c->cols[i].header_role = c->cols[i].cand_role;
				c->cols[i].header_strength =
					c->cols[i].cand_strength;
			}
		}
	}
	return best;
}

static void decide(struct lt_classifier *c)
{
	size_t ncols = 0, r, first;
	int i;

	c->decided = true;
	for (r = 0; r < c->nrows; r++)
		ncols = LT_MAX(ncols, c->rows[r].count);
	ncols = LT_MIN(ncols, (size_t)MAX_COLS);
	free(c->cols);
	c->cols = lt_calloc(ncols ? ncols : 1, sizeof(*c->cols));
	c->ncols = c->cols ? ncols : 0;
	c->header_idx = find_header(c);
	first = c->header_idx >= 0 ? (size_t)c->header_idx + 1 : 0;

	c->c_name = c->c_family = c->c_given = c->c_kana = -1;
	c->c_family_kana = c->c_given_kana = c->c_sex = c->c_birth = -1;
	c->c_addr = c->c_postal = c->c_sym = c->c_no = c->c_combined = -1;
	c->c_pension = c->c_mynum = c->c_insurer = c->c_phone = -1;
	c->c_email = -1;
	c->extra_mask = 0;
	c->table_columns = 0;

	for (i = 0; i < (int)c->ncols; i++) {
		struct stats st;
		int hr = R_NONE, hs = 0, role;

		if (c->header_idx >= 0) { /* as find_header found them */
			hr = c->cols[i].header_role;
			hs = c->cols[i].header_strength;
		}
		if (hs >= 2 && hr == LT_ROLE_NONE) {
			role = R_NONE; /* 受注日, 商品コード: positively not PII */
		} else if (hs > 0) {
			col_stats(c, first, i, header_needs(hr), &st);
			role = role_with_header(hr, hs, &st);
		} else {
			col_stats(c, first, i, S_VALUES, &st);
			role = role_from_values(&st);
		}
		c->cols[i].role = role;
		c->cols[i].header_role = hr;
		c->cols[i].header_strength = hs;
	}
	/* First column of each role wins. */
	for (i = 0; i < (int)c->ncols; i++) {
		int *slot = NULL;

		switch (c->cols[i].role) {
		case LT_EL_NAME: slot = &c->c_name; break;
		case LT_EL_KANA: slot = &c->c_kana; break;
		case LT_ROLE_FAMILY_NAME: slot = &c->c_family; break;
		case LT_ROLE_GIVEN_NAME: slot = &c->c_given; break;
		case LT_ROLE_FAMILY_KANA: slot = &c->c_family_kana; break;
		case LT_ROLE_GIVEN_KANA: slot = &c->c_given_kana; break;
		case LT_EL_SEX: slot = &c->c_sex; break;
		case LT_EL_BIRTHDATE: slot = &c->c_birth; break;
		case LT_EL_ADDRESS: slot = &c->c_addr; break;
		case LT_EL_POSTAL_CODE: slot = &c->c_postal; break;
		case LT_ROLE_INSURED_SYMBOL: slot = &c->c_sym; break;
		case LT_ROLE_INSURED_NO: slot = &c->c_no; break;
		case R_INSURED_COMBINED: slot = &c->c_combined; break;
		case LT_EL_PENSION_NUMBER: slot = &c->c_pension; break;
		case LT_EL_MY_NUMBER: slot = &c->c_mynum; break;
		case LT_EL_INSURER_NUMBER: slot = &c->c_insurer; break;
		case LT_EL_PHONE: slot = &c->c_phone; break;
		case LT_EL_EMAIL: slot = &c->c_email; break;
		case LT_EL_EMPLOYER:
		case LT_EL_MEDICAL_INSTITUTION:
		case LT_EL_DISEASE:
		case LT_EL_AMOUNT:
			c->extra_mask |= LT_ELEM_BIT(c->cols[i].role);
			break;
		default: break;
		}
		if (slot && *slot < 0)
			*slot = i;
	}
	/* 記号 and 番号 only together; 番号 alone names nothing. */
	if (c->c_sym < 0 || c->c_no < 0)
		c->c_sym = c->c_no = -1;
	/* A given-name column alone is not a name. */
	if (c->c_family < 0)
		c->c_given = -1;
	if (c->c_family_kana < 0)
		c->c_given_kana = -1;
	/* Keep a copy of the header row to skip its repetitions. */
	free_srow(&c->header_row);
	if (c->header_idx >= 0) {
		struct lt_row hr = { "", c->rows[c->header_idx].row,
				     c->rows[c->header_idx].cells,
				     c->rows[c->header_idx].count };

		copy_row(&c->header_row, &hr);
	}
}

/* --- classifying rows ------------------------------------------------ */

static bool same_as_header(const struct lt_classifier *c,
			   const struct lt_cell *cells, size_t count)
{
	size_t i;

	if (!c->header_row.cells || count != c->header_row.count)
		return false;
	for (i = 0; i < count; i++)
		if (cells[i].len != c->header_row.cells[i].len ||
		    memcmp(cells[i].text, c->header_row.cells[i].text,
			   cells[i].len))
			return false;
	return true;
}

/*
 * lt_buf_reset() for the per-record buffers, without the call when there
 * is nothing to reset (empty and fine: the lt_buf functions and norm.c
 * always leave a NUL after the content).
 */
static inline void reset(struct lt_buf *b)
{
	if (b->len || b->status)
		lt_buf_reset(b);
}

static void set_key(struct lt_record *rec, int k, const struct lt_buf *b)
{
	if (b->len && !lt_buf_status(b)) {
		rec->keys[k] = b->buf;
		rec->key_lens[k] = b->len;
	}
}

/*
 * The name of a row: a single column (*name then points into the row's
 * cells: an accepted name is short, never cut by a buffer's cap), or
 * family + given joined in out (as it always was, cap included).
 */
static bool get_name(const struct lt_cell *cells, size_t count, int one,
		     int fam, int giv, bool (*ok)(const char *, size_t),
		     struct lt_buf *out, const char **name, size_t *name_len)
{
	const char *s, *g;
	size_t len, glen;

	if (one >= 0 && cell_at(cells, count, one, &s, &len, NULL) &&
	    !not_a_name(s, len) && ok(s, len)) {
		*name = s;
		*name_len = len;
		return true;
	}
	if (fam >= 0 && cell_at(cells, count, fam, &s, &len, NULL) &&
	    !not_a_name(s, len) && ok(s, len)) {
		reset(out);
		lt_buf_add(out, s, len);
		if (giv >= 0 && cell_at(cells, count, giv, &g, &glen, NULL))
			lt_buf_add(out, g, glen);
		*name = lt_buf_str(out);
		*name_len = out->len;
		return true;
	}
	return false;
}

static bool written_ok(const char *s, size_t len)
{
	return lt_val_name(s, len) || lt_val_kana(s, len) ||
	       lt_val_family_or_given(s, len);
}

/* "YYYY-MM-DD" without printf (once per record): 10 bytes and a NUL. */
static void fmt_date(char *out, const struct lt_date *d)
{
	int y = d->year;

	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + d->month / 10);
	out[6] = (char)('0' + d->month % 10);
	out[7] = '-';
	out[8] = (char)('0' + d->day / 10);
	out[9] = (char)('0' + d->day % 10);
	out[10] = '\0';
}

static int classify_row(struct lt_classifier *c, const struct lt_cell *cells,
			size_t count, uint64_t rowno)
{
	struct lt_record rec;
	const char *s, *s2, *name = NULL, *kana = NULL;
	size_t len, len2, name_len = 0, kana_len = 0;
	int hint, k;
	struct lt_date d;
	bool has_written, has_kana, has_birth = false, has_addr = false;
	uint32_t el = 0;
	char date[16];

	if (same_as_header(c, cells, count))
		return 0;
	memset(&rec, 0, sizeof(rec));
	for (k = 0; k < LT_KEY_COUNT; k++)
		reset(&c->k[k]);

	has_written = get_name(cells, count, c->c_name, c->c_family,
			       c->c_given, written_ok, &c->name, &name,
			       &name_len);
	if (has_written)
		el |= LT_ELEM_BIT(LT_EL_NAME);
	has_kana = get_name(cells, count, c->c_kana, c->c_family_kana,
			    c->c_given_kana, lt_val_kana, &c->kana, &kana,
			    &kana_len);
	if (has_kana)
		el |= LT_ELEM_BIT(LT_EL_KANA);
	/* Keys use the written name; kana only without a written column. */
	if (!has_written && c->c_name < 0 && c->c_family < 0 && has_kana) {
		name = kana;
		name_len = kana_len;
	}

	if (cell_at(cells, count, c->c_sex, &s, &len, NULL) &&
	    lt_val_sex(s, len, true))
		el |= LT_ELEM_BIT(LT_EL_SEX);
	if (cell_at(cells, count, c->c_birth, &s, &len, &hint) &&
	    lt_val_birthdate(s, len, hint, true, &d)) {
		el |= LT_ELEM_BIT(LT_EL_BIRTHDATE);
		fmt_date(date, &d);
		has_birth = true;
	}
	reset(&c->addr);
	if (cell_at(cells, count, c->c_addr, &s, &len, NULL) &&
	    lt_val_address(s, len)) {
		el |= LT_ELEM_BIT(LT_EL_ADDRESS);
		lt_norm_address_scratch(s, len, &c->addr, &c->s1, &c->s2);
		has_addr = true;
	}
	if (cell_at(cells, count, c->c_postal, &s, &len, NULL) &&
	    lt_val_postal_code(s, len))
		el |= LT_ELEM_BIT(LT_EL_POSTAL_CODE);
	if (cell_at(cells, count, c->c_phone, &s, &len, NULL) &&
	    lt_val_phone(s, len))
		el |= LT_ELEM_BIT(LT_EL_PHONE);
	if (cell_at(cells, count, c->c_email, &s, &len, NULL) &&
	    lt_val_email(s, len))
		el |= LT_ELEM_BIT(LT_EL_EMAIL);
	if (cell_at(cells, count, c->c_sym, &s, &len, NULL) &&
	    cell_at(cells, count, c->c_no, &s2, &len2, NULL) &&
	    lt_val_insured_symbol(s, len) && lt_val_insured_no(s2, len2)) {
		el |= LT_ELEM_BIT(LT_EL_INSURED_NUMBER);
		lt_norm_text(s, len, &c->k[LT_KEY_INSURED]);
		lt_buf_addc(&c->k[LT_KEY_INSURED], '/');
		lt_norm_digits(s2, len2, &c->k[LT_KEY_INSURED]);
	} else if (cell_at(cells, count, c->c_combined, &s, &len, NULL)) {
		reset(&c->tmp1);
		reset(&c->tmp2);
		if (lt_val_insured_combined(s, len, &c->tmp1, &c->tmp2)) {
			el |= LT_ELEM_BIT(LT_EL_INSURED_NUMBER);
			lt_norm_text(c->tmp1.buf, c->tmp1.len,
				     &c->k[LT_KEY_INSURED]);
			lt_buf_addc(&c->k[LT_KEY_INSURED], '/');
			lt_norm_digits(c->tmp2.buf, c->tmp2.len,
				       &c->k[LT_KEY_INSURED]);
		}
	}
	if (cell_at(cells, count, c->c_pension, &s, &len, NULL) &&
	    lt_val_pension(s, len)) {
		el |= LT_ELEM_BIT(LT_EL_PENSION_NUMBER);
		lt_norm_digits(s, len, &c->k[LT_KEY_PENSION]);
	}
	if (cell_at(cells, count, c->c_mynum, &s, &len, NULL) &&
	    lt_val_my_number(s, len)) {
		el |= LT_ELEM_BIT(LT_EL_MY_NUMBER);
		lt_norm_digits(s, len, &c->k[LT_KEY_MY_NUMBER]);
	}
	if (cell_at(cells, count, c->c_insurer, &s, &len, NULL) &&
	    lt_val_insurer(s, len))
		el |= LT_ELEM_BIT(LT_EL_INSURER_NUMBER);
	if (c->extra_mask) {
		int i;

		for (i = 0; i < (int)c->ncols && i < (int)count; i++) {
			int role = c->cols[i].role;

			if (role >= LT_EL_COUNT ||
			    !(c->extra_mask & LT_ELEM_BIT(role)) ||
			    (el & LT_ELEM_BIT(role)))
				continue;
			if (!cell_at(cells, count, i, &s, &len, NULL))
				continue;
			if (role == LT_EL_AMOUNT && !lt_val_amount(s, len))
				continue;
			el |= LT_ELEM_BIT(role);
		}
	}

	/* A record holds a name, birthdate, address or identifier number. */
	if (!(el & (LT_ELEM_BIT(LT_EL_NAME) | LT_ELEM_BIT(LT_EL_KANA) |
		    LT_ELEM_BIT(LT_EL_BIRTHDATE) | LT_ELEM_BIT(LT_EL_ADDRESS) |
		    LT_ELEM_BIT(LT_EL_INSURED_NUMBER) |
		    LT_ELEM_BIT(LT_EL_PENSION_NUMBER) |
		    LT_ELEM_BIT(LT_EL_MY_NUMBER))))
		return 0;

	if (name_len) {
		reset(&c->tmp1);
		lt_norm_text(name, name_len, &c->tmp1);
		if (has_birth) {
			lt_buf_add(&c->k[LT_KEY_NAME_BIRTH], c->tmp1.buf,
				   c->tmp1.len);
			lt_buf_addc(&c->k[LT_KEY_NAME_BIRTH], '|');
			lt_buf_add(&c->k[LT_KEY_NAME_BIRTH], date, 10);
		}
		if (has_addr && c->addr.len) {
			lt_buf_add(&c->k[LT_KEY_NAME_ADDR], c->tmp1.buf,
				   c->tmp1.len);
			lt_buf_addc(&c->k[LT_KEY_NAME_ADDR], '|');
			lt_buf_add(&c->k[LT_KEY_NAME_ADDR], c->addr.buf,
				   c->addr.len);
		}
	}
	rec.sheet = c->sheet;
	rec.row = rowno;
	rec.elems = el;
	for (k = 0; k < LT_KEY_COUNT; k++)
		set_key(&rec, k, &c->k[k]);
	c->table_columns |= el;
	c->res.records++;
	return c->fn(&rec, c->udata);
}

static int flush_sample(struct lt_classifier *c)
{
	size_t r;
	int rc = 0;

	for (r = 0; r < c->nrows; r++) {
		/* Rows above the header are titles; the header is none. */
		if (!rc && (ssize_t)r > c->header_idx)
			rc = classify_row(c, c->rows[r].cells, c->rows[r].count,
					  c->rows[r].row);
		free_srow(&c->rows[r]);
	}
	c->nrows = 0;
	c->sample_bytes = 0;
	return rc;
}

/* --- the sink -------------------------------------------------------- */

/*
 * A table begins.  What an earlier table left (an extractor that failed
 * in its middle does not end it) is dropped: its sample rows, and the
 * columns its rows were found in, which would otherwise be counted for
 * this table (a workbook refused as a zip bomb before its first row got
 * the columns of the file scanned before it).
 */
static int sink_begin(const char *sheet, void *udata)
{
	struct lt_classifier *c = udata;
	size_t r;

	snprintf(c->sheet, sizeof(c->sheet), "%s", sheet ? sheet : "");
	for (r = 0; r < c->nrows; r++)
		free_srow(&c->rows[r]);
	c->decided = false;
	c->nrows = 0;
	c->sample_bytes = 0;
	c->table_columns = 0;
	c->res.tables++;
	return 0;
}

static int sink_row(const struct lt_row *row, void *udata)
{
	struct lt_classifier *c = udata;
	size_t i, bytes = 0;
	int rc;

	c->res.rows++;
	if (c->decided)
		return classify_row(c, row->cells, row->count, row->row);
	for (i = 0; i < row->count; i++)
		bytes += row->cells[i].len;
	if (copy_row(&c->rows[c->nrows], row))
		return LT_E_NOMEM;
	c->nrows++;
	c->sample_bytes += bytes;
	if (c->nrows == SAMPLE_ROWS || c->sample_bytes >= SAMPLE_BYTES) {
		decide(c);
		rc = flush_sample(c);
		if (rc)
			return rc;
	}
	return 0;
}

static int sink_end(void *udata)
{
	struct lt_classifier *c = udata;
	int rc = 0;

	if (!c->decided && c->nrows) {
		decide(c);
		rc = flush_sample(c);
	}
	c->res.columns |= c->table_columns;
	c->decided = false;
	return rc;
}

int lt_classifier_new(lt_record_fn fn, void *udata,
		      struct lt_classifier **out, struct lt_err *err)
{
	struct lt_classifier *c = calloc(1, sizeof(*c));
	int k;

	if (!c)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	c->fn = fn;
	c->udata = udata;
	c->sink.table_begin = sink_begin;
	c->sink.row = sink_row;
	c->sink.table_end = sink_end;
	c->sink.udata = c;
	lt_buf_init(&c->name, 1 << 20);
	lt_buf_init(&c->kana, 1 << 20);
	lt_buf_init(&c->addr, 1 << 20);
	lt_buf_init(&c->tmp1, 1 << 20);
	lt_buf_init(&c->tmp2, 1 << 20);
	lt_buf_init(&c->s1, 1 << 20);
	lt_buf_init(&c->s2, 1 << 20);
	for (k = 0; k < LT_KEY_COUNT; k++)
		lt_buf_init(&c->k[k], 1 << 20);
	*out = c;
	return LT_OK;
}

void lt_classifier_reset(struct lt_classifier *c)
{
	size_t r;

	for (r = 0; r < c->nrows; r++)
		free_srow(&c->rows[r]);
	c->nrows = 0;
	c->sample_bytes = 0;
	c->decided = false;
	c->table_columns = 0;
	free_srow(&c->header_row);
	memset(&c->res, 0, sizeof(c->res));
}

void lt_classifier_free(struct lt_classifier *c)
{
	int k;

	if (!c)
		return;
	lt_classifier_reset(c);
	free(c->cols);
	lt_buf_release(&c->name);
	lt_buf_release(&c->kana);
	lt_buf_release(&c->addr);
	lt_buf_release(&c->tmp1);
	lt_buf_release(&c->tmp2);
	lt_buf_release(&c->s1);
	lt_buf_release(&c->s2);
	for (k = 0; k < LT_KEY_COUNT; k++)
		lt_buf_release(&c->k[k]);
	free(c);
}

const struct lt_extract_sink *lt_classifier_sink(struct lt_classifier *c)
{
	return &c->sink;
}

void lt_classifier_result(const struct lt_classifier *c,
			  struct lt_classify_result *out)
{
	*out = c->res;
}
