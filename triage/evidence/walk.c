// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lt_walk(): dispatch to the TSK walker or the directory walker, and
 * lt_entry_read() for whichever produced the entry.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"

const char *lt_entry_type_name(enum lt_entry_type t)
{
	switch (t) {
	case LT_ENTRY_FILE: return "file";
	case LT_ENTRY_DIR: return "dir";
	case LT_ENTRY_LINK: return "link";
	case LT_ENTRY_OTHER: break;
	}
	return "other";
}

int lt_walk(struct lt_source *src, const struct lt_walk_opts *opts,
	    const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
	    struct lt_err *err)
{
	static const struct lt_walk_opts defaults;

	if (!src || src->tag != LT_SOURCE_TAG)
		LT_BUG("lt_walk on a bad source handle");
	memset(stats, 0, sizeof(*stats));
	if (!opts)
		opts = &defaults;
	if (src->is_dir)
		return lt_walk_dir(src, opts, cb, stats, err);
	return lt_walk_tsk(src, opts, cb, stats, err);
}

int lt_entry_read(const struct lt_entry *e, uint64_t off, void *buf,
		  size_t len, size_t *got, struct lt_err *err)
{
	int *kind = e->ctx;

	if (!kind)
		return lt_err_set(err, LT_E_ARG, "entry has no content");
	if (*kind == LT_READ_CTX_TSK)
		return lt_read_tsk(e->ctx, off, buf, len, got, err);
	if (*kind == LT_READ_CTX_DIR)
		return lt_read_dir(e->ctx, off, buf, len, got, err);
	LT_BUG("bad entry read context");
}

int lt_entry_hash(struct lt_entry *e, char *buf, size_t len,
		  bool exact_size, struct lt_err *err)
{
	struct lt_hash h;
	uint64_t off = 0;
	size_t got;

	LT_TRY(lt_hash_init(&h, LT_HASH_MD5 | LT_HASH_SHA256, err));
	for (;;) {
		size_t want = len;

		if (exact_size)
			want = (size_t)LT_MIN((uint64_t)len, e->size - off);
		if (!want)
			break;
		if (lt_entry_read(e, off, buf, want, &got, err))
			goto fail;
		if (!got)
			break;
		lt_hash_update(&h, buf, got);
		off += got;
	}
	if (exact_size && off != e->size) {
		lt_err_set(err, LT_E_CORRUPT, "content ends at %" PRIu64 " of %"
			   PRIu64 " bytes", off, e->size);
		goto fail;
	}
	if (lt_hash_final(&h, err))
		goto fail;
	memcpy(e->md5, h.md5, sizeof(e->md5));
	memcpy(e->sha256, h.sha256, sizeof(e->sha256));
	e->hashed = true;
	return LT_OK;
fail:
	lt_hash_release(&h);
	return err->code;
}

void lt_entry_hash_or_note(struct lt_entry *e, char *buf, size_t len,
			   bool exact_size, char *note, size_t note_len)
{
	struct lt_err err = LT_ERR_INIT;

	if (lt_entry_hash(e, buf, len, exact_size, &err)) {
		snprintf(note, note_len, "%s", err.msg);
		e->hash_error = note;
	}
}
