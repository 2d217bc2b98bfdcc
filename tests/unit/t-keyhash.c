// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keyed hashes (leaktriage/keyhash.h) against OpenSSL's HMAC(): every
 * material length from 0 to 300 bytes (one, two and more blocks; the
 * padding edges at 54/55 and 118/119), batches of every size from 1 to
 * 13 mixing short and long material, both paths (SHA extensions when the
 * CPU has them, and the portable one), and secrets of 0, 32 and 64 bytes.
 */
#include "triage/core/compat.h"
#include "leaktriage/hash.h"
#include "leaktriage/keyhash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"

#define MAXLEN 300

static uint8_t material[MAXLEN];

static void reference(const uint8_t *secret, size_t slen, uint8_t kind,
		      size_t len, uint8_t out[LT_KEYHASH_LEN])
{
	uint8_t msg[MAXLEN + 1], md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	msg[0] = kind;
	memcpy(msg + 1, material, len);
	HMAC(EVP_sha256(), secret, (int)slen, msg, len + 1, md, &mdlen);
	CHECK(mdlen == 32);
	memcpy(out, md, LT_KEYHASH_LEN);
}

static void test_lengths(const uint8_t *secret, size_t slen, bool shani)
{
	struct lt_keyhash h;
	struct lt_err err = { 0 };
	uint8_t want[LT_KEYHASH_LEN], got[LT_KEYHASH_LEN];
	size_t len;
	int bad = 0;

	CHECK(lt_keyhash_init(&h, secret, slen, shani, &err) == LT_OK);
	for (len = 0; len <= MAXLEN; len++) {
		uint8_t kind = (uint8_t)(len % 7);

		reference(secret, slen, kind, len, want);
		lt_keyhash(&h, kind, material, len, got);
		if (memcmp(want, got, sizeof(got)))
			bad++;
	}
	CHECK(bad == 0);
	lt_keyhash_wipe(&h);
}

static void test_batches(const uint8_t *secret, size_t slen, bool shani)
{
	struct lt_keyhash h;
	struct lt_err err = { 0 };
	struct lt_keyhash_in in[13];
	uint8_t got[13][LT_KEYHASH_LEN], want[LT_KEYHASH_LEN];
	size_t n, i, round;
	int bad = 0;

	CHECK(lt_keyhash_init(&h, secret, slen, shani, &err) == LT_OK);
	for (round = 0; round < 40; round++)
		for (n = 1; n <= 13; n++) {
			for (i = 0; i < n; i++) {
				/* mostly short, now and then long or empty */
				size_t len = (round * 31 + i * 17) % 70;

				if ((round + i) % 9 == 0)
					len = 54 + (round + i) % 200;
				in[i].s = material + (i + round) % 16;
				in[i].len = len;
				in[i].kind = (uint8_t)((i + round) % 5);
				in[i].out = got[i];
			}
			lt_keyhash_many(&h, in, n);
			for (i = 0; i < n; i++) {
				uint8_t msg[MAXLEN + 1], md[EVP_MAX_MD_SIZE];
				unsigned mdlen = 0;

				msg[0] = in[i].kind;
				memcpy(msg + 1, in[i].s, in[i].len);
				HMAC(EVP_sha256(), secret, (int)slen, msg,
				     in[i].len + 1, md, &mdlen);
				memcpy(want, md, sizeof(want));
				if (memcmp(want, got[i], sizeof(want)))
					bad++;
			}
		}
	CHECK(bad == 0);
	lt_keyhash_wipe(&h);
}

int main(void)
{
	uint8_t secret[64], none[1] = { 0 };
	struct lt_keyhash h;
	struct lt_err err = { 0 };
	size_t i;

	for (i = 0; i < sizeof(material); i++)
		material[i] = (uint8_t)(i * 131 + 7);
	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(i * 37 + 11);
	fprintf(stderr, "t-keyhash: SHA extensions %s\n",
		lt_keyhash_cpu_shani() ? "present" : "absent (portable path only)");
	for (i = 0; i < 2; i++) {
		bool shani = i == 0;

		test_lengths(secret, 32, shani);
		test_lengths(secret, 64, shani);
		test_lengths(none, 0, shani);
		test_batches(secret, 32, shani);
		test_batches(secret, 64, shani);
	}
	/* longer secrets would need hashing first: refused */
	CHECK(lt_keyhash_init(&h, material, 65, true, &err) == LT_E_ARG);
	CHECK(strstr(err.msg, "secret") != NULL);
	{
		/* lt_unhex() undoes lt_hex(), exactly: scan.c turns a file's
		 * SHA-256 back into bytes with it */
		uint8_t d[32], back[32];
		char hex[65];
		int k;

		for (k = 0; k < 32; k++)
			d[k] = (uint8_t)(k * 37 + 5);
		lt_hex(hex, d, 32);
		CHECK(lt_unhex(back, hex, 32) && !memcmp(back, d, 32));
		CHECK(lt_unhex(back, "00FFaB", 3) && back[0] == 0 &&
		      back[1] == 0xff && back[2] == 0xab);
		CHECK(!lt_unhex(back, "00ff", 3));   /* too short */
		CHECK(!lt_unhex(back, "00ff0", 2));  /* too long */
		CHECK(!lt_unhex(back, "0g", 1));     /* not hex */
		CHECK(lt_unhex(back, "", 0));
	}
	CHECK_DONE();
}
