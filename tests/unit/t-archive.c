// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The archive walker on the archives of tests/unit/data/archive/ (made by
 * make.sh with zip, 7z, tar, gzip, bzip2 and gcab; the RAR and LZH files
 * and the CP932/lying ZIPs by gen.py): members and paths (nested archives
 * walked the way the scan driver does, by calling the walker again on a
 * member's content), encryption kinds, whole-archive protection, limits
 * and zip bombs (recorded and skipped quickly, with bounded memory),
 * truncation, and content above LT_SCAN_MAX_MEM (a memory file, read at
 * random offsets).  Every archive is walked with in->data set and again
 * through short in->read() calls; both walks must agree.
 */
#include "triage/core/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/resource.h>

#include "leaktriage/archive.h"
#include "leaktriage/buf.h"
#include "tests/unit/check.h"
#include "tests/unit/memin.h"

#define DIR "tests/unit/data/archive/"
#define CSV "氏名,生年月日,住所\n検証太郎,1970-01-01,架空県見本市1-2-3\n"

/* What a walk gave: one line per member, nested ones as "a!b". */
struct seen {
	struct lt_buf log;
	const struct lt_archive_limits *lim;
	int depth;
	int nested_rc;
	char prefix[512];
	uint64_t max_content;
	/* for checks on a single member */
	char want[64];
	struct lt_buf want_content;
};

static int walk_buf(const uint8_t *p, size_t len, size_t step,
		    const char *path, struct seen *s,
		    struct lt_protection_summary *whole, struct lt_err *err);

static bool is_archive(const struct lt_archive_member *m)
{
	size_t n = strlen(m->path);

	return n > 4 && !strcmp(m->path + n - 4, ".zip");
}

static int on_member(const struct lt_archive_member *m, void *u)
{
	struct seen *s = u;
	const struct lt_scan_input *c = m->content;

	lt_buf_addf(&s->log, "%s%s", s->prefix, m->path);
	if (m->encrypted)
		lt_buf_addf(&s->log, " enc=%s%s", m->protection,
			    m->strong ? "/strong" : "");
	if (m->skipped)
		lt_buf_addf(&s->log, " skip=%s", m->skipped);
	if (m->warning)
		lt_buf_addf(&s->log, " warn=%s", m->warning);
	if (c) {
		uint8_t head[16];
		size_t got = 0;
		struct lt_err e = LT_ERR_INIT;

		lt_buf_addf(&s->log, " size=%" PRIu64, c->size);
		if (c->size > s->max_content)
			s->max_content = c->size;
		/* the content can be read at any offset, data or not */
		CHECK(!c->read(c->src, c->size / 2, head, sizeof(head), &got,
			       &e));
		CHECK(got == LT_MIN(sizeof(head), c->size - c->size / 2));
		if (c->data)
			CHECK(!memcmp(head, c->data + c->size / 2, got));
		CHECK(c->path && strstr(c->path, m->path));
		if (*s->want && !strcmp(m->path, s->want) && c->data)
			lt_buf_add(&s->want_content, c->data, (size_t)c->size);
	}
	lt_buf_addc(&s->log, '\n');
	if (c && s->lim && is_archive(m) && s->depth < s->lim->max_depth) {
		struct seen inner = *s;
		struct lt_protection_summary whole;
		struct lt_err e = LT_ERR_INIT;
		uint8_t *copy = malloc((size_t)c->size + 1);
		size_t got = 0;
		int rc;

		/* the driver would pass c itself: copy to check read() */
		CHECK(copy && !c->read(c->src, 0, copy, (size_t)c->size, &got,
					&e) && got == c->size);
		inner.depth++;
		snprintf(inner.prefix, sizeof(inner.prefix), "%s%s!",
			 s->prefix, m->path);
		rc = walk_buf(copy, (size_t)c->size, 0, c->path, &inner,
			      &whole, &e);
		s->log = inner.log;
		s->want_content = inner.want_content;
		if (rc && !s->nested_rc)
			s->nested_rc = rc;
		free(copy);
	}
	return 0;
}

static int walk_buf(const uint8_t *p, size_t len, size_t step,
		    const char *path, struct seen *s,
		    struct lt_protection_summary *whole, struct lt_err *err)
{
	struct mem m = { p, len, step };
	struct lt_scan_input in = { path, len, step ? NULL : p, mem_read, &m };

	return lt_archive_walk(&in, s->lim, on_member, s, whole, err);
}

struct result {
	int rc;
	char msg[LT_ERR_MSG_MAX];
	struct lt_protection_summary whole;
	char *log;
	double secs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Walk a data file with in->data, and through 4093-byte reads: the two
 * must agree.  `lim` may be NULL (defaults, no recursion). */
static void walk_file(const char *name, const struct lt_archive_limits *lim,
		      struct result *r)
{
	char path[256];
	size_t len;
	uint8_t *p;
	struct seen s1, s2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	struct lt_protection_summary w2;
	struct lt_archive_limits l1, l2;
	uint64_t t1 = 0, t2 = 0;
	double t;

	snprintf(path, sizeof(path), DIR "%s", name);
	p = mem_slurp(path, &len);
	CHECK(p != NULL);
	memset(r, 0, sizeof(*r));
	memset(&s1, 0, sizeof(s1));
	lt_buf_init(&s1.log, 1 << 20);
	lt_buf_init(&s1.want_content, 1 << 20);
	s2 = s1;
	if (lim) {
		l1 = *lim;
		l2 = *lim;
		l1.expanded = &t1;
		l2.expanded = &t2;
		s1.lim = &l1;
		s2.lim = &l2;
	}
	t = now();
	r->rc = walk_buf(p, len, 0, name, &s1, &r->whole, &e1);
	r->secs = now() - t;
	snprintf(r->msg, sizeof(r->msg), "%s", e1.msg);
	CHECK(r->rc == (int)e1.code);
	walk_buf(p, len, 4093, name, &s2, &w2, &e2);
	CHECK(e1.code == e2.code);
	CHECK_STR(e1.msg, e2.msg);
	CHECK_STR(lt_buf_str(&s1.log), lt_buf_str(&s2.log));
	CHECK(r->whole.protected_ == w2.protected_);
	r->log = lt_buf_detach(&s1.log, NULL);
	if (!r->log)
		r->log = strdup("");
	lt_buf_release(&s2.log);
	lt_buf_release(&s1.want_content);
	lt_buf_release(&s2.want_content);
	free(p);
}

static void expect(const char *name, const struct lt_archive_limits *lim,
		   int rc, const char *log)
{
	struct result r;

	walk_file(name, lim, &r);
	if (r.rc != rc)
		fprintf(stderr, "%s: rc %d (%s), want %d\n", name, r.rc, r.msg,
			rc);
	CHECK(r.rc == rc);
	if (strcmp(r.log, log))
		fprintf(stderr, "%s: got\n%s---- want\n%s----\n", name, r.log,
			log);
	CHECK_STR(r.log, log);
	CHECK(!r.whole.protected_);
	free(r.log);
}

static void t_formats(const struct lt_archive_limits *rec)
{
	expect("nested.zip", rec, 0,
	       "a.csv size=75\n"
	       "dir/\n"
	       "dir/b.csv size=31\n"
	       "inner.zip size=472\n"
	       "inner.zip!c.csv size=2\n"
	       "inner.zip!inner2.zip size=162\n"
	       "inner.zip!inner2.zip!d.csv size=2\n");
	expect("csv.7z", NULL, 0,
	       "dir/\n"
	       "a.csv size=75\n"
	       "dir/b.csv size=31\n");
	expect("csv.tar.gz", NULL, 0,
	       "a.csv size=75\n"
	       "dir/\n"
	       "dir/b.csv size=31\n");
	expect("meibo.csv.gz", NULL, 0, "meibo.csv size=75\n");
	expect("meibo.cab", NULL, 0, "a.csv size=75\ndir/b.csv size=31\n");
	expect("meibo.lzh", NULL, 0, "名簿.csv size=75\nb.csv size=8\n");
	expect("stored.rar", NULL, 0, "名簿.csv size=75\nb.csv size=4\n");
	expect("stored4.rar", NULL, 0, "a.csv size=75\n名簿.csv size=75\n");
	/* CP932 names without the UTF-8 flag; a 0x5C trail byte (ソ, 表)
	 * is not a separator, the '\' after 表 is */
	expect("cp932.zip", NULL, 0,
	       "名簿.csv size=75\n"
	       "ソ表/データ.csv size=75\n"
	       "utf8-名簿.csv size=75\n"
	       "bad\xEF\xBF\xBD\xEF\xBF\xBD.csv size=75\n");
}

static void t_content(void)
{
	struct seen s;
	struct lt_protection_summary whole;
	struct lt_err err = LT_ERR_INIT;
	const char *files[] = { "nested.zip", "csv.7z",    "csv.tar.gz",
				"meibo.cab",  "meibo.csv.gz" };
	size_t i, len;

	for (i = 0; i < LT_ARRAY_SIZE(files); i++) {
		char path[256];
		uint8_t *p;

		snprintf(path, sizeof(path), DIR "%s", files[i]);
		p = mem_slurp(path, &len);
		memset(&s, 0, sizeof(s));
		lt_buf_init(&s.log, 1 << 20);
		lt_buf_init(&s.want_content, 1 << 20);
		snprintf(s.want, sizeof(s.want), "%s",
			 i == 4 ? "meibo.csv" : "a.csv");
		CHECK(!walk_buf(p, len, 0, files[i], &s, &whole, &err));
		CHECK_STR(lt_buf_str(&s.want_content), CSV);
		lt_buf_release(&s.log);
		lt_buf_release(&s.want_content);
		free(p);
	}
}

static int first_mtime_cb(const struct lt_archive_member *m, void *u)
{
	*(int64_t *)u = m->mtime;
	return 1;
}

static void t_fields(void)
{
	size_t len;
	uint8_t *p = mem_slurp(DIR "nested.zip", &len);
	struct mem m = { p, len, len };
	struct lt_scan_input in = { "nested.zip", len, NULL, mem_read, &m };
	struct lt_protection_summary whole;
	struct lt_err err = LT_ERR_INIT;
	int64_t mtime = 0;

	/* the callback's value stops the walk and comes back */
	CHECK(lt_archive_walk(&in, NULL, first_mtime_cb, &mtime, &whole,
			      &err) == 1);
	CHECK(mtime == 1432207200); /* 2015-05-21T11:20:00Z (UT extra) */
	free(p);
}

static void t_encryption(void)
{
	struct result r;

	expect("zipcrypto.zip", NULL, 0,
	       "a.csv enc=zipcrypto skip=encrypted\n"
	       "dir/b.csv enc=zipcrypto skip=encrypted\n");
	expect("zipaes.zip", NULL, 0,
	       "a.csv enc=zip-aes/strong skip=encrypted\n"
	       "dir/b.csv enc=zip-aes/strong skip=encrypted\n");
	expect("enc-data.7z", NULL, 0,
	       "a.csv enc=7z-aes/strong skip=encrypted\n"
	       "dir/b.csv enc=7z-aes/strong skip=encrypted\n");
	/* libarchive 3.6.2 reads the RAR5 encryption record as nothing */
	expect("enc-file.rar", NULL, 0,
	       "plain.csv size=75\n"
	       "secret.csv enc=rar-aes/strong skip=encrypted\n");
	expect("enc4.rar", NULL, 0,
	       "plain.csv size=75\n"
	       "secret.csv enc=rar-aes/strong skip=encrypted\n");

	/* the member list itself is encrypted: protected, not an error */
	walk_file("enc-head.7z", NULL, &r);
	CHECK(r.rc == 0 && r.whole.protected_ && r.whole.strong);
	CHECK_STR(r.whole.kind, "7z-aes");
	CHECK_STR(r.log, "");
	free(r.log);
	walk_file("enc-head.rar", NULL, &r);
	CHECK(r.rc == 0 && r.whole.protected_ && r.whole.strong);
	CHECK_STR(r.whole.kind, "rar-aes");
	CHECK_STR(r.log, "");
	free(r.log);
	walk_file("enc4-head.rar", NULL, &r);
	CHECK(r.rc == 0 && r.whole.protected_);
	CHECK_STR(r.whole.kind, "rar-aes");
	free(r.log);
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void t_bombs(const struct lt_archive_limits *rec)
{
	struct result r;
	long rss = maxrss_kb();

	/* declared sizes: caught from the central directory, nothing is
	 * decompressed, and the walk goes on */
	walk_file("bomb-single.zip", NULL, &r);
	CHECK(r.rc == 0);
	CHECK_STR(r.log, "zeros.bin skip=zip bomb (ratio 925639:1)\n"
			 "after.csv size=6\n");
	CHECK(r.secs < 5);
	free(r.log);
	/* 42.zip-style: the bombs sit one level down */
	expect("bomb-nested.zip", rec, 0,
	       "leaf.zip size=2636\n"
	       "leaf.zip!zeros.bin skip=zip bomb (ratio 925639:1)\n"
	       "leaf.zip!zeros2.bin skip=zip bomb (ratio 925639:1)\n"
	       "leaf2.zip size=2636\n"
	       "leaf2.zip!zeros.bin skip=zip bomb (ratio 925639:1)\n"
	       "leaf2.zip!zeros2.bin skip=zip bomb (ratio 925639:1)\n"
	       "after.csv size=6\n");
	/* headers that lie (100 bytes declared, 64 MiB inside): caught
	 * while decompressing */
	walk_file("lying.zip", NULL, &r);
	CHECK(r.rc == 0);
	CHECK(!strncmp(r.log, "zeros.bin skip=zip bomb (ratio ", 31));
	CHECK(r.secs < 5);
	free(r.log);
	/* no per-member compressed size (7z, a tar stream): caught while
	 * decompressing; what follows a bomb in a stream is not listed */
	walk_file("bomb.7z", NULL, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(!strncmp(r.log, "zeros.bin skip=zip bomb (ratio ", 31));
	CHECK(r.secs < 5);
	free(r.log);
	walk_file("bomb.tar.bz2", NULL, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK(strstr(r.msg, "zeros.bin") != NULL);
	CHECK(!strncmp(r.log, "zeros.bin skip=zip bomb (ratio ", 31));
	CHECK(!strstr(r.log, "after.csv"));
	CHECK(r.secs < 5);
	free(r.log);
	/* memory stays bounded: content goes to a memory file past
	 * LT_SCAN_MAX_MEM, and bombs stop within ~30 MiB */
	CHECK(maxrss_kb() - rss < 200 * 1024);
}

static void t_limits(void)
{
	struct lt_archive_limits l;
	struct result r;

	lt_archive_limits_default(&l);
	CHECK(l.max_member_size == (uint64_t)1 << 30);
	CHECK(l.max_total == (uint64_t)4 << 30);
	CHECK(l.max_members == 100000 && l.max_ratio == 200);
	CHECK(l.max_depth == 5 && !l.expanded);

	/* declared sizes over the member limit */
	l.max_member_size = 40;
	expect("nested.zip", &l, 0,
	       "a.csv skip=too large\n"
	       "dir/\n"
	       "dir/b.csv size=31\n"
	       "inner.zip skip=too large\n");
	/* no declared size: stopped while decompressing */
	expect("meibo.csv.gz", &l, 0, "meibo.csv skip=too large\n");

	/* the total: listing goes on where skipping is free (ZIP) ... */
	lt_archive_limits_default(&l);
	l.max_total = 100;
	expect("nested.zip", &l, 0,
	       "a.csv size=75\n"
	       "dir/\n"
	       "dir/b.csv skip=total expansion limit\n"
	       "inner.zip skip=total expansion limit\n");
	/* ... and stops in a compressed stream */
	walk_file("csv.tar.gz", &l, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK_STR(r.log, "a.csv size=75\n"
			 "dir/\n"
			 "dir/b.csv skip=total expansion limit\n");
	free(r.log);

	lt_archive_limits_default(&l);
	l.max_members = 2;
	walk_file("nested.zip", &l, &r);
	CHECK(r.rc == LT_E_LIMIT);
	CHECK_STR(r.log, "a.csv size=75\ndir/\n");
	free(r.log);
}

static void t_broken(void)
{
	struct result r;
	static const uint8_t csv[] = "a,b\n1,2\n";
	struct seen s;
	struct lt_protection_summary whole;
	struct lt_err err = LT_ERR_INIT;

	walk_file("truncated.zip", NULL, &r);
	CHECK(r.rc == LT_E_CORRUPT);
	CHECK(!strncmp(r.log, "a.csv size=75\nbig.csv skip=corrupt: ",
		       strlen("a.csv size=75\nbig.csv skip=corrupt: ")));
	CHECK(strstr(r.msg, "big.csv") != NULL);
	free(r.log);

	/* a bad CRC: the content is given, with a warning */
	{
		static const char crc_want[] =
			"名簿.csv warn=ZIP bad CRC: ";
		size_t len, cd;
		uint8_t *p = mem_slurp(DIR "cp932.zip", &len);

		p[14] ^= 0xFF;                          /* local header CRC */
		for (cd = 0; cd + 4 < len && memcmp(p + cd, "PK\1\2", 4); cd++)
			;
		p[cd + 16] ^= 0xFF;                     /* central CRC */
		memset(&s, 0, sizeof(s));
		lt_buf_init(&s.log, 1 << 20);
		CHECK(walk_buf(p, len, 0, "crc.zip", &s, &whole, &err) == 0);
		CHECK(!strncmp(lt_buf_str(&s.log), crc_want, strlen(crc_want)));
		CHECK(strstr(lt_buf_str(&s.log), " size=75\nソ表") != NULL);
		lt_buf_release(&s.log);
		free(p);
	}

	/* a CSV is not an archive */
	memset(&s, 0, sizeof(s));
	lt_buf_init(&s.log, 1 << 20);
	CHECK(walk_buf(csv, sizeof(csv) - 1, 0, "a.csv", &s, &whole, &err) ==
	      LT_E_UNSUPPORTED);
	CHECK_STR(lt_buf_str(&s.log), "");
	lt_buf_release(&s.log);
}

/* A ZIP made here with a 20 MiB member of incompressible bytes: its
 * content comes through a memory file (in->data NULL), read back at
 * random offsets. */
static int big_cb(const struct lt_archive_member *m, void *u)
{
	const struct lt_scan_input *c = m->content;
	uint32_t x = 12345;
	uint8_t buf[4096];
	uint64_t off;
	size_t got, i;
	struct lt_err e = LT_ERR_INIT;

	CHECK(c != NULL);
	if (!c)
		return 1;
	CHECK(c->size == (uint64_t)20 << 20);
	CHECK(c->data == NULL);
	for (off = c->size - 5000;; off = (off * 7 + 4096) % c->size) {
		CHECK(!c->read(c->src, off, buf, sizeof(buf), &got, &e));
		CHECK(got == LT_MIN(sizeof(buf), c->size - off));
		/* byte k is the low byte of the k-th LCG state */
		for (i = 0; i < got; i++) {
			uint64_t k = off + i, j;

			if (i && (k & 1023))
				continue;
			x = (uint32_t)(k / 1024) * 2654435761u;
			for (j = k - k % 1024; j < k; j++)
				x = x * 1103515245u + 12345u;
			CHECK(buf[i] == (uint8_t)(x >> 16));
		}
		if (++*(int *)u == 8)
			break;
	}
	return 0;
}

static void t_big(void)
{
	size_t size = (size_t)20 << 20, cap = size + (1 << 20), used = 0, k;
	uint8_t *data = malloc(size), *zip = malloc(cap);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct lt_scan_input in;
	struct mem m;
	struct lt_protection_summary whole;
	struct lt_err err = LT_ERR_INIT;
	uint32_t x = 0;
	int reads = 0;

	for (k = 0; k < size; k++) {
		if (!(k & 1023))
			x = (uint32_t)(k / 1024) * 2654435761u;
		else
			x = x * 1103515245u + 12345u;
		data[k] = (uint8_t)(x >> 16);
	}
	archive_write_set_format_zip(a);
	archive_write_open_memory(a, zip, cap, &used);
	archive_entry_set_pathname(e, "big.bin");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_write_header(a, e);
	CHECK(archive_write_data(a, data, size) == (la_ssize_t)size);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);

	m.p = zip;
	m.len = used;
	m.step = used;
	in.path = "big.zip";
	in.size = used;
	in.data = NULL;
	in.read = mem_read;
	in.src = &m;
	CHECK(lt_archive_walk(&in, NULL, big_cb, &reads, &whole, &err) == 0);
	CHECK(reads == 8);
	free(data);
	free(zip);
}

int main(void)
{
	struct lt_archive_limits rec;

	lt_archive_limits_default(&rec); /* walked recursively */
	t_formats(&rec);
	t_content();
	t_fields();
	t_encryption();
	t_limits();
	t_broken();
	t_bombs(&rec);
	t_big();
	CHECK_DONE();
}
