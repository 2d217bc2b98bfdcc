// SPDX-License-Identifier: GPL-2.0-or-later
/* UTC time formatting and the --tz zone check. */
#include "triage/core/compat.h"
#include "leaktriage/timefmt.h"
#include "tests/unit/check.h"

static const char *iso(int64_t sec, uint32_t nsec, bool set)
{
	static char out[LT_TIME_ISO_MAX];
	struct lt_time t = { sec, nsec, set };

	lt_time_iso(out, &t);
	return out;
}

int main(void)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_time t = { 1, 5, true }, u = { 0, 0, false };

	CHECK_STR(iso(0, 0, true), "1970-01-01T00:00:00Z");
	CHECK_STR(iso(1432174800, 0, true), "2015-05-21T02:20:00Z");
	/* Leap day (the DFTT NTFS image is dated 29 Feb 2004). */
	CHECK_STR(iso(1078084800, 0, true), "2004-02-29T20:00:00Z");
	CHECK_STR(iso(1078084800, 513052800, true),
		  "2004-02-29T20:00:00.5130528Z");
	CHECK_STR(iso(1078084800, 1, true), "2004-02-29T20:00:00.000000001Z");
	CHECK_STR(iso(0, 0, false), "");
	/* Before 1970 and after 2038. */
	CHECK_STR(iso(-1, 0, true), "1969-12-31T23:59:59Z");
	CHECK_STR(iso(4102444800, 0, true), "2100-01-01T00:00:00Z");
	/* The hand-written calendar agrees with gmtime_r over 1600..2400. */
	{
		uint64_t x = 88172645463325252ull;
		int i, bad = 0;

		for (i = 0; i < 200000 && bad < 5; i++) {
			struct tm tm;
			char ref[64];
			time_t s;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s = (time_t)((int64_t)(x % 25245000000ull) - 11644473600ll);
			gmtime_r(&s, &tm);
			snprintf(ref, sizeof(ref), "%04d-%02d-%02dT%02d:%02d:%02dZ",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);
			if (strcmp(iso(s, 0, true), ref)) {
				fprintf(stderr, "%lld: %s != %s\n", (long long)s,
					iso(s, 0, true), ref);
				bad++;
			}
		}
		CHECK(bad == 0);
	}
	CHECK_STR(iso(951782400, 0, true), "2000-02-29T00:00:00Z");
	CHECK_STR(iso(-11644473600ll, 0, true), "1601-01-01T00:00:00Z");
	CHECK(lt_time_ns(&t) == 1000000005);
	CHECK(lt_time_ns(&u) == INT64_MIN);

	CHECK(lt_tz_check("UTC", &err) == LT_OK);
	CHECK(lt_tz_check("Asia/Tokyo", &err) == LT_OK);
	CHECK(lt_tz_check("JST-9", &err) == LT_OK);
	CHECK(lt_tz_check("Mars/Olympus", &err) == LT_E_ARG);
	lt_err_clear(&err);
	CHECK(lt_tz_check("../../etc/passwd", &err) == LT_E_ARG);
	lt_err_clear(&err);
	CHECK(lt_tz_check("", &err) == LT_E_ARG);
	lt_err_clear(&err);

	/* lt_tz_apply changes what mktime() means (TSK's FAT conversion). */
	{
		struct tm tm = { 0 };
		time_t utc, jst;

		tm.tm_year = 2004 - 1900;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = 14;
		tm.tm_isdst = -1;
		CHECK(lt_tz_apply("UTC", &err) == LT_OK);
		utc = mktime(&tm);
		tm.tm_hour = 14;
		tm.tm_isdst = -1;
		CHECK(lt_tz_apply("Asia/Tokyo", &err) == LT_OK);
		jst = mktime(&tm);
		CHECK(utc - jst == 9 * 3600);
	}

	/* First error wins; prefix adds context. */
	lt_err_clear(&err);
	lt_err_set(&err, LT_E_CORRUPT, "bad fixup in entry %d", 5);
	lt_err_set(&err, LT_E_IO, "later noise");
	lt_err_prefix(&err, "image '%s'", "x.E01");
	CHECK(err.code == LT_E_CORRUPT);
	CHECK_STR(err.msg, "image 'x.E01': bad fixup in entry 5");
	CHECK_DONE();
}
