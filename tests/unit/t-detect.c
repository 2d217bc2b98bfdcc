// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File-type detection: every kind from small files made by real tools
 * (tests/unit/data/detect/make.sh) or byte arrays; content decides, not
 * the name; the cheap check decides alone where it should, refuses on two
 * matching signatures, and libmagic takes the rest.
 *
 * LT_BENCH=FILE (a list of paths, one a line) prints the cost per call of
 * the cheap check, of the whole detection and of libmagic alone (with our
 * flags and with its defaults) over the heads of those files, instead of
 * testing:  find /usr -type f | shuf -n 3000 > /tmp/l;
 *           LT_BENCH=/tmp/l build/tests/t-detect
 */
#include "triage/core/compat.h"

#include <magic.h>
#include <sys/stat.h>

#include "leaktriage/detect.h"
#include "tests/unit/check.h"

#define DIR "tests/unit/data/detect/"

static uint8_t *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	*len = 0;
	if (!f) {
		fprintf(stderr, "cannot open '%s': %s\n", path,
			strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p)
		*len = (size_t)n;
	return p;
}

/* A reader over memory that counts its calls and can fail. */
struct mem {
	const uint8_t *p;
	size_t len;
	unsigned reads;
	uint64_t fail_at; /* reads reaching past this fail */
};

static int mem_read(void *src, uint64_t off, void *buf, size_t len,
		    size_t *got, struct lt_err *err)
{
	struct mem *m = src;

	m->reads++;
	if (off + len > m->fail_at)
		return lt_err_set(err, LT_E_IO, "read error at %" PRIu64, off);
	if (off >= m->len) {
		*got = 0;
		return 0;
	}
	*got = LT_MIN(len, m->len - (size_t)off);
	memcpy(buf, m->p + off, *got);
	return 0;
}

static struct lt_typer *typer;

/* Detect a file from its head (64 KiB at most, as the scan gives it). */
static enum lt_kind file_kind(const char *name, char *mime, bool *cheap)
{
	char path[256], m2[LT_MIME_MAX];
	size_t len;
	uint8_t *p;
	enum lt_kind k;

	snprintf(path, sizeof(path), "%s%s", strchr(name, '/') ? "" : DIR,
		 name);
	p = load(path, &len);
	if (!p)
		return (enum lt_kind)-1;
	k = lt_typer_detect(typer, p, LT_MIN(len, LT_DETECT_HEAD_MAX), len,
			    mime, LT_MIME_MAX);
	*cheap = lt_detect_signature(p, len, len, m2, sizeof(m2)) == k &&
		 !strcmp(m2, mime);
	free(p);
	return k;
}

static void expect(const char *name, enum lt_kind want, const char *want_mime)
{
	char mime[LT_MIME_MAX] = "";
	bool cheap = false;
	enum lt_kind k = file_kind(name, mime, &cheap);

	if (k != want || (want_mime && strcmp(mime, want_mime))) {
		fprintf(stderr, "%s: got %s '%s', want %s '%s'\n", name,
			lt_kind_name(k), mime, lt_kind_name(want),
			want_mime ? want_mime : "*");
		check_failures++;
	}
	if (!cheap) {
		fprintf(stderr, "%s: the cheap check did not decide\n", name);
		check_failures++;
	}
}

static enum lt_kind bytes_kind(const void *p, size_t len, uint64_t size,
			       char *mime, enum lt_kind *sig)
{
	char m2[LT_MIME_MAX];

	*sig = lt_detect_signature(p, len, size, m2, sizeof(m2));
	return lt_typer_detect(typer, p, len, size, mime, LT_MIME_MAX);
}

#define EXPECT_BYTES(arr, len, want, want_mime, want_cheap)                   \
	do {                                                                  \
		char m_[LT_MIME_MAX];                                         \
		enum lt_kind s_, k_ = bytes_kind(arr, len, len, m_, &s_);     \
		CHECK(k_ == (want));                                          \
		if ((want_mime) != NULL)                                      \
			CHECK_STR(m_, (const char *)(want_mime));             \
		CHECK((s_ == k_) == (want_cheap));                            \
		if (k_ != (want))                                             \
			fprintf(stderr, "  " #arr ": got %s '%s'\n",          \
				lt_kind_name(k_), m_);                        \
	} while (0)

static void test_files(void)
{
	expect("pii-utf8.csv", LT_KIND_TEXT, "text/plain");
	expect("pii-cp932.csv", LT_KIND_TEXT, "text/plain");
	expect("pii-eucjp.csv", LT_KIND_TEXT, "text/plain");
	expect("pii-utf16le.csv", LT_KIND_TEXT, "text/plain");
	expect("decoy.txt", LT_KIND_TEXT, "text/plain");
	expect("tiny.xlsx", LT_KIND_XLSX,
	       "application/vnd.openxmlformats-officedocument."
	       "spreadsheetml.sheet");
	expect("ctlast.xlsx", LT_KIND_XLSX, NULL);
	expect("tiny.docx", LT_KIND_DOCX,
	       "application/vnd.openxmlformats-officedocument."
	       "wordprocessingml.document");
	expect("tiny.pptx", LT_KIND_NOT_EXAMINED, NULL);
	expect("tiny.xlsb", LT_KIND_NOT_EXAMINED,
	       "application/vnd.ms-excel.sheet.binary.macroEnabled.12");
	expect("tiny.ods", LT_KIND_NOT_EXAMINED,
	       "application/vnd.oasis.opendocument.spreadsheet");
	/* libmagic calls this an xlsx: a folder xl/ without a package */
	expect("folder-xl.zip", LT_KIND_ZIP, "application/zip");
	/* content decides, not the name */
	expect("zip-named.txt", LT_KIND_ZIP, "application/zip");
	expect("tiny.7z", LT_KIND_7Z, "application/x-7z-compressed");
	expect("tiny.lzh", LT_KIND_LZH, NULL);
	expect("tiny.tar", LT_KIND_TAR, "application/x-tar");
	expect("v7.tar", LT_KIND_TAR, "application/x-tar");
	expect("tiny.tar.gz", LT_KIND_GZIP, "application/gzip");
	expect("tiny.cab", LT_KIND_CAB, "application/vnd.ms-cab-compressed");
	expect("tiny.pdf", LT_KIND_PDF, "application/pdf");
	/* compound files */
	expect("tiny.xls", LT_KIND_XLS, "application/vnd.ms-excel");
	expect("v4.xls", LT_KIND_XLS, "application/vnd.ms-excel");
	expect("encrypted.xlsx", LT_KIND_OOXML_ENCRYPTED,
	       "application/encrypted");
	expect("tiny.doc", LT_KIND_CFB_OTHER, "application/msword");
	/* libmagic calls this an xls: Workbook is in an embedded object */
	expect("embedded.doc", LT_KIND_CFB_OTHER, "application/msword");
	expect("tiny.ppt", LT_KIND_CFB_OTHER, "application/vnd.ms-powerpoint");
	expect("tiny.msg", LT_KIND_CFB_OTHER, "application/vnd.ms-outlook");
	expect("tiny.msi", LT_KIND_NO_TABLES, "application/x-msi");
	/* Workbook and WordDocument both at the top: no guess */
	expect("both.cfb", LT_KIND_CFB_OTHER, "application/x-ole-storage");

	/* A real xlsx from the shared test data. */
	{
		const char *shared = getenv("SHARED");
		char path[512];

		snprintf(path, sizeof(path), "%s/jp_pii/xlsx-parse-sample/"
			 "sample.xlsx", shared ? shared : "../shared/testdata");
		expect(path, LT_KIND_XLSX, NULL);
	}
}

/* An .xls whose directory lies past the first 64 KiB. */
static void test_dir_at_end(void)
{
	struct lt_scan_input in = { .path = "dirend.xls" };
	struct lt_err err = LT_ERR_INIT;
	char mime[LT_MIME_MAX];
	struct mem m = { 0 };
	enum lt_kind k = LT_KIND_EMPTY;
	size_t len;
	uint8_t *p = load(DIR "dirend.xls", &len);

	CHECK(p && len > LT_DETECT_HEAD_MAX);
	if (!p)
		return;
	/* from the head alone: a compound file, kind undecided */
	CHECK(lt_typer_detect(typer, p, LT_DETECT_HEAD_MAX, len, mime,
			      sizeof(mime)) == LT_KIND_CFB_OTHER);
	CHECK_STR(mime, "application/x-ole-storage");
	/* reading on: an xls */
	m.p = p;
	m.len = len;
	m.fail_at = UINT64_MAX;
	in.size = len;
	in.read = mem_read;
	in.src = &m;
	CHECK(lt_typer_detect_input(typer, &in, &k, mime, sizeof(mime),
				    &err) == LT_OK);
	CHECK(k == LT_KIND_XLS);
	CHECK_STR(mime, "application/vnd.ms-excel");
	CHECK(m.reads >= 2 && m.reads < 20);
	/* the whole content in memory */
	in.data = p;
	in.read = NULL;
	k = LT_KIND_EMPTY;
	CHECK(lt_typer_detect_input(typer, &in, &k, mime, sizeof(mime),
				    &err) == LT_OK);
	CHECK(k == LT_KIND_XLS);
	/* a read error past the head is an error, not a kind */
	in.data = NULL;
	in.read = mem_read;
	m.fail_at = LT_DETECT_HEAD_MAX + 1;
	k = LT_KIND_EMPTY;
	CHECK(lt_typer_detect_input(typer, &in, &k, mime, sizeof(mime),
				    &err) == LT_E_IO);
	CHECK(k == LT_KIND_EMPTY);
	CHECK(strstr(err.msg, "read error") != NULL);
	lt_err_clear(&err);
	/* a plain file through detect_input */
	free(p);
	p = load(DIR "pii-cp932.csv", &len);
	m.p = p;
	m.len = len;
	m.fail_at = UINT64_MAX;
	in.size = len;
	CHECK(lt_typer_detect_input(typer, &in, &k, mime, sizeof(mime),
				    &err) == LT_OK);
	CHECK(k == LT_KIND_TEXT);
	free(p);
}

static void test_bytes(void)
{
	static const uint8_t rar4[] = "Rar!\x1a\x07\x00\xcf\x90\x73\0\0\x0d";
	static const uint8_t rar5[] = "Rar!\x1a\x07\x01\0\x33\x92\xb5\xe5\n";
	static const uint8_t png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1";
	static const uint8_t jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0";
	static const uint8_t gif[] = "GIF89a\1\0\1\0\x80\0\0";
	static const uint8_t elf[] = "\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0>";
	static const uint8_t rtf[] = "{\\rtf1\\ansi\\ansicpg932 \\'8e\\'81}";
	static const uint8_t sqlite[] = "SQLite format 3\0\x10\0\1\1\0@  ";
	static const uint8_t xz[] = "\xfd" "7zXZ\0\0\4\xe6\xd6\xb4\x46";
	static const uint8_t utf16nobom[] = /* "ID,氏名\r\n1,試験\r\n" */
		"I\0D\0,\0\x0f\x6c\x0d\x54\r\0\n\0"
		"1\0,\0\x66\x8a\x13\x9a\r\0\n\0";
	static const uint8_t latin1[] =
		"Nom;Pr\xe9nom;Adresse\nDupont;Ren\xe9;Caf\xe9 de la gare\n";
	static const uint8_t eml[] =
		"Received: from mail.example.jp\nFrom: a@example.jp\n"
		"Subject: list\n\nbody\n";
	static const uint8_t html[] = "<!DOCTYPE html><html><body>x</body>";
	static const uint8_t xlhtml[] =
		"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
		"xmlns:x=\"urn:schemas-microsoft-com:office:excel\">";
	static const uint8_t sjis_kana[] = /* ﾌﾘｶﾞﾅ,氏名 */
		"\xcc\xd8\xb6\xde\xc5,\x8e\x81\x96\xbc\r\n";
	uint8_t pe[256] = { 'M', 'Z' }, zeros[4096] = { 0 }, tail[4096];
	uint8_t conflict[1024] = "%PDF-1.4 x", noise[4096];
	char mime[LT_MIME_MAX];
	enum lt_kind s;
	uint32_t x = 12345;
	unsigned i, sum = 0;

	/* sizeof - 1: the arrays above end in a NUL of their own */
#define B(a) a, sizeof(a) - 1, sizeof(a) - 1
	CHECK(lt_detect_signature(B(rar4), mime, sizeof(mime)) == LT_KIND_RAR);
	CHECK(lt_detect_signature(B(rar5), mime, sizeof(mime)) == LT_KIND_RAR);
	CHECK(lt_detect_signature(B(png), mime, sizeof(mime)) ==
	      LT_KIND_NO_TABLES);
	CHECK_STR(mime, "image/png");
	CHECK(lt_detect_signature(B(jpeg), mime, sizeof(mime)) ==
	      LT_KIND_NO_TABLES);
	CHECK(lt_detect_signature(B(gif), mime, sizeof(mime)) ==
	      LT_KIND_NO_TABLES);
	CHECK(lt_detect_signature(B(elf), mime, sizeof(mime)) ==
	      LT_KIND_NO_TABLES);
	CHECK(lt_detect_signature(B(rtf), mime, sizeof(mime)) ==
	      LT_KIND_NOT_EXAMINED);
	CHECK_STR(mime, "text/rtf");
	CHECK(lt_detect_signature(B(sqlite), mime, sizeof(mime)) ==
	      LT_KIND_NOT_EXAMINED);
	CHECK(lt_detect_signature(B(xz), mime, sizeof(mime)) ==
	      LT_KIND_NOT_EXAMINED);
	CHECK(lt_detect_signature(B(utf16nobom), mime, sizeof(mime)) ==
	      LT_KIND_TEXT);
	CHECK(lt_detect_signature(B(sjis_kana), mime, sizeof(mime)) ==
	      LT_KIND_TEXT);
	CHECK(lt_detect_signature(B(eml), mime, sizeof(mime)) ==
	      LT_KIND_NOT_EXAMINED);
	CHECK_STR(mime, "message/rfc822");
	CHECK(lt_detect_signature(B(html), mime, sizeof(mime)) == LT_KIND_TEXT);
	CHECK_STR(mime, "text/html");
	CHECK(lt_detect_signature(B(xlhtml), mime, sizeof(mime)) ==
	      LT_KIND_NOT_EXAMINED);

	/* PE: MZ alone is not enough ("MZ,123" is a CSV line) */
	memcpy(pe + 0x80, "PE\0\0", 4);
	pe[0x3c] = 0x80;
	CHECK(lt_detect_signature(pe, sizeof(pe), sizeof(pe), mime,
				  sizeof(mime)) == LT_KIND_NO_TABLES);
	CHECK(lt_detect_signature((const uint8_t *)"MZ,123\n", 7, 7, mime,
				  sizeof(mime)) == LT_KIND_TEXT);

	/* empty; a head not given */
	CHECK(lt_detect_signature(png, 0, 0, mime, sizeof(mime)) ==
	      LT_KIND_EMPTY);
	CHECK(lt_typer_detect(typer, png, 0, 0, mime, sizeof(mime)) ==
	      LT_KIND_EMPTY);
	CHECK_STR(mime, "application/x-empty");
	CHECK(lt_typer_detect(typer, png, 0, 100, mime, sizeof(mime)) ==
	      LT_KIND_UNKNOWN);

	/* all zeros: unknown, without asking libmagic */
	CHECK(lt_detect_signature(zeros, sizeof(zeros), sizeof(zeros), mime,
				  sizeof(mime)) == LT_KIND_UNKNOWN);
	CHECK_STR(mime, "application/octet-stream");

	/* text with a zero-filled tail is text */
	memset(tail, 0, sizeof(tail));
	for (i = 0; i < 40; i++)
		memcpy(tail + 22 * i, "1,2015-05-21,\x8e\x81\x96\xbc,abc\n",
		       22);
	CHECK(lt_detect_signature(tail, sizeof(tail), sizeof(tail), mime,
				  sizeof(mime)) == LT_KIND_TEXT);

	/* Latin-1 text: not Japanese, libmagic says text */
	EXPECT_BYTES(latin1, sizeof(latin1) - 1, LT_KIND_TEXT, "text/plain",
		     false);

	/* noise: libmagic has no name for it */
	for (i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (uint8_t)(x >> 16);
	}
	noise[0] = 0x01;
	EXPECT_BYTES(noise, sizeof(noise), LT_KIND_UNKNOWN,
		     "application/octet-stream",
		     true);

	/* A tar header whose member name starts "%PDF-": two signatures
	 * match, so no answer (and no guess from libmagic either). */
	memcpy(conflict + 100, "0000644", 7);
	memcpy(conflict + 257, "ustar\0" "00", 8);
	memcpy(conflict + 148, "        ", 8);
	for (i = 0; i < 512; i++)
		sum += conflict[i];
	snprintf((char *)conflict + 148, 8, "%06o", sum);
	CHECK(lt_detect_signature(conflict, sizeof(conflict), sizeof(conflict),
				  mime, sizeof(mime)) == LT_KIND_UNKNOWN);
	CHECK_STR(mime, "application/octet-stream");
	CHECK(bytes_kind(conflict, sizeof(conflict), sizeof(conflict), mime,
			 &s) == LT_KIND_UNKNOWN);
	CHECK_STR(mime, "application/octet-stream");
	/* without "%PDF" the same header is a tar */
	conflict[0] = 'a';
	memcpy(conflict + 148, "        ", 8);
	for (sum = 0, i = 0; i < 512; i++)
		sum += conflict[i];
	snprintf((char *)conflict + 148, 8, "%06o", sum);
	CHECK(lt_detect_signature(conflict, sizeof(conflict), sizeof(conflict),
				  mime, sizeof(mime)) == LT_KIND_TAR);
#undef B
}

/* A zip cut after its first member, an office-like name and no package
 * marker seen: the cheap check leaves it to libmagic. */
static void test_zip_undecided(void)
{
	char mime[LT_MIME_MAX];
	size_t len;
	uint8_t *p = load(DIR "folder-xl.zip", &len);

	if (!p)
		return;
	CHECK(lt_detect_signature(p, 60, len, mime, sizeof(mime)) ==
	      LT_KIND_UNKNOWN);
	CHECK_STR(mime, "");
	/* the whole file: a zip */
	CHECK(lt_detect_signature(p, len, len, mime, sizeof(mime)) ==
	      LT_KIND_ZIP);
	free(p);
}

static void test_names(void)
{
	CHECK_STR(lt_kind_name(LT_KIND_EMPTY), "empty");
	CHECK_STR(lt_kind_name(LT_KIND_TEXT), "text");
	CHECK_STR(lt_kind_name(LT_KIND_XLSX), "xlsx");
	CHECK_STR(lt_kind_name(LT_KIND_OOXML_ENCRYPTED), "ooxml-encrypted");
	CHECK_STR(lt_kind_name(LT_KIND_UNKNOWN), "unknown");
	CHECK_STR(lt_kind_name((enum lt_kind)99), "unknown");
	CHECK(lt_kind_from_mime("application/vnd.ms-excel") == LT_KIND_XLS);
	CHECK(lt_kind_from_mime("text/csv") == LT_KIND_TEXT);
	CHECK(lt_kind_from_mime("text/rtf") == LT_KIND_NOT_EXAMINED);
	CHECK(lt_kind_from_mime("image/svg+xml") == LT_KIND_NO_TABLES);
	CHECK(lt_kind_from_mime("application/vnd.oasis.opendocument.text") ==
	      LT_KIND_NOT_EXAMINED);
	CHECK(lt_kind_from_mime("application/octet-stream") ==
	      LT_KIND_UNKNOWN);
	CHECK(lt_kind_from_mime(NULL) == LT_KIND_UNKNOWN);
}

/* libmagic's own answers map to the same kinds for the plain cases. */
static void test_magic_agrees(void)
{
	static const char *const names[] = {
		"tiny.xlsx", "tiny.docx", "tiny.7z", "tiny.tar.gz", "tiny.cab",
		"tiny.pdf", "pii-utf8.csv", "zip-named.txt",
	};
	char m1[LT_MIME_MAX], m2[LT_MIME_MAX];
	size_t i, len;

	for (i = 0; i < LT_ARRAY_SIZE(names); i++) {
		char path[256];
		uint8_t *p;
		enum lt_kind a, b;

		snprintf(path, sizeof(path), DIR "%s", names[i]);
		p = load(path, &len);
		if (!p)
			continue;
		a = lt_detect_signature(p, len, len, m1, sizeof(m1));
		b = lt_typer_magic(typer, p, len, m2, sizeof(m2));
		if (a != b) {
			fprintf(stderr, "%s: cheap %s '%s', libmagic %s '%s'\n",
				names[i], lt_kind_name(a), m1, lt_kind_name(b),
				m2);
			check_failures++;
		}
		free(p);
	}
}

/* --- LT_BENCH ----------------------------------------------------------- */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

struct head {
	uint8_t *p;
	size_t len;
	uint64_t size;
};

static double bench_magic(magic_t mg, struct head *h, size_t n, int rounds)
{
	double t0 = now_us();
	int r;
	size_t i;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			(void)magic_buffer(mg, h[i].p, h[i].len);
	return (now_us() - t0) / ((double)rounds * (double)n);
}

static double bench_typer_magic(struct head *h, size_t n, int rounds)
{
	char mime[LT_MIME_MAX];
	double t0 = now_us();
	int r;
	size_t i;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			lt_typer_magic(typer, h[i].p, h[i].len, mime,
				       sizeof(mime));
	return (now_us() - t0) / ((double)rounds * (double)n);
}

static int bench(const char *list)
{
	FILE *f = fopen(list, "r");
	struct head *h = NULL;
	size_t n = 0, cap = 0, i, ncheap = 0;
	size_t counts[LT_KIND_UNKNOWN + 1] = { 0 };
	char line[4096], mime[LT_MIME_MAX];
	struct head *ch, *mh;
	size_t nch = 0, nmh = 0;
	double t0, t_sig, t_det, t_det_cheap, t_det_magic;
	int r, rounds = 3;
	magic_t def, enc;

	if (!f) {
		perror(list);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		struct stat st;
		FILE *g;

		line[strcspn(line, "\n")] = '\0';
		if (stat(line, &st) || !S_ISREG(st.st_mode))
			continue;
		g = fopen(line, "rb");
		if (!g)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			h = realloc(h, cap * sizeof(*h));
		}
		h[n].p = malloc(LT_DETECT_HEAD_MAX);
		h[n].len = fread(h[n].p, 1, LT_DETECT_HEAD_MAX, g);
		h[n].size = (uint64_t)st.st_size;
		fclose(g);
		n++;
	}
	fclose(f);
	if (!n)
		return 2;
	ch = calloc(n, sizeof(*ch));
	mh = calloc(n, sizeof(*mh));
	for (i = 0; i < n; i++) {
		enum lt_kind k = lt_detect_signature(h[i].p, h[i].len,
						     h[i].size, mime,
						     sizeof(mime));

		if (k != LT_KIND_UNKNOWN || mime[0]) {
			ncheap++;
			ch[nch++] = h[i];
		} else {
			mh[nmh++] = h[i];
		}
		counts[lt_typer_detect(typer, h[i].p, h[i].len, h[i].size,
				       mime, sizeof(mime))]++;
	}
	t0 = now_us();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			lt_detect_signature(h[i].p, h[i].len, h[i].size, mime,
					    sizeof(mime));
	t_sig = (now_us() - t0) / (rounds * (double)n);
	t0 = now_us();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			lt_typer_detect(typer, h[i].p, h[i].len, h[i].size,
					mime, sizeof(mime));
	t_det = (now_us() - t0) / (rounds * (double)n);
	t0 = now_us();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nch; i++)
			lt_typer_detect(typer, ch[i].p, ch[i].len, ch[i].size,
					mime, sizeof(mime));
	t_det_cheap = nch ? (now_us() - t0) / (rounds * (double)nch) : 0;
	t0 = now_us();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nmh; i++)
			lt_typer_detect(typer, mh[i].p, mh[i].len, mh[i].size,
					mime, sizeof(mime));
	t_det_magic = nmh ? (now_us() - t0) / (rounds * (double)nmh) : 0;
	printf("%zu files, %zu decided by the cheap check (%.1f%%)\n", n,
	       ncheap, 100.0 * ncheap / n);
	printf("cheap check alone:            %8.2f us/call (all heads)\n",
	       t_sig);
	printf("lt_typer_detect, all heads:   %8.2f us/call\n", t_det);
	printf("  heads the cheap check takes:%8.2f us/call (%zu)\n",
	       t_det_cheap, nch);
	printf("  heads left to libmagic:     %8.2f us/call (%zu)\n",
	       t_det_magic, nmh);
	def = magic_open(MAGIC_MIME_TYPE);
	enc = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
			 MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF |
			 MAGIC_NO_CHECK_APPTYPE | MAGIC_NO_CHECK_CDF |
			 MAGIC_NO_CHECK_ENCODING);
	magic_load(def, NULL);
	magic_load(enc, NULL);
	printf("libmagic alone, all heads: our flags %.2f us/call, "
	       "+NO_CHECK_ENCODING %.2f, default flags %.2f\n",
	       bench_typer_magic(h, n, rounds), bench_magic(enc, h, n, rounds),
	       bench_magic(def, h, n, rounds));
	if (nmh)
		printf("libmagic alone, heads left to it: our flags %.2f "
		       "us/call, +NO_CHECK_ENCODING %.2f, default flags %.2f\n",
		       bench_typer_magic(mh, nmh, rounds),
		       bench_magic(enc, mh, nmh, rounds),
		       bench_magic(def, mh, nmh, rounds));
	magic_close(def);
	magic_close(enc);
	printf("kinds:");
	for (i = 0; i <= LT_KIND_UNKNOWN; i++)
		if (counts[i])
			printf(" %s=%zu", lt_kind_name((enum lt_kind)i),
			       counts[i]);
	printf("\n");
	for (i = 0; i < n; i++)
		free(h[i].p);
	free(h);
	free(ch);
	free(mh);
	return 0;
}

/*
 * Unknown binary content (NULs inside, not UTF-16) is not shown to
 * libmagic unless asked (scan --magic-all); formats that matter have
 * signatures of their own, virtual disks included.
 */
static void test_binary_skip(void)
{
	static const uint8_t swf[] = "FWS\x0a\0\1\0\0\x78\0\x05\x5f\0\0\x0f"
				     "\xa0\0\0\x18\1\0\x44\x11\0\0\0\0";
	static const uint8_t vhd[] = "conectix\0\0\0\2\0\1\0\0";
	static const uint8_t vmdk[] = "KDMV\1\0\0\0\3\0\0\0";
	static const uint8_t qcow[] = "QFI\xfb\0\0\0\3\0\0\0\0";
	static const uint8_t ewf[] = "EVF\x09\x0d\x0a\xff\0\1\1\0\0";
	char mime[LT_MIME_MAX];

	CHECK(lt_typer_detect(typer, swf, sizeof(swf) - 1, sizeof(swf) - 1,
			      mime, sizeof(mime)) == LT_KIND_UNKNOWN);
	CHECK_STR(mime, "application/octet-stream");
	lt_typer_set_magic_all(typer, true);
	CHECK(lt_typer_detect(typer, swf, sizeof(swf) - 1, sizeof(swf) - 1,
			      mime, sizeof(mime)) == LT_KIND_NO_TABLES);
	CHECK_STR(mime, "application/x-shockwave-flash");
	lt_typer_set_magic_all(typer, false);
	CHECK(lt_typer_detect(typer, vhd, sizeof(vhd) - 1, 1 << 20, mime,
			      sizeof(mime)) == LT_KIND_NOT_EXAMINED);
	CHECK(lt_typer_detect(typer, vmdk, sizeof(vmdk) - 1, 1 << 20, mime,
			      sizeof(mime)) == LT_KIND_NOT_EXAMINED);
	CHECK(lt_typer_detect(typer, qcow, sizeof(qcow) - 1, 1 << 20, mime,
			      sizeof(mime)) == LT_KIND_NOT_EXAMINED);
	CHECK(lt_typer_detect(typer, ewf, sizeof(ewf) - 1, 1 << 20, mime,
			      sizeof(mime)) == LT_KIND_NOT_EXAMINED);
	CHECK_STR(mime, "application/x-ewf");
}

int main(void)
{
	struct lt_err err = LT_ERR_INIT;
	const char *b = getenv("LT_BENCH");
	int rc;

	CHECK(lt_typer_open(&typer, &err) == LT_OK);
	if (!typer) {
		fprintf(stderr, "%s\n", err.msg);
		CHECK_DONE();
	}
	if (b && *b) {
		rc = bench(b);
		lt_typer_close(typer);
		return rc;
	}
	test_names();
	test_files();
	test_dir_at_end();
	test_bytes();
	test_zip_undecided();
	test_magic_agrees();
	test_binary_skip();
	lt_typer_close(typer);
	lt_typer_close(NULL);
	CHECK_DONE();
}
