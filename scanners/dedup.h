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
 * at scan.c's bound of 1 Mi contents.
 */
#ifndef LT_SCANNERS_DEDUP_H
#define LT_SCANNERS_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

struct lt_dedup;

enum lt_dedup_answer {
	LT_DEDUP_MINE,   /* first seen: the caller processes it and publishes */
	LT_DEDUP_COPY,   /* processed before: *entry_id is that file's entry */
	LT_DEDUP_OTHER,  /* being processed elsewhere, its results are not
			  * reusable, or the table is full: process it */
};

int lt_dedup_new(size_t max, struct lt_dedup **out, struct lt_err *err);
void lt_dedup_free(struct lt_dedup *d);

enum lt_dedup_answer lt_dedup_claim(struct lt_dedup *d,
				    const uint8_t sha256[32], uint64_t size,
				    int64_t *entry_id);

/* After LT_DEDUP_MINE, once the file's results are on their way to the
 * writer (queued behind everything else of the file): whether a later
 * copy may take them over, and from which entry. */
void lt_dedup_publish(struct lt_dedup *d, const uint8_t sha256[32],
		      uint64_t size, int64_t entry_id, bool reusable);

/* Contents remembered, copies answered (for -v and the tests). */
void lt_dedup_counts(struct lt_dedup *d, size_t *known, uint64_t *copies);

#endif
