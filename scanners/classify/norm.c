// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Normalisation of person-key parts (DESIGN.md "Persons"): NFKC with
 * utf8proc, spaces removed, ASCII upper-cased; digits only; addresses.
 *
 * Text that is pure ASCII skips utf8proc (NFKC leaves it alone).  Invalid
 * UTF-8 is first replaced by U+FFFD per bad sequence (lt_utf8_sanitize),
 * because utf8proc refuses it whole.  Removed as spaces: ASCII white
 * space, everything NFKC turns into U+0020 (U+3000, NBSP ...), and the
 * zero-width U+200B..U+200D, U+2060, U+FEFF.
 *
 * Addresses (lt_norm_address), after lt_norm_text:
 * 1. A leading postal code goes: "〒" and the digits and hyphens after it,
 *    or a leading "nnn-nnnn".
 * 2. ヶ becomes ケ (霞ヶ関 / 霞ケ関).
 * 3. Kanji numerals right before 丁目, 番地, 番 (not 番町) or 号 become
 *    digits: 〇一二三四五六七八九 written positionally ("二〇" 20) or with
 *    one 十 ("十" 10, "十五" 15, "二十三" 23).  Place names keep theirs
 *    (三田, 八丁堀, 一番町).
 * 4. After a digit, 丁目, 番地 (and an の after it), 番 (not 番町) become
 *    '-' when a digit follows and disappear otherwise; 号 disappears (not
 *    in 号室, 号棟, 号館); の and every hyphen or long-vowel mark between
 *    two digits become '-'.
 * So 1丁目2番地3号, 一丁目二番三号, 1丁目2-3, 1-2-3 and １－２－３ are all
 * "1-2-3", and "1丁目2番ABCビル" is "1-2ABCビル" like "1-2 ABCビル".
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/err.h"
#include "leaktriage/json.h"
#include "scanners/classify/cell.h"

#include <utf8proc.h>

static void set_status(struct lt_buf *out, int code)
{
	if (out->status == LT_OK)
		out->status = code;
}

/* Byte length of the UTF-8 sequence starting with c (1 for stray bytes). */
static size_t u8_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/*
 * Appending without a call per byte (these run once per record): a writer
 * reserves, once, room for the most a step can write (plus `slack`), then
 * stores bytes directly.  When that room would pass the buffer's cap it
 * appends piece by piece through lt_buf_add, as the steps always did, so
 * that a step that overflows stops at the same place with the same
 * status.  Pieces are characters (u8_len, cut at the end of the text).
 */
struct wr {
	struct lt_buf *b;
	bool direct;
};

static void wr_open(struct wr *w, struct lt_buf *b, size_t most, size_t slack)
{
	w->b = b;
	w->direct = !b->status && most <= b->cap - b->len &&
		    slack <= b->cap - b->len - most &&
		    (b->len + most < b->alloc || /* room already */
		     lt_buf_grow(b, most) == LT_OK);
}

static inline void wr_byte(struct wr *w, char c)
{
	if (w->direct)
		w->b->buf[w->b->len++] = c;
	else
		lt_buf_addc(w->b, c);
}

/* Direct: p[0..k). */
static inline void wr_copy(struct wr *w, const char *p, size_t k)
{
	memcpy(w->b->buf + w->b->len, p, k);
	w->b->len += k;
}

/* Bytes p[0..k), pieces of one byte. */
static void wr_bytes(struct wr *w, const unsigned char *p, size_t k)
{
	size_t i;

	if (w->direct) {
		wr_copy(w, (const char *)p, k);
		return;
	}
	for (i = 0; i < k; i++)
		lt_buf_addc(w->b, (char)p[i]);
}

/* Characters p[0..k). */
static void wr_chars(struct wr *w, const char *p, size_t k)
{
	size_t i, l;

	if (w->direct) {
		wr_copy(w, p, k);
		return;
	}
	for (i = 0; i < k; i += l) {
		l = LT_MIN(u8_len((unsigned char)p[i]), k - i);
		lt_buf_add(w->b, p + i, l);
	}
}

static void wr_close(struct wr *w)
{
	if (w->direct)
		w->b->buf[w->b->len] = '\0';
}

/*
 * Append NFKC(s) to out with spaces removed and ASCII upper-cased; calls
 * keep(byte) style filtering through digits_only.
 */
/*
 * True when every character is one NFKC maps to itself and that no
 * neighbour can compose with: ASCII, hiragana U+3041..U+3096, katakana
 * U+30A1..U+30FA and ー U+30FC, 々 U+3005, CJK unified ideographs
 * U+4E00..U+9FFF.  (Not: full-width and half-width forms, compatibility
 * ideographs, combining voicing marks, U+3000, which NFKC does change.)
 */
/* The non-ASCII character at u[i] is one of those (three bytes). */
static inline bool inert_at(const unsigned char *u, size_t len, size_t i)
{
	unsigned char c = u[i];
	uint32_t cp;

	if ((c & 0xF0) != 0xE0 || i + 3 > len ||
	    ((u[i + 1] ^ 0x80) | (u[i + 2] ^ 0x80)) >= 0x40) /* 10xxxxxx */
		return false;
	if (c >= 0xE5 && c <= 0xE9)
		return true; /* U+5000..U+9FFF */
	if (c == 0xE4)
		return u[i + 1] >= 0xB8; /* U+4E00..U+4FFF */
	cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) |
	     (u[i + 2] & 0x3F);
	return (cp >= 0x3041 && cp <= 0x3096) ||
	       (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x3005;
}

static bool nfkc_inert(const unsigned char *u, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (!inert_at(u, len, i))
			return false;
		i += 3;
	}
	return true;
}

/* Bytes of U+200B..U+200D, U+2060 or U+FEFF at u[i], or 0. */
static size_t zero_width(const unsigned char *u, size_t len, size_t i)
{
	if (i + 2 >= len)
		return 0;
	if (u[i] == 0xE2 && u[i + 1] == 0x80 && u[i + 2] >= 0x8B &&
	    u[i + 2] <= 0x8D)
		return 3;
	if (u[i] == 0xE2 && u[i + 1] == 0x81 && u[i + 2] == 0xA0)
		return 3;
	if (u[i] == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF)
		return 3;
	return 0;
}

/*
 * NFKC text u[0..len) as a key part: ASCII white space and the zero-width
 * characters dropped, ASCII letters upper-cased.  What stays goes out in
 * runs.  With `inert`, u need not be NFKC yet: the function stops at the
 * first character nfkc_inert() would refuse and returns false (having
 * written part of the output), else true.
 */
static bool emit_text(struct wr *w, const unsigned char *u, size_t len,
		      bool inert)
{
	size_t i, run = 0, skip;

	for (i = 0; i < len; i++) {
		unsigned char c = u[i];

		if (c < 0x80) {
			if (c > ' ' && (c < 'a' || c > 'z'))
				continue; /* the most, kept as they are */
			if (c >= 'a') {
				wr_bytes(w, u + run, i - run);
				wr_byte(w, (char)(c - 32));
				run = i + 1;
				continue;
			}
			if (c != ' ' && (c < '\t' || c > '\r'))
				continue;
			skip = 1;
		} else if (inert) {
			if (!inert_at(u, len, i))
				return false;
			i += 2; /* (none of them is zero-width) */
			continue;
		} else {
			/* (E2 and EF: only lead bytes) */
			if ((c != 0xE2 && c != 0xEF) ||
			    !(skip = zero_width(u, len, i)))
				continue;
		}
		wr_bytes(w, u + run, i - run);
		i += skip - 1;
		run = i + 1;
	}
	wr_bytes(w, u + run, len - run);
	return true;
}

/* The same keeping only the ASCII digits. */
static bool emit_digits(struct wr *w, const unsigned char *u, size_t len,
			bool inert)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (u[i] >= 0x80 && inert) {
			if (!inert_at(u, len, i))
				return false;
			i += 2;
		} else if (u[i] >= '0' && u[i] <= '9') {
			wr_byte(w, (char)u[i]);
		}
	}
	return true;
}

static void norm(const char *s, size_t len, struct lt_buf *out,
		 bool digits_only)
{
	const unsigned char *u = (const unsigned char *)s;
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t r;
	struct lt_buf tmp;
	struct wr w;
	size_t start = out->len;
	bool inert;

	if (!s || !len)
		return;
	/*
	 * Text made only of characters NFKC leaves alone (ASCII among them)
	 * needs no mapping: the common case for names and addresses, and
	 * utf8proc was the scan's second hot spot.  Written while checking
	 * that, when there is room; taken back if it is not so.
	 */
	wr_open(&w, out, len, 0); /* a byte at most for each */
	if (w.direct) {
		inert = digits_only ? emit_digits(&w, u, len, true)
				    : emit_text(&w, u, len, true);
		if (inert) {
			wr_close(&w);
			return;
		}
		out->len = start;
		out->buf[start] = '\0';
	} else {
		inert = nfkc_inert(u, len);
	}
	if (!inert) {
		const utf8proc_option_t opt = UTF8PROC_COMPOSE |
					      UTF8PROC_COMPAT |
					      UTF8PROC_STABLE;

		if ((uint64_t)len > (uint64_t)(SSIZE_MAX / 8)) {
			set_status(out, LT_E_LIMIT);
			return;
		}
		r = utf8proc_map(u, (utf8proc_ssize_t)len, &dst, opt);
		if (r == UTF8PROC_ERROR_INVALIDUTF8) {
			lt_buf_init(&tmp, out->cap);
			lt_utf8_sanitize(&tmp, s, len);
			if (lt_buf_status(&tmp)) {
				set_status(out, lt_buf_status(&tmp));
				lt_buf_release(&tmp);
				return;
			}
			r = utf8proc_map((const utf8proc_uint8_t *)tmp.buf,
					 (utf8proc_ssize_t)tmp.len, &dst, opt);
			lt_buf_release(&tmp);
		}
		if (r < 0) {
			free(dst);
			set_status(out, r == UTF8PROC_ERROR_NOMEM ? LT_E_NOMEM
								  : LT_E_LIMIT);
			return;
		}
		u = dst;
		len = (size_t)r;
	}
	wr_open(&w, out, len, 0);
	if (digits_only)
		emit_digits(&w, u, len, false);
	else
		emit_text(&w, u, len, false);
	wr_close(&w);
	free(dst);
}

void lt_norm_text(const char *s, size_t len, struct lt_buf *out)
{
	norm(s, len, out, false);
}

void lt_norm_digits(const char *s, size_t len, struct lt_buf *out)
{
	norm(s, len, out, true);
}

/* --- addresses ---------------------------------------------------------- */

static inline bool at_n(const char *s, size_t len, size_t i, const char *lit,
			size_t k)
{
	return i + k <= len && lt_cv_same(s + i, lit, k);
}

/* Whether s[i..len) starts with the string literal lit. */
#define at(s, len, i, lit) at_n(s, len, i, lit, sizeof(lit) - 1)

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 0..9 for 〇一二三四五六七八九, 10 for 十, -1 otherwise. */
static inline int kanji_digit(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)s + i;
	uint32_t c;

	if (i + 3 > len || (u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 ||
	    (u[2] & 0xC0) != 0x80)
		return -1;
	c = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
	    (u[2] & 0x3F);
	switch (c) {
	case 0x3007: return 0; /* 〇 */
	case 0x4E00: return 1; /* 一 */
	case 0x4E8C: return 2; /* 二 */
	case 0x4E09: return 3; /* 三 */
	case 0x56DB: return 4; /* 四 */
	case 0x4E94: return 5; /* 五 */
	case 0x516D: return 6; /* 六 */
	case 0x4E03: return 7; /* 七 */
	case 0x516B: return 8; /* 八 */
	case 0x4E5D: return 9; /* 九 */
	case 0x5341: return 10; /* 十 */
	}
	return -1;
}

/*
 * Whether the character at u[i] (lead byte E3..E5) may be ヶ or a kanji
 * numeral, by its first two bytes: ヶ E3 83, 〇 E3 80, 一 三 七 E4 B8,
 * 九 E4 B9, 二 五 E4 BA, 六 八 E5 85, 十 E5 8D, 四 E5 9B.
 */
static inline bool maybe_numeral(const unsigned char *u, size_t n, size_t i)
{
	unsigned char b;

	if (i + 1 >= n)
		return false;
	b = u[i + 1];
	switch (u[i]) {
	case 0xE3: return b == 0x80 || b == 0x83;
	case 0xE4: return b >= 0xB8 && b <= 0xBA;
	case 0xE5: return b == 0x85 || b == 0x8D || b == 0x9B;
	}
	return false;
}

/* Block markers a numeral may stand before: 丁目 番地 番(not 番町) 号. */
static bool numeral_marker(const char *s, size_t len, size_t i)
{
	if (at(s, len, i, "丁目") || at(s, len, i, "番地") ||
	    at(s, len, i, "号"))
		return true;
	return at(s, len, i, "番") && !at(s, len, i + 3, "町");
}

/* Value of the numeral run s[i..j) (3-byte characters), or -1. */
static long numeral_value(const char *s, size_t len, size_t i, size_t j)
{
	long v = 0, tens = -1;
	int d;

	for (; i < j; i += 3) {
		d = kanji_digit(s, len, i);
		if (d == 10) {
			if (tens >= 0)
				return -1;
			tens = v ? v : 1;
			if (tens > 9)
				return -1;
			v = 0;
		} else {
			v = v * 10 + d;
			if (v > 99999)
				return -1;
		}
	}
	if (tens >= 0)
		return v > 9 ? -1 : tens * 10 + v;
	return v;
}

/* '-', ー, U+2010..U+2015 and − at s[i]: *k is its length. */
static bool is_hyphen(const char *s, size_t len, size_t i, size_t *k)
{
	const unsigned char *u = (const unsigned char *)s + i;

	if (s[i] == '-') {
		*k = 1;
		return true;
	}
	if (i + 3 > len)
		return false;
	*k = 3;
	if (u[0] == 0xE2)
		return (u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95) ||
		       (u[1] == 0x88 && u[2] == 0x92); /* ‐ ‑ ‒ – — ― −*/
	return u[0] == 0xE3 && u[1] == 0x83 && u[2] == 0xBC; /* ー */
}

/* Decimal digits of v >= 0, as "%ld" writes them. */
static void wr_num(struct wr *w, long v)
{
	char d[24];
	size_t k = sizeof(d);

	if (!w->direct) {
		lt_buf_addf(w->b, "%ld", v);
		return;
	}
	do {
		d[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	wr_chars(w, d + k, sizeof(d) - k);
}

void lt_norm_address(const char *s, size_t len, struct lt_buf *out)
{
	struct lt_buf t, a;

	lt_buf_init(&t, out->cap);
	lt_buf_init(&a, out->cap);
	lt_norm_address_scratch(s, len, out, &t, &a);
	lt_buf_release(&t);
	lt_buf_release(&a);
}

void lt_norm_address_scratch(const char *s, size_t len, struct lt_buf *out,
			     struct lt_buf *tp, struct lt_buf *ap)
{
	struct wr w;
	const char *p;
	size_t n, i, k, run, from;
	bool changed = false;

	lt_buf_reset(tp);
	lt_buf_reset(ap);
	norm(s, len, tp, false);
	if (lt_buf_status(tp)) {
		set_status(out, lt_buf_status(tp));
		return;
	}
	p = lt_buf_str(tp);
	n = tp->len;
	i = 0;
	/* 1: the postal code in front */
	if (at(p, n, 0, "〒")) {
		i = 3;
		while (i < n && (is_digit(p[i]) || is_hyphen(p, n, i, &k)))
			i += is_digit(p[i]) ? 1 : k;
	} else if (n > 8 && is_digit(p[0]) && is_digit(p[1]) &&
		   is_digit(p[2]) && p[3] == '-' && is_digit(p[4]) &&
		   is_digit(p[5]) && is_digit(p[6]) && is_digit(p[7]) &&
		   !is_digit(p[8])) {
		i = 8;
	}
	/*
	 * 2, 3: ヶ, kanji numerals before block markers.  Text between them
	 * is copied in runs, once there is a change (mostly there is none,
	 * and step 4 reads tp).  At most n - i bytes come out (a numeral's
	 * digits are fewer than its bytes); the slack is lt_buf_addf's.
	 * The text is UTF-8 (NFKC's output), so a byte E3, E4 or E5, which
	 * all of them start with, starts a character.
	 */
	from = run = i;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0xE3 || c > 0xE5) {
			i++;
			continue;
		}
		if (!maybe_numeral((const unsigned char *)p, n, i)) {
			i += LT_MIN((size_t)3, n - i);
			continue;
		}
		if (at(p, n, i, "ヶ")) {
			if (!changed)
				wr_open(&w, ap, n - from, 64);
			changed = true;
			wr_chars(&w, p + run, i - run);
			wr_chars(&w, "ケ", 3);
			i += 3;
			run = i;
			continue;
		}
		if (kanji_digit(p, n, i) >= 0) {
			size_t j = i;
			long v;

			while (j < n && kanji_digit(p, n, j) >= 0)
				j += 3;
			if (numeral_marker(p, n, j) &&
			    (v = numeral_value(p, n, i, j)) >= 0) {
				if (!changed)
					wr_open(&w, ap, n - from, 64);
				changed = true;
				wr_chars(&w, p + run, i - run);
				wr_num(&w, v);
				run = j;
			}
			i = j;
			continue;
		}
		i += LT_MIN(u8_len(c), n - i);
	}
	if (changed) {
		wr_chars(&w, p + run, n - run);
		wr_close(&w);
		if (lt_buf_status(ap)) {
			set_status(out, lt_buf_status(ap));
			return;
		}
		p = lt_buf_str(ap);
		n = ap->len;
	} else if (n - from > ap->cap - ap->len) {
		/* the copy would have passed the cap, as it did */
		set_status(out, LT_E_LIMIT);
		return;
	} else {
		p += from;
		n -= from;
	}
	/*
	 * 4: block markers and hyphens after digits; the rest in runs.  (A
	 * byte after an ASCII digit starts a character; none of the markers
	 * starts with a digit.)
	 */
	i = 0;
	run = 0;
	wr_open(&w, out, n, 0);
	while (i < n) {
		size_t m = 0;
		bool dash = false;

		/* to the byte after the next run of digits */
		while (i < n && !is_digit(p[i]))
			i++;
		while (i < n && is_digit(p[i]))
			i++;
		if (i == n)
			break;
		if (at(p, n, i, "丁目")) {
			m = 6;
		} else if (at(p, n, i, "番地")) {
			m = at(p, n, i + 6, "の") ? 9 : 6;
		} else if (at(p, n, i, "番") && !at(p, n, i + 3, "町")) {
			m = 3;
		}
		if (m) {
			dash = i + m < n && is_digit(p[i + m]);
		} else if (at(p, n, i, "号") && !at(p, n, i + 3, "室") &&
			   !at(p, n, i + 3, "棟") && !at(p, n, i + 3, "館")) {
			m = 3;
		} else if (at(p, n, i, "の") && i + 3 < n &&
			   is_digit(p[i + 3])) {
			m = 3;
			dash = true;
		} else if (is_hyphen(p, n, i, &k) && i + k < n &&
			   is_digit(p[i + k])) {
			m = k;
			dash = true;
		}
		if (!m) {
			i++;
			continue;
		}
		wr_chars(&w, p + run, i - run);
		if (dash)
			wr_byte(&w, '-');
		i += m;
		run = i;
	}
	wr_chars(&w, p + run, n - run);
	wr_close(&w);
}
