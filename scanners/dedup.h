/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files of identical content within one scan, internal to scan.c.
 *
 * Seized disks hold many copies of the same file (backups, mail
 * attachments, synced folders, "copy of roster.csv").  The first copy is
 * read, typed, extracted and classified; a later copy with the same
 * SHA-256 and size takes over that copy's results (the writer copies its
 * file row's findings, its record blocks and its YARA hits), so its
 * records still count once per copy, as DESIGN.md wants, without being
 * classified again.  Only results that depend on nothing but the content
 * are taken over: the caller says so when it publishes.
 *
 * The table is shared by the workers (one mutex; a lookup is a hash of 32
 * bytes that are already random) and bounded: once `max` contents are
 * known, new contents are no longer remembered and are simply processed.
 * At most 72 bytes per content (56 and up to four 4-byte slots): 72 MiB
 * at the default bound of 1 Mi contents (LT_DEDUP_DEFAULT_MAX).
 *
 * A content is remembered by the entry of its first file, which may be of
 * another evidence item of the same run: the walk of an evidence item
 * that is walked again gives such copies their own record blocks before
 * its files go (lt_casedb_walk_begin()).
 */
#ifndef LT_SCANNERS_DEDUP_H
#define LT_SCANNERS_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

#include "leaktriage/scan.h" /* lt_dedup_new(), lt_dedup_free() */

enum lt_dedup_answer {
	LT_DEDUP_MINE,   /* first seen: the caller processes it and publishes */
	LT_DEDUP_COPY,   /* processed before: *entry_id is that file's entry */
	LT_DEDUP_BUSY,   /* being processed elsewhere: process it */
	LT_DEDUP_OTHER,  /* its results are not reusable, or the table is
			  * full: process it */
};

enum lt_dedup_answer lt_dedup_claim(struct lt_dedup *d,
				    const uint8_t sha256[32], uint64_t size,
				    int64_t *entry_id);

/* After LT_DEDUP_MINE, once the file's results are on their way to the
 * writer (queued behind everything else of the file): whether a later
 * copy may take them over, and from which entry. */
void lt_dedup_publish(struct lt_dedup *d, const uint8_t sha256[32],
		      uint64_t size, int64_t entry_id, bool reusable);

/* A content processed without a claim (a large file, whose hashes are
 * known only at its end): remembered as reusable, unless known. */
void lt_dedup_add(struct lt_dedup *d, const uint8_t sha256[32], uint64_t size,
		  int64_t entry_id);

/* Whether a content of this size, over LT_DEDUP_LARGE bytes, is known:
 * a large file of that size is worth hashing before it is processed. */
#define LT_DEDUP_LARGE ((uint64_t)1 << 20)
bool lt_dedup_knows_size(struct lt_dedup *d, uint64_t size);

#endif
