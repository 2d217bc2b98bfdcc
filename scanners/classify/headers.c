// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The header dictionary: which column role a header cell names.  The terms
 * are data (scanners/data/headers.txt, `term<TAB>role<TAB>strength`),
 * normalised with the same function as the header cells and kept sorted
 * for binary search; the strong terms are also kept in a list for the
 * "contains" match.  Everything lives in static arrays filled once under
 * pthread_once, so lookups allocate nothing but utf8proc's NFKC result.
 *
 * Normalisation (header_norm): NFKC; ASCII letters upper-cased; white
 * space, ASCII punctuation, 中黒 (・ ･ ·), ※, and the CJK brackets 【】「」
 * 『』〔〕〈〉《》 removed.  It also records where ASCII words start (after
 * a removed character, at a change between ASCII and other scripts or
 * between letters and digits, at a lower-to-upper case change), so that
 * an ASCII term is found inside a header only as whole words.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"

#include <pthread.h>
#include <utf8proc.h>

extern const char lt_data_headers[];

static const char *const elem_names[] = {
	[LT_EL_NAME] = "name",
	[LT_EL_KANA] = "kana",
	[LT_EL_SEX] = "sex",
	[LT_EL_BIRTHDATE] = "birthdate",
	[LT_EL_ADDRESS] = "address",
	[LT_EL_POSTAL_CODE] = "postal_code",
	[LT_EL_INSURED_NUMBER] = "insured_number",
	[LT_EL_PENSION_NUMBER] = "pension_number",
	[LT_EL_MY_NUMBER] = "my_number",
	[LT_EL_INSURER_NUMBER] = "insurer_number",
	[LT_EL_PHONE] = "phone",
	[LT_EL_EMAIL] = "email",
	[LT_EL_EMPLOYER] = "employer",
	[LT_EL_MEDICAL_INSTITUTION] = "medical_institution",
	[LT_EL_DISEASE] = "disease",
	[LT_EL_AMOUNT] = "amount",
	[LT_ROLE_FAMILY_NAME] = "family_name",
	[LT_ROLE_GIVEN_NAME] = "given_name",
	[LT_ROLE_FAMILY_KANA] = "family_kana",
	[LT_ROLE_GIVEN_KANA] = "given_kana",
	[LT_ROLE_INSURED_SYMBOL] = "insured_symbol",
	[LT_ROLE_INSURED_NO] = "insured_no",
	[LT_ROLE_NONE] = "none",
};

const char *lt_elem_name(enum lt_elem e)
{
	if ((unsigned)e >= LT_ARRAY_SIZE(elem_names))
		return NULL;
	return elem_names[e];
}

int lt_elem_from_name(const char *name, size_t len)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < LT_ARRAY_SIZE(elem_names); i++)
		if (elem_names[i] && strlen(elem_names[i]) == len &&
		    !memcmp(elem_names[i], name, len))
			return (int)i;
	return -1;
}

/* --- normalisation ------------------------------------------------------ */

#define HDR_MAX_IN 128 /* longer cells are not headers */
#define HDR_MAX 256    /* normalised bytes */

struct hnorm {
	char s[HDR_MAX];
	size_t len;
	bool word[HDR_MAX + 1]; /* an ASCII word may start at s[i] */
};

static bool removed(utf8proc_int32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			 (c >= 'a' && c <= 'z') || c >= 0x80);
	switch (c) {
	case 0x30FB: case 0xFF65: case 0xB7: /* ・ ･ · */
	case 0x203B:                         /* ※ */
	case 0x3010: case 0x3011:            /* 【】 */
	case 0x300C: case 0x300D:            /* 「」 */
	case 0x300E: case 0x300F:            /* 『』 */
	case 0x3014: case 0x3015:            /* 〔〕 */
	case 0x3008: case 0x3009:            /* 〈〉 */
	case 0x300A: case 0x300B:            /* 《》 */
	case 0x3000:
		return true;
	}
	return false;
}

#define HDR_MAX_CP 512 /* code points after NFKC */

/*
 * false when the header is too long or not text.  NFKC goes through
 * utf8proc_decompose into a stack buffer and utf8proc_normalize_utf32
 * (what utf8proc_map does, without its malloc); ASCII skips it.
 */
static bool header_norm(const char *s, size_t len, struct hnorm *h)
{
	const utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				      UTF8PROC_STABLE;
	utf8proc_int32_t cps[HDR_MAX_CP];
	utf8proc_ssize_t r, i;
	int prev = 0; /* 0 start/removed, 1 lower, 2 upper, 3 digit, 4 other */
	bool ascii = true;

	h->len = 0;
	if (!s || len > HDR_MAX_IN)
		return false;
	for (i = 0; i < (utf8proc_ssize_t)len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii) {
		for (i = 0; i < (utf8proc_ssize_t)len; i++)
			cps[i] = (unsigned char)s[i];
		r = (utf8proc_ssize_t)len;
	} else {
		r = utf8proc_decompose((const utf8proc_uint8_t *)s,
				       (utf8proc_ssize_t)len, cps, HDR_MAX_CP,
				       opt);
		if (r < 0 || r > HDR_MAX_CP)
			return false;
		r = utf8proc_normalize_utf32(cps, r, opt);
		if (r < 0)
			return false;
	}
	for (i = 0; i < r; i++) {
		utf8proc_int32_t c = cps[i];
		int cls;

		/* (no ASCII character but the space, removed, is Zs) */
		if (removed(c) ||
		    (c >= 0x80 &&
		     utf8proc_category(c) == UTF8PROC_CATEGORY_ZS)) {
			prev = 0;
			continue;
		}
		cls = c >= 'a' && c <= 'z'   ? 1
		      : c >= 'A' && c <= 'Z' ? 2
		      : c >= '0' && c <= '9' ? 3
					     : 4;
		if (h->len + 4 > HDR_MAX)
			return false;
		h->word[h->len] = prev == 0 || (cls != 4) != (prev != 4) ||
				  (cls == 3) != (prev == 3) ||
				  (prev == 1 && cls == 2);
		if (cls == 1)
			h->s[h->len++] = (char)(c - 32);
		else if (c < 0x80)
			h->s[h->len++] = (char)c;
		else
			h->len += (size_t)utf8proc_encode_char(
				c, (utf8proc_uint8_t *)h->s + h->len);
		prev = cls;
	}
	h->word[h->len] = true;
	return true;
}

/* --- the dictionary ----------------------------------------------------- */

#define TERMS_MAX 1024
#define POOL_MAX 32768

struct term {
	uint32_t first;   /* first code point */
	uint32_t off;     /* into pool */
	uint16_t len;
	uint8_t role;
	uint8_t strength;
	bool ascii;       /* whole-word matching inside headers */
	bool contains;    /* strong, two characters or more */
};

static char pool[POOL_MAX];
static size_t pool_len;
static struct term terms[TERMS_MAX];
static size_t term_count;
/* Strong terms chained by a hash of their first code point. */
#define BUCKETS 256
static int bucket_head[BUCKETS];
static int bucket_next[TERMS_MAX];
/* All terms by a hash of their bytes (open addressing, -1 empty). */
#define EXACT_SLOTS 2048
static int16_t exact_slot[EXACT_SLOTS];
_Static_assert(2 * TERMS_MAX <= EXACT_SLOTS, "exact_slot at most half full");
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static int term_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, LT_MIN(al, bl));

	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

static int cmp_terms(const void *x, const void *y)
{
	const struct term *a = x, *b = y;

	return term_cmp(pool + a->off, a->len, pool + b->off, b->len);
}

static size_t exact_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 29) & (EXACT_SLOTS - 1);
}

static uint32_t first_cp(const char *s, size_t len)
{
	utf8proc_int32_t c = 0;

	if (len && (unsigned char)s[0] < 0x80)
		return (unsigned char)s[0];
	if (utf8proc_iterate((const utf8proc_uint8_t *)s,
			     (utf8proc_ssize_t)len, &c) <= 0)
		return 0;
	return (uint32_t)c;
}

static size_t bucket_of(uint32_t c)
{
	return (c * 2654435761u) >> 24;
}

static size_t count_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static void dict_add(const char *line, size_t len, unsigned lineno)
{
	const char *t1 = memchr(line, '\t', len), *t2;
	struct hnorm h;
	struct term *t;
	int role;
	size_t i;

	if (!t1)
		LT_BUG("headers.txt:%u: no tab", lineno);
	t2 = memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line));
	if (!t2 || t2 + 2 != line + len || t2[1] < '0' || t2[1] > '2')
		LT_BUG("headers.txt:%u: want term, role, strength 0..2",
		       lineno);
	role = lt_elem_from_name(t1 + 1, (size_t)(t2 - t1 - 1));
	if (role < 0 || !header_norm(line, (size_t)(t1 - line), &h) || !h.len)
		LT_BUG("headers.txt:%u: bad role or term", lineno);
	if (term_count >= TERMS_MAX || pool_len + h.len > POOL_MAX)
		LT_BUG("headers.txt: too many terms");
	t = &terms[term_count++];
	memcpy(pool + pool_len, h.s, h.len);
	t->off = (uint32_t)pool_len;
	t->len = (uint16_t)h.len;
	pool_len += h.len;
	t->role = (uint8_t)role;
	t->strength = (uint8_t)(t2[1] - '0');
	t->ascii = true;
	for (i = 0; i < h.len; i++)
		if ((unsigned char)h.s[i] >= 0x80)
			t->ascii = false;
	t->contains = t->strength == 2 && count_chars(h.s, h.len) >= 2;
	t->first = first_cp(h.s, h.len);
}

static void dict_init(void)
{
	const char *p = lt_data_headers;
	unsigned lineno = 0;
	size_t i;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		lineno++;
		if (len && *p != '#')
			dict_add(p, len, lineno);
		p += len + (e != NULL);
	}
	qsort(terms, term_count, sizeof(terms[0]), cmp_terms);
	for (i = 0; i < BUCKETS; i++)
		bucket_head[i] = -1;
	for (i = 0; i < EXACT_SLOTS; i++)
		exact_slot[i] = -1;
	for (i = 0; i < term_count; i++) {
		size_t h = exact_hash(pool + terms[i].off, terms[i].len);

		while (exact_slot[h] >= 0)
			h = (h + 1) & (EXACT_SLOTS - 1);
		exact_slot[h] = (int16_t)i;
	}
	for (i = 0; i < term_count; i++) {
		if (i && !cmp_terms(&terms[i - 1], &terms[i]))
			LT_BUG("headers.txt: '%.*s' twice", (int)terms[i].len,
			       pool + terms[i].off);
		if (terms[i].contains) {
			size_t b = bucket_of(terms[i].first);

			bucket_next[i] = bucket_head[b];
			bucket_head[b] = (int)i;
		}
	}
}

/* The term spelt s[0..len) (terms are unique), or NULL. */
static const struct term *exact(const char *s, size_t len)
{
	size_t h = exact_hash(s, len);
	int k;

	for (; (k = exact_slot[h]) >= 0; h = (h + 1) & (EXACT_SLOTS - 1))
		if (terms[k].len == len && !memcmp(pool + terms[k].off, s, len))
			return &terms[k];
	return NULL;
}

/*
 * The strong term inside h ending last, then the longest; NULL if none.
 * At each character of h, only the terms starting with that character
 * (one hash chain) are compared.
 */
static const struct term *contained(const struct hnorm *h)
{
	const struct term *best = NULL;
	size_t best_end = 0, a;

	for (a = 0; a < h->len; a++) {
		uint32_t c;
		int k;

		if (((unsigned char)h->s[a] & 0xC0) == 0x80)
			continue;
		c = first_cp(h->s + a, h->len - a);
		for (k = bucket_head[bucket_of(c)]; k >= 0;
		     k = bucket_next[k]) {
			const struct term *t = &terms[k];
			size_t b = a + t->len;

			if (t->first != c || b > h->len || t->len >= h->len ||
			    memcmp(h->s + a, pool + t->off, t->len))
				continue;
			if (t->ascii && !(h->word[a] && h->word[b]))
				continue;
			if (!best || b > best_end ||
			    (b == best_end && t->len > best->len)) {
				best = t;
				best_end = b;
			}
		}
	}
	return best;
}

int lt_header_role(const char *s, size_t len, int *strength)
{
	struct hnorm h;
	const struct term *t;
	size_t n;

	if (strength)
		*strength = 0;
	pthread_once(&dict_once, dict_init);
	if (!header_norm(s, len, &h) || !h.len)
		return LT_ROLE_NONE;
	n = h.len;
	while (n > 1 && h.s[n - 1] >= '0' && h.s[n - 1] <= '9')
		n--; /* 住所2 */
	t = exact(h.s, h.len);
	if (!t && n < h.len)
		t = exact(h.s, n);
	if (t) {
		if (strength)
			*strength = t->strength;
		return t->role;
	}
	t = contained(&h);
	if (!t)
		return LT_ROLE_NONE;
	if (strength)
		*strength = 1;
	return t->role;
}
