// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evidence row for walk --case and scan: its hashes come from the
 * image itself (the MD5/SHA1 an E01 stores), or from the acquisition log
 * beside it (acquire's OUT.log.json, which also holds the SHA-256), and
 * are computed only when asked (a separate full read).  Disagreements are
 * warned about, never silently resolved.
 */
#include "triage/core/compat.h"
#include "triage/front.h"
#include "leaktriage/acquire.h"
#include "leaktriage/hash.h"
#include "leaktriage/image.h"

static void hash_progress(uint64_t done, uint64_t total, void *udata)
{
	lt_progress("hashing %s: %.0f%%", (const char *)udata,
		    100.0 * (double)done / (double)total);
}

int lt_front_put_evidence(struct lt_casedb *db, struct lt_source *src,
			  const char *name, const char *tz, bool hash_image,
			  int64_t *id)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_evidence_info ev;
	char md5[33] = "", sha1[41] = "", sha256[65] = "";
	char lmd5[33], lsha1[41], lsha256[65], *abs;
	bool complete;
	int rc;

	memset(&ev, 0, sizeof(ev));
	if (lt_source_stored_hashes(src, md5, sha1, &err)) {
		lt_warn("'%s': %s", name, err.msg);
		lt_err_clear(&err);
	}
	if (md5[0] || sha1[0])
		ev.hash_source = "ewf";
	if (!lt_source_is_dir(src) &&
	    !lt_acquire_log_hashes(lt_source_path(src), lmd5, lsha1, lsha256,
				   &complete, &err)) {
		if (!complete)
			lt_warn("'%s': its acquisition log says the image is "
				"incomplete", name);
		if (md5[0] && lmd5[0] && strcmp(md5, lmd5))
			lt_warn("'%s': the MD5 in the acquisition log %s "
				"differs from the MD5 stored in the image %s",
				name, lmd5, md5);
		if (!md5[0] && lmd5[0]) {
			memcpy(md5, lmd5, sizeof(md5));
			memcpy(sha1, lsha1, sizeof(sha1));
			ev.hash_source = "acquire-log";
		}
		memcpy(sha256, lsha256, sizeof(sha256));
	}
	lt_err_clear(&err);
	if (hash_image && !lt_source_is_dir(src)) {
		struct lt_hash h;

		if (lt_hash_init(&h, LT_HASH_MD5 | LT_HASH_SHA1 |
				 LT_HASH_SHA256, &err) ||
		    lt_source_hash(src, &h, hash_progress, (void *)name,
				   &err) ||
		    lt_hash_final(&h, &err)) {
			lt_hash_release(&h);
			lt_warn("'%s': image not hashed: %s", name, err.msg);
			lt_err_clear(&err);
		} else {
			char c[65];

			lt_hex(c, h.md5, 16);
			if (md5[0] && strcmp(c, md5))
				lt_warn("'%s': the media MD5 %s differs from "
					"the recorded MD5 %s (%s)", name, c,
					md5, ev.hash_source);
			if (!md5[0]) {
				memcpy(md5, c, 33);
				lt_hex(sha1, h.sha1, 20);
				ev.hash_source = "computed";
			}
			lt_hex(c, h.sha256, 32);
			if (sha256[0] && strcmp(c, sha256))
				lt_warn("'%s': the media SHA-256 differs from "
					"the acquisition log's", name);
			memcpy(sha256, c, sizeof(sha256));
		}
		lt_progress_done();
	}
	abs = realpath(lt_source_path(src), NULL);
	ev.name = name;
	ev.path = abs ? abs : lt_source_path(src);
	ev.format = lt_source_format(src);
	ev.size = lt_source_size(src);
	ev.segments = lt_source_segments(src);
	ev.tz = tz;
	ev.md5 = md5;
	ev.sha1 = sha1;
	ev.sha256 = sha256;
	*id = 0;
	rc = lt_casedb_evidence_put(db, &ev, id, &err);
	free(abs);
	if (rc)
		lt_error("%s", err.msg);
	return rc;
}
