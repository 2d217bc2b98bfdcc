/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The archive walker (DESIGN.md "Containers are walked recursively with
 * limits"): a ZIP, 7z, RAR (4 and 5), LZH, CAB, tar, cpio, ISO 9660, XAR,
 * ar or WARC archive, or a single compressed file (gzip, bzip2, xz, lzma,
 * lzip, zstd, lz4, compress), yields its members one by one.  Each member
 * is a file of its own for the scan driver: type detection, extraction,
 * and recursion into a nested archive by calling lt_archive_walk() again
 * on the member's content.
 *
 * Reading goes through libarchive (3.6.2), over random-access callbacks
 * on the input.  What libarchive does not tell is read from the archive's
 * own headers: ZIP encryption kinds (ZipCrypto, WinZip AES, PKWARE strong
 * encryption) from the central directory, the RAR5 file encryption record
 * and archive encryption header, the RAR4 password flags, and 7z headers
 * encrypted as a whole.
 *
 * A member's content is decompressed before the callback sees it, with
 * the limits enforced while decompressing, so that a zip bomb is recorded
 * and skipped, never followed: into memory up to LT_SCAN_MAX_MEM bytes,
 * beyond that into an anonymous memory file (memfd_create): never a file
 * on disk.
 */
#ifndef LEAKTRIAGE_ARCHIVE_H
#define LEAKTRIAGE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

struct lt_archive_limits {
	/* At most this many bytes of one member's content; a member that
	 * declares more, or decompresses to more, is "too large". */
	uint64_t max_member_size; /* default 1 GiB */
	/* At most this many bytes decompressed in all under one top-level
	 * archive (see `expanded`), members skipped over included. */
	uint64_t max_total;       /* default 4 GiB */
	/* At most this many members per archive (nested ones count apart);
	 * more stops the walk with LT_E_LIMIT. */
	uint64_t max_members;     /* default 100000 */
	/* A member whose content is more than max_ratio times the bytes it
	 * took in the archive (past 1 MiB of content) is a zip bomb.
	 * 0 disables the check. */
	double max_ratio;         /* default 200 */
	/* Nesting depth: enforced by the caller, which knows how deep it is
	 * (the walker does not look at it). */
	int max_depth;            /* default 5 */
	/* Where the bytes decompressed under the top-level archive are
	 * counted: the caller points it at a counter that is 0 for a
	 * top-level archive and passes the same limits to the walks of
	 * nested archives, so that max_total covers the whole tree.  NULL:
	 * each walk counts on its own.  Not thread-safe (one tree per
	 * thread). */
	uint64_t *expanded;       /* default NULL */
};

/* The defaults above. */
void lt_archive_limits_default(struct lt_archive_limits *l);

/* Archive-level protection: the member list itself is encrypted. */
struct lt_protection_summary {
	bool protected_;
	char kind[32]; /* "7z-aes", "rar-aes"; "" when not protected */
	bool strong;
};

struct lt_archive_member {
	/* Path inside the archive, UTF-8: names that are not valid UTF-8
	 * are read as CP932 (old Japanese ZIP/LZH/RAR files carry CP932
	 * names without a flag saying so), and bytes invalid in both become
	 * U+FFFD.  In ZIP, LZH, RAR and CAB names '\' is turned into '/'.
	 * Never NULL (a nameless member is ""). */
	const char *path;
	uint64_t size;   /* uncompressed size as declared, UINT64_MAX unknown */
	int64_t mtime;   /* seconds since the epoch, INT64_MIN unknown */
	bool is_dir;
	bool encrypted;  /* the content needs a password */
	/* The kind of encryption when encrypted: "zipcrypto", "zip-aes",
	 * "zip-pkware" (PKWARE strong encryption), "7z-aes", "rar-aes",
	 * "rar2" (RAR 2.x cipher) or "unknown"; NULL when not encrypted. */
	const char *protection;
	bool strong;     /* the encryption is AES */
	/*
	 * The content, random access (in->data is set when the content is
	 * at most LT_SCAN_MAX_MEM bytes, else in->read preads a memory
	 * file); in->path is "<archive path>!<member path>".  NULL for a
	 * directory, a link, a special file, an encrypted member, and a
	 * member whose content was not read (see skipped).  Valid only
	 * during the callback.
	 */
	const struct lt_scan_input *content;
	/*
	 * Why content is NULL for a file: "encrypted", "too large",
	 * "zip bomb (ratio N:1)", "total expansion limit",
	 * "unreadable: <reason>" (unsupported method, bad data; libarchive's
	 * words), "corrupt: <reason>" (the archive ends or breaks inside the
	 * member); "symbolic link", "hard link", "special file" for those.
	 * NULL when content is given and for a directory.
	 */
	const char *skipped;
	/* A problem that did not stop reading (a bad CRC, a size that
	 * differs from the declared one), NULL if none. */
	const char *warning;
};

/* Called once per member, in archive order.  Return 0 to go on; anything
 * else stops the walk, and lt_archive_walk() returns it. */
typedef int (*lt_member_fn)(const struct lt_archive_member *m, void *udata);

/*
 * Walk the archive in `in` (random access: seeks go through in->read at
 * any offset, and in->size must be the true size; in->data is used when
 * set).
 *
 * lim:    NULL for the defaults.
 * fn:     called per member (see lt_member_fn); everything it is given is
 *         borrowed until it returns.
 * whole:  always written (zeroed first).  When the member list itself is
 *         encrypted (7z with encrypted headers, RAR5 with an archive
 *         encryption header, RAR4 with encrypted headers) protected_ and
 *         kind are set, no member is given and LT_OK is returned: the
 *         caller records the archive as protected, not as an error.
 *
 * Returns LT_OK, or:
 *   LT_E_UNSUPPORTED  not an archive libarchive knows (nor a compressed
 *                     file);
 *   LT_E_CORRUPT      the archive is truncated or broken: the members
 *                     given before stay given (the one that broke is
 *                     given with skipped "corrupt: ...");
 *   LT_E_LIMIT        more than max_members members; or the rest of a
 *                     compressed stream (tar.gz, 7z, RAR, CAB) cannot be
 *                     reached within max_total, or only through a zip bomb:
 *                     the members after it are not listed;
 *   LT_E_IO           in->read failed, or a memory file could not be
 *                     made or written;
 *   LT_E_NOMEM, LT_E_DEP (libarchive could not start, iconv);
 *   or the callback's non-zero value;
 * with the reason in err (first error wins).  A member that cannot be
 * read (unsupported method, bad data in a readable archive) is given with
 * skipped "unreadable: ..." and is not an error of the walk.
 *
 * Thread-safe: no shared state; libarchive's conversions are made in the
 * calling thread's locale set to C.UTF-8 for the walk (uselocale; the
 * caller's locale is back during callbacks).  Memory: about
 * LT_SCAN_MAX_MEM + 1 MiB per walk, plus the memory file of the current
 * member (at most max_member_size); a nested walk adds its own.
 *
 * Member times: ZIP members without an extended timestamp, CAB, LZH
 * level 0/1 and RAR4 members carry local (DOS) times, which libarchive
 * turns into seconds with the process's time zone.  `scan` sets that zone
 * from its --tz ZONE (UTC by default, lt_tz_apply()) before any walk, so
 * such times are read in the zone the examiner named; scan does not store
 * member times today.  Another caller gets them in its own TZ.
 */
int lt_archive_walk(const struct lt_scan_input *in,
		    const struct lt_archive_limits *lim, lt_member_fn fn,
		    void *udata, struct lt_protection_summary *whole,
		    struct lt_err *err);

#endif
