// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Correlation: per evidence item, the window-forming traffic of its client
 * addresses (host_map, with validity periods for DHCP) becomes time
 * windows; the files of that evidence with a timestamp inside a window
 * (+/- slack) become leak candidates, with the window and the timestamp
 * that tied them; members of a candidate archive follow their archive.
 * All times are UTC nanoseconds already (FAT local times were converted
 * once at scan time).
 */
#include "triage/core/compat.h"
#include "leaktriage/correlate.h"
#include "leaktriage/timefmt.h"

#include <sqlite3.h>

struct ev {
	int64_t ts, last;
	char reason[160];
};

static int fail(sqlite3 *db, struct lt_err *err)
{
	return lt_err_set(err, LT_E_DEP, "case database: %s",
			  sqlite3_errmsg(db));
}

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	return (x->ts > y->ts) - (x->ts < y->ts);
}

static const char *const time_cols[] = {
	"mtime", "atime", "ctime", "crtime",
	"fn_mtime", "fn_atime", "fn_ctime", "fn_crtime",
};

/* Mark the files of evidence ev with a time in [lo, hi]. */
static int mark(sqlite3 *db, int64_t ev, int64_t window, int64_t lo,
		int64_t hi, uint64_t *count, struct lt_err *err)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(time_cols); i++) {
		char sql[512];
		sqlite3_stmt *st;

		snprintf(sql, sizeof(sql),
			 "INSERT INTO leak_candidate(file_id, window_id,"
			 " reason) SELECT f.id, ?1, '%s ' ||"
			 " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', e.%s / 1000000000,"
			 " 'unixepoch') FROM file f JOIN entry e ON e.id ="
			 " f.entry_id WHERE f.evidence_id = ?2 AND"
			 " f.parent_id IS NULL AND f.status <> 'scanning' AND"
			 " e.%s BETWEEN ?3 AND ?4",
			 time_cols[i], time_cols[i], time_cols[i]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			return fail(db, err);
		sqlite3_bind_int64(st, 1, window);
		sqlite3_bind_int64(st, 2, ev);
		sqlite3_bind_int64(st, 3, lo);
		sqlite3_bind_int64(st, 4, hi);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return fail(db, err);
		}
		*count += (uint64_t)sqlite3_changes(db);
		sqlite3_finalize(st);
	}
	return LT_OK;
}

static int add_window(sqlite3 *db, int64_t ev, const struct ev *evs,
		      size_t from, size_t to, int64_t start, int64_t end,
		      int64_t slack, struct lt_correlate_stats *stats,
		      struct lt_err *err)
{
	sqlite3_stmt *st;
	char reasons[1024] = "";
	int64_t id;
	size_t i;

	for (i = from; i < to && strlen(reasons) < 700; i++)
		snprintf(reasons + strlen(reasons),
			 sizeof(reasons) - strlen(reasons), "%s%s",
			 i > from ? "; " : "", evs[i].reason);
	if (sqlite3_prepare_v2(db, "INSERT INTO leak_window(evidence_id,"
			       " start_ns, end_ns, events, reasons)"
			       " VALUES(?,?,?,?,?)", -1, &st, NULL))
		return fail(db, err);
	sqlite3_bind_int64(st, 1, ev);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, end);
	sqlite3_bind_int64(st, 4, (int64_t)(to - from));
	sqlite3_bind_text(st, 5, reasons, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return fail(db, err);
	}
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(db);
	stats->windows++;
	return mark(db, ev, id, start - slack, end + slack,
		    &stats->candidates, err);
}

static int correlate_evidence(sqlite3 *db, int64_t ev, const char *name,
			      int64_t gap, int64_t slack,
			      struct lt_correlate_stats *stats,
			      struct lt_err *err)
{
	sqlite3_stmt *st;
	struct ev *evs = NULL;
	size_t n = 0, alloc = 0, i, from;
	int64_t start = 0, end = 0;
	int rc = LT_OK;

	if (sqlite3_prepare_v2(db,
			       "SELECT DISTINCT f.id, f.ts, f.last_ts, f.kind,"
			       " f.reason, coalesce(f.host, ''),"
			       " coalesce(f.client, '') FROM proxy_flag f"
			       " JOIN host_map h ON h.ip = f.client WHERE"
			       " h.evidence = ? AND f.window_forming AND"
			       " (h.valid_from IS NULL OR f.ts >= h.valid_from)"
			       " AND (h.valid_to IS NULL OR f.ts <= h.valid_to)"
			       " ORDER BY f.ts", -1, &st, NULL))
		return fail(db, err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ev *e;

		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct ev *ne = realloc(evs, na * sizeof(*ne));

			if (!ne) {
				rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
				goto out;
			}
			evs = ne;
			alloc = na;
		}
		e = &evs[n++];
		e->ts = sqlite3_column_int64(st, 1);
		e->last = LT_MAX(e->ts, sqlite3_column_int64(st, 2));
		snprintf(e->reason, sizeof(e->reason), "%s %s %s: %s",
			 sqlite3_column_text(st, 6), sqlite3_column_text(st, 3),
			 sqlite3_column_text(st, 5), sqlite3_column_text(st, 4));
	}
	if (!n)
		goto out;
	qsort(evs, n, sizeof(*evs), cmp_ev);
	stats->evidence_items++;
	from = 0;
	start = evs[0].ts;
	end = evs[0].last;
	for (i = 1; i <= n && !rc; i++) {
		if (i < n && evs[i].ts - end <= gap) {
			end = LT_MAX(end, evs[i].last);
			continue;
		}
		rc = add_window(db, ev, evs, from, i, start, end, slack, stats,
				err);
		if (i < n) {
			from = i;
			start = evs[i].ts;
			end = evs[i].last;
		}
	}
out:
	sqlite3_finalize(st);
	free(evs);
	return rc;
}

/* Members of candidate archives are candidates too (any depth). */
static int mark_members(sqlite3 *db, uint64_t *count, struct lt_err *err)
{
	for (;;) {
		int changed;

		if (sqlite3_exec(db,
				 "INSERT INTO leak_candidate(file_id, window_id,"
				 " reason) SELECT m.id, c.window_id,"
				 " 'member of a candidate archive' FROM file m"
				 " JOIN leak_candidate c ON c.file_id ="
				 " m.parent_id WHERE NOT EXISTS (SELECT 1 FROM"
				 " leak_candidate x WHERE x.file_id = m.id)",
				 NULL, NULL, NULL) != SQLITE_OK)
			return fail(db, err);
		changed = sqlite3_changes(db);
		*count += (uint64_t)changed;
		if (!changed)
			return LT_OK;
	}
}

int lt_correlate(struct lt_casedb *cdb, int64_t gap_ns, int64_t slack_ns,
		 struct lt_correlate_stats *stats, struct lt_err *err)
{
	sqlite3 *db = lt_casedb_sqlite(cdb);
	sqlite3_stmt *st;
	int rc = LT_OK;
	uint64_t distinct = 0;

	memset(stats, 0, sizeof(*stats));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; DELETE FROM leak_candidate;"
			 " DELETE FROM leak_window;", NULL, NULL, NULL))
		return fail(db, err);
	if (sqlite3_prepare_v2(db, "SELECT id, name FROM evidence ORDER BY id",
			       -1, &st, NULL)) {
		rc = fail(db, err);
		goto out;
	}
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = correlate_evidence(db, sqlite3_column_int64(st, 0),
					(const char *)sqlite3_column_text(st, 1),
					gap_ns, slack_ns, stats, err);
	sqlite3_finalize(st);
	if (rc || (rc = mark_members(db, &stats->candidates, err)))
		goto out;
	/* Window-forming traffic of clients that map to no evidence item. */
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM proxy_flag f WHERE"
			       " f.window_forming AND NOT EXISTS (SELECT 1 FROM"
			       " host_map h JOIN evidence v ON v.name ="
			       " h.evidence WHERE h.ip = f.client AND"
			       " (h.valid_from IS NULL OR f.ts >= h.valid_from)"
			       " AND (h.valid_to IS NULL OR f.ts <= h.valid_to))",
			       -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			stats->unmapped_events =
				(uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	/* Count files, not (file, timestamp) pairs. */
	if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT file_id) FROM"
			       " leak_candidate", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			distinct = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		stats->candidates = distinct;
	}
out:
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	else if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		rc = fail(db, err);
	return rc;
}
