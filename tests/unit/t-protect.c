// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Protection detection.  The files under tests/unit/data/protect/ are
 * described in its gen-protect.py and make.sh: the encrypted workbooks and
 * OOXML packages are real (msoffcrypto-tool decrypts them with their
 * password), the PDFs were encrypted by qpdf (whose --requires-password is
 * the oracle for "needs a password"), the doc/ppt files and the XOR
 * workbooks are hand-made structures.  The damaged compound files come
 * from tests/unit/data/xls/.  Every file is checked through in->data and
 * through read() calls of 5 bytes.  Small PDFs for the parser's corners
 * are built here.
 */
#include "triage/core/compat.h"

#include "leaktriage/detect.h"
#include "leaktriage/extract.h"
#include "leaktriage/protect.h"
#include "tests/unit/check.h"
#include "tests/unit/memin.h"

#define DATA "tests/unit/data/protect/"

/* Check p both ways; the results must agree.  Returns the code. */
static int check_mem(const uint8_t *p, size_t len, int kind,
		     struct lt_protection *o, struct lt_err *e)
{
	struct mem m = { p, len, 5 };
	struct lt_scan_input in1 = { "t", len, p, NULL, NULL };
	struct lt_scan_input in2 = { "t", len, NULL, mem_read, &m };
	struct lt_protection o2;
	struct lt_err e2 = LT_ERR_INIT;
	int rc1, rc2;

	lt_err_clear(e);
	memset(o, 0x5a, sizeof(*o));
	memset(&o2, 0x5a, sizeof(o2));
	rc1 = lt_protection_check(&in1, kind, o, e);
	rc2 = lt_protection_check(&in2, kind, &o2, &e2);
	CHECK(rc1 == rc2);
	CHECK_STR(e->msg, e2.msg);
	CHECK(!strchr(e->msg, '\n'));
	if (!rc1) {
		CHECK(o->protected_ == o2.protected_ && o->strong == o2.strong);
		CHECK_STR(o->kind, o2.kind);
		CHECK_STR(o->detail, o2.detail);
	}
	return rc1;
}

static int check_file(const char *path, int kind, struct lt_protection *o,
		      struct lt_err *e)
{
	size_t len;
	uint8_t *p = mem_slurp(path, &len);
	int rc;

	if (!p) {
		CHECK(0);
		return -1;
	}
	rc = check_mem(p, len, kind, o, e);
	free(p);
	return rc;
}

/* name, kind, protected, strong, kind string, detail (substring) */
static void expect(const char *name, int kind, bool prot, bool strong,
		   const char *pkind, const char *detail)
{
	char path[256];
	struct lt_protection o;
	struct lt_err e;
	int rc;

	snprintf(path, sizeof(path), "%s%s", strchr(name, '/') ? "" : DATA,
		 name);
	rc = check_file(path, kind, &o, &e);
	CHECK(rc == LT_OK);
	if (rc) {
		fprintf(stderr, "%s: %s\n", name, e.msg);
		return;
	}
	if (o.protected_ != prot || o.strong != strong ||
	    strcmp(o.kind, pkind) || !strstr(o.detail, detail))
		fprintf(stderr, "%s: protected %d strong %d kind '%s' detail "
				"'%s'\n",
			name, o.protected_, o.strong, o.kind, o.detail);
	CHECK(o.protected_ == prot);
	CHECK(o.strong == strong);
	CHECK_STR(o.kind, pkind);
	CHECK(strstr(o.detail, detail) != NULL);
}

static void expect_error(const char *path, int kind, int code,
			 const char *msg)
{
	struct lt_protection o;
	struct lt_err e;
	int rc = check_file(path, kind, &o, &e);

	if (rc != code || !strstr(e.msg, msg))
		fprintf(stderr, "%s: rc %d '%s'\n", path, rc, e.msg);
	CHECK(rc == code);
	CHECK(strstr(e.msg, msg) != NULL);
}

static void test_office(void)
{
	expect("ooxml-agile.xlsx", LT_KIND_OOXML_ENCRYPTED, true, true,
	       LT_PROT_OOXML_AGILE, "agile encryption, AES-256, SHA512");
	expect("ooxml-standard.xlsx", LT_KIND_OOXML_ENCRYPTED, true, true,
	       LT_PROT_OOXML_STANDARD,
	       "standard encryption 4.2, AES-128 (flags 0x24)");
	/* the placeholder of the detection tests: an agile header */
	expect("tests/unit/data/detect/encrypted.xlsx",
	       LT_KIND_OOXML_ENCRYPTED, true, true, LT_PROT_OOXML_AGILE,
	       "AES-256");

	expect("xls-rc4-cryptoapi.xls", LT_KIND_XLS, true, false,
	       LT_PROT_XLS_RC4_CRYPTOAPI, "RC4 CryptoAPI 4.2, 128-bit key");
	expect("xls-rc4-cryptoapi-40.xls", LT_KIND_XLS, true, false,
	       LT_PROT_XLS_RC4_CRYPTOAPI, "40-bit key");
	expect("xls-rc4.xls", LT_KIND_XLS, true, false, LT_PROT_XLS_RC4,
	       "RC4 1.1");
	expect("xls-xor.xls", LT_KIND_XLS, true, false, LT_PROT_XLS_XOR,
	       "XOR obfuscation");
	/* Excel's default password: encrypted, but no secret needed */
	expect("xls-rc4-cryptoapi-velvet.xls", LT_KIND_XLS, false, false,
	       LT_PROT_XLS_RC4_CRYPTOAPI, "default password VelvetSweatshop");
	expect("xls-rc4-velvet.xls", LT_KIND_XLS, false, false,
	       LT_PROT_XLS_RC4, "default password VelvetSweatshop");
	expect("xls-xor-velvet.xls", LT_KIND_XLS, false, false,
	       LT_PROT_XLS_XOR, "default password VelvetSweatshop");
	/* the same, written by LibreOffice */
	expect("xls-rc4-velvet-lo.xls", LT_KIND_XLS, false, false,
	       LT_PROT_XLS_RC4, "RC4 1.1, encrypted with Excel's default "
	       "password VelvetSweatshop");
	/* a big xls typed from its head only is cfb-other: same answer */
	expect("xls-rc4.xls", LT_KIND_CFB_OTHER, true, false, LT_PROT_XLS_RC4,
	       "RC4 1.1");
	/* not encryption */
	expect("xls-sheetprot.xls", LT_KIND_XLS, false, false, "",
	       "write reservation or workbook protection only");
	expect("tests/unit/data/xls/meibo.xls", LT_KIND_XLS, false, false, "",
	       "");
	expect("tests/unit/data/xls/big.xls", LT_KIND_XLS, false, false, "",
	       "");

	expect("doc-rc4-cryptoapi.doc", LT_KIND_CFB_OTHER, true, false,
	       LT_PROT_DOC_RC4_CRYPTOAPI, "RC4 CryptoAPI 4.2");
	expect("doc-rc4.doc", LT_KIND_CFB_OTHER, true, false, LT_PROT_DOC_RC4,
	       "RC4 1.1");
	expect("doc-xor.doc", LT_KIND_CFB_OTHER, true, false, LT_PROT_DOC_XOR,
	       "XOR obfuscation");
	expect("doc-plain.doc", LT_KIND_CFB_OTHER, false, false, "", "");
	expect("doc-writeres.doc", LT_KIND_CFB_OTHER, false, false, "",
	       "write reservation only");
	expect("tests/unit/data/detect/tiny.doc", LT_KIND_CFB_OTHER, false,
	       false, "", "");
	expect("ppt-encrypted.ppt", LT_KIND_CFB_OTHER, true, false,
	       LT_PROT_PPT_RC4_CRYPTOAPI, "RC4 CryptoAPI");
	expect("tests/unit/data/detect/tiny.ppt", LT_KIND_CFB_OTHER, false,
	       false, "", "");
	expect("tests/unit/data/detect/tiny.msg", LT_KIND_CFB_OTHER, false,
	       false, "", "");
	/* kinds that are not checked */
	expect("tests/unit/data/detect/tiny.xlsx", LT_KIND_XLSX, false, false,
	       "", "");
	expect("tests/unit/data/detect/tiny.7z", LT_KIND_7Z, false, false, "",
	       "");
}

/* BIFF2-4 worksheets outside a compound file, built here. */
static void test_raw_biff(void)
{
	static const uint8_t plain[] = { 0x09, 0x02, 0x06, 0x00, 0x00, 0x00,
					 0x10, 0x00, 0x00, 0x00, 0x0a, 0x00,
					 0x00, 0x00 };
	static const uint8_t xor[] = { 0x09, 0x04, 0x06, 0x00, 0x00, 0x00,
				       0x10, 0x00, 0x00, 0x00, 0x2f, 0x00,
				       0x04, 0x00, 0x34, 0x12, 0xeb, 0xcb,
				       0x0a, 0x00, 0x00, 0x00 };
	struct lt_protection o;
	struct lt_err e;

	CHECK(check_mem(plain, sizeof(plain), LT_KIND_XLS, &o, &e) == LT_OK);
	CHECK(!o.protected_ && !*o.kind);
	CHECK(check_mem(xor, sizeof(xor), LT_KIND_XLS, &o, &e) == LT_OK);
	CHECK(o.protected_ && !o.strong);
	CHECK_STR(o.kind, LT_PROT_XLS_XOR);
}

/* What type detection calls these files: the kind the caller passes. */
static void test_kinds(void)
{
	static const struct {
		const char *name;
		enum lt_kind kind;
	} t[] = {
		{ "ooxml-agile.xlsx", LT_KIND_OOXML_ENCRYPTED },
		{ "ooxml-standard.xlsx", LT_KIND_OOXML_ENCRYPTED },
		{ "xls-rc4-cryptoapi.xls", LT_KIND_XLS },
		{ "xls-xor.xls", LT_KIND_XLS },
		{ "xls-sheetprot.xls", LT_KIND_XLS },
		{ "doc-rc4-cryptoapi.doc", LT_KIND_CFB_OTHER },
		{ "ppt-encrypted.ppt", LT_KIND_CFB_OTHER },
		{ "pdf-r6-user.pdf", LT_KIND_PDF },
		{ "pdf-r2-rc4-empty.pdf", LT_KIND_PDF },
	};
	size_t i, len;

	for (i = 0; i < LT_ARRAY_SIZE(t); i++) {
		char path[256], mime[LT_MIME_MAX];
		uint8_t *p;
		enum lt_kind k;

		snprintf(path, sizeof(path), DATA "%s", t[i].name);
		p = mem_slurp(path, &len);
		if (!p) {
			CHECK(0);
			continue;
		}
		k = lt_detect_signature(p, len, len, mime, sizeof(mime));
		if (k != t[i].kind)
			fprintf(stderr, "%s: kind %s\n", t[i].name,
				lt_kind_name(k));
		CHECK(k == t[i].kind);
		free(p);
	}
}

static void test_damaged(void)
{
	expect_error("tests/unit/data/xls/truncated.xls", LT_KIND_XLS,
		     LT_E_CORRUPT, "claims 27000 bytes in a file of 14848");
	expect_error("tests/unit/data/xls/fat-loop.xls", LT_KIND_XLS,
		     LT_E_CORRUPT, "sector chain of 'Workbook' loops");
	expect_error("tests/unit/data/xls/dir-loop.xls", LT_KIND_XLS,
		     LT_E_CORRUPT, "directory tree loops");
	expect_error("tests/unit/data/detect/decoy.txt", LT_KIND_XLS,
		     LT_E_CORRUPT, "not a compound file");
}

static void test_pdf_files(void)
{
	expect("pdf-plain.pdf", LT_KIND_PDF, false, false, "", "");
	expect("pdf-r6-user.pdf", LT_KIND_PDF, true, true, LT_PROT_PDF_AES,
	       "R6, AES-256 (AESV3), user password set");
	expect("pdf-r6-empty.pdf", LT_KIND_PDF, false, true, LT_PROT_PDF_AES,
	       "encrypted with an empty user password (R6, AES-256");
	expect("pdf-r6-objstm.pdf", LT_KIND_PDF, true, true, LT_PROT_PDF_AES,
	       "R6, AES-256 (AESV3)");
	expect("pdf-r5-user.pdf", LT_KIND_PDF, true, true, LT_PROT_PDF_AES,
	       "R5, AES-256");
	expect("pdf-r5-empty.pdf", LT_KIND_PDF, false, true, LT_PROT_PDF_AES,
	       "encrypted with an empty user password (R5");
	expect("pdf-r4-aes-user.pdf", LT_KIND_PDF, true, true,
	       LT_PROT_PDF_AES, "R4, AES-128 (AESV2)");
	expect("pdf-r4-aes-empty.pdf", LT_KIND_PDF, false, true,
	       LT_PROT_PDF_AES, "empty user password (R4, AES-128");
	expect("pdf-r4-rc4-meta-empty.pdf", LT_KIND_PDF, false, false,
	       LT_PROT_PDF_RC4, "empty user password (R4, RC4 128-bit)");
	expect("pdf-r3-rc4-user.pdf", LT_KIND_PDF, true, false,
	       LT_PROT_PDF_RC4, "R3, RC4 128-bit");
	expect("pdf-r3-rc4-empty.pdf", LT_KIND_PDF, false, false,
	       LT_PROT_PDF_RC4, "empty user password (R3, RC4 128-bit)");
	expect("pdf-r2-rc4-user.pdf", LT_KIND_PDF, true, false,
	       LT_PROT_PDF_RC4, "R2, RC4 40-bit");
	expect("pdf-r2-rc4-empty.pdf", LT_KIND_PDF, false, false,
	       LT_PROT_PDF_RC4, "empty user password (R2, RC4 40-bit)");
}

/* A PDF built in memory: body objects, then `before`, the offset of
 * `before` (what startxref should say), then `after`. */
static int pdf(const char *body, const char *before, const char *after,
	       struct lt_protection *o, struct lt_err *e)
{
	size_t cap = strlen(body) + strlen(before) + strlen(after) + 64;
	char *buf = malloc(cap);
	int n, rc;

	n = snprintf(buf, cap, "%%PDF-1.7\n%s", body);
	n += snprintf(buf + n, cap - (size_t)n, "%s%d%s", before, n, after);
	rc = check_mem((const uint8_t *)buf, (size_t)n, LT_KIND_PDF, o, e);
	free(buf);
	return rc;
}

static void test_pdf_corners(void)
{
	struct lt_protection o;
	struct lt_err e;
	char *deep;
	size_t i;

	/* /Encrypt points at an object that is nowhere */
	CHECK(pdf("1 0 obj << >> endobj\n",
		  "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 2 "
		  "/Encrypt 99 0 R >>\nstartxref\n",
		  "\n%EOF\n", &o, &e) == LT_E_CORRUPT);
	CHECK(strstr(e.msg, "/Encrypt object 99 0 not found") != NULL);
	/* a direct /Encrypt dictionary of an unknown handler: protected */
	CHECK(pdf("", "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Encrypt "
		      "<< /Filter /Adobe.PubSec /V 4 /CF << /DefaultCryptFilter "
		      "<< /CFM /AESV2 >> >> /StmF /DefaultCryptFilter >> >>\n"
		      "startxref\n",
		  "\n%EOF\n", &o, &e) == LT_OK);
	CHECK(o.protected_ && o.strong);
	CHECK_STR(o.kind, LT_PROT_PDF_AES);
	CHECK(strstr(o.detail, "security handler /Adobe.PubSec") != NULL);
	/* a broken startxref: the /Encrypt of the tail still counts */
	CHECK(pdf("5 0 obj\n<< /Filter /Standard /V 2 /R 3 /Length 128 "
		  "/O <00> /U <00> /P -4 >>\nendobj\n",
		  "trailer\n<< /Encrypt 5 0 R >>\nstartxref\n999999\n%EOF"
		  "\n% ",
		  "", &o, &e) == LT_OK);
	CHECK(o.protected_ && !o.strong);
	CHECK_STR(o.kind, LT_PROT_PDF_RC4);
	/* /EncryptMetadata alone is not /Encrypt */
	CHECK(pdf("1 0 obj << /EncryptMetadata false >> endobj\n",
		  "trailer\n<< /Size 2 >>\nstartxref\n", "\n%EOF\n", &o,
		  &e) == LT_OK);
	CHECK(!o.protected_ && !*o.kind);
	/* deep nesting, unterminated strings: no crash, no hang */
	deep = malloc(40000);
	for (i = 0; i < 19990; i++)
		memcpy(deep + 2 * i, "<<", 2);
	deep[2 * i] = '\0';
	CHECK(pdf(deep, "\ntrailer\n<< /Encrypt << /V (unterminated >> >>\n"
			"startxref\n",
		  "\n", &o, &e) == LT_E_CORRUPT);
	free(deep);
	/* no PDF structure at all */
	CHECK(pdf("", "", "", &o, &e) == LT_OK && !o.protected_);
}

static void test_vectors(void)
{
	/* msoffcrypto-tool's RC4 doctest: password1 */
	static const uint8_t salt[16] = { 0xe8, 0x77, 0x2c, 0x1d, 0x91, 0xc5,
					  0x6a, 0x37, 0x96, 0x47, 0x61, 0xb2,
					  0x80, 0x18, 0x32, 0x17 };
	static const uint8_t ver[16] = { 0xc9, 0xe9, 0x97, 0xd4, 0x54, 0x97,
					 0x3d, 0x31, 0x0b, 0xb1, 0xba, 0x70,
					 0x14, 0x26, 0x83, 0x7e };
	static const uint8_t vh[16] = { 0xb1, 0xde, 0x17, 0x8f, 0x07, 0xe9,
					0x89, 0xc4, 0x4d, 0xae, 0x5e, 0x4c,
					0xf9, 0x6a, 0xc4, 0x07 };

	uint8_t fp[6 + 48] = { 1, 0, 1, 0, 1, 0 };
	struct lt_xls_velvet v;

	CHECK(lt_prot_rc4_verify("password1", salt, ver, vh) == 1);
	CHECK(lt_prot_rc4_verify("password2", salt, ver, vh) == 0);
	/* as a FILEPASS record: not Excel's default password */
	memcpy(fp + 6, salt, 16);
	memcpy(fp + 22, ver, 16);
	memcpy(fp + 38, vh, 16);
	CHECK(lt_prot_xls_velvet(fp, sizeof(fp), &v) == 0);
	CHECK(lt_prot_xls_velvet(fp, sizeof(fp) - 1, &v) == 0);
	fp[0] = 0; /* XOR obfuscation */
	CHECK(lt_prot_xls_velvet(fp, sizeof(fp), &v) == 0);
	/* the legacy Excel password hash (same algorithm as XOR's
	 * verifier): "test" is CBEB, "password" 83AF */
	CHECK(lt_prot_xor_verifier("test") == 0xcbeb);
	CHECK(lt_prot_xor_verifier("password") == 0x83af);
}

/* The write-reserved workbook is read like any other. */
static int cnt_begin(const char *sheet, void *u)
{
	(void)sheet;
	((int *)u)[0]++;
	return 0;
}

static int cnt_row(const struct lt_row *r, void *u)
{
	(void)r;
	((int *)u)[1]++;
	return 0;
}

static int cnt_end(void *u)
{
	(void)u;
	return 0;
}

static void test_sheetprot_reads(void)
{
	size_t len;
	uint8_t *p = mem_slurp(DATA "xls-sheetprot.xls", &len);
	struct lt_scan_input in = { "t", len, p, NULL, NULL };
	int counts[2] = { 0, 0 };
	struct lt_extract_sink sink = { cnt_begin, cnt_row, cnt_end, counts };
	struct lt_extract_info info;
	struct lt_err e = LT_ERR_INIT;
	int rc;

	if (!p) {
		CHECK(0);
		return;
	}
	rc = lt_extract_xls(&in, &sink, &info, &e);
	if (rc)
		fprintf(stderr, "xls-sheetprot.xls: %s\n", e.msg);
	CHECK(rc == LT_OK);
	CHECK(counts[0] == 3 && counts[1] == 8);
	free(p);
}

int main(void)
{
	test_vectors();
	test_office();
	test_raw_biff();
	test_kinds();
	test_damaged();
	test_pdf_files();
	test_pdf_corners();
	test_sheetprot_reads();
	CHECK_DONE();
}
