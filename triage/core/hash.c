// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming hashes via OpenSSL EVP.
 */
#include "triage/core/compat.h"
#include "leaktriage/hash.h"

#include <openssl/evp.h>

static const EVP_MD *md_of(int i)
{
	switch (i) {
	case 0: return EVP_md5();
	case 1: return EVP_sha1();
	default: return EVP_sha256();
	}
}

void lt_hash_zero(struct lt_hash *h)
{
	memset(h, 0, sizeof(*h));
}

int lt_hash_init(struct lt_hash *h, unsigned algs, struct lt_err *err)
{
	int i;

	lt_hash_zero(h);
	h->algs = algs;
	for (i = 0; i < 3; i++) {
		if (!(algs & (1u << i)))
			continue;
		h->ctx[i] = EVP_MD_CTX_new();
		if (!h->ctx[i] || !EVP_DigestInit_ex(h->ctx[i], md_of(i), NULL)) {
			lt_hash_release(h);
			return lt_err_set(err, LT_E_DEP, "cannot start hash");
		}
	}
	return LT_OK;
}

void lt_hash_update(struct lt_hash *h, const void *data, size_t len)
{
	int i;

	for (i = 0; i < 3; i++)
		if (h->ctx[i])
			EVP_DigestUpdate(h->ctx[i], data, len);
}

int lt_hash_final(struct lt_hash *h, struct lt_err *err)
{
	uint8_t *out[3] = { h->md5, h->sha1, h->sha256 };
	int i, rc = LT_OK;

	for (i = 0; i < 3; i++) {
		if (!h->ctx[i])
			continue;
		if (!EVP_DigestFinal_ex(h->ctx[i], out[i], NULL))
			rc = lt_err_set(err, LT_E_DEP, "cannot finish hash");
	}
	lt_hash_release(h);
	return rc;
}

void lt_hash_release(struct lt_hash *h)
{
	int i;

	for (i = 0; i < 3; i++) {
		EVP_MD_CTX_free(h->ctx[i]);
		h->ctx[i] = NULL;
	}
}

void lt_hex(char *out, const uint8_t *d, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * len] = '\0';
}

bool lt_unhex(uint8_t *out, const char *hex, size_t len)
{
	size_t i;

	for (i = 0; i < 2 * len; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return false; /* a NUL ends it too */
		out[i / 2] = (uint8_t)(i & 1 ? out[i / 2] << 4 | v : v);
	}
	return hex[2 * len] == '\0';
}
