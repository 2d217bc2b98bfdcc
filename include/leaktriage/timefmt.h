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
 * Proleptic Gregorian dates <-> days since 1970-01-01 (Howard Hinnant's
 * days_from_civil / civil_from_days).  Inline: the date recognisers and
 * the walk's time formatting call them per cell and per entry.  m is
 * 1-12 and d 1-31; any year.
 */
static inline int64_t lt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static inline void lt_civil_from_days(int64_t z, int64_t *y, unsigned *m,
				      unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

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
