// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * XML parts of an OOXML package as events (ooxml.h), and the relationship
 * parts that tie a package together.
 *
 * Why a tokenizer of our own: the xlsx target is 100 MB/s of sheet XML per
 * core, inflating included.  On the reference machine zlib inflates sheet
 * XML at ~370 MB/s and libxml2's SAX2 parser, with callbacks that do
 * nothing, reads it at ~145 MB/s: together ~105 MB/s before a single cell
 * is looked at.  The tokenizer below reads the same XML at several times
 * that speed because it does only what OOXML parts need: no DTD (OPC
 * forbids them: one is an error), no namespace resolution (parts are
 * recognised by local names), the five predefined entities and character
 * references only.  It checks what matters for correct output (balanced
 * tags, a complete document, valid UTF-8, no control characters, valid
 * references) and is lenient about the rest (duplicate attributes, a second
 * root element).  Parts in any encoding other than UTF-8 (OPC allows
 * UTF-16) go through libxml2's SAX2 parser with the same events; the unit
 * and fuzz tests compare both on the same parts (lt_ooxml_force_libxml2).
 *
 * The tokenizer reads the part into a window (256 KiB, grown to hold one
 * piece of markup of up to 1 MiB) and hands out pointers into it; text is
 * given in pieces as it comes, so a text node may be of any size.
 */
#include "triage/core/compat.h"

#include <pthread.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "leaktriage/buf.h"
#include "scanners/extract/ooxml.h"

#define WIN ((size_t)256 << 10)
#define MARKUP_MAX ((size_t)1 << 20)
#define DEPTH_MAX 256
#define NAME_MAX_LEN 1024
#define ATTR_MAX 4096
#define SNIFF 512
#define RELS_MAX 100000
#define RELS_ARENA_MAX ((size_t)16 << 20)

int lt_ooxml_force_libxml2;

/* Byte classes of text and attribute values. */
enum { C_OK = 0, C_LT, C_AMP, C_CR, C_WS, C_CTL, C_HI };

static uint8_t tcls[256], acls[256], ccls[256];
/* 1: ends a name (white space, '/', '>', '=', quotes, '<', '&') */
static uint8_t nend[256];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
	int c;

	for (c = 0; c < 256; c++) {
		uint8_t k = C_OK;

		if (c >= 0x80)
			k = C_HI;
		else if (c == '<')
			k = C_LT;
		else if (c == '&')
			k = C_AMP;
		else if (c == '\r')
			k = C_CR;
		else if (c < 0x20 && c != '\t' && c != '\n')
			k = C_CTL;
		tcls[c] = acls[c] = k;
	}
	acls['\t'] = acls['\n'] = C_WS;
	for (c = 0; c < 256; c++)
		ccls[c] = tcls[c] == C_HI || tcls[c] == C_CTL ? tcls[c] : C_OK;
	for (c = 0; c < 256; c++)
		nend[c] = c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
			  c == '/' || c == '>' || c == '=' || c == '"' ||
			  c == '\'' || c == '<' || c == '&';
	xmlInitParser();
}

/* ---- helpers ------------------------------------------------------------ */

bool lt_ooxml_attr_get(const struct lt_ooxml_attr *attr, size_t count,
		       const char *local, const char **val, size_t *len)
{
	size_t i, n = strlen(local);

	for (i = 0; i < count; i++) {
		if (attr[i].plen || attr[i].llen != n ||
		    memcmp(attr[i].local, local, n))
			continue;
		*val = attr[i].val;
		*len = attr[i].vlen;
		return true;
	}
	return false;
}

int lt_ooxml_buf_add_grow(struct lt_ooxml_buf *b, const char *s, size_t n)
{
	/* before anything: max may have been lowered below cap */
	if (b->len > b->max || n > b->max - b->len)
		return LT_E_LIMIT;
	if (n > b->cap - b->len) {
		size_t cap = LT_MAX(b->cap * 2, (size_t)256);
		char *p;

		while (cap - b->len < n)
			cap *= 2;
		cap = LT_MIN(cap, b->max);
		p = realloc(b->p, cap);
		if (!p)
			return LT_E_NOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return LT_OK;
}

static char *put_utf8(char *o, uint32_t u)
{
	if (u < 0x80) {
		*o++ = (char)u;
	} else if (u < 0x800) {
		*o++ = (char)(0xC0 | (u >> 6));
		*o++ = (char)(0x80 | (u & 0x3F));
	} else if (u < 0x10000) {
		*o++ = (char)(0xE0 | (u >> 12));
		*o++ = (char)(0x80 | ((u >> 6) & 0x3F));
		*o++ = (char)(0x80 | (u & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (u >> 18));
		*o++ = (char)(0x80 | ((u >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((u >> 6) & 0x3F));
		*o++ = (char)(0x80 | (u & 0x3F));
	}
	return o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* _xHHHH_ at s (7 bytes available): the code unit, or -1. */
static long xesc(const char *s)
{
	long v = 0;
	int i;

	if (s[0] != '_' || (s[1] != 'x' && s[1] != 'X') || s[6] != '_')
		return -1;
	for (i = 2; i < 6; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

size_t lt_ooxml_unescape(char *s, size_t len)
{
	char *r = memchr(s, '_', len), *w, *e = s + len;

	if (!r)
		return len;
	w = r;
	while (r < e) {
		long u;

		if (*r != '_' || e - r < 7 || (u = xesc(r)) < 0) {
			*w++ = *r++;
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF && e - r >= 14) {
			long lo = xesc(r + 7);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				uint32_t cp = 0x10000 +
					      ((uint32_t)(u - 0xD800) << 10) +
					      (uint32_t)(lo - 0xDC00);

				w = put_utf8(w, cp);
				r += 14;
				continue;
			}
		}
		if (!u || (u >= 0xD800 && u <= 0xDFFF)) {
			*w++ = *r++;
			continue;
		}
		w = put_utf8(w, (uint32_t)u);
		r += 7;
	}
	return (size_t)(w - s);
}

/*
 * The length of the UTF-8 sequence at p (n bytes available): > 0 valid,
 * 0 cut by the end, -1 invalid.
 */
static int u8len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xBF;
	int len, i;

	if (c < 0xC2 || c > 0xF4)
		return -1;
	if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return 0;
		if (p[i] < lo || p[i] > hi)
			return -1;
		lo = 0x80;
		hi = 0xBF;
	}
	/* U+FFFE and U+FFFF are not XML characters */
	if (len == 3 && c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
		return -1;
	return len;
}

void lt_ooxml_shown(const char *s, char *out)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t o = 0, n = strlen(s);

	while (n) {
		int k = *p < 0x80 ? 1 : u8len(p, n);

		if (o + (k > 0 ? (size_t)k : 1) > LT_OOXML_SHOWN - 8) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (k <= 0 || (k == 1 && (*p < 0x20 || *p == 0x7F))) {
			out[o++] = '?';
			p++;
			n--;
			continue;
		}
		memcpy(out + o, p, (size_t)k);
		o += (size_t)k;
		p += k;
		n -= (size_t)k;
	}
	out[o] = '\0';
}

static bool xml_char(uint32_t u)
{
	return u == 0x9 || u == 0xA || u == 0xD || (u >= 0x20 && u <= 0xD7FF) ||
	       (u >= 0xE000 && u <= 0xFFFD) || (u >= 0x10000 && u <= 0x10FFFF);
}

/*
 * The reference at p (p[0] == '&', e the end of the data): its length,
 * with the character in *cp; 0 when cut by e, -1 when invalid.
 */
static int reference(const char *p, const char *e, uint32_t *cp)
{
	const char *semi, *q;
	size_t n = (size_t)LT_MIN(e - p, (ptrdiff_t)32);
	uint32_t v = 0;

	semi = memchr(p, ';', n);
	if (!semi)
		return n < 32 ? 0 : -1;
	q = p + 1;
	n = (size_t)(semi - q);
	if (n && *q == '#') {
		bool hex = n > 1 && q[1] == 'x';

		q += hex ? 2 : 1;
		if (q == semi)
			return -1;
		for (; q < semi; q++) {
			int h = hex ? hexval(*q) :
				      (*q >= '0' && *q <= '9' ? *q - '0' : -1);

			if (h < 0)
				return -1;
			v = v * (hex ? 16 : 10) + (uint32_t)h;
			if (v > 0x10FFFF)
				return -1;
		}
		if (!xml_char(v))
			return -1;
	} else if (n == 2 && !memcmp(q, "lt", 2)) {
		v = '<';
	} else if (n == 2 && !memcmp(q, "gt", 2)) {
		v = '>';
	} else if (n == 3 && !memcmp(q, "amp", 3)) {
		v = '&';
	} else if (n == 4 && !memcmp(q, "quot", 4)) {
		v = '"';
	} else if (n == 4 && !memcmp(q, "apos", 4)) {
		v = '\'';
	} else {
		return -1;
	}
	*cp = v;
	return (int)(semi + 1 - p);
}

/*
 * Copy [s, e), which was validated, to out: references decoded, line ends
 * normalized ("\r\n" and "\r" to "\n"), and in attribute values white
 * space to spaces.  Never longer than the input.
 */
static size_t decode(const char *s, const char *e, char *out, bool attr)
{
	char *o = out;

	while (s < e) {
		char c = *s;
		uint32_t cp;

		if (c == '&') {
			s += reference(s, e, &cp);
			o = put_utf8(o, cp);
			continue;
		}
		if (c == '\r') {
			s++;
			if (s < e && *s == '\n')
				s++;
			*o++ = attr ? ' ' : '\n';
			continue;
		}
		if (attr && (c == '\n' || c == '\t'))
			c = ' ';
		*o++ = c;
		s++;
	}
	return (size_t)(o - out);
}

/* ---- the tokenizer ------------------------------------------------------ */

struct xs {
	struct lt_ooxml_member *m;
	const struct lt_ooxml_handler *h;
	void *u;
	char part[LT_OOXML_SHOWN];
	struct lt_err *err;
	char *buf;     /* cap bytes */
	char *scratch; /* cap bytes: decoded text and values */
	size_t cap, len, pos;
	uint64_t base; /* offset in the part of buf[0] */
	bool eof, need, root;
	char names[DEPTH_MAX * 32]; /* open elements' names, back to back */
	char *names_big;            /* when they do not fit */
	size_t nlen, ncap;
	size_t depth;
	uint32_t name_at[DEPTH_MAX];
	uint16_t local_at[DEPTH_MAX]; /* where the local name starts in it */
	struct lt_ooxml_attr *attr;
	size_t acap;
};

static int xerr(struct xs *x, const char *at, const char *what)
{
	return lt_err_set(x->err, LT_E_CORRUPT, "part '%s': byte %" PRIu64
			  ": %s", x->part, x->base + (uint64_t)(at - x->buf),
			  what);
}

static int fill(struct xs *x)
{
	size_t got = 0;

	if (x->pos) {
		memmove(x->buf, x->buf + x->pos, x->len - x->pos);
		x->base += x->pos;
		x->len -= x->pos;
		x->pos = 0;
	}
	if (x->len == x->cap) {
		size_t n = x->cap * 2;
		char *b, *s;

		if (x->cap >= MARKUP_MAX)
			return lt_err_set(x->err, LT_E_LIMIT, "part '%s': "
					  "byte %" PRIu64 ": markup longer "
					  "than %zu bytes", x->part, x->base,
					  MARKUP_MAX);
		b = realloc(x->buf, n);
		if (b)
			x->buf = b;
		s = realloc(x->scratch, n);
		if (s)
			x->scratch = s;
		if (!b || !s)
			return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
		x->cap = n;
	}
	LT_TRY(lt_ooxml_member_read(x->m, x->buf + x->len, x->cap - x->len,
				    &got, x->err));
	if (!got)
		x->eof = true;
	x->len += got;
	return LT_OK;
}

static char *names(struct xs *x)
{
	return x->names_big ? x->names_big : x->names;
}

static int emit_text(struct xs *x, const char *s, size_t n)
{
	if (!n || !x->depth || !x->h->text)
		return LT_OK;
	return x->h->text(x->u, s, n);
}

/* Validate [s, e) as text (or an attribute value): the end of what is
 * complete in *end, whether it needs decoding in *dec. */
static int scan_chars(struct xs *x, const char *s, const char *e,
		      const uint8_t *cls, bool stop_lt, const char **end,
		      bool *dec)
{
	const uint8_t *p = (const uint8_t *)s, *pe = (const uint8_t *)e;
	uint32_t cp;
	int n;

	*dec = false;
	for (;;) {
		while (p < pe && !cls[*p])
			p++;
		if (p == pe)
			break;
		switch (cls[*p]) {
		case C_LT:
			if (stop_lt)
				goto out;
			return xerr(x, (const char *)p, "'<' in an attribute "
				    "value");
		case C_HI:
			/* kana and kanji (3 bytes, not U+FFFE/U+FFFF) inline:
			 * Japanese text is most of a shared-strings part */
			while (pe - p >= 3 && (p[0] & 0xF0) == 0xE0 &&
			       (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
			       (p[0] != 0xE0 || p[1] >= 0xA0) &&
			       (p[0] != 0xED || p[1] <= 0x9F) &&
			       (p[0] != 0xEF || p[1] != 0xBF || p[2] < 0xBE))
				p += 3;
			if (p == pe || cls[*p] != C_HI)
				continue;
			n = u8len(p, (size_t)(pe - p));
			if (n > 0) {
				p += n;
				continue;
			}
			if (!n && !x->eof && stop_lt)
				goto out;
			return xerr(x, (const char *)p, "invalid UTF-8");
		case C_AMP:
			n = reference((const char *)p, (const char *)pe, &cp);
			if (n > 0) {
				*dec = true;
				p += n;
				continue;
			}
			if (!n && !x->eof && stop_lt)
				goto out;
			return xerr(x, (const char *)p, "invalid reference");
		case C_CR:
			if (p + 1 == pe && !x->eof && stop_lt)
				goto out;
			*dec = true;
			p++;
			continue;
		case C_WS:
			*dec = true;
			p++;
			continue;
		default:
			return xerr(x, (const char *)p, "control character");
		}
	}
out:
	*end = (const char *)p;
	return LT_OK;
}

/* scan_chars() without a call where [s, e) holds only plain characters
 * (up to a '<' for text): numbers, references, most values. */
static inline int scan_fast(struct xs *x, const char *s, const char *e,
			    const uint8_t *cls, bool stop_lt, const char **end,
			    bool *dec)
{
	const uint8_t *p = (const uint8_t *)s, *pe = (const uint8_t *)e;

	while (p < pe && !cls[*p])
		p++;
	if (p == pe || (stop_lt && *p == '<')) {
		*end = (const char *)p;
		*dec = false;
		return LT_OK;
	}
	return scan_chars(x, (const char *)p, e, cls, stop_lt, end, dec);
}

static int text_run(struct xs *x)
{
	const char *s = x->buf + x->pos, *e = x->buf + x->len, *end;
	bool dec;
	size_t n;

	LT_TRY(scan_fast(x, s, e, tcls, true, &end, &dec));
	if (end == s) {
		x->need = true;
		return LT_OK;
	}
	x->pos += (size_t)(end - s);
	if (!x->depth)
		return LT_OK; /* white space around the root */
	if (!dec)
		return emit_text(x, s, (size_t)(end - s));
	n = decode(s, end, x->scratch, false);
	return emit_text(x, x->scratch, n);
}

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static inline bool name_end(char c)
{
	return nend[(unsigned char)c];
}

/* Names and values are short: loops beat calls to memchr/memcmp here. */
static inline const char *find_byte(const char *p, const char *e, char c)
{
	for (; p < e; p++)
		if (*p == c)
			return p;
	return NULL;
}

static inline bool same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * Split a qualified name at its first ':' as libxml2 does: no prefix when
 * the name starts with ':' or what follows the ':' cannot start a name
 * (then the whole is the local name; "a:b:c" is a and b:c).
 */
static inline void split(const char *q, size_t n, const char **pre,
			 size_t *plen, const char **loc, size_t *llen)
{
	const char *c = find_byte(q, q + n, ':');
	unsigned char f = c && c + 1 < q + n ? (unsigned char)c[1] : 0;

	if (c && c > q &&
	    ((f >= 'a' && f <= 'z') || (f >= 'A' && f <= 'Z') || f == '_' ||
	     f >= 0x80)) {
		*pre = q;
		*plen = (size_t)(c - q);
		*loc = c + 1;
		*llen = n - *plen - 1;
	} else {
		*pre = "";
		*plen = 0;
		*loc = q;
		*llen = n;
	}
}

static int push_name(struct xs *x, const char *q, size_t n, size_t local_at)
{
	if (x->depth >= DEPTH_MAX)
		return xerr(x, q, "elements nested deeper than 256");
	if (x->nlen + n > sizeof(x->names) && !x->names_big) {
		x->names_big = malloc((size_t)DEPTH_MAX * NAME_MAX_LEN);
		if (!x->names_big)
			return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
		memcpy(x->names_big, x->names, x->nlen);
	}
	x->local_at[x->depth] = (uint16_t)local_at;
	x->name_at[x->depth++] = (uint32_t)x->nlen;
	memcpy(names(x) + x->nlen, q, n);
	x->nlen += n;
	return LT_OK;
}

static int start_tag(struct xs *x, const char *s, const char *e)
{
	const char *p = s + 1, *q = p, *loc, *pre;
	size_t qlen, nattr = 0, llen, plen;
	char *sc = x->scratch;
	bool empty;
	int rc;

	while (p < e && !name_end(*p))
		p++;
	if (p == e)
		goto need;
	qlen = (size_t)(p - q);
	if (!qlen || (unsigned char)*q < 0x20)
		return xerr(x, s, "bad start tag");
	if (qlen > NAME_MAX_LEN)
		return xerr(x, s, "element name too long");
	for (;;) {
		const char *an, *v, *ve, *end;
		size_t alen;
		char quote;
		bool dec;
		struct lt_ooxml_attr *a;

		while (p < e && is_ws(*p))
			p++;
		if (p == e)
			goto need;
		if (*p == '>') {
			empty = false;
			p++;
			break;
		}
		if (*p == '/') {
			if (p + 1 == e)
				goto need;
			if (p[1] != '>')
				return xerr(x, p, "bad start tag");
			empty = true;
			p += 2;
			break;
		}
		an = p;
		while (p < e && !name_end(*p))
			p++;
		alen = (size_t)(p - an);
		while (p < e && is_ws(*p))
			p++;
		if (p == e)
			goto need;
		if (!alen || *p != '=')
			return xerr(x, p, "bad attribute");
		p++;
		while (p < e && is_ws(*p))
			p++;
		if (p == e)
			goto need;
		quote = *p;
		if (quote != '"' && quote != '\'')
			return xerr(x, p, "attribute value without quotes");
		v = p + 1;
		/* most values hold only plain characters: one pass */
		ve = v;
		while (ve < e && *ve != quote && !acls[(uint8_t)*ve])
			ve++;
		dec = false;
		if (ve == e || *ve != quote) {
			const char *odd = ve;

			ve = find_byte(odd, e, quote);
			if (!ve)
				goto need;
			LT_TRY(scan_chars(x, odd, ve, acls, false, &end, &dec));
		}
		p = ve + 1;
		split(an, alen, &pre, &plen, &loc, &llen);
		if ((!plen && lt_ooxml_is(loc, llen, "xmlns")) ||
		    lt_ooxml_is(pre, plen, "xmlns"))
			continue; /* a namespace declaration */
		if (nattr == x->acap) {
			size_t na = x->acap ? x->acap * 2 : 16;
			struct lt_ooxml_attr *t;

			if (na > ATTR_MAX)
				return xerr(x, s, "too many attributes");
			t = realloc(x->attr, na * sizeof(*t));
			if (!t)
				return lt_err_set(x->err, LT_E_NOMEM,
						  "out of memory");
			x->attr = t;
			x->acap = na;
		}
		a = &x->attr[nattr++];
		a->prefix = pre;
		a->plen = plen;
		a->local = loc;
		a->llen = llen;
		if (dec) {
			a->val = sc;
			a->vlen = decode(v, ve, sc, true);
			sc += a->vlen;
		} else {
			a->val = v;
			a->vlen = (size_t)(ve - v);
		}
	}
	x->pos = (size_t)(p - x->buf);
	split(q, qlen, &pre, &plen, &loc, &llen);
	if (!empty)
		LT_TRY(push_name(x, q, qlen, (size_t)(loc - q)));
	else if (x->depth >= DEPTH_MAX)
		return xerr(x, s, "elements nested deeper than 256");
	x->root = true;
	if (x->h->start) {
		rc = x->h->start(x->u, loc, llen, x->attr, nattr);
		if (rc)
			return rc;
	}
	if (empty && x->h->end)
		return x->h->end(x->u, loc, llen);
	return LT_OK;
need:
	x->need = true;
	return LT_OK;
}

static int end_tag(struct xs *x, const char *s, const char *e)
{
	const char *p = s + 2, *q = p;
	size_t qlen, top, local;

	while (p < e && !name_end(*p))
		p++;
	qlen = (size_t)(p - q);
	while (p < e && is_ws(*p))
		p++;
	if (p == e) {
		x->need = true;
		return LT_OK;
	}
	if (*p != '>' || !qlen)
		return xerr(x, s, "bad end tag");
	if (!x->depth)
		return xerr(x, s, "end tag without a start tag");
	top = x->name_at[x->depth - 1];
	if (x->nlen - top != qlen || !same(names(x) + top, q, qlen))
		return xerr(x, s, "end tag does not match the start tag");
	x->depth--;
	x->nlen = top;
	x->pos = (size_t)(p + 1 - x->buf);
	if (!x->h->end)
		return LT_OK;
	local = x->local_at[x->depth]; /* split() at the start tag */
	return x->h->end(x->u, q + local, qlen - local);
}

static int markup(struct xs *x)
{
	const char *s = x->buf + x->pos, *e = x->buf + x->len, *p;
	size_t n = (size_t)(e - s);

	if (n < 2)
		goto need;
	if (s[1] == '/')
		return end_tag(x, s, e);
	if (s[1] == '?') {
		p = memmem(s + 2, n - 2, "?>", 2);
		if (!p)
			goto need;
		x->pos = (size_t)(p + 2 - x->buf);
		return LT_OK;
	}
	if (s[1] != '!')
		return start_tag(x, s, e);
	if (n >= 4 && !memcmp(s, "<!--", 4)) {
		p = memmem(s + 4, n - 4, "-->", 3);
		if (!p)
			goto need;
		x->pos = (size_t)(p + 3 - x->buf);
		return LT_OK;
	}
	if (n >= 9 && !memcmp(s, "<![CDATA[", 9)) {
		const char *end;
		bool dec;

		p = memmem(s + 9, n - 9, "]]>", 3);
		if (!p)
			goto need;
		/* references are not references in CDATA: only line ends
		 * are normalized, through decode() on a copy without '&' */
		LT_TRY(scan_chars(x, s + 9, p, ccls, false, &end, &dec));
		x->pos = (size_t)(p + 3 - x->buf);
		if (!x->depth)
			return xerr(x, s, "CDATA outside the root element");
		{
			const char *c = s + 9;
			char *o = x->scratch;

			for (; c < p; c++) {
				if (*c == '\r') {
					if (c + 1 < p && c[1] == '\n')
						c++;
					*o++ = '\n';
				} else {
					*o++ = *c;
				}
			}
			return emit_text(x, x->scratch,
					 (size_t)(o - x->scratch));
		}
	}
	/* a prefix of either, cut by the end of the window */
	if (n < 9 && (!memcmp(s, "<![CDATA[", n) ||
		      !memcmp(s, "<!--", LT_MIN(n, 4))))
		goto need;
	return xerr(x, s, "DTD or unknown markup (not allowed in OOXML)");
need:
	x->need = true;
	return LT_OK;
}

/* Whether the part must go to libxml2: not UTF-8 by its BOM, its first
 * bytes or its XML declaration. */
static bool sniff_other(struct xs *x)
{
	const unsigned char *b = (const unsigned char *)x->buf;
	const char *d, *end, *enc;
	size_t n = x->len;

	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		x->pos = 3;
		b += 3;
		n -= 3;
	}
	if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) ||
		       (b[0] == 0xFF && b[1] == 0xFE) || !b[0] || !b[1]))
		return true;
	if (n < 5 || memcmp(b, "<?xml", 5))
		return n >= 4 && b[0] == 0x4C && b[1] == 0x6F; /* EBCDIC */
	d = (const char *)b;
	end = memmem(d, LT_MIN(n, (size_t)SNIFF), "?>", 2);
	if (!end)
		return true;
	enc = memmem(d, (size_t)(end - d), "encoding", 8);
	if (!enc)
		return false;
	enc += 8;
	while (enc < end && (is_ws(*enc) || *enc == '='))
		enc++;
	if (enc < end && (*enc == '"' || *enc == '\'')) {
		const char *v = enc + 1, *ve;
		size_t vl;

		ve = memchr(v, *enc, (size_t)(end - v));
		vl = ve ? (size_t)(ve - v) : 0;

		if ((vl == 5 && !strncasecmp(v, "utf-8", 5)) ||
		    (vl == 4 && !strncasecmp(v, "utf8", 4)))
			return false;
	}
	return true;
}

static int xs_run(struct xs *x)
{
	while (!x->eof && x->len < SNIFF)
		LT_TRY(fill(x));
	if (sniff_other(x))
		return LT_E_UNSUPPORTED; /* not an error: use libxml2 */
	for (;;) {
		int rc;

		if (x->pos == x->len) {
			if (x->eof)
				break;
			LT_TRY(fill(x));
			continue;
		}
		x->need = false;
		if (x->buf[x->pos] != '<')
			rc = text_run(x);
		else
			rc = markup(x);
		if (rc)
			return rc;
		if (x->need) {
			if (x->eof)
				return xerr(x, x->buf + x->pos, "the part ends "
					    "inside markup (truncated?)");
			LT_TRY(fill(x));
		}
	}
	if (x->depth)
		return xerr(x, x->buf + x->pos, "the part ends inside an "
			    "element (truncated?)");
	if (!x->root)
		return xerr(x, x->buf + x->pos, "no root element");
	return LT_OK;
}

/* ---- libxml2 ------------------------------------------------------------ */

struct lx {
	const struct lt_ooxml_handler *h;
	void *u;
	char part[LT_OOXML_SHOWN];
	xmlParserCtxtPtr ctxt;
	struct lt_ooxml_member *m;
	struct lt_err *err;
	int rc;     /* a handler's value, or an error of ours */
	char msg[160];
	struct lt_ooxml_attr *attr;
	size_t acap;
};

static void lx_stop(struct lx *l, int rc)
{
	if (!l->rc)
		l->rc = rc;
	xmlStopParser(l->ctxt);
}

static void lx_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
		     const xmlChar *uri, int nns, const xmlChar **ns,
		     int nattr, int ndef, const xmlChar **attrs)
{
	struct lx *l = ctx;
	int i, rc;

	if (l->rc || !l->h->start)
		return;
	if (nattr > (int)l->acap) {
		struct lt_ooxml_attr *t = realloc(l->attr, (size_t)nattr *
								 sizeof(*t));

		if (!t) {
			lx_stop(l, lt_err_set(l->err, LT_E_NOMEM,
					      "out of memory"));
			return;
		}
		l->attr = t;
		l->acap = (size_t)nattr;
	}
	for (i = 0; i < nattr; i++) {
		const xmlChar *const *a = attrs + 5 * i;
		struct lt_ooxml_attr *o = &l->attr[i];

		o->local = (const char *)a[0];
		o->llen = strlen(o->local);
		o->prefix = a[1] ? (const char *)a[1] : "";
		o->plen = strlen(o->prefix);
		o->val = (const char *)a[3];
		o->vlen = (size_t)(a[4] - a[3]);
	}
	rc = l->h->start(l->u, (const char *)local, strlen((const char *)local),
			 l->attr, (size_t)nattr);
	if (rc)
		lx_stop(l, rc);
}

static void lx_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
		   const xmlChar *uri)
{
	struct lx *l = ctx;
	int rc;

	if (l->rc || !l->h->end)
		return;
	rc = l->h->end(l->u, (const char *)local, strlen((const char *)local));
	if (rc)
		lx_stop(l, rc);
}

static void lx_text(void *ctx, const xmlChar *s, int len)
{
	struct lx *l = ctx;
	int rc;

	if (l->rc || !l->h->text || len <= 0)
		return;
	rc = l->h->text(l->u, (const char *)s, (size_t)len);
	if (rc)
		lx_stop(l, rc);
}

static void lx_dtd(void *ctx, const xmlChar *name, const xmlChar *ext,
		   const xmlChar *sys)
{
	struct lx *l = ctx;

	lx_stop(l, lt_err_set(l->err, LT_E_CORRUPT, "part '%s': a DTD (not "
			      "allowed in OOXML)", l->part));
}

/*
 * The first error.  libxml2 follows some messages with a newline and a
 * piece of the document, which may be personal data: the message is cut
 * at the first newline and kept to printable ASCII.
 */
static void lx_error(void *ctx, xmlErrorPtr e)
{
	struct lx *l = ctx;
	char *p;
	size_t n;

	/* namespace errors (an undeclared prefix) do not matter here: parts
	 * are read by local names, as the tokenizer does */
	if (!l || l->msg[0] || !e || e->level < XML_ERR_ERROR ||
	    e->domain == XML_FROM_NAMESPACE)
		return;
	snprintf(l->msg, sizeof(l->msg), "line %d: %s", e->line,
		 e->message ? e->message : "XML error");
	p = strchr(l->msg, '\n');
	if (p)
		*p = '\0';
	for (p = l->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
			*p = '?';
	n = strlen(l->msg);
	while (n && l->msg[n - 1] == ' ')
		l->msg[--n] = '\0';
}

static int lx_read(void *ctx, char *buf, int len)
{
	struct lx *l = ctx;
	size_t got = 0;
	int rc;

	if (l->rc || len <= 0)
		return l->rc ? -1 : 0;
	rc = lt_ooxml_member_read(l->m, buf, (size_t)len, &got, l->err);
	if (rc) {
		l->rc = rc;
		return -1;
	}
	return (int)got;
}

static int lx_run(struct lx *l)
{
	xmlSAXHandler sax;
	xmlStructuredErrorFunc old_fn;
	void *old_ctx;
	int rc;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = lx_start;
	sax.endElementNs = lx_end;
	sax.characters = lx_text;
	sax.ignorableWhitespace = lx_text;
	sax.cdataBlock = lx_text;
	sax.internalSubset = lx_dtd;
	sax.serror = lx_error;
	l->ctxt = xmlCreateIOParserCtxt(&sax, l, lx_read, NULL, l,
					XML_CHAR_ENCODING_NONE);
	if (!l->ctxt)
		return lt_err_set(l->err, LT_E_NOMEM, "libxml2: cannot create "
				  "a parser");
	/* NOENT: without it SAX2 gives "&#38;" for "&amp;" in attribute
	 * values; no other entity can be declared (a DTD stops the parse) */
	xmlCtxtUseOptions(l->ctxt, XML_PARSE_NONET | XML_PARSE_NOENT);
	/* errors raised without the context (I/O, encodings) go to the
	 * thread's handler: catch them too, and print nothing */
	old_fn = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(l, lx_error);
	xmlParseDocument(l->ctxt);
	xmlSetStructuredErrorFunc(old_ctx, old_fn);
	if (l->rc)
		rc = l->rc;
	else if (!l->ctxt->wellFormed || l->msg[0])
		rc = lt_err_set(l->err, LT_E_CORRUPT, "part '%s': %s", l->part,
				l->msg[0] ? l->msg : "not well-formed");
	else
		rc = LT_OK;
	xmlFreeParserCtxt(l->ctxt);
	return rc;
}

/* ---- parse -------------------------------------------------------------- */

int lt_ooxml_parse(struct lt_ooxml_zip *z, const char *part,
		   const struct lt_ooxml_handler *h, void *u,
		   struct lt_err *err)
{
	struct lt_ooxml_member *m = NULL;
	int rc;

	pthread_once(&init_once, init);
	LT_TRY(lt_ooxml_member_open(z, part, &m, err));
	if (!lt_ooxml_force_libxml2) {
		struct xs x;

		memset(&x, 0, sizeof(x));
		x.m = m;
		x.h = h;
		x.u = u;
		lt_ooxml_shown(part, x.part);
		x.err = err;
		x.cap = WIN;
		x.buf = malloc(x.cap);
		x.scratch = malloc(x.cap);
		if (!x.buf || !x.scratch)
			rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		else
			rc = xs_run(&x);
		free(x.buf);
		free(x.scratch);
		free(x.names_big);
		free(x.attr);
		if (rc != LT_E_UNSUPPORTED || err->code) {
			lt_ooxml_member_close(m);
			return rc;
		}
		/* another encoding: start again with libxml2 */
		lt_ooxml_member_close(m);
		m = NULL;
		LT_TRY(lt_ooxml_member_open(z, part, &m, err));
	}
	{
		struct lx l;

		memset(&l, 0, sizeof(l));
		l.h = h;
		l.u = u;
		lt_ooxml_shown(part, l.part);
		l.m = m;
		l.err = err;
		rc = lx_run(&l);
		free(l.attr);
	}
	lt_ooxml_member_close(m);
	return rc;
}

/* ---- relationships ------------------------------------------------------ */

/* dir + target, with "." and ".." segments resolved, into out. */
static bool resolve(const char *dir, const char *t, size_t tlen, char *out)
{
	char tmp[2 * LT_OOXML_PART_MAX];
	size_t n = 0, o = 0, i = 0, seg;

	if (tlen && t[0] == '/') {
		dir = "";
	}
	n = strlen(dir);
	if (n + tlen + 1 > sizeof(tmp))
		return false;
	memcpy(tmp, dir, n);
	memcpy(tmp + n, t, tlen);
	n += tlen;
	tmp[n] = '\0';
	/* a fragment or query is not part of the name */
	for (i = 0; i < n; i++) {
		if (tmp[i] == '#' || tmp[i] == '?') {
			n = i;
			break;
		}
	}
	for (i = 0; i < n; i = seg + 1) {
		size_t len;

		for (seg = i; seg < n && tmp[seg] != '/' && tmp[seg] != '\\';
		     seg++)
			;
		len = seg - i;
		if (!len || (len == 1 && tmp[i] == '.'))
			continue;
		if (len == 2 && tmp[i] == '.' && tmp[i + 1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--; /* the '/' */
			continue;
		}
		if (o + 1 + len + 1 > LT_OOXML_PART_MAX)
			return false;
		if (o)
			out[o++] = '/';
		memcpy(out + o, tmp + i, len);
		o += len;
	}
	out[o] = '\0';
	return o > 0;
}

struct rels_state {
	struct lt_ooxml_rels *r;
	struct lt_ooxml_zip *z;
	char dir[LT_OOXML_PART_MAX];
	struct lt_err *err;
};

static size_t arena_add(struct lt_ooxml_rels *r, const char *s, size_t n,
			bool *fail)
{
	size_t at = r->arena_len;

	if (r->arena_len + n + 1 > r->arena_cap) {
		size_t cap = LT_MAX(r->arena_cap * 2, r->arena_len + n + 1);
		char *a;

		cap = LT_MAX(cap, (size_t)4096);
		if (cap > RELS_ARENA_MAX) {
			*fail = true;
			return 0;
		}
		a = realloc(r->arena, cap);
		if (!a) {
			*fail = true;
			return 0;
		}
		r->arena = a;
		r->arena_cap = cap;
	}
	memcpy(r->arena + at, s, n);
	r->arena[at + n] = '\0';
	r->arena_len += n + 1;
	return at;
}

static int rels_start(void *u, const char *name, size_t len,
		      const struct lt_ooxml_attr *a, size_t count)
{
	struct rels_state *st = u;
	struct lt_ooxml_rels *r = st->r;
	const char *id, *type, *target, *mode;
	size_t idl, typel, targetl, model;
	char res[LT_OOXML_PART_MAX];
	bool ext, fail = false;
	size_t o_id, o_type, o_target;

	if (!lt_ooxml_is(name, len, "Relationship"))
		return 0;
	if (!lt_ooxml_attr_get(a, count, "Id", &id, &idl) ||
	    !lt_ooxml_attr_get(a, count, "Type", &type, &typel) ||
	    !lt_ooxml_attr_get(a, count, "Target", &target, &targetl)) {
		lt_ooxml_warn(st->z, "a relationship without Id, Type or "
			      "Target");
		return 0;
	}
	ext = lt_ooxml_attr_get(a, count, "TargetMode", &mode, &model) &&
	      lt_ooxml_is(mode, model, "External");
	if (!ext && !resolve(st->dir, target, targetl, res)) {
		lt_ooxml_warn(st->z, "a relationship target that is no part "
			      "name");
		return 0;
	}
	if (r->count >= RELS_MAX)
		return lt_err_set(st->err, LT_E_LIMIT, "more than %d "
				  "relationships", RELS_MAX);
	if (r->count == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 16;
		struct lt_ooxml_rel *t = realloc(r->rel, na * sizeof(*t));

		if (!t)
			return lt_err_set(st->err, LT_E_NOMEM, "out of memory");
		r->rel = t;
		r->alloc = na;
	}
	o_id = arena_add(r, id, idl, &fail);
	o_type = arena_add(r, type, typel, &fail);
	o_target = ext ? arena_add(r, target, targetl, &fail) :
			 arena_add(r, res, strlen(res), &fail);
	if (fail)
		return lt_err_set(st->err, LT_E_LIMIT, "relationships over "
				  "%zu bytes", RELS_ARENA_MAX);
	/* offsets now, pointers once the arena stops moving */
	r->rel[r->count].id = (const char *)(uintptr_t)o_id;
	r->rel[r->count].type = (const char *)(uintptr_t)o_type;
	r->rel[r->count].target = (const char *)(uintptr_t)o_target;
	r->rel[r->count].external = ext;
	r->count++;
	return 0;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct lt_ooxml_rel_key *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

int lt_ooxml_rels_load(struct lt_ooxml_zip *z, const char *source,
		       struct lt_ooxml_rels *rels, bool *missing,
		       struct lt_err *err)
{
	static const struct lt_ooxml_handler h = { rels_start, NULL, NULL };
	struct rels_state st;
	char part[LT_OOXML_PART_MAX];
	const char *slash = strrchr(source, '/');
	size_t dl = slash ? (size_t)(slash + 1 - source) : 0, i;
	int rc;

	memset(rels, 0, sizeof(*rels));
	if (missing)
		*missing = false;
	if (snprintf(part, sizeof(part), "%.*s_rels/%s.rels", (int)dl, source,
		     source + dl) >= (int)sizeof(part))
		return lt_err_set(err, LT_E_CORRUPT, "part name too long");
	if (!lt_ooxml_zip_has(z, part)) {
		if (missing)
			*missing = true;
		return LT_OK;
	}
	memset(&st, 0, sizeof(st));
	st.r = rels;
	st.z = z;
	st.err = err;
	memcpy(st.dir, source, dl);
	st.dir[dl] = '\0';
	rc = lt_ooxml_parse(z, part, &h, &st, err);
	for (i = 0; i < rels->count; i++) {
		struct lt_ooxml_rel *r = &rels->rel[i];

		r->id = rels->arena + (uintptr_t)r->id;
		r->type = rels->arena + (uintptr_t)r->type;
		r->target = rels->arena + (uintptr_t)r->target;
	}
	/* found by id once per sheet: sorted, not scanned */
	if (!rc) {
		rels->by_id = lt_calloc(rels->count ? rels->count : 1,
					sizeof(*rels->by_id));
		if (!rels->by_id)
			rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	if (!rc) {
		for (i = 0; i < rels->count; i++) {
			rels->by_id[i].id = rels->rel[i].id;
			rels->by_id[i].i = i;
		}
		qsort(rels->by_id, rels->count, sizeof(*rels->by_id), cmp_rel);
	}
	if (rc)
		lt_ooxml_rels_release(rels);
	return rc;
}

void lt_ooxml_rels_release(struct lt_ooxml_rels *rels)
{
	free(rels->by_id);
	free(rels->rel);
	free(rels->arena);
	memset(rels, 0, sizeof(*rels));
}

/* strcmp order of a NUL-terminated s against the len bytes at id. */
static int cmp_id(const char *s, const char *id, size_t len)
{
	size_t n = strlen(s);
	int c = memcmp(s, id, LT_MIN(n, len));

	return c ? c : (n > len) - (n < len);
}

const struct lt_ooxml_rel *lt_ooxml_rels_by_id(const struct lt_ooxml_rels *r,
					       const char *id, size_t len)
{
	size_t lo = 0, hi = r->count;

	if (!r->by_id)
		return NULL;
	/* the first of equal ids, as a scan would find */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_id(r->by_id[mid].id, id, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->count && !cmp_id(r->by_id[lo].id, id, len))
		return &r->rel[r->by_id[lo].i];
	return NULL;
}

const struct lt_ooxml_rel *
lt_ooxml_rels_by_type(const struct lt_ooxml_rels *r, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < r->count; i++) {
		const char *t = r->rel[i].type;
		size_t tl = strlen(t);

		if (!r->rel[i].external && tl > n && t[tl - n - 1] == '/' &&
		    !memcmp(t + tl - n, suffix, n))
			return &r->rel[i];
	}
	return NULL;
}

int lt_ooxml_main_part(struct lt_ooxml_zip *z, const char *fallback,
		       char *out, struct lt_err *err)
{
	struct lt_ooxml_rels rels;
	const struct lt_ooxml_rel *r;
	struct lt_err e1 = LT_ERR_INIT;
	bool missing;
	int rc;

	rc = lt_ooxml_rels_load(z, "", &rels, &missing, &e1);
	if (rc == LT_E_NOMEM || rc == LT_E_LIMIT)
		return lt_err_set(err, e1.code, "%s", e1.msg);
	if (rc)
		lt_ooxml_warn(z, "%s", e1.msg);
	r = rc ? NULL : lt_ooxml_rels_by_type(&rels, "officeDocument");
	if (r)
		snprintf(out, LT_OOXML_PART_MAX, "%s", r->target);
	else
		snprintf(out, LT_OOXML_PART_MAX, "%s", fallback);
	if (!r && !rc && !missing)
		lt_ooxml_warn(z, "_rels/.rels names no main part");
	lt_ooxml_rels_release(&rels);
	return LT_OK;
}
