// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UTC time formatting and the --tz zone check.  Calendar conversion is
 * done here with gmtime_r on 64-bit time_t.
 */
#include "triage/core/compat.h"
#include "leaktriage/timefmt.h"

#include <ctype.h>
#include <sys/stat.h>

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void lt_time_iso(char *out, const struct lt_time *t)
{
	int64_t days, secs, y;
	unsigned mo, d, sod;
	char *p = out;

	out[0] = '\0';
	if (!t->set)
		return;
	days = t->sec / 86400;
	secs = t->sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	{
		/* Entries of one file system share dates: keep the last. */
		static _Thread_local int64_t last_days = INT64_MIN, ly;
		static _Thread_local unsigned lmo, ld;

		if (days != last_days) {
			lt_civil_from_days(days, &ly, &lmo, &ld);
			last_days = days;
		}
		y = ly;
		mo = lmo;
		d = ld;
	}
	if (y < 0 || y > 9999)
		return;
	sod = (unsigned)secs;
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, sod / 3600);
	*p++ = ':';
	p = put2(p, sod / 60 % 60);
	*p++ = ':';
	p = put2(p, sod % 60);
	if (t->nsec && t->nsec < 1000000000u) {
		uint32_t ns = t->nsec;
		int len = 9, i;

		while (len > 1 && ns % 10 == 0) {
			ns /= 10;
			len--;
		}
		*p++ = '.';
		for (i = len - 1; i >= 0; i--) {
			p[i] = (char)('0' + ns % 10);
			ns /= 10;
		}
		p += len;
	}
	*p++ = 'Z';
	*p = '\0';
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
