// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UTC time formatting and the --tz zone check.  Calendar conversion is
 * done here with gmtime_r on 64-bit time_t.
 */
#include "triage/core/compat.h"
#include "leaktriage/timefmt.h"

#include <ctype.h>
#include <sys/stat.h>

void lt_time_iso(char *out, const struct lt_time *t)
{
	struct tm tm;
	time_t s;
	int n;

	out[0] = '\0';
	if (!t->set)
		return;
	s = (time_t)t->sec;
	if (!gmtime_r(&s, &tm))
		return;
	n = snprintf(out, LT_TIME_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec);
	if (n < 0 || n >= LT_TIME_ISO_MAX - 12)
		return;
	if (t->nsec && t->nsec < 1000000000u) {
		char frac[16];
		int len;

		snprintf(frac, sizeof(frac), "%09u", t->nsec);
		len = 9;
		while (len > 1 && frac[len - 1] == '0')
			len--;
		frac[len] = '\0';
		n += snprintf(out + n, LT_TIME_ISO_MAX - (size_t)n, ".%s", frac);
	}
	snprintf(out + n, LT_TIME_ISO_MAX - (size_t)n, "Z");
}

int64_t lt_time_ns(const struct lt_time *t)
{
	if (!t->set)
		return INT64_MIN;
	if (t->sec > INT64_MAX / 1000000000 - 1 ||
	    t->sec < INT64_MIN / 1000000000 + 1)
		return INT64_MIN;
	return t->sec * 1000000000 + (int64_t)t->nsec;
}

void lt_time_now_iso(char *out)
{
	struct timespec ts;
	struct lt_time t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = 0;
	t.set = true;
	lt_time_iso(out, &t);
}

/* POSIX TZ with an explicit offset: std name (3+ letters or <...>), offset. */
static bool posix_tz(const char *z)
{
	const char *p = z;
	size_t n = 0;

	if (*p == '<') {
		p = strchr(p, '>');
		if (!p)
			return false;
		p++;
	} else {
		while (isalpha((unsigned char)*p)) {
			p++;
			n++;
		}
		if (n < 3)
			return false;
	}
	if (*p == '+' || *p == '-')
		p++;
	return isdigit((unsigned char)*p);
}

int lt_tz_check(const char *zone, struct lt_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (!zone || !*zone)
		return lt_err_set(err, LT_E_ARG, "empty time zone");
	if (!strcmp(zone, "UTC") || !strcmp(zone, "GMT"))
		return LT_OK;
	if (strstr(zone, "..") || zone[0] == '/')
		return lt_err_set(err, LT_E_ARG, "invalid time zone '%s'", zone);
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return LT_OK;
	if (posix_tz(zone))
		return LT_OK;
	return lt_err_set(err, LT_E_ARG,
			  "unknown time zone '%s' (not in /usr/share/zoneinfo "
			  "and not a POSIX TZ string such as JST-9)", zone);
}

int lt_tz_apply(const char *zone, struct lt_err *err)
{
	LT_TRY(lt_tz_check(zone, err));
	if (setenv("TZ", zone, 1))
		return lt_err_set(err, LT_E_NOMEM, "cannot set TZ");
	tzset();
	return LT_OK;
}
