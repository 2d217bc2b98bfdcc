/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The case database: one SQLite file (WAL) per case, any number of
 * evidence items.  Schema versioned (table meta, key 'schema_version'),
 * migrated forward on open; a database from a newer leaktriage is refused.
 *
 * No raw personal data is ever stored: locations, counts, flags and keyed
 * hashes only.  The per-case HMAC secret lives beside the database in
 * CASE.db.key (mode 0600), created with the database.
 *
 * One handle per thread; writes go through one handle (one writer).
 */
#ifndef LEAKTRIAGE_CASEDB_H
#define LEAKTRIAGE_CASEDB_H

#include <stdbool.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/walk.h"

#define LT_CASEDB_SCHEMA_VERSION 5

struct lt_casedb;

enum {
	LT_CASEDB_CREATE = 1, /* create the database (and key) if absent */
};

/*
 * Open (and with LT_CASEDB_CREATE create) the case database at path.
 * Errors: LT_E_NOTFOUND (absent, no CREATE), LT_E_CORRUPT (not a case
 * database), LT_E_UNSUPPORTED (newer schema), LT_E_IO.  Close with
 * lt_casedb_close().
 */
int lt_casedb_open(const char *path, unsigned flags, struct lt_casedb **out,
		   struct lt_err *err);
void lt_casedb_close(struct lt_casedb *db);

/* The per-case secret (32 bytes) from PATH.key.  LT_E_NOTFOUND if absent. */
int lt_casedb_key(struct lt_casedb *db, uint8_t key[32], struct lt_err *err);

/* Audit: one row per command run against the case. */
int lt_casedb_audit_begin(struct lt_casedb *db, int argc, char **argv,
			  int64_t *audit_id, struct lt_err *err);
int lt_casedb_audit_end(struct lt_casedb *db, int64_t audit_id,
			int exit_status, struct lt_err *err);

struct lt_evidence_info {
	const char *name;     /* lt_evidence_name() or --name */
	const char *path;     /* as given on the command line, made absolute */
	const char *format;   /* lt_source_format() */
	uint64_t size;        /* media bytes */
	int segments;
	const char *tz;       /* zone FAT/exFAT local times were read in */
	const char *md5, *sha1, *sha256; /* hex or NULL/"" */
	const char *hash_source; /* "ewf", "computed", "acquire-log" or NULL */
};

/*
 * Insert the evidence item, or update it when an item of that name and
 * path exists (hashes given here replace NULLs, never the reverse).  An
 * existing item of that name with another path is LT_E_EXISTS.
 */
int lt_casedb_evidence_put(struct lt_casedb *db,
			   const struct lt_evidence_info *ev, int64_t *id,
			   struct lt_err *err);

/*
 * Recording a walk: begin opens a transaction and drops what an earlier
 * walk of that evidence recorded (a walk is a listing, not an increment);
 * end commits (or rolls back when commit is false).
 */
int lt_casedb_walk_begin(struct lt_casedb *db, int64_t evidence_id,
			 struct lt_err *err);
int lt_casedb_add_volume(struct lt_casedb *db, int64_t evidence_id,
			 const struct lt_volume *v, struct lt_err *err);
int lt_casedb_add_entry(struct lt_casedb *db, int64_t evidence_id,
			const struct lt_entry *e, struct lt_err *err);
int lt_casedb_add_problem(struct lt_casedb *db, int64_t evidence_id,
			  const char *command, const struct lt_problem *p,
			  struct lt_err *err);
int lt_casedb_walk_end(struct lt_casedb *db, bool commit,
		       struct lt_err *err);

/*
 * Walk src and record the listing (volumes, entries, problems) of evidence
 * evidence_id in one transaction, replacing an earlier listing and the
 * scan results that depended on it; marks the evidence as walked for
 * scan.  user (may be NULL, and so may each of its callbacks) sees every
 * callback first (to print).
 */
int lt_casedb_record_walk(struct lt_casedb *db, int64_t evidence_id,
			  struct lt_source *src,
			  const struct lt_walk_opts *opts,
			  const struct lt_walk_cb *user,
			  struct lt_walk_stats *stats, struct lt_err *err);

/* Whether evidence_id was walked for scanning (scan_state.walked). */
int lt_casedb_walked(struct lt_casedb *db, int64_t evidence_id, bool *walked,
		     struct lt_err *err);
/* Mark the scan of evidence_id complete (now) or not (NULL). */
/* Whether table file's CHECK accepts this status (scanning, ok ...). */
bool lt_casedb_file_status_known(const char *status);

int lt_casedb_scan_completed(struct lt_casedb *db, int64_t evidence_id,
			     bool completed, struct lt_err *err);

/* The sqlite3 * behind the handle, for modules inside the library. */
void *lt_casedb_sqlite(struct lt_casedb *db);

#endif
