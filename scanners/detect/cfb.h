/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small reader for compound files (MS-CFB), internal to the library:
 * the protection check (encrypted OOXML, xls FILEPASS, doc FIB) and the xls
 * extractor read a few streams of a compound file through it.
 *
 * Hostile input is the normal case.  Every sector chain is followed with a
 * visited bitmap (a loop is an error, never a hang), every sector number is
 * checked against the size of the file, and a stream size larger than the
 * file (or than its chain) is an error before anything is allocated for
 * it.  Errors are LT_E_CORRUPT with a message naming the problem ("sector
 * chain of 'Workbook' loops at sector 12"), or the error of in->read.
 *
 * Memory: the FAT of the sectors that exist in the file (4 bytes per
 * sector: 8 MiB for a 1 GiB file with 512-byte sectors), the directory
 * chain, and per open stream its list of sectors.  Nothing is shared
 * between handles: one handle per thread.
 */
#ifndef LT_SCANNERS_CFB_H
#define LT_SCANNERS_CFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

#define LT_CFB_NOSTREAM 0xffffffffu
#define LT_CFB_ROOT 0u /* the root storage's directory id */

enum { LT_CFB_STORAGE = 1, LT_CFB_STREAM = 2, LT_CFB_ROOT_TYPE = 5 };

/* A directory entry, copied out of the directory. */
struct lt_cfb_entry {
	uint32_t id;
	uint8_t type;         /* LT_CFB_STORAGE, _STREAM, _ROOT_TYPE */
	uint32_t left, right, child;
	uint32_t start;       /* first sector (mini sector if size < 4096) */
	uint64_t size;        /* bytes (the high half ignored in version 3) */
	char name[100];       /* UTF-8 for messages ('?' for a bad unit) */
};

struct lt_cfb;

/*
 * Read the header, the FAT and the directory chain of the compound file
 * in `in` (in->data or in->read).  *out is set on success only; free it
 * with lt_cfb_close().  Errors: LT_E_CORRUPT (not a compound file, or a
 * broken header/FAT/DIFAT), LT_E_LIMIT (more than 2^26 sectors), LT_E_NOMEM,
 * or the error of in->read.  `in` must stay valid until lt_cfb_close().
 */
int lt_cfb_open(const struct lt_scan_input *in, struct lt_cfb **out,
		struct lt_err *err);

/* Accepts NULL. */
void lt_cfb_close(struct lt_cfb *f);

/* Sector size in bytes (512 or 4096). */
uint32_t lt_cfb_sector_size(const struct lt_cfb *f);

/* Directory entry `id` (LT_CFB_ROOT for the root).  LT_E_CORRUPT when
 * it does not exist or is unused. */
int lt_cfb_entry(struct lt_cfb *f, uint32_t id, struct lt_cfb_entry *e,
		 struct lt_err *err);

/*
 * The child of storage `parent` (an id) whose name equals `name` (ASCII,
 * compared case-insensitively as CFB does).  The sibling tree is walked in
 * full, with a visited bitmap, so a corrupt tree (loops, bad colours) is
 * still searched.  LT_OK with *e set, LT_E_NOTFOUND, LT_E_CORRUPT.
 */
int lt_cfb_find(struct lt_cfb *f, uint32_t parent, const char *name,
		struct lt_cfb_entry *e, struct lt_err *err);

/*
 * Call fn for every child of storage `parent` (order of the tree walk) until
 * it returns non-zero (that value is returned).  Errors as lt_cfb_find.
 */
int lt_cfb_children(struct lt_cfb *f, uint32_t parent,
		    int (*fn)(const struct lt_cfb_entry *e, void *udata),
		    void *udata, struct lt_err *err);

/* An open stream: its sector list, built once. */
struct lt_cfb_stream;

/*
 * Open the stream of entry e (a stream, or the root's mini stream).  Builds
 * its sector list: LT_E_CORRUPT for a loop, a sector out of range, a chain
 * shorter than the size, a size larger than the file.  Free with
 * lt_cfb_stream_close().
 */
int lt_cfb_stream_open(struct lt_cfb *f, const struct lt_cfb_entry *e,
		       struct lt_cfb_stream **out, struct lt_err *err);

void lt_cfb_stream_close(struct lt_cfb_stream *s);

uint64_t lt_cfb_stream_size(const struct lt_cfb_stream *s);

/*
 * Read len bytes at off.  *got is what could be read: less than len only
 * at the end of the stream (then the call still returns LT_OK).  Errors:
 * those of in->read, LT_E_CORRUPT when the file ends before the sector.
 */
int lt_cfb_stream_read(struct lt_cfb_stream *s, uint64_t off, void *buf,
		       size_t len, size_t *got, struct lt_err *err);

/*
 * Read the whole stream of entry e (at most max bytes, else LT_E_LIMIT)
 * into *buf (malloc'd, free() it) and *len.
 */
int lt_cfb_read_all(struct lt_cfb *f, const struct lt_cfb_entry *e,
		    size_t max, uint8_t **buf, size_t *len,
		    struct lt_err *err);

#endif
