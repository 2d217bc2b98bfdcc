// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recording a walk into the case DB (used by scan, and by walk --case):
 * the listing of an evidence item in one transaction.
 */
#include "triage/core/compat.h"
#include "leaktriage/casedb.h"

#include <sqlite3.h>

struct rec_walk {
	struct lt_casedb *db;
	int64_t ev;
	const struct lt_walk_cb *user;
	struct lt_err dberr;
	int failed;
};

static int on_entry(const struct lt_entry *e, void *udata)
{
	struct rec_walk *r = udata;
	int rc;

	if (r->user && r->user->entry) {
		rc = r->user->entry(e, r->user->udata);
		if (rc)
			return rc;
	}
	if (lt_casedb_add_entry(r->db, r->ev, e, &r->dberr))
		return r->failed = r->dberr.code;
	return 0;
}

static void on_volume(const struct lt_volume *v, void *udata)
{
	struct rec_walk *r = udata;

	if (r->user && r->user->volume)
		r->user->volume(v, r->user->udata);
	if (!r->failed && lt_casedb_add_volume(r->db, r->ev, v, &r->dberr))
		r->failed = r->dberr.code;
}

static void on_problem(const struct lt_problem *p, void *udata)
{
	struct rec_walk *r = udata;

	if (r->user && r->user->problem)
		r->user->problem(p, r->user->udata);
	if (!r->failed &&
	    lt_casedb_add_problem(r->db, r->ev, "walk", p, &r->dberr))
		r->failed = r->dberr.code;
}

static void on_progress(const struct lt_progress *p, void *udata)
{
	struct rec_walk *r = udata;

	if (r->user && r->user->progress)
		r->user->progress(p, r->user->udata);
}

static int set_walked(struct lt_casedb *db, int64_t ev, struct lt_err *err)
{
	sqlite3 *s = lt_casedb_sqlite(db);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s, "INSERT INTO scan_state(evidence_id, walked)"
			       " VALUES(?,1) ON CONFLICT(evidence_id) DO"
			       " UPDATE SET walked=1, completed=NULL", -1, &st,
			       NULL) != SQLITE_OK)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(s));
	sqlite3_bind_int64(st, 1, ev);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(s));
	return LT_OK;
}

int lt_casedb_record_walk(struct lt_casedb *db, int64_t evidence_id,
			  struct lt_source *src,
			  const struct lt_walk_opts *opts,
			  const struct lt_walk_cb *user,
			  struct lt_walk_stats *stats, struct lt_err *err)
{
	struct rec_walk r = { db, evidence_id, user, LT_ERR_INIT, 0 };
	struct lt_walk_cb cb = { on_entry, on_volume, on_problem, on_progress,
				 &r };
	int rc;

	LT_TRY(lt_casedb_walk_begin(db, evidence_id, err));
	rc = lt_walk(src, opts, &cb, stats, err);
	if (r.failed) {
		lt_casedb_walk_end(db, false, NULL);
		lt_err_clear(err);
		/* The case DB failed, not the evidence: LT_E_DEP (exit 4). */
		return lt_err_set(err, LT_E_DEP, "%s", r.dberr.msg);
	}
	if (rc && !stats->entries && !stats->volumes_locked) {
		/* Nothing readable: record why, keep the transaction. */
		struct lt_problem p = { LT_PARTITION_NONE, 0, "source",
					err->msg };
		struct lt_err e2 = LT_ERR_INIT;

		lt_casedb_add_problem(db, evidence_id, "walk", &p, &e2);
	}
	if (!rc && set_walked(db, evidence_id, err)) {
		lt_casedb_walk_end(db, false, NULL);
		return err->code;
	}
	if (lt_casedb_walk_end(db, true, rc ? NULL : err) && !rc)
		return err->code;
	return rc;
}

int lt_casedb_walked(struct lt_casedb *db, int64_t ev, bool *walked,
		     struct lt_err *err)
{
	sqlite3 *s = lt_casedb_sqlite(db);
	sqlite3_stmt *st;

	*walked = false;
	if (sqlite3_prepare_v2(s, "SELECT walked FROM scan_state WHERE"
			       " evidence_id=?", -1, &st, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(s));
	sqlite3_bind_int64(st, 1, ev);
	if (sqlite3_step(st) == SQLITE_ROW)
		*walked = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return LT_OK;
}

int lt_casedb_scan_completed(struct lt_casedb *db, int64_t ev,
			     bool completed, struct lt_err *err)
{
	sqlite3 *s = lt_casedb_sqlite(db);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s, "UPDATE scan_state SET completed ="
			       " CASE WHEN ? THEN strftime('%Y-%m-%dT%H:%M:%SZ',"
			       "'now') END WHERE evidence_id=?", -1, &st,
			       NULL) != SQLITE_OK)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(s));
	sqlite3_bind_int(st, 1, completed);
	sqlite3_bind_int64(st, 2, ev);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(s));
	return LT_OK;
}
