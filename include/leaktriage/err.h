/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error codes and the error record every library function fills.
 *
 * Library functions return an int holding an enum lt_code (LT_OK is 0) and
 * take `struct lt_err *err` as their last parameter.  The first error set
 * wins: later lt_err_set() calls on a record that already holds an error
 * are ignored, so the root cause survives.  Callers add context on the way
 * up with lt_err_prefix().  The record is passed explicitly; there is no
 * global or thread-local error state.
 */
#ifndef LEAKTRIAGE_ERR_H
#define LEAKTRIAGE_ERR_H

/* Values are pinned: append new codes at the end. */
enum lt_code {
	LT_OK = 0,
	LT_E_NOMEM = 1,
	LT_E_IO = 2,          /* read/write failed (evidence or output) */
	LT_E_CORRUPT = 3,     /* evidence is malformed: data, not a bug */
	LT_E_UNSUPPORTED = 4, /* recognised but not handled */
	LT_E_ARG = 5,         /* bad argument from the caller or the user */
	LT_E_LIMIT = 6,       /* a size, depth or count limit was reached */
	LT_E_NOT_BUILT = 7,   /* compiled out */
	LT_E_DEP = 8,         /* a third-party library failed */
	LT_E_INTERNAL = 9,    /* our bug */
	LT_E_NOTFOUND = 10,   /* no such file, evidence, record */
	LT_E_EXISTS = 11,     /* refusing to overwrite */
	LT_E_MISMATCH = 12,   /* a comparison said "no" (hashes) */
	LT_E_INTERRUPTED = 13,/* stopped by a signal */
};

#define LT_ERR_MSG_MAX 256

struct lt_err {
	enum lt_code code;
	char msg[LT_ERR_MSG_MAX];
};

#define LT_ERR_INIT { LT_OK, { 0 } }

/* Set code and message unless the record already holds an error.
 * Returns the code held afterwards, so `return lt_err_set(...)` works. */
__attribute__((format(printf, 3, 4))) int
lt_err_set(struct lt_err *err, enum lt_code code, const char *fmt, ...);

/* Prepend "context: " to the message of a set error (no-op if none). */
__attribute__((format(printf, 2, 3))) void
lt_err_prefix(struct lt_err *err, const char *fmt, ...);

/* Reset to LT_OK with an empty message. */
void lt_err_clear(struct lt_err *err);

/* A short English text for a code ("out of memory", "corrupt input" …). */
const char *lt_strerror(enum lt_code code);

/* Forward a non-zero code. */
#define LT_TRY(expr)                    \
	do {                            \
		int lt_try_rc_ = (expr); \
		if (lt_try_rc_)          \
			return lt_try_rc_; \
	} while (0)

#endif
