/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protection (DESIGN.md "Protection"): is a file's content unreadable
 * without a secret, and how strongly is it encrypted?
 *
 * A file is protected when reading it needs a secret: an encrypted OOXML
 * package (a compound file holding EncryptionInfo and EncryptedPackage), a
 * legacy workbook with a FILEPASS record, a Word document with the
 * fEncrypted flag, an encrypted PowerPoint document, a PDF with /Encrypt
 * whose user password is not empty, encrypted archive members.  What can
 * be opened without a secret is not protected, even though it is
 * encrypted: a PDF with an empty user password, and a workbook encrypted
 * with Excel's published default password "VelvetSweatshop" (what Excel
 * writes for a workbook that only has a password to modify; the xls
 * extractor decrypts such RC4 workbooks with lt_prot_xls_velvet() below).  Such files
 * keep the kind and strength of their encryption and say why in detail.
 * Sheet protection (PROTECT, PASSWORD records) and write reservation
 * (WRITEPROT, FILESHARING) are not encryption: not protected.
 *
 * Strong is AES (OOXML agile and standard, PDF AESV2/AESV3, ZIP AES, 7z,
 * RAR); weak is everything else (ZipCrypto, RC4 in all its forms, XOR
 * obfuscation).  The report keeps them apart: the regulator's exemption is
 * for properly encrypted data.
 */
#ifndef LEAKTRIAGE_PROTECT_H
#define LEAKTRIAGE_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

/* Kinds of protection: stable strings (stored in the case DB). */
#define LT_PROT_OOXML_AGILE "ooxml-agile"         /* strong */
#define LT_PROT_OOXML_STANDARD "ooxml-standard"   /* strong if AES */
#define LT_PROT_OOXML_EXTENSIBLE "ooxml-extensible" /* weak: unknown cipher */
#define LT_PROT_OOXML_UNKNOWN "ooxml-unknown"     /* weak: unreadable header */
#define LT_PROT_XLS_XOR "xls-xor"                 /* weak */
#define LT_PROT_XLS_RC4 "xls-rc4"                 /* weak */
#define LT_PROT_XLS_RC4_CRYPTOAPI "xls-rc4-cryptoapi" /* weak */
#define LT_PROT_DOC_XOR "doc-xor"                 /* weak */
#define LT_PROT_DOC_RC4 "doc-rc4"                 /* weak */
#define LT_PROT_DOC_RC4_CRYPTOAPI "doc-rc4-cryptoapi" /* weak */
#define LT_PROT_PPT_RC4_CRYPTOAPI "ppt-rc4-cryptoapi" /* weak */
#define LT_PROT_PDF_RC4 "pdf-rc4"                 /* weak */
#define LT_PROT_PDF_AES "pdf-aes"                 /* strong: AESV2, AESV3 */
#define LT_PROT_PDF_OTHER "pdf-other"             /* weak: not /Standard */
/* Archives (the archive walker sets these on members). */
#define LT_PROT_ZIPCRYPTO "zipcrypto"             /* weak */
#define LT_PROT_ZIP_AES "zip-aes"                 /* strong */
#define LT_PROT_7Z_AES "7z-aes"                   /* strong */
#define LT_PROT_RAR_AES "rar-aes"                 /* strong */

struct lt_protection {
	bool protected_;  /* a secret is needed to read the content */
	bool strong;      /* the encryption is AES (meaningful with kind) */
	char kind[32];    /* an LT_PROT_* string; "" when not encrypted */
	char detail[128]; /* e.g. "agile encryption, AES-256, SHA512",
			   * "encrypted with an empty user password" */
};

/*
 * Check the protection of a file of the given kind (enum lt_kind from
 * detect.h, as lt_typer_detect_input() found it).  The compound-file
 * kinds (LT_KIND_OOXML_ENCRYPTED, LT_KIND_XLS, LT_KIND_CFB_OTHER) are read
 * through a compound-file reader: encrypted OOXML by its EncryptionInfo
 * version (4.4 agile; 2.2/3.2/4.2 standard; 3.3/4.3 extensible), a
 * workbook by a FILEPASS record in its globals (wEncryptionType 0 XOR, 1
 * RC4 with header version 1.1 RC4 or 2-4.2 CryptoAPI), a Word document by
 * the FIB flags (fEncrypted, fObfuscated) and the encryption header at the
 * start of its table stream, a PowerPoint document by its
 * EncryptedSummary stream.  LT_KIND_PDF reads the file's tail (64 KiB),
 * the trailer that startxref points at (or the xref stream's dictionary)
 * and the /Encrypt dictionary (followed when it is an indirect object; the
 * search for it is bounded), then, for the standard security handler,
 * checks the empty user password (R2-R4: MD5/RC4, algorithms 2, 4 and 5
 * of ISO 32000-1; R5: SHA-256; R6: the hash of ISO 32000-2 7.6.4.3.4).
 * Every other kind is not protected (archives are the archive walker's:
 * it uses the LT_PROT_ZIP* / 7Z / RAR kinds above).
 *
 * in:    the file (in->data, else in->read; random access).
 * out:   written on LT_OK only (zeroed first).
 * Returns LT_OK, or LT_E_CORRUPT when the structure that decides cannot be
 * read (a broken compound file: loops, sectors out of range, sizes past the
 * end; a FILEPASS record too short; a PDF /Encrypt that cannot be found or
 * parsed), LT_E_LIMIT, LT_E_NOMEM, LT_E_DEP (OpenSSL), or the error of
 * in->read, with the reason in err.  A PDF with an unknown security handler
 * or revision is protected (weak unless AES is named), not an error.
 * Thread-safe (no shared state; OpenSSL's default provider only: RC4 is
 * implemented here, since OpenSSL 3 keeps it in the legacy provider).
 */
int lt_protection_check(const struct lt_scan_input *in, int kind,
			struct lt_protection *out, struct lt_err *err);

/*
 * The password checks, exposed for tests (known-answer vectors).  All are
 * pure functions.  Each returns 1 when `password` (UTF-8 for the PDF
 * checks; ASCII for the Office ones, which take its UTF-16LE form) opens
 * the file, 0 when it does not, or a negative lt_code (-LT_E_DEP) when
 * OpenSSL fails.
 */
int lt_prot_rc4_verify(const char *password, const uint8_t salt[16],
		       const uint8_t verifier[16],
		       const uint8_t verifier_hash[16]);
int lt_prot_cryptoapi_verify(const char *password, const uint8_t *salt,
			     size_t salt_len, unsigned key_bits,
			     const uint8_t verifier[16],
			     const uint8_t *verifier_hash, size_t hash_len);
uint16_t lt_prot_xor_verifier(const char *password);

/*
 * RC4, for the callers that decrypt (OpenSSL 3 keeps RC4 in its legacy
 * provider, which is not loaded here: see protect.c).  lt_rc4_init() keys
 * the state (len 1-256 bytes); lt_rc4_run() XORs len bytes of key stream
 * into out (in and out may be the same buffer).
 */
struct lt_rc4 {
	uint8_t s[256];
	uint8_t i, j;
};
void lt_rc4_init(struct lt_rc4 *r, const uint8_t *key, size_t len);
void lt_rc4_run(struct lt_rc4 *r, const uint8_t *in, uint8_t *out,
		size_t len);

/*
 * A workbook encrypted with Excel's default password "VelvetSweatshop":
 * what its records are decrypted with (MS-OFFCRYPTO 2.3.6.2 RC4, header
 * version 1.1: MD5; 2.3.5.2 RC4 CryptoAPI: SHA-1).
 */
struct lt_xls_velvet {
	bool cryptoapi;    /* RC4 CryptoAPI, else RC4 1.1 */
	unsigned key_bits; /* CryptoAPI: 40-128; RC4 1.1: 40 */
	uint8_t hash[20];  /* CryptoAPI: H0 = SHA-1(salt + password);
			    * RC4 1.1: the truncated hash of 2.3.6.2 (5 bytes) */
};

/*
 * Does the BIFF8 FILEPASS record data (d, n) open with VelvetSweatshop?
 * Returns 1 (and fills *out) for RC4 1.1 or RC4 CryptoAPI whose password
 * verifier matches it; 0 for anything else (another password, XOR
 * obfuscation, an unknown encryption type or header version, a record too
 * short for its header); -LT_E_DEP when OpenSSL fails.  Pure function.
 */
int lt_prot_xls_velvet(const uint8_t *d, size_t n,
		       struct lt_xls_velvet *out);

/*
 * The RC4 key of 1024-byte block `block` (MS-OFFCRYPTO 2.3.6.2 / 2.3.5.2)
 * into key (16 bytes: a 40-bit CryptoAPI key is zero-padded to 128 bits,
 * as Office does), its length in *len.  Returns 0, or -LT_E_DEP.
 */
int lt_prot_xls_block_key(const struct lt_xls_velvet *v, uint32_t block,
			  uint8_t key[16], size_t *len);

#endif
