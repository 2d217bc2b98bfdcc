/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to scanners/extract/: table-driven decoding of the stateless
 * multibyte encodings the text extractor reads through iconv (CP932 and
 * EUC-JP-MS), for speed.  The table is made from glibc's iconv itself, so
 * it decodes exactly as iconv does (text-table.c says why and how).
 */
#ifndef LT_EXTRACT_TEXT_TABLE_H
#define LT_EXTRACT_TEXT_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct lt_text_table;

/*
 * The decoding table of the iconv encoding `enc` (to UTF-8), built on the
 * first call for that name and kept for the life of the process (about
 * 60 KiB for CP932, 200 KiB for EUC-JP-MS; 1-2 ms to build).  NULL when
 * iconv cannot open the encoding, when it does not fit a table (a sequence
 * longer than 4 bytes, one giving other than one character of at most 3
 * UTF-8 bytes, a stateful encoding) or when memory ran out: the caller
 * then uses iconv.  Only the names in text-table.c's list are accepted
 * (NULL for others).  The returned table is immutable: thread-safe.
 */
const struct lt_text_table *lt_text_table_get(const char *enc);

/*
 * Decode in[0..len) to UTF-8 at out + *olen as iconv(3) would, stopping
 * at the end of the input or at the first sequence that iconv would refuse.
 * out must have room for 3 * len + 3 bytes after *olen (up to 3 bytes past
 * the output may be written over).  Returns the bytes consumed and
 * advances *olen; *stop is 0 when all of in was decoded, else EILSEQ (an
 * invalid sequence at in + return value) or EINVAL (a sequence cut by the
 * end of in, at in + return value), as errno after iconv().
 */
size_t lt_text_table_decode(const struct lt_text_table *t, const uint8_t *in,
			    size_t len, char *out, size_t *olen, int *stop);

#endif
