// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMAC-SHA-256 of short person keys, four at a time (leaktriage/keyhash.h).
 *
 * Why not OpenSSL alone: its SHA-256 already uses the SHA extensions, but
 * one block at a time, each waiting for the one before (~40 ns a block,
 * ~120 ns an HMAC with the update/final bookkeeping, measured here).  The
 * four-lane compression below interleaves independent blocks so that the
 * sha256rnds2 latency is hidden (~23 ns a block).  Everything that is not
 * one short block per lane goes through OpenSSL's SHA256_Transform; the
 * padding is ours in both cases (FIPS 180-4 5.1.1).
 */
#include "triage/core/compat.h"

#include "leaktriage/keyhash.h"

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>

#if defined(__x86_64__) || defined(__i386__)
#define LT_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define BLOCK 64
#define LANES 4

typedef void compress_fn(uint32_t st[8], const uint8_t *blk);

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* OpenSSL's block function on a bare state. */
static void compress_ossl(uint32_t st[8], const uint8_t *blk)
{
	SHA256_CTX c;

	memcpy(c.h, st, sizeof(c.h));
	SHA256_Transform(&c, blk);
	memcpy(st, c.h, sizeof(c.h));
}

#ifdef LT_HAVE_SHANI
static const uint32_t K256[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/*
 * One block into each of LANES independent states.  The SHA extensions
 * keep the state as ABEF and CDGH halves; the message schedule advances
 * four words per step with sha256msg1/msg2 (Intel's "SHA extensions"
 * white paper, 2013).  The lanes' instructions are independent, so the
 * unrolled loop lets the CPU overlap them.  w holds each lane's sixteen
 * message words (host order), four to a vector.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void rounds4(__m128i abef[LANES], __m128i cdgh[LANES],
		    __m128i w[LANES][4])
{
	__m128i abef0[LANES], cdgh0[LANES];
	int l, r;

#pragma GCC unroll 4
	for (l = 0; l < LANES; l++) {
		abef0[l] = abef[l];
		cdgh0[l] = cdgh[l];
	}
#pragma GCC unroll 16
	for (r = 0; r < 16; r++) {
		__m128i k = _mm_load_si128((const __m128i *)&K256[4 * r]);

#pragma GCC unroll 4
		for (l = 0; l < LANES; l++) {
			__m128i m = _mm_add_epi32(w[l][r & 3], k);

			cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], m);
			m = _mm_shuffle_epi32(m, 0x0E);
			abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], m);
			if (r < 12) {
				__m128i t = _mm_sha256msg1_epu32(
					w[l][r & 3], w[l][(r + 1) & 3]);

				t = _mm_add_epi32(t, _mm_alignr_epi8(
					w[l][(r + 3) & 3], w[l][(r + 2) & 3], 4));
				w[l][r & 3] = _mm_sha256msg2_epu32(
					t, w[l][(r + 3) & 3]);
			}
		}
	}
#pragma GCC unroll 4
	for (l = 0; l < LANES; l++) {
		abef[l] = _mm_add_epi32(abef[l], abef0[l]);
		cdgh[l] = _mm_add_epi32(cdgh[l], cdgh0[l]);
	}
}

/* A state h[0..7] as the ABEF and CDGH halves, and back. */
__attribute__((target("sha,sse4.1,ssse3")))
static void to_halves(const uint32_t st[8], __m128i *abef, __m128i *cdgh)
{
	__m128i cdab = _mm_shuffle_epi32(
		_mm_loadu_si128((const __m128i *)&st[0]), 0xB1);
	__m128i efgh = _mm_shuffle_epi32(
		_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);

	*abef = _mm_alignr_epi8(cdab, efgh, 8);
	*cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

__attribute__((target("sha,sse4.1,ssse3")))
static void from_halves(__m128i abef, __m128i cdgh, __m128i *h0123,
			__m128i *h4567)
{
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);

	*h0123 = _mm_blend_epi16(feba, dchg, 0xF0);
	*h4567 = _mm_alignr_epi8(dchg, feba, 8);
}
#endif

bool lt_keyhash_cpu_shani(void)
{
#ifdef LT_HAVE_SHANI
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) ||
	    !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & bit_SHA) != 0;
#else
	return false;
#endif
}

/*
 * The last blocks of a hash whose first 64 bytes are already in st:
 * a || b, then the padding and the length of 64 + alen + blen bytes.
 */
static void tail(uint32_t st[8], compress_fn *cf, const uint8_t *a,
		 size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t blk[BLOCK];
	size_t fill = 0, total = BLOCK + alen + blen;
	const uint8_t *part[2] = { a, b };
	size_t plen[2] = { alen, blen };
	int p;

	for (p = 0; p < 2; p++) {
		const uint8_t *s = part[p];
		size_t len = plen[p];

		while (len) {
			size_t n = BLOCK - fill < len ? BLOCK - fill : len;

			memcpy(blk + fill, s, n);
			fill += n;
			s += n;
			len -= n;
			if (fill == BLOCK) {
				cf(st, blk);
				fill = 0;
			}
		}
	}
	blk[fill++] = 0x80;
	if (fill > BLOCK - 8) {
		memset(blk + fill, 0, BLOCK - fill);
		cf(st, blk);
		fill = 0;
	}
	memset(blk + fill, 0, BLOCK - 8 - fill);
	put_be64(blk + BLOCK - 8, (uint64_t)total * 8);
	cf(st, blk);
}

static void digest_bytes(uint8_t *out, const uint32_t st[8], int words)
{
	int i;

	for (i = 0; i < words; i++)
		put_be32(out + 4 * i, st[i]);
}

static void one(const struct lt_keyhash *h, compress_fn *cf, uint8_t kind,
		const void *s, size_t len, uint8_t *out)
{
	uint32_t st[8];
	uint8_t md[32];

	memcpy(st, h->inner, sizeof(st));
	tail(st, cf, &kind, 1, s, len);
	digest_bytes(md, st, 8);
	memcpy(st, h->outer, sizeof(st));
	tail(st, cf, md, sizeof(md), NULL, 0);
	digest_bytes(md, st, LT_KEYHASH_LEN / 4);
	memcpy(out, md, LT_KEYHASH_LEN);
}

int lt_keyhash_init(struct lt_keyhash *h, const uint8_t *secret, size_t len,
		    bool use_shani, struct lt_err *err)
{
	uint8_t pad[BLOCK];
	SHA256_CTX c;
	int i;

	if (len > BLOCK)
		return lt_err_set(err, LT_E_ARG,
				  "keyed hash: secret longer than %d bytes",
				  BLOCK);
	memset(h, 0, sizeof(*h));
	memset(pad, 0, sizeof(pad));
	if (len)
		memcpy(pad, secret, len);
	for (i = 0; i < BLOCK; i++)
		pad[i] ^= 0x36;
	if (!SHA256_Init(&c))
		return lt_err_set(err, LT_E_DEP, "cannot set up SHA-256");
	SHA256_Transform(&c, pad);
	memcpy(h->inner, c.h, sizeof(h->inner));
	for (i = 0; i < BLOCK; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (!SHA256_Init(&c))
		return lt_err_set(err, LT_E_DEP, "cannot set up SHA-256");
	SHA256_Transform(&c, pad);
	memcpy(h->outer, c.h, sizeof(h->outer));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(&c, sizeof(c));
	h->shani = use_shani && lt_keyhash_cpu_shani();
	return LT_OK;
}

void lt_keyhash(const struct lt_keyhash *h, uint8_t kind, const void *s,
		size_t len, uint8_t out[LT_KEYHASH_LEN])
{
	one(h, compress_ossl, kind, s, len, out);
}

#ifdef LT_HAVE_SHANI
/*
 * Up to LANES inputs of at most LT_KEYHASH_ONE_BLOCK bytes each: the
 * inner hash's last block from memory, the outer hash's one block (the
 * inner digest, then constant padding) straight from the registers.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void lanes(const struct lt_keyhash *h, struct lt_keyhash_in *const *in,
		  int n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					     0x0405060700010203ULL);
	uint8_t blk[LANES][BLOCK] __attribute__((aligned(16)));
	__m128i abef[LANES], cdgh[LANES], w[LANES][4];
	__m128i in_abef, in_cdgh, out_abef, out_cdgh;
	int l, i;

	to_halves(h->inner, &in_abef, &in_cdgh);
	to_halves(h->outer, &out_abef, &out_cdgh);
	for (l = 0; l < LANES; l++) {
		const struct lt_keyhash_in *x = in[l < n ? l : 0];

		memset(blk[l], 0, BLOCK);
		blk[l][0] = x->kind;
		if (x->len)
			memcpy(blk[l] + 1, x->s, x->len);
		blk[l][1 + x->len] = 0x80;
		/* 64 + 1 + len bytes: the bit count fits the last two */
		blk[l][BLOCK - 2] = (uint8_t)(((BLOCK + 1 + x->len) * 8) >> 8);
		blk[l][BLOCK - 1] = (uint8_t)((BLOCK + 1 + x->len) * 8);
	}
	for (l = 0; l < LANES; l++) {
		for (i = 0; i < 4; i++)
			w[l][i] = _mm_shuffle_epi8(
				_mm_load_si128((const __m128i *)(blk[l] + 16 * i)),
				bswap);
		abef[l] = in_abef;
		cdgh[l] = in_cdgh;
	}
	rounds4(abef, cdgh, w);
	for (l = 0; l < LANES; l++) {
		from_halves(abef[l], cdgh[l], &w[l][0], &w[l][1]);
		w[l][2] = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
		w[l][3] = _mm_set_epi32((BLOCK + 32) * 8, 0, 0, 0);
		abef[l] = out_abef;
		cdgh[l] = out_cdgh;
	}
	rounds4(abef, cdgh, w);
	for (l = 0; l < n; l++) {
		__m128i h0123, h4567;

		from_halves(abef[l], cdgh[l], &h0123, &h4567);
		_mm_storeu_si128((__m128i *)in[l]->out,
				 _mm_shuffle_epi8(h0123, bswap));
	}
}
#endif

void lt_keyhash_many(const struct lt_keyhash *h, struct lt_keyhash_in *in,
		     size_t n)
{
	size_t i;
#ifdef LT_HAVE_SHANI
	struct lt_keyhash_in *group[LANES];
	int g = 0;

	if (h->shani) {
		for (i = 0; i < n; i++) {
			if (in[i].len > LT_KEYHASH_ONE_BLOCK) {
				lt_keyhash(h, in[i].kind, in[i].s, in[i].len,
					   in[i].out);
				continue;
			}
			group[g++] = &in[i];
			if (g == LANES) {
				lanes(h, group, g);
				g = 0;
			}
		}
		if (g)
			lanes(h, group, g);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		lt_keyhash(h, in[i].kind, in[i].s, in[i].len, in[i].out);
}

void lt_keyhash_wipe(struct lt_keyhash *h)
{
	OPENSSL_cleanse(h, sizeof(*h));
}
