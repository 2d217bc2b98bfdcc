// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Protection detection (protect.h has the contract and the kinds).
 *
 * Compound files go through the CFB reader (cfb.c), whatever type
 * detection said among the compound kinds: the streams at the top of the
 * tree decide (EncryptedPackage, then Workbook/Book, WordDocument,
 * EncryptedSummary), so a large .xls detected from its head as "cfb-other"
 * is still checked as a workbook.
 *
 * "Protected" means a secret is needed.  Two kinds of encrypted files need
 * none, and both are checked with the real key derivation rather than
 * guessed: a PDF whose user password is empty (ISO 32000 algorithms 2, 4, 5
 * for R2-R4; SHA-256 for R5; the 2.B hash for R6), and an .xls encrypted
 * with Excel's default password "VelvetSweatshop" (MS-OFFCRYPTO 2.3.6 RC4,
 * 2.3.5 RC4 CryptoAPI, 2.3.7 XOR), which Excel writes for a workbook that
 * only carries a password to modify.
 *
 * RC4 is implemented here (twenty lines) instead of loading OpenSSL 3's
 * legacy provider: loading a provider changes process-wide state and the
 * legacy module is not installed everywhere.  MD5, SHA-1, SHA-2 and AES
 * come from OpenSSL's default provider (EVP).
 *
 * PDF: the /Encrypt dictionary is found from the tail: the trailer that
 * the last startxref points at (a classic "trailer" or an xref stream's
 * dictionary), else the last /Encrypt in the last 64 KiB.  An indirect
 * /Encrypt is looked for in the tail, then through the classic xref table,
 * then by a scan of the file (at most PDF_SCAN_MAX bytes).  Everything is
 * parsed out of bounded windows with an iterative lexer: no recursion on
 * nesting from the file.
 */
#include "triage/core/compat.h"

#include <ctype.h>
#include <openssl/evp.h>

#include "leaktriage/buf.h"
#include "leaktriage/detect.h"
#include "leaktriage/protect.h"
#include "scanners/detect/cfb.h"

#define BIFF_SCAN_MAX ((size_t)1 << 20) /* bytes of globals looked at */
#define PDF_TAIL ((size_t)64 << 10)
#define PDF_WINDOW ((size_t)64 << 10)
#define PDF_SCAN_MAX ((uint64_t)64 << 20)
#define PDF_CHUNK ((size_t)1 << 20)
#define VELVET "VelvetSweatshop"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void set(struct lt_protection *o, bool prot, bool strong,
		const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set(struct lt_protection *o, bool prot, bool strong,
		const char *kind, const char *fmt, ...)
{
	va_list ap;

	o->protected_ = prot;
	o->strong = strong;
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(o->detail, sizeof(o->detail), fmt, ap);
	va_end(ap);
}

/* Read len bytes at off (fewer at the end of the file) into buf. */
static int in_read(const struct lt_scan_input *in, uint64_t off, uint8_t *buf,
		   size_t len, size_t *got, struct lt_err *err)
{
	size_t done = 0;

	*got = 0;
	if (off >= in->size)
		return LT_OK;
	len = (size_t)LT_MIN((uint64_t)len, in->size - off);
	if (in->data) {
		memcpy(buf, in->data + off, len);
		*got = len;
		return LT_OK;
	}
	if (!in->read)
		return lt_err_set(err, LT_E_ARG, "no data to read");
	while (done < len) {
		size_t g = 0;
		int rc = in->read(in->src, off + done, buf + done, len - done,
				  &g, err);

		if (rc)
			return rc;
		if (!g)
			break;
		done += g;
	}
	*got = done;
	return LT_OK;
}

/* --- crypto helpers ------------------------------------------------------ */

void lt_rc4_init(struct lt_rc4 *r, const uint8_t *key, size_t len)
{
	unsigned i, j = 0;

	for (i = 0; i < 256; i++)
		r->s[i] = (uint8_t)i;
	for (i = 0; i < 256; i++) {
		uint8_t t = r->s[i];

		j = (j + t + key[i % len]) & 0xff;
		r->s[i] = r->s[j];
		r->s[j] = t;
	}
	r->i = r->j = 0;
}

void lt_rc4_run(struct lt_rc4 *r, const uint8_t *in, uint8_t *out, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++) {
		uint8_t t;

		r->i = (uint8_t)(r->i + 1);
		r->j = (uint8_t)(r->j + r->s[r->i]);
		t = r->s[r->i];
		r->s[r->i] = r->s[r->j];
		r->s[r->j] = t;
		out[k] = in[k] ^ r->s[(uint8_t)(r->s[r->i] + r->s[r->j])];
	}
}

/* A digest of up to four pieces; returns the digest length, 0 on error. */
static unsigned digest(const EVP_MD *md, uint8_t *out, const void *a,
		       size_t alen, const void *b, size_t blen, const void *c,
		       size_t clen, const void *d, size_t dlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned n = 0;

	if (!ctx)
		return 0;
	if (EVP_DigestInit_ex(ctx, md, NULL) &&
	    (!alen || EVP_DigestUpdate(ctx, a, alen)) &&
	    (!blen || EVP_DigestUpdate(ctx, b, blen)) &&
	    (!clen || EVP_DigestUpdate(ctx, c, clen)) &&
	    (!dlen || EVP_DigestUpdate(ctx, d, dlen)) &&
	    EVP_DigestFinal_ex(ctx, out, &n))
		;
	else
		n = 0;
	EVP_MD_CTX_free(ctx);
	return n;
}

/* UTF-16LE of an ASCII password (at most 255 characters). */
static size_t utf16(const char *pw, uint8_t *out)
{
	size_t i, n = strlen(pw);

	if (n > 255)
		n = 255;
	for (i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)pw[i];
		out[2 * i + 1] = 0;
	}
	return 2 * n;
}

/*
 * MS-OFFCRYPTO 2.3.6.2: the truncated hash of RC4 1.1 (5 bytes into h), the
 * start of every block key.  False when OpenSSL fails.
 */
static bool rc4_11_hash(const char *password, const uint8_t salt[16],
			uint8_t h[5])
{
	uint8_t pw[510], h0[EVP_MAX_MD_SIZE], buf[16 * 21], h1[EVP_MAX_MD_SIZE];
	size_t n = utf16(password, pw), i;

	if (digest(EVP_md5(), h0, pw, n, NULL, 0, NULL, 0, NULL, 0) != 16)
		return false;
	for (i = 0; i < 16; i++) {
		memcpy(buf + 21 * i, h0, 5);
		memcpy(buf + 21 * i + 5, salt, 16);
	}
	if (digest(EVP_md5(), h1, buf, sizeof(buf), NULL, 0, NULL, 0, NULL,
		   0) != 16)
		return false;
	memcpy(h, h1, 5);
	return true;
}

/* MS-OFFCRYPTO 2.3.5.2: H0 of RC4 CryptoAPI, SHA-1(salt + password). */
static bool cryptoapi_hash(const char *password, const uint8_t *salt,
			   size_t salt_len, uint8_t h[20])
{
	uint8_t pw[510];
	size_t n = utf16(password, pw);

	return digest(EVP_sha1(), h, salt, salt_len, pw, n, NULL, 0, NULL,
		      0) == 20;
}

int lt_prot_xls_block_key(const struct lt_xls_velvet *v, uint32_t block,
			  uint8_t key[16], size_t *len)
{
	uint8_t b[4], h[EVP_MAX_MD_SIZE];

	b[0] = (uint8_t)block;
	b[1] = (uint8_t)(block >> 8);
	b[2] = (uint8_t)(block >> 16);
	b[3] = (uint8_t)(block >> 24);
	memset(key, 0, 16);
	if (!v->cryptoapi) {
		if (digest(EVP_md5(), h, v->hash, 5, b, 4, NULL, 0, NULL, 0) !=
		    16)
			return -LT_E_DEP;
		memcpy(key, h, 16);
		*len = 16;
		return 0;
	}
	if (digest(EVP_sha1(), h, v->hash, 20, b, 4, NULL, 0, NULL, 0) != 20)
		return -LT_E_DEP;
	/* a 40-bit key is used as 128 bits, zero-padded (2.3.5.2) */
	memcpy(key, h, v->key_bits / 8);
	*len = v->key_bits == 40 ? 16 : v->key_bits / 8;
	return 0;
}

/* Decrypt the verifier and its hash with the key of block 0 and compare:
 * 1 match, 0 not, <0 error. */
static int verifier_check(const struct lt_xls_velvet *v,
			  const uint8_t verifier[16],
			  const uint8_t *verifier_hash, size_t hash_len)
{
	uint8_t key[16], vh[64], check[EVP_MAX_MD_SIZE], ver[16];
	size_t klen, dlen = v->cryptoapi ? 20 : 16;
	struct lt_rc4 r;
	int rc = lt_prot_xls_block_key(v, 0, key, &klen);

	if (rc)
		return rc;
	lt_rc4_init(&r, key, klen);
	lt_rc4_run(&r, verifier, ver, 16);
	lt_rc4_run(&r, verifier_hash, vh, hash_len);
	if (digest(v->cryptoapi ? EVP_sha1() : EVP_md5(), check, ver, 16,
		   NULL, 0, NULL, 0, NULL, 0) != dlen)
		return -LT_E_DEP;
	return !memcmp(check, vh, dlen);
}

/* MS-OFFCRYPTO 2.3.6.2 and 2.3.6.4: RC4 encryption, header version 1.1. */
int lt_prot_rc4_verify(const char *password, const uint8_t salt[16],
		       const uint8_t verifier[16],
		       const uint8_t verifier_hash[16])
{
	struct lt_xls_velvet v = { .cryptoapi = false, .key_bits = 40 };

	if (!rc4_11_hash(password, salt, v.hash))
		return -LT_E_DEP;
	return verifier_check(&v, verifier, verifier_hash, 16);
}

/* MS-OFFCRYPTO 2.3.5.2 and 2.3.5.6: RC4 CryptoAPI. */
int lt_prot_cryptoapi_verify(const char *password, const uint8_t *salt,
			     size_t salt_len, unsigned key_bits,
			     const uint8_t verifier[16],
			     const uint8_t *verifier_hash, size_t hash_len)
{
	struct lt_xls_velvet v = { .cryptoapi = true, .key_bits = key_bits };

	if (v.key_bits == 0)
		v.key_bits = 40;
	if (v.key_bits < 40 || v.key_bits > 128 || v.key_bits % 8 ||
	    hash_len < 20 || hash_len > 64)
		return 0;
	if (!cryptoapi_hash(password, salt, salt_len, v.hash))
		return -LT_E_DEP;
	return verifier_check(&v, verifier, verifier_hash, hash_len);
}

/* MS-OFFCRYPTO 2.3.7.1: the password verifier of XOR obfuscation. */
uint16_t lt_prot_xor_verifier(const char *password)
{
	size_t n = strlen(password), i;
	uint16_t v = 0;

	if (n > 15)
		n = 15;
	for (i = n + 1; i-- > 0;) {
		uint8_t c = i ? (uint8_t)password[i - 1] : (uint8_t)n;
		uint16_t i1 = (v & 0x4000) ? 1 : 0;
		uint16_t i2 = (uint16_t)((v << 1) & 0x7fff);

		v = (uint16_t)((i1 | i2) ^ c);
	}
	return (uint16_t)(v ^ 0xce4b);
}

/* --- compound files ------------------------------------------------------ */

/* Read at most max bytes of a stream (from its start). */
static int read_head(struct lt_cfb *f, const struct lt_cfb_entry *e,
		     size_t max, uint8_t **buf, size_t *len,
		     struct lt_err *err)
{
	struct lt_cfb_stream *s = NULL;
	size_t n = (size_t)LT_MIN(e->size, (uint64_t)max), got = 0;
	uint8_t *b;
	int rc = lt_cfb_stream_open(f, e, &s, err);

	if (rc)
		return rc;
	b = malloc(n ? n : 1);
	if (!b) {
		lt_cfb_stream_close(s);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	rc = lt_cfb_stream_read(s, 0, b, n, &got, err);
	lt_cfb_stream_close(s);
	if (rc) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = got;
	return LT_OK;
}

static const char *aes_name(uint32_t alg)
{
	switch (alg) {
	case 0x660e: return "AES-128";
	case 0x660f: return "AES-192";
	case 0x6610: return "AES-256";
	case 0x6801: return "RC4";
	default: return NULL;
	}
}

/* An XML attribute of the first <keyData> element of agile EncryptionInfo. */
static void xml_attr(const uint8_t *x, size_t len, const char *attr,
		     char *out, size_t outlen)
{
	const uint8_t *kd = memmem(x, len, "<keyData", 8), *e, *a;
	size_t an = strlen(attr), n;

	out[0] = '\0';
	if (!kd)
		return;
	e = memchr(kd, '>', len - (size_t)(kd - x));
	if (!e)
		return;
	for (a = kd; a + an + 2 < e; a++) {
		if (memcmp(a, attr, an) || a[-1] != ' ' || a[an] != '=' ||
		    (a[an + 1] != '"' && a[an + 1] != '\''))
			continue;
		a += an + 2;
		for (n = 0; a + n < e && a[n] != '"' && a[n] != '\'' &&
			    n + 1 < outlen;
		     n++)
			out[n] = isalnum(a[n]) || a[n] == '-' || a[n] == '_'
					 ? (char)a[n]
					 : '?';
		out[n] = '\0';
		return;
	}
}

static int check_ooxml(struct lt_cfb *f, struct lt_protection *o,
		       struct lt_err *err)
{
	struct lt_cfb_entry e;
	uint8_t *b = NULL;
	size_t len = 0;
	unsigned major, minor;
	uint32_t flags;
	int rc = lt_cfb_find(f, LT_CFB_ROOT, "EncryptionInfo", &e, err);

	if (rc == LT_E_NOTFOUND) {
		set(o, true, false, LT_PROT_OOXML_UNKNOWN,
		    "EncryptedPackage without EncryptionInfo (rights "
		    "management?)");
		return LT_OK;
	}
	if (!rc)
		rc = read_head(f, &e, 8192, &b, &len, err);
	if (rc)
		return rc;
	if (len < 8) {
		set(o, true, false, LT_PROT_OOXML_UNKNOWN,
		    "EncryptionInfo of %zu bytes", len);
		goto out;
	}
	major = le16(b);
	minor = le16(b + 2);
	flags = le32(b + 4);
	if (major == 4 && minor == 4) {
		char cipher[16], bits[8], hash[16];

		xml_attr(b + 8, len - 8, "cipherAlgorithm", cipher,
			 sizeof(cipher));
		xml_attr(b + 8, len - 8, "keyBits", bits, sizeof(bits));
		xml_attr(b + 8, len - 8, "hashAlgorithm", hash, sizeof(hash));
		set(o, true, !strcmp(cipher, "AES"), LT_PROT_OOXML_AGILE,
		    "agile encryption, %s-%s, %s", *cipher ? cipher : "?",
		    *bits ? bits : "?", *hash ? hash : "?");
	} else if (minor == 2 && major >= 2 && major <= 4) {
		/* EncryptionHeader after the header size: algID at +8 */
		uint32_t hsize = len >= 12 ? le32(b + 8) : 0, alg = 0;
		const char *an;
		bool aes = flags & 0x20;

		if (len >= 24 && hsize >= 16)
			alg = le32(b + 12 + 8);
		if (!alg && aes)
			alg = 0x660e; /* the default with fAES */
		an = aes_name(alg);
		set(o, true, aes && alg >= 0x660e && alg <= 0x6610,
		    LT_PROT_OOXML_STANDARD,
		    "standard encryption %u.%u, %s (flags 0x%02" PRIx32 ")",
		    major, minor, an ? an : "unknown algorithm", flags);
	} else if (minor == 3 && (major == 3 || major == 4)) {
		set(o, true, false, LT_PROT_OOXML_EXTENSIBLE,
		    "extensible encryption %u.%u (a third-party provider)",
		    major, minor);
	} else {
		set(o, true, false, LT_PROT_OOXML_UNKNOWN,
		    "EncryptionInfo version %u.%u", major, minor);
	}
out:
	free(b);
	return LT_OK;
}

/* The RC4 / CryptoAPI header of MS-OFFCRYPTO at p (after the version). */
struct enc_hdr {
	unsigned major, minor;
	bool cryptoapi;
	const uint8_t *salt, *verifier, *vhash;
	size_t salt_len, vhash_len;
	unsigned key_bits;
	bool complete; /* every field present */
};

static void parse_enc_hdr(const uint8_t *p, size_t len, struct enc_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len < 4)
		return;
	h->major = le16(p);
	h->minor = le16(p + 2);
	if (h->major == 1 && h->minor == 1) {
		if (len >= 4 + 48) {
			h->salt = p + 4;
			h->salt_len = 16;
			h->verifier = p + 20;
			h->vhash = p + 36;
			h->vhash_len = 16;
			h->complete = true;
		}
		return;
	}
	if (h->minor == 2 && h->major >= 2 && h->major <= 4) {
		uint32_t hsize;
		const uint8_t *v;
		size_t rest;

		h->cryptoapi = true;
		if (len < 12)
			return;
		hsize = le32(p + 8);
		if (hsize < 32 || hsize > len - 12)
			return;
		h->key_bits = le32(p + 12 + 16);
		v = p + 12 + hsize;
		rest = len - 12 - hsize;
		/* saltSize, salt, verifier(16), hashSize, hash */
		if (rest < 4 || le32(v) != 16 || rest < 4 + 16 + 16 + 4)
			return;
		h->salt = v + 4;
		h->salt_len = 16;
		h->verifier = v + 20;
		h->vhash_len = le32(v + 36);
		if (h->vhash_len < 20 || h->vhash_len > 32 ||
		    rest < 40 + h->vhash_len)
			return;
		h->vhash = v + 40;
		h->complete = true;
	}
}

/*
 * Does Excel's default password open it? 1 yes (and *out is the key
 * material), 0 no, <0 error.
 */
static int velvet(const struct enc_hdr *h, struct lt_xls_velvet *out)
{
	struct lt_xls_velvet v;
	int rc;

	if (!h->complete)
		return 0;
	memset(&v, 0, sizeof(v));
	v.cryptoapi = h->cryptoapi;
	v.key_bits = h->cryptoapi && h->key_bits ? h->key_bits : 40;
	if (v.key_bits < 40 || v.key_bits > 128 || v.key_bits % 8 ||
	    (h->cryptoapi && (h->vhash_len < 20 || h->vhash_len > 64)))
		return 0;
	if (h->cryptoapi ? !cryptoapi_hash(VELVET, h->salt, h->salt_len,
					   v.hash)
			 : !rc4_11_hash(VELVET, h->salt, v.hash))
		return -LT_E_DEP;
	rc = verifier_check(&v, h->verifier, h->vhash, h->vhash_len);
	if (rc == 1)
		*out = v;
	return rc;
}

int lt_prot_xls_velvet(const uint8_t *d, size_t n, struct lt_xls_velvet *out)
{
	struct enc_hdr h;

	if (n < 2 || le16(d) != 1)
		return 0; /* XOR obfuscation or unknown */
	parse_enc_hdr(d + 2, n - 2, &h);
	return velvet(&h, out);
}

#define DEFAULT_PW_DETAIL \
	"encrypted with Excel's default password VelvetSweatshop"

static int filepass(const uint8_t *d, size_t n, bool biff8,
		    struct lt_protection *o, struct lt_err *err)
{
	struct enc_hdr h;
	struct lt_xls_velvet key;
	int v;

	if (!biff8 || (n >= 2 && le16(d) == 0)) {
		/* XOR obfuscation: key, verifier (after the type in BIFF8) */
		const uint8_t *x = biff8 ? d + 2 : d;
		size_t xn = biff8 ? n - 2 : n;

		if (xn < 4)
			return lt_err_set(err, LT_E_CORRUPT,
					  "FILEPASS record of %zu bytes", n);
		if (le16(x + 2) == lt_prot_xor_verifier(VELVET))
			set(o, false, false, LT_PROT_XLS_XOR,
			    "XOR obfuscation, " DEFAULT_PW_DETAIL);
		else
			set(o, true, false, LT_PROT_XLS_XOR,
			    "XOR obfuscation");
		return LT_OK;
	}
	if (n < 2)
		return lt_err_set(err, LT_E_CORRUPT,
				  "FILEPASS record of %zu bytes", n);
	if (le16(d) != 1) {
		set(o, true, false, LT_PROT_XLS_RC4,
		    "FILEPASS with unknown encryption type %u", le16(d));
		return LT_OK;
	}
	parse_enc_hdr(d + 2, n - 2, &h);
	v = velvet(&h, &key);
	if (v < 0)
		return lt_err_set(err, -v, "OpenSSL digest failed");
	if (h.cryptoapi) {
		set(o, !v, false, LT_PROT_XLS_RC4_CRYPTOAPI,
		    "RC4 CryptoAPI %u.%u, %u-bit key%s%s", h.major, h.minor,
		    h.key_bits ? h.key_bits : 40, v ? ", " : "",
		    v ? DEFAULT_PW_DETAIL : "");
	} else if (h.major == 1 && h.minor == 1) {
		set(o, !v, false, LT_PROT_XLS_RC4, "RC4 1.1%s%s",
		    v ? ", " : "", v ? DEFAULT_PW_DETAIL : "");
	} else {
		set(o, true, false, LT_PROT_XLS_RC4,
		    "RC4 with unknown header version %u.%u", h.major, h.minor);
	}
	return LT_OK;
}

/*
 * The globals of a workbook stream (b, len; full the stream's size): a
 * FILEPASS before the first BOUNDSHEET or EOF.  A raw BIFF2-4 file (no
 * compound file) starts with its own BOF and can only use XOR.
 */
static int scan_biff(const uint8_t *b, size_t len, uint64_t full,
		     const char *name, struct lt_protection *o,
		     struct lt_err *err)
{
	size_t p = 0;
	bool biff8 = true, sheetprot = false;
	int rc = LT_OK;

	set(o, false, false, "", "%s", "");
	while (len - p >= 4) {
		unsigned type = le16(b + p), n = le16(b + p + 2);
		const uint8_t *d = b + p + 4;

		if (n > len - p - 4) {
			if (len == full)
				rc = lt_err_set(err, LT_E_CORRUPT,
						"'%s': BIFF record 0x%04x at "
						"offset %zu runs past the end",
						name, type, p);
			break;
		}
		if (p == 0) {
			if ((type != 0x0809 && type != 0x0009 &&
			     type != 0x0209 && type != 0x0409) ||
			    n < 2) {
				rc = lt_err_set(err, LT_E_CORRUPT,
						"'%s' does not start with a "
						"BOF record",
						name);
				break;
			}
			biff8 = type == 0x0809 && le16(d) >= 0x0600;
		} else if (type == 0x002f) {
			rc = filepass(d, n, biff8, o, err);
			break;
		} else if (type == 0x0085 || type == 0x000a ||
			   type == 0x0809) {
			break; /* BOUNDSHEET, EOF: past where FILEPASS lives */
		} else if (type == 0x0086 || type == 0x005b ||
			   type == 0x0012 || type == 0x0013) {
			sheetprot = true;
		}
		p += 4 + n;
	}
	if (!rc && !o->protected_ && !*o->kind && sheetprot)
		set(o, false, false, "",
		    "write reservation or workbook protection only (not "
		    "encryption)");
	return rc;
}

static int check_xls(struct lt_cfb *f, const struct lt_cfb_entry *e,
		     struct lt_protection *o, struct lt_err *err)
{
	uint8_t *b = NULL;
	size_t len = 0;
	int rc = read_head(f, e, BIFF_SCAN_MAX, &b, &len, err);

	if (rc)
		return rc;
	rc = scan_biff(b, len, e->size, e->name, o, err);
	free(b);
	return rc;
}

/* A BIFF2-4 worksheet outside a compound file (what libmagic may call
 * application/vnd.ms-excel): 09 00/02/04 xx, a length, 00. */
static int check_raw_biff(const struct lt_scan_input *in,
			  struct lt_protection *o, struct lt_err *err)
{
	size_t n = (size_t)LT_MIN(in->size, (uint64_t)BIFF_SCAN_MAX), got = 0;
	uint8_t *b = malloc(n ? n : 1);
	int rc;

	if (!b)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	rc = in_read(in, 0, b, n, &got, err);
	if (!rc)
		rc = scan_biff(b, got, in->size, "worksheet", o, err);
	free(b);
	return rc;
}

static int check_doc(struct lt_cfb *f, const struct lt_cfb_entry *e,
		     struct lt_protection *o, struct lt_err *err)
{
	struct lt_cfb_entry t;
	uint8_t *b = NULL, *tb = NULL;
	size_t len = 0, tlen = 0;
	unsigned ident, flags;
	struct enc_hdr h;
	int rc = read_head(f, e, 64, &b, &len, err);

	if (rc)
		return rc;
	if (len < 12) {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"WordDocument stream of %zu bytes", len);
		goto out;
	}
	ident = le16(b);
	flags = le16(b + 0x0a);
	if (ident != 0xa5ec && ident != 0xa5dc) {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"WordDocument: FIB identifier 0x%04x", ident);
		goto out;
	}
	if (!(flags & 0x0100)) {
		set(o, false, false, "", "%s",
		    flags & 0x0800 ? "write reservation only (not encryption)"
				   : "");
		goto out;
	}
	if ((flags & 0x8000) || ident == 0xa5dc) {
		set(o, true, false, LT_PROT_DOC_XOR, "XOR obfuscation");
		goto out;
	}
	rc = lt_cfb_find(f, LT_CFB_ROOT, flags & 0x0200 ? "1Table" : "0Table",
			 &t, err);
	if (rc == LT_E_NOTFOUND) {
		rc = LT_OK;
		set(o, true, false, LT_PROT_DOC_RC4,
		    "encrypted; the table stream is missing");
		goto out;
	}
	if (!rc)
		rc = read_head(f, &t, 4096, &tb, &tlen, err);
	if (rc)
		goto out;
	parse_enc_hdr(tb, tlen, &h);
	if (h.cryptoapi)
		set(o, true, false, LT_PROT_DOC_RC4_CRYPTOAPI,
		    "RC4 CryptoAPI %u.%u, %u-bit key", h.major, h.minor,
		    h.key_bits ? h.key_bits : 40);
	else if (h.major == 1 && h.minor == 1)
		set(o, true, false, LT_PROT_DOC_RC4, "RC4 1.1");
	else
		set(o, true, false, LT_PROT_DOC_RC4,
		    "RC4 with unknown header version %u.%u", h.major, h.minor);
out:
	free(b);
	free(tb);
	return rc;
}

static int check_cfb(const struct lt_scan_input *in, struct lt_protection *o,
		     struct lt_err *err)
{
	static const char *const xls[] = { "Workbook", "Book" };
	struct lt_cfb *f = NULL;
	struct lt_cfb_entry e;
	size_t i;
	uint8_t h[4] = { 0 };
	size_t got = 0;
	int rc;

	rc = in_read(in, 0, h, sizeof(h), &got, err);
	if (rc)
		return rc;
	if (got == 4 && h[0] == 0x09 && (h[1] == 0 || h[1] == 2 || h[1] == 4) &&
	    h[3] == 0)
		return check_raw_biff(in, o, err);
	rc = lt_cfb_open(in, &f, err);
	if (rc)
		return rc;
	rc = lt_cfb_find(f, LT_CFB_ROOT, "EncryptedPackage", &e, err);
	if (rc != LT_E_NOTFOUND) {
		if (!rc)
			rc = check_ooxml(f, o, err);
		goto out;
	}
	for (i = 0; i < LT_ARRAY_SIZE(xls); i++) {
		rc = lt_cfb_find(f, LT_CFB_ROOT, xls[i], &e, err);
		if (rc != LT_E_NOTFOUND) {
			if (!rc && e.type == LT_CFB_STREAM)
				rc = check_xls(f, &e, o, err);
			goto out;
		}
	}
	rc = lt_cfb_find(f, LT_CFB_ROOT, "WordDocument", &e, err);
	if (rc != LT_E_NOTFOUND) {
		if (!rc && e.type == LT_CFB_STREAM)
			rc = check_doc(f, &e, o, err);
		goto out;
	}
	rc = lt_cfb_find(f, LT_CFB_ROOT, "EncryptedSummary", &e, err);
	if (rc != LT_E_NOTFOUND) {
		if (!rc)
			set(o, true, false, LT_PROT_PPT_RC4_CRYPTOAPI,
			    "encrypted PowerPoint document (RC4 CryptoAPI)");
		goto out;
	}
	rc = LT_OK; /* another compound file: nothing encrypted found */
out:
	lt_cfb_close(f);
	return rc;
}

/* --- PDF ---------------------------------------------------------------- */

struct win {
	uint8_t *p;
	size_t len;
	uint64_t off; /* of p[0] in the file */
};

static int win_read(const struct lt_scan_input *in, uint64_t off, size_t len,
		    struct win *w, struct lt_err *err)
{
	uint8_t *p = realloc(w->p, len ? len : 1);
	int rc;

	if (!p)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	w->p = p;
	w->off = off;
	rc = in_read(in, off, p, len, &w->len, err);
	return rc;
}

static bool pdf_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == 0;
}

static bool pdf_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static size_t skip_ws(const uint8_t *p, size_t len, size_t i)
{
	while (i < len) {
		if (pdf_space(p[i])) {
			i++;
		} else if (p[i] == '%') {
			while (i < len && p[i] != '\r' && p[i] != '\n')
				i++;
		} else {
			break;
		}
	}
	return i;
}

/* End of a literal string starting at p[i] == '(' (index past ')'), or 0. */
static size_t lit_end(const uint8_t *p, size_t len, size_t i)
{
	size_t depth = 0;

	for (; i < len; i++) {
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

/*
 * The end of the object (value) starting at p[i] (after white space), or 0
 * when it does not end inside the window.  Dictionaries and arrays are
 * skipped with a depth counter (no recursion).
 */
static size_t obj_end(const uint8_t *p, size_t len, size_t i)
{
	size_t depth = 0;

	i = skip_ws(p, len, i);
	do {
		i = skip_ws(p, len, i);
		if (i >= len)
			return 0;
		if (p[i] == '(') {
			i = lit_end(p, len, i);
			if (!i)
				return 0;
		} else if (p[i] == '<' && i + 1 < len && p[i + 1] == '<') {
			depth++;
			i += 2;
		} else if (p[i] == '>' && i + 1 < len && p[i + 1] == '>') {
			if (!depth)
				return 0;
			depth--;
			i += 2;
		} else if (p[i] == '<') {
			const uint8_t *e = memchr(p + i, '>', len - i);

			if (!e)
				return 0;
			i = (size_t)(e - p) + 1;
		} else if (p[i] == '[') {
			depth++;
			i++;
		} else if (p[i] == ']') {
			if (!depth)
				return 0;
			depth--;
			i++;
		} else if (p[i] == '/') {
			i++;
			while (i < len && !pdf_space(p[i]) && !pdf_delim(p[i]))
				i++;
		} else if (p[i] == ')' || p[i] == '>' || p[i] == '{' ||
			   p[i] == '}') {
			return 0;
		} else {
			while (i < len && !pdf_space(p[i]) && !pdf_delim(p[i]))
				i++;
			/* "N G R": a reference is one value */
			if (!depth) {
				size_t j = skip_ws(p, len, i), k;

				if (j < len && isdigit(p[j])) {
					k = j;
					while (k < len && isdigit(p[k]))
						k++;
					k = skip_ws(p, len, k);
					if (k < len && p[k] == 'R' &&
					    (k + 1 == len ||
					     pdf_space(p[k + 1]) ||
					     pdf_delim(p[k + 1])))
						i = k + 1;
				}
			}
		}
	} while (depth);
	return i;
}

/* A value of a dictionary: [*start, *end) in p. */
struct span {
	size_t a, b;
	bool ok;
};

/*
 * The value of key (a name without '/') at the top level of the dictionary
 * at p[i] ("<<").  Keys are compared exactly.
 */
static struct span dict_get(const uint8_t *p, size_t len, size_t i,
			    const char *key)
{
	struct span s = { 0, 0, false };
	size_t kn = strlen(key);

	i = skip_ws(p, len, i);
	if (i + 1 >= len || p[i] != '<' || p[i + 1] != '<')
		return s;
	i += 2;
	for (;;) {
		size_t k0, k1, v;

		i = skip_ws(p, len, i);
		if (i + 1 < len && p[i] == '>' && p[i + 1] == '>')
			return s;
		if (i >= len || p[i] != '/')
			return s;
		k0 = ++i;
		while (i < len && !pdf_space(p[i]) && !pdf_delim(p[i]))
			i++;
		k1 = i;
		v = skip_ws(p, len, i);
		i = obj_end(p, len, v);
		if (!i)
			return s;
		if (k1 - k0 == kn && !memcmp(p + k0, key, kn)) {
			s.a = v;
			s.b = i;
			s.ok = true;
			return s;
		}
	}
}

static bool span_int(const uint8_t *p, struct span s, long long *v)
{
	char buf[32];
	size_t n = s.b - s.a;
	char *end;

	if (!s.ok || !n || n >= sizeof(buf))
		return false;
	memcpy(buf, p + s.a, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return !errno && end != buf && (*end == '\0' || pdf_space(*end) ||
					*end == 'R' || *end == '.');
}

static bool span_name(const uint8_t *p, struct span s, const char *name)
{
	size_t n = strlen(name);

	return s.ok && s.b - s.a == n + 1 && p[s.a] == '/' &&
	       !memcmp(p + s.a + 1, name, n);
}

/* A reference "N G R": its numbers. */
static bool span_ref(const uint8_t *p, struct span s, unsigned long *num,
		     unsigned long *gen)
{
	size_t i = s.a;
	char *end;
	char buf[48];
	size_t n = s.b - s.a;

	if (!s.ok || n >= sizeof(buf) || !n || !isdigit(p[i]) ||
	    p[s.b - 1] != 'R')
		return false;
	memcpy(buf, p + s.a, n);
	buf[n] = '\0';
	*num = strtoul(buf, &end, 10);
	*gen = strtoul(end, &end, 10);
	while (pdf_space(*end))
		end++;
	return *end == 'R';
}

/* Decode a string object (literal or hex) into out (at most cap bytes). */
static size_t span_string(const uint8_t *p, struct span s, uint8_t *out,
			  size_t cap)
{
	size_t i = s.a, o = 0;

	if (!s.ok || i >= s.b)
		return 0;
	if (p[i] == '<') {
		int hi = -1;

		for (i++; i < s.b && p[i] != '>' && o < cap; i++) {
			int v;

			if (isdigit(p[i]))
				v = p[i] - '0';
			else if (p[i] >= 'a' && p[i] <= 'f')
				v = p[i] - 'a' + 10;
			else if (p[i] >= 'A' && p[i] <= 'F')
				v = p[i] - 'A' + 10;
			else
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				out[o++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
		if (hi >= 0 && o < cap)
			out[o++] = (uint8_t)(hi << 4);
		return o;
	}
	if (p[i] != '(')
		return 0;
	for (i++; i + 1 < s.b && o < cap; i++) {
		uint8_t c = p[i];

		if (c == '\r') { /* an end of line is one LF */
			if (i + 2 < s.b && p[i + 1] == '\n')
				i++;
			out[o++] = '\n';
			continue;
		}
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		c = p[++i];
		switch (c) {
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case '\r':
			if (i + 2 < s.b && p[i + 1] == '\n')
				i++;
			break; /* a line continuation */
		case '\n':
			break;
		default:
			if (c >= '0' && c <= '7') {
				unsigned v = c - '0', k;

				for (k = 0; k < 2 && i + 2 < s.b &&
					    p[i + 1] >= '0' && p[i + 1] <= '7';
				     k++)
					v = v * 8 + (p[++i] - '0');
				out[o++] = (uint8_t)v;
			} else {
				out[o++] = c;
			}
		}
	}
	return o;
}

/* The last occurrence of needle in p[0..len). */
static const uint8_t *memrmem(const uint8_t *p, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	if (len < n)
		return NULL;
	for (i = len - n + 1; i-- > 0;)
		if (p[i] == (uint8_t)needle[0] && !memcmp(p + i, needle, n))
			return p + i;
	return NULL;
}

/* The last key `key` ("/Encrypt") in p that is a whole name: the index
 * after it, or SIZE_MAX. */
static size_t last_key(const uint8_t *p, size_t len, const char *key)
{
	const uint8_t *k;

	while ((k = memrmem(p, len, key))) {
		size_t i = (size_t)(k - p) + strlen(key);

		if (i == len || pdf_space(p[i]) || pdf_delim(p[i]))
			return i;
		len = (size_t)(k - p);
	}
	return SIZE_MAX;
}

/* "N G obj" at p[i] (after white space): the index after "obj", or 0. */
static size_t obj_header(const uint8_t *p, size_t len, size_t i,
			 unsigned long *num, unsigned long *gen)
{
	unsigned long a = 0, b = 0;
	size_t d;

	i = skip_ws(p, len, i);
	for (d = 0; i < len && isdigit(p[i]) && d < 12; i++, d++)
		a = a * 10 + (unsigned long)(p[i] - '0');
	if (!d || i >= len || !pdf_space(p[i]))
		return 0;
	i = skip_ws(p, len, i);
	for (d = 0; i < len && isdigit(p[i]) && d < 6; i++, d++)
		b = b * 10 + (unsigned long)(p[i] - '0');
	if (!d)
		return 0;
	i = skip_ws(p, len, i);
	if (len - i < 3 || memcmp(p + i, "obj", 3))
		return 0;
	*num = a;
	*gen = b;
	return i + 3;
}

/* Is "N G obj" at p[i], preceded by a delimiter (start of a line)? */
static bool is_obj_at(const uint8_t *p, size_t len, size_t i, unsigned long n,
		      unsigned long g)
{
	unsigned long a, b;

	if (i > 0 && !pdf_space(p[i - 1]) && !pdf_delim(p[i - 1]))
		return false;
	return obj_header(p, len, i, &a, &b) && a == n && b == g;
}

/* Search w for the last "N G obj"; its offset in the window or SIZE_MAX. */
static size_t find_obj(const uint8_t *p, size_t len, unsigned long n,
		       unsigned long g)
{
	char pat[48];
	size_t plen = (size_t)snprintf(pat, sizeof(pat), "%lu %lu obj", n, g);
	size_t i;

	if (len < plen)
		return SIZE_MAX;
	for (i = len - plen + 1; i-- > 0;)
		if (p[i] == (uint8_t)pat[0] && is_obj_at(p, len, i, n, g))
			return i;
	return SIZE_MAX;
}

struct pdf {
	const struct lt_scan_input *in;
	struct win tail, w;  /* the last PDF_TAIL bytes; a work window */
	uint64_t xref;       /* classic xref table offset, or UINT64_MAX */
	struct lt_err *err;
};

/* Offset of object n from the classic xref section at pdf->xref. */
static int xref_lookup(struct pdf *d, unsigned long n, uint64_t *off)
{
	struct win w = { 0 };
	size_t i;
	int rc;

	*off = UINT64_MAX;
	if (d->xref == UINT64_MAX)
		return LT_OK;
	rc = win_read(d->in, d->xref, PDF_WINDOW, &w, d->err);
	if (rc)
		goto out;
	i = skip_ws(w.p, w.len, 0) + 4; /* "xref" */
	for (;;) {
		unsigned long start, count;
		char *end;
		char buf[48];
		size_t k;

		i = skip_ws(w.p, w.len, i);
		for (k = 0; i + k < w.len && k + 1 < sizeof(buf) &&
			    w.p[i + k] != '\r' && w.p[i + k] != '\n';
		     k++)
			buf[k] = (char)w.p[i + k];
		buf[k] = '\0';
		if (!isdigit((unsigned char)buf[0]))
			break; /* "trailer" */
		start = strtoul(buf, &end, 10);
		count = strtoul(end, &end, 10);
		i += k;
		i = skip_ws(w.p, w.len, i);
		if (n >= start && n - start < count) {
			uint64_t at = (uint64_t)i + (n - start) * 20;

			if (at + 18 > w.len) {
				/* beyond the window: read the entry */
				rc = win_read(d->in, w.off + at, 20, &w,
					      d->err);
				if (rc || w.len < 18)
					goto out;
				at = 0;
			}
			if (w.p[at + 17] == 'n') {
				uint64_t v = 0;

				for (k = 0; k < 10; k++) {
					if (!isdigit(w.p[at + k]))
						goto out;
					v = v * 10 +
					    (uint64_t)(w.p[at + k] - '0');
				}
				*off = v;
			}
			goto out;
		}
		if ((uint64_t)count * 20 > w.len - i)
			break; /* a huge section before ours: give up here */
		i += count * 20;
	}
out:
	free(w.p);
	return rc;
}

/*
 * Find object n g: the tail, the xref table, then a scan of the file.  On
 * success d->w holds a window starting at the object.
 */
static int locate_obj(struct pdf *d, unsigned long n, unsigned long g,
		      bool *found)
{
	uint64_t off, pos;
	size_t i;
	int rc;

	*found = false;
	i = find_obj(d->tail.p, d->tail.len, n, g);
	if (i != SIZE_MAX) {
		*found = true;
		return win_read(d->in, d->tail.off + i, PDF_WINDOW, &d->w,
				d->err);
	}
	rc = xref_lookup(d, n, &off);
	if (rc)
		return rc;
	if (off != UINT64_MAX) {
		rc = win_read(d->in, off, PDF_WINDOW, &d->w, d->err);
		if (rc)
			return rc;
		if (is_obj_at(d->w.p, d->w.len, skip_ws(d->w.p, d->w.len, 0),
			      n, g)) {
			*found = true;
			return LT_OK;
		}
	}
	/* a bounded scan, chunks overlapping by 64 bytes */
	for (pos = 0; pos < d->in->size && pos < PDF_SCAN_MAX;
	     pos += PDF_CHUNK - 64) {
		rc = win_read(d->in, pos, PDF_CHUNK, &d->w, d->err);
		if (rc)
			return rc;
		i = find_obj(d->w.p, d->w.len, n, g);
		if (i != SIZE_MAX) {
			*found = true;
			return win_read(d->in, pos + i, PDF_WINDOW, &d->w,
					d->err);
		}
		if (d->w.len < PDF_CHUNK)
			break;
	}
	return LT_OK;
}

/* Read the trailer dictionary startxref points at into d->w (from "<<");
 * *ok false when there is none to be found that way. */
static int read_trailer(struct pdf *d, bool *ok)
{
	const uint8_t *sx = memrmem(d->tail.p, d->tail.len, "startxref");
	uint64_t off = 0, pos;
	size_t i;
	unsigned long n, g;
	int rc;

	*ok = false;
	d->xref = UINT64_MAX;
	if (!sx)
		return LT_OK;
	i = skip_ws(d->tail.p, d->tail.len,
		    (size_t)(sx - d->tail.p) + 9);
	if (i >= d->tail.len || !isdigit(d->tail.p[i]))
		return LT_OK;
	for (; i < d->tail.len && isdigit(d->tail.p[i]); i++) {
		off = off * 10 + (uint64_t)(d->tail.p[i] - '0');
		if (off >= d->in->size)
			return LT_OK;
	}
	rc = win_read(d->in, off, PDF_WINDOW, &d->w, d->err);
	if (rc)
		return rc;
	i = skip_ws(d->w.p, d->w.len, 0);
	if (d->w.len - i >= 4 && !memcmp(d->w.p + i, "xref", 4)) {
		d->xref = off;
		/* the trailer follows the table, maybe far: scan for it */
		for (pos = off; pos - off < PDF_SCAN_MAX;
		     pos += PDF_CHUNK - 16) {
			const uint8_t *t;

			rc = win_read(d->in, pos, PDF_CHUNK, &d->w, d->err);
			if (rc)
				return rc;
			t = memmem(d->w.p, d->w.len, "trailer", 7);
			if (t) {
				rc = win_read(d->in,
					      pos + (size_t)(t - d->w.p) + 7,
					      PDF_WINDOW, &d->w, d->err);
				if (rc)
					return rc;
				*ok = true;
				return LT_OK;
			}
			if (d->w.len < PDF_CHUNK)
				break;
		}
		return LT_OK;
	}
	i = obj_header(d->w.p, d->w.len, i, &n, &g);
	if (!i)
		return LT_OK;
	/* an xref stream: its dictionary is the trailer */
	memmove(d->w.p, d->w.p + i, d->w.len - i);
	d->w.len -= i;
	d->w.off += i;
	*ok = true;
	return LT_OK;
}

struct pdf_enc {
	bool standard;
	char filter[32];
	long long v, r, len_bits, perm;
	bool have_v, have_r, encrypt_metadata;
	char cfm[16];          /* of the stream filter: "AESV2", "V2" ... */
	uint8_t o[127], u[127];
	size_t olen, ulen;
	uint8_t id[64];
	size_t idlen;
};

static void span_text(const uint8_t *p, struct span s, char *out, size_t cap)
{
	size_t n = 0, i = s.a;

	if (s.ok && i < s.b && p[i] == '/')
		i++;
	for (; s.ok && i < s.b && n + 1 < cap; i++)
		out[n++] = isalnum(p[i]) || p[i] == '.' || p[i] == '-' ||
				   p[i] == '_'
			   ? (char)p[i]
			   : '?';
	out[n] = '\0';
}

static void parse_enc(const uint8_t *p, size_t len, size_t at,
		      struct pdf_enc *e)
{
	struct span s;

	s = dict_get(p, len, at, "Filter");
	span_text(p, s, e->filter, sizeof(e->filter));
	e->standard = span_name(p, s, "Standard");
	e->have_v = span_int(p, dict_get(p, len, at, "V"), &e->v);
	e->have_r = span_int(p, dict_get(p, len, at, "R"), &e->r);
	if (!span_int(p, dict_get(p, len, at, "Length"), &e->len_bits))
		e->len_bits = 40;
	if (!span_int(p, dict_get(p, len, at, "P"), &e->perm))
		e->perm = 0;
	s = dict_get(p, len, at, "EncryptMetadata");
	e->encrypt_metadata = !(s.ok && s.b - s.a == 5 &&
				!memcmp(p + s.a, "false", 5));
	e->olen = span_string(p, dict_get(p, len, at, "O"), e->o,
			      sizeof(e->o));
	e->ulen = span_string(p, dict_get(p, len, at, "U"), e->u,
			      sizeof(e->u));
	e->cfm[0] = '\0';
	s = dict_get(p, len, at, "CF");
	if (s.ok && p[s.a] == '<') {
		char fname[32] = "StdCF";
		struct span stm = dict_get(p, len, at, "StmF"), f;

		if (stm.ok)
			span_text(p, stm, fname, sizeof(fname));
		f = dict_get(p, s.b, s.a, fname);
		if (f.ok && p[f.a] == '<')
			span_text(p, dict_get(p, f.b, f.a, "CFM"), e->cfm,
				  sizeof(e->cfm));
	}
}

/* ISO 32000-1 algorithm 2: the file key from a password (R2-R4). */
static const uint8_t pdf_pad[32] = {
	0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e,
	0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68,
	0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
};

static int empty_pw_md5(const struct pdf_enc *e)
{
	uint8_t h[EVP_MAX_MD_SIZE], p4[4], ff[4] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t key[16], x[32];
	size_t n = e->r == 2 ? 5 : (size_t)(e->len_bits / 8), i, k;
	uint32_t perm = (uint32_t)e->perm;
	struct lt_rc4 r;

	if (n < 5 || n > 16 || e->olen < 32 || e->ulen < 16)
		return 0;
	p4[0] = (uint8_t)perm;
	p4[1] = (uint8_t)(perm >> 8);
	p4[2] = (uint8_t)(perm >> 16);
	p4[3] = (uint8_t)(perm >> 24);
	if (digest(EVP_md5(), h, pdf_pad, 32, e->o, 32, p4, 4, e->id,
		   e->idlen) != 16)
		return -LT_E_DEP;
	if (e->r >= 4 && !e->encrypt_metadata) {
		/* MD5 over the same input plus ff ff ff ff */
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		unsigned hl = 0;
		int ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) &&
			 EVP_DigestUpdate(c, pdf_pad, 32) &&
			 EVP_DigestUpdate(c, e->o, 32) &&
			 EVP_DigestUpdate(c, p4, 4) &&
			 (!e->idlen || EVP_DigestUpdate(c, e->id, e->idlen)) &&
			 EVP_DigestUpdate(c, ff, 4) &&
			 EVP_DigestFinal_ex(c, h, &hl);

		EVP_MD_CTX_free(c);
		if (!ok)
			return -LT_E_DEP;
	}
	if (e->r >= 3)
		for (i = 0; i < 50; i++)
			if (digest(EVP_md5(), h, h, n, NULL, 0, NULL, 0, NULL,
				   0) != 16)
				return -LT_E_DEP;
	memcpy(key, h, n);
	if (e->r == 2) { /* algorithm 4 */
		if (e->ulen < 32)
			return 0;
		lt_rc4_init(&r, key, n);
		lt_rc4_run(&r, pdf_pad, x, 32);
		return !memcmp(x, e->u, 32);
	}
	/* algorithm 5 */
	if (digest(EVP_md5(), x, pdf_pad, 32, e->id, e->idlen, NULL, 0, NULL,
		   0) != 16)
		return -LT_E_DEP;
	for (i = 0; i < 20; i++) {
		uint8_t k2[16];

		for (k = 0; k < n; k++)
			k2[k] = (uint8_t)(key[k] ^ i);
		lt_rc4_init(&r, k2, n);
		lt_rc4_run(&r, x, x, 16);
	}
	return !memcmp(x, e->u, 16);
}

/* ISO 32000-2 7.6.4.3.4, algorithm 2.B, for an empty password and no
 * user key data (checking /U). */
static int hash_2b(const uint8_t salt[8], uint8_t out[32])
{
	uint8_t k[64], e[64 * 64], k1[64 * 64];
	size_t klen = 32, i;
	unsigned round = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int rc = -LT_E_DEP;

	if (!c || digest(EVP_sha256(), k, salt, 8, NULL, 0, NULL, 0, NULL,
			 0) != 32)
		goto out;
	for (;;) {
		size_t n = 64 * klen;
		int ol = 0, fl = 0;
		unsigned sum = 0;
		const EVP_MD *md;

		for (i = 0; i < 64; i++)
			memcpy(k1 + i * klen, k, klen);
		if (!EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k,
					k + 16) ||
		    !EVP_CIPHER_CTX_set_padding(c, 0) ||
		    !EVP_EncryptUpdate(c, e, &ol, k1, (int)n) ||
		    !EVP_EncryptFinal_ex(c, e + ol, &fl))
			goto out;
		for (i = 0; i < 16; i++)
			sum += e[i];
		md = sum % 3 == 0 ? EVP_sha256()
		     : sum % 3 == 1 ? EVP_sha384()
				    : EVP_sha512();
		klen = digest(md, k, e, n, NULL, 0, NULL, 0, NULL, 0);
		if (!klen)
			goto out;
		round++;
		if (round >= 64 && e[n - 1] <= round - 32)
			break;
	}
	memcpy(out, k, 32);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

/* 1: the empty user password opens the file; 0: it does not (or cannot
 * be checked); <0: -lt_code. */
static int empty_pw(const struct pdf_enc *e)
{
	uint8_t h[EVP_MAX_MD_SIZE];
	int rc;

	if (!e->standard || !e->have_r)
		return 0;
	if (e->r >= 2 && e->r <= 4)
		return empty_pw_md5(e);
	if (e->ulen < 48)
		return 0;
	if (e->r == 5) {
		if (digest(EVP_sha256(), h, e->u + 32, 8, NULL, 0, NULL, 0,
			   NULL, 0) != 32)
			return -LT_E_DEP;
		return !memcmp(h, e->u, 32);
	}
	if (e->r == 6) {
		rc = hash_2b(e->u + 32, h);
		if (rc)
			return rc;
		return !memcmp(h, e->u, 32);
	}
	return 0;
}

static void pdf_kind(const struct pdf_enc *e, struct lt_protection *o,
		     char *what, size_t whatlen)
{
	bool aes = !strcmp(e->cfm, "AESV2") || !strcmp(e->cfm, "AESV3") ||
		   (e->have_v && e->v == 5);
	const char *cipher;
	char bits[24];

	if (aes) {
		cipher = !strcmp(e->cfm, "AESV2") ? "AES-128 (AESV2)"
						  : "AES-256 (AESV3)";
	} else if (e->have_v && e->v == 1) {
		cipher = "RC4 40-bit";
	} else {
		long long b = e->have_v && e->v >= 2 ? e->len_bits : 40;

		if (!strcmp(e->cfm, "V2") || e->cfm[0] == '\0')
			snprintf(bits, sizeof(bits), "RC4 %lld-bit", b);
		else
			snprintf(bits, sizeof(bits), "crypt filter %s",
				 e->cfm);
		cipher = bits;
	}
	if (e->standard)
		snprintf(what, whatlen, "R%lld, %s", e->have_r ? e->r : 0,
			 cipher);
	else
		snprintf(what, whatlen, "security handler /%s, %s",
			 *e->filter ? e->filter : "?", cipher);
	snprintf(o->kind, sizeof(o->kind), "%s",
		 !e->standard && !aes ? LT_PROT_PDF_OTHER
		 : aes		     ? LT_PROT_PDF_AES
				     : LT_PROT_PDF_RC4);
	o->strong = aes;
}

static int check_pdf(const struct lt_scan_input *in, struct lt_protection *o,
		     struct lt_err *err)
{
	struct pdf d = { .in = in, .err = err, .xref = UINT64_MAX };
	struct pdf_enc e;
	struct span enc = { 0, 0, false }, id = { 0, 0, false };
	const uint8_t *tp = NULL;
	size_t tlen = 0, at = 0;
	unsigned long num, gen;
	bool ok = false, found;
	char what[96];
	int rc, v;
	uint64_t toff = in->size > PDF_TAIL ? in->size - PDF_TAIL : 0;

	memset(&e, 0, sizeof(e));
	rc = win_read(in, toff, PDF_TAIL, &d.tail, err);
	if (rc)
		goto out;
	rc = read_trailer(&d, &ok);
	if (rc)
		goto out;
	if (ok) {
		tp = d.w.p;
		tlen = d.w.len;
		at = skip_ws(tp, tlen, 0);
		enc = dict_get(tp, tlen, at, "Encrypt");
	}
	if (!enc.ok) {
		/* no usable trailer, or one without /Encrypt: the last
		 * /Encrypt of the tail (a damaged startxref, an update) */
		size_t i = last_key(d.tail.p, d.tail.len, "/Encrypt"), j;

		if (i == SIZE_MAX) {
			set(o, false, false, "", "%s", "");
			goto out;
		}
		i = skip_ws(d.tail.p, d.tail.len, i);
		if (i >= d.tail.len ||
		    (d.tail.p[i] != '<' && !isdigit(d.tail.p[i]))) {
			set(o, false, false, "", "%s", "");
			goto out;
		}
		j = obj_end(d.tail.p, d.tail.len, i);
		if (!j) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"PDF: unreadable /Encrypt value");
			goto out;
		}
		tp = d.tail.p;
		tlen = d.tail.len;
		enc.a = i;
		enc.b = j;
		enc.ok = true;
		/* /ID: the last one of the tail */
		i = last_key(tp, tlen, "/ID");
		if (i != SIZE_MAX) {
			id.a = skip_ws(tp, tlen, i);
			id.b = obj_end(tp, tlen, id.a);
			id.ok = id.b != 0;
		}
	} else {
		id = dict_get(tp, tlen, at, "ID");
	}
	if (id.ok && tp[id.a] == '[') {
		struct span first;

		first.a = skip_ws(tp, id.b, id.a + 1);
		first.b = obj_end(tp, id.b, first.a);
		first.ok = first.b != 0;
		e.idlen = span_string(tp, first, e.id, sizeof(e.id));
	}
	if (tp[enc.a] == '<') {
		parse_enc(tp, enc.b, enc.a, &e);
	} else if (span_ref(tp, enc, &num, &gen)) {
		size_t i;

		rc = locate_obj(&d, num, gen, &found);
		if (rc)
			goto out;
		if (!found) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"PDF: /Encrypt object %lu %lu not "
					"found",
					num, gen);
			goto out;
		}
		i = obj_header(d.w.p, d.w.len, skip_ws(d.w.p, d.w.len, 0),
			       &num, &gen);
		i = skip_ws(d.w.p, d.w.len, i);
		if (!i || i + 1 >= d.w.len || d.w.p[i] != '<') {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"PDF: /Encrypt object %lu %lu is not a "
					"dictionary",
					num, gen);
			goto out;
		}
		parse_enc(d.w.p, d.w.len, i, &e);
	} else {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"PDF: /Encrypt is neither a dictionary nor a "
				"reference");
		goto out;
	}
	pdf_kind(&e, o, what, sizeof(what));
	v = empty_pw(&e);
	if (v < 0) {
		rc = lt_err_set(err, -v, "OpenSSL failed");
		goto out;
	}
	o->protected_ = !v;
	if (v)
		snprintf(o->detail, sizeof(o->detail),
			 "encrypted with an empty user password (%s)", what);
	else
		snprintf(o->detail, sizeof(o->detail), "%s%s", what,
			 e.standard ? ", user password set" : "");
out:
	free(d.tail.p);
	free(d.w.p);
	return rc;
}

int lt_protection_check(const struct lt_scan_input *in, int kind,
			struct lt_protection *out, struct lt_err *err)
{
	struct lt_protection o;
	int rc = LT_OK;

	memset(&o, 0, sizeof(o));
	switch (kind) {
	case LT_KIND_OOXML_ENCRYPTED:
	case LT_KIND_XLS:
	case LT_KIND_CFB_OTHER:
		rc = check_cfb(in, &o, err);
		break;
	case LT_KIND_PDF:
		rc = check_pdf(in, &o, err);
		break;
	default:
		break;
	}
	if (!rc)
		*out = o;
	return rc;
}
