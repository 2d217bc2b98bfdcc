// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The case database (SQLite, WAL).  Migrations are an array of SQL scripts;
 * schema_version in table meta says how many have run.  Paths recorded
 * here are locations inside evidence; nothing read from a file's content
 * is stored raw.  Times are integer nanoseconds since the epoch, UTC.
 */
#include "triage/core/compat.h"
#include "leaktriage/casedb.h"
#include "leaktriage/buf.h"
#include "leaktriage/hash.h"
#include "leaktriage/json.h"
#include "leaktriage/recblock.h"

#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define LT_CASEDB_TAG 0x4c544442u /* "LTDB" */

static const char *const migrations[] = {
	/* 1: evidence, volumes, entries, problems, audit */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE evidence("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL,"
	" format TEXT, size INTEGER, segments INTEGER, tz TEXT,"
	" md5 TEXT, sha1 TEXT, sha256 TEXT, hash_source TEXT,"
	" added TEXT NOT NULL, walked TEXT);"
	"CREATE TABLE volume("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" partition INTEGER, offset INTEGER NOT NULL, length INTEGER,"
	" fs TEXT, description TEXT,"
	" status TEXT NOT NULL CHECK(status IN"
	"  ('walked','locked','unknown','error')),"
	" encryption TEXT, detail TEXT);"
	"CREATE TABLE entry("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" partition INTEGER, offset INTEGER NOT NULL, fs TEXT NOT NULL,"
	" path TEXT NOT NULL, path_b64 TEXT, name TEXT NOT NULL,"
	" inode TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,"
	" deleted INTEGER NOT NULL, realloc INTEGER NOT NULL DEFAULT 0,"
	" mtime INTEGER, atime INTEGER, ctime INTEGER, crtime INTEGER,"
	" fn_mtime INTEGER, fn_atime INTEGER, fn_ctime INTEGER,"
	" fn_crtime INTEGER, md5 TEXT, sha256 TEXT, read_error TEXT);"
	"CREATE INDEX entry_evidence ON entry(evidence_id, partition, inode);"
	"CREATE TABLE problem("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" command TEXT NOT NULL, partition INTEGER, offset INTEGER,"
	" kind TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL);"
	"CREATE TABLE audit("
	" id INTEGER PRIMARY KEY,"
	" command_line TEXT NOT NULL, version TEXT NOT NULL,"
	" user TEXT, host TEXT, started TEXT NOT NULL, ended TEXT,"
	" exit_status INTEGER);",
	/* 2: scan results: files (also archive members), records, YARA */
	"CREATE TABLE scan_state("
	" evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),"
	" walked INTEGER NOT NULL DEFAULT 0, completed TEXT);"
	"CREATE TABLE file("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" entry_id INTEGER REFERENCES entry(id),"
	" parent_id INTEGER REFERENCES file(id),"
	" path TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER,"
	" status TEXT NOT NULL CHECK(status IN ('scanning','ok','no_tables',"
	"  'not_examined','protected','error','skipped')),"
	" md5 TEXT, sha256 TEXT, mime TEXT, kind TEXT, extractor TEXT,"
	" protection TEXT, strong INTEGER, detail TEXT, encoding TEXT,"
	" layout TEXT, tables INTEGER, rows INTEGER,"
	" records INTEGER NOT NULL DEFAULT 0,"
	" columns INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX file_entry ON file(entry_id)"
	" WHERE parent_id IS NULL;"
	"CREATE INDEX file_evidence ON file(evidence_id, status);"
	"CREATE TABLE record("
	" id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES file(id),"
	" sheet TEXT, row INTEGER NOT NULL, elems INTEGER NOT NULL,"
	" k_insured BLOB, k_pension BLOB, k_my_number BLOB,"
	" k_name_birth BLOB, k_name_addr BLOB);"
	"CREATE TABLE yara_hit("
	" file_id INTEGER NOT NULL REFERENCES file(id),"
	" rule TEXT NOT NULL, namespace TEXT);",
	/* 3: proxy logs, suspicious traffic, leak windows and candidates.
	 * No URL paths or queries are stored (they may carry personal
	 * data): destination host, port and method only. */
	"CREATE TABLE proxy_log("
	" id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT,"
	" format TEXT, lines INTEGER, events INTEGER, bad INTEGER,"
	" first_bad TEXT, first_ns INTEGER, last_ns INTEGER,"
	" imported TEXT NOT NULL);"
	"CREATE TABLE host_map("
	" ip TEXT NOT NULL, evidence TEXT NOT NULL,"
	" valid_from INTEGER, valid_to INTEGER);"
	"CREATE TABLE proxy_flag("
	" id INTEGER PRIMARY KEY,"
	" log_id INTEGER NOT NULL REFERENCES proxy_log(id),"
	" line INTEGER, ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" client TEXT, user TEXT, method TEXT, host TEXT, port INTEGER,"
	" status INTEGER, bytes_out INTEGER, requests INTEGER,"
	" kind TEXT NOT NULL, reason TEXT NOT NULL,"
	" window_forming INTEGER NOT NULL);"
	"CREATE INDEX proxy_flag_client ON proxy_flag(client, ts);"
	"CREATE TABLE proxy_stat("
	" log_id INTEGER NOT NULL REFERENCES proxy_log(id),"
	" client TEXT NOT NULL, host TEXT NOT NULL, requests INTEGER,"
	" bytes_out INTEGER, bytes_in INTEGER, first_ns INTEGER,"
	" last_ns INTEGER);"
	"CREATE TABLE leak_window("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,"
	" events INTEGER NOT NULL, reasons TEXT);"
	"CREATE TABLE leak_candidate("
	" file_id INTEGER NOT NULL REFERENCES file(id),"
	" window_id INTEGER NOT NULL REFERENCES leak_window(id),"
	" reason TEXT NOT NULL);"
	"CREATE INDEX leak_candidate_file ON leak_candidate(file_id);",
	/* 4: records packed in blocks (leaktriage/recblock.h); the rows of
	 * table record are packed by pack_v3_records(), then dropped */
	"CREATE TABLE record_block("
	" id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES file(id),"
	" sheet TEXT, n INTEGER NOT NULL, elems INTEGER NOT NULL,"
	" data BLOB NOT NULL);"
	"CREATE INDEX record_block_file ON record_block(file_id);",
	/* 5: a file whose content was scanned before as another file takes
	 * over its findings: file.records_of (added by add_records_of())
	 * names the file whose record blocks are its records as well, its
	 * YARA hits are copied */
	"CREATE INDEX IF NOT EXISTS yara_hit_file ON yara_hit(file_id);"
	/* deleting a file row checks the rows pointing at it (foreign
	 * keys): without these, every deleted file scanned the table */
	"CREATE INDEX IF NOT EXISTS file_parent ON file(parent_id)"
	" WHERE parent_id IS NOT NULL;",
};

struct lt_casedb {
	unsigned tag;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *ins_entry, *ins_volume, *ins_problem;
};

/*
 * The statuses table file's CHECK constraint (schema 2) allows.  The scan
 * writer checks them with this and turns the constraint off for its
 * statements: SQLite evaluates that IN list by building a temporary index
 * for every row written.  t-recblock checks that the two agree.
 */
bool lt_casedb_file_status_known(const char *s)
{
	static const char *const known[] = { "scanning", "ok", "no_tables",
					      "not_examined", "protected",
					      "error", "skipped" };
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(known); i++)
		if (!strcmp(s, known[i]))
			return true;
	return false;
}

static int db_error(struct lt_casedb *c, struct lt_err *err, const char *what)
{
	int code = sqlite3_errcode(c->db);
	enum lt_code lc = LT_E_IO;

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		lc = LT_E_CORRUPT;
	else if (code == SQLITE_NOMEM)
		lc = LT_E_NOMEM;
	return lt_err_set(err, lc, "case database '%s': %s: %s", c->path,
			  what, sqlite3_errmsg(c->db));
}

static int exec(struct lt_casedb *c, const char *sql, struct lt_err *err)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(c, err, "query failed");
	return LT_OK;
}

static int schema_version(struct lt_casedb *c, int *v, struct lt_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*v = 0;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT count(*) FROM sqlite_master WHERE "
			       "type='table' AND name='meta'",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(c, err, "not a case database");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_error(c, err, "not a case database");
	}
	rc = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!rc)
		return LT_OK;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT value FROM meta WHERE "
			       "key='schema_version'",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(c, err, "cannot read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (*v <= 0)
		return lt_err_set(err, LT_E_CORRUPT,
				  "case database '%s': no schema version",
				  c->path);
	return LT_OK;
}

/*
 * Schema 3 kept one row per record; schema 4 packs them.  Rows of one
 * file and sheet, in id order, become blocks of up to LT_RECBLOCK_MAX.
 */
struct v3_block {
	sqlite3_stmt *ins;
	int64_t file_id;
	char *sheet;
	uint32_t n, elems;
	struct lt_buf data;
};

static int v3_flush(struct lt_casedb *c, struct v3_block *b,
		    struct lt_err *err)
{
	int rc;

	if (!b->n)
		return LT_OK;
	if (lt_buf_status(&b->data))
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	sqlite3_bind_int64(b->ins, 1, b->file_id);
	if (b->sheet)
		sqlite3_bind_text(b->ins, 2, b->sheet, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(b->ins, 2);
	sqlite3_bind_int64(b->ins, 3, b->n);
	sqlite3_bind_int64(b->ins, 4, b->elems);
	sqlite3_bind_blob(b->ins, 5, b->data.buf, (int)b->data.len,
			  SQLITE_STATIC);
	rc = sqlite3_step(b->ins);
	sqlite3_reset(b->ins);
	if (rc != SQLITE_DONE)
		return db_error(c, err, "cannot pack records");
	b->n = 0;
	b->elems = 0;
	b->data.len = 0;
	return LT_OK;
}

static bool same_sheet(const char *a, const unsigned char *b)
{
	if (!a || !b)
		return !a && !b;
	return !strcmp(a, (const char *)b);
}

static int pack_v3_records(struct lt_casedb *c, struct lt_err *err)
{
	struct v3_block b = { .file_id = -1 };
	sqlite3_stmt *sel = NULL;
	int rc = LT_OK, step;

	lt_buf_init(&b.data, (size_t)64 << 20);
	if (sqlite3_prepare_v2(c->db, "SELECT file_id, sheet, row, elems,"
			       " k_insured, k_pension, k_my_number,"
			       " k_name_birth, k_name_addr FROM record"
			       " ORDER BY file_id, id", -1, &sel,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "INSERT INTO record_block(file_id,"
			       " sheet, n, elems, data) VALUES(?,?,?,?,?)",
			       -1, &b.ins, NULL) != SQLITE_OK) {
		rc = db_error(c, err, "cannot pack records");
		goto out;
	}
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(sel, 0);
		const unsigned char *sheet = sqlite3_column_text(sel, 1);
		struct lt_recpacked r;
		int k;

		if (fid != b.file_id || !same_sheet(b.sheet, sheet) ||
		    b.n == LT_RECBLOCK_MAX) {
			if ((rc = v3_flush(c, &b, err)))
				goto out;
			free(b.sheet);
			b.sheet = sheet ? strdup((const char *)sheet) : NULL;
			if (sheet && !b.sheet) {
				rc = lt_err_set(err, LT_E_NOMEM,
						"out of memory");
				goto out;
			}
			b.file_id = fid;
		}
		memset(&r, 0, sizeof(r));
		r.row = (uint64_t)sqlite3_column_int64(sel, 2);
		r.elems = (uint32_t)sqlite3_column_int64(sel, 3);
		for (k = 0; k < LT_KEY_COUNT; k++) {
			if (sqlite3_column_bytes(sel, 4 + k) !=
			    LT_RECBLOCK_KEY_LEN)
				continue;
			r.has |= (uint8_t)(1u << k);
			memcpy(r.keys[k], sqlite3_column_blob(sel, 4 + k),
			       LT_RECBLOCK_KEY_LEN);
		}
		lt_recblock_put(&b.data, &r);
		b.n++;
		b.elems |= r.elems;
	}
	if (step != SQLITE_DONE)
		rc = db_error(c, err, "cannot pack records");
	else if (!(rc = v3_flush(c, &b, err)))
		rc = exec(c, "DROP TABLE record", err);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(b.ins);
	free(b.sheet);
	lt_buf_release(&b.data);
	return rc;
}

/* Schema 5's column, unless there (a database made by a newer build and
 * marked older by a test). */
static int add_records_of(struct lt_casedb *c, struct lt_err *err)
{
	sqlite3_stmt *st;
	bool have = false;

	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM pragma_table_info('file')"
			       " WHERE name='records_of'", -1, &st,
			       NULL) != SQLITE_OK)
		return db_error(c, err, "schema 5");
	have = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!have)
		LT_TRY(exec(c, "ALTER TABLE file ADD COLUMN records_of INTEGER"
			    " REFERENCES file(id)", err));
	return exec(c, "CREATE INDEX IF NOT EXISTS file_records_of ON"
		    " file(records_of) WHERE records_of IS NOT NULL", err);
}

static int migrate(struct lt_casedb *c, struct lt_err *err)
{
	int v, i;
	char sql[128];

	LT_TRY(schema_version(c, &v, err));
	if (v > (int)LT_ARRAY_SIZE(migrations))
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "case database '%s' has schema %d, newer "
				  "than this leaktriage (%d)",
				  c->path, v, (int)LT_ARRAY_SIZE(migrations));
	for (i = v; i < (int)LT_ARRAY_SIZE(migrations); i++) {
		LT_TRY(exec(c, "BEGIN IMMEDIATE", err));
		if (exec(c, migrations[i], err) ||
		    (i + 1 == 4 && pack_v3_records(c, err)) ||
		    (i + 1 == 5 && add_records_of(c, err))) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return err->code;
		}
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO meta VALUES"
			 "('schema_version','%d')", i + 1);
		if (exec(c, sql, err) || exec(c, "COMMIT", err)) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return err->code;
		}
	}
	return LT_OK;
}

static int create_key(const char *dbpath, struct lt_err *err)
{
	char kp[PATH_MAX], hex[65];
	uint8_t key[32];
	int fd;

	snprintf(kp, sizeof(kp), "%s.key", dbpath);
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return lt_err_set(err, LT_E_IO, "cannot get random bytes: %s",
				  strerror(errno));
	lt_hex(hex, key, sizeof(key));
	hex[64] = '\n';
	fd = open(kp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return LT_OK; /* keep the existing secret */
		return lt_err_set(err, LT_E_IO, "cannot create key file '%s': %s",
				  kp, strerror(errno));
	}
	if (write(fd, hex, 65) != 65 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		unlink(kp);
		return lt_err_set(err, LT_E_IO, "cannot write key file '%s': %s",
				  kp, strerror(e));
	}
	close(fd);
	return LT_OK;
}

int lt_casedb_key(struct lt_casedb *c, uint8_t key[32], struct lt_err *err)
{
	char kp[PATH_MAX], hex[80];
	ssize_t n;
	int fd, i;

	snprintf(kp, sizeof(kp), "%s.key", c->path);
	fd = open(kp, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lt_err_set(err, errno == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
				  "cannot open key file '%s': %s", kp,
				  strerror(errno));
	n = read(fd, hex, sizeof(hex));
	close(fd);
	if (n < 64)
		return lt_err_set(err, LT_E_CORRUPT, "key file '%s' is too short",
				  kp);
	for (i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return lt_err_set(err, LT_E_CORRUPT,
					  "key file '%s' is not hex", kp);
		key[i] = (uint8_t)v;
	}
	return LT_OK;
}

int lt_casedb_open(const char *path, unsigned flags, struct lt_casedb **out,
		   struct lt_err *err)
{
	struct lt_casedb *c;
	struct stat st;
	bool exists = stat(path, &st) == 0;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (!exists && !(flags & LT_CASEDB_CREATE))
		return lt_err_set(err, LT_E_NOTFOUND,
				  "case database '%s' does not exist", path);
	if (exists && !S_ISREG(st.st_mode))
		return lt_err_set(err, LT_E_ARG,
				  "case database '%s' is not a regular file",
				  path);
	if (flags & LT_CASEDB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	c->tag = LT_CASEDB_TAG;
	if (sqlite3_open_v2(path, &c->db, oflags, NULL) != SQLITE_OK) {
		db_error(c, err, "cannot open");
		goto fail;
	}
	if (!exists)
		chmod(path, 0600);
	sqlite3_busy_timeout(c->db, 30000);
	/*
	 * A new database gets 16 KiB pages (set before WAL mode, which fixes
	 * them): record blocks are blobs of up to ~200 KB, and with 4 KiB
	 * pages each is a chain of dozens of overflow pages, each a WAL frame
	 * of its own.  Measured: the writer's CPU on the 450 MB CP932 CSV
	 * 1.35 s against 1.68, the benchmark image's scan 0.5 CPU-s less.  An
	 * existing database keeps its page size.
	 */
	if (!exists && exec(c, "PRAGMA page_size=16384", err))
		goto fail;
	if (exec(c, "PRAGMA journal_mode=WAL", err) ||
	    exec(c, "PRAGMA synchronous=NORMAL", err) ||
	    exec(c, "PRAGMA foreign_keys=ON", err) ||
	    exec(c, "PRAGMA cache_size=-65536", err))
		goto fail;
	if (migrate(c, err))
		goto fail;
	if ((flags & LT_CASEDB_CREATE) && create_key(path, err))
		goto fail;
	*out = c;
	return LT_OK;
fail:
	lt_casedb_close(c);
	if (!exists)
		unlink(path);
	return err->code;
}

void lt_casedb_close(struct lt_casedb *c)
{
	if (!c)
		return;
	if (c->tag != LT_CASEDB_TAG)
		LT_BUG("lt_casedb_close on a bad handle");
	sqlite3_finalize(c->ins_entry);
	sqlite3_finalize(c->ins_volume);
	sqlite3_finalize(c->ins_problem);
	sqlite3_close(c->db);
	free(c->path);
	c->tag = 0;
	free(c);
}

void *lt_casedb_sqlite(struct lt_casedb *c) { return c->db; }

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, const struct lt_time *t)
{
	if (t->set)
		sqlite3_bind_int64(st, i, lt_time_ns(t));
	else
		sqlite3_bind_null(st, i);
}

static int step_done(struct lt_casedb *c, sqlite3_stmt *st,
		     struct lt_err *err, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(c, err, what);
	return LT_OK;
}

int lt_casedb_audit_begin(struct lt_casedb *c, int argc, char **argv,
			  int64_t *audit_id, struct lt_err *err)
{
	struct lt_buf line;
	struct passwd *pw = getpwuid(getuid());
	char host[256] = "", now[LT_TIME_ISO_MAX];
	sqlite3_stmt *st;
	int i, rc;

	lt_buf_init(&line, 1 << 20);
	for (i = 0; i < argc; i++) {
		if (i)
			lt_buf_addc(&line, ' ');
		lt_utf8_sanitize(&line, argv[i], strlen(argv[i]));
	}
	gethostname(host, sizeof(host) - 1);
	lt_time_now_iso(now);
	if (sqlite3_prepare_v2(c->db,
			       "INSERT INTO audit(command_line, version, user,"
			       " host, started) VALUES(?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		lt_buf_release(&line);
		return db_error(c, err, "cannot write audit record");
	}
	bind_text(st, 1, lt_buf_str(&line));
	bind_text(st, 2, LT_VERSION);
	bind_text(st, 3, pw ? pw->pw_name : NULL);
	bind_text(st, 4, host);
	bind_text(st, 5, now);
	rc = step_done(c, st, err, "cannot write audit record");
	sqlite3_finalize(st);
	lt_buf_release(&line);
	if (!rc)
		*audit_id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

int lt_casedb_audit_end(struct lt_casedb *c, int64_t audit_id,
			int exit_status, struct lt_err *err)
{
	char now[LT_TIME_ISO_MAX];
	sqlite3_stmt *st;
	int rc;

	lt_time_now_iso(now);
	if (sqlite3_prepare_v2(c->db,
			       "UPDATE audit SET ended=?, exit_status=? "
			       "WHERE id=?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(c, err, "cannot write audit record");
	bind_text(st, 1, now);
	sqlite3_bind_int(st, 2, exit_status);
	sqlite3_bind_int64(st, 3, audit_id);
	rc = step_done(c, st, err, "cannot write audit record");
	sqlite3_finalize(st);
	return rc;
}

int lt_casedb_evidence_put(struct lt_casedb *c,
			   const struct lt_evidence_info *ev, int64_t *id,
			   struct lt_err *err)
{
	sqlite3_stmt *st;
	char now[LT_TIME_ISO_MAX];
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT id, path FROM evidence "
			       "WHERE name=?", -1, &st, NULL) != SQLITE_OK)
		return db_error(c, err, "cannot read evidence");
	bind_text(st, 1, ev->name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 1);

		*id = sqlite3_column_int64(st, 0);
		if (!p || strcmp(p, ev->path)) {
			rc = lt_err_set(err, LT_E_EXISTS,
					"evidence name '%s' is already used in "
					"this case for '%s' (give another "
					"with --name)", ev->name, p ? p : "");
			sqlite3_finalize(st);
			return rc;
		}
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(c->db,
				       "UPDATE evidence SET format=?, size=?,"
				       " segments=?, tz=?,"
				       " md5=coalesce(?, md5),"
				       " sha1=coalesce(?, sha1),"
				       " sha256=coalesce(?, sha256),"
				       " hash_source=coalesce(?, hash_source)"
				       " WHERE id=?",
				       -1, &st, NULL) != SQLITE_OK)
			return db_error(c, err, "cannot update evidence");
		sqlite3_bind_int64(st, 9, *id);
	} else {
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(c->db,
				       "INSERT INTO evidence(format, size,"
				       " segments, tz, md5, sha1, sha256,"
				       " hash_source, name, path, added)"
				       " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
				       -1, &st, NULL) != SQLITE_OK)
			return db_error(c, err, "cannot add evidence");
		lt_time_now_iso(now);
		bind_text(st, 9, ev->name);
		bind_text(st, 10, ev->path);
		bind_text(st, 11, now);
	}
	bind_text(st, 1, ev->format);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->size);
	sqlite3_bind_int(st, 3, ev->segments);
	bind_text(st, 4, ev->tz);
	bind_text(st, 5, ev->md5);
	bind_text(st, 6, ev->sha1);
	bind_text(st, 7, ev->sha256);
	bind_text(st, 8, ev->hash_source);
	rc = step_done(c, st, err, "cannot record evidence");
	sqlite3_finalize(st);
	if (!rc && sqlite3_changes(c->db) && !*id)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

static int prepare(struct lt_casedb *c, sqlite3_stmt **st, const char *sql,
		   struct lt_err *err)
{
	if (*st)
		return LT_OK;
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(c, err, "cannot prepare statement");
	return LT_OK;
}

int lt_casedb_walk_begin(struct lt_casedb *c, int64_t evidence_id,
			 struct lt_err *err)
{
	/* ?1 is the evidence item, in every statement */
	static const char *const steps[] = {
		/* A new listing makes earlier scan results of this
		 * evidence stale. */
		"DELETE FROM leak_candidate WHERE file_id IN (SELECT id FROM"
		" file WHERE evidence_id=?1)",
		"DELETE FROM leak_window WHERE evidence_id=?1",
		/* Files of other items that are copies of this item's files
		 * (file.records_of, scanners/dedup.h) get record blocks of
		 * their own. */
		"INSERT INTO record_block(file_id, sheet, n, elems, data)"
		" SELECT f.id, r.sheet, r.n, r.elems, r.data FROM file f"
		" JOIN record_block r ON r.file_id = f.records_of"
		" WHERE f.evidence_id <> ?1 AND f.records_of IN"
		" (SELECT id FROM file WHERE evidence_id=?1)"
		" ORDER BY f.id, r.id",
		"UPDATE file SET records_of = NULL WHERE evidence_id <> ?1 AND"
		" records_of IN (SELECT id FROM file WHERE evidence_id=?1)",
		"DELETE FROM yara_hit WHERE file_id IN (SELECT id FROM file"
		" WHERE evidence_id=?1)",
		"DELETE FROM record_block WHERE file_id IN (SELECT id FROM"
		" file WHERE evidence_id=?1)",
		"DELETE FROM file WHERE evidence_id=?1",
		"DELETE FROM scan_state WHERE evidence_id=?1",
		"DELETE FROM entry WHERE evidence_id=?1",
		"DELETE FROM volume WHERE evidence_id=?1",
		"DELETE FROM problem WHERE evidence_id=?1 AND command='walk'",
	};
	size_t i;

	LT_TRY(exec(c, "BEGIN IMMEDIATE", err));
	for (i = 0; i < LT_ARRAY_SIZE(steps); i++) {
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(c->db, steps[i], -1, &st, NULL) !=
		    SQLITE_OK) {
			db_error(c, err, "cannot clear the earlier listing");
			break;
		}
		sqlite3_bind_int64(st, 1, evidence_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_error(c, err, "cannot clear the earlier listing");
			break;
		}
	}
	if (i < LT_ARRAY_SIZE(steps)) {
		/* nothing half-cleared: the transaction goes */
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return err->code;
	}
	return LT_OK;
}

static const char *const vol_status[] = { "walked", "locked", "unknown",
					  "error" };

int lt_casedb_add_volume(struct lt_casedb *c, int64_t ev,
			 const struct lt_volume *v, struct lt_err *err)
{
	sqlite3_stmt *st;

	LT_TRY(prepare(c, &c->ins_volume,
		       "INSERT INTO volume(evidence_id, partition, offset,"
		       " length, fs, description, status, encryption, detail)"
		       " VALUES(?,?,?,?,?,?,?,?,?)", err));
	st = c->ins_volume;
	sqlite3_bind_int64(st, 1, ev);
	if (v->partition == LT_PARTITION_NONE)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int(st, 2, v->partition);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)v->offset);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)v->length);
	bind_text(st, 5, v->fs);
	bind_text(st, 6, v->desc);
	bind_text(st, 7, vol_status[v->status]);
	bind_text(st, 8, v->encryption);
	bind_text(st, 9, v->detail);
	return step_done(c, st, err, "cannot record volume");
}

int lt_casedb_add_entry(struct lt_casedb *c, int64_t ev,
			const struct lt_entry *e, struct lt_err *err)
{
	struct lt_buf path, name, b64;
	sqlite3_stmt *st;
	char md5[33], sha[65];
	bool valid;
	int rc;

	LT_TRY(prepare(c, &c->ins_entry,
		       "INSERT INTO entry(evidence_id, partition, offset, fs,"
		       " path, path_b64, name, inode, type, size, deleted,"
		       " realloc, mtime, atime, ctime, crtime, fn_mtime,"
		       " fn_atime, fn_ctime, fn_crtime, md5, sha256,"
		       " read_error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		       "?,?,?,?,?,?,?)", err));
	st = c->ins_entry;
	lt_buf_init(&path, 0);
	lt_buf_init(&name, 0);
	lt_buf_init(&b64, 0);
	valid = lt_utf8_sanitize(&path, e->path, e->path_len);
	lt_utf8_sanitize(&name, e->name, e->name_len);
	if (!valid)
		lt_base64(&b64, (const uint8_t *)e->path, e->path_len);
	sqlite3_bind_int64(st, 1, ev);
	if (e->partition == LT_PARTITION_NONE)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int(st, 2, e->partition);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)e->offset);
	bind_text(st, 4, e->fs);
	sqlite3_bind_text(st, 5, lt_buf_str(&path), (int)path.len,
			  SQLITE_TRANSIENT);
	bind_text(st, 6, valid ? NULL : lt_buf_str(&b64));
	sqlite3_bind_text(st, 7, lt_buf_str(&name), (int)name.len,
			  SQLITE_TRANSIENT);
	bind_text(st, 8, e->inode);
	bind_text(st, 9, lt_entry_type_name(e->type));
	sqlite3_bind_int64(st, 10, (sqlite3_int64)e->size);
	sqlite3_bind_int(st, 11, e->deleted);
	sqlite3_bind_int(st, 12, e->realloc);
	bind_time(st, 13, &e->mtime);
	bind_time(st, 14, &e->atime);
	bind_time(st, 15, &e->ctime);
	bind_time(st, 16, &e->crtime);
	if (e->has_fn) {
		bind_time(st, 17, &e->fn_mtime);
		bind_time(st, 18, &e->fn_atime);
		bind_time(st, 19, &e->fn_ctime);
		bind_time(st, 20, &e->fn_crtime);
	} else {
		for (int i = 17; i <= 20; i++)
			sqlite3_bind_null(st, i);
	}
	if (e->hashed) {
		lt_hex(md5, e->md5, 16);
		lt_hex(sha, e->sha256, 32);
		bind_text(st, 21, md5);
		bind_text(st, 22, sha);
	} else {
		sqlite3_bind_null(st, 21);
		sqlite3_bind_null(st, 22);
	}
	bind_text(st, 23, e->hash_error);
	if (lt_buf_status(&path) || lt_buf_status(&name) ||
	    lt_buf_status(&b64))
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
	else
		rc = step_done(c, st, err, "cannot record entry");
	lt_buf_release(&path);
	lt_buf_release(&name);
	lt_buf_release(&b64);
	return rc;
}

int lt_casedb_add_problem(struct lt_casedb *c, int64_t ev,
			  const char *command, const struct lt_problem *p,
			  struct lt_err *err)
{
	sqlite3_stmt *st;
	char now[LT_TIME_ISO_MAX];

	LT_TRY(prepare(c, &c->ins_problem,
		       "INSERT INTO problem(evidence_id, command, partition,"
		       " offset, kind, detail, at) VALUES(?,?,?,?,?,?,?)",
		       err));
	st = c->ins_problem;
	lt_time_now_iso(now);
	if (ev > 0)
		sqlite3_bind_int64(st, 1, ev);
	else
		sqlite3_bind_null(st, 1);
	bind_text(st, 2, command);
	if (p->partition == LT_PARTITION_NONE)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int(st, 3, p->partition);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)p->offset);
	bind_text(st, 5, p->kind);
	bind_text(st, 6, p->detail);
	bind_text(st, 7, now);
	return step_done(c, st, err, "cannot record problem");
}

int lt_casedb_walk_end(struct lt_casedb *c, bool commit, struct lt_err *err)
{
	if (!commit) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return LT_OK;
	}
	return exec(c, "COMMIT", err);
}
