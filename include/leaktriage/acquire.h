/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forensic imaging (acquire) and image verification (verify).
 *
 * lt_acquire_open() checks the source (a block device or a regular file,
 * opened O_RDONLY; refused when it, a partition of it or a device built
 * on it is mounted read-write, unless opts->force); lt_acquire_create()
 * reserves every output file with O_CREAT|O_EXCL (mode 0600 under the
 * caller's umask): the image (OUT.E01 or OUT), OUT.log.json and
 * OUT.log.txt.  Nothing that exists is ever overwritten.  lt_acquire_run()
 * copies the source in one pass: a reader thread fills a ring of blocks,
 * one thread per hash algorithm hashes them, for E01 one thread per CPU
 * compresses them, and the calling thread writes them (libewf for E01,
 * write(2) for raw), so neither hashing nor compression serialises the
 * I/O.  Memory is bounded: 16 blocks of 1 MiB, about twice that for a
 * compressed E01.
 *
 * Read errors never stop an acquisition: a failed block is re-read
 * opts->retries times, then read sector by sector; unreadable sectors are
 * zero-filled and reported (callback, log, and the E01 acquisition-error
 * table).  A source that ends before its announced size (it shrank, or a
 * file was truncated during the read) is zero-filled to that size and the
 * missing tail is reported the same way.  The hashes always describe the
 * image data, zero-filled sectors included.
 *
 * The logs are written when the acquisition starts ("complete": false,
 * in progress) and rewritten when it ends, also when it is interrupted
 * (cb->stop) or the output cannot be written: they then say why the image
 * is incomplete.
 *
 * A handle belongs to one thread; the library starts and joins its own
 * worker threads inside lt_acquire_run().  Callbacks are called from the
 * thread that called lt_acquire_run()/lt_verify(), never from a worker.
 */
#ifndef LEAKTRIAGE_ACQUIRE_H
#define LEAKTRIAGE_ACQUIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/hash.h"

enum lt_image_format {
	LT_IMAGE_E01 = 0, /* EnCase 6 EWF via libewf, OUT.E01, OUT.E02 ... */
	LT_IMAGE_RAW = 1, /* a plain copy in one file */
};

enum lt_compression {
	LT_COMPRESS_NONE = 0,
	LT_COMPRESS_FAST = 1,
	LT_COMPRESS_BEST = 2,
};

/* "e01"/"raw", "none"/"fast"/"best" */
const char *lt_image_format_name(enum lt_image_format f);
const char *lt_compression_name(enum lt_compression c);

struct lt_acquire_opts {
	enum lt_image_format format;
	enum lt_compression compression; /* E01 only */
	uint64_t segment_size;  /* E01: bytes per segment file, 0 = 1.4 GiB */
	uint32_t sector_size;   /* 0: the device's logical sector size, 512
				 * for a file; else a power of two 512..65536 */
	int retries;            /* re-reads of a failed block (0..255) */
	unsigned hashes;        /* LT_HASH_* bits; 0 = the format's default
				 * (E01: MD5+SHA1, raw: MD5+SHA1+SHA256).
				 * E01 always adds MD5. */
	bool force;             /* image a source mounted read-write */
	/* Case metadata, UTF-8; NULL or "" when not given. */
	const char *case_number, *evidence_number, *examiner, *description,
		*notes;
	/* The command line, copied into the log (never parsed). */
	int argc;
	char **argv;
};

/* Defaults: E01, fast compression, libewf's segment size, 2 retries. */
void lt_acquire_opts_init(struct lt_acquire_opts *o);

/* What lt_acquire_open() found out about the source; owned by the handle. */
struct lt_acquire_source {
	const char *path;        /* as given */
	const char *kind;        /* "block device" or "file" */
	uint64_t size;           /* bytes announced when it was opened */
	uint32_t sector_size;
	const char *vendor, *model, *serial; /* sysfs, NULL if unknown */
	const char *mounted;     /* where it is in use read-write (allowed
				  * by force): "'/dev/sda1' on '/'", or NULL */
};

/* A run of unreadable bytes, zero-filled in the image. */
struct lt_acquire_range {
	uint64_t offset, length;
	int errnum;              /* errno of the last failed read; 0 when the
				  * source ended before its announced size */
};

struct lt_acquire_progress {
	uint64_t done;           /* image bytes written */
	uint64_t total;          /* image bytes expected */
	uint64_t unreadable;     /* zero-filled so far */
};

struct lt_acquire_cb {
	/* MAY: after each block written (often: rate-limit the display). */
	void (*progress)(const struct lt_acquire_progress *p, void *udata);
	/* MAY: once per unreadable range, adjacent ones merged, in order. */
	void (*bad_range)(const struct lt_acquire_range *r, void *udata);
	/* MAY: polled between blocks and while waiting for the reader;
	 * return true to stop (Ctrl-C).  The image written so far is closed
	 * properly and the log says it is incomplete. */
	bool (*stop)(void *udata);
	void *udata;
};

struct lt_acquire_result {
	bool complete;           /* the whole announced size was imaged */
	char reason[LT_ERR_MSG_MAX]; /* why not, "" when complete */
	bool ended_early;        /* the source ended before its size */
	uint64_t ended_at;       /* ... at this offset */
	uint64_t bytes_read;     /* read from the source */
	uint64_t bytes_written;  /* image media bytes (zero-fill included) */
	uint64_t bytes_unreadable;
	uint64_t bad_ranges;
	uint32_t padding;        /* E01: zeros added to end on a sector */
	int segments;            /* files of the image */
	unsigned hashes;         /* LT_HASH_* bits computed (0 if the hashes
				  * do not describe the image: write error) */
	char md5[33], sha1[41], sha256[65]; /* lower-case hex, or "" */
};

struct lt_acquisition;

/*
 * Open the source (read-only) and find out what it is.  Errors:
 * LT_E_NOTFOUND (no source), LT_E_UNSUPPORTED (a directory, FIFO,
 * character device; an empty source), LT_E_IO (cannot open or size it),
 * LT_E_ARG (in use read-write without opts->force, or bad option values),
 * LT_E_NOMEM.  Free with lt_acquire_close(), which leaves every file it
 * created in place.
 */
int lt_acquire_open(const char *src, const struct lt_acquire_opts *opts,
		    struct lt_acquisition **acq, struct lt_err *err);

/*
 * Name and reserve the outputs (O_CREAT|O_EXCL, mode 0600 under the
 * umask); once.  out is the image path: for E01 a base name ("case1" ->
 * case1.E01, case1.E02 ...; a trailing ".E01" is accepted and not
 * doubled), for raw the file itself.  The logs are named after it:
 * OUT.log.json and OUT.log.txt (E01: the base name).  Errors: LT_E_EXISTS
 * (an output, or for E01 any segment OUT.E??, exists: nothing is
 * created), LT_E_ARG (not a file name), LT_E_IO (cannot create: the
 * reason is in err), LT_E_NOMEM.
 */
int lt_acquire_create(struct lt_acquisition *acq, const char *out,
		      struct lt_err *err);

const struct lt_acquire_source *
lt_acquire_source_info(const struct lt_acquisition *acq);
/* The image's first file (OUT.E01 or OUT) and the JSON / text logs. */
const char *lt_acquire_image_path(const struct lt_acquisition *acq);
const char *lt_acquire_log_path(const struct lt_acquisition *acq);
const char *lt_acquire_log_txt_path(const struct lt_acquisition *acq);

/*
 * Image the source, after lt_acquire_create(); callable once.  res is
 * filled in every case.
 * Returns LT_OK when the image is finished (bad sectors and an early end
 * included: see res), LT_E_INTERRUPTED when cb->stop said so, LT_E_IO
 * when the image or the log cannot be written, LT_E_DEP when libewf
 * fails, LT_E_NOMEM.  The log is written in every case it can be.
 */
int lt_acquire_run(struct lt_acquisition *acq, const struct lt_acquire_cb *cb,
		   struct lt_acquire_result *res, struct lt_err *err);

/* Accepts NULL. */
void lt_acquire_close(struct lt_acquisition *acq);

/*
 * The log path for an image path: "x.E01" -> "x.log.json", "x" (E01
 * base) -> "x.log.json", "disk.raw" -> "disk.raw.log.json".  Writes at
 * most len bytes; false when it does not fit.
 */
bool lt_acquire_log_name(const char *image, enum lt_image_format f,
			 char *out, size_t len);

/*
 * The hashes an acquisition log beside `image` records (found by
 * lt_acquire_log_name(); raw and E01 names both tried).  Fills md5 (33),
 * sha1 (41), sha256 (65) with lower-case hex or "", *complete with the
 * log's "complete" flag.  LT_E_NOTFOUND when there is no log.
 */
int lt_acquire_log_hashes(const char *image, char *md5, char *sha1,
			  char *sha256, bool *complete, struct lt_err *err);

/* --- verify --------------------------------------------------------- */

struct lt_verify_result {
	enum lt_image_format format;
	char image[4096];        /* the file read first (x.E01 or x) */
	char log[4096];          /* the acquisition log used, or "" */
	uint64_t size;           /* media bytes read */
	unsigned computed;       /* LT_HASH_* computed */
	char md5[33], sha1[41], sha256[65];
	/* Stored values, "" when absent: in the image (E01) and the log. */
	char image_md5[33], image_sha1[41];
	char log_md5[33], log_sha1[41], log_sha256[65];
	bool log_incomplete;     /* the log says the image is incomplete */
	char log_reason[LT_ERR_MSG_MAX];
	uint64_t log_size;       /* image bytes per the log, 0 if absent */
	/* Outcome: LT_HASH_* bits whose stored value differs from the
	 * computed one (image or log), and other evidence of change. */
	unsigned mismatched;
	bool size_mismatch;      /* raw: file size differs from the log */
	uint64_t checksum_errors; /* E01: chunks failing their checksum */
};

struct lt_verify_cb {
	/* MAY: now and then while reading. */
	void (*progress)(uint64_t done, uint64_t total, void *udata);
	/* MAY: each E01 chunk range whose checksum failed (bytes). */
	void (*checksum_error)(uint64_t offset, uint64_t length, void *udata);
	/* MAY: polled between blocks; true stops (LT_E_INTERRUPTED). */
	bool (*stop)(void *udata);
	void *udata;
};

/*
 * Re-read the image at path (an E01 set given by any of its names or its
 * base name, or a raw image with its OUT.log.json beside it), recompute
 * its hashes and compare them with those stored in the image and in the
 * acquisition log.  Returns LT_OK when every stored hash matches (at
 * least one is compared), LT_E_MISMATCH when something differs (res says
 * what), LT_E_NOTFOUND / LT_E_IO / LT_E_CORRUPT / LT_E_UNSUPPORTED when
 * the image or its hashes cannot be read (e.g. a raw image without its
 * log), LT_E_INTERRUPTED, LT_E_NOMEM.
 */
int lt_verify(const char *path, const struct lt_verify_cb *cb,
	      struct lt_verify_result *res, struct lt_err *err);

#endif
