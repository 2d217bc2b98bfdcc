/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scanning an evidence item whose entries are in the case DB: every
 * regular file's content is read once (hashed, typed, extracted,
 * classified) by worker threads, each with its own image handle; one
 * writer (the calling thread) puts the results into the case DB.
 *
 * Resumable: a file's row goes in, with its records, in the transaction
 * that holds its end (small files), or is written with status 'scanning'
 * when its first records go in and updated when it is done; a run that was
 * interrupted leaves 'scanning' rows, which the next run deletes (with
 * their records) before it scans what is not done.  So no record is ever
 * counted twice.
 */
#ifndef LEAKTRIAGE_SCAN_H
#define LEAKTRIAGE_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "leaktriage/casedb.h"
#include "leaktriage/err.h"

struct lt_scan_opts {
	int jobs;                 /* worker threads (>= 1) */
	const char *rules_path;   /* user YARA rules, or NULL */
	const uint8_t *key;       /* the case secret (32 bytes) */
	bool magic_all;           /* libmagic on unknown binaries too */
	bool no_dedup;            /* process every copy of a content */
	struct lt_dedup *dedup;   /* contents scanned so far in this run,
				   * shared by the calls for several evidence
				   * items; NULL: the call keeps its own */
};

/*
 * Files of identical content (scanners/dedup.h): a copy of a content
 * scanned before takes over that file's findings.  One table for a whole
 * `scan A B ...` lets a roster copied onto several PCs be classified
 * once.  At most `max` contents are remembered.
 */
struct lt_dedup;
int lt_dedup_new(size_t max, struct lt_dedup **out, struct lt_err *err);
void lt_dedup_free(struct lt_dedup *d);
#define LT_DEDUP_DEFAULT_MAX ((size_t)1 << 20)

struct lt_scan_progress {
	uint64_t files_done, files_total;
	uint64_t bytes_done, bytes_total;
	uint64_t records;
};

struct lt_scan_cb {
	/* MAY: now and then, from the writer thread */
	void (*progress)(const struct lt_scan_progress *p, void *udata);
	/* MAY: a file could not be read or parsed, or is protected (status
	 * says which: "error", "protected", "ok" with a warning); the scan
	 * goes on */
	void (*problem)(const char *path, const char *status,
			const char *detail, void *udata);
	void *udata;
};

struct lt_scan_stats {
	uint64_t files, scanned, with_pii, records, errors, not_examined;
	uint64_t protected_;
	uint64_t resumed_skipped; /* files already done by an earlier run */
	uint64_t reused;          /* copies of a content scanned before in
				   * this run: its findings taken over */
	/* CPU seconds: the workers (reading, typing, extraction and
	 * classification, and the hashes and YARA of small files), their side
	 * threads (hashes and YARA of large files), the writer (the calling
	 * thread: keyed hashes, the database) */
	double cpu_workers, cpu_side, cpu_writer;
};

/*
 * Scan the files of evidence `evidence_id` (walked into the case DB from
 * src_path) that are not scanned yet.  Stops early, with LT_E_INTERRUPTED,
 * when *stop becomes true (Ctrl-C): what was done is committed.
 */
int lt_scan_evidence(struct lt_casedb *db, int64_t evidence_id,
		     const char *src_path, const struct lt_scan_opts *opts,
		     const struct lt_scan_cb *cb, volatile int *stop,
		     struct lt_scan_stats *stats, struct lt_err *err);

#endif
