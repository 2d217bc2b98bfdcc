// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Table-driven decoding of CP932 and EUC-JP-MS to UTF-8 (text-table.h).
 *
 * Why not iconv alone: glibc converts CP932 in two passes (CP932 to UCS-4,
 * then UCS-4 to UTF-8, each a loop with per-character checks), and on a
 * CP932 CSV the two took 62% of the text extractor's time (~1 GB/s each on
 * the reference machine); a table lookup per character, with ASCII copied
 * eight bytes at a time, is several times faster.
 *
 * Why the table is not written out here: it is asked of iconv itself, once
 * per process, so that glibc stays the one reference for the mapping (the
 * NEC and IBM extensions, user-defined areas, which bytes are refused).
 * Every sequence of one byte, then every longer one whose shorter prefix
 * iconv calls incomplete (EINVAL), is converted alone: the answer is one
 * character (its UTF-8 bytes are stored), EILSEQ, or EINVAL (a node for
 * the next byte).  Both encodings are stateless, so what iconv says about
 * a sequence alone is what it says about it inside any text; anything that
 * does not fit that picture (output of other than one character, a
 * conversion that consumes part of a sequence, output on reset) makes the
 * table unavailable and the extractor uses iconv.  tests/unit/t-text.c
 * compares both on every sequence of up to three bytes and on random text.
 *
 * A table is a trie of 256-entry nodes.  An entry is 4 bytes: in memory
 * order the UTF-8 bytes of the character (up to 3) and their count, so
 * that one 4-byte store writes the character; or 0 for EILSEQ; or the
 * index of the node for the next byte and MORE.
 */
#include "triage/core/compat.h"

#include <iconv.h>
#include <pthread.h>

#include "scanners/extract/text-table.h"

#define MORE 0xFFu /* kind of an entry with a child node */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KIND(e) ((e) & 0xFFu)
#define CHILD(e) ((e) >> 8)
#define MAKE_MORE(child) ((uint32_t)(child) << 8 | MORE)
#else
#define KIND(e) ((e) >> 24)
#define CHILD(e) ((e) & 0xFFFFFFu)
#define MAKE_MORE(child) ((uint32_t)(child) | MORE << 24)
#endif
#define MAX_SEQ 4      /* longest sequence a table may hold */
#define MAX_NODES 4096 /* 4 MiB: far more than any known encoding */

struct lt_text_table {
	uint32_t *node; /* count * 256 entries, node 0 the first byte */
	size_t count, alloc;
	bool ascii; /* bytes 00-7F decode to themselves */
};

static const char *const names[] = { "CP932", "EUC-JP-MS" };
static struct lt_text_table *tables[LT_ARRAY_SIZE(names)];
static bool tried[LT_ARRAY_SIZE(names)];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The UTF-8 length announced by a lead byte, 0 if it is none. */
static size_t u8_lead_len(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c < 0xE0)
		return 2;
	if (c >= 0xE0 && c < 0xF0)
		return 3;
	return 0;
}

/*
 * What iconv says about the sequence s[0..n) alone: an entry (0, a leaf,
 * or MAKE_MORE(0) for "incomplete"), or false when the answer does not
 * fit a table.
 */
static bool ask(iconv_t cd, const uint8_t *s, size_t n, uint32_t *entry)
{
	char out[16], *ip = (char *)(uintptr_t)s, *op = out;
	size_t il = n, ol = sizeof(out), olen, r, i;

	iconv(cd, NULL, NULL, NULL, NULL);
	r = iconv(cd, &ip, &il, &op, &ol);
	olen = sizeof(out) - ol;
	if (r == (size_t)-1) {
		if (olen || il != n)
			return false; /* part of the sequence was taken */
		if (errno == EILSEQ)
			*entry = 0;
		else if (errno == EINVAL)
			*entry = MAKE_MORE(0);
		else
			return false;
		return true;
	}
	/* nothing more must come out at a reset (no shift state) */
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1 ||
	    sizeof(out) - ol != olen)
		return false;
	if (il || !olen || olen > 3 || u8_lead_len((uint8_t)out[0]) != olen)
		return false;
	for (i = 1; i < olen; i++)
		if (((uint8_t)out[i] & 0xC0) != 0x80)
			return false;
	memset(out + olen, 0, 3 - olen);
	out[3] = (char)olen;
	memcpy(entry, out, 4);
	return true;
}

static bool new_node(struct lt_text_table *t, size_t *at)
{
	if (t->count == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 64;
		uint32_t *p;

		if (n > MAX_NODES)
			return false;
		p = realloc(t->node, n * 256 * sizeof(*p));
		if (!p)
			return false;
		t->node = p;
		t->alloc = n;
	}
	*at = t->count++;
	return true;
}

/* Fill node `at`, reached by the k bytes of seq[]. */
static bool fill(struct lt_text_table *t, iconv_t cd, size_t at, uint8_t *seq,
		 size_t k)
{
	unsigned b;

	for (b = 0; b < 256; b++) {
		uint32_t e;
		size_t child;

		seq[k] = (uint8_t)b;
		if (!ask(cd, seq, k + 1, &e))
			return false;
		if (KIND(e) == MORE) {
			if (k + 1 == MAX_SEQ || !new_node(t, &child) ||
			    !fill(t, cd, child, seq, k + 1))
				return false;
			e = MAKE_MORE(child);
		}
		t->node[at * 256 + b] = e;
	}
	return true;
}

static struct lt_text_table *build(const char *enc)
{
	struct lt_text_table *t = calloc(1, sizeof(*t));
	iconv_t cd = iconv_open("UTF-8", enc);
	uint8_t seq[MAX_SEQ];
	size_t root;
	bool ok;
	unsigned b;

	ok = t && cd != (iconv_t)-1 && new_node(t, &root) &&
	     fill(t, cd, root, seq, 0);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (!ok) {
		if (t)
			free(t->node);
		free(t);
		return NULL;
	}
	t->ascii = true;
	for (b = 0; b < 0x80; b++) {
		uint8_t one[4] = { (uint8_t)b, 0, 0, 1 };
		uint32_t e;

		memcpy(&e, one, 4);
		if (t->node[b] != e)
			t->ascii = false;
	}
	return t;
}

const struct lt_text_table *lt_text_table_get(const char *enc)
{
	const struct lt_text_table *t = NULL;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(names); i++) {
		if (strcmp(enc, names[i]))
			continue;
		pthread_mutex_lock(&lock);
		if (!tried[i]) {
			tables[i] = build(names[i]);
			tried[i] = true;
		}
		t = tables[i];
		pthread_mutex_unlock(&lock);
		break;
	}
	return t;
}

/*
 * One lookup per character, and ASCII eight bytes at a time where it
 * comes in runs: measured faster than a loop over ASCII bytes first (the
 * runs of a Japanese CSV are short) and than a branch-free lookup (it
 * makes every character wait for the previous one's lookups).
 */
size_t lt_text_table_decode(const struct lt_text_table *t, const uint8_t *in,
			    size_t len, char *out, size_t *olen, int *stop)
{
	const uint32_t *node = t->node;
	char *o = out + *olen;
	size_t i = 0;

	*stop = 0;
	while (i < len) {
		uint32_t e = node[in[i]];
		size_t k = 1;

		if (KIND(e) == MORE) {
			do {
				if (i + k == len) {
					*stop = EINVAL;
					goto out;
				}
				e = node[CHILD(e) * 256 + in[i + k]];
				k++;
			} while (KIND(e) == MORE);
		} else if (KIND(e) == 1 && t->ascii && len - i >= 8) {
			uint64_t w;

			memcpy(&w, in + i, 8);
			if (!(w & UINT64_C(0x8080808080808080))) {
				memcpy(o, &w, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		if (!e) {
			*stop = EILSEQ;
			break;
		}
		memcpy(o, &e, 4);
		o += KIND(e);
		i += k;
	}
out:
	*olen = (size_t)(o - out);
	return i;
}
