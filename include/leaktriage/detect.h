/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Detection: what kind of file this is (content decides, never the name),
 * and which YARA rules its raw bytes match.
 *
 * File type (scanners/detect/type.c).  A cheap signature check looks at
 * the first bytes: ZIP (and the OOXML/ODF family from the names of the
 * first members), compound files (CFB: xls, encrypted OOXML, doc/ppt/msg
 * from the directory entries at the top of the tree), PDF, 7z, RAR, LZH,
 * tar, gzip, CAB, images, executables, media and fonts, then a text test
 * (UTF-8, CP932, EUC-JP, UTF-16).  libmagic runs only when that check
 * cannot decide, with its costly tests that the check already covers
 * turned off.  When two signatures match, the answer is LT_KIND_UNKNOWN:
 * never a guess (STYLE.md 2).
 *
 * YARA (scanners/detect/yara.c).  The shipped rules
 * (scanners/rules/pii-headers.yar, compiled in) plus an optional user file,
 * compiled once and shared read-only; one scanner per worker thread.
 */
#ifndef LEAKTRIAGE_DETECT_H
#define LEAKTRIAGE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

/* Values are stable (stored in the case DB): append new kinds at the end. */
enum lt_kind {
	LT_KIND_EMPTY = 0,
	LT_KIND_TEXT = 1,   /* csv/tsv/txt candidates (also html, xml) */
	LT_KIND_XLSX = 2,   /* also xlsm */
	LT_KIND_XLS = 3,
	LT_KIND_DOCX = 4,
	LT_KIND_ZIP = 5,
	LT_KIND_7Z = 6,
	LT_KIND_RAR = 7,
	LT_KIND_LZH = 8,
	LT_KIND_TAR = 9,
	LT_KIND_GZIP = 10,
	LT_KIND_CAB = 11,
	LT_KIND_OOXML_ENCRYPTED = 12, /* CFB holding an EncryptedPackage */
	LT_KIND_CFB_OTHER = 13,       /* doc, ppt, msg, other compound files */
	LT_KIND_PDF = 14,
	/*
	 * May hold personal data, no extractor yet: pptx, xlsb, ods/odt/odp,
	 * mdb/accdb, sqlite, pst, eml, rtf, Excel HTML/SpreadsheetML 2003,
	 * bzip2/xz/zstd streams.
	 */
	LT_KIND_NOT_EXAMINED = 15,
	LT_KIND_NO_TABLES = 16,  /* images, executables, media, fonts */
	LT_KIND_UNKNOWN = 17,    /* undecided, or two signatures matched */
};

/* "empty", "text", "xlsx", "xls", "docx", "zip", "7z", "rar", "lzh", "tar",
 * "gzip", "cab", "ooxml-encrypted", "cfb-other", "pdf", "not-examined",
 * "no-tables", "unknown"; "unknown" for a value out of range too. */
const char *lt_kind_name(enum lt_kind k);

/* How many bytes of head the detection looks at; more are ignored. */
#define LT_DETECT_HEAD_MAX ((size_t)64 << 10)

/* The MIME type of a compound file whose kind the head did not show (also
 * that of one with no known stream at its top, or with two). */
#define LT_MIME_CFB_UNDECIDED "application/x-ole-storage"

/* The MIME buffer size that holds every answer. */
#define LT_MIME_MAX 96

/*
 * The cheap check alone: no libmagic, thread-safe; it allocates only a
 * 20 KiB work area for a compound file (freed before it returns).
 * head: the first len bytes of the file (at most LT_DETECT_HEAD_MAX are
 * looked at); size: the full size of the file.  Returns the kind and
 * writes its MIME type into mime (NUL-terminated, truncated to mime_len;
 * mime may be NULL when mime_len is 0), or returns LT_KIND_UNKNOWN and
 * writes "" when it cannot decide (then libmagic is the next step), or
 * LT_KIND_UNKNOWN with "application/octet-stream" when two signatures
 * matched (libmagic is not asked: refusing beats guessing).
 */
enum lt_kind lt_detect_signature(const uint8_t *head, size_t len,
				 uint64_t size, char *mime, size_t mime_len);

/* A type detector; one per worker thread (it owns a magic_t, which is not
 * thread-safe). */
struct lt_typer;

/*
 * Load the libmagic database (a few ms).  *out is set only on success;
 * free it with lt_typer_close().  Errors: LT_E_NOMEM, LT_E_DEP (libmagic
 * could not load its database; the message says why).
 */
int lt_typer_open(struct lt_typer **out, struct lt_err *err);

/* Accepts NULL. */
void lt_typer_close(struct lt_typer *t);

/*
 * By default libmagic is not asked about content the cheap check finds
 * binary (NULs inside, not UTF-16) but cannot name: every format that
 * changes what a scan does has a signature of its own, so libmagic could
 * only turn "application/octet-stream" into a finer name, at 0.2 ms a
 * file.  on = true asks it there too (scan --magic-all).
 */
void lt_typer_set_magic_all(struct lt_typer *t, bool on);

/*
 * The kind of a file from its head (the first len bytes, up to 64 KiB)
 * and its full size: the cheap check, then libmagic if that cannot decide
 * (a MIME type libmagic gives that maps to no kind gives LT_KIND_UNKNOWN).
 * mime gets the MIME type (from the cheap check or libmagic), NUL-
 * terminated and truncated to mime_len (LT_MIME_MAX is enough).
 *
 * A compound file (xls, doc, encrypted OOXML ...) is told apart by its
 * directory, which large files often keep past the first 64 KiB: from the
 * head alone such a file is LT_KIND_CFB_OTHER with exactly
 * "application/x-ole-storage" (LT_MIME_CFB_UNDECIDED).  Where the content
 * can be read, call lt_typer_detect_input() then (it reads the head again
 * and follows the directory), or use it from the start.
 */
enum lt_kind lt_typer_detect(struct lt_typer *t, const uint8_t *head,
			     size_t len, uint64_t size, char *mime,
			     size_t mime_len);

/*
 * lt_typer_detect() reading the content itself: the head through
 * in->data or in->read, and, for a compound file whose directory lies past
 * the head, the FAT and directory sectors it needs (at most 1 MiB more;
 * a directory longer than that stays "cfb-other").  *kind and mime are
 * written on success only.  Returns LT_OK, or the error of in->read
 * (LT_E_IO ...), or LT_E_ARG when in has neither data nor read.
 */
int lt_typer_detect_input(struct lt_typer *t, const struct lt_scan_input *in,
			  enum lt_kind *kind, char *mime, size_t mime_len,
			  struct lt_err *err);

/*
 * libmagic alone (for tests and measurements): its MIME type for head
 * into mime and the kind it maps to.
 */
enum lt_kind lt_typer_magic(struct lt_typer *t, const uint8_t *head,
			    size_t len, char *mime, size_t mime_len);

/* The kind a MIME type maps to (libmagic's names); LT_KIND_UNKNOWN if none. */
enum lt_kind lt_kind_from_mime(const char *mime);

/* --- YARA ---------------------------------------------------------------- */

/* Compiled rules: shared read-only by all threads. */
struct lt_yara;

/* The namespaces rules are compiled into, as emit() gets them. */
#define LT_YARA_NS_SHIPPED "leaktriage"
#define LT_YARA_NS_USER "user"

/*
 * Compile the shipped rules (scanners/rules/pii-headers.yar, compiled into
 * the library) and, if user_rules_path is not NULL, the user's rules file
 * (its `include`s are resolved relative to it).  A compile error fails the
 * whole call: LT_E_ARG with "rules 'FILE' line N: MESSAGE" (FILE is the
 * path given), LT_E_NOTFOUND / LT_E_IO when the file cannot be opened,
 * LT_E_NOMEM, LT_E_DEP for another libyara failure.  Warnings are ignored.
 * Initializes libyara (refcounted, thread-safe).  *out is set only on
 * success; free it with lt_yara_close() after every scanner made from it.
 */
int lt_yara_open(const char *user_rules_path, struct lt_yara **out,
		 struct lt_err *err);

/* Accepts NULL. */
void lt_yara_close(struct lt_yara *y);

/* One per worker thread; owns a 1 MiB (+ 4 KiB) block buffer. */
struct lt_yara_scanner;

/* Errors: LT_E_NOMEM, LT_E_DEP.  Free with lt_yara_scanner_free(). */
int lt_yara_scanner_new(struct lt_yara *y, struct lt_yara_scanner **out,
			struct lt_err *err);

/* Accepts NULL. */
void lt_yara_scanner_free(struct lt_yara_scanner *s);

/* Content larger than in->data is read in blocks of this size ... */
#define LT_YARA_BLOCK ((size_t)1 << 20)
/* ... each block overlapping the next by this much: a match up to this
 * long that crosses a block boundary is found (YARA itself stops regular
 * expression and hex-jump matches at 4096 bytes). */
#define LT_YARA_OVERLAP ((size_t)4096)

/*
 * Scan the content of in: in->data when it is not NULL, else blocks read
 * through in->read and handed to YARA as one memory-block iterator, so the
 * whole content is never in memory.  Offsets and `filesize` in rules are
 * those of the file; uint8(i)..uint32be(i) read anywhere in it.  A match
 * longer than LT_YARA_OVERLAP bytes that crosses a block boundary is
 * missed (tests/unit/t-yara.c shows one: a hex string with a 4800-byte
 * jump, found in memory, missed when streamed).
 *
 * emit(rule, ns, udata) is called once per matching rule (ns is
 * LT_YARA_NS_SHIPPED or LT_YARA_NS_USER); the strings are borrowed for the
 * call.  A non-zero return stops the scan, and lt_yara_scan() returns that
 * value.  Errors: those of in->read (the scan stops at the first),
 * LT_E_CORRUPT when the content ended before in->size (the missing bytes
 * were scanned as zeros; the rules that matched were emitted), LT_E_NOMEM,
 * LT_E_LIMIT, LT_E_DEP.  A string with too many matches (YARA's limit) is
 * not an error: YARA stops looking for it and goes on.
 * Not thread-safe: one scanner per thread.
 */
int lt_yara_scan(struct lt_yara_scanner *s, const struct lt_scan_input *in,
		 int (*emit)(const char *rule, const char *ns, void *udata),
		 void *udata, struct lt_err *err);

/*
 * Adding a file kind:
 * 1. Append it to enum lt_kind (values are stored) and to lt_kind_name().
 * 2. In scanners/detect/type.c: a signature (sigs[] for fixed bytes,
 *    sig_more() when it needs a second look), and libmagic's MIME names
 *    for it in mime_exact[] / mime_prefix[].  Check that it cannot match
 *    together with an existing signature (two matches give "unknown").
 * 3. A small file made by a real tool in tests/unit/data/detect/ (added to
 *    make.sh) and a line in tests/unit/t-detect.c.
 * 4. The scan driver's dispatch (scanners/scan.c) and the report's type
 *    names.
 */

#endif
