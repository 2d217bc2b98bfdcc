/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to scanners/extract/: the package layer shared by the xlsx and
 * docx extractors.
 *
 *   ooxml-zip.c  the ZIP container: central directory, members by part
 *                name, streaming inflate with size/ratio limits;
 *   ooxml-xml.c  XML parts as start/end/text events (a streaming UTF-8
 *                tokenizer, libxml2 SAX for other encodings), the
 *                relationship parts (.rels), the main part of a package.
 *
 * Part names are compared as OPC says (ASCII case-insensitively, without
 * the leading '/'), with '\' read as '/' and %XX decoded.  Not thread-safe
 * per package: one struct lt_ooxml_zip belongs to one extraction.
 */
#ifndef LT_EXTRACT_OOXML_H
#define LT_EXTRACT_OOXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leaktriage/err.h"
#include "leaktriage/extract.h"

#define LT_OOXML_PART_MAX 1024 /* bytes of a part name, NUL included */

/* ---- ZIP ---------------------------------------------------------------- */

struct lt_ooxml_zip;

/*
 * Read the central directory of the package `in` (in->size must be the
 * file size; in->data is used when set).  `warning` (wlen bytes, usually
 * info->warning) receives the first recoverable oddity of the package, if
 * it is still empty.  Returns LT_E_CORRUPT for a file that is not a ZIP or
 * whose central directory is cut or broken, LT_E_LIMIT for a central
 * directory over 64 MiB or 200,000 members, LT_E_NOMEM, or what in->read
 * returned.  Free with lt_ooxml_zip_close() (accepts NULL).
 */
int lt_ooxml_zip_open(const struct lt_scan_input *in, char *warning,
		      size_t wlen, struct lt_ooxml_zip **out,
		      struct lt_err *err);
void lt_ooxml_zip_close(struct lt_ooxml_zip *z);

/* Whether the package holds the part (name as in a relationship target,
 * with or without the leading '/'). */
bool lt_ooxml_zip_has(const struct lt_ooxml_zip *z, const char *part);

/* Members in name order (normalized: lower case, '/' separated): i <
 * count.  The names are valid while the package is open. */
size_t lt_ooxml_zip_count(const struct lt_ooxml_zip *z);
const char *lt_ooxml_zip_name(const struct lt_ooxml_zip *z, size_t i);

/* Note a recoverable oddity (the first one is kept). */
__attribute__((format(printf, 2, 3))) void
lt_ooxml_warn(struct lt_ooxml_zip *z, const char *fmt, ...);

struct lt_ooxml_member;

/*
 * Open a part for reading.  Before anything is inflated: LT_E_CORRUPT when
 * the part is missing ("part '...' is missing") or its data lies past the
 * end of the file; LT_E_UNSUPPORTED for an encrypted member or a
 * compression method other than stored/deflate; LT_E_LIMIT ("zip bomb")
 * for a member declaring more than LT_OOXML_MAX_MEMBER bytes, or more
 * than LT_OOXML_MAX_RATIO times its compressed size (members up to 1 MiB
 * are exempt from the ratio).  Close with lt_ooxml_member_close().
 */
int lt_ooxml_member_open(struct lt_ooxml_zip *z, const char *part,
			 struct lt_ooxml_member **out, struct lt_err *err);

/*
 * Up to len uncompressed bytes; *got 0 at the end.  Never inflates more
 * than the declared size (more is LT_E_CORRUPT); broken or cut deflate
 * data is LT_E_CORRUPT naming the part.  A CRC mismatch or a member
 * shorter than declared is only a warning (the XML parser decides whether
 * the data is usable).
 */
int lt_ooxml_member_read(struct lt_ooxml_member *m, void *buf, size_t len,
			 size_t *got, struct lt_err *err);
void lt_ooxml_member_close(struct lt_ooxml_member *m);

/* ---- XML ---------------------------------------------------------------- */

/* An attribute: names split at ':' (prefix empty when none), the value
 * decoded (entities, character references, attribute-value
 * normalization) and valid UTF-8, not NUL-terminated. */
struct lt_ooxml_attr {
	const char *prefix;
	size_t plen;
	const char *local;
	size_t llen;
	const char *val;
	size_t vlen;
};

/*
 * Events of one XML part.  Element names are local names (the prefix and
 * namespace are dropped: OOXML parts are recognised by local names, which
 * also covers the Strict namespaces).  Text is decoded, valid UTF-8, may
 * come in several pieces per text node and is also reported between
 * elements.  Everything is borrowed for the call.  A non-zero return stops
 * the parse, which returns that value.  Any slot MAY be NULL.
 */
struct lt_ooxml_handler {
	int (*start)(void *u, const char *name, size_t len,
		     const struct lt_ooxml_attr *attr, size_t count);
	int (*end)(void *u, const char *name, size_t len);
	int (*text)(void *u, const char *s, size_t len);
};

/*
 * Parse a part of the package as XML, streaming (memory does not grow with
 * the part).  UTF-8 parts (nearly all) go through a tokenizer of our own,
 * several times faster than libxml2's SAX parser (the xlsx speed target
 * cannot be met with libxml2); parts in another encoding (UTF-16 is
 * allowed by OPC) go through libxml2.  Both check well-formedness as far
 * as the extractors need it: tags balanced, entities known, text valid
 * UTF-8 without control characters, no DTD, a complete document.
 * Returns LT_OK, a handler's non-zero value, LT_E_CORRUPT ("part '...':
 * byte N: ..."), or an lt_ooxml_member_open/read error.
 */
int lt_ooxml_parse(struct lt_ooxml_zip *z, const char *part,
		   const struct lt_ooxml_handler *h, void *u,
		   struct lt_err *err);

/* Tests only: non-zero makes lt_ooxml_parse use libxml2 for every part
 * (the reference the tokenizer is compared with).  Not thread-safe. */
extern int lt_ooxml_force_libxml2;

/* The unprefixed attribute `local`; false if absent. */
bool lt_ooxml_attr_get(const struct lt_ooxml_attr *attr, size_t count,
		       const char *local, const char **val, size_t *len);

static inline bool lt_ooxml_is(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len == n && !memcmp(s, lit, n);
}

/* Decode the _xHHHH_ escapes of OOXML strings (ST_Xstring) in place;
 * escapes of invalid characters (NUL, surrogates) stay as written.
 * Returns the new length. */
size_t lt_ooxml_unescape(char *s, size_t len);

/* A growable byte buffer capped at `max` bytes (set it before use; zero
 * the struct to init, free(p) to release). */
struct lt_ooxml_buf {
	char *p;
	size_t len, cap, max;
};

/* Append; LT_E_LIMIT past max or LT_E_NOMEM, content unchanged then.  The
 * caller words the error (it knows what the buffer holds).  Inline where
 * there is room (once per cell value of a sheet); else
 * lt_ooxml_buf_add_grow(), which does the checks and grows. */
int lt_ooxml_buf_add_grow(struct lt_ooxml_buf *b, const char *s, size_t n);

static inline int lt_ooxml_buf_add(struct lt_ooxml_buf *b, const char *s,
				   size_t n)
{
	if (!n || b->len > b->max || n > b->max - b->len || n > b->cap - b->len)
		return lt_ooxml_buf_add_grow(b, s, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

/* A name as messages show it (out: LT_OOXML_SHOWN bytes): one line of
 * valid UTF-8, control characters and invalid bytes as '?', cut with "..."
 * past 40 bytes (ZIP member names are any bytes, sheet names may hold
 * newlines, and a message is one line of at most 255 bytes). */
#define LT_OOXML_SHOWN 48
void lt_ooxml_shown(const char *s, char *out);

/* ---- relationships ------------------------------------------------------ */

struct lt_ooxml_rel {
	const char *id;
	const char *type;   /* the full relationship type URI */
	const char *target; /* resolved part name, or the URI if external */
	bool external;
};

struct lt_ooxml_rel_key {
	const char *id;
	size_t i; /* in rel[] */
};

struct lt_ooxml_rels {
	struct lt_ooxml_rel *rel;
	size_t count;
	struct lt_ooxml_rel_key *by_id; /* sorted by id, then position */
	char *arena;
	size_t arena_len, arena_cap;
	size_t alloc;
};

/*
 * The relationships of `source` ("" for the package): the part
 * <dir>/_rels/<name>.rels, targets resolved against <dir>.  A missing
 * part gives zero relationships and LT_OK (*missing set when not NULL);
 * a broken one LT_E_CORRUPT.  At most 100,000 relationships (LT_E_LIMIT).
 * Release with lt_ooxml_rels_release().
 */
int lt_ooxml_rels_load(struct lt_ooxml_zip *z, const char *source,
		       struct lt_ooxml_rels *rels, bool *missing,
		       struct lt_err *err);
void lt_ooxml_rels_release(struct lt_ooxml_rels *rels);
const struct lt_ooxml_rel *lt_ooxml_rels_by_id(const struct lt_ooxml_rels *r,
					       const char *id, size_t len);
/* The first internal relationship whose type ends with "/" + suffix. */
const struct lt_ooxml_rel *
lt_ooxml_rels_by_type(const struct lt_ooxml_rels *r, const char *suffix);

/*
 * The package's main part (relationship type .../officeDocument in
 * _rels/.rels) into out (LT_OOXML_PART_MAX bytes); `fallback` when the
 * package has no such relationship (a warning is noted if _rels/.rels
 * exists but says nothing, or is broken).
 */
int lt_ooxml_main_part(struct lt_ooxml_zip *z, const char *fallback,
		       char *out, struct lt_err *err);

/* ---- xlsx helpers (pure; exposed for the unit tests) -------------------- */

/* Whether a number format code shows a date: y, m, d, e or g (era) outside
 * quotes, brackets and escapes, "General", scientific E+/E- and AM/PM; an
 * m only counts when it is not minutes (after h, before s). */
bool lt_xlsx_format_is_date(const char *code, size_t len);
/* Whether a built-in numFmtId is a date format (14-22, 27-36, 50-58). */
bool lt_xlsx_builtin_is_date(uint32_t id);
/* An Excel serial ("44197", "4.4197E4", "44197.75") as "YYYY-MM-DD" in
 * out (11 bytes); false when it is not a number or not a date (before
 * 1900-01-01 or 1904-01-01, the phantom 1900-02-29, after 9999-12-31). */
bool lt_xlsx_serial_date(const char *v, size_t len, bool date1904,
			 char out[11]);
/* A serial's whole days as "YYYY-MM-DD" by the same rules (the xls
 * extractor's too); false when it is no date. */
bool lt_excel_days_date(int64_t days, bool date1904, char out[11]);

#endif
