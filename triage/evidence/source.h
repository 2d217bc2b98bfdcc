/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to triage/evidence: the source handle and the two walkers. */
#ifndef LT_EVIDENCE_SOURCE_H
#define LT_EVIDENCE_SOURCE_H

#include <tsk/libtsk.h>

#include "leaktriage/walk.h"

#define LT_SOURCE_TAG 0x4c54534fu /* "LTSO" */

struct lt_source {
	unsigned tag;
	char *path;
	bool is_dir;
	TSK_IMG_INFO *img; /* NULL for a directory */
	char format[16];
};

int lt_walk_tsk(struct lt_source *src, const struct lt_walk_opts *opts,
		const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
		struct lt_err *err);
int lt_walk_dir(struct lt_source *src, const struct lt_walk_opts *opts,
		const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
		struct lt_err *err);

/* What lt_entry.ctx points at: the first member says which walker. */
enum { LT_READ_CTX_TSK = 1, LT_READ_CTX_DIR = 2 };

struct tsk_read_ctx {
	int kind;
	TSK_FS_FILE *file;
	const TSK_FS_ATTR *attr;
};

struct dir_read_ctx {
	int kind;
	int dirfd;        /* the parent directory */
	const char *name; /* NUL-terminated */
	int fd;           /* opened on first read, -1 before */
};

int lt_read_tsk(struct tsk_read_ctx *rc, uint64_t off, void *buf,
		size_t len, size_t *got, struct lt_err *err);
int lt_read_dir(struct dir_read_ctx *rc, uint64_t off, void *buf,
		size_t len, size_t *got, struct lt_err *err);

/*
 * Hash an entry's content into e->md5/e->sha256 (sets e->hashed), reading
 * through buf.  exact_size: the content must be e->size bytes (images);
 * otherwise read to the end (a live file may change size).
 */
int lt_entry_hash(struct lt_entry *e, char *buf, size_t len,
		  bool exact_size, struct lt_err *err);

/* Hash like lt_entry_hash(); on failure copy the reason into note and
 * point e->hash_error at it. */
void lt_entry_hash_or_note(struct lt_entry *e, char *buf, size_t len,
			   bool exact_size, char *note, size_t note_len);

/* openat() read-only, not following a final link, not blocking on FIFOs,
 * with O_NOATIME where the kernel allows it. */
int lt_openat_noatime(int dirfd, const char *name);

/* The current TSK error as one line (copied into out). */
void lt_tsk_error(char *out, size_t len);

#endif
