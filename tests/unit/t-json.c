// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON writer: escaping, invalid UTF-8 from file names, base64. */
#include "triage/core/compat.h"
#include "leaktriage/json.h"
#include "tests/unit/check.h"

static const char *str_json(struct lt_buf *b, const char *s, size_t len,
			    bool *valid)
{
	struct lt_json j;

	lt_buf_reset(b);
	lt_json_init(&j, b);
	*valid = lt_json_str(&j, s, len);
	return lt_buf_str(b);
}

int main(void)
{
	struct lt_buf b;
	struct lt_json j;
	bool v;

	lt_buf_init(&b, 0);
	CHECK_STR(str_json(&b, "abc", 3, &v), "\"abc\"");
	CHECK(v);
	CHECK_STR(str_json(&b, "a\"b\\c\n\t\x01", 8, &v),
		  "\"a\\\"b\\\\c\\n\\t\\u0001\"");
	CHECK(v);
	/* Japanese UTF-8 passes through unchanged. */
	CHECK_STR(str_json(&b, "顧客名簿.csv", strlen("顧客名簿.csv"), &v),
		  "\"顧客名簿.csv\"");
	CHECK(v);
	/* Invalid bytes become U+FFFD, one per maximal subpart. */
	CHECK_STR(str_json(&b, "bad\xff\xfename", 9, &v),
		  "\"bad\xEF\xBF\xBD\xEF\xBF\xBDname\"");
	CHECK(!v);
	/* Truncated 3-byte sequence: one replacement. */
	CHECK_STR(str_json(&b, "\xe9\xa1x", 3, &v), "\"\xEF\xBF\xBDx\"");
	CHECK(!v);
	/* Overlong NUL and a surrogate are invalid. */
	str_json(&b, "\xc0\x80", 2, &v);
	CHECK(!v);
	str_json(&b, "\xed\xa0\x80", 3, &v);
	CHECK(!v);
	/* An embedded NUL is escaped, not a terminator. */
	CHECK_STR(str_json(&b, "a\0b", 3, &v), "\"a\\u0000b\"");
	/* Shift_JIS bytes (from a FAT name written on Windows). */
	str_json(&b, "\x8c\xda\x8b\x71", 4, &v);
	CHECK(!v);
	CHECK(lt_utf8_valid(lt_buf_str(&b), b.len));

	/* Objects, arrays, commas. */
	lt_buf_reset(&b);
	lt_json_init(&j, &b);
	lt_json_obj_begin(&j);
	lt_json_key_u64(&j, "a", 1);
	lt_json_key(&j, "b");
	lt_json_arr_begin(&j);
	lt_json_i64(&j, -5);
	lt_json_null(&j);
	lt_json_bool(&j, true);
	lt_json_arr_end(&j);
	lt_json_key_cstr(&j, "c", NULL);
	lt_json_key(&j, "d");
	lt_json_obj_begin(&j);
	lt_json_obj_end(&j);
	lt_json_obj_end(&j);
	CHECK_STR(lt_buf_str(&b), "{\"a\":1,\"b\":[-5,null,true],\"c\":null,"
				  "\"d\":{}}");

	/* base64 (RFC 4648 test vectors). */
	{
		static const char *const in[] = { "", "f", "fo", "foo",
						   "foob", "fooba", "foobar" };
		static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v",
						    "Zm9vYg==", "Zm9vYmE=",
						    "Zm9vYmFy" };
		for (size_t i = 0; i < LT_ARRAY_SIZE(in); i++) {
			lt_buf_reset(&b);
			lt_base64(&b, (const uint8_t *)in[i], strlen(in[i]));
			CHECK_STR(lt_buf_str(&b), out[i]);
		}
	}

	/* Sanitize keeps valid text and replaces the rest. */
	lt_buf_reset(&b);
	CHECK(!lt_utf8_sanitize(&b, "x\x80y", 3));
	CHECK_STR(lt_buf_str(&b), "x\xEF\xBF\xBDy");

	/* The buffer cap holds. */
	{
		struct lt_buf c;

		lt_buf_init(&c, 8);
		lt_buf_adds(&c, "12345678");
		CHECK(lt_buf_status(&c) == 0);
		lt_buf_addc(&c, '9');
		CHECK(lt_buf_status(&c) != 0);
		CHECK(c.len == 8);
		lt_buf_release(&c);
	}
	lt_buf_release(&b);
	CHECK_DONE();
}
