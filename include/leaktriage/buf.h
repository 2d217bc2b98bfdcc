/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable byte buffer with a cap (git's strbuf verbs, curl's dynbuf cap).
 *
 * lt_buf_init() allocates nothing.  Appends that would grow the buffer past
 * its cap, or that fail to allocate, leave the content as it was and set a
 * sticky error (LT_E_LIMIT or LT_E_NOMEM) that every later append keeps;
 * check it once with lt_buf_status() after a series of appends.  The bytes
 * are always NUL-terminated once anything was appended.
 *
 * _release() frees the content; _clear() is release + init with the same
 * cap; _reset() empties the content and keeps the memory; lt_buf_detach()
 * hands the bytes to the caller (free() them).  Not thread-safe: one owner.
 */
#ifndef LEAKTRIAGE_BUF_H
#define LEAKTRIAGE_BUF_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

struct lt_buf {
	char *buf;    /* NULL until the first append */
	size_t len;   /* bytes used, without the NUL */
	size_t alloc; /* bytes allocated */
	size_t cap;   /* at most this many bytes of content */
	int status;   /* sticky enum lt_code, LT_OK while fine */
};

#define LT_BUF_CAP_DEFAULT ((size_t)64 << 20)

void lt_buf_init(struct lt_buf *b, size_t cap);
void lt_buf_release(struct lt_buf *b);
void lt_buf_clear(struct lt_buf *b);
void lt_buf_reset(struct lt_buf *b);
char *lt_buf_detach(struct lt_buf *b, size_t *len);

/* Make room for `extra` more bytes; returns LT_OK or the sticky error. */
int lt_buf_grow(struct lt_buf *b, size_t extra);
void lt_buf_add_slow(struct lt_buf *b, const void *data, size_t len);
/* len bytes; inline because the classifier appends a few bytes at a time
 * (a twentieth of a scan's classification went to the call). */
static inline void lt_buf_add(struct lt_buf *b, const void *data, size_t len)
{
	if (len < b->alloc - b->len && len <= b->cap &&
	    b->len <= b->cap - len && !b->status) {
		if (len)
			memcpy(b->buf + b->len, data, len);
		b->len += len;
		b->buf[b->len] = '\0';
		return;
	}
	lt_buf_add_slow(b, data, len);
}
void lt_buf_addc_slow(struct lt_buf *b, char c);
/* One byte; inline because JSON output calls it per punctuation mark. */
static inline void lt_buf_addc(struct lt_buf *b, char c)
{
	if (b->len + 1 < b->alloc && b->len < b->cap && !b->status) {
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
		return;
	}
	lt_buf_addc_slow(b, c);
}
void lt_buf_adds(struct lt_buf *b, const char *s);
__attribute__((format(printf, 2, 3))) void
lt_buf_addf(struct lt_buf *b, const char *fmt, ...);
void lt_buf_add_u64(struct lt_buf *b, uint64_t v);
void lt_buf_add_hex(struct lt_buf *b, const uint8_t *data, size_t len);

static inline int lt_buf_status(const struct lt_buf *b) { return b->status; }
static inline const char *lt_buf_str(const struct lt_buf *b)
{
	return b->buf ? b->buf : "";
}

/* Overflow-checked calloc: NULL on overflow or failure. */
void *lt_calloc(size_t count, size_t size);

#endif
