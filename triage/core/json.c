// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON writer, UTF-8 validation and base64.  Every byte of JSON the tool
 * prints goes through here, so invalid UTF-8 from evidence never reaches
 * a consumer: it is replaced by U+FFFD and the caller adds the raw bytes
 * in base64 beside it.
 */
#include "triage/core/compat.h"
#include "leaktriage/json.h"

void lt_json_init(struct lt_json *j, struct lt_buf *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void sep(struct lt_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		lt_buf_addc(j->out, ',');
	j->first[j->depth] = false;
}

static void open_(struct lt_json *j, char c)
{
	sep(j);
	if (j->depth + 1 >= LT_JSON_MAX_DEPTH)
		LT_BUG("json nesting too deep");
	lt_buf_addc(j->out, c);
	j->first[++j->depth] = true;
}

static void close_(struct lt_json *j, char c)
{
	if (j->depth <= 0)
		LT_BUG("json close without open");
	j->depth--;
	lt_buf_addc(j->out, c);
}

void lt_json_obj_begin(struct lt_json *j) { open_(j, '{'); }
void lt_json_obj_end(struct lt_json *j) { close_(j, '}'); }
void lt_json_arr_begin(struct lt_json *j) { open_(j, '['); }
void lt_json_arr_end(struct lt_json *j) { close_(j, ']'); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (len >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
		if (len < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (len < 4 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * How many bytes form the maximal subpart of an invalid sequence starting
 * at s: the lead byte plus any continuation bytes that were acceptable.
 */
static size_t invalid_run(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t want, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c >= 0xC2 && c <= 0xDF)
		want = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		want = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		want = 4;
	else
		return 1;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (i = 1; i < want && i < len; i++) {
		unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;

		if (s[i] < l || s[i] > h)
			break;
	}
	return i;
}

bool lt_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

bool lt_utf8_sanitize(struct lt_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, n;
	bool ok = true;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		lt_buf_add(out, s + start, i - start);
		lt_buf_add(out, "\xEF\xBF\xBD", 3);
		i += invalid_run(p + i, len - i);
		start = i;
		ok = false;
	}
	lt_buf_add(out, s + start, len - start);
	return ok;
}

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

static bool add_escaped(struct lt_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, n;
	bool ok = true;

	lt_buf_addc(b, '"');
	while (i < len) {
		unsigned char c = p[i];

		if (plain[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_seq(p + i, len - i);
			if (n) {
				i += n;
				continue;
			}
		}
		lt_buf_add(b, s + start, i - start);
		switch (c) {
		case '"': lt_buf_add(b, "\\\"", 2); i++; break;
		case '\\': lt_buf_add(b, "\\\\", 2); i++; break;
		case '\n': lt_buf_add(b, "\\n", 2); i++; break;
		case '\r': lt_buf_add(b, "\\r", 2); i++; break;
		case '\t': lt_buf_add(b, "\\t", 2); i++; break;
		default:
			if (c < 0x20) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
					      hex[c & 15] };

				lt_buf_add(b, u, 6);
				i++;
			} else {
				lt_buf_add(b, "\xEF\xBF\xBD", 3);
				i += invalid_run(p + i, len - i);
				ok = false;
			}
		}
		start = i;
	}
	lt_buf_add(b, s + start, len - start);
	lt_buf_addc(b, '"');
	return ok;
}

void lt_json_key(struct lt_json *j, const char *key)
{
	size_t len = strlen(key), i;

	sep(j);
	/* Keys are our own identifiers: copy them unless one needs escaping
	 * (walk writes twenty keys per entry). */
	for (i = 0; i < len; i++)
		if (!plain[(unsigned char)key[i]])
			break;
	if (i < len) {
		add_escaped(j->out, key, len);
	} else {
		lt_buf_addc(j->out, '"');
		lt_buf_add(j->out, key, len);
		lt_buf_addc(j->out, '"');
	}
	lt_buf_addc(j->out, ':');
	j->after_key = true;
}

bool lt_json_str(struct lt_json *j, const char *s, size_t len)
{
	sep(j);
	return add_escaped(j->out, s, len);
}

void lt_json_cstr(struct lt_json *j, const char *s)
{
	if (!s)
		lt_json_null(j);
	else
		lt_json_str(j, s, strlen(s));
}

void lt_json_u64(struct lt_json *j, uint64_t v)
{
	sep(j);
	lt_buf_add_u64(j->out, v);
}

void lt_json_i64(struct lt_json *j, int64_t v)
{
	sep(j);
	if (v < 0) {
		lt_buf_addc(j->out, '-');
		lt_buf_add_u64(j->out, (uint64_t)0 - (uint64_t)v);
	} else {
		lt_buf_add_u64(j->out, (uint64_t)v);
	}
}

void lt_json_bool(struct lt_json *j, bool v)
{
	sep(j);
	lt_buf_adds(j->out, v ? "true" : "false");
}

void lt_json_null(struct lt_json *j)
{
	sep(j);
	lt_buf_add(j->out, "null", 4);
}

void lt_json_raw(struct lt_json *j, const char *text)
{
	sep(j);
	lt_buf_adds(j->out, text);
}

void lt_json_plain(struct lt_json *j, const char *s)
{
	sep(j);
	lt_buf_addc(j->out, '"');
	lt_buf_adds(j->out, s);
	lt_buf_addc(j->out, '"');
}

bool lt_json_key_str(struct lt_json *j, const char *k, const char *s,
		     size_t len)
{
	lt_json_key(j, k);
	return lt_json_str(j, s, len);
}

void lt_json_key_cstr(struct lt_json *j, const char *k, const char *s)
{
	lt_json_key(j, k);
	lt_json_cstr(j, s);
}

void lt_json_key_u64(struct lt_json *j, const char *k, uint64_t v)
{
	lt_json_key(j, k);
	lt_json_u64(j, v);
}

void lt_json_key_i64(struct lt_json *j, const char *k, int64_t v)
{
	lt_json_key(j, k);
	lt_json_i64(j, v);
}

void lt_json_key_bool(struct lt_json *j, const char *k, bool v)
{
	lt_json_key(j, k);
	lt_json_bool(j, v);
}

void lt_json_key_null(struct lt_json *j, const char *k)
{
	lt_json_key(j, k);
	lt_json_null(j);
}

void lt_base64(struct lt_buf *out, const uint8_t *d, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		char q[4] = { tab[d[i] >> 2],
			      tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			      tab[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)],
			      tab[d[i + 2] & 63] };

		lt_buf_add(out, q, 4);
	}
	if (len - i == 1) {
		char q[4] = { tab[d[i] >> 2], tab[(d[i] & 3) << 4], '=', '=' };

		lt_buf_add(out, q, 4);
	} else if (len - i == 2) {
		char q[4] = { tab[d[i] >> 2],
			      tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			      tab[(d[i + 1] & 15) << 2], '=' };

		lt_buf_add(out, q, 4);
	}
}
