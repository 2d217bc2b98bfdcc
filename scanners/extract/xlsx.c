// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xlsx extractor (extract.h has the contract): the workbook, its
 * relationships, the styles and the shared strings are read first, then
 * every worksheet is streamed through ooxml-xml.c's events into rows.
 *
 * Memory: the shared strings are kept in one arena of NUL-terminated
 * strings plus an offset per string (capped at LT_XLSX_MAX_SST); a row is
 * built in a dense array of LT_OOXML_MAX_COLS slots and one text buffer
 * (capped at LT_OOXML_MAX_ROW); nothing else grows with a sheet.  A cell
 * whose text is a shared string points into the arena: no copy.
 *
 * A sheet whose part is broken ends its table and the next sheet is read:
 * the evidence may be a recovered or damaged file and every sheet that can
 * be read counts.  The first error is kept and returned at the end.  Only
 * limits, memory, read errors and the sink stop everything.  When the
 * workbook or its relationships cannot be read, the worksheets are found
 * by name (the .xml parts in <workbook dir>/worksheets/) and named after
 * their parts.
 */
#include "triage/core/compat.h"
#include "leaktriage/timefmt.h"

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "scanners/extract/ooxml.h"

#define SHEETS_MAX 100000
#define NUMFMTS_MAX 65536
#define XFS_MAX (1u << 20)
#define MAX_COL_REF 1000000u /* a column letter string beyond is clamped */

enum ctype { T_N, T_S, T_STR, T_INLINE, T_B, T_E, T_D };

struct sheet {
	size_t name, part; /* offsets in xl->names */
};

struct slot {
	const char *ext; /* text elsewhere (shared string, constant) */
	size_t off, len; /* else in xl->row */
	enum lt_cell_hint hint;
};

struct xl {
	const struct lt_extract_sink *sink;
	struct lt_extract_info *info;
	struct lt_ooxml_zip *z;
	struct lt_err *err; /* of the part being read */
	int sink_rc;
	char wb[LT_OOXML_PART_MAX];
	char wbdir[LT_OOXML_PART_MAX];
	bool date1904, is_workbook;

	struct sheet *sheets;
	size_t nsheets, asheets;
	struct lt_ooxml_buf names;

	/* styles */
	uint32_t *fmt_id;
	bool *fmt_date;
	size_t nfmt, afmt;
	uint32_t *xf_fmt;
	size_t nxf, axf;
	bool *xf_date;
	bool in_numfmts, in_cellxfs;

	/* shared strings */
	struct lt_ooxml_buf sst;
	uint32_t *sst_off; /* nsst + 1 offsets (the arena is < 4 GiB) */
	size_t nsst, asst;
	bool sst_in_si, sst_collect;
	int sst_rph;
	size_t sst_start;
	bool sst_have;          /* a shared strings part was read */
	char sst_part[LT_OOXML_PART_MAX];
	uint64_t sst_dangling;  /* cells referring to missing strings */

	/* the sheet being read */
	const char *sheet;
	char shown[LT_OOXML_SHOWN]; /* its name in messages */
	bool in_data, in_row, in_c, in_v, in_is, in_t;
	int rph;
	uint64_t row_no, prev_row;
	uint32_t col, prev_col, maxcol;
	enum ctype ct;
	uint32_t style;
	size_t cstart;
	struct lt_ooxml_buf row;
	struct slot *slot;
	struct lt_cell *cells;
};

static const char empty[] = "";

static int gb_err(struct xl *x, int rc, const char *what)
{
	if (rc == LT_E_NOMEM)
		return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
	return lt_err_set(x->err, LT_E_LIMIT, "%s", what);
}

static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		n--;
	if (!n || n > 19)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		r = r * 10 + (uint64_t)(s[i] - '0');
	}
	*v = r;
	return true;
}

static bool truthy(const char *s, size_t n)
{
	return lt_ooxml_is(s, n, "1") || lt_ooxml_is(s, n, "true") ||
	       lt_ooxml_is(s, n, "on");
}

/* ---- dates -------------------------------------------------------------- */

bool lt_xlsx_builtin_is_date(uint32_t id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The next date/time letter after i (skipping literals), 0 if none. */
static char next_token(const char *s, size_t n, size_t i)
{
	for (; i < n; i++) {
		char c = lower(s[i]);

		if (c == '"') {
			const char *q = memchr(s + i + 1, '"', n - i - 1);

			if (!q)
				return 0;
			i = (size_t)(q - s);
		} else if (c == '\\' || c == '_' || c == '*') {
			i++;
		} else if (c == 'y' || c == 'm' || c == 'd' || c == 'h' ||
			   c == 's' || c == 'e' || c == 'g') {
			return c;
		} else if (c == ';') {
			return 0;
		}
	}
	return 0;
}

bool lt_xlsx_format_is_date(const char *s, size_t n)
{
	char prev = 0; /* the last date/time letter */
	size_t i;

	for (i = 0; i < n; i++) {
		char c = lower(s[i]);

		switch (c) {
		case '"': {
			const char *q = memchr(s + i + 1, '"', n - i - 1);

			if (!q)
				return false;
			i = (size_t)(q - s);
			break;
		}
		case '\\':
		case '_':
		case '*':
			i++;
			break;
		case '[': {
			const char *q = memchr(s + i + 1, ']', n - i - 1);
			size_t k;

			if (!q)
				return false;
			/* elapsed time: [h] [hh] [m] [mm] [s] [ss] */
			for (k = i + 1; k < (size_t)(q - s); k++) {
				char t = lower(s[k]);

				if (t != 'h' && t != 'm' && t != 's')
					break;
			}
			if (k == (size_t)(q - s) && k > i + 1)
				prev = lower(s[i + 1]);
			i = (size_t)(q - s);
			break;
		}
		case ';':
			prev = 0;
			break;
		case 'g':
			if (n - i >= 7 && !strncasecmp(s + i, "general", 7)) {
				i += 6;
				break;
			}
			return true;
		case 'e':
			if (i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-')) {
				i++;
				break; /* scientific */
			}
			return true;
		case 'y':
		case 'd':
			return true;
		case 'b':
			/* B1/B2: the calendar of what follows */
			if (i + 1 < n && (s[i + 1] == '1' || s[i + 1] == '2'))
				i++;
			break;
		case 'a':
			if (n - i >= 5 && !strncasecmp(s + i, "am/pm", 5))
				i += 4;
			else if (n - i >= 3 && !strncasecmp(s + i, "a/p", 3))
				i += 2;
			break;
		case 'h':
		case 's':
			prev = c;
			break;
		case 'm':
			/* minutes after h or before s (mm:ss), else month */
			while (i + 1 < n && lower(s[i + 1]) == 'm')
				i++;
			if (prev == 'h' || next_token(s, n, i + 1) == 's') {
				prev = 'm';
				break;
			}
			return true;
		default:
			break;
		}
	}
	return false;
}

bool lt_excel_days_date(int64_t days, bool date1904, char out[11])
{
	int64_t y;
	unsigned mo, d;

	if (date1904) {
		days += -24107; /* 1904-01-01 */
	} else {
		if (days < 1 || days == 60)
			return false; /* 1900-01-00, 1900-02-29 */
		if (days > 60)
			days--;
		days += -25568; /* 1899-12-31 */
	}
	lt_civil_from_days(days, &y, &mo, &d);
	if (y > 9999)
		return false;
	/* by hand: snprintf showed in profiles of date-heavy sheets */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + mo / 10);
	out[6] = (char)('0' + mo % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return true;
}

bool lt_xlsx_serial_date(const char *v, size_t len, bool date1904,
			 char out[11])
{
	uint64_t m = 0;
	int digits = 0, exp10 = 0, e = 0, esign = 1;
	bool any = false, dot = false;
	size_t i = 0;
	double val;

	/* the usual cell, a whole number of days ("23456"): what the general
	 * parse below gives, without floating point */
	for (; i < len && i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
		m = m * 10 + (uint64_t)(v[i] - '0');
	if (i && i == len && i < 9)
		return lt_excel_days_date((int64_t)m, date1904, out);
	i = 0;
	m = 0;
	while (i < len && v[i] == ' ')
		i++;
	while (len > i && v[len - 1] == ' ')
		len--;
	if (i < len && v[i] == '+')
		i++;
	for (; i < len; i++) {
		char c = v[i];

		if (c == '.' && !dot) {
			dot = true;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		any = true;
		if (!m && c == '0') {
			if (dot)
				exp10--;
			continue;
		}
		if (digits < 18) {
			m = m * 10 + (uint64_t)(c - '0');
			digits++;
			if (dot)
				exp10--;
		} else if (!dot) {
			exp10++;
		}
	}
	if (!any)
		return false;
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		bool ed = false;

		i++;
		if (i < len && (v[i] == '+' || v[i] == '-'))
			esign = v[i++] == '-' ? -1 : 1;
		for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
			ed = true;
			if (e < 1000)
				e = e * 10 + (v[i] - '0');
		}
		if (!ed)
			return false;
	}
	if (i != len)
		return false;
	exp10 += esign * e;
	if (exp10 + digits > 8)
		return false; /* no serial has more than 7 integer digits */
	val = (double)m;
	for (; exp10 > 0; exp10--)
		val *= 10;
	for (; exp10 < 0 && val > 0; exp10++)
		val /= 10;
	/* the date of the time rounded to the millisecond, as Excel shows */
	return lt_excel_days_date((int64_t)(val + 0.5 / 86400000.0), date1904,
				  out);
}

/* An ISO 8601 date at the start of a t="d" value. */
static bool iso_date(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-dd";
	size_t i;
	unsigned mo, d;

	if (n < 10 || (n > 10 && s[10] != 'T' && s[10] != ' '))
		return false;
	for (i = 0; i < 10; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return false;
	mo = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* ---- workbook ----------------------------------------------------------- */

static int add_sheet(struct xl *x, const char *name, size_t nlen,
		     const char *part)
{
	struct sheet *s;
	int rc;

	if (x->nsheets >= SHEETS_MAX)
		return lt_err_set(x->err, LT_E_LIMIT, "more than %d sheets",
				  SHEETS_MAX);
	if (x->nsheets == x->asheets) {
		size_t n = x->asheets ? x->asheets * 2 : 16;

		s = realloc(x->sheets, n * sizeof(*s));
		if (!s)
			return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
		x->sheets = s;
		x->asheets = n;
	}
	s = &x->sheets[x->nsheets];
	s->name = x->names.len;
	rc = lt_ooxml_buf_add(&x->names, name, nlen);
	if (!rc)
		rc = lt_ooxml_buf_add(&x->names, "", 1);
	s->part = x->names.len;
	if (!rc)
		rc = lt_ooxml_buf_add(&x->names, part, strlen(part) + 1);
	if (rc)
		return gb_err(x, rc, "sheet names over 16 MiB");
	x->nsheets++;
	return LT_OK;
}

struct wb_state {
	struct xl *x;
	const struct lt_ooxml_rels *rels;
	int depth, depth_max;
};

static int wb_start(void *u, const char *name, size_t len,
		    const struct lt_ooxml_attr *a, size_t count)
{
	struct wb_state *w = u;
	struct xl *x = w->x;
	const char *v, *id = NULL;
	size_t vl, idl = 0, i;
	const struct lt_ooxml_rel *r;

	if (!w->depth++) {
		x->is_workbook = lt_ooxml_is(name, len, "workbook");
		w->depth_max = 1;
		return 0;
	}
	if (lt_ooxml_is(name, len, "workbookPr")) {
		if (lt_ooxml_attr_get(a, count, "date1904", &v, &vl))
			x->date1904 = truthy(v, vl);
		return 0;
	}
	if (!lt_ooxml_is(name, len, "sheet"))
		return 0;
	for (i = 0; i < count; i++) {
		if (a[i].plen && lt_ooxml_is(a[i].local, a[i].llen, "id")) {
			id = a[i].val;
			idl = a[i].vlen;
		}
	}
	if (!lt_ooxml_attr_get(a, count, "name", &v, &vl))
		v = "", vl = 0;
	r = id ? lt_ooxml_rels_by_id(w->rels, id, idl) : NULL;
	if (!w->rels->count)
		return 0; /* no relationships: guessed later */
	if (!r || r->external) {
		lt_ooxml_warn(x->z, "a sheet has no part");
		return 0;
	}
	if (strlen(r->type) >= 11 &&
	    !strcmp(r->type + strlen(r->type) - 11, "/chartsheet"))
		return 0;
	return add_sheet(x, v, vl, r->target);
}

static int wb_end(void *u, const char *name, size_t len)
{
	struct wb_state *w = u;

	w->depth--;
	return 0;
}

/* Worksheets by part name, when the workbook cannot say. */
static int guess_sheets(struct xl *x)
{
	char prefix[LT_OOXML_PART_MAX];
	struct lt_buf name;
	size_t i, pl;
	int rc = LT_OK;

	lt_buf_init(&name, LT_OOXML_PART_MAX * 4);

	snprintf(prefix, sizeof(prefix), "%sworksheets/", x->wbdir);
	for (i = 0; prefix[i]; i++)
		prefix[i] = lower(prefix[i]);
	pl = strlen(prefix);
	for (i = 0; i < lt_ooxml_zip_count(x->z); i++) {
		const char *n = lt_ooxml_zip_name(x->z, i), *stem;
		size_t l = strlen(n);

		if (strncmp(n, prefix, pl) || strchr(n + pl, '/') ||
		    l < pl + 5 || strcmp(n + l - 4, ".xml"))
			continue;
		/* a member name is any bytes: the table name must be UTF-8 */
		stem = n + pl;
		lt_buf_reset(&name);
		lt_utf8_sanitize(&name, stem, (size_t)(n + l - 4 - stem));
		if (lt_buf_status(&name)) {
			rc = lt_err_set(x->err, LT_E_NOMEM, "out of memory");
			break;
		}
		rc = add_sheet(x, lt_buf_str(&name), name.len, n);
		if (rc)
			break;
	}
	lt_buf_release(&name);
	return rc;
}

/* ---- styles ------------------------------------------------------------- */

static int st_start(void *u, const char *name, size_t len,
		    const struct lt_ooxml_attr *a, size_t count)
{
	struct xl *x = u;
	const char *v, *code;
	size_t vl, cl;
	uint64_t id;

	if (lt_ooxml_is(name, len, "numFmts")) {
		x->in_numfmts = true;
	} else if (lt_ooxml_is(name, len, "cellXfs")) {
		x->in_cellxfs = true;
	} else if (x->in_numfmts && lt_ooxml_is(name, len, "numFmt")) {
		if (!lt_ooxml_attr_get(a, count, "numFmtId", &v, &vl) ||
		    !parse_u64(v, vl, &id) || id > UINT32_MAX ||
		    !lt_ooxml_attr_get(a, count, "formatCode", &code, &cl))
			return 0;
		if (x->nfmt >= NUMFMTS_MAX)
			return 0;
		if (x->nfmt == x->afmt) {
			size_t n = x->afmt ? x->afmt * 2 : 32;
			uint32_t *f = realloc(x->fmt_id, n * sizeof(*f));
			bool *d;

			if (f)
				x->fmt_id = f;
			d = realloc(x->fmt_date, n * sizeof(*d));
			if (d)
				x->fmt_date = d;
			if (!f || !d)
				return lt_err_set(x->err, LT_E_NOMEM,
						  "out of memory");
			x->afmt = n;
		}
		x->fmt_id[x->nfmt] = (uint32_t)id;
		x->fmt_date[x->nfmt] = lt_xlsx_format_is_date(code, cl);
		x->nfmt++;
	} else if (x->in_cellxfs && lt_ooxml_is(name, len, "xf")) {
		if (!lt_ooxml_attr_get(a, count, "numFmtId", &v, &vl) ||
		    !parse_u64(v, vl, &id) || id > UINT32_MAX)
			id = 0;
		if (x->nxf >= XFS_MAX)
			return 0;
		if (x->nxf == x->axf) {
			size_t n = x->axf ? x->axf * 2 : 64;
			uint32_t *f = realloc(x->xf_fmt, n * sizeof(*f));

			if (!f)
				return lt_err_set(x->err, LT_E_NOMEM,
						  "out of memory");
			x->xf_fmt = f;
			x->axf = n;
		}
		x->xf_fmt[x->nxf++] = (uint32_t)id;
	}
	return 0;
}

static int st_end(void *u, const char *name, size_t len)
{
	struct xl *x = u;

	if (lt_ooxml_is(name, len, "numFmts"))
		x->in_numfmts = false;
	else if (lt_ooxml_is(name, len, "cellXfs"))
		x->in_cellxfs = false;
	return 0;
}

struct fmt {
	uint32_t id, pos;
	bool date;
};

static int cmp_fmt(const void *a, const void *b)
{
	const struct fmt *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->pos < y->pos) - (x->pos > y->pos); /* the last first */
}

/* Whether each cell format shows dates: a custom code given for an id
 * wins (the last one if given twice), else the built-in table. */
static int styles_finish(struct xl *x)
{
	struct fmt *f;
	size_t i;

	x->xf_date = lt_calloc(x->nxf ? x->nxf : 1, sizeof(*x->xf_date));
	f = lt_calloc(x->nfmt ? x->nfmt : 1, sizeof(*f));
	if (!x->xf_date || !f) {
		free(f);
		return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
	}
	for (i = 0; i < x->nfmt; i++) {
		f[i].id = x->fmt_id[i];
		f[i].pos = (uint32_t)i;
		f[i].date = x->fmt_date[i];
	}
	qsort(f, x->nfmt, sizeof(*f), cmp_fmt);
	for (i = 0; i < x->nxf; i++) {
		uint32_t id = x->xf_fmt[i];
		size_t lo = 0, hi = x->nfmt;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (f[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		x->xf_date[i] = lo < x->nfmt && f[lo].id == id ?
					f[lo].date :
					lt_xlsx_builtin_is_date(id);
	}
	free(f);
	return LT_OK;
}

/* ---- shared strings ----------------------------------------------------- */

static int sst_limit(struct xl *x, int rc)
{
	return gb_err(x, rc, "shared strings over 256 MiB");
}

static int sst_start(void *u, const char *name, size_t len,
		     const struct lt_ooxml_attr *a, size_t count)
{
	struct xl *x = u;

	if (len == 2 && name[0] == 's' && name[1] == 'i') {
		/* an <si> left open is dropped: the strings must stay back
		 * to back, their lengths come from the next offset */
		if (x->sst_in_si)
			x->sst.len = x->sst_start;
		x->sst_in_si = true;
		x->sst_rph = 0;
		x->sst_start = x->sst.len;
	} else if (x->sst_in_si && len == 1 && name[0] == 't') {
		x->sst_collect = !x->sst_rph;
	} else if (x->sst_in_si && lt_ooxml_is(name, len, "rPh")) {
		x->sst_rph++;
		x->sst_collect = false;
	}
	return 0;
}

static int sst_end(void *u, const char *name, size_t len)
{
	struct xl *x = u;
	int rc;

	if (len == 1 && name[0] == 't') {
		x->sst_collect = false;
	} else if (x->sst_in_si && lt_ooxml_is(name, len, "rPh")) {
		x->sst_rph--;
	} else if (len == 2 && name[0] == 's' && name[1] == 'i' &&
		   x->sst_in_si) {
		if (x->sst.len > x->sst_start)
			x->sst.len = x->sst_start +
				     lt_ooxml_unescape(x->sst.p + x->sst_start,
						       x->sst.len -
							       x->sst_start);
		rc = lt_ooxml_buf_add(&x->sst, "", 1);
		if (rc)
			return sst_limit(x, rc);
		if (x->nsst + 2 > x->asst) {
			size_t na = x->asst ? x->asst * 2 : 1024;
			uint32_t *o;

			/* the offsets count against the cap as well */
			if ((na - x->asst) * sizeof(*o) >
			    x->sst.max - x->sst.len)
				return sst_limit(x, LT_E_LIMIT);
			o = realloc(x->sst_off, na * sizeof(*o));
			if (!o)
				return sst_limit(x, LT_E_NOMEM);
			x->sst.max -= (na - x->asst) * sizeof(*o);
			x->sst_off = o;
			x->asst = na;
		}
		x->sst_off[x->nsst++] = (uint32_t)x->sst_start;
		x->sst_off[x->nsst] = (uint32_t)x->sst.len;
		x->sst_in_si = false;
		x->sst_collect = false;
	}
	return 0;
}

static int sst_text(void *u, const char *s, size_t len)
{
	struct xl *x = u;
	int rc;

	if (!x->sst_collect)
		return 0;
	rc = lt_ooxml_buf_add(&x->sst, s, len);
	return rc ? sst_limit(x, rc) : 0;
}

/* ---- sheets ------------------------------------------------------------- */

/* The column of a reference ("C5" -> 3), 0 if it has none. */
static uint32_t ref_col(const char *s, size_t n)
{
	uint32_t c = 0;
	size_t i = 0;

	for (; i < n; i++) {
		char ch = s[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch < 'A' || ch > 'Z')
			break;
		c = c * 26 + (uint32_t)(ch - 'A' + 1);
		if (c > MAX_COL_REF)
			c = MAX_COL_REF;
	}
	if (!i || i == n || s[i] < '0' || s[i] > '9')
		return 0;
	return c;
}

static int row_limit(struct xl *x, int rc)
{
	if (rc == LT_E_NOMEM)
		return lt_err_set(x->err, LT_E_NOMEM, "out of memory");
	return lt_err_set(x->err, LT_E_LIMIT, "sheet '%s' row %" PRIu64
			  ": more than %zu bytes of text", x->shown, x->row_no,
			  LT_OOXML_MAX_ROW);
}

/* Empty the slots of a row that was not given (a part broken mid-row). */
static void row_clear(struct xl *x)
{
	uint32_t i;

	for (i = 0; i < x->maxcol; i++) {
		x->slot[i].ext = empty;
		x->slot[i].len = 0;
		x->slot[i].hint = LT_CELL_TEXT;
	}
	x->maxcol = 0;
}

static int row_emit(struct xl *x)
{
	struct lt_row r;
	uint32_t i;
	int rc;

	if (!x->maxcol)
		return 0;
	for (i = 0; i < x->maxcol; i++) {
		struct slot *s = &x->slot[i];
		struct lt_cell *c = &x->cells[i];

		c->text = s->ext ? s->ext : x->row.p + s->off;
		c->len = s->len;
		c->hint = s->hint;
		s->ext = empty;
		s->len = 0;
		s->hint = LT_CELL_TEXT;
	}
	r.sheet = x->sheet;
	r.row = x->row_no;
	r.cells = x->cells;
	r.count = x->maxcol;
	x->maxcol = 0;
	rc = x->sink->row(&r, x->sink->udata);
	if (rc) {
		x->sink_rc = rc;
		return rc;
	}
	x->info->rows++;
	return 0;
}

static void cell_begin(struct xl *x, const struct lt_ooxml_attr *a,
		       size_t count)
{
	size_t i;
	uint64_t v;

	x->in_c = true;
	x->ct = T_N;
	x->style = 0;
	x->col = 0;
	for (i = 0; i < count; i++) {
		const struct lt_ooxml_attr *t = &a[i];

		if (t->plen || t->llen != 1)
			continue;
		switch (t->local[0]) {
		case 'r':
			x->col = ref_col(t->val, t->vlen);
			break;
		case 's':
			if (parse_u64(t->val, t->vlen, &v) && v < UINT32_MAX)
				x->style = (uint32_t)v;
			break;
		case 't':
			if (t->vlen == 1 && t->val[0] == 's')
				x->ct = T_S;
			else if (t->vlen == 1 && t->val[0] == 'b')
				x->ct = T_B;
			else if (t->vlen == 1 && t->val[0] == 'e')
				x->ct = T_E;
			else if (t->vlen == 1 && t->val[0] == 'd')
				x->ct = T_D;
			else if (lt_ooxml_is(t->val, t->vlen, "str"))
				x->ct = T_STR;
			else if (lt_ooxml_is(t->val, t->vlen, "inlineStr"))
				x->ct = T_INLINE;
			break;
		}
	}
	if (!x->col)
		x->col = x->prev_col < MAX_COL_REF ? x->prev_col + 1 :
						     MAX_COL_REF;
	x->prev_col = x->col;
	x->cstart = x->row.len;
}

static int cell_end(struct xl *x)
{
	size_t len = x->row.len - x->cstart;
	char *t = x->row.p ? x->row.p + x->cstart : NULL;
	struct slot s = { NULL, x->cstart, 0, LT_CELL_TEXT };
	char date[11];
	uint64_t idx;
	int rc;

	x->in_c = x->in_v = x->in_is = x->in_t = false;
	if (!len)
		return 0;
	switch (x->ct) {
	case T_S:
		x->row.len = x->cstart;
		if (!parse_u64(t, len, &idx))
			return 0;
		if (idx >= x->nsst) {
			if (!x->sst_have)
				x->sst_dangling++;
			else
				lt_ooxml_warn(x->z, "sheet '%s' row %" PRIu64
					      ": shared string %" PRIu64
					      " of %zu", x->shown, x->row_no,
					      idx, x->nsst);
			return 0;
		}
		s.ext = x->sst.p + x->sst_off[idx];
		s.len = x->sst_off[idx + 1] - x->sst_off[idx] - 1;
		break;
	case T_B:
		x->row.len = x->cstart;
		if (!len)
			return 0;
		s.ext = len == 1 && t[0] == '0' ? "FALSE" :
			len == 1 && t[0] == '1' ? "TRUE" : NULL;
		if (!s.ext)
			return 0;
		s.len = strlen(s.ext);
		break;
	case T_N:
		if (!len)
			return 0;
		s.hint = LT_CELL_NUMBER;
		s.len = len;
		if (x->style < x->nxf && x->xf_date[x->style] &&
		    lt_xlsx_serial_date(t, len, x->date1904, date)) {
			x->row.len = x->cstart;
			if ((rc = lt_ooxml_buf_add(&x->row, date, 10)))
				return row_limit(x, rc);
			s.hint = LT_CELL_DATE;
			s.len = 10;
		}
		break;
	case T_D:
		if (!len)
			return 0;
		s.len = len;
		if (iso_date(t, len)) {
			s.hint = LT_CELL_DATE;
			s.len = 10;
		}
		break;
	default: /* str, inlineStr, e */
		s.len = lt_ooxml_unescape(t, len);
		x->row.len = x->cstart + s.len;
		break;
	}
	if (!s.len) {
		x->row.len = x->cstart;
		return 0;
	}
	if (x->col > LT_OOXML_MAX_COLS)
		return lt_err_set(x->err, LT_E_LIMIT, "sheet '%s' row %" PRIu64
				  ": a cell right of column %d", x->shown,
				  x->row_no, LT_OOXML_MAX_COLS);
	if (!s.ext) {
		x->row.len = x->cstart + s.len;
		if ((rc = lt_ooxml_buf_add(&x->row, "", 1)))
			return row_limit(x, rc);
	}
	x->slot[x->col - 1] = s;
	if (x->col > x->maxcol)
		x->maxcol = x->col;
	return 0;
}

static int sh_start(void *u, const char *name, size_t len,
		    const struct lt_ooxml_attr *a, size_t count)
{
	struct xl *x = u;
	const char *v;
	size_t vl;
	uint64_t r;

	if (!x->in_data) {
		if (lt_ooxml_is(name, len, "sheetData"))
			x->in_data = true;
		return 0;
	}
	if (x->in_c) {
		if (len == 1 && name[0] == 'v') {
			x->in_v = x->ct != T_INLINE;
		} else if (len == 2 && name[0] == 'i' && name[1] == 's') {
			x->in_is = x->ct == T_INLINE;
			x->rph = 0;
		} else if (x->in_is && len == 1 && name[0] == 't') {
			x->in_t = !x->rph;
		} else if (x->in_is && lt_ooxml_is(name, len, "rPh")) {
			x->rph++;
			x->in_t = false;
		}
		return 0;
	}
	if (len == 1 && name[0] == 'c') {
		if (x->in_row)
			cell_begin(x, a, count);
		return 0;
	}
	if (lt_ooxml_is(name, len, "row")) {
		row_clear(x);
		x->in_row = true;
		x->prev_col = 0;
		x->row.len = 0;
		if (lt_ooxml_attr_get(a, count, "r", &v, &vl) &&
		    parse_u64(v, vl, &r) && r > 0)
			x->row_no = r;
		else
			x->row_no = x->prev_row + 1;
		x->prev_row = x->row_no;
	}
	return 0;
}

static int sh_end(void *u, const char *name, size_t len)
{
	struct xl *x = u;

	if (!x->in_data)
		return 0;
	if (x->in_c) {
		if (len == 1 && name[0] == 'c')
			return cell_end(x);
		if (len == 1 && name[0] == 'v')
			x->in_v = false;
		else if (len == 1 && name[0] == 't')
			x->in_t = false;
		else if (len == 2 && name[0] == 'i' && name[1] == 's')
			x->in_is = false;
		else if (lt_ooxml_is(name, len, "rPh") && x->rph)
			x->rph--;
		return 0;
	}
	if (lt_ooxml_is(name, len, "row")) {
		x->in_row = false;
		return row_emit(x);
	}
	if (lt_ooxml_is(name, len, "sheetData"))
		x->in_data = false;
	return 0;
}

static int sh_text(void *u, const char *s, size_t len)
{
	struct xl *x = u;
	int rc;

	if (!x->in_v && !x->in_t)
		return 0;
	rc = lt_ooxml_buf_add(&x->row, s, len);
	return rc ? row_limit(x, rc) : 0;
}

/* ---- the workbook ------------------------------------------------------- */

static bool fatal(int code)
{
	return code != LT_E_CORRUPT && code != LT_E_UNSUPPORTED;
}

/* Keep the first error of a part in the caller's record; whether to stop. */
static bool keep(struct lt_err *err, const struct lt_err *e)
{
	if (e->code)
		lt_err_set(err, e->code, "%s", e->msg);
	return e->code && fatal(e->code);
}

static int read_sheet(struct xl *x, const struct sheet *s, struct lt_err *e)
{
	static const struct lt_ooxml_handler h = { sh_start, sh_end, sh_text };
	int rc;

	x->sheet = x->names.p + s->name;
	lt_ooxml_shown(x->sheet, x->shown);
	x->in_data = x->in_row = x->in_c = false;
	x->in_v = x->in_is = x->in_t = false;
	x->prev_row = 0;
	row_clear(x);
	x->err = e;
	rc = x->sink->table_begin(x->sheet, x->sink->udata);
	if (rc) {
		x->sink_rc = rc;
		return rc;
	}
	x->info->tables++;
	rc = lt_ooxml_parse(x->z, x->names.p + s->part, &h, x, e);
	if (x->sink_rc)
		return x->sink_rc;
	if (rc && !e->code) /* a handler's code without a message */
		lt_err_set(e, (enum lt_code)rc, "sheet '%s'", x->shown);
	else if (rc)
		lt_err_prefix(e, "sheet '%s'", x->shown);
	rc = x->sink->table_end(x->sink->udata);
	if (rc) {
		x->sink_rc = rc;
		return rc;
	}
	return LT_OK;
}

static int extract(struct xl *x, const struct lt_scan_input *in,
		   struct lt_err *err)
{
	static const struct lt_ooxml_handler wbh = { wb_start, wb_end, NULL };
	static const struct lt_ooxml_handler sth = { st_start, st_end, NULL };
	static const struct lt_ooxml_handler ssh = { sst_start, sst_end,
						     sst_text };
	struct lt_ooxml_rels rels;
	const struct lt_ooxml_rel *r;
	struct lt_err e = LT_ERR_INIT, erel = LT_ERR_INIT;
	struct wb_state w;
	char part[LT_OOXML_PART_MAX], shown[LT_OOXML_SHOWN];
	bool missing, guess = false;
	const char *slash;
	size_t i, n;
	int rc;

	memset(&rels, 0, sizeof(rels));
	x->err = err;
	LT_TRY(lt_ooxml_zip_open(in, x->info->warning,
				 sizeof(x->info->warning), &x->z, err));
	LT_TRY(lt_ooxml_main_part(x->z, "xl/workbook.xml", x->wb, err));
	n = strlen(x->wb);
	lt_ooxml_shown(x->wb, shown);
	if (n > 4 && !strcasecmp(x->wb + n - 4, ".bin"))
		return lt_err_set(err, LT_E_UNSUPPORTED, "an xlsb workbook "
				  "('%s'): binary parts are not read", shown);
	slash = strrchr(x->wb, '/');
	n = slash ? (size_t)(slash + 1 - x->wb) : 0;
	memcpy(x->wbdir, x->wb, n);
	x->wbdir[n] = '\0';

	/* the workbook and its relationships: without them, the sheets are
	 * found by part name */
	rc = lt_ooxml_rels_load(x->z, x->wb, &rels, &missing, &erel);
	if (!rc && missing)
		lt_err_set(&erel, LT_E_CORRUPT, "the relationships of '%s' are "
			   "missing", shown);
	if (erel.code && fatal(erel.code)) {
		keep(err, &erel);
		goto out;
	}
	guess = erel.code != LT_OK;
	memset(&w, 0, sizeof(w));
	w.x = x;
	w.rels = &rels;
	x->err = &e;
	rc = lt_ooxml_parse(x->z, x->wb, &wbh, &w, &e);
	if (w.depth_max && !x->is_workbook) {
		lt_err_set(err, LT_E_CORRUPT, "'%s' is not a workbook", shown);
		goto out;
	}
	if (keep(err, &erel) || keep(err, &e))
		goto out;
	/* a broken workbook: the sheets named before the damage */
	if (e.code && !x->nsheets)
		guess = true;
	x->err = err;
	if (guess && guess_sheets(x))
		goto out;

	/* styles: without them numbers stay numbers */
	r = lt_ooxml_rels_by_type(&rels, "styles");
	if (r)
		snprintf(part, sizeof(part), "%s", r->target);
	else
		snprintf(part, sizeof(part), "%sstyles.xml", x->wbdir);
	lt_err_clear(&e);
	x->err = &e;
	if (lt_ooxml_zip_has(x->z, part)) {
		if (lt_ooxml_parse(x->z, part, &sth, x, &e)) {
			if (fatal(e.code)) {
				keep(err, &e);
				goto out;
			}
			lt_ooxml_warn(x->z, "dates may be read as numbers: %s",
				      e.msg);
		}
	}
	x->err = err;
	rc = styles_finish(x);
	if (rc)
		goto out;

	/* shared strings */
	r = lt_ooxml_rels_by_type(&rels, "sharedStrings");
	if (r)
		snprintf(x->sst_part, sizeof(x->sst_part), "%s", r->target);
	else
		snprintf(x->sst_part, sizeof(x->sst_part),
			 "%ssharedStrings.xml", x->wbdir);
	lt_err_clear(&e);
	x->err = &e;
	if (lt_ooxml_zip_has(x->z, x->sst_part)) {
		x->sst_have = true;
		rc = lt_ooxml_parse(x->z, x->sst_part, &ssh, x, &e);
		if (rc && !e.code)
			lt_err_set(&e, (enum lt_code)rc, "shared strings");
		/* the strings read before the damage are kept */
		if (keep(err, &e))
			goto out;
	}

	for (i = 0; i < x->nsheets; i++) {
		lt_err_clear(&e);
		rc = read_sheet(x, &x->sheets[i], &e);
		if (rc)
			goto out;
		if (keep(err, &e))
			goto out;
	}
	if (x->sst_dangling) {
		lt_ooxml_shown(x->sst_part, shown);
		lt_err_set(err, LT_E_CORRUPT, "part '%s' is missing: %" PRIu64
			   " cells refer to its shared strings", shown,
			   x->sst_dangling);
	}
out:
	lt_ooxml_rels_release(&rels);
	if (x->sink_rc)
		return x->sink_rc;
	return err->code;
}

int lt_extract_xlsx(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err)
{
	struct xl x;
	int rc;
	uint32_t i;

	memset(info, 0, sizeof(*info));
	snprintf(info->encoding, sizeof(info->encoding), "UTF-8");
	snprintf(info->layout, sizeof(info->layout), "xlsx");
	if (!in || !sink || (!in->data && !in->read))
		return lt_err_set(err, LT_E_ARG, "xlsx extractor: no input");
	memset(&x, 0, sizeof(x));
	x.sink = sink;
	x.info = info;
	x.names.max = (size_t)16 << 20;
	x.sst.max = LT_XLSX_MAX_SST;
	x.row.max = LT_OOXML_MAX_ROW;
	x.slot = lt_calloc(LT_OOXML_MAX_COLS, sizeof(*x.slot));
	x.cells = lt_calloc(LT_OOXML_MAX_COLS, sizeof(*x.cells));
	if (!x.slot || !x.cells) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
	} else {
		for (i = 0; i < LT_OOXML_MAX_COLS; i++)
			x.slot[i].ext = empty;
		rc = extract(&x, in, err);
	}
	lt_ooxml_zip_close(x.z);
	free(x.sheets);
	free(x.names.p);
	free(x.fmt_id);
	free(x.fmt_date);
	free(x.xf_fmt);
	free(x.xf_date);
	free(x.sst.p);
	free(x.sst_off);
	free(x.row.p);
	free(x.slot);
	free(x.cells);
	return rc;
}
