// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proxy-log parsers: format detection, exact fields of chosen lines of each
 * format (the hand-written samples in samples/logs/ and the third-party
 * logs in $SHARED/logs/ with their projects' answer keys), counts of
 * lines/events/bad lines, time zones, headers changing mid-file, gzip,
 * chunk boundaries and overlong lines, and the error paths.
 */
#include "triage/core/compat.h"

#include <unistd.h>
#include <zlib.h>

#include "leaktriage/proxy.h"
#include "tests/unit/check.h"

/* ---- collecting events -------------------------------------------------- */

struct ev {
	int64_t ts_ns;
	char *client, *user, *method, *scheme, *host, *path, *action, *ua;
	int port, status;
	int64_t out, in;
	uint64_t line;
};

struct evs {
	struct ev *v;
	size_t n, cap;
	uint64_t hash; /* over every field of every event, in order */
	int stop_after; /* > 0: return 42 from that event on */
	bool keep;
};

static char *dup_s(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (!d)
		abort();
	memcpy(d, s, n + 1);
	return d;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h * 31 + n;
}

static int collect(const struct lt_proxy_event *e, void *u)
{
	struct evs *c = u;
	const char *s[] = { e->client, e->user,	  e->method, e->scheme,
			    e->host,   e->path,	  e->action, e->user_agent };
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(s); i++) {
		CHECK(s[i] != NULL);
		c->hash = mix(c->hash, s[i], strlen(s[i]));
	}
	c->hash = mix(c->hash, &e->ts_ns, sizeof(e->ts_ns));
	c->hash = mix(c->hash, &e->port, sizeof(e->port));
	c->hash = mix(c->hash, &e->status, sizeof(e->status));
	c->hash = mix(c->hash, &e->bytes_in, sizeof(e->bytes_in));
	c->hash = mix(c->hash, &e->bytes_out, sizeof(e->bytes_out));
	c->hash = mix(c->hash, &e->line, sizeof(e->line));
	if (c->keep) {
		struct ev *d;

		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = realloc(c->v, c->cap * sizeof(*c->v));
			if (!c->v)
				abort();
		}
		d = &c->v[c->n];
		d->ts_ns = e->ts_ns;
		d->client = dup_s(e->client);
		d->user = dup_s(e->user);
		d->method = dup_s(e->method);
		d->scheme = dup_s(e->scheme);
		d->host = dup_s(e->host);
		d->path = dup_s(e->path);
		d->action = dup_s(e->action);
		d->ua = dup_s(e->user_agent);
		d->port = e->port;
		d->status = e->status;
		d->out = e->bytes_out;
		d->in = e->bytes_in;
		d->line = e->line;
	}
	c->n++;
	if (c->stop_after && (int)c->n >= c->stop_after)
		return 42;
	return 0;
}

static void evs_free(struct evs *c)
{
	size_t i;

	if (c->keep)
		for (i = 0; i < c->n; i++) {
			free(c->v[i].client);
			free(c->v[i].user);
			free(c->v[i].method);
			free(c->v[i].scheme);
			free(c->v[i].host);
			free(c->v[i].path);
			free(c->v[i].action);
			free(c->v[i].ua);
		}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static const char *shared_dir(void)
{
	const char *s = getenv("SHARED");

	return s ? s : "../shared/testdata";
}

/* Parse a file into c (kept events); returns the code. */
static int parse(const char *path, enum lt_log_format fmt, int32_t tz,
		 struct evs *c, struct lt_log_stats *st)
{
	struct lt_err err = LT_ERR_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->keep = true;
	rc = lt_log_parse_file(path, fmt, tz, collect, c, st, &err);
	if (rc)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	CHECK(st->lines == st->events + st->bad + st->comments);
	CHECK(st->events == c->n);
	return rc;
}

static int parse_shared(const char *rel, enum lt_log_format fmt,
			struct evs *c, struct lt_log_stats *st)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/logs/%s", shared_dir(), rel);
	return parse(path, fmt, 0, c, st);
}

/* UTC "YYYY-MM-DDTHH:MM:SS[.mmm]" as ns, through timegm (an independent
 * oracle for the parsers' own calendar code). */
static int64_t iso(const char *s)
{
	struct tm tm = { 0 };
	int ms = 0;

	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
		abort();
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000000000 + (int64_t)ms * 1000000;
}

static const struct ev *by_line(const struct evs *c, uint64_t line)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].line == line)
			return &c->v[i];
	fprintf(stderr, "no event for line %" PRIu64 "\n", line);
	check_failures++;
	return NULL;
}

static size_t count_eq(const struct evs *c, size_t off, const char *val)
{
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		if (!strcmp(*(char *const *)((const char *)&c->v[i] + off), val))
			k++;
	return k;
}

#define COUNT(c, field, val) count_eq((c), offsetof(struct ev, field), (val))

static size_t count_status(const struct evs *c, int st)
{
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		k += c->v[i].status == st;
	return k;
}

static size_t count_port(const struct evs *c, int port)
{
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		k += c->v[i].port == port;
	return k;
}

static size_t distinct_clients(const struct evs *c)
{
	size_t i, j, k = 0;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(c->v[i].client, c->v[j].client))
				break;
		k += j == i;
	}
	return k;
}

/* One event's fields in one go. */
#define EV(e, TS, CLIENT, USER, METHOD, SCHEME, HOST, PORT, PATH, STATUS,   \
	   OUT, IN, ACTION)                                                 \
	do {                                                                \
		const struct ev *e_ = (e);                                  \
		if (!e_)                                                    \
			break;                                              \
		CHECK(e_->ts_ns == (TS));                                   \
		CHECK_STR(e_->client, CLIENT);                              \
		CHECK_STR(e_->user, USER);                                  \
		CHECK_STR(e_->method, METHOD);                              \
		CHECK_STR(e_->scheme, SCHEME);                              \
		CHECK_STR(e_->host, HOST);                                  \
		CHECK(e_->port == (PORT));                                  \
		CHECK_STR(e_->path, PATH);                                  \
		CHECK(e_->status == (STATUS));                              \
		CHECK(e_->out == (OUT));                                    \
		CHECK(e_->in == (IN));                                      \
		CHECK_STR(e_->action, ACTION);                              \
	} while (0)

/* ---- names and detection ------------------------------------------------ */

static void test_names(void)
{
	struct lt_err err = LT_ERR_INIT;
	enum lt_log_format f = LT_LOG_AUTO, g;

	for (f = LT_LOG_AUTO; f <= LT_LOG_ZEEK_JSON; f++) {
		CHECK(lt_log_format_from_name(lt_log_format_name(f), &g,
					      &err) == LT_OK);
		CHECK(g == f);
	}
	CHECK_STR(lt_log_format_name(LT_LOG_ZEEK_JSON), "zeek-json");
	CHECK_STR(lt_log_format_name((enum lt_log_format)99), "?");
	g = LT_LOG_SQUID;
	CHECK(lt_log_format_from_name("bluecoat", &g, &err) == LT_E_ARG);
	CHECK(g == LT_LOG_SQUID);
	CHECK(strstr(err.msg, "bluecoat") != NULL);
}

static enum lt_log_format detect_file(const char *path)
{
	char buf[LT_LOG_DETECT_LEN];
	struct lt_err err = LT_ERR_INIT;
	enum lt_log_format f = LT_LOG_AUTO;
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp) {
		fprintf(stderr, "cannot open %s\n", path);
		check_failures++;
		return LT_LOG_AUTO;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	if (lt_log_detect(buf, n, &f, &err))
		return LT_LOG_AUTO;
	return f;
}

static enum lt_log_format detect_str(const char *s)
{
	struct lt_err err = LT_ERR_INIT;
	enum lt_log_format f = LT_LOG_AUTO;
	int rc = lt_log_detect(s, strlen(s), &f, &err);

	if (rc) {
		CHECK(rc == LT_E_UNSUPPORTED);
		CHECK(f == LT_LOG_AUTO);
		CHECK(err.msg[0] != '\0');
	}
	return f;
}

static void test_detect(void)
{
	static const struct {
		const char *path;
		enum lt_log_format f;
	} shared[] = {
		{ "netdata-go.d.plugin/squidlog_access.log", LT_LOG_SQUID },
		{ "netdata-go.d.plugin/squidlog_unknown.log", LT_LOG_COMBINED },
		{ "netdata-go.d.plugin/weblog_common.log", LT_LOG_COMBINED },
		{ "netdata-go.d.plugin/weblog_full.log", LT_LOG_COMBINED },
		{ "netdata-go.d.plugin/weblog_custom.log", LT_LOG_AUTO },
		{ "netdata-go.d.plugin/weblog_u_ex221107.log", LT_LOG_W3C },
		{ "plaso/squid_access.log", LT_LOG_SQUID },
		{ "plaso/apache_access.log", LT_LOG_COMBINED },
		{ "plaso/iis6.log", LT_LOG_W3C },
		{ "plaso/iis10.log", LT_LOG_W3C },
		{ "stroom-docs/sampleBluecoat.log", LT_LOG_ELFF },
		{ "zeek/core.tunnels.teredo.http.log", LT_LOG_ZEEK },
		{ "zeek/scripts.base.protocols.http.http-methods.http."
		  "CURRENT-masked.log", LT_LOG_ZEEK },
	};
	static const struct {
		const char *path;
		enum lt_log_format f;
	} samples[] = {
		{ "samples/logs/squid-access.log", LT_LOG_SQUID },
		{ "samples/logs/combined.log", LT_LOG_COMBINED },
		{ "samples/logs/bluecoat-elff.log", LT_LOG_ELFF },
		{ "samples/logs/iis-w3c.log", LT_LOG_W3C },
		{ "samples/logs/zeek-http.log", LT_LOG_ZEEK },
		{ "samples/logs/zeek-http.json", LT_LOG_ZEEK_JSON },
	};
	char path[1024];
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(shared); i++) {
		snprintf(path, sizeof(path), "%s/logs/%s", shared_dir(),
			 shared[i].path);
		if (detect_file(path) != shared[i].f) {
			fprintf(stderr, "detect %s\n", path);
			check_failures++;
		}
	}
	for (i = 0; i < LT_ARRAY_SIZE(samples); i++)
		if (detect_file(samples[i].path) != samples[i].f) {
			fprintf(stderr, "detect %s\n", samples[i].path);
			check_failures++;
		}

	/* the order of the rules */
	CHECK(detect_str("#Software: SGOS 6.7\n#Fields: date time c-ip\n") ==
	      LT_LOG_ELFF);
	CHECK(detect_str("#Fields: date time c-ip\n#Software: SGOS 6.7\n") ==
	      LT_LOG_ELFF);
	CHECK(detect_str("#Software: Microsoft IIS\n#Fields: date time\n") ==
	      LT_LOG_W3C);
	/* SGOS without #Fields: not enough */
	CHECK(detect_str("#Software: SGOS 6.7\nfoo\n") == LT_LOG_AUTO);
	/* a #Fields header wins over squid-looking data */
	CHECK(detect_str("#Fields: date\n1432173601.012 1 a B/200 1 GET "
			 "http://x/ - H/- t\n") == LT_LOG_W3C);
	CHECK(detect_str("#separator \\x09\n#fields\tts\n") == LT_LOG_ZEEK);
	CHECK(detect_str("#separator \\x09\n") == LT_LOG_AUTO);
	CHECK(detect_str("{\"ts\":1.5,\"id.orig_h\":\"::1\"}\n") ==
	      LT_LOG_ZEEK_JSON);
	CHECK(detect_str("{\"ts\":1.5}\n") == LT_LOG_AUTO);
	/* the majority of data lines decides; garbage does not stop it */
	CHECK(detect_str("garbage\n1432173601.012 1 a B/200 1 GET http://x/ "
			 "- H/- t\n") == LT_LOG_SQUID);
	CHECK(detect_str("1432173601.012 1 a B/200 1 GET http://x/ - H/- t\n"
			 "a - - [21/May/2015:11:00:01 +0900] \"GET / "
			 "HTTP/1.1\" 200 1\n"
			 "b - - [21/May/2015:11:00:01 +0900] \"GET / "
			 "HTTP/1.1\" 200 1\n") == LT_LOG_COMBINED);
	/* equal counts: the more specific one */
	CHECK(detect_str("1432173601.012 1 a B/200 1 GET http://x/ - H/- t\n"
			 "a - - [21/May/2015:11:00:01 +0900] \"GET / "
			 "HTTP/1.1\" 200 1\n") == LT_LOG_COMBINED);
	CHECK(detect_str("") == LT_LOG_AUTO);
	CHECK(detect_str("hello\nworld\n") == LT_LOG_AUTO);
}

/* ---- the committed samples ---------------------------------------------- */

static void test_sample_squid(void)
{
	struct evs c, g;
	struct lt_log_stats st, sg;

	CHECK(parse("samples/logs/squid-access.log", LT_LOG_AUTO, 0, &c,
		    &st) == LT_OK);
	CHECK(st.lines == 21 && st.events == 20 && st.bad == 1 &&
	      st.comments == 0);
	CHECK(st.first_bad[0] == 12 && st.first_bad[1] == 0);
	EV(by_line(&c, 1), iso("2015-05-21T02:00:01.012"), "192.168.10.21",
	   "", "GET", "http", "www.example.com", 80, "/", 200, -1, 10312,
	   "TCP_MISS");
	EV(by_line(&c, 3), iso("2015-05-21T02:00:15.250"), "2001:db8:10::23",
	   "", "GET", "http", "news.example.jp", 80, "/top?lang=ja&page=1",
	   200, -1, 48213, "TCP_MISS");
	EV(by_line(&c, 4), iso("2015-05-21T02:00:20.904"), "192.168.10.22",
	   "tanaka", "CONNECT", "", "mail.example.org", 443, "", 200, -1,
	   7342, "TCP_TUNNEL");
	EV(by_line(&c, 17), iso("2015-05-21T02:15:02.733"), "192.168.10.22",
	   "", "CONNECT", "", "203.0.113.50", 443, "", 200, -1, 918,
	   "TCP_TUNNEL");
	EV(by_line(&c, 18), iso("2015-05-21T02:15:03.001"), "192.168.10.22",
	   "", "CONNECT", "", "2001:db8:bad::1", 8443, "", 403, -1, 3950,
	   "TCP_DENIED");
	EV(by_line(&c, 20), iso("2015-05-21T02:20:31"), "2001:db8:10::23", "",
	   "NONE", "", "", 0, "error:invalid-request", 400, -1, 3610, "NONE");
	/* upper-case host and an explicit port */
	EV(by_line(&c, 21), iso("2015-05-21T02:20:32.214"), "192.168.10.21",
	   "CORP%5csuzuki", "GET", "https", "files.transfer-example.org",
	   8443, "/done?ok=1", 200, -1, 2001, "TCP_MISS");

	/* the .gz copy gives the same events */
	CHECK(parse("samples/logs/squid-access.log.gz", LT_LOG_AUTO, 0, &g,
		    &sg) == LT_OK);
	CHECK(!memcmp(&st, &sg, sizeof(st)));
	CHECK(c.hash == g.hash);
	evs_free(&g);
	evs_free(&c);
}

static void test_sample_combined(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse("samples/logs/combined.log", LT_LOG_AUTO, 0, &c, &st) ==
	      LT_OK);
	CHECK(st.lines == 11 && st.events == 9 && st.bad == 2);
	CHECK(st.first_bad[0] == 9 && st.first_bad[1] == 10);
	/* +0900 applied */
	EV(by_line(&c, 1), iso("2015-05-21T02:00:01"), "192.168.10.21", "",
	   "GET", "http", "www.example.com", 80, "/", 200, -1, 10312,
	   "TCP_MISS");
	CHECK_STR(by_line(&c, 1)->ua,
		  "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like "
		  "Gecko");
	EV(by_line(&c, 3), iso("2015-05-21T02:00:15"), "2001:db8:10::23",
	   "suzuki", "GET", "http", "news.example.jp", 80, "/top?lang=ja",
	   200, -1, 48213, "TCP_MISS");
	EV(by_line(&c, 4), iso("2015-05-21T02:00:20"), "192.168.10.22",
	   "tanaka", "CONNECT", "", "mail.example.org", 443, "", 200, -1,
	   7342, "TCP_TUNNEL");
	CHECK_STR(by_line(&c, 4)->ua, "");
	/* -0700 applied; escaped quotes in the UA are kept as logged */
	EV(by_line(&c, 5), iso("2015-05-21T02:20:30"), "192.168.10.21", "",
	   "POST", "http", "files.transfer-example.org", 80,
	   "/upload.php?name=meibo.zip", 200, -1, 1204, "TCP_MISS");
	CHECK_STR(by_line(&c, 5)->ua,
		  "Mozilla/5.0 (Windows NT 6.1) \\\"quoted\\\" agent");
	/* quotes inside the request; "-" size is 0 */
	EV(by_line(&c, 6), iso("2015-05-21T02:21:42"), "192.168.10.22", "",
	   "GET", "", "", 0, "/search?q=\"odd quotes\"", 404, -1, 0, "");
	/* a "-" request */
	EV(by_line(&c, 7), iso("2015-05-21T02:21:43"), "192.168.10.22", "",
	   "", "", "", 0, "", 408, -1, 0, "");
	/* vhost_combined: the destination is the vhost */
	EV(by_line(&c, 8), iso("2015-05-21T02:21:44"), "2001:db8:10::23", "",
	   "GET", "", "www.example.com", 443, "/index.html", 304, -1, 0, "");
	/* IPv6 literal in the URL, common format (no referer/UA) */
	EV(by_line(&c, 11), iso("2015-05-21T02:22:00"), "192.168.10.21", "",
	   "GET", "http", "2001:db8:ffff::10", 8080, "/ipv6/literal", 200,
	   -1, 77, "");
	evs_free(&c);
}

static void test_sample_elff(void)
{
	struct evs c, k;
	struct lt_log_stats st, sk;

	CHECK(parse("samples/logs/bluecoat-elff.log", LT_LOG_AUTO, 0, &c,
		    &st) == LT_OK);
	CHECK(st.lines == 20 && st.events == 9 && st.bad == 1 &&
	      st.comments == 10);
	CHECK(st.first_bad[0] == 14);
	EV(by_line(&c, 7), iso("2015-05-21T02:00:01"), "192.168.10.21", "",
	   "GET", "http", "www.example.com", 80, "/", 200, 412, 10312,
	   "TCP_NC_MISS");
	CHECK_STR(by_line(&c, 7)->ua,
		  "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like "
		  "Gecko");
	/* query with its "?", quoted group, IPv6 client */
	EV(by_line(&c, 8), iso("2015-05-21T02:00:15"), "2001:db8:10::23",
	   "CORP\\suzuki", "GET", "http", "news.example.jp", 80,
	   "/top?lang=ja&page=1", 200, 388, 48213, "TCP_NC_MISS");
	/* CONNECT: path "", BlueCoat's "tcp" scheme */
	EV(by_line(&c, 9), iso("2015-05-21T02:00:20"), "192.168.10.22",
	   "tanaka", "CONNECT", "tcp", "mail.example.org", 443, "", 200, 2210,
	   7342, "TCP_TUNNELED");
	/* "" inside quotes is one quote */
	EV(by_line(&c, 10), iso("2015-05-21T02:05:00"), "192.168.10.21", "",
	   "GET", "http", "update.c2-example.net", 80, "/check?id=pc01", 403,
	   300, 612, "TCP_DENIED");
	CHECK_STR(by_line(&c, 10)->ua, "Mozilla/4.0 (compatible; \"beacon\")");
	/* the upload: cs-bytes is bytes_out */
	EV(by_line(&c, 11), iso("2015-05-21T02:20:30"), "192.168.10.21",
	   "CORP\\suzuki", "POST", "https", "files.transfer-example.org", 443,
	   "/upload.php?name=meibo.zip", 200, 48213377, 1204, "TCP_NC_MISS");
	EV(by_line(&c, 12), iso("2015-05-21T02:21:02"), "192.168.10.22", "",
	   "CONNECT", "tcp", "203.0.113.50", 443, "", 200, 51200, 918,
	   "TCP_TUNNELED");
	/* no host: the proxy's own s-ip is never the destination */
	EV(by_line(&c, 13), iso("2015-05-21T02:21:03"), "192.168.10.22", "",
	   "GET", "http", "", 0, "", 400, 0, 3950, "TCP_ERR_MISS");
	/* the second #Fields header: cs-uri, other columns */
	EV(by_line(&c, 19), iso("2015-05-21T02:30:05"), "2001:db8:10::23", "",
	   "GET", "http", "www.example.com", 8080, "/after/restart?x=1", 200,
	   300, 2048, "TCP_HIT");
	CHECK_STR(by_line(&c, 19)->ua, "Wget/1.16");
	EV(by_line(&c, 20), iso("2015-05-21T02:30:06"), "192.168.10.21", "",
	   "PUT", "https", "2001:db8:ffff::10", 443, "/put", 201, 1048576, 120,
	   "TCP_NC_MISS");

	/* tz_offset_s: a log written in JST by mistake */
	CHECK(parse("samples/logs/bluecoat-elff.log", LT_LOG_ELFF, 9 * 3600,
		    &k, &sk) == LT_OK);
	CHECK(by_line(&k, 7) &&
	      by_line(&k, 7)->ts_ns == iso("2015-05-20T17:00:01"));
	evs_free(&k);
	evs_free(&c);
}

static void test_sample_iis(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse("samples/logs/iis-w3c.log", LT_LOG_AUTO, 0, &c, &st) ==
	      LT_OK);
	CHECK(st.lines == 14 && st.events == 5 && st.bad == 1 &&
	      st.comments == 8);
	CHECK(st.first_bad[0] == 9);
	/* IIS: the web server (s-ip, s-port) is the destination */
	EV(by_line(&c, 5), iso("2015-05-21T02:00:01"), "192.168.10.21",
	   "CORP\\suzuki", "GET", "", "192.168.1.10", 443,
	   "/intranet/index.aspx", 200, 412, 10312, "");
	CHECK_STR(by_line(&c, 5)->ua,
		  "Mozilla/5.0+(Windows+NT+6.1;+Trident/7.0;+rv:11.0)+like+"
		  "Gecko");
	/* a query without "?" gets one */
	EV(by_line(&c, 6), iso("2015-05-21T02:00:15"), "2001:db8:10::23", "",
	   "GET", "", "192.168.1.10", 443,
	   "/intranet/list.aspx?dept=jinji&page=2", 200, 388, 48213, "");
	EV(by_line(&c, 7), iso("2015-05-21T02:20:30"), "192.168.10.21",
	   "CORP\\suzuki", "POST", "", "192.168.1.10", 443,
	   "/intranet/export.ashx?format=csv", 200, 980, 5242880, "");
	/* runs of blanks between fields */
	EV(by_line(&c, 8), iso("2015-05-21T02:21:00"), "192.168.10.22", "",
	   "GET", "", "192.168.1.10", 443, "/intranet/missing.aspx", 404, 350,
	   1245, "");
	/* second header: cs-host wins over s-ip, its port over s-port */
	EV(by_line(&c, 14), iso("2015-05-21T02:30:05"), "::1", "", "GET", "",
	   "intranet.example.local", 8080, "/after/restart", 200, 300, 2048,
	   "");
	evs_free(&c);
}

static void test_sample_zeek(void)
{
	struct evs c, j;
	struct lt_log_stats st, sj;

	CHECK(parse("samples/logs/zeek-http.log", LT_LOG_AUTO, 0, &c, &st) ==
	      LT_OK);
	CHECK(st.lines == 17 && st.events == 6 && st.bad == 2 &&
	      st.comments == 9);
	CHECK(st.first_bad[0] == 15 && st.first_bad[1] == 16);
	EV(by_line(&c, 9), 1432173601012345000, "192.168.10.21", "", "GET",
	   "http", "www.example.com", 80, "/", 200, 0, 10312, "");
	/* \xNN escapes decoded, including an escaped tab */
	EV(by_line(&c, 10), 1432173615250000000, "2001:db8:10::23", "", "GET",
	   "http", "news.example.jp", 80,
	   "/top?lang=ja&q=\xe5\x90\x8d\xe7\xb0\xbf\ttab", 200, 0, 48213, "");
	/* no Host header: id.resp_h */
	EV(by_line(&c, 11), 1432173900118000000, "192.168.10.21", "", "GET",
	   "http", "203.0.113.80", 80, "/check?id=pc01", 200, 0, 512, "");
	/* request_body_len is bytes_out; Host header port stripped */
	EV(by_line(&c, 12), 1432174830562000000, "192.168.10.21", "suzuki",
	   "POST", "http", "files.transfer-example.org", 8080,
	   "/upload.php?name=meibo.zip", 200, 48213377, 1204, "");
	/* CONNECT through a proxy: the authority is the destination */
	EV(by_line(&c, 13), 1432174831000000000, "192.168.10.22", "",
	   "CONNECT", "", "203.0.113.50", 443, "", 200, 0, 0, "");
	/* unset method/host/uri, "(empty)" UA */
	EV(by_line(&c, 14), 1432174832000000000, "192.168.10.22", "", "",
	   "http", "192.168.1.3", 3128, "", 400, 0, 925, "");

	CHECK(parse("samples/logs/zeek-http.json", LT_LOG_AUTO, 0, &j, &sj) ==
	      LT_OK);
	CHECK(sj.lines == 8 && sj.events == 6 && sj.bad == 2 &&
	      sj.comments == 0);
	CHECK(sj.first_bad[0] == 7 && sj.first_bad[1] == 8);
	EV(by_line(&j, 1), 1432173601012345000, "192.168.10.21", "", "GET",
	   "http", "www.example.com", 80, "/", 200, 0, 10312, "");
	/* ISO 8601 ts; \u escapes decoded to UTF-8 */
	EV(by_line(&j, 2), 1432173615250000000, "2001:db8:10::23", "", "GET",
	   "http", "news.example.jp", 80,
	   "/top?lang=ja&q=\xe5\x90\x8d\xe7\xb0\xbf", 200, 0, 48213, "");
	EV(by_line(&j, 4), 1432174830562000000, "192.168.10.21", "suzuki",
	   "POST", "http", "files.transfer-example.org", 80,
	   "/upload.php?name=meibo.zip", 200, 48213377, 1204, "");
	CHECK_STR(by_line(&j, 4)->ua, "Mozilla/5.0 \"quoted\"");
	EV(by_line(&j, 5), 1432174831000000000, "192.168.10.22", "",
	   "CONNECT", "", "203.0.113.50", 443, "", 200, 0, 0, "");
	evs_free(&j);
	evs_free(&c);
}

/* ---- third-party logs and their answer keys ----------------------------- */

/* netdata go.d.plugin squidlog_test.go TestSquidLog_Collect */
static void test_netdata_squid(void)
{
	struct evs c;
	struct lt_log_stats st;
	int64_t bytes = 0;
	size_t i;

	CHECK(parse_shared("netdata-go.d.plugin/squidlog_access.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.lines == 500);    /* "requests" */
	CHECK(st.bad == 16);       /* "unmatched" */
	CHECK(st.events == 484);   /* "resp_time_count" */
	CHECK(st.first_bad[0] == 1 && st.first_bad[1] == 26 &&
	      st.first_bad[2] == 45 && st.first_bad[3] == 118 &&
	      st.first_bad[4] == 152);
	for (i = 0; i < c.n; i++) {
		bytes += c.v[i].in;
		CHECK(c.v[i].out == -1);
	}
	CHECK(bytes == 6827357); /* "bytes_sent" */
	CHECK(COUNT(&c, method, "GET") == 70);
	CHECK(COUNT(&c, method, "HEAD") == 59);
	CHECK(COUNT(&c, method, "POST") == 74);
	CHECK(COUNT(&c, method, "COPY") == 84);
	CHECK(COUNT(&c, method, "PURGE") == 98);
	CHECK(COUNT(&c, method, "OPTIONS") == 99);
	CHECK(COUNT(&c, action, "NONE") == 158);
	CHECK(COUNT(&c, action, "TCP_CF_NEGATIVE_NEGATIVE_ABORTED") == 154);
	CHECK(COUNT(&c, action, "UDP_CLIENT_STALE_MEM_ABORTED") == 172);
	CHECK(count_status(&c, 0) == 51);
	CHECK(count_status(&c, 100) == 45);
	CHECK(count_status(&c, 200) == 62);
	CHECK(count_status(&c, 300) == 58);
	CHECK(count_status(&c, 304) == 62);
	CHECK(count_status(&c, 400) == 56);
	CHECK(count_status(&c, 401) == 56);
	CHECK(count_status(&c, 500) == 46);
	CHECK(count_status(&c, 603) == 48);
	CHECK(distinct_clients(&c) == 5); /* "uniq_clients" */
	CHECK(COUNT(&c, client, "2001:db8:2ce:1") > 0);
	/* line 3: an IPv6 client */
	EV(by_line(&c, 3), 1576177221686000000, "2001:db8:2ce:1", "", "GET",
	   "cache_object", "localhost", 0, "/counters", 401, -1, 10309,
	   "UDP_CLIENT_STALE_MEM_ABORTED");
	evs_free(&c);
}

/* plaso PR #4996 tests/parsers/text_plugins/squid_access.py */
static void test_plaso_squid(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse_shared("plaso/squid_access.log", LT_LOG_AUTO, &c, &st) ==
	      LT_OK);
	CHECK(st.lines == 8 && st.events == 8 && st.bad == 0);
	if (c.n != 8)
		goto out;
	EV(&c.v[0], iso("2023-03-04T23:15:34.079"), "1.2.3.4", "", "CONNECT",
	   "", "domain.xyz", 443, "", 200, -1, 39, "TCP_TUNNEL");
	/* two blanks before the last field */
	EV(&c.v[1], iso("2023-03-04T23:15:34.080"), "1.2.3.4", "", "CONNECT",
	   "", "domain.xyz", 443, "", 200, -1, 39, "TCP_TUNNEL");
	EV(&c.v[2], iso("2023-03-04T23:15:35.123"), "192.168.1.100", "user1",
	   "GET", "http", "example.com", 80, "/index.html", 200, -1, 5432,
	   "TCP_MISS");
	EV(&c.v[3], iso("2023-03-04T23:15:36.456"), "10.0.0.50", "", "GET",
	   "http", "example.com", 80, "/logo.png", 304, -1, 0, "TCP_HIT");
	EV(&c.v[4], iso("2023-03-04T23:15:37.789"), "2001:db8::1", "admin",
	   "GET", "http", "example.com", 80, "/missing.html", 404, -1, 1024,
	   "TCP_MISS");
	EV(&c.v[5], iso("2023-03-04T23:15:38.012"), "172.16.0.1", "", "POST",
	   "http", "example.com", 80, "/api/data", 403, -1, 256,
	   "TCP_DENIED");
	EV(&c.v[7], iso("2023-03-04T23:15:40.678"), "10.10.10.10",
	   "user@domain.com", "CONNECT", "", "secure.example.com", 443, "",
	   200, -1, 54321, "TCP_TUNNEL");
out:
	evs_free(&c);
}

/* plaso tests/parsers/text_plugins/apache_access.py: 14 events, 1
 * extraction warning (the line at offset 1589, line 8) */
static void test_plaso_apache(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse_shared("plaso/apache_access.log", LT_LOG_AUTO, &c, &st) ==
	      LT_OK);
	CHECK(st.lines == 15 && st.events == 14 && st.bad == 1);
	CHECK(st.first_bad[0] == 8);
	if (c.n != 14)
		goto out;
	/* event 0: common format */
	EV(&c.v[0], iso("2016-01-13T19:31:16"), "10.0.0.1", "", "GET", "", "",
	   0, "/wp-content/themes/darkmode/header.php?install2", 200, -1, 494,
	   "");
	/* event 4: 19:31:20 +0200 */
	EV(&c.v[4], iso("2016-01-13T17:31:20"), "192.168.0.2", "", "GET", "",
	   "", 0, "/wp-content/themes/darkmode/evil.php?cmd=uname+-a", 200, -1,
	   694, "");
	CHECK_STR(c.v[4].ua, "Mozilla/5.0 (X11; Linux i686; rv:2.0b12pre) "
			     "Gecko/20100101 Firefox/4");
	/* event 6: size "-" */
	CHECK(c.v[6].status == 304 && c.v[6].in == 0);
	/* event 8: vhost_combined, server plaso.log2timeline.net port 443 */
	EV(&c.v[8], iso("2018-01-13T19:31:17"), "192.168.0.2", "", "GET", "",
	   "plaso.log2timeline.net", 443,
	   "/wp-content/themes/darkmode/evil.php", 200, -1, 1063, "");
	CHECK_STR(c.v[8].ua,
		  "Mozilla/5.0 (Windows NT 7.1) AppleWebKit/534.30 (KHTML, "
		  "like Gecko) Chrome/12.0.742.112 Safari/534.30");
	/* events 11, 12: quotes inside the request */
	CHECK_STR(c.v[11].path, "/aaaa.xxxx/SomeText?action=edit&template="
				"<script>alert(\"text\")</script>");
	CHECK(c.v[11].status == 404 && c.v[11].in == 1164);
	CHECK_STR(c.v[12].path,
		  "/$%7B(\"TextString\"+\"123456\")%7D/actionChain1.action");
	/* event 13: a Kerberos user name, +0200 */
	EV(&c.v[13], iso("2019-11-16T07:46:42"), "192.168.0.64",
	   "pyllyukko@EXAMPLE.COM", "GET", "", "", 0, "/", 200, -1, 8264, "");
out:
	evs_free(&c);
}

/* netdata go.d.plugin weblog_test.go: common, full (vhost:port), IIS */
static void test_netdata_weblog(void)
{
	struct evs c;
	struct lt_log_stats st;
	int64_t bytes = 0;
	size_t i, v4 = 0, v6 = 0;

	CHECK(parse_shared("netdata-go.d.plugin/weblog_common.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.lines == 500 && st.events == 456 && st.bad == 44);
	for (i = 0; i < c.n; i++)
		bytes += c.v[i].in;
	CHECK(bytes == 1388056); /* "bytes_sent" */
	CHECK(COUNT(&c, method, "GET") == 159);
	CHECK(COUNT(&c, method, "HEAD") == 143);
	CHECK(COUNT(&c, method, "POST") == 154);
	CHECK(count_status(&c, 100) == 80 && count_status(&c, 101) == 50 &&
	      count_status(&c, 200) == 43 && count_status(&c, 201) == 57 &&
	      count_status(&c, 300) == 70 && count_status(&c, 301) == 52 &&
	      count_status(&c, 400) == 54 && count_status(&c, 401) == 50);
	evs_free(&c);

	CHECK(parse_shared("netdata-go.d.plugin/weblog_full.log", LT_LOG_AUTO,
			   &c, &st) == LT_OK);
	CHECK(st.lines == 500 && st.events == 452 && st.bad == 48);
	CHECK(COUNT(&c, method, "GET") == 156);
	CHECK(COUNT(&c, method, "HEAD") == 150);
	CHECK(COUNT(&c, method, "POST") == 146);
	CHECK(COUNT(&c, host, "198.51.100.1") == 81);
	CHECK(COUNT(&c, host, "2001:db8:1ce::1") == 100);
	CHECK(COUNT(&c, host, "localhost") == 102);
	CHECK(COUNT(&c, host, "test.example.com") == 87);
	CHECK(COUNT(&c, host, "test.example.org") == 82);
	CHECK(count_port(&c, 80) == 96 && count_port(&c, 81) == 100 &&
	      count_port(&c, 82) == 84 && count_port(&c, 83) == 85 &&
	      count_port(&c, 84) == 87);
	evs_free(&c);

	CHECK(parse_shared("netdata-go.d.plugin/weblog_u_ex221107.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	/* "requests" 168, "req_unmatched" 16 (the header lines) */
	CHECK(st.lines == 168 && st.events == 152 && st.comments == 16 &&
	      st.bad == 0);
	for (i = 0; i < c.n; i++) {
		if (strchr(c.v[i].client, ':'))
			v6++;
		else
			v4++;
	}
	CHECK(v4 == 38 && v6 == 114);
	CHECK(COUNT(&c, method, "GET") == 152);
	CHECK(count_port(&c, 80) == 152);
	CHECK(count_status(&c, 200) == 99 && count_status(&c, 304) == 11 &&
	      count_status(&c, 404) == 42);
	CHECK(COUNT(&c, host, "::1") == 114 && COUNT(&c, host, "127.0.0.1") == 38);
	EV(by_line(&c, 7), iso("2022-11-07T14:29:08"), "127.0.0.1", "", "GET",
	   "", "127.0.0.1", 80, "/status?full&json", 404, -1, -1, "");
	evs_free(&c);

	/* custom.log is not an access log: refused, not guessed */
	{
		char path[1024];
		struct lt_err err = LT_ERR_INIT;

		snprintf(path, sizeof(path),
			 "%s/logs/netdata-go.d.plugin/weblog_custom.log",
			 shared_dir());
		CHECK(lt_log_parse_file(path, LT_LOG_AUTO, 0, NULL, NULL, &st,
					&err) == LT_E_UNSUPPORTED);
		CHECK(strstr(err.msg, "weblog_custom.log") != NULL);
		CHECK(st.lines == 0);
		/* forced to a format: every line is bad, none dropped */
		lt_err_clear(&err);
		CHECK(lt_log_parse_file(path, LT_LOG_SQUID, 0, NULL, NULL, &st,
					&err) == LT_OK);
		CHECK(st.lines == 100 && st.bad == 100 && st.events == 0);
	}
}

/* plaso tests/parsers/text_plugins/iis.py */
static void test_plaso_iis(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse_shared("plaso/iis6.log", LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.events == 12 && st.bad == 0);
	if (c.n)
		EV(&c.v[0], iso("2013-07-30T00:00:00"), "10.10.10.100", "",
		   "GET", "", "10.10.10.100", 80,
		   "/some/image/path/something.jpg", 200, -1, -1, "");
	if (c.n)
		CHECK_STR(c.v[0].ua, "Mozilla/4.0+(compatible;+Win32;+"
				     "WinHttp.WinHttpRequest.5)");
	/* the last line: port 443, a query with brackets and a pipe */
	if (c.n == 12)
		EV(&c.v[11], iso("2015-10-16T13:01:02"), "222.222.222.222", "",
		   "GET", "", "10.10.10.100", 443,
		   "/foo/bar/baz.asp?ID=ERROR[`cat%20passwd|echo`]", 500, -1,
		   -1, "");
	evs_free(&c);

	CHECK(parse_shared("plaso/iis7_owa.log", LT_LOG_AUTO, &c, &st) ==
	      LT_OK);
	CHECK(st.events == 3 && st.bad == 0);
	if (c.n)
		EV(&c.v[0], iso("2015-12-31T00:19:48"), "77.123.22.98",
		   "domain.localjohndoe", "GET", "", "10.11.2.3", 443,
		   "/owa/?&prfltncy=16&prfrpccnt=14&prfrpcltncy=15&prfldpcnt=0"
		   "&prfldpltncy=0&prfavlcnt=0&prfavlltncy=0",
		   200, -1, -1, "");
	evs_free(&c);

	CHECK(parse_shared("plaso/iis10.log", LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.events == 1 && st.bad == 0 && st.comments == 4);
	if (c.n)
		EV(&c.v[0], iso("2021-04-01T00:00:21"), "222.222.222.222", "",
		   "GET", "", "111.111.111.111", 80, "/foo/bar/baz.asp", 200, -1,
		   -1, "");
	evs_free(&c);

	/* plaso's current copy has 16 lines; the one in the test data (at
	 * commit 4ea03ef) has 15: runs of blanks, user names with \ / @ */
	CHECK(parse_shared("plaso/iis10_edge_cases.log", LT_LOG_AUTO, &c,
			   &st) == LT_OK);
	CHECK(st.events == 15 && st.bad == 0);
	CHECK(COUNT(&c, user, "random\\ranuser1") == 4);
	CHECK(COUNT(&c, user, "random/ranuser1") == 1);
	CHECK(COUNT(&c, user, "ranuser1@random") == 1);
	CHECK(COUNT(&c, user, "RanDomain\\EX04$") == 1);
	CHECK(COUNT(&c, method, "RPC_IN_DATA") == 1);
	if (c.n)
		EV(&c.v[0], iso("2022-01-01T00:01:24"), "::1", "random\\ranuser1",
		   "POST", "", "::1", 444,
		   "/powershell?clientApplication=ActiveMonitor;PSVersion="
		   "5.1.14393.4467",
		   200, -1, -1, "");
	evs_free(&c);

	/* no date column: the day of #Date: */
	CHECK(parse_shared("plaso/iis_without_date.log", LT_LOG_AUTO, &c,
			   &st) == LT_OK);
	CHECK(st.events == 11 && st.bad == 0);
	if (c.n > 1)
		CHECK(c.v[1].ts_ns == iso("2013-07-30T00:00:03"));
	evs_free(&c);
}

/* stroom-docs sampleBluecoat.log (SGOS 3.2.4.28, CRLF line ends) */
static void test_bluecoat(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse_shared("stroom-docs/sampleBluecoat.log", LT_LOG_AUTO, &c,
			   &st) == LT_OK);
	CHECK(st.lines == 33 && st.events == 29 && st.comments == 4 &&
	      st.bad == 0);
	EV(by_line(&c, 5), iso("2005-05-04T17:16:12"), "45.110.2.82",
	   "george", "GET", "http", "www.inmobus.com", 80,
	   "/wcm/assets/images/imagefileicon.gif", 200, 729, 941, "TCP_HIT");
	if (by_line(&c, 5))
		CHECK_STR(by_line(&c, 5)->ua,
			  "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; "
			  "SV1; .NET CLR 1.1.4322)");
	EV(by_line(&c, 11), iso("2005-05-04T17:16:12"), "45.14.4.127",
	   "sally", "GET", "http", "images.google.com", 80,
	   "/imgres?imgurl=http://www.bettercomponents.be/images/"
	   "linux-logo.gif&imgrefurl=http://www.bettercomponents.be/"
	   "index.php%253FcPath%253D96&h=360&w=327&sz=132&tbnid="
	   "UKfPlBMXgToJ:&tbnh=117&tbnw=106&hl=en&prev=/images%253Fq%253D"
	   "linux%252Blogo%2526hl%253Den%2526lr%253D&frame=small",
	   200, 1104, 926, "TCP_NC_MISS");
	EV(by_line(&c, 33), iso("2005-05-04T17:17:26"), "45.108.2.100", "",
	   "PUT", "http", "idisk.mac.com", 80,
	   "/fayray_account_transfer_holding_area_for_pictures_to_homepage_"
	   "temporary/Documents/85bT9bmviawEbbBb4Sie/Image-2743371ABCC011D9."
	   "jpg",
	   401, 99884, 1007, "TCP_NC_MISS");
	CHECK(COUNT(&c, user, "george") == 21);
	CHECK(COUNT(&c, method, "PROPFIND") == 2);
	evs_free(&c);
}

static void test_zeek_shared(void)
{
	struct evs c;
	struct lt_log_stats st;

	CHECK(parse_shared("zeek/core.tunnels.teredo.http.log", LT_LOG_AUTO,
			   &c, &st) == LT_OK);
	CHECK(st.lines == 13 && st.events == 4 && st.comments == 9);
	EV(by_line(&c, 9), 1210953057917183000, "192.168.2.16", "", "POST",
	   "http", "download913.avast.com", 80, "/cgi-bin/iavs4stats.cgi", 204,
	   589, 0, "");
	EV(by_line(&c, 11), 1210953073381474000,
	   "2001:0:4137:9e50:8000:f12a:b9c8:2815", "", "GET", "http",
	   "ipv6.google.com", 80,
	   "/search?hl=en&q=Wireshark+!&btnG=Google+Search", 200, 0, 25119, "");
	evs_free(&c);

	/* \xfc decoded to the byte */
	CHECK(parse_shared("zeek/scripts.base.frameworks.logging.ascii-escape-"
			   "odd-url.http.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.events == 1);
	if (c.n)
		CHECK_STR(c.v[0].path,
			  "/~cect/teoreetilised seminarid_2010/arheoloogia_"
			  "uurimisr\xfchma_seminar/Joyce et al - The Languages "
			  "of Archaeology ~ Dialogue, Narrative and Writing."
			  "pdf");
	evs_free(&c);

	CHECK(parse_shared("zeek/scripts.base.protocols.http.http-connect-"
			   "with-header.http.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.events == 1);
	if (c.n)
		EV(&c.v[0], 1443732977728092000, "::1", "", "CONNECT", "",
		   "secure.newegg.com", 443, "", 200, 0, 0, "");
	evs_free(&c);

	CHECK(parse_shared("zeek/scripts.base.protocols.http.http-methods."
			   "http.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.lines == 58 && st.events == 49 && st.bad == 0);
	EV(by_line(&c, 9), 1354328870191989000, "128.2.6.136", "", "OPTIONS",
	   "http", "www.google.com", 80, "*", 405, 0, 962, "");
	/* a request Zeek could not parse: no method, no Host */
	EV(by_line(&c, 11), 1354328874299063000, "128.2.6.136", "", "", "http",
	   "173.194.75.103", 80, "", 400, 0, 925, "");
	evs_free(&c);

	/* masked timestamps: every data line is bad, none dropped */
	CHECK(parse_shared("zeek/scripts.base.protocols.http.http-methods."
			   "http.CURRENT-masked.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.lines == 59 && st.events == 0 && st.bad == 49 &&
	      st.comments == 10);
	evs_free(&c);

	CHECK(parse_shared("zeek/scripts.policy.protocols.http.header-names."
			   "http.log",
			   LT_LOG_AUTO, &c, &st) == LT_OK);
	CHECK(st.events == 14 && st.bad == 0);
	evs_free(&c);
}

/* ---- edge cases in memory ----------------------------------------------- */

static int mem(const char *s, enum lt_log_format fmt, struct evs *c,
	       struct lt_log_stats *st)
{
	struct lt_err err = LT_ERR_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->keep = true;
	rc = lt_log_parse_mem(s, strlen(s), fmt, 0, collect, c, st, &err);
	CHECK(st->lines == st->events + st->bad + st->comments);
	return rc;
}

static void test_edges(void)
{
	struct evs c;
	struct lt_log_stats st;
	struct lt_err err = LT_ERR_INIT;
	static const char sq[] =
		"1432173601.012 1 10.0.0.1 TCP_MISS/200 5 GET http://a.example/x"
		" - HIER_DIRECT/- t\n";
	char nul[sizeof(sq)];

	/* CRLF, no final newline, blank lines */
	CHECK(mem("1432173601.012 1 10.0.0.1 TCP_MISS/200 5 GET "
		  "http://A.Example./x - H/- t\r\n\r\n   \n"
		  "1432173602 1 10.0.0.1 TCP_MISS/200 5 GET http://b/ - H/- t",
		  LT_LOG_SQUID, &c, &st) == LT_OK);
	CHECK(st.lines == 4 && st.events == 2 && st.comments == 2);
	if (c.n == 2) {
		CHECK_STR(c.v[0].host, "a.example");
		CHECK_STR(c.v[0].ua, "");
		CHECK(c.v[1].ts_ns == 1432173602000000000);
		CHECK(c.v[1].line == 4);
	}
	evs_free(&c);

	/* a NUL byte inside a line makes it bad */
	memcpy(nul, sq, sizeof(sq));
	nul[20] = '\0';
	memset(&c, 0, sizeof(c));
	CHECK(lt_log_parse_mem(nul, sizeof(sq) - 1, LT_LOG_SQUID, 0, collect,
			       &c, &st, &err) == LT_OK);
	CHECK(st.lines == 1 && st.bad == 1 && st.first_bad[0] == 1);
	evs_free(&c);

	/* squid: bad numbers, missing fields, out-of-range times */
	CHECK(mem("1432173601.012 x 10.0.0.1 TCP_MISS/200 5 GET http://a/\n"
		  "1432173601.012 1 10.0.0.1 TCP_MISS200 5 GET http://a/\n"
		  "1432173601.012 1 10.0.0.1 TCP_MISS/2000 5 GET http://a/\n"
		  "1432173601.012 1 10.0.0.1 TCP_MISS/200 5 GET\n"
		  "99999999999.0 1 10.0.0.1 TCP_MISS/200 5 GET http://a/\n"
		  "1432173601.0123456789 1 10.0.0.1 TCP_MISS/200 5 GET http://a/\n"
		  "1432173601.5 -3 10.0.0.1 TCP_MISS/200 5 GET http://a/\n"
		  "1432173601.5 0 ::1 NONE_NONE/000 0 - "
		  "error:transaction-end-before-headers - HIER_NONE/- -\n",
		  LT_LOG_SQUID, &c, &st) == LT_OK);
	CHECK(st.lines == 8 && st.bad == 6 && st.events == 2);
	if (c.n == 2) {
		CHECK(c.v[0].ts_ns == 1432173601500000000);
		CHECK_STR(c.v[1].method, "");
		CHECK_STR(c.v[1].path, "error:transaction-end-before-headers");
		CHECK_STR(c.v[1].action, "NONE_NONE");
		CHECK_STR(c.v[1].host, "");
	}
	evs_free(&c);

	/* combined: bad dates, offsets, missing pieces */
	CHECK(mem("a - - [31/Feb/2015:11:00:01 +0900] \"GET / HTTP/1.1\" 200 1\n"
		  "a - - [21/Foo/2015:11:00:01 +0900] \"GET / HTTP/1.1\" 200 1\n"
		  "a - - [21/May/2015:25:00:01 +0900] \"GET / HTTP/1.1\" 200 1\n"
		  "a - - [21/May/2015:11:00:01 0900] \"GET / HTTP/1.1\" 200 1\n"
		  "a - [21/May/2015:11:00:01 +0900] \"GET / HTTP/1.1\" 200 1\n"
		  "a - - [21/May/2015:11:00:01 +0900] \"GET / HTTP/1.1 200 1\n"
		  "a - - [21/May/2015:11:00:01 +0900] \"GET / HTTP/1.1\" 200\n"
		  "a - - [29/Feb/2016:23:59:59 -1230] \"GET / HTTP/1.1\" 200 1 "
		  "extra fields\n",
		  LT_LOG_COMBINED, &c, &st) == LT_OK);
	CHECK(st.lines == 8 && st.bad == 7 && st.events == 1);
	if (c.n == 1)
		CHECK(c.v[0].ts_ns == iso("2016-03-01T12:29:59"));
	evs_free(&c);

	/* W3C time only: past midnight is the next day (a step back of
	 * more than an hour), a small step back (lines written out of turn)
	 * and a long quiet gap forward are not; a new #Date: starts again;
	 * the #Date: time itself counts */
	CHECK(mem("#Date: 2015-05-21 23:59:58\n"
		  "#Fields: time c-ip cs-uri\n"
		  "23:59:59 10.0.0.1 http://a.example/\n"
		  "23:50:00 10.0.0.1 http://a.example/\n"
		  "00:00:01 10.0.0.1 http://a.example/\n"
		  "08:00:00 10.0.0.1 http://a.example/\n"
		  "21:00:00 10.0.0.1 http://a.example/\n"
		  "19:30:00 10.0.0.1 http://a.example/\n"
		  "#Date: 2015-05-21 23:00:00\n"
		  "23:30:00 10.0.0.1 http://a.example/\n"
		  "#Date: 2015-06-01 23:59:59\n"
		  "00:00:00 10.0.0.1 http://a.example/\n",
		  LT_LOG_W3C, &c, &st) == LT_OK);
	CHECK(st.events == 8 && st.bad == 0);
	if (c.n == 8) {
		CHECK(c.v[0].ts_ns == iso("2015-05-21T23:59:59"));
		CHECK(c.v[1].ts_ns == iso("2015-05-21T23:50:00"));
		CHECK(c.v[2].ts_ns == iso("2015-05-22T00:00:01"));
		CHECK(c.v[3].ts_ns == iso("2015-05-22T08:00:00"));
		CHECK(c.v[4].ts_ns == iso("2015-05-22T21:00:00"));
		CHECK(c.v[5].ts_ns == iso("2015-05-23T19:30:00"));
		CHECK(c.v[6].ts_ns == iso("2015-05-21T23:30:00"));
		CHECK(c.v[7].ts_ns == iso("2015-06-02T00:00:00"));
	}
	evs_free(&c);

	/* W3C: no header yet, field count, headers mid-file, time only
	 * without #Date:, x-timestamp-unix, unterminated quote */
	CHECK(mem("2015-05-21 02:00:01 10.0.0.1 GET /a\n"
		  "#Fields: date time c-ip cs-method cs-uri-stem\n"
		  "2015-05-21 02:00:01 10.0.0.1 GET /a\n"
		  "2015-05-21 02:00:01 10.0.0.1 GET\n"
		  "2015-05-21 02:00:01 10.0.0.1 GET /a extra\n"
		  "2015-13-21 02:00:01 10.0.0.1 GET /a\n"
		  "#Fields: time c-ip cs-uri\n"
		  "02:00:02.5 10.0.0.2 http://x.example/p\n"
		  "#Date: 2015-05-22 00:00:00\n"
		  "02:00:03.25 10.0.0.2 http://x.example/p\n"
		  "#Fields: x-timestamp-unix c-ip cs-uri cs(User-Agent)\n"
		  "1432173604.5 10.0.0.3 ftp://y.example/f \"a \"\"b\"\" c\"\n"
		  "1432173604.5 10.0.0.3 ftp://y.example/f \"unterminated\n"
		  "#Fields:\n"
		  "2015-05-21 02:00:01 10.0.0.1 GET /a\n",
		  LT_LOG_W3C, &c, &st) == LT_OK);
	CHECK(st.lines == 15 && st.events == 3 && st.comments == 5 &&
	      st.bad == 7);
	CHECK(st.first_bad[0] == 1 && st.first_bad[1] == 4 &&
	      st.first_bad[2] == 5 && st.first_bad[3] == 6 &&
	      st.first_bad[4] == 8);
	if (c.n == 3) {
		CHECK(c.v[0].ts_ns == iso("2015-05-21T02:00:01"));
		CHECK(c.v[1].ts_ns == iso("2015-05-22T02:00:03.250"));
		CHECK_STR(c.v[1].host, "x.example");
		CHECK(c.v[1].port == 80);
		CHECK_STR(c.v[1].path, "/p");
		CHECK(c.v[2].ts_ns == 1432173604500000000);
		CHECK_STR(c.v[2].scheme, "ftp");
		CHECK(c.v[2].port == 21);
		CHECK_STR(c.v[2].ua, "a \"b\" c");
	}
	evs_free(&c);

	/* Zeek: data before #fields, another separator, unset/empty */
	CHECK(mem("1.0\t10.0.0.1\n"
		  "#separator |\n"
		  "#fields|ts|id.orig_h|host|uri|id.resp_p\n"
		  "#unset_field|NIL\n"
		  "1432173601.5|10.0.0.1|[2001:DB8::1]:8080|/x|81\n"
		  "1432173601.5|10.0.0.1|NIL|NIL|82\n"
		  "1432173601.5|NIL|h|/|83\n"
		  "1432173601.5|10.0.0.1|h|/\n",
		  LT_LOG_ZEEK, &c, &st) == LT_OK);
	CHECK(st.lines == 8 && st.events == 2 && st.bad == 3 &&
	      st.comments == 3);
	if (c.n == 2) {
		CHECK_STR(c.v[0].host, "2001:db8::1");
		CHECK(c.v[0].port == 81);
		CHECK_STR(c.v[1].host, "");
		CHECK_STR(c.v[1].path, "");
	}
	evs_free(&c);

	/* Zeek JSON: nesting, escapes, bad JSON */
	CHECK(mem("{\"ts\":1432173601.5,\"id.orig_h\":\"10.0.0.1\",\"tags\":"
		  "[\"a]\",{\"b\":[1,2]}],\"host\":\"x\\u0041\\ud83d\\ude00\","
		  "\"uri\":\"/\\\"q\\\"\",\"status_code\":null,"
		  "\"ok\":true}\n"
		  "{\"ts\":\"2015-05-21T11:00:01+09:00\",\"id.orig_h\":\"::1\"}\n"
		  "{\"ts\":1,\"id.orig_h\":\"a\"} trailing\n"
		  "{\"ts\":1,\"id.orig_h\":\"a\\q\"}\n"
		  "{\"ts\":1 \"id.orig_h\":\"a\"}\n"
		  "{}\n"
		  "[1]\n",
		  LT_LOG_ZEEK_JSON, &c, &st) == LT_OK);
	CHECK(st.lines == 7 && st.events == 2 && st.bad == 5);
	if (c.n == 2) {
		CHECK_STR(c.v[0].host, "xa\xf0\x9f\x98\x80");
		CHECK_STR(c.v[0].path, "/\"q\"");
		CHECK(c.v[0].status == 0);
		CHECK(c.v[1].ts_ns == iso("2015-05-21T02:00:01"));
	}
	evs_free(&c);

	/* the callback stops the parse; its value comes back */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	lt_err_clear(&err);
	CHECK(lt_log_parse_file("samples/logs/squid-access.log", LT_LOG_AUTO,
				0, collect, &c, &st, &err) == 42);
	CHECK(c.n == 2 && st.events == 2);

	/* errors */
	lt_err_clear(&err);
	CHECK(lt_log_parse_file("samples/logs/no-such.log", LT_LOG_AUTO, 0,
				NULL, NULL, &st, &err) == LT_E_NOTFOUND);
	CHECK(strstr(err.msg, "no-such.log") != NULL);
	lt_err_clear(&err);
	CHECK(lt_log_parse_file("samples/logs", LT_LOG_AUTO, 0, NULL, NULL,
				&st, &err) == LT_E_IO);
	lt_err_clear(&err);
	CHECK(lt_log_parse_mem("", 0, (enum lt_log_format)42, 0, NULL, NULL,
			       &st, &err) == LT_E_ARG);
	lt_err_clear(&err);
	/* empty: fine, nothing to detect */
	CHECK(lt_log_parse_mem(NULL, 0, LT_LOG_AUTO, 0, NULL, NULL, &st,
			       &err) == LT_OK);
	CHECK(st.lines == 0);
	CHECK(lt_log_parse_mem("\n", 1, LT_LOG_AUTO, 0, NULL, NULL, &st,
			       &err) == LT_E_UNSUPPORTED);
	CHECK(st.lines == 0);
	lt_err_clear(&err);
	lt_err_clear(&err);
	CHECK(lt_log_parse_mem(NULL, 0, LT_LOG_SQUID, 0, NULL, NULL, &st,
			       &err) == LT_OK);
	CHECK(st.lines == 0);
}

/* ---- big files: chunk boundaries, overlong lines, gzip ------------------ */

static const char *tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static void test_big(void)
{
	char plain[512], gz[512], trunc[512];
	struct {
		char *p;
		size_t len, cap;
	} b = { NULL, 0, 0 };
	struct evs c1, c2, c3;
	struct lt_log_stats s1, s2, s3;
	struct lt_err err = LT_ERR_INIT;
	uint64_t i, lines = 0, bad = 0;
	FILE *f;
	gzFile z;

	snprintf(plain, sizeof(plain), "%s/t-proxy-%d.log", tmpdir(),
		 (int)getpid());
	snprintf(gz, sizeof(gz), "%s.gz", plain);
	snprintf(trunc, sizeof(trunc), "%s.trunc.gz", plain);

	/* ~22 MiB: 90,000 lines of different lengths, an overlong line of
	 * 1 MiB + 1 (counted bad), one of 6 MiB (longer than the read
	 * buffer) and one of exactly LT_LOG_MAX_LINE bytes (fine) */
	b.cap = (size_t)48 << 20;
	b.p = malloc(b.cap);
	if (!b.p)
		abort();
	for (i = 0; i < 90000; i++) {
		int n;

		if (i == 30000 || i == 60000) {
			size_t len = i == 30000 ? LT_LOG_MAX_LINE + 1
						: (size_t)6 << 20;

			memset(b.p + b.len, 'x', len);
			b.len += len;
			b.p[b.len++] = '\n';
			lines++;
			bad++;
			continue;
		}
		if (i == 45000) {
			/* a valid line padded to exactly the limit */
			size_t pad, start = b.len;

			n = snprintf(b.p + b.len, b.cap - b.len,
				     "1432173601.%03d 1 10.0.0.1 TCP_MISS/200 %"
				     PRIu64 " GET http://pad.example/",
				     (int)(i % 1000), i);
			b.len += (size_t)n;
			pad = LT_LOG_MAX_LINE - (b.len - start);
			memset(b.p + b.len, 'p', pad);
			b.len += pad;
			b.p[b.len++] = '\n';
			lines++;
			continue;
		}
		if (i % 997 == 5) {
			n = snprintf(b.p + b.len, b.cap - b.len, "junk %" PRIu64
				     "\n", i);
			bad++;
		} else {
			n = snprintf(b.p + b.len, b.cap - b.len,
				     "1432173601.%03d %6d 10.%d.%d.%d "
				     "TCP_MISS/200 %" PRIu64 " GET "
				     "http://host%" PRIu64 ".example/%.*s - "
				     "HIER_DIRECT/- text/html\n",
				     (int)(i % 1000), (int)(i % 4000),
				     (int)(i % 200), (int)(i % 7),
				     (int)(i % 250), i, i % 5000,
				     (int)(i % 120), "abcdefghijklmnopqrstuvwxyz"
				     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
				     "rstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh"
				     "ijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy"
				     "zabcdefghijklmnopqrstuvwxyzabcdefghijklmnop"
				     "qrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefg"
				     "hijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx"
				     "yzabcdefghijklmnopqrstuvwxyzabcdefghijklmno"
				     "pqrstuvwxyz");
		}
		b.len += (size_t)n;
		lines++;
	}
	f = fopen(plain, "wb");
	CHECK(f && fwrite(b.p, 1, b.len, f) == b.len);
	if (f)
		fclose(f);
	/* two gzip members: concatenated members are one stream */
	z = gzopen(gz, "wb1");
	CHECK(z && gzwrite(z, b.p, (unsigned)(b.len / 3)) == (int)(b.len / 3));
	if (z)
		gzclose(z);
	z = gzopen(gz, "ab1");
	CHECK(z && gzwrite(z, b.p + b.len / 3, (unsigned)(b.len - b.len / 3)) ==
			   (int)(b.len - b.len / 3));
	if (z)
		gzclose(z);

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	memset(&c3, 0, sizeof(c3));
	CHECK(lt_log_parse_mem(b.p, b.len, LT_LOG_AUTO, 0, collect, &c1, &s1,
			       &err) == LT_OK);
	CHECK(lt_log_parse_file(plain, LT_LOG_AUTO, 0, collect, &c2, &s2,
				&err) == LT_OK);
	CHECK(lt_log_parse_file(gz, LT_LOG_AUTO, 0, collect, &c3, &s3, &err) ==
	      LT_OK);
	CHECK(s1.lines == lines && s1.bad == bad &&
	      s1.events == lines - bad && s1.comments == 0);
	CHECK(s1.first_bad[0] == 6);
	CHECK(!memcmp(&s1, &s2, sizeof(s1)) && !memcmp(&s1, &s3, sizeof(s1)));
	CHECK(c1.hash == c2.hash && c1.hash == c3.hash);
	CHECK(c1.n == s1.events);

	/* a truncated .gz: the events before the damage, then LT_E_CORRUPT */
	{
		FILE *in = fopen(gz, "rb"), *out = fopen(trunc, "wb");
		char *gb = malloc((size_t)8 << 20);
		size_t n = in && gb ? fread(gb, 1, (size_t)8 << 20, in) : 0;

		CHECK(n > 100000);
		if (out)
			fwrite(gb, 1, n / 2, out);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		free(gb);
		memset(&c3, 0, sizeof(c3));
		lt_err_clear(&err);
		CHECK(lt_log_parse_file(trunc, LT_LOG_AUTO, 0, collect, &c3,
					&s3, &err) == LT_E_CORRUPT);
		CHECK(s3.events > 1000 && s3.events < s1.events);
		CHECK(c3.n == s3.events);
		CHECK(strstr(err.msg, ".trunc.gz") != NULL);
	}
	unlink(plain);
	unlink(gz);
	unlink(trunc);
	free(b.p);
}

int main(void)
{
	test_names();
	test_detect();
	test_sample_squid();
	test_sample_combined();
	test_sample_elff();
	test_sample_iis();
	test_sample_zeek();
	test_netdata_squid();
	test_plaso_squid();
	test_plaso_apache();
	test_netdata_weblog();
	test_plaso_iis();
	test_bluecoat();
	test_zeek_shared();
	test_edges();
	test_big();
	CHECK_DONE();
}
