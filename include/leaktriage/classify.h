/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Value recognisers and the header dictionary: format-independent pieces
 * of the classification (DESIGN.md "Classification").  Every function is
 * pure (no global state but read-only tables), thread-safe, and fast: they
 * run on every cell of every table (target: 100 MB/s per core overall).
 * Inputs are UTF-8 cell texts (not NUL-terminated necessarily: (s, len)).
 * Full-width digits and letters are accepted wherever ASCII ones are.
 */
#ifndef LEAKTRIAGE_CLASSIFY_H
#define LEAKTRIAGE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/buf.h"

/* Column roles / record elements.  Values are stable (stored in the DB). */
enum lt_elem {
	LT_EL_NAME = 0,             /* 氏名 (written name; kanji or romaji) */
	LT_EL_KANA = 1,             /* カナ氏名 / フリガナ */
	LT_EL_SEX = 2,
	LT_EL_BIRTHDATE = 3,
	LT_EL_ADDRESS = 4,
	LT_EL_POSTAL_CODE = 5,
	LT_EL_INSURED_NUMBER = 6,   /* 被保険者記号・番号, both parts */
	LT_EL_PENSION_NUMBER = 7,   /* 基礎年金番号 */
	LT_EL_MY_NUMBER = 8,        /* 個人番号 */
	LT_EL_INSURER_NUMBER = 9,   /* 保険者番号: context, not a person id */
	LT_EL_PHONE = 10,
	LT_EL_EMAIL = 11,
	LT_EL_EMPLOYER = 12,
	LT_EL_MEDICAL_INSTITUTION = 13,
	LT_EL_DISEASE = 14,
	LT_EL_AMOUNT = 15,
	LT_EL_COUNT = 16,
	/* Column roles that are parts of an element, never record elements: */
	LT_ROLE_FAMILY_NAME = 32,   /* 姓 */
	LT_ROLE_GIVEN_NAME = 33,    /* 名 */
	LT_ROLE_FAMILY_KANA = 34,   /* セイ */
	LT_ROLE_GIVEN_KANA = 35,    /* メイ */
	LT_ROLE_INSURED_SYMBOL = 36,/* 記号 */
	LT_ROLE_INSURED_NO = 37,    /* 番号 (with a 記号 column) */
	LT_ROLE_NONE = 63,
};

/* The DESIGN.md element names: "name", "kana", ... "amount". */
const char *lt_elem_name(enum lt_elem e);
/* (lt_elem_name also names the part roles: "family_name", "given_name",
 * "family_kana", "given_kana", "insured_symbol", "insured_no", "none";
 * NULL for a value that is not in the enum.  Static strings.) */
/* The inverse of lt_elem_name (exact, case-sensitive); -1 if unknown. */
int lt_elem_from_name(const char *name, size_t len);

/* A calendar date. */
struct lt_date {
	int year;     /* Gregorian */
	int month;    /* 1..12 */
	int day;      /* 1..31 */
};

/*
 * Header dictionary (data: scanners/data/headers.txt compiled in).
 * Given a header cell, the role it names and how sure the dictionary is
 * (0 none, 1 weak such as "番号", 2 strong such as "生年月日").  Matches
 * after NFKC and removal of spaces and brackets; knows Japanese and
 * English terms.  Terms that look like a role but are not (受注日,
 * 発売日, 商品コード, JAN) return LT_ROLE_NONE with strength 2, so that
 * the column is positively NOT a birthdate/identifier.
 */
int lt_header_role(const char *s, size_t len, int *strength);
/*
 * Details of lt_header_role (scanners/classify/headers.c): strength may be
 * NULL; no match is LT_ROLE_NONE with strength 0.  Besides spaces and
 * brackets, the header loses ASCII punctuation (so "E-mail" is "EMAIL",
 * "No." is "NO"), 中黒, ※ and colons; trailing digits are ignored for the
 * exact match ("住所2" is "住所").  Without an exact match, the strong
 * (strength 2) terms of two or more characters contained in the header
 * are tried; the one ending last, then the longest, gives its role with
 * strength 1 ("患者氏名" is a weak name, "顧客受注日" weakly none).  An
 * ASCII term matches inside a header only as whole words ("HOTEL" holds
 * no "TEL"; "PatientName" holds "NAME").  Cells over 128 bytes are not
 * headers.  The dictionary is parsed once (pthread_once); thread-safe.
 */

/* Value recognisers.  Each returns true when the cell is a plausible value
 * of that kind.  Blank cells are never values. */
bool lt_val_name(const char *s, size_t len);       /* 山田 太郎, Taro YAMADA */
bool lt_val_kana(const char *s, size_t len);       /* ヤマダ タロウ, やまだ */
bool lt_val_family_or_given(const char *s, size_t len); /* 山田 / 太郎 */
/* 1 male, 2 female, 0 not a sex value (男/女/男性/女性/M/F/1/2/male...) */
int lt_val_sex(const char *s, size_t len, bool allow_digits);
/*
 * Birthdates in every notation DESIGN.md lists: 西暦 (1985/3/5, 1985-03-05,
 * 1985年3月5日, 19850305), 和暦 with era names (昭和60年3月5日, 平成元年,
 * 令和元年), era initials (S60.3.5, H1.1.8, s60/03/05), era-code 7-digit
 * forms (3600305: 1 明治 2 大正 3 昭和 4 平成 5 令和), full-width digits,
 * Excel serial day numbers when hint is LT_CELL_NUMBER and allow_serial,
 * ISO dates when hint is LT_CELL_DATE.  Validates the calendar and the
 * era's range (昭和64年1月7日 valid, 昭和64年1月8日 not; 平成31年4月30日
 * valid, 平成31年5月1日 not).  A birthdate is between 1868-01-01 and today.
 */
bool lt_val_birthdate(const char *s, size_t len, int hint, bool allow_serial,
		      struct lt_date *out);
/* Any date (same notations, no birth range): to tell date columns apart. */
bool lt_val_date(const char *s, size_t len, int hint, struct lt_date *out);
/* At least municipality level: 東京都千代田区…, 大阪市北区…, 北海道札幌市…
 * A prefecture alone is not an address. */
bool lt_val_address(const char *s, size_t len);
bool lt_val_postal_code(const char *s, size_t len); /* 〒100-0001, 1000001 */
bool lt_val_phone(const char *s, size_t len);
bool lt_val_email(const char *s, size_t len);
/* 被保険者記号 (digits, or kanji/kana + digits, up to ~10 chars) */
bool lt_val_insured_symbol(const char *s, size_t len);
/* 被保険者番号 (1..8 digits) */
bool lt_val_insured_no(const char *s, size_t len);
/* 記号・番号 in one cell ("1234567・89", "12345678-123"); splits it. */
bool lt_val_insured_combined(const char *s, size_t len, struct lt_buf *symbol,
			     struct lt_buf *number);
/* 基礎年金番号: 4+6 digits ("1234-567890", "1234567890") */
bool lt_val_pension(const char *s, size_t len);
/* 個人番号: 12 digits with a valid check digit */
bool lt_val_my_number(const char *s, size_t len);
/* 保険者番号: 8 digits (or 6 for 国保) with a valid check digit */
bool lt_val_insurer(const char *s, size_t len);
bool lt_val_amount(const char *s, size_t len);   /* ¥1,234 / 1234円 / 1,234 */

/* Check digits, exposed for tests and generators. */
int lt_my_number_check_digit(const char *digits11);   /* -1 if not digits */
int lt_insurer_check_digit(const char *digits7);      /* 8-digit form */
int lt_insurer_check_digit5(const char *digits5);     /* 6-digit 国保 form */

/*
 * Notes on the recognisers above (scanners/classify/values*.c, dates.c):
 * - lt_val_insured_combined appends the parts to symbol and number (either
 *   may be NULL) only when it returns true: the symbol as written after
 *   folding (full-width to ASCII), the number as ASCII digits.  With '-' or
 *   ' ' between two digit groups, the postal-code shape 3+4 and the pension
 *   shape 4+6 are not taken for a combined insured number.
 * - lt_val_date never reads Excel serials (a number column is not a date
 *   column); lt_val_birthdate does with LT_CELL_NUMBER and allow_serial.
 * - "Today" is the date in UTC+14, so no time zone rejects a real date.
 */

/*
 * Fold a cell for the recognisers, without allocating: full-width ASCII
 * (U+FF01..U+FF5E) becomes ASCII, U+3000 and NBSP a space, dash and minus
 * variants (U+2010..U+2015, U+2212, U+FE63) '-', a long-vowel mark (ー,
 * ｰ) right after a digit '-', the yen signs (U+00A5, U+FFE5) '\' (what a
 * CP932 yen byte decodes to); everything else is copied.  Leading and
 * trailing spaces, tabs and line ends are dropped.  Writes at most cap
 * bytes to out (no NUL) and returns the length, or SIZE_MAX when the
 * result would not fit.
 */
size_t lt_val_fold(const char *s, size_t len, char *out, size_t cap);

/*
 * Normalisation for person keys: NFKC (utf8proc), every space (ASCII,
 * U+3000) removed, ASCII letters upper-cased.  Appends to out.
 * lt_norm_digits keeps only the digits (after NFKC).
 * lt_norm_address also rewrites N丁目M番地K号 / N丁目M番K号 / N-M-K to
 * "N-M-K" (documented in README).
 * s may be NULL when len is 0.  Allocation failure (utf8proc) sets out's
 * sticky status.  Details of lt_norm_address in scanners/classify/norm.c.
 */
void lt_norm_text(const char *s, size_t len, struct lt_buf *out);
void lt_norm_digits(const char *s, size_t len, struct lt_buf *out);
void lt_norm_address(const char *s, size_t len, struct lt_buf *out);
/* The same with two scratch buffers of the caller's (no allocation when
 * they are reused: the classifier calls this once per record). */
void lt_norm_address_scratch(const char *s, size_t len, struct lt_buf *out,
			     struct lt_buf *tmp1, struct lt_buf *tmp2);

#endif
