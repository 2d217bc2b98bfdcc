// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report: the rounded 約N.N万 style at its boundaries, thousands
 * separators, the profiles' categories, and a report built from a small
 * hand-made case DB (persons merged transitively, a conflicting merge,
 * persons per file and per evidence item, protected / not examined /
 * failed files, the leaked scope as a filter, correlate's windows), then
 * written in every format: hostile paths (controls, =formula, |, <>)
 * come out harmless in each.
 */
#include "triage/core/compat.h"
#include "leaktriage/casedb.h"
#include "leaktriage/recblock.h"
#include "leaktriage/report.h"
#include "leaktriage/table.h"
#include "tests/unit/check.h"

#include <sqlite3.h>
#include <unistd.h>

#define B(e) LT_ELEM_BIT(e)

static const char *ap(uint64_t v, bool ja)
{
	static char buf[64];

	return lt_report_approx(v, ja, buf, sizeof(buf));
}

static const char *num(uint64_t v)
{
	static char buf[32];

	return lt_report_num(v, buf, sizeof(buf));
}

static void test_numbers(void)
{
	CHECK_STR(num(0), "0");
	CHECK_STR(num(999), "999");
	CHECK_STR(num(1000), "1,000");
	CHECK_STR(num(1234567), "1,234,567");
	CHECK_STR(num(UINT64_MAX), "18,446,744,073,709,551,615");

	/* Exact below 10,000. */
	CHECK_STR(ap(0, true), "0");
	CHECK_STR(ap(16, true), "16");
	CHECK_STR(ap(9999, true), "9,999");
	/* 約N.N万, rounded half up at 1,000. */
	CHECK_STR(ap(10000, true), "約1.0万");
	CHECK_STR(ap(10499, true), "約1.0万");
	CHECK_STR(ap(10500, true), "約1.1万");
	CHECK_STR(ap(14499, true), "約1.4万");
	CHECK_STR(ap(14500, true), "約1.5万");
	CHECK_STR(ap(14949, true), "約1.5万");
	CHECK_STR(ap(14950, true), "約1.5万");
	CHECK_STR(ap(15049, true), "約1.5万");
	CHECK_STR(ap(15050, true), "約1.5万");
	CHECK_STR(ap(15499, true), "約1.5万");
	CHECK_STR(ap(15500, true), "約1.6万");
	CHECK_STR(ap(99499, true), "約9.9万");
	CHECK_STR(ap(99500, true), "約10.0万");
	CHECK_STR(ap(182345, true), "約18.2万");
	CHECK_STR(ap(182000, true), "約18.2万");
	CHECK_STR(ap(499000, true), "約49.9万");
	CHECK_STR(ap(1250000, true), "約125.0万");
	/* Up to 9999.9万, then 億. */
	CHECK_STR(ap(99999499, true), "約9999.9万");
	CHECK_STR(ap(99999500, true), "約1.0億");
	CHECK_STR(ap(100000000, true), "約1.0億");
	CHECK_STR(ap(123456789, true), "約1.2億");
	CHECK(!strncmp(ap(UINT64_MAX, true), "約", 3));
	/* English: the same rounding, written out. */
	CHECK_STR(ap(9999, false), "9,999");
	CHECK_STR(ap(10000, false), "about 10,000");
	CHECK_STR(ap(14950, false), "about 15,000");
	CHECK_STR(ap(15050, false), "about 15,000");
	CHECK_STR(ap(182345, false), "about 182,000");
	CHECK(!strncmp(ap(UINT64_MAX, false), "about ", 6));
}

static void test_profiles(void)
{
	const struct lt_profile *k = lt_profile_find("kyokai");
	const struct lt_profile *n = lt_profile_find("nenkin");
	const uint32_t name = B(LT_EL_NAME), sex = B(LT_EL_SEX),
		       birth = B(LT_EL_BIRTHDATE), addr = B(LT_EL_ADDRESS),
		       ins = B(LT_EL_INSURED_NUMBER),
		       pen = B(LT_EL_PENSION_NUMBER);
	bool with;

	CHECK(k && n && !lt_profile_find("other") && !lt_profile_find(NULL));
	CHECK(lt_scope_find("stored") && lt_scope_find("leaked") &&
	      !lt_scope_find("x"));
	CHECK(lt_profile_category(k, name | sex | birth | addr, &with) == 4 &&
	      !with);
	CHECK(lt_profile_category(k, name | birth | addr | ins, &with) == 3 &&
	      with);
	CHECK(lt_profile_category(k, name | sex, NULL) == 2);
	CHECK(lt_profile_category(k, B(LT_EL_KANA), NULL) == 1);
	CHECK(lt_profile_category(k, birth | addr | ins, &with) == 0 && with);
	/* nenkin: sex does not count; the number is one of the four. */
	CHECK(lt_profile_category(n, name | sex, &with) == 1 && !with);
	CHECK(lt_profile_category(n, name | birth | addr, NULL) == 3);
	CHECK(lt_profile_category(n, pen | name, &with) == 2 && with);
	CHECK(lt_profile_category(n, pen | name | addr, NULL) == 3);
	CHECK(lt_profile_category(n, pen | name | birth | addr | sex, NULL) ==
	      4);
	CHECK(lt_profile_category(n, pen | birth, NULL) == 0);
	/* The labels are data: every row has one in each language. */
	CHECK(strstr(k->row_ja[4], "4情報") && strstr(n->row_ja[3], "3情報"));
	CHECK(k->with_en && n->with_ja && k->rule_en && n->rule_ja);
}

/* --- a small case ------------------------------------------------------ */

static sqlite3 *db;

static void sql(const char *s)
{
	char *msg = NULL;

	if (sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sql: %s: %s\n", s, msg ? msg : "?");
		check_failures++;
	}
	sqlite3_free(msg);
}

/* A 16-byte key made of one repeated byte, as an SQL blob literal. */
/* One record, in a block of its own (leaktriage/recblock.h); key bytes
 * all b (0: absent). */
static void rec(int file, int row, uint32_t elems, int ins, int my, int nb,
		int na)
{
	const int kb[LT_KEY_COUNT] = { ins, 0, my, nb, na };
	struct lt_recpacked r;
	struct lt_buf b;
	sqlite3_stmt *st;
	int k;

	memset(&r, 0, sizeof(r));
	r.row = (uint64_t)row;
	r.elems = elems;
	for (k = 0; k < LT_KEY_COUNT; k++) {
		if (!kb[k])
			continue;
		r.has |= (uint8_t)(1u << k);
		memset(r.keys[k], kb[k], LT_RECBLOCK_KEY_LEN);
	}
	lt_buf_init(&b, 0);
	lt_recblock_put(&b, &r);
	CHECK(lt_buf_status(&b) == LT_OK);
	CHECK(sqlite3_prepare_v2(db, "INSERT INTO record_block(file_id, n,"
				 " elems, data) VALUES(?,1,?,?)", -1, &st,
				 NULL) == SQLITE_OK);
	sqlite3_bind_int(st, 1, file);
	sqlite3_bind_int64(st, 2, elems);
	sqlite3_bind_blob(st, 3, b.buf, (int)b.len, SQLITE_TRANSIENT);
	CHECK(sqlite3_step(st) == SQLITE_DONE);
	sqlite3_finalize(st);
	lt_buf_release(&b);
}

struct out {
	struct lt_buf all;
	char names[32][64];
	size_t nparts;
	bool bom_each;
};

static int collect(const char *name, const struct lt_buf *content,
		   void *udata, struct lt_err *err)
{
	struct out *o = udata;

	if (o->nparts < 32)
		snprintf(o->names[o->nparts], 64, "%s", name ? name : "");
	o->nparts++;
	if (content->len < 3 || memcmp(content->buf, "\xEF\xBB\xBF", 3))
		o->bom_each = false;
	lt_buf_add(&o->all, content->buf, content->len);
	(void)err;
	return LT_OK;
}

static const char *render(const struct lt_report *r, const char *fmt,
			  bool ja, bool split, struct out *o)
{
	const struct lt_report_writer *w = lt_report_writer_find(fmt);
	struct lt_report_fmt f = { ja, true, true, split };
	struct lt_err err = LT_ERR_INIT;

	lt_buf_release(&o->all);
	lt_buf_init(&o->all, 0);
	o->nparts = 0;
	o->bom_each = true;
	CHECK(w != NULL);
	if (!w)
		return "";
	CHECK(w->write(r, &f, collect, o, &err) == LT_OK);
	/* Nothing from the evidence reaches a terminal as a control. */
	CHECK(!memchr(lt_buf_str(&o->all), '\x1b', o->all.len));
	return lt_buf_str(&o->all);
}

static bool has_part(const struct out *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nparts && i < 32; i++)
		if (!strcmp(o->names[i], name))
			return true;
	return false;
}

static void test_case(void)
{
	char dir[] = "/tmp/t-report-XXXXXX", path[256];
	struct lt_casedb *cdb = NULL;
	struct lt_report_opts ro = { "kyokai", "stored", NULL,
				     "2015-05-21T00:00:00Z" };
	struct lt_report *r = NULL;
	struct lt_err err = LT_ERR_INIT;
	struct out o;
	const char *s;
	const uint32_t name = B(LT_EL_NAME), sex = B(LT_EL_SEX),
		       birth = B(LT_EL_BIRTHDATE), addr = B(LT_EL_ADDRESS),
		       ins = B(LT_EL_INSURED_NUMBER);
	size_t i;

	lt_buf_init(&o.all, 0);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/case.db", dir);
	CHECK(lt_casedb_open(path, LT_CASEDB_CREATE, &cdb, &err) == LT_OK);
	if (!cdb)
		return;
	db = lt_casedb_sqlite(cdb);
	sql("INSERT INTO evidence(id, name, path, added, md5, tz) VALUES"
	    "(1, 'pcA', '/x/pcA.img', 'now', "
	    "'0123456789abcdef0123456789abcdef', 'UTC'),"
	    "(2, 'pcB', '/x/pcB.img', 'now', NULL, 'Asia/Tokyo')");
	sql("INSERT INTO file(id, evidence_id, path, deleted, status, kind,"
	    " extractor, records, columns, protection, strong, detail) VALUES"
	    "(1, 1, 'a.csv', 0, 'ok', 'text', 'csv', 5, 31, NULL, NULL, NULL),"
	    "(2, 2, '=b.csv', 1, 'ok', 'text', 'csv', 3, 16411, NULL, NULL,"
	    " NULL),"
	    "(3, 1, 'c' || char(27) || '[31m|<x>.zip', 0, 'protected', 'zip',"
	    " NULL, 0, 0, 'ZipCrypto', 0, NULL),"
	    "(4, 1, 'd.pdf', 0, 'not_examined', 'pdf', NULL, 0, 0, NULL, NULL,"
	    " 'no extractor for pdf yet'),"
	    "(5, 2, 'e.txt', 0, 'error', 'text', 'text', 1, 257, NULL, NULL,"
	    " 'bad encoding'),"
	    "(6, 2, 'f.txt', 0, 'scanning', 'text', NULL, 0, 0, NULL, NULL,"
	    " NULL)");
	/* Group A: r1-r2 (name+birth 1), r5 (name+birth 1, another insured
	 * number: a conflict), r9 (insured 1) and through it r8 (name+birth
	 * 2).  Within pcA alone, r8 is a person of its own. */
	rec(1, 2, name | sex | birth | addr | ins, 1, 0, 1, 0);  /* r1 */
	rec(1, 3, name | birth, 0, 0, 1, 0);                      /* r2 */
	rec(1, 4, name, 0, 0, 0, 0);                              /* r3 */
	rec(1, 5, birth | addr, 0, 0, 0, 0);                      /* r4 */
	rec(1, 6, name | birth, 0, 0, 2, 0);                      /* r8 */
	rec(2, 2, name | birth | ins, 3, 0, 1, 0);                /* r5 */
	rec(2, 3, name | addr | B(LT_EL_DISEASE), 0, 0, 0, 4);    /* r6 */
	rec(2, 4, name | birth | ins, 1, 0, 2, 0);                /* r9 */
	rec(5, 7, name | B(LT_EL_MY_NUMBER), 0, 5, 0, 0);         /* r7 */
	rec(6, 1, name, 0, 0, 0, 0);           /* still scanning: ignored */
	sql("INSERT INTO yara_hit VALUES(1, 'pii_rule', 'leaktriage')");

	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_OK);
	if (!r)
		goto out;
	CHECK(r->records.with[4] == 1 && r->records.with[2] == 2 &&
	      r->records.without[2] == 3 && r->records.without[1] == 2 &&
	      r->records.no_name == 1 && r->records.with[3] == 0);
	CHECK(r->persons.with[4] == 1 && r->persons.without[2] == 1 &&
	      r->persons.without[1] == 2 && r->persons.no_name == 1 &&
	      r->persons.with[2] == 0 && r->persons.without[4] == 0);
	CHECK(r->conflicting_merges == 1 && r->nconflicts == 1);
	CHECK(r->nconflicts == 1 && r->conflicts[0].records == 5 &&
	      r->conflicts[0].nloc == 5);
	CHECK(r->npii == 3 && r->nother == 3);
	CHECK(r->npii == 3 && !strcmp(r->pii_files[0].path, "a.csv") &&
	      r->pii_files[0].records == 5 && r->pii_files[0].persons == 3 &&
	      r->pii_files[1].records == 3 && r->pii_files[1].persons == 2 &&
	      r->pii_files[2].records == 1 && r->pii_files[2].persons == 1);
	/* Per evidence item, as if alone: pcA 4 (r8 not merged), pcB 4. */
	CHECK(r->nevidence == 2 && r->evidence[0].persons == 4 &&
	      r->evidence[1].persons == 4 && r->evidence[0].records == 5 &&
	      r->evidence[1].records == 4 &&
	      r->evidence[0].files_with_pii == 1 &&
	      r->evidence[1].files_with_pii == 2);
	CHECK(r->files.with_pii == 3 && r->files.deleted_with_pii == 1 &&
	      r->files.protected_ == 1 && r->files.protected_weak == 1 &&
	      r->files.not_examined == 1 && r->files.errors == 1);
	CHECK(r->nkinds == 1 && !strcmp(r->not_examined_kinds[0].kind, "pdf"));
	CHECK(r->elems[LT_EL_DISEASE].records == 1 &&
	      r->elems[LT_EL_DISEASE].files == 1 &&
	      r->elems[LT_EL_DISEASE].persons == 1);
	CHECK(r->flags.special_care.state == LT_REPORT_FLAG_YES &&
	      r->flags.my_number.state == LT_REPORT_FLAG_YES &&
	      r->flags.financial.state == LT_REPORT_FLAG_UNDETECTABLE &&
	      r->flags.over_1000.state == LT_REPORT_FLAG_NOT_FOUND &&
	      r->flags.persons_total == 5 && r->flags.unexamined == 3);
	CHECK(r->nyara == 1 && !r->have_windows);
	CHECK(!strcmp(r->method.generated, "2015-05-21T00:00:00Z"));
	CHECK(r->ntypes == 2 && !strcmp(r->types[0].type, "csv") &&
	      r->types[0].files == 2 && r->types[0].records == 8);

	s = render(r, "text", true, false, &o);
	CHECK(strstr(s, "4情報（氏名・性別・生年月日・住所）") != NULL);
	CHECK(strstr(s, "約") == NULL); /* nothing reaches 10,000 */
	CHECK(strstr(s, "5人分") != NULL || strstr(s, "1人分") != NULL);
	CHECK(strstr(s, "この版では検出できない") != NULL);
	CHECK(strstr(s, "法的助言ではない") != NULL);
	CHECK(o.nparts == 1);
	s = render(r, "text", false, false, &o);
	CHECK(strstr(s, "not detectable by this version") != NULL);
	CHECK(strstr(s, "not legal advice") != NULL);
	CHECK(strstr(s, "ZipCrypto") && strstr(s, "weak"));
	s = render(r, "md", true, false, &o);
	CHECK(strstr(s, "\\|\\<x\\>") != NULL);
	s = render(r, "html", true, false, &o);
	CHECK(strstr(s, "&lt;x&gt;") != NULL && strstr(s, "<x>") == NULL);
	CHECK(strstr(s, "http:") == NULL && strstr(s, "https:") == NULL &&
	      strstr(s, "<script") == NULL);
	CHECK(strstr(s, "<svg") != NULL);
	s = render(r, "csv", true, true, &o);
	CHECK(o.bom_each && has_part(&o, "records.csv") &&
	      has_part(&o, "persons.csv") &&
	      has_part(&o, "protected-files.csv") &&
	      has_part(&o, "deleted-files.csv") &&
	      has_part(&o, "reportability.csv") &&
	      has_part(&o, "methodology.csv") && has_part(&o, "files.csv"));
	CHECK(strstr(s, ",'=b.csv,") != NULL);
	s = render(r, "csv", true, false, &o);
	CHECK(o.nparts == 1 && !strncmp(s, "\xEF\xBB\xBF", 3));
	s = render(r, "json", true, false, &o);
	CHECK(strstr(s, "\"suspicious_windows\":null") != NULL);
	CHECK(strstr(s, "\"approx\":{") != NULL);
	CHECK(strstr(s, "\"path\":\"=b.csv\"") != NULL);
	lt_report_free(r);
	r = NULL;

	/* The leaked scope: refused until correlate made its column, then
	 * only a filter. */
	ro.scope = "leaked";
	lt_err_clear(&err);
	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_E_UNSUPPORTED);
	CHECK(strstr(err.msg, "needs correlate") != NULL);
	sql("ALTER TABLE file ADD COLUMN leak_candidate INTEGER NOT NULL"
	    " DEFAULT 0; UPDATE file SET leak_candidate = 1 WHERE id = 2");
	lt_err_clear(&err);
	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_OK);
	if (r) {
		CHECK(!strcmp(r->scope, "leaked"));
		CHECK(r->records.with[2] == 2 && r->records.without[2] == 1 &&
		      r->records.with[4] == 0 && r->records.no_name == 0);
		CHECK(r->persons.with[2] == 2 && r->persons.without[2] == 1 &&
		      r->conflicting_merges == 0);
		CHECK(r->npii == 1 && r->files.protected_ == 0 &&
		      r->nyara == 0);
		lt_report_free(r);
		r = NULL;
	}

	/* correlate's windows: drawn when the table exists. */
	ro.scope = "stored";
	sql("CREATE TABLE window(evidence_id INTEGER, start_ns INTEGER,"
	    " end_ns INTEGER, reason TEXT);"
	    "INSERT INTO window VALUES(1, 1432100000000000000,"
	    " 1432103600000000000, 'upload'), (2, 1432120000000000000,"
	    " 1432121800000000000, 'beacon')");
	lt_err_clear(&err);
	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_OK);
	if (r) {
		CHECK(r->have_windows && r->nwindows == 2);
		s = render(r, "html", false, false, &o);
		CHECK(strstr(s, "suspicious traffic windows") != NULL);
		CHECK(strstr(s, "2015-05-20T05:33:20Z") != NULL);
		s = render(r, "json", false, false, &o);
		CHECK(strstr(s, "\"suspicious_windows\":[{") != NULL);
		lt_report_free(r);
		r = NULL;
	}

	/* Once correlate has run, its own tables decide (schema 3; made
	 * here when this tree's schema is older): leak_candidate rows pick
	 * the files, leak_window gives the timeline. */
	sql("CREATE TABLE IF NOT EXISTS leak_window(id INTEGER PRIMARY KEY,"
	    " evidence_id INTEGER NOT NULL, start_ns INTEGER NOT NULL,"
	    " end_ns INTEGER NOT NULL, events INTEGER NOT NULL, reasons TEXT);"
	    "CREATE TABLE IF NOT EXISTS leak_candidate(file_id INTEGER NOT"
	    " NULL, window_id INTEGER NOT NULL, reason TEXT NOT NULL);"
	    "INSERT INTO leak_window VALUES(1, 1, 1432100000000000000,"
	    " 1432100600000000000, 3, 'ioc evil.example');"
	    "INSERT INTO leak_candidate VALUES(1, 1, 'mtime'), (1, 1, 'atime');"
	    "INSERT INTO audit(command_line, version, started, exit_status)"
	    " VALUES('leaktriage report --case correlate.db', 'x', 'now', 0),"
	    " ('/usr/bin/leaktriage correlate --case x.db', 'x', 'now', 1)");
	ro.scope = "leaked";
	lt_err_clear(&err);
	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_OK);
	if (r) { /* correlate has not completed: still the column */
		CHECK(r->npii == 1 && !strcmp(r->pii_files[0].path, "=b.csv"));
		CHECK(r->have_windows && r->nwindows == 2);
		lt_report_free(r);
		r = NULL;
	}
	sql("INSERT INTO audit(command_line, version, started, exit_status)"
	    " VALUES('/usr/bin/leaktriage correlate --case x.db', 'x', 'now',"
	    " 0)");
	lt_err_clear(&err);
	CHECK(lt_report_build(cdb, &ro, &r, &err) == LT_OK);
	if (r) {
		CHECK(r->npii == 1 && !strcmp(r->pii_files[0].path, "a.csv"));
		CHECK(r->records.with[4] == 1 && r->records.without[2] == 2 &&
		      r->records.without[1] == 1 && r->records.no_name == 1);
		CHECK(r->persons.with[4] == 1 && r->persons.without[2] == 1 &&
		      r->persons.without[1] == 1 && r->persons.no_name == 1);
		CHECK(r->have_windows && r->nwindows == 1 &&
		      !strcmp(r->windows[0].reason, "ioc evil.example"));
	}
out:
	lt_buf_release(&o.all);
	lt_report_free(r);
	lt_casedb_close(cdb);
	for (i = 0; i < 3; i++) {
		static const char *const sfx[] = { "", "-wal", "-shm" };

		snprintf(path, sizeof(path), "%s/case.db%s", dir, sfx[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/case.db.key", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_numbers();
	test_profiles();
	test_case();
	CHECK_DONE();
}
