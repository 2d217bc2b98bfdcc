// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The archive walker on arbitrary bytes (libarchive's readers plus our own
 * ZIP central directory, RAR4/RAR5 header and 7z header parsers), walked
 * twice, with in->data set and through short reads of odd sizes, reading
 * every member's content fully through read() in odd-sized pieces.  Both
 * walks must give the same members; every path must be valid UTF-8; the
 * limits must hold; an error must come with a one-line message.  Small
 * limits keep each input fast (a bzip2 bomb expands 45 million to one).
 */
#include "triage/core/compat.h"
#include "leaktriage/archive.h"
#include "leaktriage/json.h"
#include "tests/unit/memin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEMBER ((uint64_t)4 << 20)

struct count {
	uint64_t members, bytes, hash;
};

static int on_member(const struct lt_archive_member *m, void *u)
{
	struct count *c = u;
	const struct lt_scan_input *in = m->content;
	static uint8_t buf[7001];
	uint64_t off = 0;
	size_t i, len = strlen(m->path);

	if (!lt_utf8_valid(m->path, len))
		abort();
	if (m->encrypted != (m->protection != NULL))
		abort();
	if (in && (m->skipped || m->is_dir || m->encrypted ||
		   in->size > MAX_MEMBER))
		abort();
	if (!in && !m->is_dir && !m->skipped)
		abort();
	c->members++;
	for (i = 0; i < len; i++)
		c->hash = c->hash * 131 + (uint8_t)m->path[i];
	c->hash = c->hash * 131 + (m->skipped ? (uint8_t)m->skipped[0] : 1);
	if (!in)
		return 0;
	for (;;) {
		struct lt_err e = LT_ERR_INIT;
		size_t got = 0;

		if (in->read(in->src, off, buf, sizeof(buf), &got, &e))
			abort();
		if (!got)
			break;
		if (in->data && memcmp(buf, in->data + off, got))
			abort();
		for (i = 0; i < got; i += 97)
			c->hash = c->hash * 31 + buf[i];
		off += got;
	}
	if (off != in->size)
		abort();
	c->bytes += off;
	return 0;
}

static int run(const uint8_t *data, size_t size, size_t step,
	       struct count *c, struct lt_protection_summary *whole,
	       struct lt_err *err)
{
	struct mem m = { data, size, step };
	struct lt_scan_input in = { "fuzz", size, step ? NULL : data,
				    mem_read, &m };
	struct lt_archive_limits lim;
	int rc;

	lt_archive_limits_default(&lim);
	lim.max_member_size = MAX_MEMBER;
	lim.max_total = 4 * MAX_MEMBER;
	lim.max_members = 2000;
	memset(c, 0, sizeof(*c));
	rc = lt_archive_walk(&in, &lim, on_member, c, whole, err);
	if (rc != (int)err->code || strchr(err->msg, '\n'))
		abort();
	if (rc == LT_OK && err->msg[0])
		abort();
	if (whole->protected_ && (rc || c->members || !whole->kind[0]))
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_protection_summary w1, w2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	struct count c1, c2;
	size_t step = 1 + (size % 7) * 613; /* 1 .. 3679 */
	int rc1, rc2;

	rc1 = run(data, size, 0, &c1, &w1, &e1);
	rc2 = run(data, size, step, &c2, &w2, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg) || c1.members != c2.members ||
	    c1.bytes != c2.bytes || c1.hash != c2.hash ||
	    w1.protected_ != w2.protected_ || strcmp(w1.kind, w2.kind))
		abort();
	return 0;
}
