// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text extractor: encodings, layouts, quoting, limits, and chunk
 * boundaries.  Every input goes through lt_extract_text five times, with
 * in->data set and streamed through read() calls of 1, 7, 1000 (with a
 * wrong in->size) and 4096 bytes, and the results must be identical, so
 * every case below also tests multibyte sequences and records cut by chunk
 * boundaries.
 *
 * The encoded files under tests/unit/data/text/ were made from the UTF-8
 * ones by make-data.sh (glibc iconv); their rows must equal the rows of
 * the UTF-8 source.
 *
 * With LT_TEXT_BENCH=1 it also measures the extraction speed on ~200 MB
 * UTF-8 and CP932 CSV files written to $TMPDIR (not a test).
 */
#include "triage/core/compat.h"

#include <iconv.h>
#include <sys/time.h>

#include "leaktriage/buf.h"
#include "leaktriage/extract.h"
#include "leaktriage/json.h"
#include "scanners/extract/text-table.h"
#include "tests/unit/check.h"

#define DATA "tests/unit/data/text/"

struct mem {
	const uint8_t *p;
	size_t len;
	size_t step; /* at most this many bytes per read() */
	FILE *f;     /* or read from this file */
};

static int mem_read(void *src, uint64_t off, void *buf, size_t len,
		    size_t *got, struct lt_err *err)
{
	struct mem *m = src;
	size_t n;

	if (m->f) {
		if (fseeko(m->f, (off_t)off, SEEK_SET))
			return lt_err_set(err, LT_E_IO, "seek");
		*got = fread(buf, 1, len, m->f);
		return ferror(m->f) ? lt_err_set(err, LT_E_IO, "read") : 0;
	}
	if (off >= m->len) {
		*got = 0;
		return 0;
	}
	n = LT_MIN(len, m->len - (size_t)off);
	n = LT_MIN(n, m->step);
	memcpy(buf, m->p + off, n);
	*got = n;
	return 0;
}

/* A sink that writes "row:cell|cell\n" per row. */
struct coll {
	struct lt_buf out;
	int begins, ends;
	uint64_t rows;
	uint64_t stop_at; /* return 42 at this row, 0 never */
	bool bad_cell;
};

static int c_begin(const char *sheet, void *u)
{
	struct coll *c = u;

	c->begins++;
	if (strcmp(sheet, ""))
		c->bad_cell = true;
	return 0;
}

static int c_row(const struct lt_row *r, void *u)
{
	struct coll *c = u;
	size_t i;

	c->rows++;
	if (c->stop_at && c->rows == c->stop_at)
		return 42;
	lt_buf_add_u64(&c->out, r->row);
	lt_buf_addc(&c->out, ':');
	for (i = 0; i < r->count; i++) {
		const struct lt_cell *cell = &r->cells[i];

		if (i)
			lt_buf_addc(&c->out, '|');
		lt_buf_add(&c->out, cell->text, cell->len);
		if (cell->text[cell->len] || strlen(cell->text) != cell->len ||
		    cell->hint != LT_CELL_TEXT ||
		    !lt_utf8_valid(cell->text, cell->len))
			c->bad_cell = true;
	}
	lt_buf_addc(&c->out, '\n');
	return 0;
}

static int c_end(void *u)
{
	struct coll *c = u;

	c->ends++;
	return 0;
}

struct result {
	int rc;
	struct lt_extract_info info;
	struct lt_err err;
	char *out; /* rows as above; free() */
	int begins, ends;
};

static void run1(const void *p, size_t len, size_t step, struct result *r,
		 uint64_t stop_at)
{
	struct mem m = { p, len, step, NULL };
	/* step 1000: in->size is a wrong hint (0) */
	struct lt_scan_input in = { "test", step == 1000 ? 0 : len,
				    step ? NULL : p, mem_read, &m };
	struct coll c = { .stop_at = stop_at };
	struct lt_extract_sink sink = { c_begin, c_row, c_end, &c };
	size_t n;

	lt_buf_init(&c.out, 0);
	lt_err_clear(&r->err);
	r->rc = lt_extract_text(&in, &sink, &r->info, &r->err);
	CHECK(!c.bad_cell);
	CHECK(lt_buf_status(&c.out) == 0);
	CHECK(!strchr(r->err.msg, '\n'));
	CHECK(r->rc == (int)r->err.code || (stop_at && r->rc == 42));
	if (!stop_at)
		CHECK(r->info.rows == c.rows);
	r->begins = c.begins;
	r->ends = c.ends;
	r->out = lt_buf_detach(&c.out, &n);
	if (!r->out)
		r->out = strdup("");
}

static void result_free(struct result *r)
{
	free(r->out);
	r->out = NULL;
}

/* Extract in all four ways; they must agree.  Returns the data run. */
static void run(const void *p, size_t len, struct result *r)
{
	static const size_t steps[] = { 1, 7, 4096, 1000 };
	size_t i;

	run1(p, len, 0, r, 0);
	for (i = 0; i < LT_ARRAY_SIZE(steps); i++) {
		struct result s;

		if (steps[i] == 1 && len > (256 << 10))
			continue; /* slow and adds nothing */
		run1(p, len, steps[i], &s, 0);
		CHECK(s.rc == r->rc);
		CHECK_STR(s.out, r->out);
		CHECK_STR(s.err.msg, r->err.msg);
		CHECK_STR(s.info.encoding, r->info.encoding);
		CHECK_STR(s.info.layout, r->info.layout);
		CHECK(s.info.rows == r->info.rows);
		if (!r->rc) { /* else decoding may have run ahead */
			CHECK_STR(s.info.warning, r->info.warning);
			CHECK(s.info.bad_lines == r->info.bad_lines);
		}
		CHECK(s.begins == r->begins && s.ends == r->ends);
		result_free(&s);
	}
	if (r->begins)
		CHECK(r->begins == 1 && r->ends == 1);
}

static void run_str(const char *s, struct result *r)
{
	run(s, strlen(s), r);
}

static char *slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open '%s'\n", path);
		check_failures++;
		*len = 0;
		return strdup("");
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void run_file(const char *name, struct result *r)
{
	size_t len;
	char *p = slurp(name, &len);

	run(p, len, r);
	free(p);
}

/* An encoded file must give the rows of its UTF-8 source. */
static void check_encoded(const char *name, const char *source,
			  const char *enc, const char *layout)
{
	struct result a, b;

	run_file(source, &a);
	run_file(name, &b);
	CHECK(a.rc == 0 && b.rc == 0);
	CHECK_STR(b.out, a.out);
	CHECK_STR(b.info.encoding, enc);
	CHECK_STR(b.info.layout, layout);
	CHECK(b.info.bad_lines == 0);
	CHECK_STR(b.info.warning, "");
	CHECK(b.info.tables == 1);
	if (strcmp(b.out, a.out) || strcmp(b.info.encoding, enc))
		fprintf(stderr, "  (in %s)\n", name);
	result_free(&a);
	result_free(&b);
}

static const char meibo_rows[] =
	"1:顧客名簿（2015年5月現在）||||||\n"
	"2:||||||\n"
	"3:番号|氏名|フリガナ|性別|生年月日|住所|電話番号\n"
	"4:1|山田 太郎|ヤマダ タロウ|男|昭和45年1月2日|"
	"東京都千代田区霞が関1-2-3|03-1234-5678\n"
	"5:2|佐藤 花子|サトウ ハナコ|女|1982/03/04|"
	"大阪府大阪市北区梅田3丁目4番5号, 梅田ビル|06-2345-6789\n"
	"6:3|長谷川 翔|ハセガワ ショウ|男|H2.5.6|"
	"埼玉県さいたま市浦和区高砂２－１－１|048-123-4567\n"
	"7:4|髙橋 ①子|タカハシ マルコ|女|1990-07-08|"
	"北海道札幌市中央区北一条西５丁目|011-222-3333\n"
	"8:5|林 健太|ﾊﾔｼ ｹﾝﾀ|男|S60.12.31|"
	"福岡県福岡市博多区～博多駅前|092-111-2222\n";

static void test_encodings(void)
{
	struct result r;
	size_t len;
	char *p, *q;

	/* UTF-8 without BOM: title lines above the header are just rows */
	run_file("meibo.csv", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, meibo_rows);
	CHECK_STR(r.info.encoding, "UTF-8");
	CHECK_STR(r.info.layout, "csv");
	CHECK(r.info.rows == 8 && r.info.tables == 1);
	result_free(&r);

	/* UTF-8 with BOM: the BOM is not part of the first cell */
	p = slurp("meibo.csv", &len);
	q = malloc(len + 3);
	memcpy(q, "\xEF\xBB\xBF", 3);
	memcpy(q + 3, p, len);
	run(q, len + 3, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, meibo_rows);
	CHECK_STR(r.info.encoding, "UTF-8");
	result_free(&r);
	free(p);
	free(q);

	check_encoded("meibo.cp932.csv", "meibo.csv", "CP932", "csv");
	check_encoded("meibo.eucjp.csv", "meibo.csv", "EUC-JP", "csv");
	check_encoded("meibo.utf16le-bom.tsv", "meibo.tsv", "UTF-16LE", "tsv");
	check_encoded("meibo.utf16be-bom.tsv", "meibo.tsv", "UTF-16BE", "tsv");
	check_encoded("meibo.utf16le.tsv", "meibo.tsv", "UTF-16LE", "tsv");
	check_encoded("meibo.utf16be.tsv", "meibo.tsv", "UTF-16BE", "tsv");
	check_encoded("fixed-ja.cp932.txt", "fixed-ja.txt", "CP932", "fixed");

	/* Short CP932 and EUC-JP snippets (uchardet has little to go on). */
	run_str("\x8e\x81\x96\xbc,\x8f\x5a\x8f\x8a\n" /* 氏名,住所 */
		"\x8e\x52\x93\x63,\x93\x8c\x8b\x9e\n", /* 山田,東京 */
		&r);
	CHECK_STR(r.info.encoding, "CP932");
	CHECK_STR(r.out, "1:氏名|住所\n2:山田|東京\n");
	result_free(&r);
	run_str("\xbb\xe1\xcc\xbe,\xbd\xbb\xbd\xea\n" /* 氏名,住所 */
		"\xbb\xb3\xc5\xc4,\xc5\xec\xb5\xfe\n", /* 山田,東京 */
		&r);
	CHECK_STR(r.info.encoding, "EUC-JP");
	CHECK_STR(r.out, "1:氏名|住所\n2:山田|東京\n");
	result_free(&r);
	/* half-width katakana only (old host exports) */
	run_str("\xd4\xcf\xc0\xde \xc0\xdb\xb3,1\r\n\xbb\xc4\xb3 \xca\xc5\xba,2\r\n",
		&r);
	CHECK_STR(r.info.encoding, "CP932");
	CHECK_STR(r.out, "1:ﾔﾏﾀﾞ ﾀﾛｳ|1\n2:ｻﾄｳ ﾊﾅｺ|2\n");
	result_free(&r);
}

/* ASCII for more than the sample, then CP932: detected where it starts. */
static void test_late_encoding(void)
{
	struct lt_buf b;
	struct result r;
	int i;

	lt_buf_init(&b, 0);
	lt_buf_adds(&b, "id,code,amount\r\n");
	for (i = 1; i < 4000; i++)
		lt_buf_addf(&b, "%d,A%05d,%d\r\n", i, i * 7, i * 13);
	lt_buf_adds(&b, "4000,\x8e\x52\x93\x63\x20\x91\xbe\x98\x59,1\r\n");
	lt_buf_adds(&b, "4001,\xb1\xb2\xb3,2\r\n");
	CHECK(b.len > LT_TEXT_SAMPLE);
	run(b.buf, b.len, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.encoding, "CP932");
	CHECK(r.info.rows == 4002);
	CHECK(strstr(r.out, "\n4001:4000|山田 太郎|1\n4002:4001|ｱｲｳ|2\n"));
	result_free(&r);

	/* the same with UTF-8 stays UTF-8 */
	lt_buf_reset(&b);
	for (i = 1; i < 4000; i++)
		lt_buf_addf(&b, "%d,A%05d,%d\n", i, i * 7, i * 13);
	lt_buf_adds(&b, "4000,山田 太郎,1\n");
	run(b.buf, b.len, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.encoding, "UTF-8");
	CHECK(strstr(r.out, "\n4000:4000|山田 太郎|1\n"));
	result_free(&r);
	lt_buf_release(&b);
}

static void test_quoting(void)
{
	struct result r;

	run_str("name,addr,note\r\n"
		"\"Yamada, Taro\",\"Tokyo\r\nChiyoda\",\"say \"\"hi\"\"\"\r\n"
		"\"\",x,\"multi\nline\nfield\"\n"
		"plain,\"a\"\"b\",c\n"
		"\"after\"quote,\"\"\"\",end",
		&r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.layout, "csv");
	CHECK_STR(r.out, "1:name|addr|note\n"
			 "2:Yamada, Taro|Tokyo\r\nChiyoda|say \"hi\"\n"
			 "4:|x|multi\nline\nfield\n"
			 "7:plain|a\"b|c\n"
			 "8:afterquote|\"|end\n");
	CHECK_STR(r.info.warning, "");
	result_free(&r);

	/* blank lines give no row but count; CR-only line ends (old Mac) */
	run_str("a,b\r\r\nc,d\r\re,f\r", &r);
	CHECK_STR(r.out, "1:a|b\n3:c|d\n5:e|f\n");
	result_free(&r);

	/* a quote inside an unquoted field is a character */
	run_str("a,b\n5\" floppy,x\n", &r);
	CHECK_STR(r.out, "1:a|b\n2:5\" floppy|x\n");
	result_free(&r);

	/* unterminated quote: the row as far as it goes, and a warning */
	run_str("a,b,c\n1,\"open\nstill open,2\n", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.out, "1:a|b|c\n2:1|open\nstill open,2\n\n");
	CHECK_STR(r.info.warning, "unterminated quote at line 2");
	result_free(&r);
}

/*
 * Delimited records are parsed in place when they lie wholly in one
 * decoded buffer and a byte at a time when they do not (cut by a read, a
 * NUL, more fields than the parser has room for yet).  Random CSV made of
 * the characters that matter goes through run(), which reads it in one
 * piece and in 1-, 7-, 1000- and 4096-byte reads, so both paths parse
 * every document and must agree; the large ones also span several decoded
 * buffers in one piece.
 */
static void test_random_csv(void)
{
	static const struct {
		const char *s;
		unsigned weight;
	} tok[] = {
		{ "ab", 20 },   { "山田", 10 }, { ",", 24 },    { "\"", 8 },
		{ "\"\"", 3 },  { "\r\n", 6 },  { "\n", 4 },    { "\r", 2 },
		{ " ", 3 },     { ",,,,,,,,", 2 },
	};
	unsigned total = 0, d, k, csv = 0;
	uint32_t x = 12345;

	for (k = 0; k < LT_ARRAY_SIZE(tok); k++)
		total += tok[k].weight;
	for (d = 0; d < 300; d++) {
		struct lt_buf b;
		struct result r;
		size_t len = d % 50 == 49 ? (size_t)400 << 10 : 800 + d * 13;

		lt_buf_init(&b, 0);
		for (k = 0; k < 100; k++) /* for the layout detection */
			lt_buf_adds(&b, "x,y,z\r\n");
		if (d % 7 == 6) { /* wider than the first cell array (64) */
			for (k = 0; k < 150; k++)
				lt_buf_adds(&b, k % 9 ? "c," : "\"q\"\"\",");
			lt_buf_adds(&b, "\n");
		}
		while (b.len < len) {
			unsigned pick;

			x = x * 1103515245 + 12345;
			pick = (x >> 8) % total;
			for (k = 0; pick >= tok[k].weight; k++)
				pick -= tok[k].weight;
			lt_buf_adds(&b, tok[k].s);
		}
		if (d % 60 == 59) /* a NUL: the same error for both paths */
			lt_buf_add(&b, "1,\"\0\"\n", 6);
		run(b.buf, b.len, &r);
		csv += !r.rc && !strcmp(r.info.layout, "csv");
		result_free(&r);
		lt_buf_release(&b);
	}
	CHECK(csv >= 200);
}

static void test_delimiters(void)
{
	static const struct {
		const char *in, *layout, *out;
	} t[] = {
		{ "a\tb\tc\n1\t2,5\t3\n4\t5\t6\n", "tsv",
		  "1:a|b|c\n2:1|2,5|3\n3:4|5|6\n" },
		{ "a;b;c\n1,5;2;\"x;y\"\n", "semicolon",
		  "1:a|b|c\n2:1,5|2|x;y\n" },
		{ "a|b|c\n1|2|3\n", "pipe", "1:a|b|c\n2:1|2|3\n" },
		{ "a,b\n", "csv", "1:a|b\n" },
		/* commas inside values of a TSV do not make it a CSV */
		{ "name\tamount\nA\t1,000\nB\t2,000\nC\t300\n", "tsv",
		  "1:name|amount\n2:A|1,000\n3:B|2,000\n4:C|300\n" },
		/* one comma-separated record among prose lines: text */
		{ "Dear customer,\nthank you for your order.\n"
		  "It will ship soon\nRegards\n", "text",
		  "1:Dear customer,\n2:thank you for your order.\n"
		  "3:It will ship soon\n4:Regards\n" },
		/* headerless, one column */
		{ "山田 太郎\r\n佐藤 花子\r\n\r\n鈴木 一郎", "text",
		  "1:山田 太郎\n2:佐藤 花子\n4:鈴木 一郎\n" },
		/* old Mac line ends (CR alone), blank lines between */
		{ "a;b;c\r\r1;2;3\r4;5;6\r", "semicolon",
		  "1:a|b|c\n3:1|2|3\n4:4|5|6\n" },
		/* as consistent with tabs as with commas: tabs win */
		{ "a,b\tc\n1,2\t3\n", "tsv", "1:a,b|c\n2:1,2|3\n" },
		/* headerless CSV, trailing empty field, no final newline */
		{ "1,山田,\n2,佐藤,x", "csv", "1:1|山田|\n2:2|佐藤|x\n" },
	};
	struct result r;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(t); i++) {
		run_str(t[i].in, &r);
		CHECK(r.rc == 0);
		CHECK_STR(r.info.layout, t[i].layout);
		CHECK_STR(r.out, t[i].out);
		result_free(&r);
	}
}

static void test_fixed(void)
{
	struct result r;

	run_str("ID    NAME            BIRTH       AMOUNT\n"
		"0001  YAMADA TARO     1970-01-02     1200\n"
		"0002  SATO HANAKO     1982-03-04       35\n"
		"\n"
		"0003  SUZUKI ICHIRO   1990-05-06   100000\n"
		"0004  LI              2001-12-31        7\n",
		&r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.layout, "fixed");
	CHECK_STR(r.out, "1:ID|NAME|BIRTH|AMOUNT\n"
			 "2:0001|YAMADA TARO|1970-01-02|1200\n"
			 "3:0002|SATO HANAKO|1982-03-04|35\n"
			 "5:0003|SUZUKI ICHIRO|1990-05-06|100000\n"
			 "6:0004|LI|2001-12-31|7\n");
	result_free(&r);

	/* full-width aligned Japanese (wide characters count 2 columns) */
	run_file("fixed-ja.txt", &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.layout, "fixed");
	CHECK_STR(r.out,
		  "1:番号|氏名|フリガナ|性別|生年月日|住所\n"
		  "2:0001|山田　太郎|ヤマダ タロウ|男|昭和45年1月2日|"
		  "東京都千代田区霞が関1-2-3\n"
		  "3:0002|佐藤　花子|サトウ ハナコ|女|1982/03/04|"
		  "大阪府大阪市北区梅田3丁目4番5号\n"
		  "4:0003|長谷川　翔|ハセガワ ショウ|男|H2.5.6|"
		  "埼玉県さいたま市浦和区高砂２－１－１\n"
		  "5:0004|髙橋　①子|タカハシ マルコ|女|1990-07-08|"
		  "北海道札幌市中央区北一条西５丁目\n"
		  "6:0005|林　健太|ﾊﾔｼ ｹﾝﾀ|男|S60.12.31|"
		  "福岡県福岡市博多区～博多駅前\n");
	result_free(&r);
}

static void test_invalid(void)
{
	struct lt_buf b;
	struct result r;
	int i;

	/* one bad UTF-8 line in 30: replaced and counted, not fatal */
	lt_buf_init(&b, 0);
	for (i = 1; i <= 30; i++)
		lt_buf_addf(&b, "%d,山田%s,x\n", i,
			    i == 12 ? "\xff\xfe\xe5\xb1" : "");
	run(b.buf, b.len, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.encoding, "UTF-8");
	CHECK(r.info.bad_lines == 1);
	CHECK(strstr(r.out, "\n12:12|山田\xEF\xBF\xBD\xEF\xBF\xBD"
			    "\xEF\xBF\xBD|x\n"));
	CHECK_STR(r.info.warning, "invalid UTF-8 byte sequence at line 12 "
				  "replaced with U+FFFD");
	result_free(&r);

	/* CP932: an unmapped double-byte code and a lone lead byte */
	lt_buf_reset(&b);
	for (i = 1; i <= 40; i++)
		lt_buf_addf(&b, "%d,\x8e\x52\x93\x63%s,x\r\n", i,
			    i == 3 ? "\x85\x40" : i == 7 ? "\x81" : "");
	run(b.buf, b.len, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.info.encoding, "CP932");
	CHECK(r.info.bad_lines == 2);
	CHECK(strstr(r.out, "\n3:3|山田\xEF\xBF\xBD|x\n"));
	CHECK(strstr(r.out, "\n7:7|山田\xEF\xBF\xBD|x\n"));
	result_free(&r);

	/* more than 5% bad lines: not text in that encoding */
	lt_buf_reset(&b);
	for (i = 1; i <= 30; i++)
		lt_buf_addf(&b, "%d,abc%s\n", i, i % 10 ? "" : "\xff");
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(strstr(r.err.msg, "3 of 30 lines") != NULL);
	CHECK(strstr(r.err.msg, "more than 5%") != NULL);
	result_free(&r);

	/* ... found before any row when the sample is the whole file, also
	 * for exactly LT_TEXT_SAMPLE bytes (and whatever in->size says) */
	lt_buf_reset(&b);
	while (b.len < LT_TEXT_SAMPLE)
		lt_buf_adds(&b, "a,\xff\n");
	b.len = LT_TEXT_SAMPLE;
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(r.info.rows == 0 && r.begins == 0);
	result_free(&r);
	lt_buf_addc(&b, '\n');
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(r.info.rows > 0);
	result_free(&r);

	/* UTF-16: U+0000 and a lone surrogate are replaced */
	{
		static const char u16[] = "\xFF\xFE" "a\0,\0b\0\n\0"
					   "c\0,\0\0\0\n\0"
					   "d\0,\0\x00\xD8\n\0";
		static const char want[] = "1:a|b\n2:c|\xEF\xBF\xBD\n"
					   "3:d|\xEF\xBF\xBD\n4:x|y\n";
		lt_buf_reset(&b);
		lt_buf_add(&b, u16, sizeof(u16) - 1);
		for (i = 0; i < 60; i++)
			lt_buf_add(&b, "x\0,\0y\0\n\0", 8);
		run(b.buf, b.len, &r);
		CHECK(r.rc == 0);
		CHECK_STR(r.info.encoding, "UTF-16LE");
		CHECK(r.info.bad_lines == 2);
		CHECK(!strncmp(r.out, want, strlen(want)));
		result_free(&r);
	}
	lt_buf_release(&b);
}

static void test_limits(void)
{
	struct lt_buf b;
	struct result r;
	size_t i;

	/* a line longer than 1 MiB: an error for the file */
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, "a,b\n1,2\n3,");
	for (i = 0; i < LT_TEXT_MAX_RECORD; i++)
		lt_buf_addc(&b, 'x');
	lt_buf_adds(&b, "\n4,5\n");
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK_STR(r.err.msg, "line 3 longer than 1 MiB");
	CHECK(r.info.rows == 2);
	CHECK(r.ends == 1);
	result_free(&r);

	/* exactly 1 MiB is fine (plain text) */
	lt_buf_reset(&b);
	for (i = 0; i < LT_TEXT_MAX_RECORD; i++)
		lt_buf_addc(&b, 'y');
	lt_buf_adds(&b, "\r\nz\r\n");
	run(b.buf, b.len, &r);
	CHECK(r.rc == 0);
	CHECK(r.info.rows == 2);
	result_free(&r);

	/* 4096 fields are fine, 4097 are not */
	lt_buf_reset(&b);
	for (i = 0; i < 4095; i++)
		lt_buf_addc(&b, ',');
	lt_buf_adds(&b, "\n");
	for (i = 0; i < 4096; i++)
		lt_buf_addc(&b, ',');
	lt_buf_adds(&b, "\n");
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(r.info.rows == 1);
	CHECK_STR(r.err.msg, "line 2 has more than 4096 fields");
	result_free(&r);

	/* binary: a NUL byte in a file that is not UTF-16 */
	{
		static const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0";

		run(bin, sizeof(bin) - 1, &r);
		CHECK(r.rc == LT_E_CORRUPT);
		CHECK(strstr(r.err.msg, "binary") != NULL);
		CHECK(r.begins == 0 && r.info.rows == 0);
		result_free(&r);
	}
	/* ... also after the sample */
	lt_buf_reset(&b);
	while (b.len < 2 * LT_TEXT_SAMPLE)
		lt_buf_adds(&b, "1,2,3\n");
	lt_buf_add(&b, "4,\0,6\n", 6);
	run(b.buf, b.len, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	{
		char msg[64];

		snprintf(msg, sizeof(msg), "NUL byte at line %zu: binary data, "
			 "not text", b.len / 6);
		CHECK_STR(r.err.msg, msg);
	}
	result_free(&r);

	/* empty file: one empty table */
	run("", 0, &r);
	CHECK(r.rc == 0);
	CHECK(r.info.rows == 0);
	CHECK(r.begins == 1 && r.ends == 1);
	CHECK_STR(r.out, "");
	result_free(&r);

	/* the sink can stop */
	run1("a,b\n1,2\n3,4\n", 12, 0, &r, 2);
	CHECK(r.rc == 42);
	CHECK(r.ends == 0);
	result_free(&r);
	run1("a,b\n1,2\n3,4\n", 12, 3, &r, 2);
	CHECK(r.rc == 42);
	result_free(&r);
	lt_buf_release(&b);
}

static void test_probe(void)
{
	size_t len;
	char *p;

	CHECK(lt_text_probe((const uint8_t *)"a,b\n", 4));
	CHECK(!lt_text_probe((const uint8_t *)"", 0));
	CHECK(!lt_text_probe((const uint8_t *)"\x7f" "ELF\x02\x01\0\0", 8));
	CHECK(!lt_text_probe((const uint8_t *)"PK\x03\x04\x14\0\x06\0", 8));
	CHECK(!lt_text_probe((const uint8_t *)"\x01\x02\x03\x04\x05\x06", 6));
	/* a UTF-8 sequence cut at the end of the head is fine */
	CHECK(lt_text_probe((const uint8_t *)"\xe5\xb1\xb1\xe7\x94", 5));
	p = slurp("meibo.cp932.csv", &len);
	CHECK(lt_text_probe((const uint8_t *)p, len));
	CHECK(lt_text_probe((const uint8_t *)p, 101)); /* cut in a kanji */
	free(p);
	p = slurp("meibo.utf16le.tsv", &len);
	CHECK(lt_text_probe((const uint8_t *)p, len));
	free(p);
	p = slurp("meibo.eucjp.csv", &len);
	CHECK(lt_text_probe((const uint8_t *)p, len));
	free(p);
	{
		uint8_t rnd[4096];
		uint32_t x = 12345;
		size_t i;

		for (i = 0; i < sizeof(rnd); i++) {
			x = x * 1103515245 + 12345;
			rnd[i] = (uint8_t)(x >> 16) | 0x80; /* no NUL, no ASCII */
		}
		CHECK(!lt_text_probe(rnd, sizeof(rnd)));
	}
}

/* ---- the decoding tables against iconv ---------------------------------- */

/* One iconv() call over in, as lt_text_table_decode() reports it. */
static size_t iconv_decode(iconv_t cd, const uint8_t *in, size_t len,
			   char *out, size_t *olen, int *stop)
{
	char *ip = (char *)(uintptr_t)in, *op = out + *olen;
	size_t il = len, ol = 3 * len + 16;

	iconv(cd, NULL, NULL, NULL, NULL);
	*stop = iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ? errno : 0;
	*olen = (size_t)(op - out);
	return len - il;
}

/*
 * Decode in with the table and with iconv, going on one byte after each
 * stop as the extractor does; both must stop at the same places for the
 * same reasons and give the same bytes.  Returns the number of stops.
 */
static size_t cmp_decode(iconv_t cd, const struct lt_text_table *t,
			 const uint8_t *in, size_t len)
{
	size_t cap = 3 * len + 16, pos = 0, stops = 0;
	char *a = malloc(cap), *b = malloc(cap);

	if (!a || !b)
		abort();
	while (pos < len) {
		size_t al = 0, bl = 0, an, bn;
		int as, bs;

		an = lt_text_table_decode(t, in + pos, len - pos, a, &al, &as);
		bn = iconv_decode(cd, in + pos, len - pos, b, &bl, &bs);
		if (an != bn || as != bs || al != bl || memcmp(a, b, al)) {
			fprintf(stderr, "table != iconv at byte %zu of %zu "
				"(%02x): used %zu/%zu stop %d/%d out %zu/%zu\n",
				pos, len, in[pos], an, bn, as, bs, al, bl);
			check_failures++;
			break;
		}
		pos += an;
		if (as) {
			stops++;
			pos++;
		}
	}
	free(a);
	free(b);
	return stops;
}

static void test_tables(void)
{
	static const char *const enc[] = { "CP932", "EUC-JP-MS" };
	size_t k;

	for (k = 0; k < LT_ARRAY_SIZE(enc); k++) {
		const struct lt_text_table *t = lt_text_table_get(enc[k]);
		iconv_t cd = iconv_open("UTF-8", enc[k]);
		struct lt_buf all, rnd;
		uint8_t s[4];
		unsigned a, b, c;
		uint32_t x = 7;
		size_t i;

		CHECK(t != NULL);
		CHECK(cd != (iconv_t)-1);
		if (!t || cd == (iconv_t)-1)
			continue;
		CHECK(lt_text_table_get(enc[k]) == t);
		lt_buf_init(&all, 0);
		lt_buf_init(&rnd, 0);
		/*
		 * Every sequence of one and two bytes, alone (cut sequences
		 * are EINVAL) and followed by 'A' (then EILSEQ or a
		 * character); three bytes after every two-byte prefix iconv
		 * calls incomplete (EUC-JP's JIS X 0212 plane, 8F xx xx).
		 */
		for (a = 0; a < 256; a++) {
			s[0] = (uint8_t)a;
			s[1] = 'A';
			cmp_decode(cd, t, s, 1);
			cmp_decode(cd, t, s, 2);
			for (b = 0; b < 256; b++) {
				size_t used, ol = 0;
				int st;
				char o[64];

				s[1] = (uint8_t)b;
				s[2] = 'A';
				cmp_decode(cd, t, s, 2);
				cmp_decode(cd, t, s, 3);
				lt_buf_add(&all, s, 2);
				used = iconv_decode(cd, s, 2, o, &ol, &st);
				if (used || st != EINVAL)
					continue;
				for (c = 0; c < 256; c++) {
					s[2] = (uint8_t)c;
					s[3] = 'A';
					cmp_decode(cd, t, s, 3);
					cmp_decode(cd, t, s, 4);
				}
			}
		}
		/* all pairs back to back (each pair's bytes meet the next
		 * pair's), then random bytes mixed with ASCII runs */
		CHECK(cmp_decode(cd, t, (const uint8_t *)all.buf, all.len) > 0);
		for (i = 0; i < ((size_t)1 << 20); i++) {
			x = x * 1103515245 + 12345;
			if ((x >> 16) % 4 == 0) {
				lt_buf_adds(&rnd, "12,ab\r\n" + (x >> 8) % 7);
				continue;
			}
			lt_buf_addc(&rnd, (char)(0x80 | (x >> 20)));
		}
		cmp_decode(cd, t, (const uint8_t *)rnd.buf, rnd.len);
		lt_buf_release(&all);
		lt_buf_release(&rnd);
		iconv_close(cd);
	}
	CHECK(lt_text_table_get("UTF-8") == NULL);
}

/* ---- benchmark (LT_TEXT_BENCH=1) --------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_row(const struct lt_row *r, void *u)
{
	uint64_t *n = u;

	*n += r->count;
	return 0;
}

static int nop_begin(const char *s, void *u)
{
	return 0;
}

static int nop_end(void *u)
{
	return 0;
}

static void bench_file(const char *path, size_t target, const char *enc)
{
	static const char *const fam[] = { "山田", "佐藤", "鈴木", "高橋",
					   "田中", "伊藤", "渡辺", "長谷川" };
	static const char *const giv[] = { "太郎", "花子", "一郎", "美咲",
					   "健太", "陽子", "翔", "さくら" };
	static const char *const addr[] = {
		"東京都千代田区霞が関１－２－３",
		"大阪府大阪市北区梅田三丁目４番５号",
		"埼玉県さいたま市浦和区高砂２－１－１",
		"北海道札幌市中央区北一条西５丁目",
	};
	struct lt_buf b;
	FILE *f = fopen(path, "wb");
	iconv_t cd = (iconv_t)-1;
	char *obuf = malloc(4 << 20);
	size_t total = 0;
	uint32_t x = 1;
	unsigned i = 0;

	if (!f || !obuf)
		abort();
	if (strcmp(enc, "UTF-8"))
		cd = iconv_open(enc, "UTF-8");
	lt_buf_init(&b, 0);
	lt_buf_adds(&b, "番号,氏名,フリガナ,性別,生年月日,住所,電話番号,"
			"記号,番号\r\n");
	while (total < target) {
		while (b.len < (1 << 20)) {
			x = x * 1103515245 + 12345;
			lt_buf_addf(&b, "%u,%s %s,ヤマダ タロウ,%s,S%02u.%02u.%02u,"
				    "\"%s\",03-%04u-%04u,%u,%u\r\n", ++i,
				    fam[x % 8], giv[(x >> 3) % 8],
				    (x >> 6) & 1 ? "男" : "女", 1 + (x >> 7) % 63,
				    1 + (x >> 13) % 12, 1 + (x >> 17) % 28,
				    addr[(x >> 22) % 4], (x >> 3) % 10000,
				    (x >> 11) % 10000, 1000 + x % 90000,
				    1 + (x >> 9) % 999);
		}
		if (cd != (iconv_t)-1) {
			char *ip = b.buf, *op = obuf;
			size_t il = b.len, ol = 4 << 20;

			if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
				abort();
			fwrite(obuf, 1, (size_t)(op - obuf), f);
			total += (size_t)(op - obuf);
		} else {
			fwrite(b.buf, 1, b.len, f);
			total += b.len;
		}
		lt_buf_reset(&b);
	}
	fclose(f);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	lt_buf_release(&b);
	free(obuf);
}

static void bench(void)
{
	static const char *const enc[] = { "UTF-8", "CP932" };
	const char *tmp = getenv("TMPDIR");
	size_t k;

	for (k = 0; k < LT_ARRAY_SIZE(enc); k++) {
		char path[512];
		struct mem m = { NULL, 0, 0, NULL };
		struct lt_scan_input in = { path, 0, NULL, mem_read, &m };
		uint64_t cells = 0;
		struct lt_extract_sink sink = { nop_begin, count_row, nop_end,
						&cells };
		struct lt_extract_info info;
		struct lt_err err = LT_ERR_INIT;
		double t0, t1, best = 1e9;
		int rc = 0, rep;
		off_t size;

		snprintf(path, sizeof(path), "%s/lt-bench-text-%s.csv",
			 tmp ? tmp : "/tmp", enc[k]);
		bench_file(path, (size_t)200 << 20, enc[k]);
		m.f = fopen(path, "rb");
		if (!m.f)
			abort();
		fseeko(m.f, 0, SEEK_END);
		size = ftello(m.f);
		in.size = (uint64_t)size;
		for (rep = 0; rep < 3; rep++) {
			cells = 0;
			t0 = now();
			rc = lt_extract_text(&in, &sink, &info, &err);
			t1 = now();
			best = LT_MIN(best, t1 - t0);
		}
		printf("bench %s: %.0f MB, rc %d, %s/%s, %" PRIu64 " rows, %"
		       PRIu64 " cells, best of 3: %.3f s, %.0f MB/s\n",
		       enc[k], (double)size / 1e6, rc, info.encoding,
		       info.layout, info.rows, cells, best,
		       (double)size / 1e6 / best);
		fclose(m.f);
		remove(path);
	}
}

int main(void)
{
	if (getenv("LT_TEXT_BENCH")) {
		bench();
		return 0;
	}
	test_encodings();
	test_late_encoding();
	test_quoting();
	test_random_csv();
	test_delimiters();
	test_fixed();
	test_invalid();
	test_limits();
	test_probe();
	test_tables();
	CHECK_DONE();
}
