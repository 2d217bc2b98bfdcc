/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Evidence sources: a disk image (raw, split raw, E01 set, VMDK, VHD, AFF:
 * whatever the installed libtsk opens) or a directory tree (a live share,
 * read with the POSIX API).  Sources are opened read-only; evidence is
 * never written to.
 *
 * A source is owned by one thread.  Workers that read in parallel open
 * their own handle on the same path (TSK takes one lock per image read).
 */
#ifndef LEAKTRIAGE_IMAGE_H
#define LEAKTRIAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/hash.h"

struct lt_source;

/*
 * Open `path`.  A directory becomes a directory source; anything else is
 * handed to libtsk's image layer (which accepts any regular file as raw:
 * whether it holds a volume or a file system is found out by lt_walk()).
 * Errors: LT_E_NOTFOUND (missing), LT_E_IO (unreadable), LT_E_CORRUPT
 * (TSK refused it, e.g. a truncated E01), each with the reason in err.
 * Free with lt_source_close().
 */
int lt_source_open(const char *path, struct lt_source **out,
		   struct lt_err *err);
void lt_source_close(struct lt_source *src);

/*
 * lt_source_open() with flags.  LT_SOURCE_MAP: read a single raw image
 * through a read-only memory mapping (TSK's image cache refills 64 KiB per
 * miss; from a mapping that costs no system call).  For listing only: the
 * pages touched count in the resident set, so readers of whole files
 * (scan) do not use it.  Falls back to normal reads when the mapping
 * cannot be made (e.g. under the address-space cap).
 */
#define LT_SOURCE_MAP 1u
int lt_source_open_ex(const char *path, unsigned flags,
		      struct lt_source **out, struct lt_err *err);

bool lt_source_is_dir(const struct lt_source *src);
const char *lt_source_path(const struct lt_source *src);
/* "raw", "split", "ewf", "vmdk", "vhd", "aff", "dir" or TSK's name. */
const char *lt_source_format(const struct lt_source *src);
/* Media size in bytes (0 for a directory). */
uint64_t lt_source_size(const struct lt_source *src);
/* Number of files making up the image (segments), 1 for most. */
int lt_source_segments(const struct lt_source *src);

/*
 * The hashes stored inside the image itself (an E01's MD5/SHA1).  Fills
 * md5 (33 bytes) / sha1 (41 bytes) with lower-case hex, or "" where the
 * image stores none.  LT_OK also when there are none.
 */
int lt_source_stored_hashes(const struct lt_source *src, char *md5,
			    char *sha1, struct lt_err *err);

/*
 * Read the whole media (through the image layer: decompressed for E01)
 * and hash it.  progress(done, total, udata) is called now and then, may
 * be NULL.  The hashes land in h (initialise it with lt_hash_init()).
 */
int lt_source_hash(struct lt_source *src, struct lt_hash *h,
		   void (*progress)(uint64_t done, uint64_t total, void *),
		   void *udata, struct lt_err *err);

/*
 * The evidence name DESIGN.md defines: the image file name without its
 * extension ("saitama-pc01.E01" -> "saitama-pc01", "disk.001" -> "disk"),
 * or the directory's last component.  Writes at most len bytes.
 */
void lt_evidence_name(const char *path, char *out, size_t len);

/*
 * Volume encryption by signature, on the first bytes of a volume (at least
 * 512; 4096 for LUKS2 / CoreStorage).  Returns "bitlocker", "luks",
 * "filevault" (CoreStorage), or NULL when none is recognised.
 */
const char *lt_volume_encryption(const uint8_t *buf, size_t len);

/* Internal to triage/evidence: the TSK image handle (TSK_IMG_INFO *). */
void *lt_source_tsk_img(struct lt_source *src);

#endif
