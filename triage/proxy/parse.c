// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proxy-log parsers: Squid native, Apache/Squid combined, BlueCoat ELFF and
 * other W3C extended logs, Zeek http.log (TSV and JSON lines), plain or
 * gzip, into struct lt_proxy_event (proxy.h has the formats, the field
 * mapping and the time-zone rules).
 *
 * One loop reads the input in chunks of up to 4 MiB into one buffer and
 * hands every complete line to the format's parser, which works in place:
 * fields are cut by writing NULs into the line, and only what has to be
 * rebuilt (lower-cased host names, path + "?" + query) is copied, into a
 * scratch buffer reset per line.  Nothing is allocated per line or per
 * field.  Dates are turned into days since the epoch once per distinct day
 * (a one-entry cache per format: logs are in time order), never through
 * mktime/timegm.  A partial line waits for the next chunk; a line longer
 * than LT_LOG_MAX_LINE is counted as one bad line and skipped.
 *
 * lt_log_parse_mem() feeds the same loop from memory, so the fuzz target
 * exercises exactly the code that reads files.  Detection runs the real
 * line parsers over a copy of the head, so "fits" means "parses".
 */
#include "triage/core/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "leaktriage/proxy.h"
#include "leaktriage/timefmt.h"

#define BUF_CAP (4 * LT_LOG_MAX_LINE)
#define SCRATCH_CAP(n) (2 * (n) + 256)
#define MAX_COLS 256     /* columns given a role; later ones are ignored */
#define NS INT64_C(1000000000)
#define MIN_YEAR 1900
#define MAX_YEAR 2199    /* keeps every time inside int64 nanoseconds */
#define MAX_SECS INT64_C(7258118399) /* 2199-12-31T23:59:59Z */

enum { LINE_BAD, LINE_EVENT, LINE_COMMENT };

/* What a W3C or Zeek column means to us. */
enum role {
	R_NONE = 0,
	R_DATE,
	R_TIME,
	R_EPOCH,
	R_CLIENT,
	R_USER,
	R_METHOD,
	R_SCHEME,
	R_HOST,
	R_HOSTHDR,
	R_URI,
	R_STEM,
	R_QUERY,
	R_PORT,
	R_RDNS,
	R_RIP,
	R_RPORT,
	R_SIP,
	R_SPORT,
	R_STATUS,
	R_BYTES_IN,
	R_BYTES_OUT,
	R_ACTION,
	R_FILTER,
	R_UA,
	R_RESP_H,
	R_RESP_P,
	R_COUNT
};

struct val {
	char *s;
	size_t n;
};

struct role_name {
	const char *name;
	enum role role;
};

static const struct role_name w3c_roles[] = {
	{ "date", R_DATE },
	{ "time", R_TIME },
	{ "x-timestamp-unix", R_EPOCH },
	{ "c-ip", R_CLIENT },
	{ "cs-username", R_USER },
	{ "cs-method", R_METHOD },
	{ "cs-uri-scheme", R_SCHEME },
	{ "cs-host", R_HOST },
	{ "cs(host)", R_HOSTHDR },
	{ "cs-uri", R_URI },
	{ "cs-uri-stem", R_STEM },
	{ "cs-uri-path", R_STEM },
	{ "cs-uri-query", R_QUERY },
	{ "cs-uri-port", R_PORT },
	{ "r-dns", R_RDNS },
	{ "r-ip", R_RIP },
	{ "r-port", R_RPORT },
	{ "s-ip", R_SIP },
	{ "s-port", R_SPORT },
	{ "sc-status", R_STATUS },
	{ "sc-bytes", R_BYTES_IN },
	{ "cs-bytes", R_BYTES_OUT },
	{ "s-action", R_ACTION },
	{ "sc-filter-result", R_FILTER },
	{ "cs(user-agent)", R_UA },
};

static const struct role_name zeek_roles[] = {
	{ "ts", R_EPOCH },
	{ "id.orig_h", R_CLIENT },
	{ "id.resp_h", R_RESP_H },
	{ "id.resp_p", R_RESP_P },
	{ "method", R_METHOD },
	{ "host", R_HOST },
	{ "uri", R_URI },
	{ "status_code", R_STATUS },
	{ "request_body_len", R_BYTES_OUT },
	{ "response_body_len", R_BYTES_IN },
	{ "user_agent", R_UA },
	{ "username", R_USER },
};

struct parser {
	enum lt_log_format fmt;
	int64_t tz_ns;
	lt_proxy_event_fn fn;
	void *udata;
	struct lt_log_stats st;

	char *scratch;
	size_t scratch_cap, scratch_len;

	/* one-entry day caches: the date text and its days since 1970 */
	char w3c_day[10];
	int64_t w3c_days;
	char clf_day[11];
	int64_t clf_days;

	/* W3C / ELFF state */
	bool w3c_ok, sgos, w3c_has_date;
	uint32_t w3c_cols;
	int64_t w3c_hdr_days; /* from #Date:, INT64_MIN if none */
	int64_t w3c_last_tod; /* time of day of the last time-only line (or
			       * of #Date:), ns; -1 if none */
	unsigned char w3c_role[MAX_COLS];

	/* Zeek TSV state */
	bool zeek_ok;
	char zeek_sep;
	uint32_t zeek_cols;
	unsigned char zeek_role[MAX_COLS];
	char zeek_unset[32], zeek_empty[32];
	size_t zeek_unset_len, zeek_empty_len;
};

static const char empty_str[] = "";

/* ---- small helpers ------------------------------------------------------ */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* All digits, 1..18 of them. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n || n > 18)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* "-" or empty: unknown (-1); digits: the value; else false. */
static bool parse_bytes(const char *s, size_t n, int64_t *out)
{
	uint64_t v;

	if (!n || (n == 1 && s[0] == '-')) {
		*out = -1;
		return true;
	}
	if (!parse_u64(s, n, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static int parse_status(const char *s, size_t n)
{
	uint64_t v;

	if (n > 3 || !parse_u64(s, n, &v))
		return 0;
	return (int)v;
}

static int parse_port(const char *s, size_t n)
{
	uint64_t v;

	if (n > 5 || !parse_u64(s, n, &v) || v > 65535)
		return 0;
	return (int)v;
}

static bool dash(const struct val *v)
{
	return !v->s || !v->n || (v->n == 1 && v->s[0] == '-');
}

/* Copy into the scratch buffer (lower-cased if asked), NUL-terminated. */
static char *put(struct parser *p, const char *s, size_t n, bool low)
{
	char *d;
	size_t i;

	if (p->scratch_cap - p->scratch_len < n + 1)
		return NULL;
	d = p->scratch + p->scratch_len;
	if (low)
		for (i = 0; i < n; i++)
			d[i] = lower(s[i]);
	else
		memcpy(d, s, n);
	d[n] = '\0';
	p->scratch_len += n + 1;
	return d;
}

/* Append to the string put() last returned (before its NUL). */
static bool put_more(struct parser *p, const char *s, size_t n)
{
	if (p->scratch_cap - p->scratch_len < n)
		return false;
	memcpy(p->scratch + p->scratch_len - 1, s, n);
	p->scratch_len += n;
	p->scratch[p->scratch_len - 1] = '\0';
	return true;
}

static bool ieq(const char *a, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || lower(a[i]) != lit[i])
			return false;
	return !lit[n];
}

/* ---- time --------------------------------------------------------------- */

static bool valid_date(int64_t y, unsigned m, unsigned d)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };

	if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		return false;
	return true;
}

static bool dig2(const char *s, unsigned *out)
{
	if (!is_digit(s[0]) || !is_digit(s[1]))
		return false;
	*out = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	return true;
}

static bool dig4(const char *s, int64_t *out)
{
	unsigned a, b;

	if (!dig2(s, &a) || !dig2(s + 2, &b))
		return false;
	*out = a * 100 + b;
	return true;
}

/* "YYYY-MM-DD" (exactly 10 bytes) to days, through the day cache. */
static bool w3c_date(struct parser *p, const char *s, size_t n, int64_t *days)
{
	int64_t y;
	unsigned m, d;

	if (n != 10)
		return false;
	if (!memcmp(s, p->w3c_day, 10)) {
		*days = p->w3c_days;
		return true;
	}
	if (!dig4(s, &y) || s[4] != '-' || !dig2(s + 5, &m) || s[7] != '-' ||
	    !dig2(s + 8, &d) || !valid_date(y, m, d))
		return false;
	memcpy(p->w3c_day, s, 10);
	p->w3c_days = lt_days_from_civil(y, m, d);
	*days = p->w3c_days;
	return true;
}

/* Up to 9 fraction digits after a '.', as nanoseconds. */
static bool fraction_ns(const char *s, size_t n, int64_t *ns)
{
	static const int64_t scale[] = { 1,      10,      100,      1000,
					 10000,  100000,  1000000,  10000000,
					 100000000, 1000000000 };
	uint64_t v;

	if (n > 9 || !parse_u64(s, n, &v))
		return false;
	*ns = (int64_t)v * scale[9 - n];
	return true;
}

/* "HH:MM:SS" with an optional ".fraction", as ns since midnight. */
static bool clock_ns(const char *s, size_t n, int64_t *ns)
{
	unsigned h, m, sec;
	int64_t frac = 0;

	if (n < 8 || !dig2(s, &h) || s[2] != ':' || !dig2(s + 3, &m) ||
	    s[5] != ':' || !dig2(s + 6, &sec) || h > 23 || m > 59 || sec > 60)
		return false;
	if (n > 8 && (s[8] != '.' || !fraction_ns(s + 9, n - 9, &frac)))
		return false;
	*ns = ((int64_t)h * 3600 + m * 60 + sec) * NS + frac;
	return true;
}

/* Epoch seconds with an optional fraction: "1576177221.686". */
static bool epoch_ns(const char *s, size_t n, int64_t *ns)
{
	const char *dot = memchr(s, '.', n);
	size_t in = dot ? (size_t)(dot - s) : n;
	uint64_t secs;
	int64_t frac = 0;

	if (in > 11 || !parse_u64(s, in, &secs) || secs > (uint64_t)MAX_SECS)
		return false;
	if (dot && !fraction_ns(dot + 1, n - in - 1, &frac))
		return false;
	*ns = (int64_t)secs * NS + frac;
	return true;
}

static int month_num(const char *s)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char a = lower(s[0]), b = lower(s[1]), c = lower(s[2]);
	int i;

	for (i = 0; i < 12; i++)
		if (names[3 * i] == a && names[3 * i + 1] == b &&
		    names[3 * i + 2] == c)
			return i + 1;
	return 0;
}

/* "[dd/Mon/yyyy:HH:MM:SS +zzzz]": 28 bytes from s, UTC ns. */
#define CLF_TIME_LEN 28
static bool clf_time(struct parser *p, const char *s, int64_t *ns)
{
	int64_t days, y, t;
	unsigned d, hh, mm;
	int mon, sign;

	if (s[0] != '[' || s[27] != ']' || s[21] != ' ' || s[12] != ':')
		return false;
	if (!memcmp(s + 1, p->clf_day, 11)) {
		days = p->clf_days;
	} else {
		if (!dig2(s + 1, &d) || s[3] != '/' ||
		    !(mon = month_num(s + 4)) || s[7] != '/' ||
		    !dig4(s + 8, &y) || !valid_date(y, (unsigned)mon, d))
			return false;
		days = lt_days_from_civil(y, (unsigned)mon, d);
		memcpy(p->clf_day, s + 1, 11);
		p->clf_days = days;
	}
	if (!clock_ns(s + 13, 8, &t))
		return false;
	if (s[22] != '+' && s[22] != '-')
		return false;
	sign = s[22] == '-' ? -1 : 1;
	if (!dig2(s + 23, &hh) || !dig2(s + 25, &mm) || hh > 23 || mm > 59)
		return false;
	*ns = days * 86400 * NS + t -
	      sign * ((int64_t)hh * 3600 + mm * 60) * NS;
	return true;
}

/* ISO 8601 "YYYY-MM-DDTHH:MM:SS[.f][Z|+hh:mm|-hh:mm]" (zeek-json ts). */
static bool iso_time(struct parser *p, const char *s, size_t n, int64_t *ns)
{
	int64_t days, t;
	size_t i = 19;
	unsigned hh, mm;
	int sign;

	if (n < 19 || (s[10] != 'T' && s[10] != ' ') ||
	    !w3c_date(p, s, 10, &days))
		return false;
	if (n > 19 && s[19] == '.') {
		for (i = 20; i < n && is_digit(s[i]); i++)
			;
	}
	if (!clock_ns(s + 11, i - 11, &t))
		return false;
	*ns = days * 86400 * NS + t;
	if (i == n)
		return true;
	if (s[i] == 'Z' && i + 1 == n)
		return true;
	if ((s[i] != '+' && s[i] != '-') || n - i != 6 || s[i + 3] != ':' ||
	    !dig2(s + i + 1, &hh) || !dig2(s + i + 4, &mm) || hh > 23 ||
	    mm > 59)
		return false;
	sign = s[i] == '-' ? -1 : 1;
	*ns -= sign * ((int64_t)hh * 3600 + mm * 60) * NS;
	return true;
}

/* ---- destinations ------------------------------------------------------- */

static int default_port(const char *scheme)
{
	if (!strcmp(scheme, "http"))
		return 80;
	if (!strcmp(scheme, "https"))
		return 443;
	if (!strcmp(scheme, "ftp"))
		return 21;
	return 0;
}

/*
 * An authority "[user@]host[:port]", "[v6addr][:port]" or a bare IPv6
 * address: ev->host becomes the lower-cased host (scratch), *port the port
 * or 0.  False when the scratch buffer is full.
 */
static bool authority(struct parser *p, const char *a, size_t n,
		      struct lt_proxy_event *ev, int *port)
{
	const char *at = NULL, *colon, *h = a;
	size_t i, hn;
	char *host;

	*port = 0;
	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at) {
		n -= (size_t)(at + 1 - a);
		h = a = at + 1;
	}
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (close) {
			h = a + 1;
			hn = (size_t)(close - h);
			if ((size_t)(close - a) + 1 < n &&
			    close[1] == ':')
				*port = parse_port(close + 2,
						   n - (size_t)(close - a) - 2);
		} else {
			hn = n;
		}
	} else {
		colon = memchr(a, ':', n);
		if (colon &&
		    !memchr(colon + 1, ':', n - (size_t)(colon - a) - 1)) {
			hn = (size_t)(colon - a);
			*port = parse_port(colon + 1, n - hn - 1);
		} else {
			hn = n; /* no port, or a bare IPv6 address */
		}
	}
	if (hn && h[hn - 1] == '.')
		hn--;
	host = put(p, h, hn, true);
	if (!host)
		return false;
	ev->host = host;
	return true;
}

static bool valid_scheme(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 32 || !((lower(s[0]) >= 'a' && lower(s[0]) <= 'z')))
		return false;
	for (i = 1; i < n; i++) {
		char c = lower(s[i]);

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '+' ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/*
 * Split a request URL (NUL-terminated at u[n]) into ev's scheme, host,
 * port and path.  Absolute "scheme://authority/path", authority form
 * "host:port" (CONNECT), or origin form "/path" (host left alone).  The
 * path points into u.  False when the scratch buffer is full.
 */
static bool split_url(struct parser *p, char *u, size_t n, bool connect,
		      struct lt_proxy_event *ev)
{
	const char *sep;
	size_t i;
	int port;

	if (connect) {
		if (!authority(p, u, n, ev, &port))
			return false;
		ev->port = port;
		ev->path = empty_str;
		return true;
	}
	sep = n > 3 ? memchr(u, ':', LT_MIN(n, 33)) : NULL;
	if (sep && (size_t)(sep - u) + 2 < n && sep[1] == '/' &&
	    sep[2] == '/' && valid_scheme(u, (size_t)(sep - u))) {
		const char *a = sep + 3;
		char *scheme = put(p, u, (size_t)(sep - u), true);

		if (!scheme)
			return false;
		for (i = (size_t)(a - u); i < n; i++)
			if (u[i] == '/' || u[i] == '?' || u[i] == '#')
				break;
		if (!authority(p, a, (size_t)(u + i - a), ev, &port))
			return false;
		ev->scheme = scheme;
		ev->port = port ? port : default_port(scheme);
		ev->path = u + i;
		return true;
	}
	if (n && u[0] != '/' && u[0] != '*') {
		/* "host:port" without CONNECT (Squid logs some that way) */
		const char *colon = memchr(u, ':', n);

		if (colon && colon > u &&
		    parse_port(colon + 1, n - (size_t)(colon - u) - 1)) {
			if (!authority(p, u, n, ev, &port))
				return false;
			ev->port = port;
			ev->path = empty_str;
			return true;
		}
	}
	ev->path = u; /* origin form, "*", or something odd kept as is */
	return true;
}

static bool is_connect(const char *m)
{
	return !strcmp(m, "CONNECT");
}

static void event_init(struct lt_proxy_event *ev, uint64_t line)
{
	ev->ts_ns = 0;
	ev->client = ev->user = ev->method = ev->scheme = ev->host = empty_str;
	ev->path = ev->action = ev->user_agent = empty_str;
	ev->port = 0;
	ev->status = 0;
	ev->bytes_out = ev->bytes_in = -1;
	ev->line = line;
}

/* Next blank-separated token from *pp (before end, which is a NUL);
 * NUL-terminates it in place. */
static bool next_tok(char **pp, char *end, char **tok, size_t *len)
{
	char *s = *pp, *e;

	while (s < end && is_blank(*s))
		s++;
	if (s >= end)
		return false;
	e = s;
	while (e < end && !is_blank(*e))
		e++;
	*tok = s;
	*len = (size_t)(e - s);
	if (e < end) {
		*e = '\0';
		e++;
	}
	*pp = e;
	return true;
}

/* ---- Squid native ------------------------------------------------------- */

static int parse_squid(struct parser *p, char *s, size_t n,
		       struct lt_proxy_event *ev)
{
	char *t[10], *end = s + n, *pos = s, *slash;
	size_t l[10], count = 0;
	uint64_t v;
	int64_t ts;
	int st;

	while (count < 10 && next_tok(&pos, end, &t[count], &l[count]))
		count++;
	if (count < 7 || !epoch_ns(t[0], l[0], &ts))
		return LINE_BAD;
	/* elapsed ms: digits, or a negative number from a clock step */
	if (!(t[1][0] == '-' ? parse_u64(t[1] + 1, l[1] - 1, &v)
			     : parse_u64(t[1], l[1], &v)))
		return LINE_BAD;
	slash = memchr(t[3], '/', l[3]);
	if (!slash || slash == t[3] || slash + 1 == t[3] + l[3] ||
	    (size_t)(t[3] + l[3] - slash - 1) > 3 ||
	    !parse_u64(slash + 1, (size_t)(t[3] + l[3] - slash - 1), &v))
		return LINE_BAD;
	st = (int)v;
	*slash = '\0';
	if (!parse_u64(t[4], l[4], &v))
		return LINE_BAD;
	ev->ts_ns = ts;
	ev->client = t[2][0] == '-' && !t[2][1] ? empty_str : t[2];
	ev->action = t[3];
	ev->status = st;
	ev->bytes_in = (int64_t)v;
	if (!(l[5] == 1 && t[5][0] == '-'))
		ev->method = t[5];
	if (!split_url(p, t[6], l[6], is_connect(t[5]), ev))
		return LINE_BAD;
	if (count > 7 && !(l[7] == 1 && t[7][0] == '-'))
		ev->user = t[7];
	return LINE_EVENT;
}

/* ---- Apache / Squid combined -------------------------------------------- */

/* After the opening quote at s: the closing quote of an Apache-escaped
 * string (\" and \\ escapes), or NULL. */
static char *clf_close_quote(char *s, char *end)
{
	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		else if (*s == '"')
			return s;
	}
	return NULL;
}

/* Is q (a '"') the end of the request: followed by " status " or " - "? */
static bool request_end(const char *q, const char *end)
{
	const char *r = q + 1;
	size_t i;

	if (r >= end || *r != ' ')
		return false;
	r++;
	if (r < end && *r == '-')
		return r + 1 == end || r[1] == ' ';
	for (i = 0; i < 3 && r + i < end && is_digit(r[i]); i++)
		;
	return i > 0 && (r + i == end || r[i] == ' ');
}

static int parse_combined(struct parser *p, char *s, size_t n,
			  struct lt_proxy_event *ev)
{
	char *end = s + n, *pos = s, *t[4], *br, *req, *q, *sp, *url;
	char *tok;
	size_t l[4], count = 0, tl, un;
	struct val vhost = { NULL, 0 };
	int64_t ts, bytes;
	int port;

	/* up to the bracketed time: [vhost] host ident user */
	for (;;) {
		while (pos < end && is_blank(*pos))
			pos++;
		if (pos >= end)
			return LINE_BAD;
		if (*pos == '[')
			break;
		if (count == 4)
			return LINE_BAD;
		if (!next_tok(&pos, end, &t[count], &l[count]))
			return LINE_BAD;
		count++;
	}
	if (count < 3)
		return LINE_BAD;
	br = pos;
	if ((size_t)(end - br) < CLF_TIME_LEN + 2 || !clf_time(p, br, &ts))
		return LINE_BAD;
	pos = br + CLF_TIME_LEN;
	while (pos < end && is_blank(*pos))
		pos++;
	if (pos >= end || *pos != '"')
		return LINE_BAD;
	req = pos + 1;
	for (q = req; (q = memchr(q, '"', (size_t)(end - q))); q++)
		if (request_end(q, end))
			break;
	if (!q)
		return LINE_BAD;
	*q = '\0';
	pos = q + 1;

	if (count == 4) {
		vhost.s = t[0];
		vhost.n = l[0];
	}
	ev->ts_ns = ts;
	ev->client = t[count - 3];
	if (!(l[count - 1] == 1 && t[count - 1][0] == '-'))
		ev->user = t[count - 1];

	/* the request line: METHOD URL PROTO, or "-", or junk */
	if (!(q - req == 1 && req[0] == '-') && q > req) {
		sp = memchr(req, ' ', (size_t)(q - req));
		if (sp) {
			*sp = '\0';
			url = sp + 1;
			un = (size_t)(q - url);
			sp = memrchr(url, ' ', un);
			if (sp && !strncmp(sp + 1, "HTTP/", 5)) {
				*sp = '\0';
				un = (size_t)(sp - url);
			}
			ev->method = req;
			if (!split_url(p, url, un, is_connect(req), ev))
				return LINE_BAD;
		} else {
			ev->method = req;
		}
	}
	if (!*ev->host && vhost.s) {
		/* "%v:%p" / "$host:$server_port": the port is always there,
		 * after the last colon, even after a bare IPv6 address */
		const char *c = memrchr(vhost.s, ':', vhost.n);
		size_t hn = vhost.n;
		int vport = 0;

		if (c && vhost.s[0] != '[') {
			vport = parse_port(c + 1, vhost.n -
						  (size_t)(c - vhost.s) - 1);
			if (vport)
				hn = (size_t)(c - vhost.s);
		}
		if (!authority(p, vhost.s, hn, ev, &port))
			return LINE_BAD;
		if (!ev->port)
			ev->port = vport ? vport : port;
	}

	/* status and size */
	if (!next_tok(&pos, end, &tok, &tl))
		return LINE_BAD;
	ev->status = parse_status(tok, tl);
	if (!next_tok(&pos, end, &tok, &tl))
		return LINE_BAD;
	if (!parse_bytes(tok, tl, &bytes))
		return LINE_BAD;
	ev->bytes_in = bytes < 0 ? 0 : bytes; /* %b writes "-" for none */

	/* "referer" "user-agent" [squid %Ss:%Sh], or other unquoted fields */
	while (pos < end && is_blank(*pos))
		pos++;
	if (pos < end && *pos == '"') {
		q = clf_close_quote(pos + 1, end);
		if (!q || (q + 1 < end && !is_blank(q[1])))
			return LINE_BAD;
		pos = q + 1;
		while (pos < end && is_blank(*pos))
			pos++;
		if (pos < end && *pos == '"') {
			char *ua = pos + 1;

			q = clf_close_quote(ua, end);
			if (!q || (q + 1 < end && !is_blank(q[1])))
				return LINE_BAD;
			*q = '\0';
			ev->user_agent =
				ua[0] == '-' && !ua[1] ? empty_str : ua;
			pos = q + 1;
			if (next_tok(&pos, end, &tok, &tl)) {
				char *colon = memchr(tok, ':', tl);
				size_t i;

				for (i = 0; tok + i < colon; i++) {
					char ch = tok[i];

					if (!((ch >= 'A' && ch <= 'Z') ||
					      ch == '_'))
						break;
				}
				if (colon && i && tok + i == colon) {
					*colon = '\0';
					ev->action = tok;
				}
			}
		}
	}
	return LINE_EVENT;
}

/* ---- W3C extended / ELFF ------------------------------------------------ */

static enum role w3c_role_of(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(w3c_roles); i++)
		if (ieq(name, n, w3c_roles[i].name))
			return w3c_roles[i].role;
	return R_NONE;
}

static bool has_prefix(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(s, lit, l);
}

static int w3c_header(struct parser *p, char *s, size_t n)
{
	char *end = s + n, *pos, *tok;
	size_t tl;
	uint32_t i = 0;
	int64_t days;

	if (has_prefix(s, n, "#Fields:")) {
		pos = s + 8;
		memset(p->w3c_role, 0, sizeof(p->w3c_role));
		p->w3c_has_date = false;
		while (next_tok(&pos, end, &tok, &tl)) {
			if (i < MAX_COLS) {
				p->w3c_role[i] =
					(unsigned char)w3c_role_of(tok, tl);
				if (p->w3c_role[i] == R_DATE)
					p->w3c_has_date = true;
			}
			i++;
		}
		p->w3c_cols = i;
		p->w3c_ok = i > 0;
	} else if (has_prefix(s, n, "#Software:")) {
		p->sgos = p->fmt == LT_LOG_ELFF ||
			  memmem(s, n, "SGOS", 4) != NULL;
	} else if (has_prefix(s, n, "#Date:")) {
		pos = s + 6;
		if (next_tok(&pos, end, &tok, &tl) &&
		    w3c_date(p, tok, tl, &days)) {
			int64_t t;

			p->w3c_hdr_days = days;
			p->w3c_last_tod = next_tok(&pos, end, &tok, &tl) &&
						  clock_ns(tok, tl, &t)
					  ? t : -1;
		}
	}
	return LINE_COMMENT;
}

/* A quoted W3C value at s (the opening quote): unquote in place, doubled
 * quotes become one.  Returns the end (the byte after the closing quote)
 * and the value in *v, or NULL if unterminated. */
static char *w3c_quoted(char *s, char *end, struct val *v)
{
	char *r = s + 1, *w = s + 1;

	while (r < end) {
		if (*r == '"') {
			if (r + 1 < end && r[1] == '"') {
				*w++ = '"';
				r += 2;
				continue;
			}
			if (r + 1 == end || is_blank(r[1])) {
				v->s = s + 1;
				v->n = (size_t)(w - (s + 1));
				*w = '\0';
				return r + 1;
			}
		}
		*w++ = *r++;
	}
	return NULL;
}

static int w3c_event(struct parser *p, struct val *v, uint32_t mask,
		     struct lt_proxy_event *ev);

static int parse_w3c(struct parser *p, char *s, size_t n,
		     struct lt_proxy_event *ev)
{
	struct val v[R_COUNT];
	char *end = s + n, *pos = s, *e;
	uint32_t col = 0, mask = 0;
	enum role r;

	if (s[0] == '#')
		return w3c_header(p, s, n);
	if (!p->w3c_ok)
		return LINE_BAD;
	for (;;) {
		struct val cur;

		while (pos < end && is_blank(*pos))
			pos++;
		if (pos >= end)
			break;
		if (col >= p->w3c_cols)
			return LINE_BAD;
		r = col < MAX_COLS ? (enum role)p->w3c_role[col] : R_NONE;
		if (*pos == '"') {
			e = w3c_quoted(pos, end, &cur);
			if (!e)
				return LINE_BAD;
			pos = e < end ? e + 1 : e;
		} else {
			e = pos;
			while (e < end && !is_blank(*e))
				e++;
			cur.s = pos;
			cur.n = (size_t)(e - pos);
			if (r != R_NONE)
				*e = '\0';
			pos = e < end ? e + 1 : e;
		}
		if (r != R_NONE) {
			v[r] = cur;
			mask |= 1u << r;
		}
		col++;
	}
	if (col != p->w3c_cols)
		return LINE_BAD;
	return w3c_event(p, v, mask, ev);
}

#define HAS(r) ((mask & (1u << (r))) && !dash(&v[(r)]))

static int w3c_event(struct parser *p, struct val *v, uint32_t mask,
		     struct lt_proxy_event *ev)
{
	int64_t days, t, ns;
	int port = 0, uport = 0;
	bool connect;
	struct lt_proxy_event u;

	/* time */
	if (HAS(R_TIME) && HAS(R_DATE)) {
		if (!w3c_date(p, v[R_DATE].s, v[R_DATE].n, &days) ||
		    !clock_ns(v[R_TIME].s, v[R_TIME].n, &t))
			return LINE_BAD;
		ev->ts_ns = days * 86400 * NS + t - p->tz_ns;
	} else if (HAS(R_TIME) && !p->w3c_has_date &&
		   p->w3c_hdr_days != INT64_MIN) {
		if (!clock_ns(v[R_TIME].s, v[R_TIME].n, &t))
			return LINE_BAD;
		/*
		 * Past midnight: a log that outlives the day of its #Date:
		 * (IIS set to roll over by size, or never) goes on with
		 * times of the next day.  Lines are in time order, give or
		 * take the seconds by which worker threads write them out
		 * of turn, so a step back of more than an hour is the next
		 * day, and a forward step of any size (a quiet night) is
		 * the same day.
		 */
		if (p->w3c_last_tod >= 0 && t < p->w3c_last_tod - 3600 * NS)
			p->w3c_hdr_days++;
		p->w3c_last_tod = t;
		ev->ts_ns = p->w3c_hdr_days * 86400 * NS + t - p->tz_ns;
	} else if (HAS(R_EPOCH)) {
		if (!epoch_ns(v[R_EPOCH].s, v[R_EPOCH].n, &ns))
			return LINE_BAD;
		ev->ts_ns = ns;
	} else {
		return LINE_BAD;
	}

	if (HAS(R_CLIENT))
		ev->client = v[R_CLIENT].s;
	if (HAS(R_USER))
		ev->user = v[R_USER].s;
	if (HAS(R_METHOD))
		ev->method = v[R_METHOD].s;
	connect = is_connect(ev->method);

	/* a full cs-uri first; the split fields override it */
	event_init(&u, 0);
	if (HAS(R_URI)) {
		if (!split_url(p, v[R_URI].s, v[R_URI].n, connect, &u))
			return LINE_BAD;
		uport = u.port;
	}
	if (HAS(R_SCHEME)) {
		ev->scheme = put(p, v[R_SCHEME].s, v[R_SCHEME].n, true);
		if (!ev->scheme)
			return LINE_BAD;
	} else {
		ev->scheme = u.scheme;
	}

	if (HAS(R_HOST)) {
		if (!authority(p, v[R_HOST].s, v[R_HOST].n, ev, &port))
			return LINE_BAD;
	} else if (HAS(R_HOSTHDR)) {
		if (!authority(p, v[R_HOSTHDR].s, v[R_HOSTHDR].n, ev, &port))
			return LINE_BAD;
	} else if (*u.host) {
		ev->host = u.host;
		port = uport;
	} else if (HAS(R_RDNS)) {
		if (!authority(p, v[R_RDNS].s, v[R_RDNS].n, ev, &port))
			return LINE_BAD;
	} else if (HAS(R_RIP)) {
		if (!authority(p, v[R_RIP].s, v[R_RIP].n, ev, &port))
			return LINE_BAD;
	} else if (!p->sgos && HAS(R_SIP)) {
		if (!authority(p, v[R_SIP].s, v[R_SIP].n, ev, &port))
			return LINE_BAD;
	}
	if (HAS(R_PORT))
		ev->port = parse_port(v[R_PORT].s, v[R_PORT].n);
	if (!ev->port)
		ev->port = port;
	if (!ev->port && uport)
		ev->port = uport;
	if (!ev->port && HAS(R_RPORT))
		ev->port = parse_port(v[R_RPORT].s, v[R_RPORT].n);
	if (!ev->port && !p->sgos && HAS(R_SPORT))
		ev->port = parse_port(v[R_SPORT].s, v[R_SPORT].n);
	if (!ev->port && *ev->host)
		ev->port = default_port(ev->scheme);

	if (connect) {
		ev->path = empty_str;
	} else if (HAS(R_STEM)) {
		ev->path = v[R_STEM].s;
		if (HAS(R_QUERY)) {
			const struct val *qv = &v[R_QUERY];
			char *path = put(p, v[R_STEM].s, v[R_STEM].n, false);

			if (!path ||
			    (qv->s[0] != '?' && !put_more(p, "?", 1)) ||
			    !put_more(p, qv->s, qv->n))
				return LINE_BAD;
			ev->path = path;
		}
	} else if (HAS(R_URI)) {
		ev->path = u.path;
	}

	if (HAS(R_STATUS))
		ev->status = parse_status(v[R_STATUS].s, v[R_STATUS].n);
	if (HAS(R_BYTES_IN) &&
	    !parse_bytes(v[R_BYTES_IN].s, v[R_BYTES_IN].n, &ev->bytes_in))
		ev->bytes_in = -1;
	if (HAS(R_BYTES_OUT) &&
	    !parse_bytes(v[R_BYTES_OUT].s, v[R_BYTES_OUT].n, &ev->bytes_out))
		ev->bytes_out = -1;
	if (HAS(R_ACTION))
		ev->action = v[R_ACTION].s;
	else if (HAS(R_FILTER))
		ev->action = v[R_FILTER].s;
	if (HAS(R_UA))
		ev->user_agent = v[R_UA].s;
	return LINE_EVENT;
}

/* ---- Zeek --------------------------------------------------------------- */

static int zeek_event(struct parser *p, struct val *v, uint32_t mask,
		      struct lt_proxy_event *ev)
{
	int64_t ns;
	int port = 0;
	bool connect;
	const struct val *ts = &v[R_EPOCH];

	if (!(mask & (1u << R_EPOCH)) || !ts->n)
		return LINE_BAD;
	if (ts->n >= 19 && ts->s[4] == '-') {
		if (!iso_time(p, ts->s, ts->n, &ns))
			return LINE_BAD;
	} else if (!epoch_ns(ts->s, ts->n, &ns)) {
		return LINE_BAD;
	}
	if (!HAS(R_CLIENT))
		return LINE_BAD;
	ev->ts_ns = ns;
	ev->client = v[R_CLIENT].s;
	if (HAS(R_USER))
		ev->user = v[R_USER].s;
	if (HAS(R_METHOD))
		ev->method = v[R_METHOD].s;
	connect = is_connect(ev->method);
	if (HAS(R_HOST)) {
		if (!authority(p, v[R_HOST].s, v[R_HOST].n, ev, &port))
			return LINE_BAD;
	} else if (HAS(R_RESP_H)) {
		if (!authority(p, v[R_RESP_H].s, v[R_RESP_H].n, ev, &port))
			return LINE_BAD;
	}
	if (HAS(R_RESP_P))
		ev->port = parse_port(v[R_RESP_P].s, v[R_RESP_P].n);
	if (!ev->port)
		ev->port = port;
	if (!connect)
		ev->scheme = "http";
	if (mask & (1u << R_URI)) {
		struct lt_proxy_event u;

		event_init(&u, 0);
		if (!split_url(p, v[R_URI].s, v[R_URI].n, connect, &u))
			return LINE_BAD;
		if (*u.host) { /* absolute URI or CONNECT authority */
			ev->host = u.host;
			if (u.port)
				ev->port = u.port;
			if (*u.scheme)
				ev->scheme = u.scheme;
		}
		ev->path = connect ? empty_str : u.path;
	}
	if (HAS(R_STATUS))
		ev->status = parse_status(v[R_STATUS].s, v[R_STATUS].n);
	if (HAS(R_BYTES_IN) &&
	    !parse_bytes(v[R_BYTES_IN].s, v[R_BYTES_IN].n, &ev->bytes_in))
		ev->bytes_in = -1;
	if (HAS(R_BYTES_OUT) &&
	    !parse_bytes(v[R_BYTES_OUT].s, v[R_BYTES_OUT].n, &ev->bytes_out))
		ev->bytes_out = -1;
	if (HAS(R_UA))
		ev->user_agent = v[R_UA].s;
	return LINE_EVENT;
}

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode Zeek's \xNN escapes (and "\\") in place; \x00 stays escaped. */
static size_t zeek_unescape(char *s, size_t n)
{
	char *w;
	size_t i;

	if (!memchr(s, '\\', n))
		return n;
	w = s;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0 &&
		    (hexval(s[i + 2]) | hexval(s[i + 3]))) {
			*w++ = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
			i += 3;
		} else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			*w++ = '\\';
			i++;
		} else {
			*w++ = s[i];
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* A #separator value: "\x09" or a single character. */
static bool zeek_sep_value(const char *s, size_t n, char *out)
{
	if (n == 4 && s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
	    hexval(s[3]) >= 0) {
		*out = (char)(hexval(s[2]) * 16 + hexval(s[3]));
		return *out != '\0' && *out != '\n';
	}
	if (n == 1 && s[0] != '\n') {
		*out = s[0];
		return true;
	}
	return false;
}

static enum role zeek_role_of(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(zeek_roles); i++)
		if (n == strlen(zeek_roles[i].name) &&
		    !memcmp(name, zeek_roles[i].name, n))
			return zeek_roles[i].role;
	return R_NONE;
}

static int zeek_header(struct parser *p, char *s, size_t n)
{
	char *end = s + n, *f, *e;
	size_t fl;
	uint32_t i = 0;

	if (has_prefix(s, n, "#separator") && n > 10 && is_blank(s[10])) {
		char *tok, *pos = s + 10;
		size_t tl;
		char c;

		if (next_tok(&pos, end, &tok, &tl) &&
		    zeek_sep_value(tok, tl, &c))
			p->zeek_sep = c;
		return LINE_COMMENT;
	}
	e = memchr(s, p->zeek_sep, n);
	if (!e)
		return LINE_COMMENT;
	f = e + 1;
	fl = (size_t)(end - f);
	if ((size_t)(e - s) == 7 && !memcmp(s, "#fields", 7)) {
		memset(p->zeek_role, 0, sizeof(p->zeek_role));
		for (;;) {
			e = memchr(f, p->zeek_sep, (size_t)(end - f));
			if (!e)
				e = end;
			if (i < MAX_COLS)
				p->zeek_role[i] = (unsigned char)zeek_role_of(
					f, (size_t)(e - f));
			i++;
			if (e == end)
				break;
			f = e + 1;
		}
		p->zeek_cols = i;
		p->zeek_ok = true;
	} else if ((size_t)(e - s) == 12 && !memcmp(s, "#unset_field", 12) &&
		   fl < sizeof(p->zeek_unset)) {
		memcpy(p->zeek_unset, f, fl);
		p->zeek_unset_len = fl;
	} else if ((size_t)(e - s) == 12 && !memcmp(s, "#empty_field", 12) &&
		   fl < sizeof(p->zeek_empty)) {
		memcpy(p->zeek_empty, f, fl);
		p->zeek_empty_len = fl;
	}
	return LINE_COMMENT;
}

static int parse_zeek(struct parser *p, char *s, size_t n,
		      struct lt_proxy_event *ev)
{
	struct val v[R_COUNT];
	char *end = s + n, *f = s, *e;
	uint32_t col = 0, mask = 0;
	enum role r;

	if (s[0] == '#')
		return zeek_header(p, s, n);
	if (!p->zeek_ok)
		return LINE_BAD;
	for (;;) {
		e = memchr(f, p->zeek_sep, (size_t)(end - f));
		if (!e)
			e = end;
		if (col >= p->zeek_cols)
			return LINE_BAD;
		r = col < MAX_COLS ? (enum role)p->zeek_role[col] : R_NONE;
		if (r != R_NONE) {
			size_t fl = (size_t)(e - f);

			*e = '\0';
			if (fl == p->zeek_unset_len &&
			    !memcmp(f, p->zeek_unset, fl)) {
				f[0] = '\0'; /* absent: HAS() says no */
				v[r].s = f;
				v[r].n = 0;
			} else if (fl == p->zeek_empty_len &&
				   !memcmp(f, p->zeek_empty, fl)) {
				f[0] = '\0';
				v[r].s = f;
				v[r].n = 0;
			} else {
				v[r].s = f;
				v[r].n = zeek_unescape(f, fl);
			}
			mask |= 1u << r;
		}
		col++;
		if (e == end)
			break;
		f = e + 1;
	}
	if (col != p->zeek_cols)
		return LINE_BAD;
	return zeek_event(p, v, mask, ev);
}

/* ---- Zeek JSON lines ---------------------------------------------------- */

static char *skip_ws(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static void put_utf8(char **w, uint32_t c)
{
	char *o = *w;

	if (c < 0x80) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | (c >> 6));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (char)(0xe0 | (c >> 12));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (c >> 18));
		*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	*w = o;
}

static bool hex4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	int i, h;

	if (end - s < 4)
		return false;
	for (i = 0; i < 4; i++) {
		h = hexval(s[i]);
		if (h < 0)
			return false;
		v = v * 16 + (uint32_t)h;
	}
	*out = v;
	return true;
}

/*
 * A JSON string from s (after the opening quote), decoded in place (the
 * output is never longer than the input) and NUL-terminated.  Returns the
 * byte after the closing quote, or NULL.  U+0000 and lone surrogates
 * become U+FFFD.
 */
static char *json_string(char *s, char *end, struct val *v)
{
	char *r = s, *w = s;
	uint32_t c, c2;

	while (r < end && *r != '"') {
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		if (++r >= end)
			return NULL;
		switch (*r++) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '/': *w++ = '/'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			if (!hex4(r, end, &c))
				return NULL;
			r += 4;
			if (c >= 0xd800 && c < 0xdc00 && end - r >= 6 &&
			    r[0] == '\\' && r[1] == 'u' &&
			    hex4(r + 2, end, &c2) && c2 >= 0xdc00 &&
			    c2 < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
				r += 6;
			} else if (!c || (c >= 0xd800 && c < 0xe000)) {
				c = 0xfffd;
			}
			put_utf8(&w, c);
			break;
		default:
			return NULL;
		}
	}
	if (r >= end)
		return NULL;
	v->s = s;
	v->n = (size_t)(w - s);
	*w = '\0';
	return r + 1;
}

/* Skip a nested array or object at s ('[' or '{'); strings respected. */
static char *json_skip_nested(char *s, char *end)
{
	int depth = 0;

	for (; s < end; s++) {
		if (*s == '"') {
			for (s++; s < end && *s != '"'; s++)
				if (*s == '\\')
					s++;
			if (s >= end)
				return NULL;
		} else if (*s == '[' || *s == '{') {
			if (++depth > 64)
				return NULL;
		} else if (*s == ']' || *s == '}') {
			if (--depth == 0)
				return s + 1;
		}
	}
	return NULL;
}

static int parse_zeek_json(struct parser *p, char *s, size_t n,
			   struct lt_proxy_event *ev)
{
	struct val v[R_COUNT], key, val;
	char *end = s + n, *pos = skip_ws(s, end);
	uint32_t mask = 0;
	enum role r;

	if (pos >= end || *pos != '{')
		return LINE_BAD;
	pos = skip_ws(pos + 1, end);
	if (pos < end && *pos == '}') {
		pos++;
		goto done;
	}
	for (;;) {
		if (pos >= end || *pos != '"')
			return LINE_BAD;
		pos = json_string(pos + 1, end, &key);
		if (!pos)
			return LINE_BAD;
		pos = skip_ws(pos, end);
		if (pos >= end || *pos != ':')
			return LINE_BAD;
		pos = skip_ws(pos + 1, end);
		if (pos >= end)
			return LINE_BAD;
		r = zeek_role_of(key.s, key.n);
		if (*pos == '"') {
			pos = json_string(pos + 1, end, &val);
			if (!pos)
				return LINE_BAD;
		} else if (*pos == '[' || *pos == '{') {
			pos = json_skip_nested(pos, end);
			if (!pos)
				return LINE_BAD;
			r = R_NONE;
		} else {
			val.s = pos;
			while (pos < end && (is_digit(*pos) || *pos == '.' ||
					     *pos == '-' || *pos == '+' ||
					     *pos == 'e' || *pos == 'E' ||
					     (*pos >= 'a' && *pos <= 'z')))
				pos++;
			val.n = (size_t)(pos - val.s);
			if (!val.n)
				return LINE_BAD;
			if ((val.n == 4 && !memcmp(val.s, "null", 4)) ||
			    (val.n == 4 && !memcmp(val.s, "true", 4)) ||
			    (val.n == 5 && !memcmp(val.s, "false", 5)))
				r = R_NONE;
			else if (!is_digit(val.s[0]) && val.s[0] != '-')
				return LINE_BAD;
		}
		pos = skip_ws(pos, end);
		if (pos >= end)
			return LINE_BAD;
		if (r != R_NONE) {
			/* the value's terminator is a ',' or '}' we have
			 * already looked at, or a blank: safe to overwrite
			 * only after the check below */
			v[r] = val;
			mask |= 1u << r;
		}
		if (*pos == ',') {
			if (r != R_NONE)
				val.s[val.n] = '\0';
			pos = skip_ws(pos + 1, end);
			continue;
		}
		if (*pos == '}') {
			if (r != R_NONE)
				val.s[val.n] = '\0';
			pos++;
			break;
		}
		return LINE_BAD;
	}
done:
	pos = skip_ws(pos, end);
	if (pos != end)
		return LINE_BAD;
	return zeek_event(p, v, mask, ev);
}

/* ---- lines -------------------------------------------------------------- */

static int parse_line(struct parser *p, enum lt_log_format fmt, char *s,
		      size_t n, struct lt_proxy_event *ev)
{
	switch (fmt) {
	case LT_LOG_SQUID:
		return parse_squid(p, s, n, ev);
	case LT_LOG_COMBINED:
		return parse_combined(p, s, n, ev);
	case LT_LOG_ELFF:
	case LT_LOG_W3C:
		return parse_w3c(p, s, n, ev);
	case LT_LOG_ZEEK:
		return parse_zeek(p, s, n, ev);
	case LT_LOG_ZEEK_JSON:
		return parse_zeek_json(p, s, n, ev);
	default:
		return LINE_BAD;
	}
}

static void count_bad(struct parser *p)
{
	if (p->st.bad < LT_ARRAY_SIZE(p->st.first_bad))
		p->st.first_bad[p->st.bad] = p->st.lines;
	p->st.bad++;
}

/* One line at s (s[n] is writable: the '\n', or the byte past the data). */
static int handle_line(struct parser *p, char *s, size_t n)
{
	struct lt_proxy_event ev;
	size_t i;
	int kind;

	p->st.lines++;
	if (n && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	if (n > LT_LOG_MAX_LINE || memchr(s, '\0', n)) {
		count_bad(p);
		return 0;
	}
	for (i = 0; i < n && is_blank(s[i]); i++)
		;
	if (i == n) {
		p->st.comments++;
		return 0;
	}
	p->scratch_len = 0;
	event_init(&ev, p->st.lines);
	kind = parse_line(p, p->fmt, s, n, &ev);
	if (kind == LINE_COMMENT) {
		p->st.comments++;
		return 0;
	}
	if (kind == LINE_BAD) {
		count_bad(p);
		return 0;
	}
	p->st.events++;
	return p->fn ? p->fn(&ev, p->udata) : 0;
}

/* ---- detection ---------------------------------------------------------- */

static bool line_has(const char *s, size_t n, const char *prefix)
{
	return has_prefix(s, n, prefix);
}

int lt_log_detect(const char *head, size_t len, enum lt_log_format *out,
		  struct lt_err *err)
{
	static const enum lt_log_format cand[] = { LT_LOG_ZEEK_JSON,
						   LT_LOG_COMBINED,
						   LT_LOG_SQUID };
	struct parser p;
	uint64_t fits[LT_ARRAY_SIZE(cand)] = { 0 };
	bool sgos = false, fields = false, zsep = false, zfields = false;
	char *line = NULL;
	size_t off = 0, n, i, best = 0;
	const char *nl;

	len = LT_MIN(len, LT_LOG_DETECT_LEN);
	memset(&p, 0, sizeof(p));
	p.scratch_cap = SCRATCH_CAP(len);
	p.scratch = malloc(p.scratch_cap);
	line = malloc(len + 1);
	if (!p.scratch || !line) {
		free(p.scratch);
		free(line);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	while (off < len) {
		nl = memchr(head + off, '\n', len - off);
		n = nl ? (size_t)(nl - (head + off)) : len - off;
		if (n && head[off + n - 1] == '\r')
			n--;
		if (line_has(head + off, n, "#Software:") &&
		    memmem(head + off, n, "SGOS", 4))
			sgos = true;
		if (line_has(head + off, n, "#Fields:"))
			fields = true;
		if (line_has(head + off, n, "#separator"))
			zsep = true;
		if (line_has(head + off, n, "#fields"))
			zfields = true;
		if (n && head[off] != '#' && !memchr(head + off, '\0', n)) {
			for (i = 0; i < LT_ARRAY_SIZE(cand); i++) {
				struct lt_proxy_event ev;

				memcpy(line, head + off, n);
				line[n] = '\0';
				p.scratch_len = 0;
				event_init(&ev, 0);
				if (parse_line(&p, cand[i], line, n, &ev) ==
				    LINE_EVENT)
					fits[i]++;
			}
		}
		off = nl ? (size_t)(nl - head) + 1 : len;
	}
	free(p.scratch);
	free(line);

	if (fields) {
		*out = sgos ? LT_LOG_ELFF : LT_LOG_W3C;
		return LT_OK;
	}
	if (zsep && zfields) {
		*out = LT_LOG_ZEEK;
		return LT_OK;
	}
	for (i = 1; i < LT_ARRAY_SIZE(cand); i++)
		if (fits[i] > fits[best])
			best = i;
	if (!fits[best])
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "not a known proxy log format (squid, "
				  "combined, elff, w3c, zeek, zeek-json)");
	*out = cand[best];
	return LT_OK;
}

/* ---- input -------------------------------------------------------------- */

struct source {
	const char *path;
	int fd;
	gzFile gz;
	const char *mem;
	size_t mem_len, mem_off;
};

static int src_read(struct source *src, char *buf, size_t len, size_t *got,
		    struct lt_err *err)
{
	*got = 0;
	if (src->mem) {
		size_t n = LT_MIN(len, src->mem_len - src->mem_off);

		memcpy(buf, src->mem + src->mem_off, n);
		src->mem_off += n;
		*got = n;
		return LT_OK;
	}
	if (src->gz) {
		int n = gzread(src->gz, buf,
			       (unsigned)LT_MIN(len, (size_t)INT_MAX));
		int zerr;
		const char *msg;

		if (n > 0) {
			*got = (size_t)n;
			return LT_OK;
		}
		msg = gzerror(src->gz, &zerr);
		if (n < 0 || zerr != Z_OK) {
			if (zerr == Z_ERRNO)
				return lt_err_set(err, LT_E_IO,
						  "cannot read '%s': %s",
						  src->path, strerror(errno));
			if (zerr == Z_MEM_ERROR)
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			return lt_err_set(err, LT_E_CORRUPT,
					  "'%s': damaged gzip data: %s",
					  src->path, msg);
		}
		return LT_OK;
	}
	for (;;) {
		ssize_t n = read(src->fd, buf, len);

		if (n >= 0) {
			*got = (size_t)n;
			return LT_OK;
		}
		if (errno != EINTR)
			return lt_err_set(err, LT_E_IO, "cannot read '%s': %s",
					  src->path, strerror(errno));
	}
}

static int run(struct source *src, size_t cap, enum lt_log_format fmt,
	       int32_t tz_offset_s, lt_proxy_event_fn fn, void *udata,
	       struct lt_log_stats *stats, struct lt_err *err)
{
	struct parser *p;
	char *buf = NULL;
	size_t start = 0, end = 0, got, n;
	bool eof = false, skipping = false;
	char *nl;
	int rc = LT_OK;

	p = calloc(1, sizeof(*p));
	if (!p)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	p->tz_ns = (int64_t)tz_offset_s * NS;
	p->fn = fn;
	p->udata = udata;
	p->w3c_hdr_days = INT64_MIN;
	p->w3c_last_tod = -1;
	p->zeek_sep = '\t';
	p->zeek_unset[0] = '-';
	p->zeek_unset_len = 1;
	memcpy(p->zeek_empty, "(empty)", 7);
	p->zeek_empty_len = 7;
	p->scratch_cap = SCRATCH_CAP(LT_MIN(cap, LT_LOG_MAX_LINE));
	p->scratch = malloc(p->scratch_cap);
	buf = malloc(cap + 1);
	if (!p->scratch || !buf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}

	/* fill the head: detection wants LT_LOG_DETECT_LEN bytes */
	while (!eof && end < LT_MIN(cap, LT_LOG_DETECT_LEN)) {
		rc = src_read(src, buf + end, cap - end, &got, err);
		if (rc)
			goto out;
		end += got;
		eof = !got;
	}
	if (fmt == LT_LOG_AUTO && !end)
		goto out; /* an empty log: nothing to detect, nothing to say */
	if (fmt == LT_LOG_AUTO) {
		rc = lt_log_detect(buf, end, &fmt, err);
		if (rc)
			goto out;
	}
	p->fmt = fmt;
	p->sgos = fmt == LT_LOG_ELFF;

	for (;;) {
		while (start < end &&
		       (nl = memchr(buf + start, '\n', end - start))) {
			n = (size_t)(nl - (buf + start));
			if (skipping)
				skipping = false;
			else if ((rc = handle_line(p, buf + start, n)))
				goto out;
			start += n + 1;
		}
		if (eof) {
			if (start < end && !skipping)
				rc = handle_line(p, buf + start, end - start);
			break;
		}
		if (end - start > LT_LOG_MAX_LINE) {
			/* an overlong line: count it once, drop its bytes up
			 * to the next newline */
			if (!skipping) {
				p->st.lines++;
				count_bad(p);
				skipping = true;
			}
			start = end;
		}
		if (start) {
			memmove(buf, buf + start, end - start);
			end -= start;
			start = 0;
		}
		rc = src_read(src, buf + end, cap - end, &got, err);
		if (rc)
			break;
		end += got;
		eof = !got;
	}
out:
	if (stats)
		*stats = p->st;
	free(buf);
	free(p->scratch);
	free(p);
	return rc;
}

int lt_log_parse_mem(const char *buf, size_t len, enum lt_log_format fmt,
		     int32_t tz_offset_s, lt_proxy_event_fn fn, void *udata,
		     struct lt_log_stats *stats, struct lt_err *err)
{
	struct source src = { .path = "memory", .fd = -1, .mem = buf ? buf : "",
			      .mem_len = buf ? len : 0 };

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if ((unsigned)fmt > LT_LOG_ZEEK_JSON)
		return lt_err_set(err, LT_E_ARG, "unknown log format %d",
				  (int)fmt);
	return run(&src, LT_MIN((size_t)BUF_CAP, src.mem_len + 1), fmt,
		   tz_offset_s, fn, udata, stats, err);
}

int lt_log_parse_file(const char *path, enum lt_log_format fmt,
		      int32_t tz_offset_s, lt_proxy_event_fn fn, void *udata,
		      struct lt_log_stats *stats, struct lt_err *err)
{
	struct source src = { .path = path, .fd = -1 };
	unsigned char magic[2];
	ssize_t n;
	struct stat sb;
	int rc;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if ((unsigned)fmt > LT_LOG_ZEEK_JSON)
		return lt_err_set(err, LT_E_ARG, "unknown log format %d",
				  (int)fmt);
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0)
		return lt_err_set(err,
				  errno == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
				  "cannot open '%s': %s", path,
				  strerror(errno));
	if (fstat(src.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(src.fd);
		return lt_err_set(err, LT_E_IO, "cannot read '%s': %s", path,
				  strerror(EISDIR));
	}
	do
		n = pread(src.fd, magic, 2, 0);
	while (n < 0 && errno == EINTR);
	if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		src.gz = gzdopen(src.fd, "rb");
		if (!src.gz) {
			close(src.fd);
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		}
		gzbuffer(src.gz, 256 << 10);
	}
	rc = run(&src, BUF_CAP, fmt, tz_offset_s, fn, udata, stats, err);
	if (src.gz)
		gzclose(src.gz); /* closes fd */
	else
		close(src.fd);
	if (rc == LT_E_UNSUPPORTED)
		lt_err_prefix(err, "'%s'", path);
	return rc;
}

/* ---- names -------------------------------------------------------------- */

static const char *const format_names[] = {
	"auto", "squid", "combined", "elff", "w3c", "zeek", "zeek-json",
};

const char *lt_log_format_name(enum lt_log_format f)
{
	return (unsigned)f < LT_ARRAY_SIZE(format_names) ? format_names[f]
							 : "?";
}

int lt_log_format_from_name(const char *name, enum lt_log_format *out,
			    struct lt_err *err)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(format_names); i++)
		if (name && !strcmp(name, format_names[i])) {
			*out = (enum lt_log_format)i;
			return LT_OK;
		}
	return lt_err_set(err, LT_E_ARG,
			  "unknown log format '%s' (auto, squid, combined, "
			  "elff, w3c, zeek, zeek-json)",
			  name ? name : "");
}
