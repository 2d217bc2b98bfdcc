// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xls extractor: BIFF5/BIFF8 workbooks through freexl (extract.h has
 * the contract).
 *
 * freexl 1.0.6 trusts its input: it copies records into an 8224-byte buffer
 * whatever their length, allocates rows x columns cells per sheet from the
 * DIMENSIONS record (a 32-bit product, so it can also wrap to a small
 * buffer that the initialisation loop then overruns), indexes an 8192-entry
 * XF table with a 16-bit counter, fails on the mini stream SheetJS uses for
 * small workbooks, and converts each date serial by counting days one at a
 * time.  So before freexl sees anything, the Workbook stream is read with
 * our compound-file reader (scanners/detect/cfb.c) and every record goes
 * through a check that models what freexl will do with it
 * (lt_xls_biff_check()).  Reading a record, freexl fills the start of its
 * buffer and leaves the rest as the previous records left it; fields read
 * past a short record come from there.  The check keeps such a "shadow"
 * buffer too, so it sees the same values.
 *
 * Only the checked records are copied, in order, into a memfd holding a
 * compound file of our own: a version-4 header, the stream in consecutive
 * 4096-byte sectors (at least 4097 bytes, so freexl never takes the mini
 * stream path), the FAT, one directory sector.  freexl opens it as
 * /proc/self/fd/N: no content reaches the disk and freexl's CFB code never
 * meets a hostile container.
 */
#include "triage/core/compat.h"

#include <fcntl.h>
#include <freexl.h>
#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "scanners/detect/cfb.h"

#define REC_MAX 8224u       /* freexl's record buffer */
#define XF_MAX 8192u        /* freexl's XF table */
#define SHEETS_MAX 65535u   /* freexl's sheet index is 16 bits */
#define OUT_SECTOR 4096u
#define RD_CHUNK ((size_t)64 << 10)

enum {
	R_FORMULA = 0x0006, R_EOF = 0x000a, R_FILEPASS = 0x002f,
	R_CODEPAGE = 0x0042, R_BOUNDSHEET = 0x0085, R_MULRK = 0x00bd,
	R_MULBLANK = 0x00be, R_RSTRING = 0x00d6, R_XF = 0x00e0,
	R_SST = 0x00fc, R_LABELSST = 0x00fd, R_DIMENSIONS = 0x0200,
	R_BLANK = 0x0201, R_NUMBER = 0x0203, R_LABEL = 0x0204,
	R_BOOLERR = 0x0205, R_RK = 0x027e, R_FORMAT = 0x041e, R_BOF = 0x0809,
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* --- the check ---------------------------------------------------------- */

struct sheet_ref {
	uint32_t off;            /* lbPlyPos: where its BOF is */
	bool declared;           /* its substream had a DIMENSIONS */
};

struct biff {
	uint8_t rec[REC_MAX];    /* the shadow of freexl's record buffer */
	uint64_t stream_len;
	unsigned version;
	bool encrypted;
	uint16_t codepage;
	/* sheets: BOUNDSHEET offsets (sorted at the first sheet BOF) */
	struct sheet_ref *sheet;
	uint32_t nsheets, sheets_cap;
	bool sorted;
	/* the current substream */
	bool in_sheet;           /* after a BOF other than the first */
	int sheet_idx;           /* matched BOUNDSHEET, or -1 */
	bool sub_dim;
	uint64_t sub_rows, sub_cols; /* freexl's rows/columns of the sheet */
	uint64_t max_cells;      /* largest (rows + 1) x (cols + 1) seen */
	uint64_t dim_cells;      /* every DIMENSIONS allocation */
	uint32_t declared;       /* sheets with a DIMENSIONS */
	/* dates */
	uint32_t nxf;
	uint16_t xf_fmt[XF_MAX];
	uint8_t fmt_date[65536 / 8];
	uint64_t date_days;
};

static int too_large(uint64_t rows, uint64_t cols, struct lt_err *err)
{
	return lt_err_set(err, LT_E_LIMIT,
			  "sheet dimensions %" PRIu64 " x %" PRIu64
			  " too large (at most %" PRIu64 " cells)",
			  rows, cols, LT_XLS_MAX_CELLS);
}

/* The end of a substream: the size freexl would give the sheet. */
static int sub_end(struct biff *b, struct lt_err *err)
{
	uint64_t c = (b->sub_rows + 1) * (b->sub_cols + 1);

	if (!b->in_sheet)
		return LT_OK;
	if (!b->sub_dim && c > LT_XLS_MAX_CELLS)
		return too_large(b->sub_rows + 1, b->sub_cols + 1, err);
	if (c > b->max_cells)
		b->max_cells = c;
	b->in_sheet = false;
	return LT_OK;
}

static int cmp_sheet(const void *a, const void *b)
{
	const struct sheet_ref *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

static int sheet_find(struct biff *b, uint32_t off)
{
	uint32_t lo = 0, hi = b->nsheets;

	if (!b->sorted) {
		if (b->nsheets)
			qsort(b->sheet, b->nsheets, sizeof(*b->sheet),
			      cmp_sheet);
		b->sorted = true;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (b->sheet[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the first of equal offsets: the others stay undeclared, which
	 * only overestimates freexl's allocations */
	return lo < b->nsheets && b->sheet[lo].off == off ? (int)lo : -1;
}

/* Is a FORMAT string a date or date-time for freexl?  It counts the
 * letters y, m, d, h (either case): date when m and (y or d). */
static bool date_format(const uint8_t *s, size_t n, unsigned step)
{
	bool y = false, m = false, d = false;
	size_t i;

	for (i = 0; i + step <= n; i += step) {
		unsigned c = s[i];

		if (step == 2 && s[i + 1])
			continue;
		c |= 0x20;
		y |= c == 'y';
		m |= c == 'm';
		d |= c == 'd';
	}
	return m && (y || d);
}

static bool xf_is_date(const struct biff *b, unsigned xf)
{
	unsigned f;

	if (xf >= b->nxf)
		return false;
	f = b->xf_fmt[xf];
	if ((f >= 14 && f <= 17) || f == 22)
		return true;
	return b->fmt_date[f / 8] & (1u << (f % 8));
}

/* Account for a date cell with value v: freexl loops floor(v) times for
 * values it can hold in an int. */
static int date_cost(struct biff *b, unsigned xf, double v,
		     struct lt_err *err)
{
	if (!xf_is_date(b, xf) || !(v >= 1.0) || v >= 2147483648.0)
		return LT_OK;
	b->date_days += (uint64_t)v;
	if (b->date_days > LT_XLS_MAX_DATE_DAYS)
		return lt_err_set(err, LT_E_LIMIT,
				  "date cells need over %" PRIu64
				  " days of conversion (freexl counts them "
				  "one by one)",
				  LT_XLS_MAX_DATE_DAYS);
	return LT_OK;
}

static double rk_value(uint32_t rk)
{
	double v;

	if (rk & 2) {
		v = (double)((int32_t)rk >> 2);
	} else {
		uint64_t bits = (uint64_t)(rk & 0xfffffffcu) << 32;

		memcpy(&v, &bits, 8);
	}
	return rk & 1 ? v / 100 : v;
}

static double f64(const uint8_t *p)
{
	uint64_t bits = (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
	double v;

	memcpy(&v, &bits, 8);
	return v;
}

/* A cell at (row, col): grows the sheet when it has no DIMENSIONS. */
static void cell_at(struct biff *b, uint64_t row, uint64_t col)
{
	if (!b->in_sheet || b->sub_dim)
		return;
	if (row > b->sub_rows)
		b->sub_rows = row;
	if (col > b->sub_cols)
		b->sub_cols = col;
}

static int add_sheet(struct biff *b, uint32_t off, struct lt_err *err)
{
	if (b->nsheets == SHEETS_MAX)
		return lt_err_set(err, LT_E_LIMIT, "more than %u sheets",
				  SHEETS_MAX);
	if (b->nsheets == b->sheets_cap) {
		uint32_t cap = b->sheets_cap ? 2 * b->sheets_cap : 16;
		struct sheet_ref *n = realloc(b->sheet, cap * sizeof(*n));

		if (!n)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		b->sheet = n;
		b->sheets_cap = cap;
	}
	b->sheet[b->nsheets].off = off;
	b->sheet[b->nsheets++].declared = false;
	b->sorted = false;
	return LT_OK;
}

/* One record (its data already in b->rec), at offset off. */
static int record(struct biff *b, unsigned type, unsigned n, uint64_t off,
		  struct lt_err *err)
{
	const uint8_t *r = b->rec;
	uint64_t rows, cols;
	unsigned i;
	int rc;

	switch (type) {
	case R_BOF:
		LT_TRY(sub_end(b, err));
		b->in_sheet = true;
		b->sheet_idx = sheet_find(b, (uint32_t)off);
		b->sub_dim = false;
		b->sub_rows = b->sub_cols = 0;
		return LT_OK;
	case R_EOF:
		return sub_end(b, err);
	case R_FILEPASS:
		b->encrypted = true;
		return LT_OK;
	case R_CODEPAGE:
		b->codepage = le16(r);
		return LT_OK;
	case R_BOUNDSHEET:
		return add_sheet(b, le32(r), err);
	case R_DIMENSIONS:
		if (n < (b->version == 8 ? 14u : 10u))
			return lt_err_set(err, LT_E_CORRUPT,
					  "DIMENSIONS record of %u bytes at "
					  "offset %" PRIu64,
					  n, off);
		if (b->version == 8) {
			rows = le32(r + 4);
			cols = le16(r + 10);
		} else {
			rows = le16(r + 2);
			cols = le16(r + 6);
		}
		/* freexl loops over the rows even with no column */
		if (LT_MAX(rows, 1) * LT_MAX(cols, 1) > LT_XLS_MAX_CELLS)
			return too_large(rows, cols, err);
		b->dim_cells += LT_MAX(rows, 1) * LT_MAX(cols, 1);
		if (b->in_sheet) {
			b->sub_dim = true;
			b->sub_rows = rows;
			b->sub_cols = cols;
			if (b->sheet_idx >= 0 &&
			    !b->sheet[b->sheet_idx].declared) {
				b->sheet[b->sheet_idx].declared = true;
				b->declared++;
			}
		}
		return LT_OK;
	case R_XF:
		if (b->nxf == XF_MAX)
			return lt_err_set(err, LT_E_CORRUPT,
					  "more than %u XF records", XF_MAX);
		b->xf_fmt[b->nxf++] = le16(r + 2);
		return LT_OK;
	case R_FORMAT: {
		unsigned ifmt = le16(r), cch, step;
		bool date;

		if (b->version == 8) {
			cch = le16(r + 2);
			step = r[4] & 1 ? 2 : 1;
			date = date_format(r + 5,
					   LT_MIN(step * cch, REC_MAX - 5),
					   step);
		} else {
			cch = r[2];
			date = date_format(r + 3, cch, 1);
		}
		if (date)
			b->fmt_date[ifmt / 8] |= (uint8_t)(1u << (ifmt % 8));
		return LT_OK;
	}
	case R_SST:
		if (b->version == 8 && le32(r + 4) > b->stream_len / 3 + 1)
			return lt_err_set(err, LT_E_CORRUPT,
					  "SST claims %" PRIu32
					  " strings in a stream of %" PRIu64
					  " bytes",
					  le32(r + 4), b->stream_len);
		return LT_OK;
	case R_NUMBER:
		cell_at(b, le16(r), le16(r + 2));
		return date_cost(b, le16(r + 4), f64(r + 6), err);
	case R_FORMULA:
		cell_at(b, le16(r), le16(r + 2));
		if (le16(r + 12) == 0xffff)
			return LT_OK; /* a string, boolean or error result */
		return date_cost(b, le16(r + 4), f64(r + 6), err);
	case R_RK:
		cell_at(b, le16(r), le16(r + 2));
		return date_cost(b, le16(r + 4), rk_value(le32(r + 6)), err);
	case R_MULRK:
	case R_MULBLANK: {
		unsigned first = le16(r + 2), per = type == R_MULRK ? 6 : 2;
		unsigned count = n >= 6 ? (n - 6) / per : 0;

		cell_at(b, le16(r), first + (count ? count - 1 : 0));
		if (n >= 6)
			cell_at(b, le16(r), le16(r + n - 2));
		if (type == R_MULBLANK)
			return LT_OK;
		for (i = 0; i < count; i++) {
			rc = date_cost(b, le16(r + 4 + 6 * i),
				       rk_value(le32(r + 6 + 6 * i)), err);
			if (rc)
				return rc;
		}
		return LT_OK;
	}
	case R_LABELSST:
	case R_LABEL:
	case R_RSTRING:
	case R_BLANK:
	case R_BOOLERR:
		cell_at(b, le16(r), le16(r + 2));
		return LT_OK;
	default:
		return LT_OK;
	}
}

/* A source of stream bytes for the check: memory or a CFB stream. */
struct rd {
	const uint8_t *mem;
	struct lt_cfb_stream *s;
	uint64_t size;
	uint8_t *buf;            /* RD_CHUNK bytes when reading a stream */
	uint64_t boff;
	size_t blen;
};

/* n bytes at off into dst (n <= REC_MAX + 4): false when past the end. */
static int rd_get(struct rd *r, uint64_t off, uint8_t *dst, size_t n,
		  struct lt_err *err)
{
	if (off > r->size || n > r->size - off)
		return LT_E_NOTFOUND;
	if (r->mem) {
		memcpy(dst, r->mem + off, n);
		return LT_OK;
	}
	if (off < r->boff || off + n > r->boff + r->blen) {
		size_t got = 0;
		int rc = lt_cfb_stream_read(r->s, off, r->buf, RD_CHUNK, &got,
					    err);

		if (rc)
			return rc;
		r->boff = off;
		r->blen = got;
		if (got < n)
			return LT_E_NOTFOUND;
	}
	memcpy(dst, r->buf + (off - r->boff), n);
	return LT_OK;
}

/* Where the checked records go: the memfd, buffered. */
struct out {
	int fd;
	uint64_t pos; /* file offset of the next byte */
	uint8_t buf[RD_CHUNK];
	size_t len;
};

static int out_flush(struct out *o, struct lt_err *err)
{
	size_t done = 0;

	while (done < o->len) {
		ssize_t w = pwrite(o->fd, o->buf + done, o->len - done,
				   (off_t)(o->pos + done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return lt_err_set(err, LT_E_IO,
					  "cannot write the workbook copy: %s",
					  w < 0 ? strerror(errno)
						: "short write");
		done += (size_t)w;
	}
	o->pos += o->len;
	o->len = 0;
	return LT_OK;
}

static int out_add(struct out *o, const uint8_t *p, size_t n,
		   struct lt_err *err)
{
	if (!o)
		return LT_OK;
	if (o->len + n > sizeof(o->buf))
		LT_TRY(out_flush(o, err));
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return LT_OK;
}

static int biff_run(struct biff *b, struct rd *r, struct out *o,
		    struct lt_xls_biff *res, struct lt_err *err)
{
	uint64_t off = 0, undeclared;
	uint8_t hdr[4];
	int rc;

	b->stream_len = r->size;
	for (;;) {
		unsigned type, n;

		rc = rd_get(r, off, hdr, 4, err);
		if (rc == LT_E_NOTFOUND)
			break; /* fewer than 4 bytes left: the end */
		if (rc)
			return rc;
		type = le16(hdr);
		n = le16(hdr + 2);
		if (!type && !n)
			break; /* freexl's end mark */
		if (n > REC_MAX)
			return lt_err_set(err, LT_E_CORRUPT,
					  "BIFF record 0x%04x at offset "
					  "%" PRIu64 ": length %u (at most %u)",
					  type, off, n, REC_MAX);
		rc = rd_get(r, off + 4, b->rec, n, err);
		if (rc == LT_E_NOTFOUND)
			return lt_err_set(err, LT_E_CORRUPT,
					  "BIFF record 0x%04x at offset "
					  "%" PRIu64 ": length %u runs past "
					  "the end of the stream (%" PRIu64
					  " bytes)",
					  type, off, n, r->size);
		if (rc)
			return rc;
		if (off == 0) {
			unsigned v = le16(b->rec);

			if (type != R_BOF || (v != 0x0600 && v != 0x0500))
				return lt_err_set(err, LT_E_CORRUPT,
						  "not a BIFF5/BIFF8 workbook "
						  "stream (first record "
						  "0x%04x, version 0x%04x)",
						  type, v);
			b->version = v == 0x0600 ? 8 : 5;
		} else {
			rc = record(b, type, n, off, err);
			if (rc)
				return rc;
		}
		LT_TRY(out_add(o, hdr, 4, err));
		LT_TRY(out_add(o, b->rec, n, err));
		off += 4 + n;
		if (b->encrypted)
			break; /* what follows is encrypted */
	}
	if (!b->version)
		return lt_err_set(err, LT_E_CORRUPT, "empty workbook stream");
	LT_TRY(sub_end(b, err));
	/* every sheet without a DIMENSIONS costs freexl one more allocation
	 * of the active sheet's size when it opens the workbook */
	undeclared = b->nsheets - b->declared;
	if (b->max_cells && undeclared > LT_XLS_MAX_CELLS / b->max_cells + 1)
		return lt_err_set(err, LT_E_LIMIT,
				  "%" PRIu64 " sheets without dimensions",
				  undeclared);
	res->cells = b->dim_cells + undeclared * b->max_cells;
	if (res->cells > LT_XLS_MAX_CELLS)
		return lt_err_set(err, LT_E_LIMIT,
				  "sheet dimensions total %" PRIu64
				  " cells: too many (at most %" PRIu64 ")",
				  res->cells, LT_XLS_MAX_CELLS);
	res->version = b->version;
	res->encrypted = b->encrypted;
	res->sheets = b->nsheets;
	res->date_days = b->date_days;
	res->end = off;
	res->codepage = b->codepage;
	return LT_OK;
}

static int biff_check(struct rd *r, struct out *o, struct lt_xls_biff *out,
		      struct lt_err *err)
{
	struct biff *b = lt_calloc(1, sizeof(*b));
	struct lt_xls_biff res;
	int rc;

	if (!b)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	memset(&res, 0, sizeof(res));
	rc = biff_run(b, r, o, &res, err);
	free(b->sheet);
	free(b);
	if (!rc)
		*out = res;
	return rc;
}

int lt_xls_biff_check(const uint8_t *p, size_t len, struct lt_xls_biff *out,
		      struct lt_err *err)
{
	struct rd r = { .mem = p, .size = len };

	return biff_check(&r, NULL, out, err);
}

/* --- the container for freexl ------------------------------------------- */

/*
 * The compound file around `len` stream bytes already written at offset
 * OUT_SECTOR: zeros after them (freexl's end mark), the FAT, one directory
 * sector, then the header.
 */
static int out_finish(struct out *o, uint64_t len, struct lt_err *err)
{
	uint64_t size = LT_MAX(len + 4, (uint64_t)OUT_SECTOR + 1);
	uint32_t per = OUT_SECTOR / 4, s, f, i, dir;
	uint8_t *sec = NULL;
	uint64_t at;
	int rc = LT_OK;

	s = (uint32_t)((size + OUT_SECTOR - 1) / OUT_SECTOR);
	for (f = 1; (uint64_t)f * per < (uint64_t)s + f + 1; f++)
		;
	if (f > 109)
		return lt_err_set(err, LT_E_LIMIT, "workbook stream too large");
	dir = s + f;
	sec = lt_calloc(1, OUT_SECTOR);
	if (!sec)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	/* the FAT */
	for (i = 0; i < f * per; i++) {
		uint32_t v = 0xffffffffu;

		if (i + 1 < s)
			v = i + 1;
		else if (i + 1 == s || i == dir)
			v = 0xfffffffeu;
		else if (i >= s && i < dir)
			v = 0xfffffffdu;
		put32(sec + 4 * (i % per), v);
		if (i % per == per - 1) {
			o->pos = (uint64_t)(s + i / per + 1) * OUT_SECTOR;
			memcpy(o->buf, sec, OUT_SECTOR);
			o->len = OUT_SECTOR;
			rc = out_flush(o, err);
			if (rc)
				goto out;
		}
	}
	/* the directory: Root Entry and Workbook */
	memset(sec, 0, OUT_SECTOR);
	for (i = 0; i < OUT_SECTOR / 128; i++) {
		uint8_t *e = sec + 128 * i;

		put32(e + 68, 0xffffffffu);
		put32(e + 72, 0xffffffffu);
		put32(e + 76, 0xffffffffu);
	}
	{
		static const char root[] = "Root Entry", wb[] = "Workbook";
		uint8_t *e = sec;

		for (i = 0; root[i]; i++)
			put16(e + 2 * i, (uint8_t)root[i]);
		put16(e + 64, 2 * (sizeof(root)));
		e[66] = 5;
		e[67] = 1;
		put32(e + 76, 1);
		put32(e + 116, 0xfffffffeu);
		e = sec + 128;
		for (i = 0; wb[i]; i++)
			put16(e + 2 * i, (uint8_t)wb[i]);
		put16(e + 64, 2 * (sizeof(wb)));
		e[66] = 2;
		e[67] = 1;
		put32(e + 116, 0);
		put32(e + 120, (uint32_t)size);
	}
	o->pos = (uint64_t)(dir + 1) * OUT_SECTOR;
	memcpy(o->buf, sec, OUT_SECTOR);
	o->len = OUT_SECTOR;
	rc = out_flush(o, err);
	if (rc)
		goto out;
	/* the header */
	memset(sec, 0, OUT_SECTOR);
	memcpy(sec, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	put16(sec + 0x18, 0x3e);
	put16(sec + 0x1a, 4);
	put16(sec + 0x1c, 0xfffe);
	put16(sec + 0x1e, 12);
	put16(sec + 0x20, 6);
	put32(sec + 0x28, 1);          /* directory sectors */
	put32(sec + 0x2c, f);          /* FAT sectors */
	put32(sec + 0x30, dir);
	put32(sec + 0x38, 4096);       /* mini stream cutoff */
	put32(sec + 0x3c, 0xfffffffeu);
	put32(sec + 0x44, 0xfffffffeu);
	for (i = 0; i < 109; i++)
		put32(sec + 0x4c + 4 * i, i < f ? s + i : 0xffffffffu);
	o->pos = 0;
	memcpy(o->buf, sec, OUT_SECTOR);
	o->len = OUT_SECTOR;
	rc = out_flush(o, err);
	if (rc)
		goto out;
	/* zeros after the stream: the file ends after the directory */
	at = (uint64_t)(dir + 2) * OUT_SECTOR;
	if (ftruncate(o->fd, (off_t)at) < 0)
		rc = lt_err_set(err, LT_E_IO,
				"cannot size the workbook copy: %s",
				strerror(errno));
out:
	free(sec);
	return rc;
}

/* --- extraction --------------------------------------------------------- */

static const char *fx_error(int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
	case FREEXL_INVALID_CFBF_HEADER: return "invalid CFBF header";
	case FREEXL_CFBF_READ_ERROR: return "CFBF read error";
	case FREEXL_BIFF_INVALID_BOF: return "invalid BOF record";
	case FREEXL_BIFF_INVALID_SST: return "invalid shared string table";
	case FREEXL_BIFF_ILLEGAL_SST_INDEX: return "bad shared string index";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "no workbook";
	case FREEXL_INVALID_CHARACTER: return "invalid character";
	case FREEXL_UNSUPPORTED_CHARSET: return "unsupported code page";
	case FREEXL_ILLEGAL_CELL_ROW_COL: return "cell outside the sheet";
	case FREEXL_ILLEGAL_RK_VALUE: return "bad RK value";
	case FREEXL_CRAFTED_FILE: return "crafted file";
	default: return "error";
	}
}

/* The shortest text that reads back as the same double. */
static void fmt_double(double v, char *out, size_t cap)
{
	int prec;

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, cap, "%.0f", v);
		if (!strcmp(out, "-0"))
			snprintf(out, cap, "0");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, cap, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static bool iso_date(const char *s)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return s[10] == '\0' || s[10] == ' ';
}

#define NUM_SLOT 32

struct sheet_buf {
	struct lt_cell *cells;
	char *num;           /* NUM_SLOT bytes per column */
	unsigned cols;
};

static void warn(struct lt_extract_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct lt_extract_info *info, const char *fmt, ...)
{
	va_list ap;

	if (info->warning[0])
		return;
	va_start(ap, fmt);
	vsnprintf(info->warning, sizeof(info->warning), fmt, ap);
	va_end(ap);
}

static int emit_sheet(const void *h, unsigned idx,
		      const struct lt_extract_sink *sink,
		      struct lt_extract_info *info, struct lt_err *err)
{
	const char *name = NULL;
	unsigned rows = 0, r, c;
	unsigned short cols = 0;
	struct sheet_buf sb = { 0 };
	int rc, sc;

	rc = freexl_get_worksheet_name(h, (unsigned short)idx, &name);
	if (rc != FREEXL_OK || !name)
		name = "";
	rc = freexl_select_active_worksheet(h, (unsigned short)idx);
	if (rc == FREEXL_OK)
		rc = freexl_worksheet_dimensions(h, &rows, &cols);
	if (rc != FREEXL_OK)
		return lt_err_set(err, LT_E_DEP,
				  "freexl: sheet %u: %s (%d)", idx,
				  fx_error(rc), rc);
	if ((uint64_t)rows * cols > LT_XLS_MAX_CELLS)
		return lt_err_set(err, LT_E_INTERNAL,
				  "freexl: sheet %u is %u x %u", idx, rows,
				  cols);
	sc = sink->table_begin(name, sink->udata);
	if (sc)
		return sc;
	info->tables++;
	sb.cols = cols;
	sb.cells = lt_calloc(cols ? cols : 1, sizeof(*sb.cells));
	sb.num = lt_calloc(cols ? cols : 1, NUM_SLOT);
	if (!sb.cells || !sb.num) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (r = 0; r < rows && cols; r++) {
		size_t used = 0;
		struct lt_row row;

		for (c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			struct lt_cell *cell = &sb.cells[c];
			char *slot = sb.num + (size_t)c * NUM_SLOT;

			cell->text = "";
			cell->len = 0;
			cell->hint = LT_CELL_TEXT;
			if (freexl_get_cell_value(h, r, (unsigned short)c,
						  &v) != FREEXL_OK) {
				warn(info, "sheet '%s': cell %u,%u unreadable",
				     name, r + 1, c + 1);
				continue;
			}
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(slot, NUM_SLOT, "%d",
					 v.value.int_value);
				cell->text = slot;
				cell->hint = LT_CELL_NUMBER;
				break;
			case FREEXL_CELL_DOUBLE:
				fmt_double(v.value.double_value, slot,
					   NUM_SLOT);
				cell->text = slot;
				cell->hint = LT_CELL_NUMBER;
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_TIME:
				cell->text = v.value.text_value
						     ? v.value.text_value
						     : "";
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
				if (v.value.text_value &&
				    iso_date(v.value.text_value)) {
					memcpy(slot, v.value.text_value, 10);
					slot[10] = '\0';
					cell->text = slot;
					cell->hint = LT_CELL_DATE;
				} else if (v.value.text_value) {
					/* a year past 9999: keep the text */
					cell->text = v.value.text_value;
				}
				break;
			default: /* FREEXL_CELL_NULL */
				break;
			}
			cell->len = strlen(cell->text);
			if (cell->len)
				used = c + 1;
		}
		if (!used)
			continue;
		row.sheet = name;
		row.row = (uint64_t)r + 1;
		row.cells = sb.cells;
		row.count = used;
		sc = sink->row(&row, sink->udata);
		if (sc) {
			free(sb.cells);
			free(sb.num);
			return sc; /* stopped: no table_end */
		}
		info->rows++;
	}
out:
	free(sb.cells);
	free(sb.num);
	sc = sink->table_end(sink->udata);
	return rc ? rc : sc;
}

static bool legacy_biff(const struct lt_scan_input *in)
{
	uint8_t h[4];
	size_t got = 0;
	int rc = LT_OK;
	struct lt_err e = LT_ERR_INIT;

	if (in->size < 4)
		return false;
	if (in->data)
		memcpy(h, in->data, 4);
	else if (!in->read || (rc = in->read(in->src, 0, h, 4, &got, &e)) ||
		 got < 4)
		return false;
	return h[1] <= 0x04 && (h[0] == 0x09) && h[2] >= 4 && !h[3];
}

int lt_extract_xls(const struct lt_scan_input *in,
		   const struct lt_extract_sink *sink,
		   struct lt_extract_info *info, struct lt_err *err)
{
	struct lt_cfb *f = NULL;
	struct lt_cfb_entry e;
	struct lt_cfb_stream *s = NULL;
	struct lt_xls_biff bi;
	struct rd r = { 0 };
	struct out *o = NULL;
	const void *h = NULL;
	char path[64];
	unsigned nsheets = 0, i;
	int rc, fd = -1;

	memset(info, 0, sizeof(*info));
	rc = lt_cfb_open(in, &f, err);
	if (rc) {
		if (rc == LT_E_CORRUPT && legacy_biff(in)) {
			lt_err_clear(err);
			rc = lt_err_set(err, LT_E_UNSUPPORTED,
					"BIFF2-4 worksheet outside a compound "
					"file: not supported");
		}
		return rc;
	}
	rc = lt_cfb_find(f, LT_CFB_ROOT, "Workbook", &e, err);
	if (rc == LT_E_NOTFOUND)
		rc = lt_cfb_find(f, LT_CFB_ROOT, "Book", &e, err);
	if (rc == LT_E_NOTFOUND)
		rc = lt_err_set(err, LT_E_CORRUPT,
				"no Workbook or Book stream");
	if (!rc && e.type != LT_CFB_STREAM)
		rc = lt_err_set(err, LT_E_CORRUPT, "'%s' is not a stream",
				e.name);
	if (!rc && e.size > LT_XLS_MAX_STREAM)
		rc = lt_err_set(err, LT_E_LIMIT,
				"'%s' stream of %" PRIu64
				" bytes (at most %" PRIu64 ")",
				e.name, e.size, LT_XLS_MAX_STREAM);
	if (!rc)
		rc = lt_cfb_stream_open(f, &e, &s, err);
	if (rc)
		goto out;
	fd = memfd_create("leaktriage-xls", MFD_CLOEXEC);
	o = malloc(sizeof(*o));
	r.buf = malloc(RD_CHUNK);
	if (fd < 0) {
		rc = lt_err_set(err, LT_E_IO, "memfd_create: %s",
				strerror(errno));
		goto out;
	}
	if (!o || !r.buf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	o->fd = fd;
	o->pos = OUT_SECTOR;
	o->len = 0;
	r.s = s;
	r.size = lt_cfb_stream_size(s);
	rc = biff_check(&r, o, &bi, err);
	if (!rc && bi.encrypted)
		rc = lt_err_set(err, LT_E_UNSUPPORTED,
				"workbook is encrypted (FILEPASS)");
	if (!rc)
		rc = out_flush(o, err);
	if (!rc)
		rc = out_finish(o, bi.end, err);
	if (rc)
		goto out;
	snprintf(info->layout, sizeof(info->layout), "biff%u", bi.version);
	if (bi.version == 8)
		snprintf(info->encoding, sizeof(info->encoding), "UTF-16LE");
	else if (bi.codepage)
		snprintf(info->encoding, sizeof(info->encoding), "CP%u",
			 bi.codepage);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = freexl_open(path, &h);
	if (rc != FREEXL_OK) {
		rc = lt_err_set(err, LT_E_DEP, "freexl cannot read it: %s (%d)",
				fx_error(rc), rc);
		goto out; /* h, if set, is closed there as freexl asks */
	}
	rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
	if (rc != FREEXL_OK) {
		rc = lt_err_set(err, LT_E_DEP, "freexl: %s (%d)", fx_error(rc),
				rc);
		goto out;
	}
	for (i = 0; i < nsheets && i < SHEETS_MAX; i++) {
		rc = emit_sheet(h, i, sink, info, err);
		if (rc)
			goto out;
	}
out:
	if (h)
		freexl_close(h);
	if (fd >= 0)
		close(fd);
	free(o);
	free(r.buf);
	lt_cfb_stream_close(s);
	lt_cfb_close(f);
	return rc;
}
