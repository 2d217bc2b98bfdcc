// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xls extractor and its BIFF check.  The workbooks under
 * tests/unit/data/xls/ were written by SheetJS (gen-xls.js) and damaged by
 * gen-bad.py, or written by LibreOffice (gen-long.py: shared strings over
 * more than two records; make.sh runs all three); the encrypted ones come
 * from tests/unit/data/protect/ (those with Excel's default password must read
 * as their plaintext, meibo.xls or big.xls).  Every good workbook is read through in->data
 * and streamed through read() calls of 7 and 4096 bytes: the rows must be
 * the same.  lt_xls_biff_check() is also fed small hand-built streams for
 * the limits.
 */
#include "triage/core/compat.h"

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "tests/unit/check.h"
#include "tests/unit/memin.h"
#include "scanners/detect/cfb.h"

#define DATA "tests/unit/data/xls/"
#define PROTECT "tests/unit/data/protect/"

/* "sheet!row:cell|cell\n" per row; numbers as #text, dates as @text. */
struct coll {
	struct lt_buf out;
	int begins, ends;
	uint64_t rows, stop_at;
	bool bad;
	bool open;
	char sheet[128];
};

static int c_begin(const char *sheet, void *u)
{
	struct coll *c = u;

	if (c->open)
		c->bad = true;
	c->open = true;
	c->begins++;
	snprintf(c->sheet, sizeof(c->sheet), "%s", sheet);
	lt_buf_addf(&c->out, "[%s]\n", sheet);
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct coll *c = u;
	size_t i;

	if (!c->open || strcmp(r->sheet, c->sheet) || !r->count)
		c->bad = true;
	if (c->stop_at && ++c->rows == c->stop_at)
		return 42;
	lt_buf_addf(&c->out, "%" PRIu64 ":", r->row);
	for (i = 0; i < r->count; i++) {
		const struct lt_cell *cell = &r->cells[i];

		if (i)
			lt_buf_addc(&c->out, '|');
		if (cell->hint == LT_CELL_NUMBER)
			lt_buf_addc(&c->out, '#');
		else if (cell->hint == LT_CELL_DATE)
			lt_buf_addc(&c->out, '@');
		lt_buf_add(&c->out, cell->text, cell->len);
		if (cell->text[cell->len] || strlen(cell->text) != cell->len ||
		    !lt_utf8_valid(cell->text, cell->len))
			c->bad = true;
	}
	/* the last cell is never empty */
	if (!r->cells[r->count - 1].len)
		c->bad = true;
	lt_buf_addc(&c->out, '\n');
	return 0;
}

static int c_end(void *u)
{
	struct coll *c = u;

	if (!c->open)
		c->bad = true;
	c->open = false;
	c->ends++;
	return 0;
}

struct result {
	int rc;
	struct lt_err err;
	struct lt_extract_info info;
	char *out;
	int begins, ends;
	bool bad;
};

static void run1(const uint8_t *p, size_t len, size_t step, uint64_t stop_at,
		 struct result *r)
{
	struct mem m = { p, len, step };
	struct lt_scan_input in = { "t.xls", len, step ? NULL : p,
				    mem_read, &m };
	struct coll c;
	struct lt_extract_sink sink = { c_begin, c_row, c_end, &c };

	memset(&c, 0, sizeof(c));
	c.stop_at = stop_at;
	lt_buf_init(&c.out, 1 << 24);
	memset(r, 0, sizeof(*r));
	lt_err_clear(&r->err);
	r->rc = lt_extract_xls(&in, &sink, &r->info, &r->err);
	r->out = lt_buf_detach(&c.out, NULL);
	if (!r->out)
		r->out = strdup("");
	r->begins = c.begins;
	r->ends = c.ends;
	r->bad = c.bad;
}

/* Run with data and streamed; the runs must agree.  *out: free(). */
static int extract(const char *name, char **out, struct lt_extract_info *info,
		   struct lt_err *err)
{
	char path[256];
	size_t len, steps[] = { 0, 7, 4096 }, i;
	uint8_t *p;
	struct result first = { 0 }, r;

	snprintf(path, sizeof(path), DATA "%s", name);
	p = mem_slurp(path, &len);
	CHECK(p != NULL);
	if (!p)
		return -1;
	for (i = 0; i < LT_ARRAY_SIZE(steps); i++) {
		run1(p, len, steps[i], 0, &r);
		CHECK(!r.bad);
		CHECK(r.rc != 0 || r.begins == r.ends);
		if (!i) {
			first = r;
			continue;
		}
		CHECK(r.rc == first.rc);
		CHECK_STR(r.out, first.out);
		CHECK_STR(r.err.msg, first.err.msg);
		free(r.out);
	}
	free(p);
	*out = first.out;
	*info = first.info;
	*err = first.err;
	return first.rc;
}

static void test_meibo(void)
{
	struct lt_extract_info info;
	struct lt_err err;
	char *out = NULL;
	int rc = extract("meibo.xls", &out, &info, &err);

	CHECK(rc == LT_OK);
	if (rc)
		fprintf(stderr, "meibo.xls: %s\n", err.msg);
	CHECK_STR(out ? out : "",
		  "[名簿]\n"
		  "1:職員名簿\n"
		  "3:氏名|フリガナ|生年月日|和暦コード|性別|住所\n"
		  "4:検証 太郎|ケンショウ タロウ|@1970-01-01|#3450101|男|"
		  "架空県見本市1-2-3\n"
		  "5:試験 花子|シケン ハナコ|@1985-12-31|#3601231|女|"
		  "架空県例題町4-5\n"
		  "6:見本 次郎|ミホン ジロウ|@1961-03-05|#3600305|男\n"
		  "[Sheet2]\n"
		  "1:コード|金額|比率|登録日時|時刻\n"
		  "2:#1|#1500|#0.25|@1970-01-01|18:00:00\n"
		  "4:#2|#-42|#1.5\n"
		  "[空]\n");
	CHECK_STR(info.layout, "biff8");
	CHECK_STR(info.encoding, "UTF-16LE");
	CHECK(info.tables == 3);
	CHECK(info.rows == 8);
	CHECK_STR(info.warning, "");
	free(out);
}

static void test_big(void)
{
	struct lt_extract_info info;
	struct lt_err err;
	char *out = NULL;
	int rc = extract("big.xls", &out, &info, &err);

	CHECK(rc == LT_OK);
	if (rc)
		fprintf(stderr, "big.xls: %s\n", err.msg);
	CHECK(info.rows == 401);
	CHECK(out && strstr(out, "[一覧]\n1:氏名|番号|生年月日\n"
				 "2:試験 0|#3600000|@1950-01-01\n"));
	CHECK(out && strstr(out, "\n401:試験 399|#3600399|@1999-04-08\n"));
	free(out);
	/* exactly 4096 bytes: in regular sectors, freexl reads it */
	rc = extract("exact4096.xls", &out, &info, &err);
	CHECK(rc == LT_OK);
	CHECK(info.rows == 8);
	free(out);
}

/* Dates and formula results are the extractor's, not freexl's. */
static void test_dates_formulas(void)
{
	struct lt_extract_info info;
	struct lt_err err;
	char *out = NULL;
	int rc = extract("calc.xls", &out, &info, &err);

	CHECK(rc == LT_OK);
	CHECK_STR(out ? out : "",
		  "[計算]\n"
		  "1:氏名|生年月日|合計|確認\n"
		  "2:検証 太郎|@1970-01-01|#3|TRUE\n");
	free(out);
	/* BIFF5: a "Book" stream, code page text */
	rc = extract("biff5.xls", &out, &info, &err);
	CHECK(rc == LT_OK);
	CHECK_STR(out ? out : "", "[List]\n1:Name|Birth|Code\n"
				  "2:Kensho Taro|@1970-01-01|#3450101\n");
	CHECK_STR(info.layout, "biff5");
	CHECK_STR(info.encoding, "CP1252");
	free(out);
	/* date-formatted serials of year 5.7 million: numbers, at once */
	rc = extract("datebomb.xls", &out, &info, &err);
	CHECK(rc == LT_OK);
	CHECK(info.rows == 16);
	CHECK(out && strstr(out, "\n16:#2100000000\n"));
	free(out);
}

static void expect_error(const char *name, int code, const char *msg)
{
	struct lt_extract_info info;
	struct lt_err err;
	char *out = NULL;
	int rc = extract(name, &out, &info, &err);

	CHECK(rc == code);
	if (rc != code || !strstr(err.msg, msg))
		fprintf(stderr, "%s: rc %d: '%s' (expected %d '%s')\n", name,
			rc, err.msg, code, msg);
	CHECK(strstr(err.msg, msg) != NULL);
	CHECK(!strchr(err.msg, '\n'));
	free(out);
}

static void test_bad(void)
{
	expect_error("truncated.xls", LT_E_CORRUPT,
		     "stream 'Workbook' claims 27000 bytes in a file of 14848");
	expect_error("fat-loop.xls", LT_E_CORRUPT,
		     "sector chain of 'Workbook' loops at sector");
	expect_error("dir-loop.xls", LT_E_CORRUPT, "directory tree loops");
	expect_error("badlen.xls", LT_E_CORRUPT,
		     "length 4000 runs past the end of the stream");
	expect_error("longrec.xls", LT_E_CORRUPT,
		     "record 0x00ef at offset 20: length 9000 (at most 8224)");
	expect_error("dims-huge.xls", LT_E_LIMIT,
		     "sheet dimensions 1048576 x 256 too large");
	expect_error("dims-wrap.xls", LT_E_LIMIT,
		     "sheet dimensions 2147483648 x 2 too large");
	expect_error("dims-limit.xls", LT_E_LIMIT,
		     "sheet dimensions total 20000021 cells");
	expect_error("nodims-huge.xls", LT_E_LIMIT,
		     "sheet dimensions 65536 x 65536 too large");
	/* encrypted with a real password: refused, freexl not called */
	{
		static const char *const names[] = {
			"xls-rc4-cryptoapi.xls", "xls-rc4-cryptoapi-40.xls",
			"xls-rc4.xls", "xls-xor.xls",
			/* XOR obfuscation is not decrypted, even with
			 * Excel's default password */
			"xls-xor-velvet.xls",
		};
		size_t i;

		for (i = 0; i < LT_ARRAY_SIZE(names); i++) {
			char path[256];
			size_t len;
			uint8_t *p;
			struct result r;

			snprintf(path, sizeof(path), PROTECT "%s", names[i]);
			p = mem_slurp(path, &len);
			CHECK(p != NULL);
			if (!p)
				continue;
			run1(p, len, 0, 0, &r);
			CHECK(r.rc == LT_E_UNSUPPORTED);
			CHECK(strstr(r.err.msg, "encrypted (FILEPASS)") !=
			      NULL);
			CHECK(r.begins == 0);
			free(r.out);
			free(p);
		}
	}
}

/*
 * Encrypted with Excel's default password (gen-protect.py encrypted the
 * Workbook stream of meibo.xls, with a FILEPASS record added): decrypted,
 * the same cells as meibo.xls, whole or streamed.
 */
/* Each of names (count) extracts exactly as plain does. */
static void expect_same(const char *plain, const char *const *names,
			size_t count)
{
	struct lt_extract_info want_info, info;
	struct lt_err err;
	char *want = NULL, *out;
	size_t i;

	CHECK(extract(plain, &want, &want_info, &err) == LT_OK);
	for (i = 0; i < count; i++) {
		int rc = extract(names[i], &out, &info, &err);

		CHECK(rc == LT_OK);
		if (rc)
			fprintf(stderr, "%s: %s\n", names[i], err.msg);
		CHECK_STR(out ? out : "", want ? want : "-");
		CHECK(info.tables == want_info.tables &&
		      info.rows == want_info.rows);
		CHECK_STR(info.layout, "biff8");
		CHECK_STR(info.warning, "");
		free(out);
	}
	free(want);
}

static void test_velvet(void)
{
	static const char *const meibo[] = {
		"../protect/xls-rc4-cryptoapi-velvet.xls",
		"../protect/xls-rc4-velvet.xls",
	};
	/* LibreOffice 7.4 re-saved big.xls with the password
	 * VelvetSweatshop (RC4 1.1; its SST spans a CONTINUE record) */
	static const char *const big[] = {
		"../protect/xls-rc4-velvet-lo.xls",
	};

	expect_same("meibo.xls", meibo, LT_ARRAY_SIZE(meibo));
	expect_same("big.xls", big, LT_ARRAY_SIZE(big));
}

/* The Workbook stream of a file (malloc'd, *len bytes), or NULL. */
static uint8_t *workbook(const uint8_t *p, size_t len, size_t *out)
{
	struct lt_scan_input in = { "t.xls", len, p, NULL, NULL };
	struct lt_err err = LT_ERR_INIT;
	struct lt_cfb *f = NULL;
	struct lt_cfb_stream *s = NULL;
	struct lt_cfb_entry e;
	uint8_t *wb = NULL;
	size_t got = 0;

	if (!lt_cfb_open(&in, &f, &err) &&
	    !lt_cfb_find(f, LT_CFB_ROOT, "Workbook", &e, &err) &&
	    !lt_cfb_stream_open(f, &e, &s, &err) &&
	    (wb = malloc(e.size)) != NULL &&
	    !lt_cfb_stream_read(s, 0, wb, e.size, &got, &err) &&
	    got == e.size) {
		*out = got;
	} else {
		free(wb);
		wb = NULL;
	}
	lt_cfb_stream_close(s);
	lt_cfb_close(f);
	return wb;
}

/*
 * The file name (malloc'd, *len bytes) with the first record of type
 * `type` in its Workbook stream (which must lie in the file in one piece)
 * at *rec, or NULL.
 */
static uint8_t *with_record(const char *name, unsigned type, size_t *len,
			    size_t *rec)
{
	size_t wlen, at, q;
	uint8_t *p = mem_slurp(name, len);
	uint8_t *wb = p ? workbook(p, *len, &wlen) : NULL;

	if (!wb) {
		free(p);
		return NULL;
	}
	for (at = 0; at + wlen <= *len && memcmp(p + at, wb, wlen); at++)
		;
	for (q = 0; at + wlen <= *len && q + 4 <= wlen;
	     q += 4 + (wb[q + 2] | wb[q + 3] << 8)) {
		if ((unsigned)(wb[q] | wb[q + 1] << 8) == type) {
			*rec = at + q;
			free(wb);
			return p;
		}
	}
	free(wb);
	free(p);
	return NULL;
}

/*
 * calc.xls with the STRING record after its string formula made a record
 * of unknown type 0: the formula has no text, the cell is empty.  (The
 * extraction used to take the text at offset 0 of the formula text pool:
 * another formula's, or NULL when there was none, and crash.)
 */
static void test_formula_no_string(void)
{
	size_t len, at;
	uint8_t *p = with_record(DATA "calc.xls", 0x0207, &len, &at);
	struct result r;

	CHECK(p != NULL);
	if (!p)
		return;
	p[at] = p[at + 1] = 0;
	run1(p, len, 0, 0, &r);
	CHECK(r.rc == LT_OK);
	CHECK_STR(r.out, "[計算]\n"
			 "1:氏名|生年月日|合計|確認\n"
			 "2:|@1970-01-01|#3|TRUE\n");
	free(r.out);
	free(p);
}

/*
 * meibo.xls with a NUMBER cell moved below its sheet's DIMENSIONS: freexl
 * refuses the workbook without saying why (its open succeeds, with no
 * handle); the error says so instead of a failed call after it.
 */
static void test_freexl_refuses(void)
{
	size_t len, at;
	uint8_t *p = with_record(DATA "meibo.xls", 0x0203, &len, &at);
	struct result r;

	CHECK(p != NULL);
	if (!p)
		return;
	p[at + 5] = 0x7f; /* row 0x7fxx */
	run1(p, len, 0, 0, &r);
	CHECK(r.rc == LT_E_DEP);
	CHECK_STR(r.err.msg, "freexl cannot read it (a record it refuses; it "
			     "says no more)");
	free(r.out);
	free(p);
}

/*
 * A damaged workbook encrypted with the default password: the stream is
 * found in the file (it lies there in one piece) and damaged in place.
 * Each damage ends in a clean error naming the reason, or in garbage
 * cells; never a crash (check-asan runs this too).
 */
static void test_velvet_damaged(void)
{
	size_t len, wlen, at, q, fp_end = 0;
	uint8_t *p = mem_slurp(PROTECT "xls-rc4-cryptoapi-velvet.xls", &len);
	uint8_t *wb = p ? workbook(p, len, &wlen) : NULL;
	uint8_t *d;
	struct result r;
	struct lt_xls_biff b;
	struct lt_err e = LT_ERR_INIT;
	int k;

	CHECK(wb != NULL);
	if (!wb) {
		free(p);
		return;
	}
	for (at = 0; at + wlen <= len && memcmp(p + at, wb, wlen); at++)
		;
	CHECK(at + wlen <= len);
	if (at + wlen > len)
		goto out;
	for (q = 0; q + 4 <= wlen; q += 4 + (wb[q + 2] | wb[q + 3] << 8))
		if ((wb[q] | wb[q + 1] << 8) == 0x002f)
			fp_end = q + 4 + (wb[q + 2] | wb[q + 3] << 8);
	CHECK(fp_end > 0);
	/* the stream cut in the middle of a record */
	CHECK(lt_xls_biff_check(wb, wlen / 2, &b, &e) == LT_E_CORRUPT);
	CHECK(strstr(e.msg, "runs past the end of the stream") != NULL);
	d = malloc(len);
	CHECK(d != NULL);
	for (k = 0; d && k < 3; k++) {
		memcpy(d, p, len);
		if (k == 0) {
			/* every encrypted byte flipped: garbage records */
			for (q = fp_end; q + 4 <= wlen;) {
				size_t n = wb[q + 2] | wb[q + 3] << 8, i;

				for (i = 0; i < n && q + 4 + i < wlen; i++)
					d[at + q + 4 + i] ^= 0xff;
				q += 4 + n;
			}
		} else if (k == 1) {
			/* the record after FILEPASS claims 65535 bytes */
			d[at + fp_end + 2] = 0xff;
			d[at + fp_end + 3] = 0xff;
		} else {
			/* a wrong verifier: another password, refused */
			d[at + fp_end - 1] ^= 1;
		}
		run1(d, len, 0, 0, &r);
		CHECK(!r.bad);
		CHECK(!strchr(r.err.msg, '\n'));
		if (k == 0)
			CHECK(r.rc != LT_OK && r.err.msg[0]);
		if (k == 1) {
			CHECK(r.rc == LT_E_CORRUPT);
			CHECK(strstr(r.err.msg, "length 65535 (at most 8224)") !=
			      NULL);
		}
		if (k == 2) {
			CHECK(r.rc == LT_E_UNSUPPORTED);
			CHECK(strstr(r.err.msg, "encrypted (FILEPASS)") !=
			      NULL);
		}
		free(r.out);
	}
	free(d);
out:
	free(wb);
	free(p);
}

/*
 * Shared string tables laid out over CONTINUE records (gen-bad.py from
 * big.xls): valid layouts read as big.xls; the ones freexl would read past
 * its record for are refused before freexl runs, with the reason.
 */
static void test_sst(void)
{
	static const char *const same[] = {
		"sst-split.xls", "sst-rich.xls", "sst-count.xls",
		/* valid, but freexl would misread it: laid out again */
		"sst-spill.xls",
	};

	expect_same("big.xls", same, LT_ARRAY_SIZE(same));
	expect_error("sst-cch.xls", LT_E_CORRUPT,
		     "shared string table: string 403 runs past its record "
		     "(16-bit characters) (record at offset 9140)");
	expect_error("sst-option.xls", LT_E_CORRUPT,
		     "shared string table: string 403 runs past its record "
		     "(16-bit characters)");
	expect_error("sst-runs.xls", LT_E_CORRUPT,
		     "header runs past its record");
	expect_error("sst-ext.xls", LT_E_CORRUPT,
		     "header runs past its record");
	expect_error("sst-header.xls", LT_E_CORRUPT,
		     "shared string table: string 1 header runs past its "
		     "record (record at offset 912)");
}

/* n copies of the UTF-8 text rep, cut to count UTF-16 units (rep is BMP
 * only), appended to b. */
static void add_rep(struct lt_buf *b, const char *rep, size_t count)
{
	size_t i = 0;
	const char *p = rep;

	while (i < count) {
		size_t k = 1;

		if (!*p)
			p = rep;
		while ((p[k] & 0xc0) == 0x80)
			k++;
		lt_buf_add(b, p, k);
		p += k;
		i++;
	}
}

/* The extraction of name: rows, warning; its text compared with want. */
static void expect_rows(const char *name, struct lt_buf *want,
			uint64_t rows, const char *warning)
{
	struct lt_extract_info info;
	struct lt_err err;
	char *out = NULL;
	int rc = extract(name, &out, &info, &err);

	CHECK(rc == LT_OK);
	if (rc)
		fprintf(stderr, "%s: %s\n", name, err.msg);
	CHECK(info.rows == rows);
	CHECK_STR(info.warning, warning);
	CHECK_STR(out ? out : "", want->buf ? want->buf : "");
	free(out);
	lt_buf_release(want);
}

/*
 * Shared strings longer than freexl 1.0.6 reads (over more than two
 * records), written by LibreOffice (gen-long.py): the table is laid out
 * again, every row is read, the short cells exactly, a string cut where
 * it must be, with a warning.
 */
static void test_long_sst(void)
{
	struct lt_buf w;
	int i;

	lt_buf_init(&w, 1 << 24);
	lt_buf_addf(&w, "[long]\n1:氏名|生年月日|住所|備考\n");
	for (i = 0; i < 30; i++) {
		lt_buf_addf(&w,
			    "%d:山田 太郎%d|1980/01/%02d|"
			    "東京都千代田区千代田1-1-%d|",
			    i + 2, i, i % 28 + 1, i);
		if (i == 4)
			add_rep(&w, "長い備考", 8221);   /* of 12,000 */
		else if (i == 8)
			add_rep(&w, "A", 16444);         /* of 20,000 */
		else
			lt_buf_addc(&w, 'x');
		lt_buf_addc(&w, '\n');
	}
	expect_rows("long.xls", &w, 31,
		    "2 shared strings longer than freexl reads were cut to "
		    "at most 8221 (16-bit) or 16444 (8-bit) characters");

	/* the longest strings freexl reads whole, and one more character;
	 * a cut never splits a surrogate pair */
	lt_buf_init(&w, 1 << 24);
	lt_buf_addf(&w, "[limits]\n1:短い 一\n2:");
	add_rep(&w, "あいうえお", 8221);
	lt_buf_addf(&w, "\n3:短い 2\n4:");
	add_rep(&w, "あいうえお", 8221);
	lt_buf_addf(&w, "\n5:短い 4\n6:");
	add_rep(&w, "B", 16444);
	lt_buf_addf(&w, "\n7:短い 6\n8:");
	add_rep(&w, "C", 16444);
	lt_buf_addf(&w, "\n9:短い 8\n10:");
	add_rep(&w, "あいうえお", 8220);
	lt_buf_addf(&w, "\n11:短い 10\n");
	expect_rows("limits.xls", &w, 11,
		    "3 shared strings longer than freexl reads were cut to "
		    "at most 8221 (16-bit) or 16444 (8-bit) characters");

	/* 3,000 rich-text runs after a string, over two more records:
	 * nothing to cut, every string read */
	lt_buf_init(&w, 1 << 24);
	lt_buf_addf(&w, "[書式]\n1:");
	add_rep(&w, "漢字かな", 6000);
	lt_buf_addf(&w, "\n2:氏名\n3:山田 花子\n4:東京都千代田区千代田1-1\n");
	expect_rows("rich.xls", &w, 4, "");
}

static void test_not_xls(void)
{
	static const uint8_t biff2[] = { 0x09, 0x00, 0x04, 0x00, 0x02, 0x00,
					 0x10, 0x00, 0x0a, 0x00, 0x00, 0x00 };
	static const uint8_t text[] = "氏名,生年月日\n";
	struct result r;

	run1(biff2, sizeof(biff2), 0, 0, &r);
	CHECK(r.rc == LT_E_UNSUPPORTED);
	CHECK(strstr(r.err.msg, "BIFF2-4") != NULL);
	free(r.out);
	run1(text, sizeof(text) - 1, 0, 0, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	free(r.out);
}

static void test_stop(void)
{
	size_t len;
	uint8_t *p = mem_slurp(DATA "meibo.xls", &len);
	struct result r;

	if (!p) {
		CHECK(0);
		return;
	}
	run1(p, len, 0, 2, &r);
	CHECK(r.rc == 42);
	CHECK(r.begins == 1 && r.ends == 0);
	free(r.out);
	free(p);
}

/* --- lt_xls_biff_check on hand-built streams ----------------------------- */

struct sb {
	uint8_t p[1 << 18];
	size_t len;
};

static void rec(struct sb *s, unsigned type, const void *data, size_t n)
{
	s->p[s->len] = (uint8_t)type;
	s->p[s->len + 1] = (uint8_t)(type >> 8);
	s->p[s->len + 2] = (uint8_t)n;
	s->p[s->len + 3] = (uint8_t)(n >> 8);
	if (n)
		memcpy(s->p + s->len + 4, data, n);
	s->len += 4 + n;
}

static void bof(struct sb *s, unsigned vers, unsigned dt)
{
	uint8_t d[16] = { 0 };

	d[0] = (uint8_t)vers;
	d[1] = (uint8_t)(vers >> 8);
	d[2] = (uint8_t)dt;
	d[3] = (uint8_t)(dt >> 8);
	rec(s, 0x0809, d, sizeof(d));
}

static void dims8(struct sb *s, uint32_t rows, uint16_t cols)
{
	uint8_t d[14] = { 0 };

	d[4] = (uint8_t)rows;
	d[5] = (uint8_t)(rows >> 8);
	d[6] = (uint8_t)(rows >> 16);
	d[7] = (uint8_t)(rows >> 24);
	d[10] = (uint8_t)cols;
	d[11] = (uint8_t)(cols >> 8);
	rec(s, 0x0200, d, sizeof(d));
}

static void boundsheet(struct sb *s, uint32_t off)
{
	uint8_t d[10] = { 0 };

	d[0] = (uint8_t)off;
	d[1] = (uint8_t)(off >> 8);
	d[2] = (uint8_t)(off >> 16);
	d[3] = (uint8_t)(off >> 24);
	d[6] = 2;
	d[8] = 'S';
	d[9] = '1';
	rec(s, 0x0085, d, sizeof(d));
}

static int check(struct sb *s, struct lt_xls_biff *b, struct lt_err *e)
{
	lt_err_clear(e);
	memset(b, 0xa5, sizeof(*b));
	return lt_xls_biff_check(s->p, s->len, b, e);
}

static void test_biff_check(void)
{
	struct sb *s = calloc(1, sizeof(*s));
	struct lt_xls_biff b;
	struct lt_err e;
	uint8_t z[8224] = { 0 };
	unsigned i;
	size_t at;

	/* a minimal workbook: globals, one sheet of 10 x 3 */
	bof(s, 0x0600, 5);
	at = s->len;
	boundsheet(s, 0);
	rec(s, 0x000a, NULL, 0);
	{
		uint32_t off = (uint32_t)s->len;

		s->p[at + 4] = (uint8_t)off; /* patch lbPlyPos */
	}
	bof(s, 0x0600, 0x10);
	dims8(s, 10, 3);
	rec(s, 0x000a, NULL, 0);
	CHECK(check(s, &b, &e) == LT_OK);
	CHECK(b.version == 8 && b.sheets == 1 && !b.encrypted);
	CHECK(b.cells == 30);
	CHECK(b.end == s->len);
	/* trailing zeros: freexl's end mark */
	memset(s->p + s->len, 0, 64);
	s->len += 64;
	CHECK(check(s, &b, &e) == LT_OK && b.end == s->len - 64);
	s->len -= 64;

	/* the limit is inclusive: 20,000,000 cells pass, one more row not */
	s->len -= 4 + 14 + 4;
	dims8(s, 4000000, 5);
	rec(s, 0x000a, NULL, 0);
	CHECK(check(s, &b, &e) == LT_OK && b.cells == 20000000);
	s->len -= 4 + 14 + 4;
	dims8(s, 4000001, 5);
	rec(s, 0x000a, NULL, 0);
	CHECK(check(s, &b, &e) == LT_E_LIMIT);
	CHECK_STR(e.msg, "sheet dimensions 4000001 x 5 too large (at most "
			 "20000000 cells)");
	/* rows with no column still cost freexl a loop each */
	s->len -= 4 + 14 + 4;
	dims8(s, 30000000, 0);
	rec(s, 0x000a, NULL, 0);
	CHECK(check(s, &b, &e) == LT_E_LIMIT);
	s->len -= 4 + 14 + 4;
	dims8(s, 10, 3);
	rec(s, 0x000a, NULL, 0);

	/* a short DIMENSIONS */
	{
		struct sb *t = calloc(1, sizeof(*t));

		bof(t, 0x0600, 5);
		rec(t, 0x000a, NULL, 0);
		bof(t, 0x0600, 0x10);
		rec(t, 0x0200, z, 8);
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		CHECK(strstr(e.msg, "DIMENSIONS record of 8 bytes") != NULL);
		free(t);
	}
	/* FILEPASS: encrypted, the rest not read (it would not parse) */
	{
		struct sb *t = calloc(1, sizeof(*t));

		bof(t, 0x0600, 5);
		rec(t, 0x002f, z, 54);
		rec(t, 0x0200, z, 3);
		CHECK(check(t, &b, &e) == LT_OK);
		CHECK(b.encrypted);
		free(t);
	}
	/* not a workbook stream: no BOF, or a BIFF2 version */
	{
		struct sb *t = calloc(1, sizeof(*t));

		rec(t, 0x0085, z, 10);
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		t->len = 0;
		bof(t, 0x0200, 5);
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		CHECK(strstr(e.msg, "version 0x0200") != NULL);
		t->len = 0;
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		/* BIFF5: 16-bit DIMENSIONS fields at other offsets */
		bof(t, 0x0500, 5);
		rec(t, 0x000a, NULL, 0);
		bof(t, 0x0500, 0x10);
		{
			uint8_t d[10] = { 0, 0, 0x10, 0, 0, 0, 4, 0, 0, 0 };

			rec(t, 0x0200, d, sizeof(d));
		}
		CHECK(check(t, &b, &e) == LT_OK);
		CHECK(b.version == 5 && b.cells == 64);
		free(t);
	}
	/* more XF records than freexl's table holds */
	{
		struct sb *t = calloc(1, sizeof(*t));

		bof(t, 0x0600, 5);
		for (i = 0; i < 8193 && t->len + 24 < sizeof(t->p); i++)
			rec(t, 0x00e0, z, 20);
		CHECK(i == 8193);
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		CHECK(strstr(e.msg, "more than 8192 XF records") != NULL);
		free(t);
	}
	/* an SST claiming more strings than the stream can hold */
	{
		struct sb *t = calloc(1, sizeof(*t));
		uint8_t d[8] = { 0, 0, 0, 1, 0, 0, 0, 1 };

		bof(t, 0x0600, 5);
		rec(t, 0x00fc, d, 8);
		CHECK(check(t, &b, &e) == LT_E_CORRUPT);
		CHECK(strstr(e.msg, "SST claims 16777216 strings") != NULL);
		free(t);
	}
	/* a record shorter than its header says, at the very end */
	s->len -= 4;
	s->p[s->len] = 0x0a;
	s->p[s->len + 1] = 0;
	s->p[s->len + 2] = 10;
	s->p[s->len + 3] = 0;
	s->len += 4;
	CHECK(check(s, &b, &e) == LT_E_CORRUPT);
	/* 1-3 stray bytes at the end are not a record: ignored */
	s->len -= 4;
	rec(s, 0x000a, NULL, 0);
	s->p[s->len++] = 0x42;
	CHECK(check(s, &b, &e) == LT_OK);
	free(s);
}

/*
 * What freexl 1.0.6 would read past its record buffer for, or lose memory
 * over (found by tests/fuzz/fuzz-xls.c): refused by the check, with the
 * reason.  Each stream is a workbook of one or more sheets; boundsheet()
 * records are patched to point at the BOF that sheet() writes.
 */
static void put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void sheet(struct sb *s, size_t bs_at)
{
	put32(s->p + bs_at + 4, s->len);
	bof(s, 0x0600, 0x10);
}

static void cell(struct sb *s, unsigned type, unsigned row, unsigned col,
		 const void *rest, size_t n)
{
	uint8_t d[64] = { (uint8_t)row, (uint8_t)(row >> 8), (uint8_t)col,
			  (uint8_t)(col >> 8) };

	memcpy(d + 4, rest, n);
	rec(s, type, d, 4 + n);
}

/* A LABEL (BIFF8, 8-bit characters): ixfe, cch, flags, text. */
static void label8(struct sb *s, unsigned row, unsigned col, const char *t)
{
	uint8_t d[40] = { 0, 0, (uint8_t)strlen(t), 0, 0 };

	memcpy(d + 5, t, strlen(t));
	cell(s, 0x0204, row, col, d, 5 + strlen(t));
}

static void number(struct sb *s, unsigned row, unsigned col)
{
	static const uint8_t d[10] = { 0 };

	cell(s, 0x0203, row, col, d, sizeof(d));
}

/* Globals with count BOUNDSHEETs (their offsets in at[]), then EOF. */
static void globals(struct sb *s, size_t *at, unsigned count)
{
	unsigned i;

	s->len = 0;
	bof(s, 0x0600, 5);
	for (i = 0; i < count; i++) {
		at[i] = s->len;
		boundsheet(s, 0);
	}
	rec(s, 0x000a, NULL, 0);
}

static void expect_check(struct sb *s, int code, const char *msg)
{
	struct lt_xls_biff b;
	struct lt_err e;
	int rc = check(s, &b, &e);

	CHECK(rc == code);
	if (rc != code || (msg && !strstr(e.msg, msg)))
		fprintf(stderr, "rc %d '%s', expected %d '%s'\n", rc, e.msg,
			code, msg ? msg : "");
	CHECK(!msg || strstr(e.msg, msg) != NULL);
}

static void test_freexl_guards(void)
{
	struct sb *s = calloc(1, sizeof(*s));
	size_t at[3];

	if (!s) {
		CHECK(0);
		return;
	}
	/* FORMAT: 39321 16-bit characters in a 12-byte record (freexl
	 * copied 78 KB from past its record buffer) */
	{
		static const uint8_t f[12] = { 0xa4, 0, 0x99, 0x99, 1 };
		static const uint8_t ok[] = { 0xa4, 0, 3, 0, 0, 'y', 'y', 'y' };

		s->len = 0;
		bof(s, 0x0600, 5);
		rec(s, 0x041e, ok, sizeof(ok));
		expect_check(s, LT_OK, NULL);
		rec(s, 0x041e, f, sizeof(f));
		expect_check(s, LT_E_CORRUPT,
			     "FORMAT record at offset 32: string of 39321 "
			     "characters (16-bit) runs past its 12 bytes");
	}
	/* LABEL: the text must end inside the record, BIFF8 and BIFF5 */
	globals(s, at, 1);
	sheet(s, at[0]);
	dims8(s, 10, 3);
	label8(s, 0, 0, "abc");
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_OK, NULL);
	s->len -= 4 + 12 + 4;
	{
		static const uint8_t l[5] = { 0, 0, 0xff, 0x7f, 0 };

		cell(s, 0x0204, 0, 0, l, sizeof(l));
	}
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT,
		     "string of 32767 characters runs past its 9 bytes");
	{
		struct sb *t = calloc(1, sizeof(*t));
		static const uint8_t l5[7] = { 0, 0, 4, 0, 'a', 'b', 'c' };
		static const uint8_t d[10] = { 0, 0, 10, 0, 0, 0, 3, 0 };

		bof(t, 0x0500, 5);
		boundsheet(t, 0);
		rec(t, 0x000a, NULL, 0);
		put32(t->p + 20 + 4, t->len);
		bof(t, 0x0500, 0x10);
		rec(t, 0x0200, d, sizeof(d));
		cell(t, 0x0204, 0, 0, l5, sizeof(l5));
		expect_check(t, LT_E_CORRUPT,
			     "LABEL record at offset 72: string of 4 "
			     "characters runs past its 11 bytes");
		t->p[t->len - 7 + 2] = 3; /* cch 3: fits */
		expect_check(t, LT_OK, NULL);
		free(t);
	}
	/* LABEL where freexl cannot store it (it would lose the text): in
	 * the globals, outside the sheet's DIMENSIONS */
	globals(s, at, 1);
	s->len -= 4;
	label8(s, 0, 0, "abc");
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[0]);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT, "LABEL record at offset 34 outside any "
				      "sheet");
	globals(s, at, 1);
	sheet(s, at[0]);
	dims8(s, 10, 3);
	label8(s, 9, 3, "abc");
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT, "cell 10,4 outside the 10 x 3 cells");
	/* a second cell where a LABEL is (freexl leaks the text); a LABEL
	 * before the DIMENSIONS is not stored, so a cell there passes */
	globals(s, at, 1);
	sheet(s, at[0]);
	label8(s, 1, 1, "abc");
	dims8(s, 10, 3);
	number(s, 1, 1);
	label8(s, 2, 2, "abc");
	number(s, 2, 1);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_OK, NULL);
	s->len -= 4;
	number(s, 2, 2);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT, "cell 3,3 given again at offset");
	/* two DIMENSIONS in a sheet: freexl loses the first allocation; a
	 * BOF before the sheet's EOF does not end it for freexl */
	globals(s, at, 1);
	sheet(s, at[0]);
	dims8(s, 10, 3);
	bof(s, 0x0600, 0x20);
	dims8(s, 10, 3);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT, "second DIMENSIONS record of sheet 1");
	/* a BOUNDSHEET inside a sheet (freexl's second pass would move the
	 * cells after it to another sheet) */
	globals(s, at, 1);
	sheet(s, at[0]);
	boundsheet(s, 0);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT, "BOUNDSHEET record at offset 58 inside "
				      "a sheet");
	/* a sheet without DIMENSIONS before the last one, which has them:
	 * freexl allocates the last one's cells again, losing them */
	globals(s, at, 2);
	sheet(s, at[0]);
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[1]);
	dims8(s, 10, 3);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT,
		     "1 sheet without a DIMENSIONS record: freexl would drop "
		     "(and leak) the 30 cells of sheet 2, the last it reads");
	/* a LABEL in a sheet without DIMENSIONS that is not the last one:
	 * freexl allocates no cells for that sheet, fails on the LABEL and
	 * leaks its text */
	globals(s, at, 2);
	sheet(s, at[0]);
	label8(s, 0, 0, "abc");
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[1]);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_E_CORRUPT,
		     "LABEL record at offset 72 in sheet 1, which has no "
		     "DIMENSIONS record and is not the last");
	/* ... but the last one may be without them, and a sheet with no
	 * cells (DIMENSIONS 0 x 0) costs nothing */
	globals(s, at, 2);
	sheet(s, at[0]);
	dims8(s, 10, 3);
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[1]);
	number(s, 4, 2);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_OK, NULL);
	globals(s, at, 3);
	sheet(s, at[0]);
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[1]);
	rec(s, 0x000a, NULL, 0);
	sheet(s, at[2]);
	dims8(s, 0, 0);
	rec(s, 0x000a, NULL, 0);
	expect_check(s, LT_OK, NULL);
	free(s);
}

int main(void)
{
	test_meibo();
	test_big();
	test_dates_formulas();
	test_formula_no_string();
	test_freexl_refuses();
	test_bad();
	test_velvet();
	test_velvet_damaged();
	test_sst();
	test_long_sst();
	test_not_xls();
	test_stop();
	test_biff_check();
	test_freexl_guards();
	CHECK_DONE();
}
