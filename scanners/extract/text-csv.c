// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text extractor: CSV/TSV/semicolon/pipe, fixed-width and plain text in
 * UTF-8, CP932, EUC-JP or UTF-16, streamed into rows of UTF-8 cells
 * (extract.h has the contract and the detection rules).
 *
 * Three stages run over one chunk at a time: the raw bytes (one in->read
 * call, at most 1 MiB, or a slice of in->data) are decoded into UTF-8 (at
 * most STEP input bytes at a time, so the output stays in cache), the
 * decoded text is cut into cells (each NUL-terminated), and a row is
 * handed to the sink as soon as it ends.  A delimited record that lies
 * wholly in the decoded text is parsed in place, its cells pointing into
 * that text (parse_fast); any other record goes through a state machine
 * that copies cell text into one row buffer (parse_slow), which a record
 * cut by the end of the decoded text continues into.  A multibyte sequence
 * cut by a chunk boundary stays in the raw buffer for the next round; the
 * parser keeps its state between chunks, so a record may span any number
 * of chunks.  Nothing grows with the file: the row buffer is capped at
 * LT_TEXT_MAX_RECORD.
 *
 * CP932 and EUC-JP are decoded as glibc iconv does ("EUC-JP-MS", so that
 * the NEC and IBM extensions of Windows-made files decode), through a
 * table made from iconv (text-table.c; iconv itself if there is none):
 * iconv was most of the time spent on a CP932 CSV.  UTF-8 and UTF-16 are
 * decoded here: UTF-8 has to be validated anyway (and mostly copied), and
 * UTF-16 needs U+0000 and lone surrogates turned into U+FFFD and counted
 * per line, which iconv does not do.  Every replacement is charged to the
 * line it sits on (struct acct) for the 5% rule.
 *
 * An all-ASCII sample is valid in every supported encoding: such a file is
 * read as UTF-8 "provisionally" and the encoding is detected again, on a
 * sample starting there, at the first non-ASCII byte (a CP932 export whose
 * first 64 KiB hold only codes and numbers is common enough).
 */
#include "triage/core/compat.h"

#include <iconv.h>
#include <pthread.h>
#include <uchardet.h>
#include <utf8proc.h>

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "scanners/extract/text-table.h"

#define RAW_CAP ((size_t)1 << 20)     /* bytes asked of in->read at most */
#define STEP ((size_t)128 << 10)      /* raw bytes decoded per round */
#define DEC_CAP(n) (3 * (n) + 64)     /* UTF-8 out of n bytes: at most 3n */
#define DETECT_RECORDS 100
#define FIXED_MAX_COLS 8192
#define ROW_MAX (LT_TEXT_MAX_RECORD + LT_TEXT_MAX_FIELDS + 16)

enum enc { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_CP932, ENC_EUCJP, ENC_NONE };

static const char *const enc_name[] = { "UTF-8", "UTF-16LE", "UTF-16BE",
					"CP932", "EUC-JP" };
static const char *const enc_iconv[] = { NULL, NULL, NULL, "CP932",
					 "EUC-JP-MS" };

enum layout { LAY_CSV, LAY_TSV, LAY_SEMI, LAY_PIPE, LAY_FIXED, LAY_TEXT };

static const char *const layout_name[] = { "csv",  "tsv",   "semicolon",
					   "pipe", "fixed", "text" };
static const char layout_delim[] = { ',', '\t', ';', '|' };

/* Character classes of the parser's inner loops. */
#define C_UNQ 1  /* ends an unquoted run: delimiter, CR, LF, NUL */
#define C_QUO 2  /* ends a quoted run: '"', CR, LF, NUL */
#define C_LINE 4 /* ends a line: CR, LF, NUL */

enum { ST_FSTART, ST_UNQ, ST_QUO, ST_QQ };

static const char fffd[3] = { (char)0xEF, (char)0xBF, (char)0xBD };

/*
 * Replacement bookkeeping: the decoder reports the output offset of each
 * U+FFFD it writes; lines are counted from the last report on, so the cost
 * is paid only where there are errors.  `line` follows the parser's rule:
 * CR ends a line, LF ends one unless it follows CR.
 */
/* ---- eight bytes at a time -------------------------------------------- */

#define ONES UINT64_C(0x0101010101010101)
#define LOW7 UINT64_C(0x7F7F7F7F7F7F7F7F)
#define HIGH (ONES * 0x80)

/* The high bit of each byte of x that is zero, and of no other (exact,
 * unlike the usual test, so the lowest set bit is the first zero byte). */
static inline uint64_t zero_bytes(uint64_t x)
{
	return ~(((x & LOW7) + LOW7) | x | LOW7);
}

static inline uint64_t load8(const void *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* All eight bytes printable ASCII (0x20-0x7F): adding 0x60 to a byte
 * below 0x80 sets its high bit exactly when it is 0x20 or more. */
static inline bool printable8(uint64_t x)
{
	return !(x & HIGH) && ((x + ONES * 0x60) & HIGH) == HIGH;
}

struct acct {
	const char *base; /* output buffer of the current round */
	size_t pos;       /* lines counted up to base + pos */
	uint64_t line;    /* line number at base + pos */
	bool prev_cr;
	uint64_t last_bad; /* last line charged, 0 none */
	uint64_t bad_lines;
	uint64_t errors;
	uint64_t first_bad; /* line of the first replacement, 0 none */
};

static void acct_start(struct acct *a, const char *base, uint64_t line,
		       bool prev_cr)
{
	a->base = base;
	a->pos = 0;
	a->line = line;
	a->prev_cr = prev_cr;
}

static void acct_count(struct acct *a, size_t at)
{
	const char *p = a->base + a->pos, *e = a->base + at;

	while (p < e) {
		if (e - p >= 8) { /* eight bytes without a line end */
			uint64_t x = load8(p);

			if (!(zero_bytes(x ^ ONES * '\r') |
			      zero_bytes(x ^ ONES * '\n'))) {
				p += 8;
				a->prev_cr = false;
				continue;
			}
		}
		if (*p == '\r' || (*p == '\n' && !a->prev_cr))
			a->line++;
		a->prev_cr = *p == '\r';
		p++;
	}
	a->pos = at;
}

static void acct_bad(struct acct *a, size_t at)
{
	acct_count(a, at);
	a->errors++;
	if (a->last_bad != a->line) {
		a->last_bad = a->line;
		a->bad_lines++;
		if (!a->first_bad)
			a->first_bad = a->line;
	}
}

/* ---- decoders ---------------------------------------------------------- */

struct dec {
	enum enc enc;
	bool provisional; /* UTF-8 decided on an all-ASCII sample */
	bool redetect;    /* provisional decoding stopped at non-ASCII */
	iconv_t cd;       /* CP932 and EUC-JP */
	const struct lt_text_table *tab; /* ... decoded by table if not NULL */
};

/*
 * The UTF-8 sequence at s: its length when valid; 0 with *bad the length
 * of the maximal subpart to replace (Unicode 3.9, U+FFFD substitution)
 * when invalid; 0 with *bad 0 when it is a valid prefix cut by the end.
 */
static size_t u8_seq(const uint8_t *s, size_t len, size_t *bad)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4) {
		*bad = 1;
		return 0;
	}
	if (c < 0xE0) {
		n = 2;
	} else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	for (i = 1; i < n; i++) {
		if (i >= len) {
			*bad = 0;
			return 0;
		}
		if (s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}

/* The length of the valid UTF-8 sequence at s if it is complete, else 0
 * (u8_seq() then says what it is): the fast test of dec_utf8(). */
static inline size_t u8_ok(const uint8_t *s, size_t len)
{
	uint8_t c = s[0];

	if (c >= 0xE0 && c <= 0xEF) { /* kana and kanji */
		if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xC2 && c <= 0xDF)
		return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	return 0;
}

/*
 * UTF-8 is validated, then copied a run at a time: the valid text up to
 * the next invalid or cut sequence (or, provisionally, the next non-ASCII
 * byte) is found first and moved with one memcpy.
 */
static size_t dec_utf8(struct dec *d, const uint8_t *in, size_t len, bool eof,
		       char *out, size_t *olen, struct acct *a)
{
	char *o = out + *olen;
	size_t i = 0, n, bad, run;

	while (i < len) {
		run = i;
		for (;;) {
			while (len - i >= 8) {
				uint64_t w;

				memcpy(&w, in + i, 8);
				if (w & UINT64_C(0x8080808080808080))
					break;
				i += 8;
			}
			while (i < len && in[i] < 0x80)
				i++;
			if (i == len || d->provisional)
				break;
			n = u8_ok(in + i, len - i);
			if (!n)
				n = u8_seq(in + i, len - i, &bad);
			if (!n)
				break;
			i += n;
		}
		memcpy(o, in + run, i - run);
		o += i - run;
		if (i == len)
			break;
		if (d->provisional) {
			d->redetect = true;
			break;
		}
		/* an invalid sequence, or a valid prefix cut by the end */
		u8_seq(in + i, len - i, &bad);
		if (!bad) {
			if (!eof)
				break;
			bad = len - i;
		}
		acct_bad(a, (size_t)(o - out));
		memcpy(o, fffd, 3);
		o += 3;
		i += bad;
	}
	*olen = (size_t)(o - out);
	return i;
}

static char *put_cp(char *o, uint32_t u)
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

static size_t dec_utf16(struct dec *d, const uint8_t *in, size_t len, bool eof,
			char *out, size_t *olen, struct acct *a)
{
	char *o = out + *olen;
	size_t i = 0;
	int hi = d->enc == ENC_UTF16BE ? 0 : 1;

	while (len - i >= 2) {
		uint32_t u = (uint32_t)in[i + hi] << 8 | in[i + 1 - hi], v;

		if (u - 1 < 0x7F) {
			*o++ = (char)u;
			i += 2;
			continue;
		}
		if (u && (u < 0xD800 || u > 0xDFFF)) {
			o = put_cp(o, u);
			i += 2;
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (len - i < 4 && !eof)
				break;
			if (len - i >= 4) {
				v = (uint32_t)in[i + 2 + hi] << 8 |
				    in[i + 3 - hi];
				if (v >= 0xDC00 && v <= 0xDFFF) {
					o = put_cp(o, 0x10000 +
							      ((u - 0xD800) << 10) +
							      (v - 0xDC00));
					i += 4;
					continue;
				}
			}
		}
		/* U+0000, a lone surrogate */
		acct_bad(a, (size_t)(o - out));
		memcpy(o, fffd, 3);
		o += 3;
		i += 2;
	}
	if (eof && i < len) { /* an odd byte at the end */
		acct_bad(a, (size_t)(o - out));
		memcpy(o, fffd, 3);
		o += 3;
		i = len;
	}
	*olen = (size_t)(o - out);
	return i;
}

/* Bytes to replace by one U+FFFD at an invalid sequence. */
static size_t skip_len(enum enc e, const uint8_t *s, size_t len)
{
	uint8_t c = s[0];

	if (e == ENC_CP932) {
		if (len >= 2 && ((c >= 0x81 && c <= 0x9F) || c >= 0xE0) &&
		    c <= 0xFC && s[1] >= 0x40 && s[1] <= 0xFC && s[1] != 0x7F)
			return 2;
		return 1;
	}
	if (c == 0x8F && len >= 3 && s[1] >= 0xA1 && s[1] <= 0xFE &&
	    s[2] >= 0xA1 && s[2] <= 0xFE)
		return 3;
	if ((c == 0x8E || (c >= 0xA1 && c <= 0xFE)) && len >= 2 &&
	    s[1] >= 0xA1 && s[1] <= 0xFE)
		return 2;
	return 1;
}

/*
 * iconv(3) or, when there is one, the table made from it (text-table.c):
 * the same result, and the same errno when it stops early.
 */
static size_t dec_step(struct dec *d, char **ip, size_t *il, char **op,
		       size_t *ol)
{
	size_t n, olen = 0;
	int stop;

	if (!d->tab)
		return iconv(d->cd, ip, il, op, ol);
	n = lt_text_table_decode(d->tab, (const uint8_t *)*ip, *il, *op, &olen,
				 &stop);
	*ip += n;
	*il -= n;
	*op += olen;
	*ol -= olen;
	if (!stop)
		return 0;
	errno = stop;
	return (size_t)-1;
}

static size_t dec_iconv(struct dec *d, const uint8_t *in, size_t len, bool eof,
			char *out, size_t *olen, size_t cap, struct acct *a)
{
	char *ip = (char *)(uintptr_t)in, *op = out + *olen;
	size_t il = len, ol = cap - *olen, skip;

	while (il > 0) {
		if (dec_step(d, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == EINVAL) { /* cut multibyte sequence */
			if (!eof)
				break;
			skip = il;
		} else if (errno == EILSEQ) {
			skip = skip_len(d->enc, (const uint8_t *)ip, il);
		} else { /* E2BIG: cannot happen with DEC_CAP */
			break;
		}
		if (ol < 3)
			break;
		acct_bad(a, (size_t)(op - out));
		memcpy(op, fffd, 3);
		op += 3;
		ol -= 3;
		ip += skip;
		il -= skip;
	}
	*olen = (size_t)(op - out);
	return len - il;
}

/*
 * Decode up to len bytes of in, appending UTF-8 to out (room for
 * DEC_CAP(len) bytes after *olen).  Returns the bytes consumed: fewer than
 * len when a sequence is cut at the end and more input may follow (!eof),
 * or when provisional UTF-8 met a non-ASCII byte (d->redetect).
 */
static size_t dec_run(struct dec *d, const uint8_t *in, size_t len, bool eof,
		      char *out, size_t *olen, size_t cap, struct acct *a)
{
	switch (d->enc) {
	case ENC_UTF8:
		return dec_utf8(d, in, len, eof, out, olen, a);
	case ENC_UTF16LE:
	case ENC_UTF16BE:
		return dec_utf16(d, in, len, eof, out, olen, a);
	default:
		return dec_iconv(d, in, len, eof, out, olen, cap, a);
	}
}

static void dec_close(struct dec *d)
{
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	d->cd = (iconv_t)-1;
}

/*
 * glibc unloads a gconv module soon after its last descriptor is closed, so
 * opening one per file would dlopen() the module again and again (most of
 * the time spent on a small CP932 file).  One descriptor per module is
 * opened once and never used nor closed, which keeps the modules loaded.
 */
static iconv_t keep[LT_ARRAY_SIZE(enc_iconv)];
static pthread_once_t keep_once = PTHREAD_ONCE_INIT;

static void keep_modules(void)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(enc_iconv); i++)
		keep[i] = enc_iconv[i] ? iconv_open("UTF-8", enc_iconv[i])
				       : (iconv_t)-1;
}

static int dec_open(struct dec *d, enum enc e, struct lt_err *err)
{
	pthread_once(&keep_once, keep_modules);
	dec_close(d);
	d->enc = e;
	d->provisional = d->redetect = false;
	d->tab = NULL;
	if (!enc_iconv[e])
		return LT_OK;
	d->tab = lt_text_table_get(enc_iconv[e]);
	if (d->tab)
		return LT_OK;
	d->cd = iconv_open("UTF-8", enc_iconv[e]);
	if (d->cd == (iconv_t)-1)
		return lt_err_set(err, LT_E_DEP, "iconv cannot convert from %s: %s",
				  enc_iconv[e], strerror(errno));
	return LT_OK;
}

/* ---- encoding detection ------------------------------------------------ */

struct sample {
	uint64_t lines, bad_lines, errors;
	long score; /* Japanese text likeness */
	size_t ctrl; /* control characters other than \t \n \r \f \v ^Z ESC */
};

/*
 * How Japanese a decoded sample looks.  Kana and kanji score; EUC-JP read
 * as CP932 turns most characters into half-width katakana (the first bytes
 * of EUC kana, A4/A5, become the rare "､" and "･") next to kanji, so those
 * and every switch between half-width and full-width score against.
 */
static long jp_score(const char *s, size_t len, size_t *ctrl)
{
	const uint8_t *p = (const uint8_t *)s, *e = p + len;
	long score = 0;
	int prev = 0, cls; /* 1 full-width Japanese, 2 half-width kana */

	*ctrl = 0;
	while (p < e) {
		uint32_t u;

		if (e - p >= 8 && printable8(load8(p))) {
			p += 8;
			prev = 0;
			continue;
		}
		if (*p < 0x80) {
			if (*p < 0x20 && !(*p >= '\t' && *p <= '\r') &&
			    *p != 0x1A && *p != 0x1B)
				(*ctrl)++;
			p++;
			prev = 0;
			continue;
		}
		if (*p < 0xE0 || *p >= 0xF0 || e - p < 3) {
			p++;
			prev = 0;
			continue;
		}
		u = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		    (p[2] & 0x3F);
		p += 3;
		cls = 1;
		if (u >= 0x3041 && u <= 0x30FF) /* hiragana, katakana */
			score += 4;
		else if (u >= 0x4E00 && u <= 0x9FFF) /* kanji */
			score += 3;
		else if ((u >= 0x3000 && u <= 0x303F) ||
			 (u >= 0xFF01 && u <= 0xFF5E))
			score += 2;
		else if (u >= 0xFF61 && u <= 0xFF9F) /* half-width kana */
			cls = 2;
		else
			cls = 0;
		if (cls == 2)
			score += u == 0xFF64 || u == 0xFF65 ? -3 : 1;
		if (prev && cls && prev != cls)
			score -= 4;
		prev = cls;
	}
	return score;
}

/* Decode a sample with an encoding into out (DEC_CAP(len) bytes). */
static int sample_decode(enum enc e, const uint8_t *s, size_t len, bool eof,
			 char *out, size_t *olen, struct sample *st,
			 struct lt_err *err)
{
	struct dec d = { .cd = (iconv_t)-1 };
	struct acct a = { 0 };
	int rc;

	*olen = 0;
	rc = dec_open(&d, e, err);
	if (rc)
		return rc;
	acct_start(&a, out, 1, false);
	dec_run(&d, s, len, eof, out, olen, DEC_CAP(len), &a);
	dec_close(&d);
	acct_count(&a, *olen);
	st->lines = a.line - 1;
	if (*olen && out[*olen - 1] != '\n' && out[*olen - 1] != '\r')
		st->lines++;
	st->bad_lines = a.bad_lines;
	st->errors = a.errors;
	st->score = jp_score(out, *olen, &st->ctrl) - 30 * (long)a.errors;
	return LT_OK;
}

static bool sample_clean(const struct sample *st)
{
	return st->bad_lines * 20 <= st->lines;
}

/*
 * UTF-16 without a BOM: ASCII characters (digits, delimiters, line ends)
 * are a zero and a printable byte, in the order of the byte order; one
 * order must clearly dominate, and the decoded text must not look like
 * binary (control characters, U+0000, lone surrogates).
 */
static bool ascii_unit(uint8_t c)
{
	return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
}

static enum enc utf16_guess(const uint8_t *s, size_t len, char *scratch)
{
	size_t pairs = len / 2, le = 0, be = 0, i, olen;
	struct sample st;
	struct lt_err e = LT_ERR_INIT;
	enum enc c;

	for (i = 0; i < pairs; i++) {
		uint8_t a = s[2 * i], b = s[2 * i + 1];

		le += !b && ascii_unit(a);
		be += !a && ascii_unit(b);
	}
	/* U+4E00 "一" and U+3000 look like ASCII of the other order */
	if (le && le >= 2 * be && le * 64 >= pairs && (le >= 2 || le == pairs))
		c = ENC_UTF16LE;
	else if (be && be >= 2 * le && be * 64 >= pairs &&
		 (be >= 2 || be == pairs))
		c = ENC_UTF16BE;
	else
		return ENC_NONE;
	if (sample_decode(c, s, pairs * 2, false, scratch, &olen, &st, &e))
		return ENC_NONE;
	if ((st.errors + st.ctrl) * 50 > pairs)
		return ENC_NONE;
	return c;
}

static enum enc uchardet_guess(const uint8_t *s, size_t len)
{
	static const struct {
		const char *name;
		enum enc enc;
	} map[] = {
		{ "SHIFT_JIS", ENC_CP932 }, { "WINDOWS-31J", ENC_CP932 },
		{ "CP932", ENC_CP932 },     { "SJIS", ENC_CP932 },
		{ "SHIFT-JIS", ENC_CP932 }, { "EUC-JP", ENC_EUCJP },
		{ "UTF-8", ENC_UTF8 },
	};
	uchardet_t ud = uchardet_new();
	enum enc r = ENC_NONE;
	const char *cs;
	size_t i;

	if (!ud)
		return ENC_NONE;
	uchardet_handle_data(ud, (const char *)s, len);
	uchardet_data_end(ud);
	cs = uchardet_get_charset(ud);
	for (i = 0; cs && i < LT_ARRAY_SIZE(map); i++)
		if (!strcasecmp(cs, map[i].name))
			r = map[i].enc;
	uchardet_delete(ud);
	return r;
}

struct detected {
	enum enc enc;
	size_t bom;
	bool provisional;
};

/*
 * Decide the encoding of a sample (extract.h).  at_start: the sample is the
 * start of the file (BOMs, UTF-16 and NUL bytes are looked for only then).
 * scratch holds DEC_CAP(len) bytes.
 */
static int detect_encoding(const uint8_t *s, size_t len, bool eof,
			   bool at_start, struct detected *r, char *scratch,
			   struct lt_err *err)
{
	static const enum enc cand[] = { ENC_UTF8, ENC_CP932, ENC_EUCJP };
	struct sample st[LT_ARRAY_SIZE(cand)];
	const uint8_t *nul;
	enum enc guess;
	size_t i, olen, best = SIZE_MAX, n = 0;
	int rc;

	r->bom = 0;
	r->provisional = false;
	r->enc = ENC_UTF8;
	if (at_start) {
		if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
			r->bom = 3;
			return LT_OK;
		}
		if (len >= 2 && (!memcmp(s, "\xFF\xFE", 2) ||
				 !memcmp(s, "\xFE\xFF", 2))) {
			r->enc = s[0] == 0xFF ? ENC_UTF16LE : ENC_UTF16BE;
			r->bom = 2;
			return LT_OK;
		}
		/* UTF-16 of ASCII characters has zero bytes: none, no
		 * UTF-16 (utf16_guess() would count none) */
		nul = memchr(s, 0, len);
		guess = nul ? utf16_guess(s, len, scratch) : ENC_NONE;
		if (guess != ENC_NONE) {
			r->enc = guess;
			return LT_OK;
		}
		if (nul)
			return lt_err_set(err, LT_E_CORRUPT,
					  "NUL byte at offset %zu: binary data, "
					  "not text",
					  (size_t)(nul - s));
	}
	for (i = 0; i + 8 <= len && !(load8(s + i) & HIGH); i += 8)
		;
	for (; i < len && s[i] < 0x80; i++)
		;
	if (i == len) {
		r->provisional = !eof;
		return LT_OK;
	}
	while (i < len) {
		size_t bad, k = u8_seq(s + i, len - i, &bad);

		if (!k && (bad || eof))
			break;
		i += k ? k : len - i;
	}
	if (i == len)
		return LT_OK;

	for (i = 0; i < LT_ARRAY_SIZE(cand); i++) {
		rc = sample_decode(cand[i], s, len, eof, scratch, &olen, &st[i],
				   err);
		if (rc)
			return rc;
		if (!st[i].errors) {
			n++;
			best = i;
		}
	}
	/* one decodes without error: nothing to ask (uchardet is slow) */
	if (n == 1) {
		r->enc = cand[best];
		return LT_OK;
	}
	guess = uchardet_guess(s, len);
	for (i = 0; i < LT_ARRAY_SIZE(cand); i++) {
		if (cand[i] == guess && sample_clean(&st[i]) &&
		    (!n || !st[i].errors)) {
			r->enc = guess;
			return LT_OK;
		}
	}
	/* uchardet unsure or wrong: the cleanest, most Japanese decoding */
	best = SIZE_MAX;
	n = 0;
	for (i = 0; i < LT_ARRAY_SIZE(cand); i++) {
		if (!sample_clean(&st[i]))
			continue;
		n++;
		if (best == SIZE_MAX || st[i].score > st[best].score)
			best = i;
	}
	if (!n)
		for (i = 0; i < LT_ARRAY_SIZE(cand); i++)
			if (best == SIZE_MAX || st[i].score > st[best].score)
				best = i;
	r->enc = cand[best];
	return LT_OK;
}

/* ---- layout detection -------------------------------------------------- */

/* Field counts of the first records of text, quotes respected. */
static size_t count_fields(const char *s, size_t n, char delim,
			   unsigned *counts)
{
	size_t i = 0, nrec = 0;
	unsigned f = 1;
	bool inq = false, fstart = true, empty = true;

	while (i < n && nrec < DETECT_RECORDS) {
		char c = s[i++];

		if (inq) {
			if (c == '"') {
				if (i < n && s[i] == '"')
					i++;
				else
					inq = false;
			}
			continue;
		}
		if (c == '"' && fstart) {
			inq = true;
			fstart = empty = false;
		} else if (c == delim) {
			if (f < UINT_MAX)
				f++;
			fstart = true;
			empty = false;
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && i < n && s[i] == '\n')
				i++;
			if (!empty)
				counts[nrec++] = f;
			f = 1;
			fstart = empty = true;
		} else {
			fstart = empty = false;
		}
	}
	if (!empty && !inq && nrec < DETECT_RECORDS)
		counts[nrec++] = f;
	return nrec;
}

/*
 * count_fields() for four delimiters in one pass, for text without a
 * double quote: then no field hides a delimiter or a line end, records
 * are the non-empty lines for every delimiter, and each count is one
 * more than the delimiters on the line.  The same counts as four calls
 * of count_fields() (the detection read each small file four times
 * byte by byte: 8% of a scan of many small CSVs).
 */
static size_t count_fields4(const char *s, size_t n, const char delim[4],
			    unsigned counts[4][DETECT_RECORDS])
{
	unsigned char map[256] = { 0 }; /* 1..4: delimiter, 5: line end */
	unsigned f[4] = { 1, 1, 1, 1 };
	size_t i = 0, nrec = 0;
	bool empty = true;
	int k;

	for (k = 0; k < 4; k++)
		map[(unsigned char)delim[k]] = (unsigned char)(k + 1);
	map['\r'] = map['\n'] = 5;
	while (i < n && nrec < DETECT_RECORDS) {
		char c = s[i++];
		unsigned m = map[(unsigned char)c];

		if (m < 5) {
			if (m)
				f[m - 1]++;
			empty = false;
			continue;
		}
		if (c == '\r' && i < n && s[i] == '\n')
			i++;
		if (!empty) {
			for (k = 0; k < 4; k++)
				counts[k][nrec] = f[k];
			nrec++;
		}
		f[0] = f[1] = f[2] = f[3] = 1;
		empty = true;
	}
	if (!empty && nrec < DETECT_RECORDS) {
		for (k = 0; k < 4; k++)
			counts[k][nrec] = f[k];
		nrec++;
	}
	return nrec;
}

/*
 * The most frequent field count of at least 2 among counts[0..nrec)
 * (the larger on a tie), with how often it occurs in *mcount (0: none).
 * Sorted first: counting each against all others was quadratic.
 */
static unsigned field_mode(const unsigned *counts, size_t nrec,
			   size_t *mcount)
{
	unsigned v[DETECT_RECORDS], mode = 0;
	size_t i, j, run;

	for (i = 0; i < nrec; i++) { /* insertion sort: mostly equal */
		unsigned x = counts[i];

		for (j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	*mcount = 0;
	for (i = 0; i < nrec; i += run) {
		for (run = 1; i + run < nrec && v[i + run] == v[i]; run++)
			;
		if (v[i] >= 2 && (run > *mcount ||
				  (run == *mcount && v[i] > mode))) {
			*mcount = run;
			mode = v[i];
		}
	}
	return mode;
}

/* The delimiter giving the most consistent field count, -1 if none. */
static int detect_delim(const char *s, size_t n)
{
	/* on a tie, the delimiter least likely to occur inside values wins */
	static const enum layout order[] = { LAY_TSV, LAY_SEMI, LAY_PIPE,
					     LAY_CSV };
	unsigned counts[4][DETECT_RECORDS], bmode = 0;
	char delim[4];
	size_t k, nrec = 0, bm = 0, bn = 1;
	bool quotes = memchr(s, '"', n) != NULL;
	int best = -1;

	for (k = 0; k < LT_ARRAY_SIZE(order); k++)
		delim[k] = layout_delim[order[k]];
	if (!quotes)
		nrec = count_fields4(s, n, delim, counts);
	for (k = 0; k < LT_ARRAY_SIZE(order); k++) {
		size_t mcount;
		unsigned mode;

		if (quotes)
			nrec = count_fields(s, n, delim[k], counts[k]);
		mode = field_mode(counts[k], nrec, &mcount);
		if (!mcount || mcount * 2 < nrec || (nrec >= 3 && mcount < 2))
			continue;
		/* the most consistent, then the most fields */
		if (best < 0 || mcount * bn > bm * nrec ||
		    (mcount * bn == bm * nrec && mode > bmode)) {
			best = (int)order[k];
			bm = mcount;
			bn = nrec;
			bmode = mode;
		}
	}
	return best;
}

/* Next code point of valid UTF-8 at *p (advanced). */
static uint32_t next_cp(const uint8_t **p, const uint8_t *e)
{
	const uint8_t *s = *p;
	uint32_t u = *s;

	if (u < 0x80 || e - s < 2) {
		*p = s + 1;
		return u;
	}
	if (u < 0xE0) {
		*p = s + 2;
		return (u & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if (u < 0xF0 || e - s < 4) {
		if (e - s < 3) {
			*p = e;
			return 0xFFFD;
		}
		*p = s + 3;
		return (u & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
		       (s[2] & 0x3F);
	}
	*p = s + 4;
	return (u & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	       (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

static bool is_blank_cp(uint32_t u)
{
	return u == ' ' || u == '\t' || u == 0x3000;
}

static unsigned cp_width(uint32_t u)
{
	int w;

	if (u < 0x80)
		return 1;
	w = utf8proc_charwidth((utf8proc_int32_t)u);
	return w < 0 ? 0 : (unsigned)w;
}

/*
 * Fixed-width columns: the display columns (wide characters count 2,
 * ideographic spaces are blank) that are blank on nearly all (90%) of the
 * first non-blank lines separate columns.  Evidence that the file is an
 * aligned export: such a gap two or more columns wide, or most lines of
 * the same width.  Writes the start column of the 2nd, 3rd ... field.
 */
static bool detect_fixed(const char *s, size_t n, uint32_t *bounds,
			 size_t *nb)
{
	unsigned *occ = NULL;
	unsigned widths[DETECT_RECORDS];
	const uint8_t *p = (const uint8_t *)s, *e = p + n;
	size_t lines = 0, i, maxw = 0, same = 0, gap = 0, maxgap = 0, twof = 0;
	size_t first = SIZE_MAX, last = 0, tol;
	bool ok = false;

	occ = lt_calloc(FIXED_MAX_COLS, sizeof(*occ));
	if (!occ)
		return false;
	*nb = 0;
	while (p < e && lines < DETECT_RECORDS) {
		const uint8_t *q = p;
		size_t col = 0;
		bool content = false;

		while (q < e && *q != '\n' && *q != '\r') {
			uint32_t u = next_cp(&q, e);
			unsigned w = cp_width(u);

			if (col + w > FIXED_MAX_COLS)
				goto out;
			if (!is_blank_cp(u)) {
				for (i = 0; i < w; i++)
					occ[col + i]++;
				content = true;
			}
			col += w;
		}
		if (content) {
			widths[lines++] = (unsigned)col;
			maxw = LT_MAX(maxw, col);
		}
		if (q < e && *q == '\r')
			q++;
		if (q < e && *q == '\n')
			q++;
		p = q;
	}
	if (lines < 3)
		goto out;
	tol = lines / 10;
	for (i = 0; i < maxw; i++) {
		if (occ[i] > tol) {
			first = LT_MIN(first, i);
			last = i;
		}
	}
	if (first == SIZE_MAX)
		goto out;
	for (i = first; i <= last; i++) {
		if (occ[i] <= tol) {
			gap++;
			continue;
		}
		if (gap) {
			if (*nb >= LT_TEXT_MAX_FIELDS - 1)
				goto out;
			bounds[(*nb)++] = (uint32_t)i;
			maxgap = LT_MAX(maxgap, gap);
		}
		gap = 0;
	}
	if (!*nb)
		goto out;
	for (i = 0; i < lines; i++) {
		size_t c = 0, j;

		for (j = 0; j < lines; j++)
			c += widths[j] == widths[i];
		same = LT_MAX(same, c);
	}
	if (maxgap < 2 && !(lines >= 5 && same * 5 >= lines * 4))
		goto out;

	/* Most lines must hold text in two columns or more. */
	p = (const uint8_t *)s;
	for (i = 0; p < e && i < lines;) {
		const uint8_t *q = p;
		size_t col = 0, k = 0, used = 0;
		bool content = false, seen = false;

		while (q < e && *q != '\n' && *q != '\r') {
			uint32_t u = next_cp(&q, e);

			while (k < *nb && col >= bounds[k]) {
				k++;
				seen = false;
			}
			if (!is_blank_cp(u)) {
				content = true;
				if (!seen)
					used++;
				seen = true;
			}
			col += cp_width(u);
		}
		if (content) {
			i++;
			twof += used >= 2;
		}
		if (q < e && *q == '\r')
			q++;
		if (q < e && *q == '\n')
			q++;
		p = q;
	}
	ok = twof * 2 >= lines;
out:
	free(occ);
	if (!ok)
		*nb = 0;
	return ok;
}

/* ---- the extraction ---------------------------------------------------- */

struct gbuf {
	char *p;
	size_t len, alloc;
};

struct tx {
	const struct lt_scan_input *in;
	const struct lt_extract_sink *sink;
	struct lt_extract_info *info;
	struct lt_err *err;
	struct dec dec;
	struct acct acct;

	enum layout lay;
	char delim;
	uint8_t cls[256];
	uint32_t *bounds; /* fixed: start columns of fields 2.. */
	size_t nbounds;

	/* parser */
	int st;
	bool after_cr;   /* the last byte was CR: an LF next is part of it */
	bool in_rec;     /* a record (line) has started */
	bool rec_quoted; /* ... and held a quoted field */
	bool last_break; /* the last byte decoded ended a line */
	bool any;        /* some text was decoded */
	uint64_t line;   /* line of the next byte */
	uint64_t rec_line, quote_line;
	struct gbuf row; /* cell texts, each NUL-terminated */
	struct gbuf lb;  /* fixed: the current line */
	size_t *fstart;  /* offsets of the cells in row */
	size_t nf, falloc;
	struct lt_cell *cells;
	size_t field0;   /* offset where the current cell starts */
	int sink_rc;     /* non-zero: a sink callback stopped us */

	/* buffers */
	uint8_t *raw, *sbuf;
	char *dbuf, *sdec;
	size_t step;     /* raw bytes decoded at a time */
	size_t raw_cap;  /* size of raw */
	size_t scap;     /* sample bytes sbuf and sdec have room for */
};

static int limit_error(struct tx *t)
{
	return lt_err_set(t->err, LT_E_LIMIT, "line %" PRIu64
			  " longer than 1 MiB%s", t->rec_line,
			  t->st == ST_QUO ? " (a quote opened there may be "
					    "unterminated)" : "");
}

static int gb_grow(struct tx *t, struct gbuf *b, size_t need)
{
	size_t n = b->alloc ? b->alloc : 4096;
	char *p;

	if (need > ROW_MAX)
		return limit_error(t);
	while (n < need)
		n *= 2;
	n = LT_MIN(n, ROW_MAX);
	p = realloc(b->p, n);
	if (!p)
		return lt_err_set(t->err, LT_E_NOMEM, "out of memory");
	b->p = p;
	b->alloc = n;
	return LT_OK;
}

static inline int row_add(struct tx *t, const void *s, size_t n)
{
	struct gbuf *b = &t->row;

	if (b->len - t->nf + n > LT_TEXT_MAX_RECORD)
		return limit_error(t);
	if (b->len + n + 1 > b->alloc && gb_grow(t, b, b->len + n + 1))
		return t->err->code;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return LT_OK;
}

static int row_end_field(struct tx *t)
{
	if (t->nf == t->falloc) {
		size_t n = t->falloc * 2;
		size_t *f;
		struct lt_cell *c;

		if (t->nf >= LT_TEXT_MAX_FIELDS)
			return lt_err_set(t->err, LT_E_LIMIT, "line %" PRIu64
					  " has more than %d fields",
					  t->rec_line, LT_TEXT_MAX_FIELDS);
		f = realloc(t->fstart, n * sizeof(*f));
		if (f)
			t->fstart = f;
		c = realloc(t->cells, n * sizeof(*c));
		if (c)
			t->cells = c;
		if (!f || !c)
			return lt_err_set(t->err, LT_E_NOMEM, "out of memory");
		t->falloc = n;
	}
	if (t->row.len + 1 > t->row.alloc &&
	    gb_grow(t, &t->row, t->row.len + 1))
		return t->err->code;
	t->fstart[t->nf++] = t->field0;
	t->row.p[t->row.len++] = '\0';
	t->field0 = t->row.len;
	return LT_OK;
}

/* Give the row of cells[0..count) (filled by the caller). */
static int emit(struct tx *t, size_t count)
{
	struct lt_row r;
	int rc;

	r.sheet = "";
	r.row = t->rec_line;
	r.cells = t->cells;
	r.count = count;
	rc = t->sink->row(&r, t->sink->udata);
	if (rc) {
		t->sink_rc = rc;
		return rc;
	}
	t->info->rows++;
	return LT_OK;
}

static int row_emit(struct tx *t)
{
	size_t i;

	for (i = 0; i < t->nf; i++) {
		size_t b = t->fstart[i];
		size_t e = (i + 1 < t->nf ? t->fstart[i + 1] : t->row.len) - 1;

		t->cells[i].text = t->row.p + b;
		t->cells[i].len = e - b;
		t->cells[i].hint = LT_CELL_TEXT;
	}
	return emit(t, t->nf);
}

static void row_reset(struct tx *t)
{
	t->row.len = 0;
	t->nf = 0;
	t->field0 = 0;
	t->in_rec = false;
	t->rec_quoted = false;
}

/* A delimited record ended: emit it unless it is a blank line. */
static int rec_end(struct tx *t)
{
	int rc = LT_OK;

	if (t->nf > 1 || t->row.len > 1 || t->rec_quoted)
		rc = row_emit(t);
	row_reset(t);
	return rc;
}

/* Whether *p is the LF of a CR LF whose CR ended the last line (the CR
 * is forgotten either way). */
static inline bool lf_after_cr(struct tx *t, const uint8_t *p)
{
	if (!t->after_cr)
		return false;
	t->after_cr = false;
	return *p == '\n';
}

static int nul_error(struct tx *t)
{
	return lt_err_set(t->err, LT_E_CORRUPT, "NUL byte at line %" PRIu64
			  ": binary data, not text", t->line);
}

/*
 * The general parser of delimited records: any state, a byte at a time
 * where it must.  Returns at the end of the buffer or of a record (*pp is
 * where it stopped).
 */
static int parse_slow(struct tx *t, const uint8_t **pp, const uint8_t *e)
{
	const uint8_t *p = *pp, *q;
	const uint8_t *cls = t->cls;
	uint8_t c;

	while (p < e) {
		switch (t->st) {
		case ST_FSTART:
			if (lf_after_cr(t, p)) {
				p++;
				continue;
			}
			if (!t->in_rec) {
				t->in_rec = true;
				t->rec_line = t->line;
			}
			if (*p == '"') {
				p++;
				t->st = ST_QUO;
				t->quote_line = t->line;
				t->rec_quoted = true;
			} else {
				t->st = ST_UNQ;
			}
			continue;
		case ST_UNQ:
			for (q = p; q < e && !(cls[*q] & C_UNQ); q++)
				;
			if (q > p) {
				LT_TRY(row_add(t, p, (size_t)(q - p)));
				p = q;
				if (p == e)
					break;
			}
			c = *p++;
			if (c == (uint8_t)t->delim) {
				LT_TRY(row_end_field(t));
				t->st = ST_FSTART;
			} else if (c == '\n' || c == '\r') {
				LT_TRY(row_end_field(t));
				LT_TRY(rec_end(t));
				t->line++;
				t->after_cr = c == '\r';
				t->st = ST_FSTART;
				*pp = p;
				return LT_OK;
			} else {
				return nul_error(t);
			}
			continue;
		case ST_QUO:
			if (t->after_cr) {
				t->after_cr = false;
				if (*p == '\n') {
					LT_TRY(row_add(t, p, 1));
					p++;
					continue;
				}
			}
			for (q = p; q < e && !(cls[*q] & C_QUO); q++)
				;
			if (q > p) {
				LT_TRY(row_add(t, p, (size_t)(q - p)));
				p = q;
				if (p == e)
					break;
			}
			c = *p++;
			if (c == '"') {
				t->st = ST_QQ;
			} else if (c == '\n' || c == '\r') {
				LT_TRY(row_add(t, &c, 1));
				t->line++;
				t->after_cr = c == '\r';
			} else {
				return nul_error(t);
			}
			continue;
		case ST_QQ:
			if (*p == '"') { /* "" inside quotes */
				LT_TRY(row_add(t, p, 1));
				p++;
				t->st = ST_QUO;
			} else { /* closed: the rest up to a delimiter is kept */
				t->st = ST_UNQ;
			}
			continue;
		}
	}
	*pp = p;
	return LT_OK;
}


/*
 * The first byte at or after p that is c, CR, LF or NUL, eight bytes at a
 * time (cells are a dozen bytes on average).  The text must hold one such
 * byte before 8 readable bytes run out: parse_delim() puts NULs after it.
 */
static inline uint8_t *find_stop(uint8_t *p, uint8_t c)
{
	const uint64_t mc = ONES * c, mcr = ONES * '\r', mlf = ONES * '\n';

	for (;;) {
		uint64_t x, m;

		memcpy(&x, p, 8);
		m = zero_bytes(x ^ mc) | zero_bytes(x ^ mcr) |
		    zero_bytes(x ^ mlf) | zero_bytes(x);
		if (m) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return p + __builtin_clzll(m) / 8;
#else
			return p + __builtin_ctzll(m) / 8;
#endif
		}
		p += 8;
	}
}

/*
 * The fast path: records that lie wholly in [*pp, e) are parsed in place,
 * their cells pointing into the decoded text (cell text never grows: a
 * quote pair "" is moved down over the second quote, text after a closing
 * quote over the quote, and a NUL is written over the delimiter or line
 * end after each cell).  Nothing is copied for most cells.  e[0..8) must
 * be NULs (sentinels for find_stop()).
 *
 * At a record cut by the end of the buffer, a NUL in it, or more cells
 * than t->cells holds, what the record has so far is copied into t->row
 * and the state set as parse_slow() would have it there, and parse_slow()
 * goes on from *pp.  A record in one buffer is always shorter than
 * LT_TEXT_MAX_RECORD, so only parse_slow() needs to check that.
 */
static int parse_fast(struct tx *t, uint8_t **pp, uint8_t *e)
{
	const uint8_t delim = (uint8_t)t->delim;
	struct lt_cell *cells = t->cells;
	const size_t cap = t->falloc;
	uint8_t *p = *pp, *q, *f, *w, c;
	size_t nf, i;
	bool quoted;
	int st;

	while (p < e) {
		if (lf_after_cr(t, p)) {
			p++;
			continue;
		}
		t->rec_line = t->line;
		nf = 0;
		quoted = false;
		for (;;) { /* a field starts at p */
			f = w = p;
			if (p == e) {
				st = ST_FSTART;
				goto cut;
			}
			if (*p == '"') {
				f = w = ++p;
				quoted = true;
				t->quote_line = t->line;
				for (;;) {
					q = find_stop(p, '"');
					if (w != p)
						memmove(w, p, (size_t)(q - p));
					w += q - p;
					p = q;
					c = *p;
					if (p == e || !c) {
						st = ST_QUO;
						goto cut;
					}
					p++;
					if (c == '"') {
						if (p == e) {
							st = ST_QQ;
							goto cut;
						}
						if (*p != '"')
							break; /* closed */
						*w++ = '"';
						p++;
						continue;
					}
					/* a line end inside quotes is text */
					*w++ = c;
					t->line++;
					if (c == '\r') {
						if (p == e) {
							t->after_cr = true;
							st = ST_QUO;
							goto cut;
						}
						if (*p == '\n')
							*w++ = *p++;
					}
				}
			}
			q = find_stop(p, delim);
			if (w != p)
				memmove(w, p, (size_t)(q - p));
			w += q - p;
			p = q;
			c = *p;
			if (p == e || !c || nf == cap) {
				st = ST_UNQ;
				goto cut;
			}
			p++;
			*w = '\0';
			cells[nf].text = (const char *)f;
			cells[nf].len = (size_t)(w - f);
			cells[nf].hint = LT_CELL_TEXT;
			nf++;
			if (c == delim)
				continue;
			/* CR or LF ends the record; a blank line gives no row */
			if (nf > 1 || cells[0].len || quoted)
				LT_TRY(emit(t, nf));
			t->line++;
			if (c == '\r') {
				if (p == e)
					t->after_cr = true;
				else if (*p == '\n')
					p++;
			}
			break;
		}
	}
	*pp = p;
	return LT_OK;
cut:
	t->in_rec = true;
	t->rec_quoted = quoted;
	t->st = st;
	for (i = 0; i < nf; i++) { /* (row_end_field may move t->cells) */
		LT_TRY(row_add(t, t->cells[i].text, t->cells[i].len));
		LT_TRY(row_end_field(t));
	}
	if (st != ST_FSTART)
		LT_TRY(row_add(t, f, (size_t)(w - f)));
	*pp = p;
	return LT_OK;
}

/*
 * Delimited records: the fast path from each record start, the slow one
 * for what it leaves (s[n..n+8) must be writable: they get sentinels).
 */
static int parse_delim(struct tx *t, char *s, size_t n)
{
	uint8_t *p = (uint8_t *)s, *e = p + n;

	memset(e, 0, 8);
	while (p < e) {
		if (!t->in_rec && t->st == ST_FSTART) {
			LT_TRY(parse_fast(t, &p, e));
		} else {
			const uint8_t *cp = p;

			LT_TRY(parse_slow(t, &cp, e));
			p = (uint8_t *)(uintptr_t)cp;
		}
	}
	return LT_OK;
}

static bool blank_at(const uint8_t *p, const uint8_t *e, size_t *n)
{
	if (*p == ' ' || *p == '\t') {
		*n = 1;
		return true;
	}
	if (e - p >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
		*n = 3;
		return true;
	}
	return false;
}

/* Split a fixed-width line (t->lb) at the column bounds into t->row. */
static int fixed_split(struct tx *t)
{
	const uint8_t *p = (const uint8_t *)t->lb.p, *e = p + t->lb.len;
	uint64_t col = 0;
	size_t k, bn;

	for (k = 0; k <= t->nbounds; k++) {
		uint64_t end = k < t->nbounds ? t->bounds[k] : UINT64_MAX;
		const uint8_t *b = p, *c;

		while (p < e && col < end) {
			uint32_t u = next_cp(&p, e);

			col += cp_width(u);
		}
		c = p;
		while (b < c && blank_at(b, c, &bn))
			b += bn;
		while (c > b) {
			if (c[-1] == ' ' || c[-1] == '\t')
				c--;
			else if (c - b >= 3 && c[-3] == 0xE3 && c[-2] == 0x80 &&
				 c[-1] == 0x80)
				c -= 3;
			else
				break;
		}
		LT_TRY(row_add(t, b, (size_t)(c - b)));
		LT_TRY(row_end_field(t));
	}
	return LT_OK;
}

/* A line ended (text and fixed layouts). */
static int line_end(struct tx *t)
{
	int rc = LT_OK;

	if (t->lay == LAY_TEXT) {
		if (t->row.len) {
			rc = row_end_field(t);
			if (!rc)
				rc = row_emit(t);
		}
	} else if (t->lb.len) {
		rc = fixed_split(t);
		if (!rc && t->row.len > t->nf) /* not only blanks */
			rc = row_emit(t);
		t->lb.len = 0;
	}
	row_reset(t);
	return rc;
}

static int line_add(struct tx *t, const uint8_t *p, size_t n)
{
	struct gbuf *b = &t->lb;

	if (t->lay == LAY_TEXT)
		return row_add(t, p, n);
	if (b->len + n > LT_TEXT_MAX_RECORD)
		return limit_error(t);
	if (b->len + n > b->alloc && gb_grow(t, b, b->len + n))
		return t->err->code;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return LT_OK;
}

static int parse_lines(struct tx *t, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s, *e = p + n, *q;
	uint8_t c;

	while (p < e) {
		if (lf_after_cr(t, p)) {
			p++;
			continue;
		}
		if (!t->in_rec) {
			t->in_rec = true;
			t->rec_line = t->line;
		}
		for (q = p; q < e && !(t->cls[*q] & C_LINE); q++)
			;
		if (q > p) {
			LT_TRY(line_add(t, p, (size_t)(q - p)));
			p = q;
			if (p == e)
				break;
		}
		c = *p++;
		if (!c)
			return nul_error(t);
		LT_TRY(line_end(t));
		t->line++;
		t->after_cr = c == '\r';
	}
	return LT_OK;
}

/* Parse decoded text (s[n..n+8) must be writable). */
static int parse(struct tx *t, char *s, size_t n)
{
	if (!n)
		return LT_OK;
	t->any = true;
	t->last_break = s[n - 1] == '\n' || s[n - 1] == '\r';
	if (t->lay <= LAY_PIPE)
		return parse_delim(t, s, n);
	return parse_lines(t, s, n);
}

static int parse_finish(struct tx *t)
{
	if (!t->in_rec)
		return LT_OK;
	if (t->lay > LAY_PIPE)
		return line_end(t);
	if (t->st == ST_QUO && !t->info->warning[0])
		snprintf(t->info->warning, sizeof(t->info->warning),
			 "unterminated quote at line %" PRIu64, t->quote_line);
	LT_TRY(row_end_field(t));
	return rec_end(t);
}

static void set_layout(struct tx *t, enum layout lay)
{
	t->lay = lay;
	memset(t->cls, 0, sizeof(t->cls));
	t->cls['\n'] = t->cls['\r'] = t->cls[0] = C_UNQ | C_QUO | C_LINE;
	t->cls['"'] |= C_QUO;
	if (lay <= LAY_PIPE) {
		t->delim = layout_delim[lay];
		t->cls[(uint8_t)t->delim] |= C_UNQ;
	}
	snprintf(t->info->layout, sizeof(t->info->layout), "%s",
		 layout_name[lay]);
}

static void set_encoding(struct tx *t, enum enc e)
{
	snprintf(t->info->encoding, sizeof(t->info->encoding), "%s",
		 enc_name[e]);
}

static int read_error(struct tx *t, int rc, uint64_t off)
{
	if (!t->err->code)
		lt_err_set(t->err, rc ? (enum lt_code)rc : LT_E_IO,
			   "read failed at offset %" PRIu64, off);
	return rc ? rc : LT_E_IO;
}

/* Read up to len bytes at off, as many as there are. */
static int read_full(struct tx *t, uint64_t off, uint8_t *buf, size_t len,
		     size_t *got)
{
	*got = 0;
	while (*got < len) {
		size_t n = 0;
		int rc = t->in->read(t->in->src, off + *got, buf + *got,
				     len - *got, &n, t->err);

		if (rc)
			return read_error(t, rc, off + *got);
		if (n > len - *got)
			return lt_err_set(t->err, LT_E_INTERNAL,
					  "read returned more than asked");
		if (!n)
			break;
		*got += n;
	}
	return LT_OK;
}

/*
 * The sample at off: a slice of in->data, or read into t->sbuf (sized after
 * in->size at first, grown when the file is larger: in->size is only a
 * hint, and the sample must not depend on it).  One byte more is read to
 * tell a file of exactly LT_TEXT_SAMPLE bytes from a longer one.
 */
static int get_sample(struct tx *t, uint64_t off, const uint8_t **s,
		      size_t *len, bool *eof)
{
	size_t more;

	if (t->in->data) {
		uint64_t size = t->in->size;

		off = LT_MIN(off, size);
		*s = t->in->data + off;
		*len = (size_t)LT_MIN(size - off, (uint64_t)LT_TEXT_SAMPLE);
		*eof = off + *len == size;
		return LT_OK;
	}
	*s = t->sbuf;
	LT_TRY(read_full(t, off, t->sbuf, t->scap + 1, len));
	if (*len > t->scap && t->scap < LT_TEXT_SAMPLE) {
		uint8_t *b = realloc(t->sbuf, LT_TEXT_SAMPLE + 1);
		char *d;

		if (b)
			t->sbuf = b;
		d = realloc(t->sdec, DEC_CAP(LT_TEXT_SAMPLE));
		if (d)
			t->sdec = d;
		if (!b || !d)
			return lt_err_set(t->err, LT_E_NOMEM, "out of memory");
		t->scap = LT_TEXT_SAMPLE;
		*s = t->sbuf;
		LT_TRY(read_full(t, off + *len, t->sbuf + *len,
				 t->scap + 1 - *len, &more));
		*len += more;
	}
	*eof = *len <= t->scap;
	*len = LT_MIN(*len, t->scap);
	return LT_OK;
}

/* Provisional UTF-8 met a non-ASCII byte at off: detect again from there. */
static int redetect(struct tx *t, uint64_t off)
{
	const uint8_t *s;
	size_t len;
	bool eof;
	struct detected d;

	LT_TRY(get_sample(t, off, &s, &len, &eof));
	LT_TRY(detect_encoding(s, len, eof, false, &d, t->sdec, t->err));
	LT_TRY(dec_open(&t->dec, d.enc, t->err));
	set_encoding(t, d.enc);
	return LT_OK;
}

static int stream(struct tx *t, uint64_t start)
{
	const struct lt_scan_input *in = t->in;
	const uint8_t *base = t->raw;
	uint64_t base_off = start;
	size_t have = 0, pos;
	bool eof = false;

	if (in->data) {
		base = in->data + start;
		have = (size_t)(in->size - start);
		eof = true;
	}
	for (;;) {
		if (!eof) {
			size_t got = 0;
			int rc = in->read(in->src, base_off + have,
					  t->raw + have, t->raw_cap - have,
					  &got, t->err);

			if (rc)
				return read_error(t, rc, base_off + have);
			if (got > t->raw_cap - have)
				return lt_err_set(t->err, LT_E_INTERNAL,
						  "read returned more than "
						  "asked");
			eof = !got;
			have += got;
		}
		pos = 0;
		while (pos < have) {
			size_t n = LT_MIN(have - pos, t->step), used, dlen = 0;
			bool last = eof && pos + n == have;

			acct_start(&t->acct, t->dbuf, t->line, t->after_cr);
			used = dec_run(&t->dec, base + pos, n, last, t->dbuf,
				       &dlen, DEC_CAP(t->step), &t->acct);
			if (t->acct.first_bad && !t->info->warning[0])
				snprintf(t->info->warning,
					 sizeof(t->info->warning),
					 "invalid %s byte sequence at line "
					 "%" PRIu64 " replaced with U+FFFD",
					 t->info->encoding, t->acct.first_bad);
			LT_TRY(parse(t, t->dbuf, dlen));
			pos += used;
			if (t->dec.redetect) {
				LT_TRY(redetect(t, base_off + pos));
				continue;
			}
			if (!used)
				break;
		}
		if (eof && pos < have) /* the decoders consume all at the end */
			return lt_err_set(t->err, LT_E_INTERNAL,
					  "text decoder stalled");
		if (eof)
			return LT_OK;
		memmove(t->raw, t->raw + pos, have - pos);
		base_off += pos;
		have -= pos;
	}
}

static void tx_free(struct tx *t)
{
	dec_close(&t->dec);
	free(t->raw);
	free(t->sbuf);
	free(t->dbuf);
	free(t->sdec);
	free(t->row.p);
	free(t->lb.p);
	free(t->fstart);
	free(t->cells);
	free(t->bounds);
}

static int extract(struct tx *t)
{
	const struct lt_scan_input *in = t->in;
	const uint8_t *s;
	size_t slen, sdlen;
	bool s_eof;
	struct detected d;
	struct sample st;
	int rc, dl;

	/* Buffers sized after the file (in->size is only a hint when
	 * streaming): a small file costs no megabyte of memory. */
	if (in->data) {
		t->step = (size_t)LT_MAX(LT_MIN(in->size, (uint64_t)STEP), 16);
		t->scap = LT_MIN(t->step, LT_TEXT_SAMPLE);
	} else {
		t->raw_cap = (size_t)LT_MIN(LT_MAX(in->size + 16, (uint64_t)4096),
					    (uint64_t)RAW_CAP);
		t->step = LT_MIN(t->raw_cap, STEP);
		t->scap = LT_MIN(t->raw_cap, LT_TEXT_SAMPLE);
		t->raw = malloc(t->raw_cap);
		t->sbuf = malloc(t->scap + 1);
		if (!t->raw || !t->sbuf)
			return lt_err_set(t->err, LT_E_NOMEM,
					  "out of memory");
	}
	t->falloc = 64;
	t->dbuf = malloc(DEC_CAP(t->step));
	t->sdec = malloc(DEC_CAP(t->scap));
	t->fstart = malloc(t->falloc * sizeof(*t->fstart));
	t->cells = malloc(t->falloc * sizeof(*t->cells));
	t->bounds = malloc(LT_TEXT_MAX_FIELDS * sizeof(*t->bounds));
	if (!t->dbuf || !t->sdec || !t->fstart || !t->cells || !t->bounds)
		return lt_err_set(t->err, LT_E_NOMEM, "out of memory");

	LT_TRY(get_sample(t, 0, &s, &slen, &s_eof));
	LT_TRY(detect_encoding(s, slen, s_eof, true, &d, t->sdec, t->err));
	set_encoding(t, d.enc);
	LT_TRY(sample_decode(d.enc, s + d.bom, slen - d.bom, s_eof, t->sdec,
			     &sdlen, &st, t->err));
	if (s_eof && !sample_clean(&st))
		return lt_err_set(t->err, LT_E_CORRUPT, "%" PRIu64 " of %" PRIu64
				  " lines hold invalid %s byte sequences (more "
				  "than 5%%): probably not %s text",
				  st.bad_lines, st.lines, enc_name[d.enc],
				  enc_name[d.enc]);
	if (!s_eof) { /* the last line of the sample is cut */
		while (sdlen && t->sdec[sdlen - 1] != '\n' &&
		       t->sdec[sdlen - 1] != '\r')
			sdlen--;
	}
	dl = detect_delim(t->sdec, sdlen);
	if (dl >= 0)
		set_layout(t, (enum layout)dl);
	else if (detect_fixed(t->sdec, sdlen, t->bounds, &t->nbounds))
		set_layout(t, LAY_FIXED);
	else
		set_layout(t, LAY_TEXT);

	LT_TRY(dec_open(&t->dec, d.enc, t->err));
	t->dec.provisional = d.provisional;
	t->line = 1;
	t->st = ST_FSTART;

	rc = t->sink->table_begin("", t->sink->udata);
	if (rc)
		return rc;
	t->info->tables = 1;
	rc = stream(t, d.bom);
	if (!rc)
		rc = parse_finish(t);
	if (t->sink_rc)
		return t->sink_rc;
	dl = t->sink->table_end(t->sink->udata);
	if (rc)
		return rc;
	if (dl)
		return dl;

	t->info->bad_lines = t->acct.bad_lines;
	{
		uint64_t lines = t->any ? t->line - t->last_break : 0;

		if (t->acct.bad_lines * 20 > lines)
			return lt_err_set(t->err, LT_E_CORRUPT, "%" PRIu64
					  " of %" PRIu64 " lines hold invalid "
					  "%s byte sequences (more than 5%%): "
					  "probably not %s text",
					  t->acct.bad_lines, lines,
					  t->info->encoding,
					  t->info->encoding);
	}
	return LT_OK;
}

int lt_extract_text(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err)
{
	struct tx t;
	int rc;

	memset(info, 0, sizeof(*info));
	memset(&t, 0, sizeof(t));
	t.in = in;
	t.sink = sink;
	t.info = info;
	t.err = err;
	t.dec.cd = (iconv_t)-1;
	if (!in || !sink || (!in->data && !in->read))
		return lt_err_set(err, LT_E_ARG, "text extractor: no input");
	rc = extract(&t);
	if (t.acct.bad_lines)
		info->bad_lines = t.acct.bad_lines;
	tx_free(&t);
	return rc;
}

bool lt_text_probe(const uint8_t *head, size_t len)
{
	struct lt_err err = LT_ERR_INIT;
	struct detected d;
	struct sample st;
	char *scratch;
	size_t olen;
	bool ok = false;

	if (!head || !len)
		return false;
	len = LT_MIN(len, LT_TEXT_SAMPLE);
	scratch = malloc(DEC_CAP(len));
	if (!scratch)
		return false;
	if (!detect_encoding(head, len, false, true, &d, scratch, &err) &&
	    !sample_decode(d.enc, head + d.bom, len - d.bom, false, scratch,
			   &olen, &st, &err))
		ok = sample_clean(&st) && st.ctrl * 100 <= olen;
	free(scratch);
	return ok;
}
