// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every value recogniser, the header dictionary and the normalisers on
 * arbitrary bytes (cells come from evidence).  Besides not crashing: dates
 * that are returned are real calendar dates, a combined insured number
 * returns both parts, and normalised text is valid UTF-8.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/json.h"
#include "leaktriage/scanner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_date(const struct lt_date *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };

	if (d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > mdays[d->month - 1] || d->year < 1000 || d->year > 9999)
		abort();
}

static void norm_check(void (*fn)(const char *, size_t, struct lt_buf *),
		       const char *s, size_t len)
{
	struct lt_buf b;

	lt_buf_init(&b, 1 << 20);
	fn(s, len, &b);
	if (!lt_buf_status(&b) && !lt_utf8_valid(lt_buf_str(&b), b.len))
		abort();
	lt_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the end is caught. */
	char *s = malloc(size ? size : 1);
	struct lt_date d;
	struct lt_buf a, b;
	char fold[64];
	int hint, st;

	if (!s)
		return 0;
	memcpy(s, data, size);
	hint = size ? data[0] % 3 : 0;

	(void)lt_val_name(s, size);
	(void)lt_val_kana(s, size);
	(void)lt_val_family_or_given(s, size);
	if (lt_val_sex(s, size, true) > 2 || lt_val_sex(s, size, false) > 2)
		abort();
	if (lt_val_birthdate(s, size, hint, true, &d))
		check_date(&d);
	if (lt_val_birthdate(s, size, LT_CELL_NUMBER, true, &d))
		check_date(&d);
	if (lt_val_birthdate(s, size, LT_CELL_TEXT, false, &d))
		check_date(&d);
	if (lt_val_date(s, size, hint, &d))
		check_date(&d);
	(void)lt_val_address(s, size);
	(void)lt_val_postal_code(s, size);
	(void)lt_val_phone(s, size);
	(void)lt_val_email(s, size);
	(void)lt_val_insured_symbol(s, size);
	(void)lt_val_insured_no(s, size);
	lt_buf_init(&a, 0);
	lt_buf_init(&b, 0);
	if (lt_val_insured_combined(s, size, &a, &b) && (!a.len || !b.len))
		abort();
	lt_buf_release(&a);
	lt_buf_release(&b);
	(void)lt_val_insured_combined(s, size, NULL, NULL);
	(void)lt_val_pension(s, size);
	(void)lt_val_my_number(s, size);
	(void)lt_val_insurer(s, size);
	(void)lt_val_amount(s, size);
	if (size >= 11)
		(void)lt_my_number_check_digit(s);
	if (size >= 7)
		(void)lt_insurer_check_digit(s);
	if (size >= 5)
		(void)lt_insurer_check_digit5(s);
	if (lt_val_fold(s, size, fold, sizeof(fold)) > sizeof(fold) &&
	    lt_val_fold(s, size, fold, sizeof(fold)) != SIZE_MAX)
		abort();
	if (lt_header_role(s, size, &st) != LT_ROLE_NONE && !st)
		abort();
	if (st < 0 || st > 2)
		abort();
	norm_check(lt_norm_text, s, size);
	norm_check(lt_norm_digits, s, size);
	norm_check(lt_norm_address, s, size);
	free(s);
	return 0;
}
