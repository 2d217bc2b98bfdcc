/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Importing proxy logs into the case DB (suspicious traffic flagged with
 * its reason) and correlating it with the files of each terminal.
 *
 * Window-forming traffic (by default IOC matches and uploads) of the
 * clients mapped to an evidence item (--hosts: ip,evidence[,from,to])
 * is merged into time windows (events closer than `gap` join one); files
 * of that evidence with any timestamp (MACB and NTFS $FILE_NAME times)
 * inside a window +/- `slack` are leak candidates, and so are the members
 * of a candidate archive.  Timestamps alone under-count (Windows does not
 * update last-access times by default; uploading a file changes none of
 * its times): candidates are where to look first, not proof.
 */
#ifndef LEAKTRIAGE_CORRELATE_H
#define LEAKTRIAGE_CORRELATE_H

#include <stdbool.h>
#include <stdint.h>

#include "leaktriage/casedb.h"
#include "leaktriage/err.h"
#include "leaktriage/proxy.h"

/* Flag kinds (proxy_flag.kind) */
#define LT_FLAG_IOC "ioc"
#define LT_FLAG_UPLOAD "upload"           /* one request over the limit */
#define LT_FLAG_UPLOAD_HOUR "upload-hour" /* client+destination+hour sum */
#define LT_FLAG_BARE_IP "bare-ip"
#define LT_FLAG_OUTSIDE_ALLOW "outside-allow"
#define LT_FLAG_BEACON "beacon"
#define LT_FLAG_RARE "rare"

struct lt_proxy_import_opts {
	enum lt_log_format format;   /* LT_LOG_AUTO */
	int32_t tz_offset_s;         /* see proxy.h */
	const struct lt_ioc *ioc;    /* may be NULL */
	const struct lt_ioc *allow;  /* may be NULL (no allow-list rule) */
	int64_t upload_bytes;        /* per request, default 1 MiB */
	int64_t upload_hour_bytes;   /* per client/destination/hour, 10 MiB */
	/* Kinds that form windows: a comma list of flag kinds
	 * ("ioc,upload,upload-hour" by default). */
	const char *windows_from;
};

struct lt_proxy_import_stats {
	struct lt_log_stats log;
	char format[16];
	uint64_t flags, window_forming;
};

/* Import one log (plain or .gz).  The whole log is one transaction. */
int lt_proxy_import(struct lt_casedb *db, const char *path,
		    const struct lt_proxy_import_opts *opts,
		    struct lt_proxy_import_stats *stats, struct lt_err *err);

/*
 * Replace the case's host map with the file's (`ip,evidence[,from,to]`,
 * a header line optional, times ISO-8601 UTC or empty).  LT_E_ARG with the
 * line number for a malformed line.  *count gets the entries.
 */
int lt_hosts_load(struct lt_casedb *db, const char *path, uint64_t *count,
		  struct lt_err *err);

struct lt_correlate_stats {
	uint64_t windows, candidates, evidence_items;
	uint64_t unmapped_events;   /* window-forming events of no evidence */
};

/* Recompute windows and candidates (replacing earlier ones). */
int lt_correlate(struct lt_casedb *db, int64_t gap_ns, int64_t slack_ns,
		 struct lt_correlate_stats *stats, struct lt_err *err);

/* "10m", "30m", "1h", "90s", "2d", or seconds; LT_E_ARG otherwise. */
int lt_parse_duration(const char *s, int64_t *ns, struct lt_err *err);

/* ISO-8601 UTC "2015-05-21T02:20:00Z" (also with a space, no Z) to ns. */
int lt_parse_iso_utc(const char *s, int64_t *ns);

#endif
