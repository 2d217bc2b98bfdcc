// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xls extractor: BIFF5/BIFF8 workbooks through freexl (extract.h has
 * the contract).
 *
 * freexl 1.0.6 trusts its input: it copies records into an 8224-byte buffer
 * whatever their length, allocates rows x columns cells per sheet from the
 * DIMENSIONS record (a 32-bit product, so it can also wrap to a small
 * buffer that the initialisation loop then overruns), indexes an 8192-entry
 * XF table with a 16-bit counter, copies as many characters of a LABEL or
 * FORMAT string as its count says (up to 128 KiB from past its record
 * buffer), loses memory it allocated for cells in several ways (see
 * undeclared_check(), cell_stored(), label_place()), fails on the mini
 * stream SheetJS uses for small workbooks, turns each date serial into text
 * by counting days one at a time (2.3 s for 60,000 birthdates, measured:
 * 96% of the run), and skips FORMULA records, so formula results are lost.
 * So before freexl sees anything, the Workbook stream is read with our
 * compound-file reader (scanners/detect/cfb.c) and every record goes
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
 * meets a hostile container.  In the copy, every XF record points at number
 * format 0 and every FORMAT record at format 0xFFFF, so freexl sees no date
 * format and hands numbers over as numbers; the check has noted which cells
 * carry a date or time format, and which formula results sit where
 * ("marks", sorted by sheet, row, column), and the extraction converts
 * those itself (days from a serial in constant time) and fills in formula
 * results where freexl has an empty cell.
 *
 * A workbook encrypted with Excel's default password "VelvetSweatshop"
 * (what Excel writes when a workbook only has a password to modify; Excel
 * opens it without asking) is decrypted while it is checked: RC4 or RC4
 * CryptoAPI, the key of each 1024-byte block of the stream derived by
 * protect.c (MD5 or SHA-1 from OpenSSL).  RC4 itself is protect.c's own
 * (lt_rc4_*): OpenSSL 3 has it only in its legacy provider, which is not
 * loaded (process-wide state, not installed everywhere).  The copy holds
 * the decrypted records without the FILEPASS record (BOUNDSHEET offsets
 * moved to match), so freexl reads a plain workbook.  XOR obfuscation is
 * not decrypted: no tool here writes it or reads it back to test against.
 *
 * freexl's shared string table parser (parse_SST()) reads string headers,
 * characters, rich-text runs and phonetic data without looking at the
 * record end; the check follows it through the SST and CONTINUE records
 * (sst_part()) and refuses what would make it read past the record.  It
 * also cannot follow a valid table whose strings span more than two
 * records (over about 8,000 characters: Excel allows 32,767) or whose
 * runs or phonetic data reach further than the next record; it would lose
 * the whole workbook, or misread every later string.  So the first SST and
 * its CONTINUE records are held back until their end and read the MS-XLS
 * way (sst_read()); when freexl would misread them, the copy gets them
 * laid out again: every string at its index, without the runs and
 * phonetic data freexl skips, in records freexl follows, a string that
 * two records cannot hold cut (and the extraction warns).  The copy is
 * then longer or shorter from there on, and the BOUNDSHEET offsets are
 * patched in the memfd afterwards (patch_sheets()).  freexl never reads
 * EXTSST (nor INDEX or DBCELL), so their offsets, stale in the copy, stay
 * as they are.
 */
#include "triage/core/compat.h"

#include <fcntl.h>
#include <freexl.h>
#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/protect.h"
#include "scanners/detect/cfb.h"
#include "scanners/extract/ooxml.h"

#define REC_MAX 8224u       /* freexl's record buffer */
#define XF_MAX 8192u        /* freexl's XF table */
#define SHEETS_MAX 65535u   /* freexl's sheet index is 16 bits */
#define OUT_SECTOR 4096u
#define RD_CHUNK ((size_t)64 << 10)
#define SST_MAX (1024u * 1024u) /* freexl refuses more strings */
#define CRYPT_BLOCK 1024u       /* MS-XLS 2.2.10: RC4 re-keyed per block */

enum {
	R_FORMULA = 0x0006, R_EOF = 0x000a, R_FILEPASS = 0x002f,
	R_DATEMODE = 0x0022, R_CONTINUE = 0x003c, R_CODEPAGE = 0x0042,
	R_BOUNDSHEET = 0x0085,
	R_MULRK = 0x00bd, R_MULBLANK = 0x00be, R_RSTRING = 0x00d6,
	R_XF = 0x00e0, R_SST = 0x00fc, R_LABELSST = 0x00fd,
	R_DIMENSIONS = 0x0200, R_BLANK = 0x0201, R_NUMBER = 0x0203,
	R_LABEL = 0x0204, R_BOOLERR = 0x0205, R_STRING = 0x0207,
	R_RK = 0x027e, R_FORMAT = 0x041e, R_BOF = 0x0809,
};

/* Number format classes (freexl's heuristic, see fmt_class()). */
enum { F_NONE = 0, F_DATE = 1, F_TIME = 2 };

/* What a mark says about a cell. */
enum { M_NUMFMT, M_FNUM, M_FSTR, M_FBOOL, M_NONE };

struct mark {
	uint64_t key;   /* sheet << 32 | row << 16 | column */
	uint32_t seq;   /* record order: the last one wins */
	uint8_t kind;   /* M_* */
	uint8_t cls;    /* F_* of the cell's format (M_NUMFMT, M_FNUM) */
	double v;       /* M_FNUM, M_FBOOL */
	uint32_t str;   /* M_FSTR: offset of the text in the pool */
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
	uint64_t at;             /* where the copy holds it, or UINT64_MAX */
	uint32_t index;          /* its place among the BOUNDSHEETs */
	bool declared;           /* its substream had a DIMENSIONS */
	uint64_t cells;          /* freexl's rows x columns for it when its
				  * substream ends (without the + 1 freexl
				  * adds to a sheet without DIMENSIONS) */
	uint64_t cells1;         /* the same with that + 1 */
	uint64_t label;          /* offset of its first LABEL that freexl
				  * stores on its second pass (none before
				  * a DIMENSIONS counts), or UINT64_MAX */
};

/* Cells of a substream holding a LABEL's text in freexl: a bitmap per row
 * (row is 16 bits in cell records), as long as its highest such column. */
struct labels {
	uint64_t *row[65536];
	uint16_t words[65536];
	uint16_t touched[65536]; /* rows with a bitmap */
	uint32_t ntouched;
};

struct biff {
	uint8_t rec[REC_MAX];    /* the shadow of freexl's record buffer */
	uint64_t stream_len;
	unsigned version;
	bool encrypted, date1904;
	uint16_t codepage;
	/* sheets: BOUNDSHEET offsets (sorted at the first sheet BOF) */
	struct sheet_ref *sheet;
	uint32_t nsheets, sheets_cap;
	bool sorted;
	/* the current substream */
	bool open;               /* between a BOF and its EOF, as freexl
				  * sees it (a BOF before the EOF is none) */
	bool in_sheet;           /* after a BOF other than the first */
	int sheet_idx;           /* matched BOUNDSHEET (sorted index), or -1 */
	int active;              /* sheet_idx of the last substream: freexl's
				  * active sheet once it has read them all */
	bool sub_dim;
	uint64_t sub_rows, sub_cols; /* freexl's rows/columns of the sheet */
	struct labels *lab;      /* LABEL cells freexl stores, this substream */
	uint64_t max_cells;      /* largest (rows + 1) x (cols + 1) seen */
	uint64_t dim_cells;      /* every DIMENSIONS allocation */
	uint32_t declared;       /* sheets with a DIMENSIONS */
	/* formats */
	uint32_t nxf;
	uint16_t xf_fmt[XF_MAX];
	uint8_t fmt_cls[65536];  /* F_* per format index */
	/* marks and formula text */
	struct mark *marks;
	size_t nmarks, marks_cap;
	struct lt_buf pool;
	uint32_t seq;
	int64_t pending;         /* mark waiting for its STRING, or -1 */
	/* the shared string table as freexl parses it (parse_SST()) */
	uint16_t prev_type;      /* the last record other than CONTINUE */
	struct sst_model {
		bool init;       /* its first SST record was read */
		uint32_t count;  /* strings it claims */
		uint32_t index;  /* the string being read */
		uint32_t len;    /* characters of a string split at a record
				  * end, 0 if none */
		uint32_t off;    /* of them, already read */
		uint32_t skip;   /* rich-text runs and phonetic data after it */
		uint32_t next_skip; /* bytes of them in the next record */
	} sst;
	/* the first SST and its CONTINUE records, held back until their end
	 * (sst_flush()) and written as they are or laid out again */
	struct {
		bool on;         /* being collected */
		bool done;
		bool relaid;     /* the copy holds a new layout */
		uint64_t off, end;   /* where they are in the stream */
		uint64_t new_len;    /* their bytes in the copy, if relaid */
		uint32_t cut8, cut16; /* strings cut (8-bit, 16-bit) */
		unsigned olen;       /* bytes in orec */
		bool ofirst;         /* orec is the SST record */
		uint8_t shadow[REC_MAX]; /* rec before the SST */
		uint8_t in[REC_MAX];     /* a record read back */
		uint8_t orec[REC_MAX];   /* a record being laid out */
		uint16_t str[65535];     /* a string's characters */
	} grp;
	/* a workbook encrypted with Excel's default password */
	uint8_t fp[REC_MAX];     /* the FILEPASS record (freexl never sees
				  * it, so it stays out of the shadow) */
	bool decrypting;
	struct lt_xls_velvet key;
	struct lt_rc4 rc4;
	uint64_t blk;            /* block rc4 is keyed for, or UINT64_MAX */
	uint32_t blk_at;         /* key stream bytes of that block used */
	uint64_t fp_off, fp_len; /* the FILEPASS left out of the copy */
};

static int too_large(uint64_t rows, uint64_t cols, struct lt_err *err)
{
	return lt_err_set(err, LT_E_LIMIT,
			  "sheet dimensions %" PRIu64 " x %" PRIu64
			  " too large (at most %" PRIu64 " cells)",
			  rows, cols, LT_XLS_MAX_CELLS);
}

static void labels_clear(struct labels *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->ntouched; i++) {
		free(l->row[l->touched[i]]);
		l->row[l->touched[i]] = NULL;
		l->words[l->touched[i]] = 0;
	}
	l->ntouched = 0;
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
	if (b->sheet_idx >= 0) {
		struct sheet_ref *s = &b->sheet[b->sheet_idx];

		s->cells = b->sub_rows * b->sub_cols;
		s->cells1 = b->sub_dim ? s->cells : c;
	}
	b->in_sheet = false;
	b->pending = -1;
	labels_clear(b->lab);
	return LT_OK;
}

static int cmp_sheet(const void *a, const void *b)
{
	const struct sheet_ref *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
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

/*
 * The class of a number format string, as freexl decides it: it counts
 * the letters y, m, d, h, s (either case); a date (or date-time) when m and
 * (y or d), a time when (h and m) or (m and s).  Unlike freexl, quoted
 * text, [brackets] (colours, locales, elapsed [h]) and backslash-escaped
 * characters are not counted: "[Red]" is no day.
 */
static unsigned fmt_class(const uint8_t *s, size_t n, unsigned step)
{
	bool y = false, m = false, d = false, h = false, sec = false;
	bool quote = false, bracket = false;
	size_t i;

	for (i = 0; i + step <= n; i += step) {
		unsigned c = s[i];

		if (step == 2 && s[i + 1])
			continue;
		if (quote) {
			quote = c != '"';
			continue;
		}
		if (bracket) {
			bracket = c != ']';
			if (c == 'h' || c == 'H')
				h = true; /* [h]:mm elapsed time */
			continue;
		}
		if (c == '"') {
			quote = true;
			continue;
		}
		if (c == '[') {
			bracket = true;
			continue;
		}
		if (c == '\\') {
			i += step;
			continue;
		}
		c |= 0x20;
		y |= c == 'y';
		m |= c == 'm';
		d |= c == 'd';
		h |= c == 'h';
		sec |= c == 's';
	}
	if (m && (y || d))
		return F_DATE;
	if ((h && m) || (m && sec))
		return F_TIME;
	return F_NONE;
}

static unsigned xf_class(const struct biff *b, unsigned xf)
{
	unsigned f;

	if (xf >= b->nxf)
		return F_NONE;
	f = b->xf_fmt[xf];
	if ((f >= 14 && f <= 17) || f == 22)
		return F_DATE;
	if ((f >= 18 && f <= 21) || (f >= 45 && f <= 47))
		return F_TIME;
	return b->fmt_cls[f];
}

static double f64(const uint8_t *p)
{
	uint64_t bits = (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
	double v;

	memcpy(&v, &bits, 8);
	return v;
}

/* A cell at (row, col): grows the sheet when it has no DIMENSIONS (too
 * large is refused at once, not at its end: cell_stored() relies on it). */
static int cell_at(struct biff *b, uint64_t row, uint64_t col,
		   struct lt_err *err)
{
	b->pending = -1;
	if (!b->in_sheet || b->sub_dim)
		return LT_OK;
	if (row > b->sub_rows)
		b->sub_rows = row;
	if (col > b->sub_cols)
		b->sub_cols = col;
	if ((b->sub_rows + 1) * (b->sub_cols + 1) > LT_XLS_MAX_CELLS)
		return too_large(b->sub_rows + 1, b->sub_cols + 1, err);
	return LT_OK;
}

/*
 * A cell freexl stores: at (row, col) of the current sheet, a LABEL (its
 * text allocated) or not.  freexl 1.0.6 overwrites a cell without freeing
 * the text a LABEL left there (set_*_value()), so a second cell where a
 * LABEL is loses that text for the life of the process: repeated, a
 * workbook can lose about four times its size.  Refused.  Only the cells
 * freexl stores count: in a sheet, after its DIMENSIONS (if it has one;
 * the bitmap is cleared there) and inside them; elsewhere freexl either
 * skips the cell or fails on it.  Memory: a bit per column up to the
 * highest one with a LABEL, per row, which a sheet's size bounds.
 */
static int cell_stored(struct biff *b, unsigned row, unsigned col, bool label,
		       uint64_t off, struct lt_err *err)
{
	struct labels *l = b->lab;
	unsigned w = col / 64;

	if (!b->in_sheet || b->sheet_idx < 0 ||
	    (b->sub_dim && (row >= b->sub_rows || col >= b->sub_cols)))
		return LT_OK;
	if (l && w < l->words[row] && l->row[row][w] >> (col % 64) & 1)
		return lt_err_set(err, LT_E_CORRUPT,
				  "cell %u,%u given again at offset %" PRIu64
				  " (freexl would leak the text of the "
				  "LABEL there)",
				  row + 1, col + 1, off);
	if (!label)
		return LT_OK;
	if (!b->sub_dim && b->sheet[b->sheet_idx].label == UINT64_MAX)
		b->sheet[b->sheet_idx].label = off;
	if (!l) {
		l = b->lab = lt_calloc(1, sizeof(*l));
		if (!l)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	if (w >= l->words[row]) {
		uint64_t *n = realloc(l->row[row], (w + 1) * sizeof(*n));

		if (!n)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		memset(n + l->words[row], 0,
		       (w + 1 - l->words[row]) * sizeof(*n));
		if (!l->row[row])
			l->touched[l->ntouched++] = (uint16_t)row;
		l->row[row] = n;
		l->words[row] = (uint16_t)(w + 1);
	}
	l->row[row][w] |= (uint64_t)1 << (col % 64);
	return LT_OK;
}

/* A mark for the cell (row, col) of the current sheet in *out, or NULL
 * when the substream is no sheet freexl shows. */
static int mark_add(struct biff *b, unsigned row, unsigned col,
		    unsigned kind, struct mark **out, struct lt_err *err)
{
	struct mark *m;

	*out = NULL;
	if (!b->in_sheet || b->sheet_idx < 0)
		return LT_OK;
	if (b->nmarks == LT_XLS_MAX_MARKS)
		return lt_err_set(err, LT_E_LIMIT,
				  "more than %u date, time and formula cells",
				  (unsigned)LT_XLS_MAX_MARKS);
	if (b->nmarks == b->marks_cap) {
		size_t cap = b->marks_cap ? 2 * b->marks_cap : 256;
		struct mark *n = realloc(b->marks, cap * sizeof(*n));

		if (!n)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		b->marks = n;
		b->marks_cap = cap;
	}
	m = &b->marks[b->nmarks++];
	memset(m, 0, sizeof(*m));
	m->key = (uint64_t)b->sheet[b->sheet_idx].index << 32 |
		 (uint64_t)row << 16 | col;
	m->seq = b->seq;
	m->kind = (uint8_t)kind;
	*out = m;
	return LT_OK;
}

/* A number with format xf at (row, col): marked when it is a date/time. */
static int number_at(struct biff *b, unsigned row, unsigned col, unsigned xf,
		     struct lt_err *err)
{
	unsigned cls = xf_class(b, xf);
	struct mark *m;

	if (cls == F_NONE)
		return LT_OK;
	LT_TRY(mark_add(b, row, col, M_NUMFMT, &m, err));
	if (m)
		m->cls = (uint8_t)cls;
	return LT_OK;
}

static void put_utf8(struct lt_buf *o, uint32_t u)
{
	char t[4];
	size_t n;

	if (u < 0x80) {
		t[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		t[0] = (char)(0xc0 | u >> 6);
		t[1] = (char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		t[0] = (char)(0xe0 | u >> 12);
		t[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		t[2] = (char)(0x80 | (u & 0x3f));
		n = 3;
	} else {
		t[0] = (char)(0xf0 | u >> 18);
		t[1] = (char)(0x80 | ((u >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((u >> 6) & 0x3f));
		t[3] = (char)(0x80 | (u & 0x3f));
		n = 4;
	}
	lt_buf_add(o, t, n);
}

/*
 * The text of a STRING record (a formula's string result, BIFF8
 * XLUnicodeString: cch, flags, characters) into the pool, UTF-8, NUL-
 * terminated.  The part in this record only (a CONTINUE is not followed).
 */
static int formula_text(struct biff *b, unsigned n, uint32_t *at,
			struct lt_err *err)
{
	const uint8_t *r = b->rec;
	unsigned cch, i, wide;
	size_t avail;

	if (n < 3)
		return LT_E_NOTFOUND;
	cch = le16(r);
	wide = r[2] & 1;
	avail = (n - 3) / (wide ? 2 : 1);
	if (cch > avail)
		cch = (unsigned)avail;
	if (b->pool.len > UINT32_MAX - 1)
		return lt_err_set(err, LT_E_LIMIT, "formula text too large");
	*at = (uint32_t)b->pool.len;
	for (i = 0; i < cch; i++) {
		uint32_t u = wide ? le16(r + 3 + 2 * i) : r[3 + i];

		if (wide && u >= 0xd800 && u <= 0xdbff && i + 1 < cch &&
		    le16(r + 5 + 2 * i) >= 0xdc00 &&
		    le16(r + 5 + 2 * i) <= 0xdfff) {
			u = 0x10000 + ((u - 0xd800) << 10) +
			    (le16(r + 5 + 2 * i) - 0xdc00u);
			i++;
		} else if (!u || (u >= 0xd800 && u <= 0xdfff)) {
			u = 0xfffd;
		}
		put_utf8(&b->pool, u);
	}
	lt_buf_addc(&b->pool, '\0');
	if (lt_buf_status(&b->pool))
		return lt_err_set(err, lt_buf_status(&b->pool),
				  "formula results: more than %zu bytes of "
				  "text",
				  b->pool.cap);
	return LT_OK;
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
	b->sheet[b->nsheets].at = UINT64_MAX;
	b->sheet[b->nsheets].index = b->nsheets;
	b->sheet[b->nsheets].cells = b->sheet[b->nsheets].cells1 = 0;
	b->sheet[b->nsheets].label = UINT64_MAX;
	b->sheet[b->nsheets++].declared = false;
	b->sorted = false;
	return LT_OK;
}

/*
 * The shared string table, as freexl 1.0.6 parses it (parse_SST() and
 * get_unicode_params()): an SST record (n bytes in b->rec, at offset off)
 * and the CONTINUE records after it.  freexl reads a string's header
 * (characters, flags, the counts of rich-text runs and of phonetic data)
 * and its characters from its record buffer without looking at the record
 * end; it follows a string split at a record end into the next record only
 * (through the option byte there), and the runs and phonetic data after a
 * string into the next record only.  Each read it would make past the
 * record's length is refused here: past the length it finds what earlier
 * records left in its buffer, past the buffer other memory (a split
 * string's rest is copied with memcpy, up to 128 KiB).  What freexl refuses
 * itself (a string count over 1048576, an empty string) is refused here
 * too, with the reason.  Everything else is modelled as freexl does it,
 * quirks included (the runs after a completed split string are not
 * skipped), so that the check reads the records freexl reads where freexl
 * reads them.
 */
static int sst_bad(uint32_t index, uint64_t off, const char *what,
		   struct lt_err *err)
{
	return lt_err_set(err, LT_E_CORRUPT,
			  "shared string table: string %" PRIu32
			  " %s (record at offset %" PRIu64 ")",
			  index, what, off);
}

static int sst_part(struct biff *b, unsigned n, bool first, uint64_t off,
		    struct lt_err *err)
{
	const uint8_t *r = b->rec;
	uint64_t p = 0;
	uint32_t i;

	if (first && !b->sst.init) {
		if (n < 8)
			return lt_err_set(err, LT_E_CORRUPT,
					  "shared string table: SST record of "
					  "%u bytes at offset %" PRIu64,
					  n, off);
		b->sst.count = le32(r + 4);
		if ((b->version == 8 &&
		     b->sst.count > b->stream_len / 3 + 1) ||
		    b->sst.count > SST_MAX)
			return lt_err_set(err, LT_E_CORRUPT,
					  "SST claims %" PRIu32
					  " strings in a stream of %" PRIu64
					  " bytes",
					  b->sst.count, b->stream_len);
		b->sst.init = true;
		p = 8;
	} else if (b->sst.len) {
		/* the rest of a split string: an option byte, characters */
		uint64_t rest = b->sst.len - b->sst.off;

		if (n < 1 || 1 + rest * (r[0] & 1 ? 2 : 1) > n)
			return sst_bad(b->sst.index, off,
				       n && r[0] & 1 ? "runs past its record "
						       "(16-bit characters)"
						     : "runs past its record",
				       err);
		p = 1 + rest * (r[0] & 1 ? 2 : 1) + b->sst.skip;
		/* freexl keeps the overflow in the wrong field: lost */
		b->sst.skip = p >= n ? (uint32_t)(p - n) : 0;
		b->sst.next_skip = 0;
		b->sst.len = b->sst.off = 0;
		b->sst.index++;
	}
	for (i = b->sst.index; i < b->sst.count; i++) {
		uint64_t h, need;
		uint32_t cch;
		unsigned fl;

		/* freexl compares the offset cut to 32 bits */
		if ((uint32_t)p >= n)
			return LT_OK;
		if (p >= n)
			return sst_bad(i, off, "follows phonetic data of more "
					       "than 4 GiB", err);
		p += b->sst.next_skip;
		if (p + 3 > n)
			return sst_bad(i, off, "header runs past its record",
				       err);
		cch = le16(r + p);
		fl = r[p + 2];
		h = p + 3 + (fl & 8 ? 2 : 0) + (fl & 4 ? 4 : 0);
		if (h > n)
			return sst_bad(i, off, "header runs past its record",
				       err);
		/* phonetic data size + 4 x rich-text runs, as freexl adds
		 * them (32 bits) */
		b->sst.skip = (uint32_t)((fl & 4 ? le32(r + h - 4) : 0) +
					 (fl & 8 ? 4u * le16(r + p + 3) : 0));
		b->sst.next_skip = 0;
		b->sst.off = 0;
		b->sst.len = cch;
		need = (uint64_t)cch * (fl & 1 ? 2 : 1);
		if (need > n - h) {
			/* split: the rest comes in the next record */
			b->sst.off = (uint32_t)((n - h) / (fl & 1 ? 2 : 1));
			b->sst.index = i;
			return LT_OK;
		}
		if (!cch)
			return sst_bad(i, off, "is empty (freexl refuses it)",
				       err);
		p = h + need + b->sst.skip;
		b->sst.next_skip = p >= n ? (uint32_t)(p - n) : 0;
		b->sst.len = b->sst.off = b->sst.skip = 0;
		b->sst.index = i + 1;
	}
	return LT_OK;
}

/*
 * A string freexl 1.0.6 copies out of a LABEL record (cch at r + 6) or a
 * BIFF8 FORMAT record (cch at r + 2): in BIFF8, the option byte after cch
 * and the optional fields get_unicode_params() skips for it (2 bytes for
 * flag 0x08, 4 for 0x04), then the characters, 8 or 16 bits (flag 0x01); in
 * BIFF5, cch bytes right after cch.  freexl takes cch (up to 65535) as it
 * is and copies that many characters from its 8224-byte record buffer with
 * memcpy or a loop, whatever the record's length: up to 128 KiB past the
 * buffer (heap memory after it: garbage cells, or a crash).  Refused when
 * the string does not end inside its record: MS-XLS strings of these
 * records (255 characters at most) always do.
 */
static int str_check(const struct biff *b, const char *what, unsigned n,
		     unsigned at, uint64_t off, struct lt_err *err)
{
	const uint8_t *r = b->rec;
	uint64_t end = at + 2;
	unsigned cch = 0, fl = 0;

	if (end <= n) {
		cch = le16(r + at);
		if (b->version == 5) {
			end += cch;
		} else if (++end <= n) {
			fl = r[at + 2];
			end += (fl & 8 ? 2 : 0) + (fl & 4 ? 4 : 0) +
			       (uint64_t)cch * (fl & 1 ? 2 : 1);
		}
	}
	if (end <= n)
		return LT_OK;
	return lt_err_set(err, LT_E_CORRUPT,
			  "%s record at offset %" PRIu64 ": string of %u "
			  "characters%s runs past its %u bytes",
			  what, off, cch, fl & 1 ? " (16-bit)" : "", n);
}

/*
 * A LABEL cell freexl cannot store makes it give up on the whole workbook,
 * and lose the text it has just converted (set_text_value() fails, the
 * caller does not free the text): a cell in no sheet (the globals, a
 * substream no BOUNDSHEET points at) or outside the DIMENSIONS of its
 * sheet.  Refused here with the reason: the file fails either way, now
 * without the leak.  A cell before its sheet's DIMENSIONS is skipped by
 * freexl, not stored, and passes.
 */
static int label_place(const struct biff *b, unsigned row, unsigned col,
		       uint64_t off, struct lt_err *err)
{
	if (!b->in_sheet || b->sheet_idx < 0)
		return lt_err_set(err, LT_E_CORRUPT,
				  "LABEL record at offset %" PRIu64
				  " outside any sheet",
				  off);
	if (b->sub_dim && (row >= b->sub_rows || col >= b->sub_cols))
		return lt_err_set(err, LT_E_CORRUPT,
				  "LABEL record at offset %" PRIu64
				  ": cell %u,%u outside the %" PRIu64
				  " x %" PRIu64 " cells of its sheet",
				  off, row + 1, col + 1, b->sub_rows,
				  b->sub_cols);
	return LT_OK;
}

/* --- Excel's default password (MS-XLS 2.2.10, MS-OFFCRYPTO 2.3.5-2.3.6) -- */

/* Records that stay clear in an encrypted stream. */
static bool clear_record(unsigned type)
{
	switch (type) {
	case R_BOF: case R_FILEPASS:
	case 0x0194: /* USREXCL */
	case 0x0195: /* FILELOCK */
	case 0x00e1: /* INTERFACEHDR */
	case 0x0196: /* RRDINFO */
	case 0x0138: /* RRDHEAD */
		return true;
	default:
		return false;
	}
}

/*
 * Decrypt n bytes at stream offset pos in place.  The key stream runs
 * over the whole stream, record headers and clear records included: byte
 * pos is byte pos % 1024 of the key stream of block pos / 1024.
 */
static int decrypt(struct biff *b, uint64_t pos, uint8_t *p, size_t n,
		   struct lt_err *err)
{
	static const uint8_t zero[CRYPT_BLOCK];
	uint8_t scratch[CRYPT_BLOCK];

	while (n) {
		uint64_t blk = pos / CRYPT_BLOCK;
		uint32_t in = (uint32_t)(pos % CRYPT_BLOCK);
		size_t k = LT_MIN(n, (size_t)(CRYPT_BLOCK - in));

		if (blk != b->blk || in < b->blk_at) {
			uint8_t key[16];
			size_t klen;

			if (lt_prot_xls_block_key(&b->key, (uint32_t)blk, key,
						  &klen))
				return lt_err_set(err, LT_E_DEP,
						  "OpenSSL digest failed");
			lt_rc4_init(&b->rc4, key, klen);
			b->blk = blk;
			b->blk_at = 0;
		}
		lt_rc4_run(&b->rc4, zero, scratch, in - b->blk_at);
		lt_rc4_run(&b->rc4, p, p, k);
		b->blk_at = in + (uint32_t)k;
		pos += k;
		p += k;
		n -= k;
	}
	return LT_OK;
}

/*
 * A FILEPASS record (n bytes in b->fp) at off.  Opened with Excel's default
 * password (RC4 or RC4 CryptoAPI, in the globals before any BOUNDSHEET):
 * the records after it are decrypted as they are read, and it is left out
 * of the copy.  Otherwise the workbook is encrypted: the check ends.
 */
static int filepass(struct biff *b, unsigned n, uint64_t off,
		    struct lt_err *err)
{
	int v;

	if (b->decrypting)
		return lt_err_set(err, LT_E_CORRUPT,
				  "second FILEPASS record at offset %" PRIu64,
				  off);
	b->encrypted = true;
	if (b->version != 8 || b->in_sheet || b->nsheets)
		return LT_OK;
	v = lt_prot_xls_velvet(b->fp, n, &b->key);
	if (v < 0)
		return lt_err_set(err, -v, "OpenSSL digest failed");
	if (!v)
		return LT_OK;
	b->encrypted = false;
	b->decrypting = true;
	b->blk = UINT64_MAX;
	b->fp_off = off;
	b->fp_len = 4 + (uint64_t)n;
	return LT_OK;
}

/* Where a BOUNDSHEET's lbPlyPos (off) lies in the copy without the
 * FILEPASS record and with the shared string table laid out again (as far
 * as either is known); UINT32_MAX (no BOF) if inside either. */
static uint32_t copy_offset(const struct biff *b, uint32_t off)
{
	uint64_t at = off;

	if (b->fp_len && off >= b->fp_off) {
		if (off < b->fp_off + b->fp_len)
			return UINT32_MAX;
		at -= b->fp_len;
	}
	if (b->grp.relaid && off >= b->grp.off) {
		if (off < b->grp.end)
			return UINT32_MAX;
		at = at - (b->grp.end - b->grp.off) + b->grp.new_len;
	}
	return at < UINT32_MAX ? (uint32_t)at : UINT32_MAX;
}

/*
 * One record (its data already in b->rec), at offset off.  Afterwards the
 * record may be rewritten in b->rec for the copy (XF and FORMAT): the
 * shadow then holds what freexl's buffer will hold.
 */
static int record(struct biff *b, unsigned type, unsigned n, uint64_t off,
		  struct lt_err *err)
{
	uint8_t *r = b->rec;
	uint64_t rows, cols;
	unsigned i;
	int rc;

	b->seq++;
	if (type == R_CONTINUE)
		return b->prev_type == R_SST ? sst_part(b, n, false, off, err)
					     : LT_OK;
	b->prev_type = (uint16_t)type;
	switch (type) {
	case R_BOF:
		/* freexl skips a BOF inside a substream (an embedded
		 * chart's): to it, what follows is still the same sheet,
		 * up to the first EOF */
		if (b->open)
			return LT_OK;
		b->open = true;
		LT_TRY(sub_end(b, err));
		b->in_sheet = true;
		b->sheet_idx = sheet_find(b, (uint32_t)off);
		b->active = b->sheet_idx;
		b->sub_dim = false;
		b->sub_rows = b->sub_cols = 0;
		return LT_OK;
	case R_EOF:
		b->open = false;
		return sub_end(b, err);
	case R_CODEPAGE:
		b->codepage = le16(r);
		return LT_OK;
	case R_DATEMODE:
		b->date1904 = le16(r) == 1;
		return LT_OK;
	case R_BOUNDSHEET:
		/* freexl takes a sheet from a BOUNDSHEET wherever it is, and
		 * on its second pass over the records (for sheets without
		 * DIMENSIONS) each BOUNDSHEET makes the next sheet the active
		 * one: inside a sheet, the cells after it would go to another
		 * sheet, past cell_stored()'s watch */
		if (b->in_sheet)
			return lt_err_set(err, LT_E_CORRUPT,
					  "BOUNDSHEET record at offset %" PRIu64
					  " inside a sheet",
					  off);
		LT_TRY(add_sheet(b, le32(r), err));
		if (b->fp_len)
			put32(r, copy_offset(b, le32(r)));
		return LT_OK;
	case R_DIMENSIONS:
		if (n < (b->version == 8 ? 14u : 10u))
			return lt_err_set(err, LT_E_CORRUPT,
					  "DIMENSIONS record of %u bytes at "
					  "offset %" PRIu64,
					  n, off);
		/* freexl allocates the sheet's cells again and loses the
		 * first allocation (up to 256 MB, for the rest of the
		 * process) */
		if (b->in_sheet && b->sheet_idx >= 0 && b->sub_dim)
			return lt_err_set(err, LT_E_CORRUPT,
					  "second DIMENSIONS record of sheet "
					  "%" PRIu32 " at offset %" PRIu64,
					  b->sheet[b->sheet_idx].index + 1,
					  off);
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
			/* freexl stores no cell given before it */
			labels_clear(b->lab);
			if (b->sheet_idx >= 0)
				b->sheet[b->sheet_idx].label = UINT64_MAX;
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
		if (n < 4)
			return lt_err_set(err, LT_E_CORRUPT,
					  "XF record of %u bytes at offset "
					  "%" PRIu64,
					  n, off);
		b->xf_fmt[b->nxf++] = le16(r + 2);
		put16(r + 2, 0); /* freexl: General */
		return LT_OK;
	case R_FORMAT: {
		unsigned ifmt = le16(r), cch, step;

		if (n < (b->version == 8 ? 5u : 3u))
			return lt_err_set(err, LT_E_CORRUPT,
					  "FORMAT record of %u bytes at "
					  "offset %" PRIu64,
					  n, off);
		if (b->version == 8) {
			LT_TRY(str_check(b, "FORMAT", n, 2, off, err));
			cch = le16(r + 2);
			step = r[4] & 1 ? 2 : 1;
			b->fmt_cls[ifmt] = (uint8_t)fmt_class(
				r + 5, LT_MIN(step * cch, n - 5), step);
		} else {
			cch = r[2];
			b->fmt_cls[ifmt] = (uint8_t)fmt_class(
				r + 3, LT_MIN(cch, n - 3), 1);
		}
		put16(r, 0xffff); /* freexl: a format no XF uses */
		return LT_OK;
	}
	case R_SST:
		return sst_part(b, n, true, off, err);
	case R_NUMBER:
	case R_RK:
		LT_TRY(cell_at(b, le16(r), le16(r + 2), err));
		LT_TRY(cell_stored(b, le16(r), le16(r + 2), false, off, err));
		return number_at(b, le16(r), le16(r + 2), le16(r + 4), err);
	case R_FORMULA: {
		unsigned row = le16(r), col = le16(r + 2);
		struct mark *m;

		LT_TRY(cell_at(b, row, col, err));
		if (le16(r + 12) != 0xffff) {
			LT_TRY(mark_add(b, row, col, M_FNUM, &m, err));
			if (m) {
				m->v = f64(r + 6);
				m->cls = (uint8_t)xf_class(b, le16(r + 4));
			}
		} else if (r[6] == 0 && b->version == 8) {
			/* M_FSTR once the STRING record after it gives the
			 * text: without one, no text (the cell is empty) */
			LT_TRY(mark_add(b, row, col, M_NONE, &m, err));
			if (m)
				b->pending = (int64_t)(m - b->marks);
		} else if (r[6] == 1) {
			LT_TRY(mark_add(b, row, col, M_FBOOL, &m, err));
			if (m)
				m->v = r[8] ? 1 : 0;
		}
		return LT_OK;
	}
	case R_STRING:
		if (b->pending >= 0) {
			struct mark *m = &b->marks[b->pending];

			b->pending = -1;
			rc = formula_text(b, n, &m->str, err);
			if (!rc)
				m->kind = M_FSTR;
			else if (rc != LT_E_NOTFOUND)
				return rc;
		}
		return LT_OK;
	case R_MULRK:
	case R_MULBLANK: {
		unsigned first = le16(r + 2), per = type == R_MULRK ? 6 : 2;
		unsigned count = n >= 6 ? (n - 6) / per : 0;

		LT_TRY(cell_at(b, le16(r), first + (count ? count - 1 : 0),
			       err));
		if (n >= 6)
			LT_TRY(cell_at(b, le16(r), le16(r + n - 2), err));
		if (type == R_MULBLANK)
			return LT_OK;
		/* freexl takes a value while 6 more bytes end before n */
		for (i = 0; n > 10 && i < (n - 10 + 5) / 6; i++)
			LT_TRY(cell_stored(b, le16(r), (first + i) & 0xffff,
					   false, off, err));
		for (i = 0; i < count; i++) {
			rc = number_at(b, le16(r), (first + i) & 0xffff,
				       le16(r + 4 + 6 * i), err);
			if (rc)
				return rc;
		}
		return LT_OK;
	}
	case R_LABEL:
		LT_TRY(str_check(b, "LABEL", n, 6, off, err));
		LT_TRY(label_place(b, le16(r), le16(r + 2), off, err));
		LT_TRY(cell_at(b, le16(r), le16(r + 2), err));
		return cell_stored(b, le16(r), le16(r + 2), true, off, err);
	case R_LABELSST:
	case R_BOOLERR:
		LT_TRY(cell_at(b, le16(r), le16(r + 2), err));
		/* freexl reads LABELSST in BIFF8 only */
		if (type == R_LABELSST && b->version != 8)
			return LT_OK;
		return cell_stored(b, le16(r), le16(r + 2), false, off, err);
	case R_RSTRING:
	case R_BLANK:
		return cell_at(b, le16(r), le16(r + 2), err);
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

/* --- the shared string table laid out again for freexl ------------------ */

/*
 * What freexl 1.0.6 cannot follow in a valid table (MS-XLS 2.4.265 SST,
 * 2.5.293 XLUnicodeRichExtendedString): the characters of a string over
 * more than two records (its header's and the next), and rich-text runs or
 * phonetic data reaching past the record after the one they start in (or,
 * after a split string, past that string's second record).  Excel allows
 * 32,767 characters in a cell; a string of more than 8,221 16-bit or about
 * 16,000 8-bit characters needs three records.  Such a table is read again
 * the MS-XLS way (a string's fixed fields in one record; its characters
 * split between characters, each later part after an fHighByte byte; runs
 * and phonetic data split anywhere) and written anew: every string at its
 * index, without runs and phonetic data (freexl skips them), as 8-bit
 * characters when all fit in 8 bits, in records that end where it helps.
 * A string that even two records of its own cannot hold (more than
 * SST_CUT16 16-bit or SST_CUT8 8-bit characters) is cut to that length
 * (never between the halves of a surrogate pair) and the extraction says
 * so.  What the MS-XLS reading refuses stays refused, with the reason
 * sst_part() gave.
 */
#define SST_CUT8 ((REC_MAX - 3) + (REC_MAX - 1))
#define SST_CUT16 ((REC_MAX - 3) / 2 + (REC_MAX - 1) / 2)

/* The SST or CONTINUE record at off, decrypted, into dst. */
static int grp_read(struct biff *b, struct rd *r, uint64_t off, uint8_t *dst,
		    uint8_t hdr[4], unsigned *n, struct lt_err *err)
{
	int rc = rd_get(r, off, hdr, 4, err);

	if (!rc) {
		*n = le16(hdr + 2);
		rc = rd_get(r, off + 4, dst, *n, err);
	}
	if (rc == LT_E_NOTFOUND || (!rc && *n > REC_MAX))
		return lt_err_set(err, LT_E_INTERNAL,
				  "shared string table at offset %" PRIu64
				  " read back differently",
				  b->grp.off);
	if (!rc && b->decrypting && *n)
		rc = decrypt(b, off + 4, dst, *n, err);
	return rc;
}

/* The record in grp.orec to the check and the copy. */
static int relay_end(struct biff *b, struct out *o, struct lt_err *err)
{
	unsigned n = b->grp.olen, type = b->grp.ofirst ? R_SST : R_CONTINUE;
	uint8_t hdr[4];
	int rc;

	memcpy(b->rec, b->grp.orec, n);
	rc = record(b, type, n, b->grp.off, err);
	if (rc) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		lt_err_clear(err);
		return lt_err_set(err, LT_E_INTERNAL,
				  "shared string table laid out again: %s", m);
	}
	put16(hdr, type);
	put16(hdr + 2, n);
	LT_TRY(out_add(o, hdr, 4, err));
	LT_TRY(out_add(o, b->grp.orec, n, err));
	b->grp.new_len += 4 + (uint64_t)n;
	b->grp.ofirst = false;
	b->grp.olen = 0;
	return LT_OK;
}

static void relay_put(struct biff *b, const uint16_t *s, uint32_t count,
		      unsigned wb)
{
	uint8_t *p = b->grp.orec + b->grp.olen;
	uint32_t i;

	for (i = 0; i < count; i++) {
		*p++ = (uint8_t)s[i];
		if (wb == 2)
			*p++ = (uint8_t)(s[i] >> 8);
	}
	b->grp.olen += count * wb;
}

/* String grp.str (cch characters) into the new layout. */
static int relay_string(struct biff *b, struct out *o, uint32_t cch,
			struct lt_err *err)
{
	const uint16_t *s = b->grp.str;
	unsigned wb = 1, len = b->grp.olen;
	uint32_t i, k;

	for (i = 0; i < cch && wb == 1; i++)
		if (s[i] > 0xff)
			wb = 2;
	if (len + 3 + (uint64_t)cch * wb <= REC_MAX) {
		k = cch; /* whole */
	} else if (len + 3 <= REC_MAX &&
		   (cch - (REC_MAX - len - 3) / wb) * wb + 1 <= REC_MAX) {
		k = (REC_MAX - len - 3) / wb; /* split here */
	} else {
		/* in a record of its own, and the next one */
		LT_TRY(relay_end(b, o, err));
		k = LT_MIN(cch, (REC_MAX - 3) / wb);
		if (cch > (wb == 2 ? SST_CUT16 : SST_CUT8)) {
			cch = wb == 2 ? SST_CUT16 : SST_CUT8;
			if (wb == 2 && s[cch - 1] >= 0xd800 &&
			    s[cch - 1] <= 0xdbff)
				cch--;
			if (wb == 2)
				b->grp.cut16++;
			else
				b->grp.cut8++;
		}
	}
	put16(b->grp.orec + b->grp.olen, cch);
	b->grp.orec[b->grp.olen + 2] = wb == 2;
	b->grp.olen += 3;
	relay_put(b, s, k, wb);
	if (k == cch)
		return LT_OK;
	LT_TRY(relay_end(b, o, err));
	b->grp.orec[0] = wb == 2;
	b->grp.olen = 1;
	relay_put(b, s + k, cch - k, wb);
	return LT_OK;
}

/* Reading the table back: the group's records one after another. */
struct relay_in {
	uint64_t next;  /* offset of the next record */
	unsigned n, p;  /* the current record's length, position */
	uint32_t no;    /* the current record's number in the table */
};

/* The next record into grp.in; false at the end of the table. */
static int relay_next(struct biff *b, struct rd *r, struct relay_in *c,
		      bool *more, struct lt_err *err)
{
	uint8_t hdr[4];

	*more = c->next < b->grp.end;
	if (!*more)
		return LT_OK;
	LT_TRY(grp_read(b, r, c->next, b->grp.in, hdr, &c->n, err));
	c->next += 4 + (uint64_t)c->n;
	c->p = 0;
	c->no++;
	return LT_OK;
}

/*
 * Read the table back the MS-XLS way: LT_E_CORRUPT (err untouched) when it
 * is no valid table.  *fx_ok says whether freexl reads every string of it
 * right: the characters of each in its header's record and at most the
 * next; what follows a string that fits its record ending before the end
 * of the next record; what follows a split string in its second record.
 * With write, the table is laid out again (see above), the new records
 * going through the check and into o.
 */
static int sst_read(struct biff *b, struct rd *r, struct out *o, bool write,
		    bool *fx_ok, struct lt_err *err)
{
	const uint8_t *in = b->grp.in;
	struct relay_in c = { .next = b->grp.off };
	uint32_t count, i;
	bool more;

	*fx_ok = true;
	LT_TRY(relay_next(b, r, &c, &more, err));
	if (!more || c.n < 8)
		return LT_E_CORRUPT;
	count = le32(in + 4);
	if (count > SST_MAX || count > b->stream_len / 3 + 1)
		return LT_E_CORRUPT;
	if (write) {
		memcpy(b->grp.orec, in, 8);
		b->grp.olen = 8;
		b->grp.ofirst = true;
		b->grp.new_len = 0;
	}
	c.p = 8;
	for (i = 0; i < count; i++) {
		uint32_t cch, got = 0, hrec, crec;
		uint64_t extra;
		unsigned fl, h, wide;

		while (c.p == c.n) {
			LT_TRY(relay_next(b, r, &c, &more, err));
			if (!more)
				goto end; /* fewer strings than claimed */
		}
		/* its fixed fields in one record */
		if (c.n - c.p < 3)
			return LT_E_CORRUPT;
		cch = le16(in + c.p);
		fl = in[c.p + 2];
		h = 3 + (fl & 8 ? 2 : 0) + (fl & 4 ? 4 : 0);
		if (c.n - c.p < h || !cch)
			return LT_E_CORRUPT;
		extra = (fl & 8 ? 4 * (uint64_t)le16(in + c.p + 3) : 0) +
			(fl & 4 ? le32(in + c.p + h - 4) : 0);
		wide = fl & 1;
		c.p += h;
		hrec = c.no;
		while (got < cch) {
			uint32_t k;

			if (c.p == c.n) {
				LT_TRY(relay_next(b, r, &c, &more, err));
				if (!more)
					return LT_E_CORRUPT;
				if (!c.n)
					continue;
				wide = in[0] & 1;
				c.p = 1;
				continue;
			}
			k = LT_MIN(cch - got, (c.n - c.p) / (wide ? 2 : 1));
			if (!k)
				return LT_E_CORRUPT; /* a character split */
			for (; k; k--, got++) {
				b->grp.str[got] = wide ? le16(in + c.p)
						       : in[c.p];
				c.p += wide ? 2 : 1;
			}
		}
		crec = c.no;
		while (extra) {
			uint32_t k;

			if (c.p == c.n) {
				LT_TRY(relay_next(b, r, &c, &more, err));
				if (!more)
					return LT_E_CORRUPT;
				continue;
			}
			k = (uint32_t)LT_MIN(extra, (uint64_t)(c.n - c.p));
			c.p += k;
			extra -= k;
		}
		if (crec > hrec + 1 ||
		    (i + 1 < count &&
		     (crec > hrec ? c.no != crec
				  : c.no > crec + 1 ||
					    (c.no == crec + 1 && c.p == c.n))))
			*fx_ok = false;
		if (write)
			LT_TRY(relay_string(b, o, cch, err));
	}
end:
	if (write) {
		LT_TRY(relay_end(b, o, err));
		b->grp.relaid = true;
	}
	return LT_OK;
}

/*
 * The end of the first SST and its CONTINUE records (grp.off to grp.end):
 * a valid table that freexl would read wrong is laid out again
 * (sst_read()); any other goes through the check as it is, and into the
 * copy if it passes.
 */
static int sst_flush(struct biff *b, struct rd *r, struct out *o,
		     struct lt_err *err)
{
	uint64_t off;
	uint8_t hdr[4];
	unsigned n;
	bool fx_ok = true;
	int rc = LT_E_CORRUPT;

	b->grp.on = false;
	b->grp.done = true;
	memcpy(b->rec, b->grp.shadow, REC_MAX);
	if (b->version == 8)
		rc = sst_read(b, r, NULL, false, &fx_ok, err);
	if (rc && rc != LT_E_CORRUPT)
		return rc;
	if (!rc && !fx_ok)
		return sst_read(b, r, o, true, &fx_ok, err);
	for (off = b->grp.off; off < b->grp.end; off += 4 + n) {
		LT_TRY(grp_read(b, r, off, b->rec, hdr, &n, err));
		LT_TRY(record(b, le16(hdr), n, off, err));
	}
	for (off = b->grp.off; o && off < b->grp.end; off += 4 + n) {
		LT_TRY(grp_read(b, r, off, b->rec, hdr, &n, err));
		LT_TRY(out_add(o, hdr, 4, err));
		LT_TRY(out_add(o, b->rec, n, err));
	}
	return LT_OK;
}

/* The BOUNDSHEET offsets in the copy, once the new layout of the shared
 * string table has moved what follows it. */
static int patch_sheets(struct biff *b, struct out *o, struct lt_err *err)
{
	uint32_t i;

	LT_TRY(out_flush(o, err));
	for (i = 0; i < b->nsheets; i++) {
		uint8_t v[4];
		ssize_t w;

		if (b->sheet[i].at == UINT64_MAX)
			continue;
		put32(v, copy_offset(b, b->sheet[i].off));
		do
			w = pwrite(o->fd, v, 4,
				   (off_t)(OUT_SECTOR + b->sheet[i].at));
		while (w < 0 && errno == EINTR);
		if (w != 4)
			return lt_err_set(err, LT_E_IO,
					  "cannot write the workbook copy: %s",
					  w < 0 ? strerror(errno)
						: "short write");
	}
	return LT_OK;
}

/*
 * Once it has read every record, freexl 1.0.6 (common_open()) goes
 * through the sheets in BOUNDSHEET order, and for each one without a
 * DIMENSIONS record it adds 1 to that sheet's rows and columns and
 * allocates the cells of the *active* sheet A (the one of the last
 * substream) again, at A's size at that moment, dropping A's cells so far
 * without freeing them (up to 256 MB each time, for the life of the
 * process).  In order: A's DIMENSIONS allocation (if it has one), then
 * one per sheet without DIMENSIONS, A's size (plus 1 per side once A
 * itself, if it is one of them, has had its turn).  All but the last are
 * lost; if A has a DIMENSIONS, so are its cells (freexl does not read
 * them again).  Refused when that loses anything.  Those sheets get no
 * cells of their own, so freexl fails on their first cell (on its second
 * pass), and if that is a LABEL it loses the text: refused too.  A
 * workbook where every sheet has a DIMENSIONS (what Excel writes), or all
 * but A, passes.  (Without an active sheet freexl refuses the workbook
 * before its second pass.)
 */
static int undeclared_check(const struct biff *b, struct lt_err *err)
{
	const struct sheet_ref *a;
	uint32_t i, before = 0, after = 0;
	uint64_t lost;

	if (b->active < 0)
		return LT_OK;
	a = &b->sheet[b->active];
	for (i = 0; i < b->nsheets; i++) {
		if (b->sheet[i].declared || &b->sheet[i] == a)
			continue;
		if (b->sheet[i].index < a->index)
			before++;
		else
			after++;
	}
	if (a->declared)
		lost = (uint64_t)(before + after) * a->cells;
	else
		lost = before * a->cells + after * a->cells1;
	for (i = 0; !lost && i < b->nsheets; i++) {
		const struct sheet_ref *s = &b->sheet[i];

		if (s->declared || s == a || s->label == UINT64_MAX)
			continue;
		return lt_err_set(err, LT_E_CORRUPT,
				  "LABEL record at offset %" PRIu64
				  " in sheet %" PRIu32
				  ", which has no DIMENSIONS record and is "
				  "not the last: freexl has no cells for it",
				  s->label, s->index + 1);
	}
	if (!lost)
		return LT_OK;
	return lt_err_set(err, LT_E_CORRUPT,
			  "%" PRIu32 " sheet%s without a DIMENSIONS record: "
			  "freexl would %s %" PRIu64 " cells of sheet %" PRIu32
			  ", the last it reads",
			  before + after, before + after == 1 ? "" : "s",
			  a->declared ? "drop (and leak) the" : "leak", lost,
			  a->index + 1);
}

static int biff_run(struct biff *b, struct rd *r, struct out *o,
		    struct lt_xls_biff *res, struct lt_err *err)
{
	uint64_t off = 0, undeclared;
	uint8_t hdr[4];
	int rc;

	b->stream_len = r->size;
	b->prev_type = R_BOF;
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
		if (b->grp.on && type != R_CONTINUE)
			LT_TRY(sst_flush(b, r, o, err));
		if (off && type == R_SST && !b->sst.init && !b->grp.done) {
			b->grp.on = true;
			b->grp.off = off;
			memcpy(b->grp.shadow, b->rec, REC_MAX);
		}
		if (n > REC_MAX)
			return lt_err_set(err, LT_E_CORRUPT,
					  "BIFF record 0x%04x at offset "
					  "%" PRIu64 ": length %u (at most %u)",
					  type, off, n, REC_MAX);
		rc = rd_get(r, off + 4, off && type == R_FILEPASS ? b->fp
								 : b->rec,
			    n, err);
		if (rc == LT_E_NOTFOUND)
			return lt_err_set(err, LT_E_CORRUPT,
					  "BIFF record 0x%04x at offset "
					  "%" PRIu64 ": length %u runs past "
					  "the end of the stream (%" PRIu64
					  " bytes)",
					  type, off, n, r->size);
		if (rc)
			return rc;
		if (off && type == R_FILEPASS) {
			LT_TRY(filepass(b, n, off, err));
			if (b->encrypted) {
				LT_TRY(out_add(o, hdr, 4, err));
				LT_TRY(out_add(o, b->fp, n, err));
				off += 4 + n;
				break; /* what follows is encrypted */
			}
			off += 4 + n; /* left out of the copy */
			continue;
		}
		if (b->grp.on) {
			off += 4 + n; /* to sst_flush() */
			b->grp.end = off;
			continue;
		}
		if (b->decrypting && !clear_record(type)) {
			unsigned keep = type == R_BOUNDSHEET ? 4 : 0;

			if (n > keep)
				LT_TRY(decrypt(b, off + 4 + keep,
					       b->rec + keep, n - keep, err));
		}
		if (off == 0) {
			unsigned v = le16(b->rec);

			if (type != R_BOF || (v != 0x0600 && v != 0x0500))
				return lt_err_set(err, LT_E_CORRUPT,
						  "not a BIFF5/BIFF8 workbook "
						  "stream (first record "
						  "0x%04x, version 0x%04x)",
						  type, v);
			b->version = v == 0x0600 ? 8 : 5;
			b->open = true;
		} else {
			rc = record(b, type, n, off, err);
			if (rc)
				return rc;
			if (type == R_BOUNDSHEET && o)
				b->sheet[b->nsheets - 1].at =
					o->pos - OUT_SECTOR + o->len + 4;
		}
		LT_TRY(out_add(o, hdr, 4, err));
		LT_TRY(out_add(o, b->rec, n, err));
		off += 4 + n;
	}
	if (b->grp.on)
		LT_TRY(sst_flush(b, r, o, err));
	if (!b->version)
		return lt_err_set(err, LT_E_CORRUPT, "empty workbook stream");
	LT_TRY(sub_end(b, err));
	if (o && b->grp.relaid)
		LT_TRY(patch_sheets(b, o, err));
	if (!b->encrypted)
		LT_TRY(undeclared_check(b, err));
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
	res->decrypted = b->decrypting;
	res->sheets = b->nsheets;
	res->marks = b->nmarks;
	res->end = off;
	res->codepage = b->codepage;
	return LT_OK;
}

static void biff_free(struct biff *b)
{
	if (!b)
		return;
	free(b->sheet);
	free(b->marks);
	labels_clear(b->lab);
	free(b->lab);
	lt_buf_release(&b->pool);
	free(b);
}

static int cmp_mark(const void *x, const void *y)
{
	const struct mark *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Check the stream of r, copying the checked records to o (if not NULL).
 * With keep, the marks are sorted and *keep gets the state (free it with
 * biff_free()).
 */
static int biff_check(struct rd *r, struct out *o, struct lt_xls_biff *out,
		      struct biff **keep, struct lt_err *err)
{
	struct biff *b = lt_calloc(1, sizeof(*b));
	struct lt_xls_biff res;
	int rc;

	if (!b)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	b->pending = -1;
	b->active = -1;
	lt_buf_init(&b->pool, LT_XLS_MAX_FORMULA_TEXT);
	memset(&res, 0, sizeof(res));
	rc = biff_run(b, r, o, &res, err);
	if (!rc) {
		*out = res;
		if (keep) {
			if (b->nmarks)
				qsort(b->marks, b->nmarks, sizeof(*b->marks),
				      cmp_mark);
			*keep = b;
			return LT_OK;
		}
	}
	biff_free(b);
	return rc;
}

int lt_xls_biff_check(const uint8_t *p, size_t len, struct lt_xls_biff *out,
		      struct lt_err *err)
{
	struct rd r = { .mem = p, .size = len };

	return biff_check(&r, NULL, out, NULL, err);
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

/*
 * An Excel date serial as "YYYY-MM-DD", by the xlsx extractor's rules
 * (lt_excel_days_date): the time rounded to the millisecond.  False when
 * v is no date.
 */
static bool serial_date(double v, bool date1904, char out[11])
{
	if (!(v >= 0 && v < 3e6))
		return false;
	return lt_excel_days_date((int64_t)(v + 0.5 / 86400000.0), date1904,
				  out);
}

/* A time of day as "HH:MM:SS" (freexl's rounding); false when v is not
 * in [0, 1). */
static bool serial_time(double v, char out[9])
{
	long s;

	if (!(v >= 0 && v < 1))
		return false;
	s = lround(v * 86400);
	if (s >= 86400)
		s = 86399;
	snprintf(out, 9, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	return true;
}

#define NUM_SLOT 32

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

/* Strings the new layout of the shared string table had to cut. */
static void sst_cut_warning(const struct biff *b, struct lt_extract_info *info)
{
	uint32_t n = b->grp.cut8 + b->grp.cut16;
	const char *s = n == 1 ? "" : "s";

	if (b->grp.cut8 && b->grp.cut16)
		warn(info,
		     "%" PRIu32 " shared strings longer than freexl reads were "
		     "cut to at most %u (16-bit) or %u (8-bit) characters",
		     n, SST_CUT16, SST_CUT8);
	else
		warn(info,
		     "%" PRIu32 " shared string%s longer than freexl reads %s "
		     "cut to at most %u characters",
		     n, s, n == 1 ? "was" : "were",
		     b->grp.cut16 ? SST_CUT16 : SST_CUT8);
}

/* A number cell: the text and hint a format class gives it. */
static void number_cell(double v, unsigned cls, bool date1904, char *slot,
			struct lt_cell *cell)
{
	cell->text = slot;
	cell->hint = LT_CELL_NUMBER;
	if (cls == F_DATE && serial_date(v, date1904, slot)) {
		cell->hint = LT_CELL_DATE;
		return;
	}
	if (cls == F_TIME && serial_time(v, slot)) {
		cell->hint = LT_CELL_TEXT;
		return;
	}
	fmt_double(v, slot, NUM_SLOT);
}

struct sheet_ctx {
	const void *h;
	const struct biff *b;
	size_t cur;              /* first mark not behind the current cell */
	struct lt_cell *cells;
	char *num;               /* NUM_SLOT bytes per column */
};

/* The mark of cell key (the last one written), or NULL.  Cells are asked
 * for in increasing key order. */
static const struct mark *mark_of(struct sheet_ctx *s, uint64_t key)
{
	const struct biff *b = s->b;
	const struct mark *m = NULL;

	while (s->cur < b->nmarks && b->marks[s->cur].key < key)
		s->cur++;
	while (s->cur < b->nmarks && b->marks[s->cur].key == key)
		m = &b->marks[s->cur++];
	return m;
}

static int emit_sheet(struct sheet_ctx *s, unsigned idx,
		      const struct lt_extract_sink *sink,
		      struct lt_extract_info *info, struct lt_err *err)
{
	const struct biff *b = s->b;
	const char *name = NULL;
	unsigned rows = 0, r, c;
	unsigned short cols = 0;
	int rc = LT_OK, sc;

	rc = freexl_get_worksheet_name(s->h, (unsigned short)idx, &name);
	if (rc != FREEXL_OK || !name)
		name = "";
	rc = freexl_select_active_worksheet(s->h, (unsigned short)idx);
	if (rc == FREEXL_OK)
		rc = freexl_worksheet_dimensions(s->h, &rows, &cols);
	if (rc != FREEXL_OK)
		return lt_err_set(err, LT_E_DEP, "freexl: sheet %u: %s (%d)",
				  idx, fx_error(rc), rc);
	if ((uint64_t)rows * cols > LT_XLS_MAX_CELLS)
		return lt_err_set(err, LT_E_INTERNAL,
				  "freexl: sheet %u is %u x %u", idx, rows,
				  cols);
	rc = LT_OK;
	sc = sink->table_begin(name, sink->udata);
	if (sc)
		return sc;
	info->tables++;
	/* cell records address rows 0-65535: further rows are empty */
	for (r = 0; r < rows && cols && r <= 0xffff; r++) {
		size_t used = 0;
		struct lt_row row;

		for (c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			struct lt_cell *cell = &s->cells[c];
			char *slot = s->num + (size_t)c * NUM_SLOT;
			const struct mark *m = mark_of(
				s, (uint64_t)idx << 32 | (uint64_t)r << 16 | c);
			unsigned cls = m && (m->kind == M_NUMFMT ||
					     m->kind == M_FNUM)
					       ? m->cls
					       : F_NONE;

			cell->text = "";
			cell->len = 0;
			cell->hint = LT_CELL_TEXT;
			if (freexl_get_cell_value(s->h, r, (unsigned short)c,
						  &v) != FREEXL_OK) {
				warn(info, "sheet '%s': cell %u,%u unreadable",
				     name, r + 1, c + 1);
				continue;
			}
			switch (v.type) {
			case FREEXL_CELL_INT:
				number_cell(v.value.int_value, cls,
					    b->date1904, slot, cell);
				break;
			case FREEXL_CELL_DOUBLE:
				number_cell(v.value.double_value, cls,
					    b->date1904, slot, cell);
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
			case FREEXL_CELL_TIME:
				/* no dates: the copy hides the formats */
				cell->text = v.value.text_value
						     ? v.value.text_value
						     : "";
				break;
			default: /* empty: a formula result, maybe */
				if (!m)
					break;
				if (m->kind == M_FNUM)
					number_cell(m->v, cls, b->date1904,
						    slot, cell);
				else if (m->kind == M_FSTR)
					cell->text = b->pool.buf + m->str;
				else if (m->kind == M_FBOOL)
					cell->text = m->v ? "TRUE" : "FALSE";
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
		row.cells = s->cells;
		row.count = used;
		sc = sink->row(&row, sink->udata);
		if (sc)
			return sc; /* stopped: no table_end */
		info->rows++;
	}
	sc = sink->table_end(sink->udata);
	return rc ? rc : sc;
}

static bool legacy_biff(const struct lt_scan_input *in)
{
	uint8_t h[4];
	size_t got = 0;
	struct lt_err e = LT_ERR_INIT;

	if (in->size < 4)
		return false;
	if (in->data)
		memcpy(h, in->data, 4);
	else if (!in->read || in->read(in->src, 0, h, 4, &got, &e) || got < 4)
		return false;
	return h[0] == 0x09 && (h[1] == 0 || h[1] == 2 || h[1] == 4) &&
	       h[3] == 0;
}

int lt_extract_xls(const struct lt_scan_input *in,
		   const struct lt_extract_sink *sink,
		   struct lt_extract_info *info, struct lt_err *err)
{
	struct lt_cfb *f = NULL;
	struct lt_cfb_entry e;
	struct lt_cfb_stream *s = NULL;
	struct lt_xls_biff bi;
	struct biff *b = NULL;
	struct rd r = { 0 };
	struct out *o = NULL;
	struct sheet_ctx sc = { 0 };
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
	if (fd < 0) {
		rc = lt_err_set(err, LT_E_IO, "memfd_create: %s",
				strerror(errno));
		goto out;
	}
	o = malloc(sizeof(*o));
	r.buf = malloc(RD_CHUNK);
	if (!o || !r.buf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	o->fd = fd;
	o->pos = OUT_SECTOR;
	o->len = 0;
	r.s = s;
	r.size = lt_cfb_stream_size(s);
	rc = biff_check(&r, o, &bi, &b, err);
	if (!rc && bi.encrypted)
		rc = lt_err_set(err, LT_E_UNSUPPORTED,
				"workbook is encrypted (FILEPASS)");
	if (!rc)
		rc = out_flush(o, err);
	/* the copy may be shorter than the stream: no FILEPASS */
	if (!rc)
		rc = out_finish(o, o->pos - OUT_SECTOR, err);
	if (rc)
		goto out;
	/* the evidence is no longer needed: freexl reads the copy */
	free(r.buf);
	r.buf = NULL;
	lt_cfb_stream_close(s);
	s = NULL;
	lt_cfb_close(f);
	f = NULL;
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
	if (!h) {
		/* freexl 1.0.6 gives up on a record it cannot take without
		 * setting its error code: success, and no handle */
		rc = lt_err_set(err, LT_E_DEP,
				"freexl cannot read it (a record it refuses; "
				"it says no more)");
		goto out;
	}
	rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
	if (rc != FREEXL_OK) {
		rc = lt_err_set(err, LT_E_DEP, "freexl: %s (%d)", fx_error(rc),
				rc);
		goto out;
	}
	if (b->grp.cut8 || b->grp.cut16)
		sst_cut_warning(b, info);
	sc.h = h;
	sc.b = b;
	sc.cells = lt_calloc(0x10000, sizeof(*sc.cells));
	sc.num = lt_calloc(0x10000, NUM_SLOT);
	if (!sc.cells || !sc.num) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nsheets && i < SHEETS_MAX; i++) {
		rc = emit_sheet(&sc, i, sink, info, err);
		if (rc)
			goto out;
	}
out:
	if (h)
		freexl_close(h);
	if (fd >= 0)
		close(fd);
	free(sc.cells);
	free(sc.num);
	biff_free(b);
	free(o);
	free(r.buf);
	lt_cfb_stream_close(s);
	lt_cfb_close(f);
	return rc;
}
