// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Value recognisers for numbers and codes: postal codes, phone numbers,
 * e-mail addresses, insured-person symbols and numbers, pension numbers,
 * My Numbers, insurer numbers, amounts.  Each folds the cell into a small
 * stack buffer with lt_val_fold (full-width to ASCII) and reads ASCII.
 *
 * Check digits:
 * - 個人番号 (My Number), as the ordinance defines it (個人番号の指定等に
 *   関する省令 第5条): P(n) is the n-th digit counted from the right
 *   leaving out the check digit (n = 1..11), Q(n) = n + 1 for n <= 6 and
 *   n - 5 for n >= 7; r = sum(P(n) Q(n)) mod 11; the check digit is 0 when
 *   r <= 1, else 11 - r.  "000000000000" passes that and is refused.
 * - 保険者番号 (insurer number, 8 digits: 法別番号 2, 都道府県番号 2,
 *   保険者別番号 3, 検証番号 1): the first 7 digits are weighted
 *   2,1,2,1,2,1,2 from the left, the digits of each product are added (a
 *   Luhn sum), and the check digit is (10 - sum mod 10) mod 10; e.g.
 *   01130012 (協会けんぽ東京支部).  The 6-digit 国保 form (都道府県番号 2,
 *   保険者別番号 3, 検証番号 1) uses the same rule over 5 digits with the
 *   weights 2,1,2,1,2 (again 2 on the digit next to the check digit), e.g.
 *   131011 (千代田区).  Both forms also need a prefecture number 01..47, and
 *   the 8-digit form a 法別番号 other than 00.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "scanners/classify/cell.h"

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(b[i]))
			return false;
	return true;
}

/*
 * The cell folded as lt_val_fold would with a cap-byte buffer, into *b;
 * SIZE_MAX when blank, too long, or s is NULL.  need: LT_CV_F_* flags the
 * fold must hold for the recogniser to accept it (a quick refusal).
 */
static size_t fold(struct lt_cv *v, size_t cap, unsigned need, const char **b)
{
	size_t n;

	if (!v->s)
		return SIZE_MAX;
	if (need && (lt_cv_fold_flags(v) & need) != need)
		return SIZE_MAX;
	n = lt_cv_fold(v, cap, b);
	return n == 0 ? SIZE_MAX : n;
}

/* The public recognisers: a view of (s, len) and its lt_cv_ function. */
#define ON_VIEW(name)                                                          \
	bool lt_val_##name(const char *s, size_t len)                          \
	{                                                                      \
		struct lt_cv v;                                                \
                                                                               \
		lt_cv_init(&v, s, len, LT_CELL_TEXT);                          \
		return lt_cv_##name(&v);                                       \
	}

ON_VIEW(postal_code)
ON_VIEW(phone)
ON_VIEW(email)
ON_VIEW(insured_symbol)
ON_VIEW(insured_no)
ON_VIEW(pension)
ON_VIEW(my_number)
ON_VIEW(insurer)
ON_VIEW(amount)

static bool starts(const char *b, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && !memcmp(b, lit, k);
}

/* --- postal codes ------------------------------------------------------- */

bool lt_cv_postal_code(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 32, LT_CV_F_DIGIT, &b), i = 0;

	if (n == SIZE_MAX)
		return false;
	if (starts(b, n, "〒")) {
		i = 3;
		while (i < n && b[i] == ' ')
			i++;
	}
	n -= i;
	if (n == 7)
		return all_digits(b + i, 7);
	return n == 8 && all_digits(b + i, 3) && b[i + 3] == '-' &&
	       all_digits(b + i + 4, 4);
}

/* --- phone numbers ------------------------------------------------------ */

bool lt_cv_phone(struct lt_cv *v)
{
	const char *b;
	char d[16];
	size_t n = fold(v, 48, LT_CV_F_DIGIT, &b), i = 0, nd = 0, groups = 0;
	bool in_group = false;

	if (n == SIZE_MAX)
		return false;
	if (n >= 3 && (b[0] == 'T' || b[0] == 't') &&
	    (b[1] == 'E' || b[1] == 'e') && (b[2] == 'L' || b[2] == 'l')) {
		i = 3;
		while (i < n && (b[i] == '.' || b[i] == ':' || b[i] == ' '))
			i++;
	}
	if (i + 3 <= n && !memcmp(b + i, "+81", 3)) {
		i += 3;
		d[nd++] = '0';
		while (i < n && (b[i] == ' ' || b[i] == '-'))
			i++;
		if (i + 3 <= n && !memcmp(b + i, "(0)", 3))
			i += 3;
		if (i < n && b[i] == '0')
			return false;
	}
	if (i >= n || !is_digit(b[n - 1]) || (b[i] != '(' && !is_digit(b[i])))
		return false;
	for (; i < n; i++) {
		char c = b[i];

		if (is_digit(c)) {
			if (nd >= 11)
				return false;
			d[nd++] = c;
			if (!in_group)
				groups++;
			in_group = true;
		} else if (c == '-' || c == ' ' || c == '(' || c == ')' ||
			   c == '.') {
			in_group = false;
		} else {
			return false;
		}
	}
	if (nd < 10 || groups > 4 || d[0] != '0' || d[1] == '0')
		return false;
	if (nd == 11) /* mobile, IP, pager, 0800 free dial */
		return d[2] == '0' || !memcmp(d, "0800", 4);
	/* 0X0 numbers have 11 digits; 0570 and 0120 have 10 */
	return nd == 10 && d[2] != '0';
}

/* --- e-mail ------------------------------------------------------------- */

static bool email_local_char(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '/': case '=': case '?': case '^':
	case '_': case '`': case '{': case '|': case '}': case '~':
	case '.': case '-':
		return true;
	}
	return false;
}

bool lt_cv_email(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 256, LT_CV_F_AT, &b), at = SIZE_MAX, i, lab = 0,
	       labels = 0, last = 0;
	bool tld_alpha = true;

	if (n == SIZE_MAX || n < 6)
		return false;
	for (i = 0; i < n; i++)
		if (b[i] == '@') {
			if (at != SIZE_MAX)
				return false;
			at = i;
		}
	if (at == SIZE_MAX || at == 0 || at > 64 || n - at < 5)
		return false;
	if (b[0] == '.' || b[at - 1] == '.')
		return false;
	for (i = 0; i < at; i++)
		if (!email_local_char(b[i]) ||
		    (b[i] == '.' && b[i + 1] == '.'))
			return false;
	for (i = at + 1; i <= n; i++) {
		char c = i < n ? b[i] : '.';

		if (c == '.') {
			if (!lab || lab > 63 || b[i - 1] == '-' ||
			    b[i - lab] == '-')
				return false;
			labels++;
			last = lab;
			lab = 0;
			continue;
		}
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !is_digit(c) && c != '-')
			return false;
		lab++;
	}
	for (i = n - last; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') ||
		      (b[i] >= 'A' && b[i] <= 'Z')))
			tld_alpha = false;
	return labels >= 2 && last >= 2 && tld_alpha;
}

/* --- insured-person symbol and number ----------------------------------- */

/* Code point length of a UTF-8 lead byte (1 for anything odd). */
static size_t u8_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/*
 * A symbol at b[0..n): 1..8 digits, or 1..6 non-digit characters (kanji,
 * kana, letters) then, after an optional space or '-', 1..8 digits.
 */
static bool symbol_ok(const char *b, size_t n)
{
	size_t i = 0, pre = 0, digits = 0;

	while (i < n && !is_digit(b[i])) {
		unsigned char c = (unsigned char)b[i];
		size_t k = u8_len(c);

		if (c < 0x80 && !((c >= 'A' && c <= 'Z') ||
				  (c >= 'a' && c <= 'z')))
			break;
		if (c >= 0x80 && (c < 0xE3 || i + k > n))
			return false; /* kana and kanji are E3..E9 (and F0) */
		i += k;
		pre++;
	}
	if (pre > 6)
		return false;
	if (pre && i < n && (b[i] == ' ' || b[i] == '-'))
		i++;
	for (; i < n; i++) {
		if (!is_digit(b[i]))
			return false;
		digits++;
	}
	return digits >= 1 && digits <= 8;
}

bool lt_cv_insured_symbol(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 48, LT_CV_F_DIGIT, &b);

	return n != SIZE_MAX && symbol_ok(b, n);
}

bool lt_cv_insured_no(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 24, LT_CV_F_DIGIT, &b);

	return n != SIZE_MAX && n <= 8 && all_digits(b, n);
}

static size_t skip_sp(const char *b, size_t n, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == ':'))
		i++;
	return i;
}

static bool put_parts(const char *sym, size_t sl, const char *no, size_t nl,
		      struct lt_buf *symbol, struct lt_buf *number)
{
	if (!symbol_ok(sym, sl) || !nl || nl > 8 || !all_digits(no, nl))
		return false;
	if (symbol)
		lt_buf_add(symbol, sym, sl);
	if (number)
		lt_buf_add(number, no, nl);
	return true;
}

bool lt_val_insured_combined(const char *s, size_t len, struct lt_buf *symbol,
			     struct lt_buf *number)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_insured_combined(&v, symbol, number);
}

bool lt_cv_insured_combined(struct lt_cv *v, struct lt_buf *symbol,
			    struct lt_buf *number)
{
	const char *b;
	size_t n = fold(v, 64, LT_CV_F_DIGIT, &b), i, st, sl, sep = SIZE_MAX,
	       seplen = 0, k;

	if (n == SIZE_MAX)
		return false;
	/* 記号 1234 番号 56 */
	if (starts(b, n, "記号")) {
		i = skip_sp(b, n, 6);
		st = i;
		while (i + 6 <= n && memcmp(b + i, "番号", 6))
			i++;
		if (i + 6 > n)
			return false;
		sl = i;
		while (sl > st && (b[sl - 1] == ' ' || b[sl - 1] == ',' ||
				   b[sl - 1] == '/'))
			sl--;
		k = skip_sp(b, n, i + 6);
		return put_parts(b + st, sl - st, b + k, n - k, symbol, number);
	}
	/* one separator between the symbol and the number */
	for (i = 0; i < n; i++) {
		size_t l = 0;

		if ((unsigned char)b[i] >= 0x80 && i + 3 <= n &&
		    (!memcmp(b + i, "・", 3) || !memcmp(b + i, "･", 3)))
			l = 3;
		else if (b[i] == '-' || b[i] == ' ')
			l = 1;
		if (!l)
			continue;
		if (sep != SIZE_MAX) {
			/* "ア 123-45": the space belongs to the symbol */
			if (seplen == 1 && b[sep] == ' ' && l == 1 &&
			    b[i] == '-')
				;
			else
				return false;
		}
		sep = i;
		seplen = l;
		i += l - 1;
	}
	if (sep == SIZE_MAX || sep == 0 || sep + seplen >= n)
		return false;
	k = sep + seplen;
	if (seplen == 1 && all_digits(b, sep) &&
	    ((sep == 3 && n - k == 4) || (sep == 4 && n - k == 6)))
		return false; /* postal code, pension number */
	return put_parts(b, sep, b + k, n - k, symbol, number);
}

/* --- pension, My Number, insurer ---------------------------------------- */

bool lt_cv_pension(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 24, LT_CV_F_DIGIT, &b);

	if (n == 10)
		return all_digits(b, 10);
	return n == 11 && all_digits(b, 4) && (b[4] == '-' || b[4] == ' ') &&
	       all_digits(b + 5, 6);
}

int lt_my_number_check_digit(const char *digits11)
{
	int sum = 0, n, r;

	if (!digits11)
		return -1;
	for (n = 0; n < 11; n++)
		if (!is_digit(digits11[n]))
			return -1;
	for (n = 1; n <= 11; n++) {
		int p = digits11[11 - n] - '0';

		sum += p * (n <= 6 ? n + 1 : n - 5);
	}
	r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

bool lt_cv_my_number(struct lt_cv *v)
{
	const char *b;
	char d[12];
	size_t n = fold(v, 32, LT_CV_F_DIGIT, &b);

	if (n == 12) {
		memcpy(d, b, 12);
	} else if (n == 14 && b[4] == b[9] && (b[4] == '-' || b[4] == ' ')) {
		memcpy(d, b, 4);
		memcpy(d + 4, b + 5, 4);
		memcpy(d + 8, b + 10, 4);
	} else {
		return false;
	}
	if (!all_digits(d, 12) || !memcmp(d, "000000000000", 12))
		return false;
	return lt_my_number_check_digit(d) == d[11] - '0';
}

/* Luhn-style: weight 2 on the last digit, 1 on the one before, ... */
static int luhn_check(const char *digits, int count)
{
	int i, sum = 0;

	if (!digits)
		return -1;
	for (i = 0; i < count; i++)
		if (!is_digit(digits[i]))
			return -1;
	for (i = 0; i < count; i++) {
		int p = (digits[i] - '0') * ((count - i) % 2 ? 2 : 1);

		sum += p / 10 + p % 10;
	}
	return (10 - sum % 10) % 10;
}

int lt_insurer_check_digit(const char *digits7)
{
	return luhn_check(digits7, 7);
}

int lt_insurer_check_digit5(const char *digits5)
{
	return luhn_check(digits5, 5);
}

static bool prefecture_no(const char *b)
{
	int p = (b[0] - '0') * 10 + (b[1] - '0');

	return p >= 1 && p <= 47;
}

bool lt_cv_insurer(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 24, LT_CV_F_DIGIT, &b);

	if (n == 8 && all_digits(b, 8))
		return memcmp(b, "00", 2) && prefecture_no(b + 2) &&
		       lt_insurer_check_digit(b) == b[7] - '0';
	if (n == 6 && all_digits(b, 6))
		return prefecture_no(b) &&
		       lt_insurer_check_digit5(b) == b[5] - '0';
	return false;
}

/* --- amounts ------------------------------------------------------------ */

bool lt_cv_amount(struct lt_cv *v)
{
	const char *b;
	size_t n = fold(v, 48, LT_CV_F_DIGIT, &b), i = 0, group = 0, digits = 0;
	bool yen = false, en = false, comma = false, neg = false;

	if (n == SIZE_MAX)
		return false;
	for (;;) { /* sign and yen sign, in either order */
		if (i < n && b[i] == '-' && !neg) {
			neg = true;
			i++;
		} else if (i + 3 <= n && !neg &&
			   (!memcmp(b + i, "▲", 3) || !memcmp(b + i, "△", 3))) {
			neg = true;
			i += 3;
		} else if (i < n && b[i] == '\\' && !yen) {
			yen = true;
			i++;
		} else {
			break;
		}
	}
	while (i < n && b[i] == ' ')
		i++;
	for (; i < n; i++) {
		if (is_digit(b[i])) {
			if (++digits > 15)
				return false;
			group++;
		} else if (b[i] == ',') {
			if (!group || (comma ? group != 3 : group > 3))
				return false;
			comma = true;
			group = 0;
		} else {
			break;
		}
	}
	if (!digits || (comma && group != 3))
		return false;
	if (i + 1 < n && b[i] == '.' && is_digit(b[i + 1])) {
		i += 2;
		if (i < n && is_digit(b[i]))
			i++;
	}
	while (i < n && b[i] == ' ')
		i++;
	if (i + 3 <= n && !memcmp(b + i, "円", 3)) {
		en = true;
		i += 3;
	}
	if (i < n && b[i] == '-' && yen && !neg) /* ¥1,000- */
		i++;
	return i == n && (yen || en || comma);
}
