// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dates and birthdates in the notations Japanese office files use:
 * 西暦 (1985/3/5, 1985-03-05, 1985.3.5, 1985年3月5日, 19850305), 和暦 with
 * the era's name (昭和60年3月5日, 平成元年1月8日, the squared ㍼ ㍻ ㋿ ...
 * and the one-kanji abbreviations 昭60年...), with its initial (S60.3.5,
 * h1/1/8, Ｒ０１－０５－０１, S600305), the 7-digit era codes of
 * administrative systems (3600305: era 1 明治 .. 5 令和, then yymmdd), and
 * Excel serial day numbers.  A trailing time (" 0:00", "T00:00:00Z") and
 * a trailing 生 / 生まれ are allowed.
 *
 * The cell is folded (lt_val_fold: full-width to ASCII) into a stack
 * buffer, cut into at most eight tokens, and the token sequence is
 * matched against the notations; nothing is allocated.
 *
 * Eras, first and last day (Gregorian):
 *   明治 1868-10-23 .. 1912-07-29   大正 1912-07-30 .. 1926-12-24
 *   昭和 1926-12-25 .. 1989-01-07   平成 1989-01-08 .. 2019-04-30
 *   令和 2019-05-01 ..
 * 明治 starts on the day of the 改元 decree (1868-10-23) as most converters
 * do, although the decree made the whole of 慶応4年 明治元年: dates before
 * 明治6年 (1873) were lunisolar dates, which no day-for-day reading turns
 * into Gregorian dates anyway, so month and day are taken as written and
 * 明治元年 dates before 10月23日 are refused.  Dates outside their era are
 * refused (昭和64年1月8日, 平成元年1月7日, 平成31年5月1日).
 *
 * Excel serials use the 1900 date system with its leap-year bug: serial 1
 * is 1900-01-01, serial 60 is the 1900-02-29 that never was (refused), and
 * from serial 61 (1900-03-01) on the day is serial - 1 days after
 * 1899-12-31.  A fraction (time of day) is ignored.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/scanner.h"
#include "leaktriage/timefmt.h"
#include "scanners/classify/cell.h"

/* Days since 1970-01-01 to a date (leaktriage/timefmt.h). */
static void civil_from_days(long z, struct lt_date *out)
{
	int64_t y;
	unsigned m, d;

	lt_civil_from_days(z, &y, &m, &d);
	out->year = (int)y;
	out->month = (int)m;
	out->day = (int)d;
}

static bool valid_ymd(int y, int m, int d)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
	int max;

	if (m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		max = 29;
	return d <= max;
}

static const struct era {
	int base;            /* Gregorian year of 元年 minus one */
	int sy, sm, sd;      /* first day */
	int ey, em, ed;      /* last day; ey 0: still running */
} eras[] = {
	{ 1867, 1868, 10, 23, 1912, 7, 29 }, /* 1 明治 */
	{ 1911, 1912, 7, 30, 1926, 12, 24 }, /* 2 大正 */
	{ 1925, 1926, 12, 25, 1989, 1, 7 },  /* 3 昭和 */
	{ 1988, 1989, 1, 8, 2019, 4, 30 },   /* 4 平成 */
	{ 2018, 2019, 5, 1, 0, 0, 0 },       /* 5 令和 */
};

/* <0, 0, >0 as y-m-d is before, on or after y2-m2-d2 (valid dates). */
static int ymd_cmp(int y, int m, int d, int y2, int m2, int d2)
{
	if (y != y2)
		return y < y2 ? -1 : 1;
	if (m != m2)
		return m < m2 ? -1 : 1;
	return d < d2 ? -1 : d > d2;
}

static bool from_era(int era, int ey, int m, int d, struct lt_date *out)
{
	const struct era *e;
	int y;

	if (era < 1 || era > 5 || ey < 1 || ey > 99)
		return false;
	e = &eras[era - 1];
	y = e->base + ey;
	if (!valid_ymd(y, m, d))
		return false;
	if (ymd_cmp(y, m, d, e->sy, e->sm, e->sd) < 0)
		return false;
	if (e->ey && ymd_cmp(y, m, d, e->ey, e->em, e->ed) > 0)
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	return true;
}

#define YEAR_MIN 1000
#define YEAR_MAX 2999
#define COMPACT_MIN 1868 /* 8-digit yyyymmdd: a narrower range */
#define COMPACT_MAX 2199

static bool from_ymd(int y, int m, int d, int ymin, int ymax,
		     struct lt_date *out)
{
	if (y < ymin || y > ymax || !valid_ymd(y, m, d))
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	return true;
}

/* --- tokens ------------------------------------------------------------- */

enum tok_type {
	T_NUM = 1,
	T_ERA,    /* val: 1..5 */
	T_NEN,    /* 年 */
	T_TSUKI,  /* 月 */
	T_NICHI,  /* 日 */
	T_GAN,    /* 元 (元年) */
	T_SEP,    /* val: '/', '-' or '.' */
};

struct tok {
	unsigned char type;
	unsigned char ndig;
	int val;
};

#define TOK_MAX 8

/*
 * The word at b[i..n): 明治 大正 昭和 平成 令和, their squared forms ㍾ ㍽
 * ㍼ ㍻ ㋿ and first kanji 明 大 昭 平 令 (T_ERA, val 1..5), 年, 月, 日, 元
 * (T_GAN, val 1).  Sets t and returns the word's length, or 0.
 */
static size_t date_word(const char *b, size_t n, size_t i, struct tok *t)
{
	const unsigned char *u = (const unsigned char *)b + i;
	uint32_t c, c2 = 0, second = 0;

	if (i + 3 > n || (u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 ||
	    (u[2] & 0xC0) != 0x80)
		return 0;
	c = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
	    (u[2] & 0x3F);
	t->type = T_ERA;
	t->val = 0;
	switch (c) {
	case 0x660E: t->val = 1; second = 0x6CBB; break; /* 明 治 */
	case 0x5927: t->val = 2; second = 0x6B63; break; /* 大 正 */
	case 0x662D: t->val = 3; second = 0x548C; break; /* 昭 和 */
	case 0x5E73: t->val = 4; second = 0x6210; break; /* 平 成 */
	case 0x4EE4: t->val = 5; second = 0x548C; break; /* 令 和 */
	case 0x337E: t->val = 1; return 3;               /* ㍾ */
	case 0x337D: t->val = 2; return 3;               /* ㍽ */
	case 0x337C: t->val = 3; return 3;               /* ㍼ */
	case 0x337B: t->val = 4; return 3;               /* ㍻ */
	case 0x32FF: t->val = 5; return 3;               /* ㋿ */
	case 0x5E74: t->type = T_NEN; return 3;          /* 年 */
	case 0x6708: t->type = T_TSUKI; return 3;        /* 月 */
	case 0x65E5: t->type = T_NICHI; return 3;        /* 日 */
	case 0x5143: t->type = T_GAN; t->val = 1; return 3; /* 元 */
	default: return 0;
	}
	u += 3;
	if (i + 6 <= n && (u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80)
		c2 = (uint32_t)(u[0] & 0x0F) << 12 |
		     (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
	return c2 == second ? 6 : 3; /* the era's name, or its first kanji */
}

/* Era initials M T S H R, either case. */
static int era_letter(char c)
{
	switch (c | 0x20) {
	case 'm': return 1;
	case 't': return 2;
	case 's': return 3;
	case 'h': return 4;
	case 'r': return 5;
	}
	return 0;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Drop a trailing time of day: (' ' | 'T') h[h]:mm[:ss[.fff]] [Z | ±hh:mm].
 * Returns false when there is a ':' but no such time.
 */
static bool strip_time(const char *b, size_t *n)
{
	const char *colon = memchr(b, ':', *n);
	size_t i, st;

	if (!colon)
		return true;
	i = (size_t)(colon - b);
	st = i;
	while (st > 0 && is_digit(b[st - 1]))
		st--;
	if (i - st < 1 || i - st > 2 || st < 2 ||
	    (b[st - 1] != ' ' && b[st - 1] != 'T'))
		return false;
	i++;
	if (i + 2 > *n || !is_digit(b[i]) || !is_digit(b[i + 1]))
		return false;
	i += 2;
	if (i < *n && b[i] == ':') {
		if (i + 3 > *n || !is_digit(b[i + 1]) || !is_digit(b[i + 2]))
			return false;
		i += 3;
		if (i < *n && b[i] == '.') {
			i++;
			while (i < *n && is_digit(b[i]))
				i++;
		}
	}
	if (i < *n && b[i] == 'Z')
		i++;
	else if (i + 6 == *n && (b[i] == '+' || b[i] == '-') &&
		 is_digit(b[i + 1]) && is_digit(b[i + 2]) && b[i + 3] == ':' &&
		 is_digit(b[i + 4]) && is_digit(b[i + 5]))
		i += 6;
	if (i != *n)
		return false;
	st--;
	while (st > 0 && b[st - 1] == ' ')
		st--;
	*n = st;
	return true;
}

/* Tokens of b[0..n); -1 when something else is there. */
static int tokenize(const char *b, size_t n, struct tok *t)
{
	size_t i = 0, k;
	int count = 0;

	/* a trailing 生まれ / 生 (date of birth in running text) */
	if (n >= 9 && !memcmp(b + n - 9, "生まれ", 9))
		n -= 9;
	else if (n >= 3 && !memcmp(b + n - 3, "生", 3))
		n -= 3;
	while (i < n) {
		char c = b[i];

		if (c == ' ') {
			i++;
			continue;
		}
		if (count == TOK_MAX)
			return -1;
		if (is_digit(c)) {
			int v = 0, nd = 0;

			while (i < n && is_digit(b[i])) {
				if (++nd > 9)
					return -1;
				v = v * 10 + (b[i++] - '0');
			}
			t[count].type = T_NUM;
			t[count].ndig = (unsigned char)nd;
			t[count++].val = v;
			continue;
		}
		if (c == '/' || c == '-' || c == '.') {
			t[count].type = T_SEP;
			t[count++].val = c;
			i++;
			continue;
		}
		if (era_letter(c)) {
			t[count].type = T_ERA;
			t[count++].val = era_letter(c);
			i++;
			continue;
		}
		k = date_word(b, n, i, &t[count]);
		if (!k)
			return -1;
		count++;
		i += k;
	}
	return count;
}

static bool day_tok(const struct tok *t)
{
	return t->type == T_NUM && t->ndig <= 2;
}

/* month and day after the year: 年 m 月 d 日, or sep m sep d */
static bool month_day(const struct tok *t, int count, int *m, int *d)
{
	if (count == 5 && t[0].type == T_NEN && day_tok(&t[1]) &&
	    t[2].type == T_TSUKI && day_tok(&t[3]) && t[4].type == T_NICHI) {
		*m = t[1].val;
		*d = t[3].val;
		return true;
	}
	if (count == 4 && t[0].type == T_SEP && day_tok(&t[1]) &&
	    t[2].type == T_SEP && t[2].val == t[0].val && day_tok(&t[3])) {
		*m = t[1].val;
		*d = t[3].val;
		return true;
	}
	return false;
}

/*
 * A quick look at the first character before folding: most cells are not
 * dates, and a date starts with a digit, an era initial or an era kanji.
 */
static bool maybe_date(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t c;

	while (i < len && (u[i] == ' ' || u[i] == '\t'))
		i++;
	while (i + 2 < len && u[i] == 0xE3 && u[i + 1] == 0x80 &&
	       u[i + 2] == 0x80)
		i += 3; /* U+3000 */
	if (i >= len)
		return false;
	if (u[i] < 0x80)
		return is_digit((char)u[i]) || era_letter((char)u[i]);
	if (u[i] == 0xEF) /* full-width digits and letters: fold decides */
		return true;
	if ((u[i] & 0xF0) != 0xE0 || i + 2 >= len)
		return false;
	c = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 |
	    (u[i + 2] & 0x3F);
	switch (c) {
	case 0x660E: case 0x5927: case 0x662D: /* 明 大 昭 */
	case 0x5E73: case 0x4EE4:              /* 平 令 */
	case 0x337E: case 0x337D: case 0x337C: /* ㍾ ㍽ ㍼ */
	case 0x337B: case 0x32FF:              /* ㍻ ㋿ */
		return true;
	}
	return false;
}

/* "yyyy-mm-dd", "yyyy/mm/dd" or "yyyy.mm.dd": the commonest date text. */
static bool ymd10(const char *b)
{
	return is_digit(b[0]) && is_digit(b[1]) && is_digit(b[2]) &&
	       is_digit(b[3]) && (b[4] == '-' || b[4] == '/' || b[4] == '.') &&
	       is_digit(b[5]) && is_digit(b[6]) && b[7] == b[4] &&
	       is_digit(b[8]) && is_digit(b[9]);
}

static bool parse_text(struct lt_cv *v, struct lt_date *out)
{
	const char *b;
	struct tok t[TOK_MAX];
	size_t n;
	int count, m, d;

	if (!v->s || !maybe_date(v->s, v->len))
		return false;
	/* every notation has a digit (a day at least) */
	if (!(lt_cv_fold_flags(v) & LT_CV_F_DIGIT))
		return false;
	n = lt_cv_fold(v, 64, &b);
	if (n == 10 && ymd10(b)) /* what the tokens below would give */
		return from_ymd((b[0] - '0') * 1000 + (b[1] - '0') * 100 +
					(b[2] - '0') * 10 + (b[3] - '0'),
				(b[5] - '0') * 10 + (b[6] - '0'),
				(b[8] - '0') * 10 + (b[9] - '0'), YEAR_MIN,
				YEAR_MAX, out);
	if (n == SIZE_MAX || n < 6 || !strip_time(b, &n))
		return false;
	count = tokenize(b, n, t);
	if (count < 1)
		return false;
	if (t[0].type == T_NUM) {
		if (count == 1 && t[0].ndig == 8)
			return from_ymd(t[0].val / 10000, t[0].val / 100 % 100,
					t[0].val % 100, COMPACT_MIN,
					COMPACT_MAX, out);
		if (count == 1 && t[0].ndig == 7)
			return from_era(t[0].val / 1000000,
					t[0].val / 10000 % 100,
					t[0].val / 100 % 100, t[0].val % 100,
					out);
		if (t[0].ndig == 4 && month_day(t + 1, count - 1, &m, &d))
			return from_ymd(t[0].val, m, d, YEAR_MIN, YEAR_MAX,
					out);
		return false;
	}
	if (t[0].type != T_ERA || count < 2)
		return false;
	if (t[1].type == T_SEP && t[1].val == '.') { /* S.60.3.5 */
		memmove(t + 1, t + 2, sizeof(t[0]) * (size_t)(count - 2));
		if (--count < 2)
			return false;
	}
	if (count == 2 && t[1].type == T_NUM && t[1].ndig == 6)
		return from_era(t[0].val, t[1].val / 10000,
				t[1].val / 100 % 100, t[1].val % 100, out);
	if (t[1].type == T_GAN) {
		if (!month_day(t + 2, count - 2, &m, &d))
			return false;
		return from_era(t[0].val, 1, m, d, out);
	}
	if (!day_tok(&t[1]) || !month_day(t + 2, count - 2, &m, &d))
		return false;
	return from_era(t[0].val, t[1].val, m, d, out);
}

/* --- Excel serials ------------------------------------------------------ */

#define SERIAL_MAX 2958465 /* 9999-12-31 */

static bool parse_serial(struct lt_cv *cv, struct lt_date *out)
{
	const char *b;
	size_t n, i = 0;
	long v = 0;

	if (!cv->s || !maybe_date(cv->s, cv->len))
		return false;
	n = lt_cv_fold(cv, 32, &b);
	if (n == SIZE_MAX || n == 0)
		return false;
	while (i < n && is_digit(b[i])) {
		if (i >= 7)
			return false;
		v = v * 10 + (b[i++] - '0');
	}
	if (i == 0)
		return false;
	if (i < n) {
		if (b[i++] != '.' || i == n)
			return false;
		while (i < n && is_digit(b[i]))
			i++;
		if (i != n)
			return false;
	}
	if (v < 1 || v > SERIAL_MAX || v == 60)
		return false;
	/* 1900-01-01 is serial 1; from 61 on Excel counts a 1900-02-29 */
	civil_from_days(lt_days_from_civil(1899, 12, 31) + v - (v > 60), out);
	return true;
}

/* --- the API ------------------------------------------------------------ */

/* Today in the earliest time zone (UTC+14), in days since 1970-01-01. */
static long today(void)
{
	time_t now = time(NULL);

	return (long)((now + 14 * 3600) / 86400);
}

static bool birth_range(const struct lt_date *d)
{
	long day = (long)lt_days_from_civil(d->year, (unsigned)d->month,
					    (unsigned)d->day);

	return d->year >= 1868 && day <= today();
}

/* parse_text, once per view. */
static bool text_date(struct lt_cv *v, struct lt_date *d)
{
	if (!(v->flags & LT_CV_DATED)) {
		v->date_ok = parse_text(v, &v->date);
		v->flags |= LT_CV_DATED;
	}
	*d = v->date;
	return v->date_ok;
}

bool lt_cv_date(struct lt_cv *v, struct lt_date *out)
{
	struct lt_date d;

	/* (date cells hold ISO text, which parse_text reads) */
	if (!text_date(v, &d))
		return false;
	if (out)
		*out = d;
	return true;
}

bool lt_cv_birthdate(struct lt_cv *v, bool allow_serial, struct lt_date *out)
{
	struct lt_date d;

	if (v->hint == LT_CELL_NUMBER && allow_serial &&
	    parse_serial(v, &d) && birth_range(&d))
		goto ok;
	if (!text_date(v, &d) || !birth_range(&d))
		return false;
ok:
	if (out)
		*out = d;
	return true;
}

bool lt_val_date(const char *s, size_t len, int hint, struct lt_date *out)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, hint);
	return lt_cv_date(&v, out);
}

bool lt_val_birthdate(const char *s, size_t len, int hint, bool allow_serial,
		      struct lt_date *out)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, hint);
	return lt_cv_birthdate(&v, allow_serial, out);
}
