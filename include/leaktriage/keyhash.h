/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keyed hashes of person keys: HMAC-SHA-256(secret, kind || material),
 * first LT_KEYHASH_LEN bytes (RFC 2104, DESIGN.md "Case database").
 *
 * A scan makes one of these per key of every record: about 14 million
 * for a 450 MB roster.  The padded-key blocks are hashed once, at init;
 * each HMAC then costs two SHA-256 block compressions.  Those are
 * latency-bound: one compression with the CPU's SHA extensions takes
 * ~40 ns when it waits for the one before, ~23 ns when four independent
 * ones are interleaved.  So lt_keyhash_many() hashes its inputs four at
 * a time with the SHA extensions where the CPU has them (checked once,
 * with cpuid); elsewhere, and for material longer than
 * LT_KEYHASH_ONE_BLOCK bytes, it uses OpenSSL's SHA-256.  Both give the
 * same bytes: tests/unit/t-keyhash.c checks them against OpenSSL's HMAC().
 *
 * The struct holds secret-derived state: wipe it with lt_keyhash_wipe().
 */
#ifndef LEAKTRIAGE_KEYHASH_H
#define LEAKTRIAGE_KEYHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

#define LT_KEYHASH_LEN 16
/* Material up to this length fits the inner hash's one last block. */
#define LT_KEYHASH_ONE_BLOCK 54

struct lt_keyhash {
	uint32_t inner[8], outer[8]; /* SHA-256 states after the key blocks */
	bool shani;                  /* use the SHA extensions */
};

struct lt_keyhash_in {
	const void *s;
	size_t len;
	uint8_t kind;
	uint8_t *out; /* LT_KEYHASH_LEN bytes */
};

/*
 * Set up h for `secret` (at most 64 bytes).  LT_E_ARG for a longer one.
 * use_shani false forces the portable path (for the tests).
 */
int lt_keyhash_init(struct lt_keyhash *h, const uint8_t *secret, size_t len,
		    bool use_shani, struct lt_err *err);

/* One keyed hash into out. */
void lt_keyhash(const struct lt_keyhash *h, uint8_t kind, const void *s,
		size_t len, uint8_t out[LT_KEYHASH_LEN]);

/* n keyed hashes, each into its in[i].out. */
void lt_keyhash_many(const struct lt_keyhash *h, struct lt_keyhash_in *in,
		     size_t n);

/* Whether this CPU has the SHA extensions the fast path needs. */
bool lt_keyhash_cpu_shani(void);

void lt_keyhash_wipe(struct lt_keyhash *h);

#endif
