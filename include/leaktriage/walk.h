/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking a source: every volume, every file system, every entry
 * (allocated, deleted, orphan; NTFS alternate data streams as entries of
 * their own), as TSK's `fls -r -p` would list them, plus their times.
 *
 * Results go out through callbacks (TSK_FS_DIR_WALK_CB style).  Everything
 * passed to a callback is borrowed: valid only during the call.
 */
#ifndef LEAKTRIAGE_WALK_H
#define LEAKTRIAGE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/image.h"
#include "leaktriage/timefmt.h"

enum lt_entry_type {
	LT_ENTRY_FILE = 0,
	LT_ENTRY_DIR = 1,
	LT_ENTRY_LINK = 2,
	LT_ENTRY_OTHER = 3,
};

/* "file", "dir", "link", "other" */
const char *lt_entry_type_name(enum lt_entry_type t);

#define LT_PARTITION_NONE (-1)

struct lt_entry {
	int partition;      /* mmls slot (first column), or LT_PARTITION_NONE */
	uint64_t offset;    /* byte offset of the file system */
	const char *fs;     /* "ntfs", "fat32", "ext4", ..., "dir" */
	const char *path;   /* raw bytes, '/'-separated, no leading '/' */
	size_t path_len;
	const char *name;   /* the last component, raw bytes */
	size_t name_len;
	const char *inode;  /* "71-128-2", "37", st_ino for a directory */
	enum lt_entry_type type;
	uint64_t size;
	bool deleted;       /* the name entry is unallocated */
	bool realloc;       /* deleted name whose metadata is in use again */
	bool has_meta;      /* metadata was found (times, size are real) */
	uint32_t mode;      /* permission bits (07777), 0 if unknown */
	uint32_t uid, gid;
	struct lt_time mtime, atime, ctime, crtime;
	bool has_fn;        /* NTFS $FILE_NAME times present */
	struct lt_time fn_mtime, fn_atime, fn_ctime, fn_crtime;
	/* The $FILE_NAME attribute the times came from ("4-48-2") and its
	 * size: set on the first entry of each MFT entry only, so that a
	 * body file has one $FILE_NAME line per file, as `fls -m` does. */
	const char *fn_inode;
	uint64_t fn_size;
	size_t base_len;    /* path_len without ":stream" */
	char type_chars[4]; /* "r/r", "-/d", "V/V": name/meta type as fls */
	/* With opts->hash, for regular files: */
	bool hashed;
	uint8_t md5[16];
	uint8_t sha256[32];
	const char *hash_error; /* why the content could not be read, or NULL */
	void *ctx;          /* for lt_entry_read() */
};

enum lt_volume_status {
	LT_VOL_WALKED = 0,   /* a file system, listed */
	LT_VOL_LOCKED = 1,   /* encrypted, not listed */
	LT_VOL_UNKNOWN = 2,  /* no file system recognised */
	LT_VOL_ERROR = 3,    /* a file system that failed to open */
};

struct lt_volume {
	int partition;       /* LT_PARTITION_NONE for a bare file system */
	uint64_t offset, length;
	const char *fs;      /* NULL unless walked */
	const char *desc;    /* partition table description, or NULL */
	enum lt_volume_status status;
	const char *encryption; /* "bitlocker", "luks", "filevault" or NULL */
	const char *detail;  /* why, for LOCKED/UNKNOWN/ERROR */
};

struct lt_problem {
	int partition;
	uint64_t offset;
	const char *kind;    /* "volume", "fs", "dir", "read", "hash" */
	const char *detail;
};

struct lt_progress {
	uint64_t entries;
	uint64_t bytes_done;  /* volume bytes behind us */
	uint64_t bytes_total; /* media size */
};

struct lt_walk_cb {
	/* MUST: called once per entry; return 0 to go on, non-zero to stop
	 * the walk (that value is returned by lt_walk with err set). */
	int (*entry)(const struct lt_entry *e, void *udata);
	/* MAY: called once per volume, before its entries. */
	void (*volume)(const struct lt_volume *v, void *udata);
	/* MAY: corrupt parts and read errors; the walk goes on. */
	void (*problem)(const struct lt_problem *p, void *udata);
	/* MAY: now and then. */
	void (*progress)(const struct lt_progress *p, void *udata);
	void *udata;
};

struct lt_walk_opts {
	bool hash;           /* MD5 + SHA-256 of every regular file's content */
};

struct lt_walk_stats {
	uint64_t entries;
	uint64_t volumes;        /* volumes seen */
	uint64_t volumes_walked;
	uint64_t volumes_locked;
	uint64_t problems;
};

/*
 * Walk src.  The FAT/exFAT local-time zone must already be applied
 * (lt_tz_apply()).  Returns LT_OK when something could be listed or a
 * volume was recognised (e.g. BitLocker); LT_E_CORRUPT / LT_E_UNSUPPORTED
 * when nothing in the source could be read, with the reason in err.
 * A non-zero return from cb->entry stops the walk and is returned.
 */
int lt_walk(struct lt_source *src, const struct lt_walk_opts *opts,
	    const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
	    struct lt_err *err);

/*
 * Read an entry's content (the stream the entry names) from off; only
 * inside the entry callback.  *got is 0 at the end.
 */
int lt_entry_read(const struct lt_entry *e, uint64_t off, void *buf,
		  size_t len, size_t *got, struct lt_err *err);

/*
 * Reading a file again later, by reference, from a handle of one's own:
 * scan workers each open a reader on the same source path (TSK takes one
 * lock per image read, so sharing one handle would serialise them).
 * A reference is what walk recorded: the file system's byte offset and the
 * inode string ("71-128-2" names an NTFS attribute; "37" the default
 * stream), or for a directory source the path below the directory.
 */
struct lt_reader;

/* Open a reader on src_path (image or directory).  Close with
 * lt_reader_close().  Not thread-safe: one reader per thread. */
int lt_reader_open(const char *src_path, struct lt_reader **out,
		   struct lt_err *err);
void lt_reader_close(struct lt_reader *r);

/* Position the reader on a file; its size in *size.  LT_E_CORRUPT or
 * LT_E_NOTFOUND when the metadata cannot be opened. */
int lt_reader_select(struct lt_reader *r, uint64_t fs_offset,
		     const char *inode, const char *dir_path, uint64_t *size,
		     struct lt_err *err);
/* Read the selected file at off; *got 0 at the end.  Same semantics as
 * lt_entry_read() (NTFS streams past their initialized size read as 0). */
int lt_reader_read(struct lt_reader *r, uint64_t off, void *buf, size_t len,
		   size_t *got, struct lt_err *err);

#endif
