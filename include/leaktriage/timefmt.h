/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Times: everything leaktriage stores and prints is UTC.  A time is kept
 * as seconds since the epoch plus nanoseconds; "not set" is `set == false`
 * (TSK uses 0 for a missing time).
 */
#ifndef LEAKTRIAGE_TIMEFMT_H
#define LEAKTRIAGE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

struct lt_time {
	int64_t sec;
	uint32_t nsec;
	bool set;
};

#define LT_TIME_ISO_MAX 40

/*
 * ISO-8601 UTC: "2015-05-21T02:20:00Z", or with the fraction trimmed of
 * trailing zeros when nsec is not 0 ("2004-02-29T10:11:12.5Z").  Writes
 * "" for an unset time.  out must hold LT_TIME_ISO_MAX bytes.
 */
void lt_time_iso(char *out, const struct lt_time *t);

/* Nanoseconds since the epoch (for the case DB); INT64_MIN if unset. */
int64_t lt_time_ns(const struct lt_time *t);

/* Now, UTC, as ISO-8601 with seconds. */
void lt_time_now_iso(char *out);

/*
 * Check that zone names a time zone this system knows: "UTC", a name
 * under /usr/share/zoneinfo ("Asia/Tokyo"), or a POSIX TZ string with an
 * explicit offset ("JST-9").  LT_E_ARG with the reason otherwise.
 */
int lt_tz_check(const char *zone, struct lt_err *err);

/*
 * Make `zone` the process's local time zone (TZ + tzset), so that
 * libraries that convert local time with mktime() (TSK for FAT) use it.
 */
int lt_tz_apply(const char *zone, struct lt_err *err);

#endif
