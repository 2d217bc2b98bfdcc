// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lt_buf: growable, capped, sticky-error byte buffer.
 */
#include "triage/core/compat.h"
#include "leaktriage/buf.h"
#include "leaktriage/err.h"

void lt_buf_init(struct lt_buf *b, size_t cap)
{
	b->buf = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : LT_BUF_CAP_DEFAULT;
	b->status = LT_OK;
}

void lt_buf_release(struct lt_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

void lt_buf_clear(struct lt_buf *b)
{
	size_t cap = b->cap;

	lt_buf_release(b);
	lt_buf_init(b, cap);
}

void lt_buf_reset(struct lt_buf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
	b->status = LT_OK;
}

char *lt_buf_detach(struct lt_buf *b, size_t *len)
{
	char *p = b->buf;

	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	lt_buf_init(b, b->cap);
	return p;
}

int lt_buf_grow(struct lt_buf *b, size_t extra)
{
	size_t need, n;
	char *p;

	if (b->status)
		return b->status;
	if (extra > b->cap || b->len > b->cap - extra)
		return b->status = LT_E_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return LT_OK;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	p = realloc(b->buf, n);
	if (!p)
		return b->status = LT_E_NOMEM;
	b->buf = p;
	b->alloc = n;
	return LT_OK;
}

void lt_buf_add_slow(struct lt_buf *b, const void *data, size_t len)
{
	if (lt_buf_grow(b, len))
		return;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void lt_buf_addc_slow(struct lt_buf *b, char c)
{
	lt_buf_add_slow(b, &c, 1);
}

void lt_buf_adds(struct lt_buf *b, const char *s)
{
	lt_buf_add(b, s, strlen(s));
}

void lt_buf_addf(struct lt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (lt_buf_grow(b, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->status = LT_E_INTERNAL;
		return;
	}
	if ((size_t)n >= b->alloc - b->len) {
		if (lt_buf_grow(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void lt_buf_add_u64(struct lt_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	lt_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void lt_buf_add_hex(struct lt_buf *b, const uint8_t *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (lt_buf_grow(b, len * 2))
		return;
	for (i = 0; i < len; i++) {
		b->buf[b->len++] = hex[data[i] >> 4];
		b->buf[b->len++] = hex[data[i] & 15];
	}
	b->buf[b->len] = '\0';
}

void *lt_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return calloc(count ? count : 1, size ? size : 1);
}
