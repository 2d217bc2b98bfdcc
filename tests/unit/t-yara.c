// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * YARA: the shipped rules fire on Japanese header samples in UTF-8, CP932,
 * UTF-16LE and EUC-JP and not on a decoy; the rules file works with the
 * yara command alone and is the one compiled in; a user rules file adds
 * rules, a broken one is named with its line; large content is streamed
 * in blocks, and a match across a block boundary is found (one longer
 * than the overlap is not: the documented limit).
 */
#include "triage/core/compat.h"

#include <pthread.h>
#include <unistd.h>

#include "leaktriage/detect.h"
#include "tests/unit/check.h"

#define DIR "tests/unit/data/detect/"
#define SHIPPED "scanners/rules/pii-headers.yar"

extern const char lt_data_rules_pii_headers[];

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
	p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p) {
		p[n] = 0;
		*len = (size_t)n;
	}
	return p;
}

/* The rules that fired, "ns:rule" separated by spaces. */
struct hits {
	char s[1024];
	unsigned n;
	int stop_with; /* emit returns this */
};

static int on_hit(const char *rule, const char *ns, void *udata)
{
	struct hits *h = udata;
	size_t l = strlen(h->s);

	snprintf(h->s + l, sizeof(h->s) - l, "%s%s:%s", l ? " " : "", ns,
		 rule);
	h->n++;
	return h->stop_with;
}

struct mem {
	const uint8_t *p;
	size_t len;    /* bytes there */
	unsigned reads;
	uint64_t fail_at;
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

/* Scan memory, in one piece (data) or streamed (read). */
static int scan(struct lt_yara_scanner *s, const uint8_t *p, size_t len,
		bool stream, struct hits *h, struct lt_err *err)
{
	struct mem m = { p, len, 0, UINT64_MAX };
	struct lt_scan_input in = { .path = "mem", .size = len };

	h->s[0] = '\0';
	h->n = 0;
	if (stream) {
		in.read = mem_read;
		in.src = &m;
	} else {
		in.data = p;
	}
	return lt_yara_scan(s, &in, on_hit, h, err);
}

static void scan_file(struct lt_yara_scanner *s, const char *name,
		      const char *want)
{
	struct lt_err err = LT_ERR_INIT;
	struct hits h = { .stop_with = 0 };
	char path[256];
	size_t len;
	uint8_t *p;

	snprintf(path, sizeof(path), DIR "%s", name);
	p = load(path, &len);
	if (!p) {
		check_failures++;
		return;
	}
	CHECK(scan(s, p, len, false, &h, &err) == LT_OK);
	if (strcmp(h.s, want)) {
		fprintf(stderr, "%s: rules '%s', want '%s'\n", name, h.s, want);
		check_failures++;
	}
	/* streamed: the same */
	CHECK(scan(s, p, len, true, &h, &err) == LT_OK);
	CHECK_STR(h.s, want);
	free(p);
}

static void test_shipped(struct lt_yara_scanner *s)
{
	scan_file(s, "pii-utf8.csv", "leaktriage:jp_pii_headers_utf8");
	scan_file(s, "pii-cp932.csv", "leaktriage:jp_pii_headers_cp932");
	scan_file(s, "pii-utf16le.csv", "leaktriage:jp_pii_headers_utf16le");
	scan_file(s, "pii-eucjp.csv", "leaktriage:jp_pii_headers_eucjp");
	scan_file(s, "decoy.txt", "");
	scan_file(s, "mynumber-cp932.txt", "leaktriage:jp_my_number_header");
	/* BIFF8 keeps strings in UTF-16LE */
	scan_file(s, "tiny.xls", "leaktriage:jp_pii_headers_utf16le");
	/* deflated: nothing to see in the raw bytes */
	scan_file(s, "tiny.xlsx", "");
	scan_file(s, "tiny.pdf", "");
}

/* The rules file on disk is the one compiled in, and the yara command
 * takes it alone. */
static void test_cli(void)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "pii-utf8.csv", "jp_pii_headers_utf8" },
		{ "pii-cp932.csv", "jp_pii_headers_cp932" },
		{ "pii-utf16le.csv", "jp_pii_headers_utf16le" },
		{ "pii-eucjp.csv", "jp_pii_headers_eucjp" },
		{ "mynumber-cp932.txt", "jp_my_number_header" },
		{ "decoy.txt", "" },
	};
	size_t len, i;
	uint8_t *p = load(SHIPPED, &len);

	CHECK(p != NULL);
	if (p) {
		CHECK(len == strlen(lt_data_rules_pii_headers));
		CHECK(!strcmp((char *)p, lt_data_rules_pii_headers));
		free(p);
	}
	if (system("command -v yara >/dev/null 2>&1")) {
		fprintf(stderr, "the yara command is missing (Debian package "
				"yara)\n");
		check_failures++;
		return;
	}
	for (i = 0; i < LT_ARRAY_SIZE(cases); i++) {
		char cmd[512], out[4096] = "", want[256];
		size_t n = 0;
		FILE *f;
		int st;

		snprintf(cmd, sizeof(cmd), "yara %s " DIR "%s 2>&1", SHIPPED,
			 cases[i].file);
		f = popen(cmd, "r");
		CHECK(f != NULL);
		if (!f)
			continue;
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		st = pclose(f);
		CHECK(st == 0);
		if (cases[i].want[0])
			snprintf(want, sizeof(want), "%s " DIR "%s\n",
				 cases[i].want, cases[i].file);
		else
			want[0] = '\0';
		if (strcmp(out, want)) {
			fprintf(stderr, "yara %s: got '%s', want '%s'\n",
				cases[i].file, out, want);
			check_failures++;
		}
	}
}

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static void test_user_rules(void)
{
	static const char marker[] = "....leaktriage-user-marker....";
	struct lt_err err = LT_ERR_INIT;
	struct lt_yara *y = NULL;
	struct lt_yara_scanner *s = NULL;
	struct hits h = { .stop_with = 0 };
	const char *path;

	path = write_tmp("user.yar",
			 "rule user_marker {\n"
			 "  strings: $a = \"leaktriage-user-marker\"\n"
			 "  condition: $a\n"
			 "}\n"
			 /* the same name as a shipped rule: own namespace */
			 "rule jp_pii_headers_utf8 { condition: false }\n");
	CHECK(lt_yara_open(path, &y, &err) == LT_OK);
	if (!y) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(lt_yara_scanner_new(y, &s, &err) == LT_OK);
	CHECK(scan(s, (const uint8_t *)marker, sizeof(marker) - 1, false, &h,
		   &err) == LT_OK);
	CHECK_STR(h.s, "user:user_marker");
	lt_yara_scanner_free(s);
	lt_yara_close(y);

	/* a syntax error on line 3 */
	path = write_tmp("broken.yar", "rule ok { condition: true }\n"
				       "rule broken {\n"
				       "  condition: $nosuch and\n"
				       "}\n");
	y = NULL;
	CHECK(lt_yara_open(path, &y, &err) == LT_E_ARG);
	CHECK(y == NULL);
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(strstr(err.msg, "line 3") != NULL);
	fprintf(stderr, "(expected) %s\n", err.msg);
	lt_err_clear(&err);

	/* an error in an included file names that file */
	write_tmp("inc-bad.yar", "\nrule x { condition: nosuch_identifier }\n");
	path = write_tmp("inc.yar", "include \"inc-bad.yar\"\n");
	CHECK(lt_yara_open(path, &y, &err) == LT_E_ARG);
	CHECK(strstr(err.msg, "inc-bad.yar") != NULL);
	CHECK(strstr(err.msg, "line 2") != NULL);
	fprintf(stderr, "(expected) %s\n", err.msg);
	lt_err_clear(&err);

	CHECK(lt_yara_open(tmpdir, &y, &err) == LT_E_ARG);
	CHECK(strstr(err.msg, "directory") != NULL);
	lt_err_clear(&err);
	CHECK(lt_yara_open("/nonexistent/rules.yar", &y, &err) ==
	      LT_E_NOTFOUND);
	CHECK(strstr(err.msg, "/nonexistent/rules.yar") != NULL);
	lt_err_clear(&err);
}

/*
 * 3.5 MiB streamed in 1 MiB blocks: matches across the first boundary,
 * inside the overlap (counted once), offsets, filesize and integer reads
 * are those of the file.
 */
#define BIG ((size_t)7 << 19)
#define MIB ((size_t)1 << 20)

static void test_stream(void)
{
	static const char rules[] =
		"rule across {\n"
		"  strings: $a = \"ACROSS-THE-BOUNDARY\"\n"
		"  condition: #a == 1 and @a[1] == 1048570\n"
		"}\n"
		"rule in_overlap {\n"
		"  strings: $b = \"INSIDE-THE-OVERLAP\"\n"
		"  condition: #b == 1 and @b[1] == 1048676\n"
		"}\n"
		"rule sizes {\n"
		"  condition: filesize == 3670016 and uint16(0) == 0x7878\n"
		"    and uint32be(2097168) == 0x53454321\n"
		"    and uint8(3670015) == 0x79\n"
		"}\n"
		"rule too_long {\n"
		"  strings: $q = { 51 51 51 51 51 51 51 51 51 51 51 51 51 51 "
		"51 51 [4800-4800] 52 52 52 52 52 52 52 52 }\n"
		"  condition: $q\n"
		"}\n";
	static const uint8_t utf8_name[] = "\xe6\xb0\x8f\xe5\x90\x8d";
	static const uint8_t utf8_birth[] =
		"\xe7\x94\x9f\xe5\xb9\xb4\xe6\x9c\x88\xe6\x97\xa5";
	struct lt_err err = LT_ERR_INIT;
	struct lt_yara *y = NULL;
	struct lt_yara_scanner *s = NULL;
	struct hits h = { .stop_with = 0 };
	struct mem m;
	struct lt_scan_input in = { .path = "big", .size = BIG };
	uint8_t *p = malloc(BIG);

	CHECK(lt_yara_open(write_tmp("stream.yar", rules), &y, &err) == LT_OK);
	if (!y || !p) {
		fprintf(stderr, "%s\n", err.msg);
		free(p);
		lt_yara_close(y);
		return;
	}
	CHECK(lt_yara_scanner_new(y, &s, &err) == LT_OK);
	memset(p, 'x', BIG);
	p[BIG - 1] = 'y';
	memcpy(p + MIB - 6, "ACROSS-THE-BOUNDARY", 19);
	memcpy(p + MIB + 100, "INSIDE-THE-OVERLAP", 18);
	memcpy(p + 2 * MIB + 16, "SEC!", 4);
	/* 氏名 across the second boundary, 生年月日 far from it: the
	 * shipped rule needs both */
	memcpy(p + 2 * MIB - 3, utf8_name, sizeof(utf8_name) - 1);
	memcpy(p + 2 * MIB + 8192, utf8_birth, sizeof(utf8_birth) - 1);
	/* 16 Q, 4800 any, 8 R (4824 bytes) from 100 bytes before the third
	 * boundary: longer than the overlap, so missed */
	memset(p + 3 * MIB - 100, 'Q', 16);
	memset(p + 3 * MIB - 100 + 16 + 4800, 'R', 8);

	CHECK(scan(s, p, BIG, true, &h, &err) == LT_OK);
	CHECK_STR(h.s, "leaktriage:jp_pii_headers_utf8 user:across "
		       "user:in_overlap user:sizes");
	/* in one piece the long one is found too */
	CHECK(scan(s, p, BIG, false, &h, &err) == LT_OK);
	CHECK_STR(h.s, "leaktriage:jp_pii_headers_utf8 user:across "
		       "user:in_overlap user:sizes user:too_long");

	/* emit stops the scan with its own value */
	h.stop_with = 7;
	CHECK(scan(s, p, BIG, true, &h, &err) == 7);
	CHECK(h.n == 1);
	h.stop_with = 0;

	/* a read error in the second block */
	m = (struct mem){ p, BIG, 0, MIB + 10 };
	in.read = mem_read;
	in.src = &m;
	h.s[0] = '\0';
	CHECK(lt_yara_scan(s, &in, on_hit, &h, &err) == LT_E_IO);
	CHECK(strstr(err.msg, "read error") != NULL);
	CHECK(m.reads <= 3);
	lt_err_clear(&err);

	/* content that ends early: scanned as zeros, reported as corrupt */
	m = (struct mem){ p, MIB + 200, 0, UINT64_MAX };
	h.s[0] = '\0';
	CHECK(lt_yara_scan(s, &in, on_hit, &h, &err) == LT_E_CORRUPT);
	CHECK(strstr(h.s, "user:across") != NULL);
	CHECK(strstr(err.msg, "ends at byte 1048776") != NULL);
	lt_err_clear(&err);

	/* empty content */
	CHECK(scan(s, p, 0, true, &h, &err) == LT_OK);
	CHECK_STR(h.s, "");

	lt_yara_scanner_free(s);
	lt_yara_close(y);
	free(p);
}

/* Two threads, one scanner each, the same rules. */
struct worker {
	struct lt_yara *y;
	const uint8_t *p;
	size_t len;
	int ok;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct lt_err err = LT_ERR_INIT;
	struct lt_yara_scanner *s = NULL;
	struct hits h = { .stop_with = 0 };
	int i;

	if (lt_yara_scanner_new(w->y, &s, &err))
		return NULL;
	w->ok = 1;
	for (i = 0; i < 50; i++)
		if (scan(s, w->p, w->len, i & 1, &h, &err) ||
		    strcmp(h.s, "leaktriage:jp_pii_headers_cp932"))
			w->ok = 0;
	lt_yara_scanner_free(s);
	return NULL;
}

static void test_threads(void)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_yara *y = NULL;
	struct worker w[2];
	pthread_t th[2];
	size_t len;
	uint8_t *p = load(DIR "pii-cp932.csv", &len);
	int i;

	CHECK(lt_yara_open(NULL, &y, &err) == LT_OK);
	if (!y || !p) {
		free(p);
		lt_yara_close(y);
		return;
	}
	for (i = 0; i < 2; i++) {
		w[i] = (struct worker){ y, p, len, 0 };
		CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		CHECK(w[i].ok);
	}
	lt_yara_close(y);
	free(p);
}

int main(void)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_yara *y = NULL, *y2 = NULL;
	struct lt_yara_scanner *s = NULL;
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/lt-yara-XXXXXX",
		 t && *t && strlen(t) < 40 ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	CHECK(lt_yara_open(NULL, &y, &err) == LT_OK);
	if (!y) {
		fprintf(stderr, "%s\n", err.msg);
		CHECK_DONE();
	}
	/* libyara's init is refcounted: a second set of rules, then close */
	CHECK(lt_yara_open(NULL, &y2, &err) == LT_OK);
	lt_yara_close(y2);
	CHECK(lt_yara_scanner_new(y, &s, &err) == LT_OK);
	if (s)
		test_shipped(s);
	lt_yara_scanner_free(s);
	lt_yara_close(y);
	lt_yara_scanner_free(NULL);
	lt_yara_close(NULL);

	test_cli();
	test_user_rules();
	test_stream();
	test_threads();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		CHECK(system(cmd) == 0);
	}
	CHECK_DONE();
}
