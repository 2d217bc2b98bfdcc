// SPDX-License-Identifier: GPL-2.0-or-later
/* Dates and birthdates: every notation, era boundaries, Excel serials. */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/scanner.h"
#include "tests/unit/check.h"

/* The birthdate in s (text cell) is y-m-d. */
static bool bd(const char *s, int y, int m, int d)
{
	struct lt_date o = { 0, 0, 0 };

	if (!lt_val_birthdate(s, strlen(s), LT_CELL_TEXT, false, &o)) {
		fprintf(stderr, "not a birthdate: '%s'\n", s);
		return false;
	}
	if (o.year != y || o.month != m || o.day != d) {
		fprintf(stderr, "'%s' read as %d-%d-%d\n", s, o.year, o.month,
			o.day);
		return false;
	}
	return true;
}

static bool no_bd(const char *s)
{
	struct lt_date o;

	return !lt_val_birthdate(s, strlen(s), LT_CELL_TEXT, false, &o);
}

static bool serial(const char *s, int y, int m, int d)
{
	struct lt_date o = { 0, 0, 0 };

	if (!lt_val_birthdate(s, strlen(s), LT_CELL_NUMBER, true, &o))
		return false;
	return o.year == y && o.month == m && o.day == d;
}

static bool no_serial(const char *s)
{
	struct lt_date o;

	return !lt_val_birthdate(s, strlen(s), LT_CELL_NUMBER, true, &o);
}

static bool date(const char *s, int y, int m, int d)
{
	struct lt_date o = { 0, 0, 0 };

	if (!lt_val_date(s, strlen(s), LT_CELL_TEXT, &o))
		return false;
	return o.year == y && o.month == m && o.day == d;
}

static bool no_date(const char *s)
{
	struct lt_date o;

	return !lt_val_date(s, strlen(s), LT_CELL_TEXT, &o);
}

int main(void)
{
	struct lt_date o;
	char buf[64];
	time_t now;
	struct tm tm;

	/* 西暦 */
	CHECK(bd("1985/3/5", 1985, 3, 5));
	CHECK(bd("1985/03/05", 1985, 3, 5));
	CHECK(bd("1985-03-05", 1985, 3, 5));
	CHECK(bd("1985.3.5", 1985, 3, 5));
	CHECK(bd("1985年3月5日", 1985, 3, 5));
	CHECK(bd("1985年03月05日", 1985, 3, 5));
	CHECK(bd("1985 年 3 月 5 日", 1985, 3, 5));
	CHECK(bd("19850305", 1985, 3, 5));
	CHECK(bd(" 1985/3/5 ", 1985, 3, 5));
	CHECK(bd("1985/3/5 0:00", 1985, 3, 5));
	CHECK(bd("1985/03/05 00:00:00", 1985, 3, 5));
	CHECK(bd("1985-03-05T00:00:00Z", 1985, 3, 5));
	CHECK(bd("1985-03-05T00:00:00+09:00", 1985, 3, 5));
	CHECK(bd("1985年3月5日生", 1985, 3, 5));
	CHECK(bd("1985年3月5日生まれ", 1985, 3, 5));
	CHECK(no_bd("1985/3-5"));          /* mixed separators */
	{
		/* the ten-character forms (read without tokens): dates or
		 * not as they were with them */
		static const char *const yes[] = {
			"1985.03.05", "１９８５－０３－０５", " 1985-03-05 ",
		}, *const no[] = {
			"1985/03-05", "1985-03/05", "0999-01-01", "1985:03:05",
			"1985-3-051",
		};
		size_t i;

		for (i = 0; i < LT_ARRAY_SIZE(yes); i++)
			CHECK(bd(yes[i], 1985, 3, 5));
		for (i = 0; i < LT_ARRAY_SIZE(no); i++)
			CHECK(no_date(no[i]) && no_bd(no[i]));
	}
	CHECK(no_bd("1985/3/5 25"));       /* not a time */
	CHECK(no_bd("1985/3/5 0:0"));
	CHECK(no_bd("1985年3月"));         /* no day */
	CHECK(no_bd("85/3/5"));            /* two-digit year */
	CHECK(no_bd("19851305"));          /* 8 digits, no valid date */
	CHECK(no_bd("12345678"));
	CHECK(no_bd("198503051"));
	CHECK(no_bd("1985/3/5/1"));
	CHECK(no_bd(""));
	CHECK(no_bd("   "));
	CHECK(no_bd("山田太郎"));
	/* 8 digits as a number cell too */
	CHECK(lt_val_birthdate("19850305", 8, LT_CELL_NUMBER, true, &o) &&
	      o.year == 1985 && o.month == 3 && o.day == 5);

	/* calendar */
	CHECK(no_bd("2023-02-29"));
	CHECK(bd("2020-02-29", 2020, 2, 29));
	CHECK(bd("2000-02-29", 2000, 2, 29));
	CHECK(no_date("1900-02-29"));
	CHECK(no_bd("1985-04-31"));
	CHECK(no_bd("1985-13-01"));
	CHECK(no_bd("1985-00-10"));
	CHECK(no_bd("1985-01-00"));
	CHECK(no_bd("1985-01-32"));
	CHECK(no_bd("20230229"));
	CHECK(bd("1985/12/31", 1985, 12, 31));

	/* 和暦 with era names */
	CHECK(bd("昭和60年3月5日", 1985, 3, 5));
	CHECK(bd("昭和６０年３月５日", 1985, 3, 5));
	CHECK(bd("昭和 60年 3月 5日", 1985, 3, 5));
	CHECK(bd("昭和60.3.5", 1985, 3, 5));
	CHECK(bd("平成元年1月8日", 1989, 1, 8));
	CHECK(bd("平成1年1月8日", 1989, 1, 8));
	CHECK(bd("令和元年5月1日", 2019, 5, 1));
	CHECK(bd("大正15年12月24日", 1926, 12, 24));
	CHECK(bd("昭和元年12月25日", 1926, 12, 25));
	CHECK(bd("明治45年7月29日", 1912, 7, 29));
	CHECK(bd("大正元年7月30日", 1912, 7, 30));
	CHECK(bd("明治元年10月23日", 1868, 10, 23));
	CHECK(bd("明治33年1月1日", 1900, 1, 1));
	CHECK(bd("㍼60年3月5日", 1985, 3, 5));
	CHECK(bd("㍻元年1月8日", 1989, 1, 8));
	CHECK(bd("昭60年3月5日", 1985, 3, 5));
	CHECK(bd("平元年1月8日", 1989, 1, 8));
	CHECK(bd("昭和60年3月5日生", 1985, 3, 5));
	/* era boundaries */
	CHECK(bd("昭和64年1月7日", 1989, 1, 7));
	CHECK(no_bd("昭和64年1月8日"));
	CHECK(no_bd("平成元年1月7日"));
	CHECK(bd("平成31年4月30日", 2019, 4, 30));
	CHECK(no_bd("平成31年5月1日"));
	CHECK(no_bd("令和元年4月30日"));
	CHECK(no_bd("大正15年12月25日"));
	CHECK(no_bd("昭和元年12月24日"));
	CHECK(no_bd("明治45年7月30日"));
	CHECK(no_bd("大正元年7月29日"));
	CHECK(no_bd("明治元年10月22日"));
	CHECK(no_bd("明治元年1月1日"));
	CHECK(no_bd("昭和0年1月1日"));
	CHECK(no_bd("昭和65年1月1日"));
	CHECK(no_bd("平成11年2月29日")); /* 1999 */
	CHECK(bd("平成12年2月29日", 2000, 2, 29));
	CHECK(no_bd("昭和60年3月"));
	CHECK(no_bd("昭和"));
	CHECK(no_bd("昭和60年3月5"));

	/* era initials */
	CHECK(bd("S60.3.5", 1985, 3, 5));
	CHECK(bd("S60.03.05", 1985, 3, 5));
	CHECK(bd("s60/03/05", 1985, 3, 5));
	CHECK(bd("S60-3-5", 1985, 3, 5));
	CHECK(bd("H1.1.8", 1989, 1, 8));
	CHECK(bd("H01.01.08", 1989, 1, 8));
	CHECK(bd("h1/1/8", 1989, 1, 8));
	CHECK(bd("R1.5.1", 2019, 5, 1));
	CHECK(bd("Ｒ０１－０５－０１", 2019, 5, 1));
	CHECK(bd("Ｓ６０．３．５", 1985, 3, 5));
	CHECK(bd("T15.12.24", 1926, 12, 24));
	CHECK(bd("M45.7.29", 1912, 7, 29));
	CHECK(bd("S.60.3.5", 1985, 3, 5));
	CHECK(bd("S600305", 1985, 3, 5));
	CHECK(bd("H元.1.8", 1989, 1, 8));
	CHECK(bd("S60年3月5日", 1985, 3, 5));
	CHECK(no_bd("S64.1.8"));
	CHECK(no_bd("H1.1.7"));
	CHECK(no_bd("H31.5.1"));
	CHECK(no_bd("R1.4.30"));
	CHECK(no_bd("X60.3.5"));
	CHECK(no_bd("S60.3/5"));
	CHECK(no_bd("S60"));
	CHECK(no_bd("SS60.3.5"));

	/* era codes */
	CHECK(bd("3600305", 1985, 3, 5));
	CHECK(bd("3640107", 1989, 1, 7));
	CHECK(no_bd("3640108"));
	CHECK(bd("4010108", 1989, 1, 8));
	CHECK(no_bd("4010107"));
	CHECK(bd("4310430", 2019, 4, 30));
	CHECK(no_bd("4310501"));
	CHECK(bd("5010501", 2019, 5, 1));
	CHECK(no_bd("5010430"));
	CHECK(bd("2151224", 1926, 12, 24));
	CHECK(bd("１４５０７２９", 1912, 7, 29));
	CHECK(no_bd("6600305"));  /* no era 6 */
	CHECK(no_bd("0600305"));
	CHECK(no_bd("3000305"));  /* era year 0 */
	CHECK(no_bd("1000001"));  /* a postal code */
	CHECK(no_bd("3601305"));
	/* era codes also in number cells, where they are not serials */
	CHECK(serial("3600305", 1985, 3, 5));
	CHECK(serial("1450729", 1912, 7, 29));

	/* full-width everywhere */
	CHECK(bd("１９８５／０３／０５", 1985, 3, 5));
	CHECK(bd("１９８５年３月５日", 1985, 3, 5));
	CHECK(bd("１９８５０３０５", 1985, 3, 5));
	CHECK(bd("１９８５－０３－０５", 1985, 3, 5));
	CHECK(bd("1985−03−05", 1985, 3, 5)); /* U+2212 */

	/* Excel serials: 1 = 1900-01-01, 60 = the phantom 1900-02-29 */
	CHECK(serial("1", 1900, 1, 1));
	CHECK(serial("59", 1900, 2, 28));
	CHECK(no_serial("60"));
	CHECK(serial("61", 1900, 3, 1));
	CHECK(serial("367", 1901, 1, 1));
	CHECK(serial("25569", 1970, 1, 1));
	CHECK(serial("31107", 1985, 3, 1));
	CHECK(serial("31111", 1985, 3, 5));
	CHECK(serial("31111.0", 1985, 3, 5));
	CHECK(serial("31111.75", 1985, 3, 5));
	CHECK(serial("32874", 1990, 1, 1));
	CHECK(no_serial("0"));
	CHECK(no_serial("-5"));
	CHECK(no_serial("31111.5.5"));
	CHECK(no_serial("2958466"));
	CHECK(no_serial("1e5"));
	CHECK(no_serial("99999"));  /* 2173: after today */
	/* serials only when asked for, and only in number cells */
	CHECK(!lt_val_birthdate("31111", 5, LT_CELL_NUMBER, false, &o));
	CHECK(!lt_val_birthdate("31111", 5, LT_CELL_TEXT, true, &o));
	CHECK(!lt_val_date("31111", 5, LT_CELL_NUMBER, &o));

	/* date cells hold ISO text */
	CHECK(lt_val_birthdate("1985-03-05", 10, LT_CELL_DATE, false, &o) &&
	      o.year == 1985 && o.day == 5);
	CHECK(lt_val_date("2023-04-01", 10, LT_CELL_DATE, &o) &&
	      o.year == 2023 && o.month == 4 && o.day == 1);

	/* birth range: 1868-01-01 .. today; lt_val_date has none */
	CHECK(bd("1868-01-01", 1868, 1, 1));
	CHECK(no_bd("1867-12-31"));
	CHECK(date("1867-12-31", 1867, 12, 31));
	CHECK(no_bd("2999-01-01"));
	CHECK(date("2999-01-01", 2999, 1, 1));
	CHECK(no_date("3000-01-01"));
	CHECK(no_date("0999-01-01"));
	CHECK(no_bd("令和50年1月1日"));
	CHECK(date("令和50年1月1日", 2068, 1, 1));
	now = time(NULL);
	gmtime_r(&now, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	CHECK(bd(buf, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
	now += 3 * 86400;
	gmtime_r(&now, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	CHECK(no_bd(buf));
	CHECK(date("2023/4/1", 2023, 4, 1));
	CHECK(date("20230401", 2023, 4, 1));
	CHECK(no_date("22000101")); /* compact form: 1868..2199 */

	/* out may be NULL; not NUL-terminated input */
	CHECK(lt_val_birthdate("1985/3/5", 8, LT_CELL_TEXT, false, NULL));
	CHECK(lt_val_date("1985/3/5XYZ", 8, LT_CELL_TEXT, NULL));
	CHECK(!lt_val_date(NULL, 0, LT_CELL_TEXT, NULL));
	CHECK(!lt_val_birthdate(NULL, 0, LT_CELL_NUMBER, true, NULL));
	CHECK_DONE();
}
