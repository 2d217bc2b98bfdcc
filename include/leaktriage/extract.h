/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extractors: file formats in, tables of rows of UTF-8 cells out through
 * struct lt_extract_sink (scanner.h).  The classifiers never see a format.
 *
 * Text files (scanners/extract/text-csv.c): CSV, TSV, semicolon- and
 * pipe-separated files, fixed-width exports and plain text, in UTF-8 (with
 * or without BOM), CP932/Shift_JIS, EUC-JP and UTF-16LE/BE (with or
 * without BOM).  The encoding and the layout are detected from the bytes:
 *
 *   encoding  a BOM; else UTF-16 from the pattern of NUL bytes; else UTF-8
 *             if a sample (the first LT_TEXT_SAMPLE bytes) is valid UTF-8
 *             (an all-ASCII sample is decided again at the first non-ASCII
 *             byte); else uchardet's answer when it decodes the sample
 *             cleanly; else whichever of CP932, EUC-JP and UTF-8 decodes
 *             the sample with the fewest errors and the most kana/kanji.
 *   layout    the delimiter (comma, tab, semicolon, pipe) that gives the
 *             most consistent field count (> 1) over the first 100
 *             records of the sample, quotes respected; else fixed-width
 *             columns (blank display columns shared by nearly all lines,
 *             East Asian wide characters counting 2); else plain text, one
 *             cell per line.
 *
 * Memory is bounded whatever the input: the file is read through in->read
 * in chunks of at most 1 MiB, and one record is held at a time.
 */
#ifndef LEAKTRIAGE_EXTRACT_H
#define LEAKTRIAGE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

/* A record (a line, or a quoted record over several lines) holds at most
 * this many bytes of UTF-8 text; more is LT_E_LIMIT for the file. */
#define LT_TEXT_MAX_RECORD ((size_t)1 << 20)
/* At most this many cells per row; more is LT_E_LIMIT for the file. */
#define LT_TEXT_MAX_FIELDS 4096
/* Bytes the encoding and layout detection look at. */
#define LT_TEXT_SAMPLE ((size_t)64 << 10)

/*
 * Whether the first bytes of a file look like text in a supported
 * encoding: a BOM, UTF-16 by its NUL pattern, or UTF-8/CP932/EUC-JP that
 * decodes with errors on at most 5% of the lines and without NUL bytes or
 * many control characters.  `head` should be the first 4 KiB or more of
 * the file (up to LT_TEXT_SAMPLE are looked at; a multibyte sequence cut
 * at the end is fine).  An empty head is not text.  Pure function,
 * thread-safe.
 */
bool lt_text_probe(const uint8_t *head, size_t len);

/*
 * Extract the table of a text file: one table (sheet "") whose rows are
 * the records of the file, every cell UTF-8 with hint LT_CELL_TEXT (the
 * classifier recognises numbers and dates itself).  Blank lines give no
 * row.  lt_row.row is the 1-based line number of the record's first line
 * (a quoted field with embedded newlines makes one row; "\r\n", "\n" and
 * a lone "\r" each end a line).  Cells of delimited files are unquoted
 * (RFC 4180: "" inside quotes is one quote; text after a closing quote is
 * kept); cells of fixed-width files are trimmed of ASCII and ideographic
 * spaces; plain text lines are given as they are.
 *
 * in:    the file; in->data is used when not NULL, else in->read (short
 *        reads are fine; the end is a read giving 0 bytes).
 * sink:  table_begin once, then row per record, then table_end, also for
 *        an empty file (zero rows).  table_end is called whenever
 *        table_begin returned 0, except after a sink callback returned
 *        non-zero: then extraction stops and that value is returned.
 *        Rows emitted before an error stay emitted: a caller that gets an
 *        error should drop what it kept of the file.
 * info:  always filled (zeroed first): encoding ("UTF-8", "CP932",
 *        "EUC-JP", "UTF-16LE", "UTF-16BE"), layout ("csv", "tsv",
 *        "semicolon", "pipe", "fixed", "text"), tables, rows, bad_lines
 *        (lines where invalid byte sequences were replaced by U+FFFD) and
 *        the first warning (an invalid sequence, an unterminated quote).
 *        After an error, bad_lines and warning cover what was decoded,
 *        which may be a little more than what was parsed.
 *
 * Returns LT_OK, or:
 *   LT_E_CORRUPT  a NUL byte in a file that is not UTF-16 (binary data),
 *                 or more than 5% of the lines held invalid sequences (the
 *                 file is probably not text in the detected encoding);
 *   LT_E_LIMIT    a record longer than LT_TEXT_MAX_RECORD or with more than
 *                 LT_TEXT_MAX_FIELDS fields;
 *   LT_E_NOMEM, LT_E_DEP (iconv), or whatever in->read returned;
 * with the reason in err (first error wins).  Never prints.  Thread-safe
 * (no shared state; one call per file per thread).
 */
int lt_extract_text(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err);

#endif
