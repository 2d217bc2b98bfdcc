/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MD5 / SHA-1 / SHA-256 over a stream, through OpenSSL's EVP interface
 * (it uses the CPU's SHA extensions; DESIGN.md "Dependencies").
 *
 * lt_hash_init() chooses the algorithms; feed bytes with lt_hash_update();
 * lt_hash_final() writes the digests into the struct and frees the
 * contexts.  lt_hash_release() frees contexts without a result (accepts
 * a struct that was never initialised only after lt_hash_zero()).
 * One lt_hash per thread.
 */
#ifndef LEAKTRIAGE_HASH_H
#define LEAKTRIAGE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

enum {
	LT_HASH_MD5 = 1,
	LT_HASH_SHA1 = 2,
	LT_HASH_SHA256 = 4,
};

struct lt_hash {
	unsigned algs;
	void *ctx[3]; /* EVP_MD_CTX *, by algorithm order above */
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
};

void lt_hash_zero(struct lt_hash *h);
int lt_hash_init(struct lt_hash *h, unsigned algs, struct lt_err *err);
void lt_hash_update(struct lt_hash *h, const void *data, size_t len);
int lt_hash_final(struct lt_hash *h, struct lt_err *err);
void lt_hash_release(struct lt_hash *h);

/* Lower-case hex of a digest into out (2*len+1 bytes). */
void lt_hex(char *out, const uint8_t *d, size_t len);
/* The reverse: exactly 2 * len hex digits, then the end of the string. */
bool lt_unhex(uint8_t *out, const char *hex, size_t len);

#endif
