/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The classifier's cell view (internal to scanners/classify/): one cell
 * prepared for the value recognisers, so that the sample phase of table.c,
 * which runs every recogniser on every cell, folds a cell once and parses
 * its date once instead of once per recogniser.
 *
 * Every public lt_val_*() of leaktriage/classify.h is a wrapper that makes
 * a view of its (s, len) and calls the lt_cv_*() of the same name, so
 * there is one implementation of each recogniser and a view never changes
 * a result: lt_cv_fold(v, cap) gives exactly what lt_val_fold(s, len, buf,
 * cap) would, for every cap up to LT_CV_FOLD_CAP (the largest any
 * recogniser uses).  That holds because folding is the same for every cap
 * but for where it gives up: lt_val_fold fails when len / 3 > cap or when
 * its output, trailing spaces included, would pass cap; the view folds
 * once with LT_CV_FOLD_CAP and keeps that raw length.
 *
 * A view is filled lazily: lt_cv_init only records the cell; the fold, the
 * flags and the text date are computed on first use and kept.  A cell made
 * only of characters lt_val_fold copies as they are (ASCII but tabs and
 * line ends, kana, kanji, CJK punctuation) is its own fold less the spaces
 * at its ends, and is not copied.  A view borrows s (valid while the view
 * is used) and is not thread-safe (it is a stack object of one thread).
 */
#ifndef LT_CLASSIFY_CELL_H
#define LT_CLASSIFY_CELL_H

#include <stdbool.h>
#include <stddef.h>

#include "leaktriage/buf.h"
#include "leaktriage/classify.h"
#include "leaktriage/scanner.h"

#define LT_CV_FOLD_CAP 256

/* v->flags */
enum {
	LT_CV_FOLDED = 1u << 0,    /* fp, fold_len, fold_raw, the F flags set */
	LT_CV_DATED = 1u << 1,     /* date_ok and date set */
	/* Facts about the fold (valid with LT_CV_FOLDED and fold_raw not
	 * SIZE_MAX; all clear otherwise): */
	LT_CV_F_DIGIT = 1u << 2,   /* holds an ASCII digit */
	LT_CV_F_AT = 1u << 3,      /* holds '@' */
	LT_CV_F_NONASCII = 1u << 4, /* holds a byte >= 0x80 */
	LT_CV_F_ALPHA = 1u << 5,   /* holds an ASCII letter */
	LT_CV_SCANNED = 1u << 6,   /* LT_CV_ASCII is known (folding tells) */
	LT_CV_ASCII = 1u << 7,     /* every byte of s is ASCII */
	LT_CV_F_ALL = LT_CV_F_DIGIT | LT_CV_F_AT | LT_CV_F_NONASCII |
		      LT_CV_F_ALPHA,
};

struct lt_cv {
	const char *s;     /* the cell as the recognisers get it; may be NULL */
	size_t len;
	int hint;          /* enum lt_cell_hint */
	unsigned flags;
	bool date_ok;      /* lt_cv_date's answer, with LT_CV_DATED */
	struct lt_date date;
	const char *fp;    /* the fold: into s when the cell folds to itself
			    * but for its end spaces, else fold */
	size_t fold_len;   /* lt_val_fold's result with LT_CV_FOLD_CAP */
	size_t fold_raw;   /* its length before trailing spaces went, or
			    * SIZE_MAX when it did not fit */
	char fold[LT_CV_FOLD_CAP];
};

/* memcmp(a, b, n) == 0 for the short strings of the classifier, without
 * a call (most differ in the first byte). */
static inline bool lt_cv_same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Record (s, len, hint) in v; computes nothing yet. */
static inline void lt_cv_init(struct lt_cv *v, const char *s, size_t len,
			      int hint)
{
	v->s = s;
	v->len = len;
	v->hint = hint;
	v->flags = 0;
}

/* Fold the cell now (fp, fold_len, fold_raw, the flags); see below. */
void lt_cv_fold_now(struct lt_cv *v);

/*
 * The fold of the cell: sets *out to it and returns what lt_val_fold(s,
 * len, buf, cap) returns (its length, or SIZE_MAX when it does not fit
 * cap); cap <= LT_CV_FOLD_CAP.  The bytes are the view's: callers must not
 * write them.  A NULL s folds as an empty cell.
 */
static inline size_t lt_cv_fold(struct lt_cv *v, size_t cap, const char **out)
{
	if (!(v->flags & LT_CV_FOLDED))
		lt_cv_fold_now(v);
	*out = v->fp;
	if (v->len / 3 > cap || v->fold_raw > cap)
		return SIZE_MAX;
	return v->fold_len;
}

/* The LT_CV_F_* flags of the fold (folding first if need be). */
static inline unsigned lt_cv_fold_flags(struct lt_cv *v)
{
	if (!(v->flags & LT_CV_FOLDED))
		lt_cv_fold_now(v);
	return v->flags & LT_CV_F_ALL;
}

/* Whether every byte of s is ASCII (false for a NULL s). */
bool lt_cv_ascii(struct lt_cv *v);

/* The recognisers of leaktriage/classify.h on a view: same results. */
bool lt_cv_name(struct lt_cv *v);
bool lt_cv_kana(struct lt_cv *v);
bool lt_cv_family_or_given(struct lt_cv *v);
int lt_cv_sex(struct lt_cv *v, bool allow_digits);
/* hint comes from the view. */
bool lt_cv_birthdate(struct lt_cv *v, bool allow_serial, struct lt_date *out);
bool lt_cv_date(struct lt_cv *v, struct lt_date *out);
bool lt_cv_address(struct lt_cv *v);
bool lt_cv_postal_code(struct lt_cv *v);
bool lt_cv_phone(struct lt_cv *v);
bool lt_cv_email(struct lt_cv *v);
bool lt_cv_insured_symbol(struct lt_cv *v);
bool lt_cv_insured_no(struct lt_cv *v);
bool lt_cv_insured_combined(struct lt_cv *v, struct lt_buf *symbol,
			    struct lt_buf *number);
bool lt_cv_pension(struct lt_cv *v);
bool lt_cv_my_number(struct lt_cv *v);
bool lt_cv_insurer(struct lt_cv *v);
bool lt_cv_amount(struct lt_cv *v);

#endif
