/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Front-end helpers shared by the cmd-*.c files: messages in the one
 * format (leaktriage CMD: error: ...), verbosity, progress on a TTY.
 * Only the front end (triage/cmd-*.c, main.c) prints or exits.
 */
#ifndef LT_FRONT_H
#define LT_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include "leaktriage/casedb.h"
#include "leaktriage/err.h"

/* 0 quiet (errors only), 1 default (warnings, progress on a TTY), 2+ more */
extern int lt_verbosity;
extern const char *lt_cmd_name;

__attribute__((format(printf, 1, 2))) void lt_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void lt_warn(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void lt_info(int level,
						   const char *fmt, ...);

/* Progress: shown only when stderr is a TTY and verbosity >= 1. */
bool lt_progress_enabled(void);
/* Rate-limited (5 per second) one-line progress; "" clears the line. */
__attribute__((format(printf, 1, 2))) void lt_progress(const char *fmt, ...);
void lt_progress_done(void);

/*
 * Cap the process's address space (RLIMIT_AS) so that a hostile image
 * cannot make a library allocate gigabytes: allocations past the cap fail
 * and the library reports an error for that part instead.  No-op under
 * AddressSanitizer (its shadow memory needs the address space).
 */
#define LT_DEFAULT_MAX_MEMORY ((uint64_t)2 << 30)
void lt_limit_memory(uint64_t bytes);

/* Map a library error code to an exit status. */
int lt_exit_for(enum lt_code code);

/*
 * Open the case DB for a command and start its audit record; the audit
 * is closed by lt_case_close() with the exit status.
 */
struct lt_case {
	struct lt_casedb *db;
	int64_t audit_id;
};
int lt_case_open(struct lt_case *c, const char *path, bool create, int argc,
		 char **argv);
void lt_case_close(struct lt_case *c, int exit_status);

/*
 * Record (or update) the evidence item for src in the case DB: hashes
 * from the image (E01), from acquire's log beside it, or computed when
 * hash_image.  Prints warnings and errors; returns an lt_code.
 */
struct lt_source;
int lt_front_put_evidence(struct lt_casedb *db, struct lt_source *src,
			  const char *name, const char *tz, bool hash_image,
			  int64_t *id);

/* Full command line for audit records, set by main(). */
extern int lt_main_argc;
extern char **lt_main_argv;

#endif
