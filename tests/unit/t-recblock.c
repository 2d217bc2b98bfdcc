// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Record blocks (leaktriage/recblock.h): packing round trips, malformed
 * blocks are refused, and a schema-3 case database (one row per record)
 * is packed into blocks on open without losing or reordering a record.
 */
#include "triage/core/compat.h"
#include "leaktriage/casedb.h"
#include "leaktriage/recblock.h"

#include <sqlite3.h>
#include <unistd.h>

#include "check.h"

static void fill(struct lt_recpacked *r, uint64_t i)
{
	int k;

	memset(r, 0, sizeof(*r));
	r->row = i * 977 + (i % 3 ? 0 : (uint64_t)1 << (i % 64));
	r->elems = (uint32_t)(i * 2654435761u);
	r->has = (uint8_t)(i % 32);
	for (k = 0; k < LT_KEY_COUNT; k++)
		if (r->has & (1u << k))
			memset(r->keys[k], (int)(i + (uint64_t)k), 16);
}

static bool same(const struct lt_recpacked *a, const struct lt_recpacked *b)
{
	int k;

	if (a->row != b->row || a->elems != b->elems || a->has != b->has)
		return false;
	for (k = 0; k < LT_KEY_COUNT; k++)
		if ((a->has & (1u << k)) && memcmp(a->keys[k], b->keys[k], 16))
			return false;
	return true;
}

static void test_round_trip(void)
{
	struct lt_buf b;
	struct lt_recpacked r, got;
	const uint8_t *p, *end;
	uint64_t i, n = 0;
	int rc;

	lt_buf_init(&b, 0);
	for (i = 0; i < 1000; i++) {
		fill(&r, i);
		lt_recblock_put(&b, &r);
	}
	r.row = UINT64_MAX;
	r.elems = UINT32_MAX;
	r.has = 0;
	lt_recblock_put(&b, &r);
	CHECK(lt_buf_status(&b) == LT_OK);
	p = (const uint8_t *)b.buf;
	end = p + b.len;
	while ((rc = lt_recblock_next(&p, end, &got)) == 1) {
		if (n < 1000)
			fill(&r, n);
		else
			r = (struct lt_recpacked){ .row = UINT64_MAX,
						   .elems = UINT32_MAX };
		CHECK(same(&got, &r));
		n++;
	}
	CHECK(rc == 0);
	CHECK(n == 1001);
	CHECK(p == end);

	/* Every truncation of a one-record block is refused, never read
	 * past. */
	b.len = 0;
	fill(&r, 31); /* all five keys */
	lt_recblock_put(&b, &r);
	for (i = 1; i < b.len; i++) {
		uint8_t *cut = malloc(i);

		memcpy(cut, b.buf, i);
		p = cut;
		CHECK(lt_recblock_next(&p, cut + i, &got) == -1);
		free(cut);
	}
	lt_buf_release(&b);
}

static void test_malformed(void)
{
	static const uint8_t bad_has[] = { 1, 1, 0x20 };
	static const uint8_t long_row[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0x02,
					    1, 0 };
	static const uint8_t big_elems[] = { 1, 0x80, 0x80, 0x80, 0x80,
					     0x10, 0 };
	static const uint8_t max_row[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0x01,
					   1, 0 };
	struct lt_recpacked r;
	const uint8_t *p;

	p = bad_has;
	CHECK(lt_recblock_next(&p, bad_has + sizeof(bad_has), &r) == -1);
	p = long_row;
	CHECK(lt_recblock_next(&p, long_row + sizeof(long_row), &r) == -1);
	p = big_elems;
	CHECK(lt_recblock_next(&p, big_elems + sizeof(big_elems), &r) == -1);
	p = max_row;
	CHECK(lt_recblock_next(&p, max_row + sizeof(max_row), &r) == 1);
	CHECK(r.row == UINT64_MAX && r.elems == 1 && r.has == 0);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sql: %s: %s\n", sql, msg ? msg : "?");
		CHECK(!"sql");
	}
	sqlite3_free(msg);
}

/* A new case database in a new directory dir (a mkdtemp template). */
static struct lt_casedb *case_new(char *dir)
{
	struct lt_casedb *cdb = NULL;
	struct lt_err err = LT_ERR_INIT;
	char path[256];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/case.db", dir);
	CHECK(lt_casedb_open(path, LT_CASEDB_CREATE, &cdb, &err) == LT_OK);
	return cdb;
}

/* Close it, remove its files and the directory. */
static void case_remove(struct lt_casedb *cdb, const char *dir)
{
	static const char *const sfx[] = { "", "-wal", "-shm", ".key" };
	char path[256];
	size_t k;

	lt_casedb_close(cdb);
	for (k = 0; k < LT_ARRAY_SIZE(sfx); k++) {
		snprintf(path, sizeof(path), "%s/case.db%s", dir, sfx[k]);
		unlink(path);
	}
	rmdir(dir);
}

/* A schema-3 database: records one per row.  On open, packed. */
static void test_migrate_v3(void)
{
	enum { N = 9000 };
	char dir[] = "/tmp/t-recblock-XXXXXX", path[256];
	struct lt_casedb *cdb = case_new(dir);
	struct lt_err err = LT_ERR_INIT;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t i, seen = 0, blocks = 0;
	int k;

	if (!cdb)
		return;
	db = lt_casedb_sqlite(cdb);
	exec_ok(db, "DROP TABLE record_block;"
		"DROP INDEX yara_hit_file; DROP INDEX file_parent;"
		"DROP INDEX file_records_of;"
		"CREATE TABLE record(id INTEGER PRIMARY KEY,"
		" file_id INTEGER NOT NULL REFERENCES file(id),"
		" sheet TEXT, row INTEGER NOT NULL, elems INTEGER NOT NULL,"
		" k_insured BLOB, k_pension BLOB, k_my_number BLOB,"
		" k_name_birth BLOB, k_name_addr BLOB);"
		"UPDATE meta SET value='3' WHERE key='schema_version';"
		"INSERT INTO evidence(id, name, path, added, tz) VALUES"
		"(1, 'pc', '/x/pc.img', 'now', 'UTC');"
		"INSERT INTO file(id, evidence_id, path, status) VALUES"
		"(1, 1, 'a.xlsx', 'ok'), (2, 1, 'b.csv', 'ok');"
		"BEGIN");
	CHECK(sqlite3_prepare_v2(db, "INSERT INTO record(file_id, sheet,"
				 " row, elems, k_insured, k_pension,"
				 " k_my_number, k_name_birth, k_name_addr)"
				 " VALUES(?,?,?,?,?,?,?,?,?)", -1, &st,
				 NULL) == SQLITE_OK);
	/* File 2's rows first in id order, then file 1's two sheets
	 * interleaved: blocks follow (file, id) and split at each sheet. */
	for (i = 0; i < N; i++) {
		struct lt_recpacked r;
		int file = i < N / 3 ? 2 : 1;

		fill(&r, i);
		r.row &= INT64_MAX;
		sqlite3_bind_int(st, 1, file);
		if (file == 1)
			sqlite3_bind_text(st, 2, i % 2 ? "Sheet2" : "名簿",
					  -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, (int64_t)r.row);
		sqlite3_bind_int64(st, 4, r.elems);
		for (k = 0; k < LT_KEY_COUNT; k++)
			if (r.has & (1u << k))
				sqlite3_bind_blob(st, 5 + k, r.keys[k], 16,
						  SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 5 + k);
		CHECK(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	exec_ok(db, "COMMIT");
	lt_casedb_close(cdb);

	cdb = NULL;
	snprintf(path, sizeof(path), "%s/case.db", dir);
	CHECK(lt_casedb_open(path, 0, &cdb, &err) == LT_OK);
	if (!cdb)
		return;
	db = lt_casedb_sqlite(cdb);
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master"
				 " WHERE name='record'", -1, &st,
				 NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW &&
	      sqlite3_column_int(st, 0) == 0);
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "SELECT file_id, sheet, n, elems, data"
				 " FROM record_block ORDER BY file_id DESC,"
				 " id", -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *p = sqlite3_column_blob(st, 4);
		const uint8_t *end = p + sqlite3_column_bytes(st, 4);
		const char *sheet = (const char *)sqlite3_column_text(st, 1);
		uint32_t n = 0, ors = 0;
		struct lt_recpacked got, want;

		blocks++;
		while (lt_recblock_next(&p, end, &got) == 1) {
			/* file 2 holds 0..N/3-1; then file 1 in id order */
			fill(&want, seen);
			want.row &= INT64_MAX;
			CHECK(same(&got, &want));
			CHECK(sqlite3_column_int(st, 0) ==
			      (seen < N / 3 ? 2 : 1));
			CHECK(seen < N / 3 ? sheet == NULL :
			      !strcmp(sheet, seen % 2 ? "Sheet2" : "名簿"));
			ors |= got.elems;
			n++;
			seen++;
		}
		CHECK(p == end);
		CHECK(n == (uint32_t)sqlite3_column_int(st, 2));
		CHECK(ors == (uint32_t)sqlite3_column_int64(st, 3));
		CHECK(n <= LT_RECBLOCK_MAX);
	}
	sqlite3_finalize(st);
	CHECK(seen == N);
	/* 3000 rows of b.csv: one block (under the cap); a.xlsx's 6000
	 * rows alternate sheets: a block each */
	CHECK(blocks == 1 + (N - N / 3));
	case_remove(cdb, dir);
}

/* The scan writer checks file statuses with lt_casedb_file_status_known()
 * instead of table file's CHECK: the two must accept the same. */
static void test_file_statuses(void)
{
	static const char *const tries[] = {
		"scanning", "ok", "no_tables", "not_examined", "protected",
		"error", "skipped", "done", "OK", "", "ok ", "copy",
	};
	char dir[] = "/tmp/t-recblock-XXXXXX";
	struct lt_casedb *cdb = case_new(dir);
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	if (!cdb)
		return;
	db = lt_casedb_sqlite(cdb);
	exec_ok(db, "INSERT INTO evidence(id, name, path, added, tz) VALUES"
		"(1, 'pc', '/x/pc.img', 'now', 'UTC')");
	CHECK(sqlite3_prepare_v2(db, "INSERT INTO file(evidence_id, path,"
				 " status) VALUES(1, 'f', ?)", -1, &st,
				 NULL) == SQLITE_OK);
	for (i = 0; i < LT_ARRAY_SIZE(tries); i++) {
		bool db_ok;

		sqlite3_bind_text(st, 1, tries[i], -1, SQLITE_STATIC);
		db_ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
		CHECK(db_ok == lt_casedb_file_status_known(tries[i]));
		CHECK(db_ok == (i < 7));
	}
	sqlite3_finalize(st);
	case_remove(cdb, dir);
}

int main(void)
{
	test_round_trip();
	test_malformed();
	test_migrate_v3();
	test_file_statuses();
	CHECK_DONE();
}
