// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files of identical content within one scan (scanners/dedup.h): an open
 * addressing table of slot numbers into an array of contents, grown by
 * doubling while it is at most half full.
 */
#include "triage/core/compat.h"
#include "scanners/dedup.h"

#include <pthread.h>

enum { EMPTY = 0, BUSY = 1, DONE = 2, UNUSABLE = 3 };

struct content {
	uint8_t sha256[32];
	uint64_t size;
	int64_t entry_id;
	uint8_t state;
};

struct lt_dedup {
	pthread_mutex_t mu;
	uint32_t *slot;         /* content index + 1, or 0 */
	size_t nslots;          /* a power of two */
	struct content *c;
	size_t n, alloc, max;
	uint64_t *big;          /* sizes over LT_DEDUP_LARGE (0: empty) */
	size_t nbig, bigslots;  /* bigslots: 0 or a power of two */
};

int lt_dedup_new(size_t max, struct lt_dedup **out, struct lt_err *err)
{
	struct lt_dedup *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	d->nslots = 1024;
	d->slot = calloc(d->nslots, sizeof(*d->slot));
	if (!d->slot) {
		free(d);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	d->max = LT_MIN(max, (size_t)UINT32_MAX - 1);
	pthread_mutex_init(&d->mu, NULL);
	*out = d;
	return LT_OK;
}

void lt_dedup_free(struct lt_dedup *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->mu);
	free(d->big);
	free(d->slot);
	free(d->c);
	free(d);
}

static size_t home(const uint8_t sha256[32], size_t nslots)
{
	uint64_t h;

	memcpy(&h, sha256, sizeof(h)); /* a SHA-256 is spread already */
	return (size_t)h & (nslots - 1);
}

/* The slot of (sha256, size): its content, or the empty slot to take. */
static uint32_t *find(struct lt_dedup *d, const uint8_t sha256[32],
		      uint64_t size)
{
	size_t i = home(sha256, d->nslots);

	for (;; i = (i + 1) & (d->nslots - 1)) {
		const struct content *c;

		if (!d->slot[i])
			return &d->slot[i];
		c = &d->c[d->slot[i] - 1];
		if (c->size == size && !memcmp(c->sha256, sha256, 32))
			return &d->slot[i];
	}
}

static bool grow(struct lt_dedup *d)
{
	size_t ns = d->nslots * 2, i;
	uint32_t *s;

	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 1024;
		struct content *nc = realloc(d->c, na * sizeof(*nc));

		if (!nc)
			return false;
		d->c = nc;
		d->alloc = na;
	}
	if ((d->n + 1) * 2 <= d->nslots)
		return true;
	s = calloc(ns, sizeof(*s));
	if (!s)
		return false;
	for (i = 0; i < d->n; i++) {
		size_t k = home(d->c[i].sha256, ns);

		while (s[k])
			k = (k + 1) & (ns - 1);
		s[k] = (uint32_t)(i + 1);
	}
	free(d->slot);
	d->slot = s;
	d->nslots = ns;
	return true;
}

static size_t size_home(uint64_t size, size_t nslots)
{
	return (size_t)((size * 0x9E3779B97F4A7C15ull) >> 32) & (nslots - 1);
}

/* Remember a large content's size (best effort: out of memory, a large
 * copy is merely not looked for). */
static void note_size(struct lt_dedup *d, uint64_t size)
{
	size_t i;

	if (size <= LT_DEDUP_LARGE)
		return;
	if ((d->nbig + 1) * 2 > d->bigslots) {
		size_t ns = d->bigslots ? d->bigslots * 2 : 64, k;
		uint64_t *nb = calloc(ns, sizeof(*nb));

		if (!nb)
			return;
		for (k = 0; k < d->bigslots; k++) {
			if (!d->big[k])
				continue;
			i = size_home(d->big[k], ns);
			while (nb[i])
				i = (i + 1) & (ns - 1);
			nb[i] = d->big[k];
		}
		free(d->big);
		d->big = nb;
		d->bigslots = ns;
	}
	for (i = size_home(size, d->bigslots); d->big[i];
	     i = (i + 1) & (d->bigslots - 1))
		if (d->big[i] == size)
			return;
	d->big[i] = size;
	d->nbig++;
}

bool lt_dedup_knows_size(struct lt_dedup *d, uint64_t size)
{
	bool known = false;
	size_t i;

	pthread_mutex_lock(&d->mu);
	if (d->bigslots)
		for (i = size_home(size, d->bigslots); d->big[i];
		     i = (i + 1) & (d->bigslots - 1))
			if (d->big[i] == size) {
				known = true;
				break;
			}
	pthread_mutex_unlock(&d->mu);
	return known;
}

/* A new content at slot s (locked, room checked). */
static void insert(struct lt_dedup *d, const uint8_t sha256[32],
		   uint64_t size, int64_t entry_id, uint8_t state)
{
	struct content *c = &d->c[d->n];

	memcpy(c->sha256, sha256, 32);
	c->size = size;
	c->entry_id = entry_id;
	c->state = state;
	d->n++;
	*find(d, sha256, size) = (uint32_t)d->n;
	note_size(d, size);
}

enum lt_dedup_answer lt_dedup_claim(struct lt_dedup *d,
				    const uint8_t sha256[32], uint64_t size,
				    int64_t *entry_id)
{
	enum lt_dedup_answer a = LT_DEDUP_OTHER;
	uint32_t *s;

	pthread_mutex_lock(&d->mu);
	s = find(d, sha256, size);
	if (*s) {
		const struct content *c = &d->c[*s - 1];

		if (c->state == DONE) {
			*entry_id = c->entry_id;
			a = LT_DEDUP_COPY;
		} else if (c->state == BUSY) {
			a = LT_DEDUP_BUSY;
		}
	} else if (d->n < d->max && grow(d)) {
		insert(d, sha256, size, 0, BUSY);
		a = LT_DEDUP_MINE;
	}
	pthread_mutex_unlock(&d->mu);
	return a;
}

void lt_dedup_publish(struct lt_dedup *d, const uint8_t sha256[32],
		      uint64_t size, int64_t entry_id, bool reusable)
{
	uint32_t *s;

	pthread_mutex_lock(&d->mu);
	s = find(d, sha256, size);
	if (*s && d->c[*s - 1].state == BUSY) {
		d->c[*s - 1].entry_id = entry_id;
		d->c[*s - 1].state = reusable ? DONE : UNUSABLE;
	}
	pthread_mutex_unlock(&d->mu);
}

void lt_dedup_add(struct lt_dedup *d, const uint8_t sha256[32], uint64_t size,
		  int64_t entry_id)
{
	pthread_mutex_lock(&d->mu);
	if (!*find(d, sha256, size) && d->n < d->max && grow(d))
		insert(d, sha256, size, entry_id, DONE);
	pthread_mutex_unlock(&d->mu);
}
