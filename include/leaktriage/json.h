/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON writer into an lt_buf (git's json-writer.h, but strings are
 * validated as UTF-8: file names in images are arbitrary bytes).
 *
 * Usage:
 *	struct lt_json j;
 *	lt_json_init(&j, &buf);
 *	lt_json_obj_begin(&j);
 *	lt_json_key_str(&j, "path", p, len);
 *	lt_json_obj_end(&j);
 *
 * Errors land in the buffer's sticky status (lt_buf_status()).  Nesting
 * deeper than LT_JSON_MAX_DEPTH is an LT_BUG: our own code decides it.
 */
#ifndef LEAKTRIAGE_JSON_H
#define LEAKTRIAGE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/buf.h"

#define LT_JSON_MAX_DEPTH 32

struct lt_json {
	struct lt_buf *out;
	int depth;
	bool first[LT_JSON_MAX_DEPTH]; /* no comma needed yet at that level */
	bool after_key;
};

void lt_json_init(struct lt_json *j, struct lt_buf *out);
void lt_json_obj_begin(struct lt_json *j);
void lt_json_obj_end(struct lt_json *j);
void lt_json_arr_begin(struct lt_json *j);
void lt_json_arr_end(struct lt_json *j);
void lt_json_key(struct lt_json *j, const char *key);

/*
 * A string value.  Invalid UTF-8 bytes become U+FFFD; returns true when the
 * input was valid UTF-8 (so the caller knows to add a *_b64 twin).
 */
bool lt_json_str(struct lt_json *j, const char *s, size_t len);
void lt_json_cstr(struct lt_json *j, const char *s); /* NULL -> null */
void lt_json_u64(struct lt_json *j, uint64_t v);
void lt_json_i64(struct lt_json *j, int64_t v);
void lt_json_bool(struct lt_json *j, bool v);
void lt_json_null(struct lt_json *j);
void lt_json_raw(struct lt_json *j, const char *text); /* trusted JSON */
/* A string the caller knows needs no escaping (ISO times, hex digests). */
void lt_json_plain(struct lt_json *j, const char *s);

/* Key + value shorthands. */
bool lt_json_key_str(struct lt_json *j, const char *k, const char *s,
		     size_t len);
void lt_json_key_cstr(struct lt_json *j, const char *k, const char *s);
void lt_json_key_u64(struct lt_json *j, const char *k, uint64_t v);
void lt_json_key_i64(struct lt_json *j, const char *k, int64_t v);
void lt_json_key_bool(struct lt_json *j, const char *k, bool v);
void lt_json_key_null(struct lt_json *j, const char *k);

/* True when [s, s+len) is valid UTF-8 (no overlongs, no surrogates). */
bool lt_utf8_valid(const char *s, size_t len);

/*
 * Append s to out with every invalid UTF-8 sequence replaced by U+FFFD
 * (one per maximal invalid subpart, as the Unicode standard recommends).
 * Returns true if nothing was replaced.
 */
bool lt_utf8_sanitize(struct lt_buf *out, const char *s, size_t len);

/* Append standard base64 (RFC 4648, with padding) of data to out. */
void lt_base64(struct lt_buf *out, const uint8_t *data, size_t len);

#endif
