// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suspicious-traffic rules: IOC and allow lists (domains with subdomains,
 * addresses, CIDRs, URL prefixes, malformed entries), bare-IP
 * destinations, uploads per request and per client-destination-hour,
 * beacon scoring (the cv rule, its bounds, the ring and the LRU), rare
 * destinations, and the rules run over the sample logs.
 */
#include "triage/core/compat.h"

#include <math.h>

#include "leaktriage/proxy.h"
#include "tests/unit/check.h"

#define SEC INT64_C(1000000000)
#define T0 (INT64_C(1432173600) * SEC) /* 2015-05-21T02:00:00Z */

static struct lt_proxy_event ev(const char *client, const char *host,
				const char *scheme, int port,
				const char *path)
{
	struct lt_proxy_event e = { 0 };

	e.ts_ns = T0;
	e.client = client;
	e.user = "";
	e.method = "GET";
	e.scheme = scheme;
	e.host = host;
	e.port = port;
	e.path = path;
	e.bytes_out = e.bytes_in = -1;
	e.action = e.user_agent = "";
	return e;
}

static bool match(const struct lt_ioc *ioc, const char *host,
		  const char *scheme, int port, const char *path,
		  const char **why)
{
	struct lt_proxy_event e = ev("10.0.0.1", host, scheme, port, path);

	*why = NULL;
	return lt_ioc_match(ioc, &e, why);
}

static void test_ioc(void)
{
	struct lt_ioc *ioc = NULL;
	struct lt_err err = LT_ERR_INIT;
	const char *why;

	CHECK(lt_ioc_load("tests/unit/data/proxy/ioc.txt", &ioc, &err) ==
	      LT_OK);
	if (!ioc) {
		fprintf(stderr, "%s\n", err.msg);
		check_failures++;
		return;
	}
	CHECK(lt_ioc_count(ioc) == 16);

	/* domains: the domain and its subdomains, nothing else */
	CHECK(match(ioc, "evil.example", "http", 80, "/", &why));
	CHECK_STR(why, "evil.example");
	CHECK(match(ioc, "a.b.evil.example", "https", 443, "/", &why));
	CHECK(match(ioc, "EVIL.example", "http", 80, "/", &why));
	CHECK(!match(ioc, "notevil.example", "http", 80, "/", &why));
	CHECK(why == NULL);
	CHECK(!match(ioc, "evil.example.com", "http", 80, "/", &why));
	CHECK(!match(ioc, "example", "http", 80, "/", &why));
	CHECK(match(ioc, "wild.example", "http", 80, "/", &why));
	CHECK_STR(why, "wild.example");
	CHECK(match(ioc, "x.wild.example", "", 443, "", &why));
	CHECK(match(ioc, "x.dot.example", "", 443, "", &why));
	CHECK(match(ioc, "mixed-case.example", "http", 80, "/", &why));
	CHECK_STR(why, "Mixed-Case.Example.");
	CHECK(match(ioc, "single-label", "http", 80, "/", &why));

	/* addresses and ranges, v4 and v6, in binary form */
	CHECK(match(ioc, "198.51.100.7", "", 443, "", &why));
	CHECK_STR(why, "198.51.100.7");
	CHECK(!match(ioc, "198.51.100.8", "", 443, "", &why));
	CHECK(match(ioc, "198.51.100.200", "", 443, "", &why));
	CHECK_STR(why, "198.51.100.128/25");
	CHECK(!match(ioc, "198.51.100.127", "", 443, "", &why));
	CHECK(match(ioc, "10.255.1.2", "", 443, "", &why));
	CHECK_STR(why, "10.0.0.0/8");
	CHECK(!match(ioc, "11.0.0.1", "", 443, "", &why));
	CHECK(match(ioc, "2001:db8::7", "", 443, "", &why));
	CHECK_STR(why, "2001:DB8:0:0::7");
	CHECK(match(ioc, "2001:0DB8:0000::0007", "", 443, "", &why));
	CHECK(!match(ioc, "2001:db8::8", "", 443, "", &why));
	CHECK(match(ioc, "2001:db8:abcd:ffff::1", "", 443, "", &why));
	CHECK(!match(ioc, "2001:db8:abce::1", "", 443, "", &why));
	CHECK(match(ioc, "fe80::1%3", "", 443, "", &why));
	CHECK(match(ioc, "[2001:db8::7]", "", 443, "", &why));

	/* URL prefixes: exact host, scheme and port when given, path */
	CHECK(match(ioc, "up.example", "http", 80, "/upload.php?x", &why));
	CHECK_STR(why, "http://up.example/upload");
	CHECK(!match(ioc, "up.example", "https", 443, "/upload", &why));
	CHECK(!match(ioc, "up.example", "http", 80, "/download", &why));
	CHECK(!match(ioc, "sub.up.example", "http", 80, "/upload", &why));
	CHECK(match(ioc, "secure.example", "https", 8443, "/api/v1", &why));
	CHECK(!match(ioc, "secure.example", "https", 443, "/api/v1", &why));
	CHECK(!match(ioc, "secure.example", "https", 8443, "/apix", &why));
	CHECK(match(ioc, "upload.example", "ftp", 21, "/put/file", &why));
	CHECK(match(ioc, "upload.example", "", 443, "/put", &why));
	CHECK(!match(ioc, "upload.example", "http", 80, "/get", &why));
	CHECK(match(ioc, "2001:db8::99", "http", 80, "/x/y", &why));
	CHECK_STR(why, "[2001:db8::99]/x");
	/* an address with a URL entry and a range entry: the range first */
	CHECK(match(ioc, "198.51.100.200", "http", 80, "/c2", &why));
	CHECK_STR(why, "198.51.100.128/25");

	/* nothing to match */
	CHECK(!match(ioc, "", "http", 80, "/", &why));
	{
		struct lt_proxy_event e = ev("1", NULL, "", 0, NULL);

		CHECK(!lt_ioc_match(ioc, &e, NULL));
		CHECK(!lt_ioc_match(NULL, &e, NULL));
	}
	lt_ioc_free(ioc);
	lt_ioc_free(NULL);
}

static void bad_ioc(const char *text, uint64_t line)
{
	struct lt_ioc *ioc = NULL;
	struct lt_err err = LT_ERR_INIT;
	char want[32];

	CHECK(lt_ioc_load_mem(text, strlen(text), &ioc, &err) == LT_E_ARG);
	CHECK(ioc == NULL);
	snprintf(want, sizeof(want), "line %" PRIu64 ":", line);
	if (!strstr(err.msg, want)) {
		fprintf(stderr, "'%s': '%s'\n", text, err.msg);
		check_failures++;
	}
}

static void test_ioc_bad(void)
{
	struct lt_ioc *ioc = NULL;
	struct lt_err err = LT_ERR_INIT;

	bad_ioc("ok.example\n10.0.0.0/33\n", 2);
	bad_ioc("999.1.1.1/8\n", 1);
	bad_ioc("1.2.3\n", 1);
	bad_ioc("# c\n\n2001:db8::/129\n", 3);
	bad_ioc("2001:db8:::1\n", 1);
	bad_ioc("10.0.0.0/\n", 1);
	bad_ioc("10.0.0.0/8x\n", 1);
	bad_ioc("two words\n", 1);
	bad_ioc("bad_chär.example\n", 1);
	bad_ioc("a..b\n", 1);
	bad_ioc("http://host:99999/x\n", 1);
	bad_ioc("http:///nohost\n", 1);
	bad_ioc("http://[2001:db8::1/x\n", 1);
	bad_ioc("*.\n", 1);

	/* empty and comment-only lists are fine */
	CHECK(lt_ioc_load_mem("", 0, &ioc, &err) == LT_OK);
	CHECK(lt_ioc_count(ioc) == 0);
	lt_ioc_free(ioc);
	CHECK(lt_ioc_load_mem("# nothing\r\n  \t\n", 15, &ioc, &err) == LT_OK);
	CHECK(lt_ioc_count(ioc) == 0);
	lt_ioc_free(ioc);
	/* "#" inside a URL is not a comment */
	CHECK(lt_ioc_load_mem("http://a.example/p#frag\r\n", 25, &ioc, &err) ==
	      LT_OK);
	CHECK(lt_ioc_count(ioc) == 1);
	lt_ioc_free(ioc);

	CHECK(lt_ioc_load("tests/unit/data/proxy/missing.txt", &ioc, &err) ==
	      LT_E_NOTFOUND);
}

static void test_simple_rules(void)
{
	struct lt_ioc *allow = NULL;
	struct lt_err err = LT_ERR_INIT;
	struct lt_proxy_event e = ev("10.0.0.1", "203.0.113.50", "", 443, "");

	CHECK(lt_host_is_ip("203.0.113.50"));
	CHECK(lt_host_is_ip("2001:db8::1"));
	CHECK(lt_host_is_ip("fe80::1%eth0"));
	CHECK(!lt_host_is_ip("1.2.3"));
	CHECK(!lt_host_is_ip("example.com"));
	CHECK(!lt_host_is_ip(""));
	CHECK(!lt_host_is_ip(NULL));

	e.method = "CONNECT";
	CHECK(lt_proxy_bare_ip(&e));
	e.method = "GET";
	CHECK(lt_proxy_bare_ip(&e));
	e.host = "2001:db8::1";
	CHECK(lt_proxy_bare_ip(&e));
	e.host = "www.example.com";
	CHECK(!lt_proxy_bare_ip(&e));
	e.host = "";
	CHECK(!lt_proxy_bare_ip(&e));

	e.bytes_out = -1;
	CHECK(!lt_upload_over(&e, 0));
	e.bytes_out = 1000;
	CHECK(!lt_upload_over(&e, 1000));
	CHECK(lt_upload_over(&e, 999));

	CHECK(lt_ioc_load("samples/logs/allow.txt", &allow, &err) == LT_OK);
	e.host = "www.example.com";
	CHECK(!lt_allow_outside(allow, &e));
	e.host = "example.jp";
	CHECK(!lt_allow_outside(allow, &e));
	e.host = "192.168.1.10";
	CHECK(!lt_allow_outside(allow, &e));
	e.host = "files.transfer-example.org";
	CHECK(lt_allow_outside(allow, &e));
	e.host = "203.0.113.50";
	CHECK(lt_allow_outside(allow, &e));
	e.host = "";
	CHECK(!lt_allow_outside(allow, &e));
	lt_ioc_free(allow);
}

/* ---- uploads per client, destination and hour ---------------------------- */

struct sums {
	struct lt_upload_sum s[16];
	char client[16][64], host[16][64];
	int n, stop;
};

static int on_sum(const struct lt_upload_sum *s, void *u)
{
	struct sums *x = u;

	if (x->n < 16) {
		x->s[x->n] = *s;
		snprintf(x->client[x->n], 64, "%s", s->client);
		snprintf(x->host[x->n], 64, "%s", s->host);
	}
	x->n++;
	return x->stop && x->n >= x->stop ? 7 : 0;
}

static void up(struct lt_upload_agg *a, const char *client, const char *host,
	       int64_t ts, int64_t bytes)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_proxy_event e = ev(client, host, "http", 80, "/");

	e.ts_ns = ts;
	e.bytes_out = bytes;
	CHECK(lt_upload_agg_add(a, &e, &err) == LT_OK);
}

static void test_upload_agg(void)
{
	struct lt_upload_agg *a = NULL;
	struct lt_err err = LT_ERR_INIT;
	struct sums x = { 0 };

	CHECK(lt_upload_agg_new(1000, 0, on_sum, &x, &a, &err) == LT_OK);
	/* 02:00-02:59: 600 + 500 from A to h1 (over), 900 from B to h1 */
	up(a, "A", "h1", T0 + 10 * SEC, 600);
	up(a, "B", "h1", T0 + 20 * SEC, 900);
	up(a, "A", "h1", T0 + 3599 * SEC, 500);
	up(a, "A", "h1", T0 + 30 * SEC, -1); /* unknown size counts 0 */
	/* 03:00: a new hour for A */
	up(a, "A", "h1", T0 + 3600 * SEC, 999);
	up(a, "A", "h2", T0 + 3700 * SEC, 2000);
	CHECK(x.n == 0);
	CHECK(lt_upload_agg_finish(a, &err) == LT_OK);
	CHECK(x.n == 2);
	if (x.n == 2) {
		CHECK_STR(x.client[0], "A");
		CHECK_STR(x.host[0], "h1");
		CHECK(x.s[0].hour_ns == T0);
		CHECK(x.s[0].bytes_out == 1100);
		CHECK(x.s[0].requests == 3);
		CHECK(x.s[0].first_ns == T0 + 10 * SEC);
		CHECK(x.s[0].last_ns == T0 + 3599 * SEC);
		CHECK_STR(x.host[1], "h2");
		CHECK(x.s[1].hour_ns == T0 + 3600 * SEC);
		CHECK(x.s[1].bytes_out == 2000);
	}
	/* finish twice: nothing more */
	CHECK(lt_upload_agg_finish(a, &err) == LT_OK);
	CHECK(x.n == 2);
	lt_upload_agg_free(a);

	/* the bound: 2 buckets; an older hour is closed to make room */
	memset(&x, 0, sizeof(x));
	CHECK(lt_upload_agg_new(100, 2, on_sum, &x, &a, &err) == LT_OK);
	up(a, "A", "h1", T0, 150);
	up(a, "A", "h2", T0 + 3600 * SEC, 150);
	CHECK(x.n == 0);
	up(a, "A", "h3", T0 + 3601 * SEC, 150); /* closes A/h1 @02:00 */
	CHECK(x.n == 1);
	up(a, "A", "h4", T0 + 3602 * SEC, 150); /* same hour: closes all */
	CHECK(x.n == 3);
	CHECK(lt_upload_agg_finish(a, &err) == LT_OK);
	CHECK(x.n == 4);
	lt_upload_agg_free(a);

	/* the callback's value stops and comes back */
	memset(&x, 0, sizeof(x));
	x.stop = 1;
	CHECK(lt_upload_agg_new(0, 0, on_sum, &x, &a, &err) == LT_OK);
	up(a, "A", "h1", T0, 1);
	up(a, "B", "h1", T0, 1);
	CHECK(lt_upload_agg_finish(a, &err) == 7);
	CHECK(x.n == 1);
	lt_upload_agg_free(a);
	lt_upload_agg_free(NULL);
}

/* ---- beacons ------------------------------------------------------------ */

static struct lt_beacon_score score(const int64_t *ts, size_t n)
{
	struct lt_beacon_score s;
	struct lt_err err = LT_ERR_INIT;

	CHECK(lt_beacon_score_times(ts, n, NULL, &s, &err) == LT_OK);
	return s;
}

static void test_beacon_score(void)
{
	int64_t ts[64];
	struct lt_beacon_score s;
	struct lt_beacon_opts o = { 0 };
	struct lt_err err = LT_ERR_INIT;
	size_t i;

	/* every 60 s with a 0.5 s wobble: 9 times, 8 intervals */
	for (i = 0; i < 9; i++)
		ts[i] = T0 + (int64_t)i * 60 * SEC + (i % 2 ? SEC / 2 : 0);
	s = score(ts, 9);
	CHECK(s.intervals == 8);
	CHECK(fabs(s.mean_s - 60.0) < 0.1);
	CHECK(s.cv < 0.1);
	CHECK(s.beacon);
	CHECK(s.first_ns == T0 && s.last_ns == ts[8]);
	/* order does not matter */
	{
		int64_t r[9];

		for (i = 0; i < 9; i++)
			r[i] = ts[(i * 4) % 9];
		s = score(r, 9);
		CHECK(s.beacon && s.first_ns == T0);
	}
	/* 7 intervals are not enough */
	s = score(ts, 8);
	CHECK(s.intervals == 7 && !s.beacon);
	/* exactly periodic: cv 0 */
	for (i = 0; i < 20; i++)
		ts[i] = T0 + (int64_t)i * 300 * SEC;
	s = score(ts, 20);
	CHECK(s.cv == 0 && s.beacon && s.stddev_s == 0);
	/* too fast (5 s) and too slow (2 h) */
	for (i = 0; i < 20; i++)
		ts[i] = T0 + (int64_t)i * 5 * SEC;
	CHECK(!score(ts, 20).beacon);
	for (i = 0; i < 20; i++)
		ts[i] = T0 + (int64_t)i * 7200 * SEC;
	CHECK(!score(ts, 20).beacon);
	/* the bounds are inclusive: 10 s and 1 h */
	for (i = 0; i < 20; i++)
		ts[i] = T0 + (int64_t)i * 10 * SEC;
	CHECK(score(ts, 20).beacon);
	for (i = 0; i < 20; i++)
		ts[i] = T0 + (int64_t)i * 3600 * SEC;
	CHECK(score(ts, 20).beacon);
	/* a person: bursts and pauses */
	{
		static const int gaps[] = { 2, 3, 120, 1, 1, 600, 45, 2, 300,
					    30, 4 };
		int64_t t = T0;

		for (i = 0; i < LT_ARRAY_SIZE(gaps); i++) {
			ts[i] = t;
			t += gaps[i] * SEC;
		}
		s = score(ts, LT_ARRAY_SIZE(gaps));
		CHECK(s.cv > 1 && !s.beacon);
	}
	/* cv just over the threshold: alternating 50 s and 70 s (cv 1/6) */
	for (i = 0; i < 21; i++)
		ts[i] = T0 + (int64_t)(i / 2) * 120 * SEC + (i % 2) * 50 * SEC;
	s = score(ts, 21);
	CHECK(fabs(s.cv - 1.0 / 6) < 1e-9 && !s.beacon);
	/* options: a looser cv */
	o.max_cv = 0.2;
	CHECK(lt_beacon_score_times(ts, 21, &o, &s, &err) == LT_OK);
	CHECK(s.beacon);
	/* all at once: mean 0 */
	for (i = 0; i < 20; i++)
		ts[i] = T0;
	s = score(ts, 20);
	CHECK(!s.beacon);
	s = score(ts, 0);
	CHECK(s.intervals == 0 && !s.beacon);
	s = score(ts, 1);
	CHECK(s.intervals == 0 && !s.beacon && s.first_ns == T0);
}

struct hits {
	char client[8][64], host[8][64];
	struct lt_beacon_hit h[8];
	int n;
};

static int on_hit(const struct lt_beacon_hit *h, void *u)
{
	struct hits *x = u;

	if (x->n < 8) {
		x->h[x->n] = *h;
		snprintf(x->client[x->n], 64, "%s", h->client);
		snprintf(x->host[x->n], 64, "%s", h->host);
	}
	x->n++;
	return 0;
}

static void feed(struct lt_beacon *b, const char *client, const char *host,
		 int64_t ts)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_proxy_event e = ev(client, host, "http", 80, "/");

	e.ts_ns = ts;
	CHECK(lt_beacon_add(b, &e, &err) == LT_OK);
}

static void test_beacon_state(void)
{
	struct lt_beacon *b = NULL;
	struct lt_beacon_opts o = { 0 };
	struct lt_err err = LT_ERR_INIT;
	struct hits x;
	int i;

	/* one regular pair among irregular ones */
	memset(&x, 0, sizeof(x));
	CHECK(lt_beacon_new(NULL, on_hit, &x, &b, &err) == LT_OK);
	for (i = 0; i < 30; i++) {
		feed(b, "10.0.0.1", "c2.example", T0 + i * 60 * SEC);
		feed(b, "10.0.0.1", "news.example",
		     T0 + (int64_t)i * i * 7 * SEC);
		feed(b, "10.0.0.2", "c2.example", T0 + (i % 3) * 500 * SEC);
	}
	feed(b, "", "c2.example", T0); /* ignored */
	feed(b, "10.0.0.3", "", T0);
	CHECK(x.n == 0);
	CHECK(lt_beacon_finish(b, &err) == LT_OK);
	CHECK(x.n == 1);
	if (x.n == 1) {
		CHECK_STR(x.client[0], "10.0.0.1");
		CHECK_STR(x.host[0], "c2.example");
		CHECK(x.h[0].requests == 30);
		CHECK(x.h[0].score.intervals == 29);
		CHECK(x.h[0].score.cv == 0);
	}
	lt_beacon_free(b);

	/* the ring keeps the last max_times: irregular, then regular */
	memset(&x, 0, sizeof(x));
	o.max_times = 16;
	CHECK(lt_beacon_new(&o, on_hit, &x, &b, &err) == LT_OK);
	for (i = 0; i < 50; i++)
		feed(b, "A", "h", T0 + (int64_t)i * i * SEC);
	for (i = 0; i < 16; i++)
		feed(b, "A", "h", T0 + 10000 * SEC + i * 30 * SEC);
	CHECK(lt_beacon_finish(b, &err) == LT_OK);
	CHECK(x.n == 1);
	if (x.n == 1) {
		CHECK(x.h[0].requests == 66);
		CHECK(x.h[0].score.intervals == 15);
		CHECK(x.h[0].score.first_ns == T0 + 10000 * SEC);
	}
	lt_beacon_free(b);

	/* LRU: two pairs at most; the least recently seen is scored and
	 * reported when it is pushed out */
	memset(&x, 0, sizeof(x));
	memset(&o, 0, sizeof(o));
	o.max_pairs = 2;
	CHECK(lt_beacon_new(&o, on_hit, &x, &b, &err) == LT_OK);
	for (i = 0; i < 10; i++)
		feed(b, "A", "h1", T0 + i * 60 * SEC);
	feed(b, "B", "h2", T0);
	feed(b, "A", "h1", T0 + 10 * 60 * SEC); /* A is recent again */
	feed(b, "C", "h3", T0);                 /* pushes B out */
	CHECK(x.n == 0);
	feed(b, "D", "h4", T0); /* pushes A out: a beacon */
	CHECK(x.n == 1);
	if (x.n == 1)
		CHECK(!strcmp(x.client[0], "A") && x.h[0].requests == 11);
	CHECK(lt_beacon_finish(b, &err) == LT_OK);
	CHECK(x.n == 1);
	lt_beacon_free(b);
	lt_beacon_free(NULL);
}

/* ---- rare destinations -------------------------------------------------- */

struct rares {
	char host[8][64], client[8][64];
	uint64_t count[8];
	int n;
};

static int on_rare(const struct lt_rare_dest *d, void *u)
{
	struct rares *x = u;

	if (x->n < 8) {
		snprintf(x->host[x->n], 64, "%s", d->host);
		snprintf(x->client[x->n], 64, "%s", d->client);
		x->count[x->n] = d->count;
	}
	x->n++;
	return 0;
}

static void test_rare(void)
{
	struct lt_rare *r = NULL;
	struct lt_err err = LT_ERR_INIT;
	struct rares x = { 0 };
	struct lt_proxy_event e = ev("A", "", "http", 80, "/");
	int i;
	static const struct {
		const char *client, *host;
		int times;
	} feed_[] = {
		{ "A", "rare1.example", 3 },   { "A", "common.example", 5 },
		{ "B", "common.example", 1 },  { "A", "busy.example", 10 },
		{ "C", "rare2.example", 9 },   { "", "", 4 },
		{ "", "noclient.example", 1 },
	};
	size_t k;

	CHECK(lt_rare_new(0, 0, &r, &err) == LT_OK);
	for (k = 0; k < LT_ARRAY_SIZE(feed_); k++)
		for (i = 0; i < feed_[k].times; i++) {
			e.client = feed_[k].client;
			e.host = feed_[k].host;
			e.ts_ns = T0 + i * SEC;
			CHECK(lt_rare_add(r, &e, &err) == LT_OK);
		}
	CHECK(lt_rare_report(r, on_rare, &x, &err) == LT_OK);
	CHECK(x.n == 3);
	if (x.n == 3) {
		CHECK_STR(x.host[0], "rare1.example");
		CHECK_STR(x.client[0], "A");
		CHECK(x.count[0] == 3);
		CHECK_STR(x.host[1], "rare2.example");
		CHECK(x.count[1] == 9);
		CHECK_STR(x.host[2], "noclient.example");
		CHECK_STR(x.client[2], "");
	}
	lt_rare_free(r);

	/* the host bound */
	CHECK(lt_rare_new(2, 2, &r, &err) == LT_OK);
	e.host = "a";
	CHECK(lt_rare_add(r, &e, &err) == LT_OK);
	e.host = "b";
	CHECK(lt_rare_add(r, &e, &err) == LT_OK);
	e.host = "a";
	CHECK(lt_rare_add(r, &e, &err) == LT_OK);
	e.host = "c";
	CHECK(lt_rare_add(r, &e, &err) == LT_E_LIMIT);
	memset(&x, 0, sizeof(x));
	CHECK(lt_rare_report(r, on_rare, &x, &err) == LT_OK);
	CHECK(x.n == 1); /* "a" was seen twice: not fewer than 2 */
	lt_rare_free(r);
	lt_rare_free(NULL);
}

/* ---- the rules over the sample logs ------------------------------------- */

struct run {
	struct lt_ioc *ioc, *allow;
	struct lt_beacon *beacon;
	int ioc_hits, outside, bare, uploads;
	char why[8][64];
};

static int on_ev(const struct lt_proxy_event *e, void *u)
{
	struct run *r = u;
	struct lt_err err = LT_ERR_INIT;
	const char *why;

	if (lt_ioc_match(r->ioc, e, &why)) {
		if (r->ioc_hits < 8)
			snprintf(r->why[r->ioc_hits], 64, "%s", why);
		r->ioc_hits++;
	}
	r->outside += lt_allow_outside(r->allow, e);
	r->bare += lt_proxy_bare_ip(e);
	r->uploads += lt_upload_over(e, 10 << 20);
	return lt_beacon_add(r->beacon, e, &err);
}

static void test_samples(void)
{
	static const char *const logs[] = {
		"samples/logs/squid-access.log", "samples/logs/bluecoat-elff.log",
		"samples/logs/zeek-http.log", "samples/logs/zeek-http.json",
	};
	/* IOC hits, outside the allow-list, bare IPs, uploads > 10 MiB,
	 * beacons */
	static const int want[][5] = {
		{ 13, 14, 2, 0, 1 },
		{ 3, 4, 2, 1, 0 },
		{ 2, 3, 3, 1, 0 },
		{ 2, 3, 3, 1, 0 },
	};
	struct lt_err err = LT_ERR_INIT;
	struct lt_log_stats st;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(logs); i++) {
		struct run r = { 0 };
		struct hits x = { 0 };

		CHECK(lt_ioc_load("samples/logs/ioc.txt", &r.ioc, &err) ==
		      LT_OK);
		CHECK(lt_ioc_load("samples/logs/allow.txt", &r.allow, &err) ==
		      LT_OK);
		CHECK(lt_beacon_new(NULL, on_hit, &x, &r.beacon, &err) ==
		      LT_OK);
		CHECK(lt_log_parse_file(logs[i], LT_LOG_AUTO, 0, on_ev, &r,
					&st, &err) == LT_OK);
		CHECK(lt_beacon_finish(r.beacon, &err) == LT_OK);
		if (r.ioc_hits != want[i][0] || r.outside != want[i][1] ||
		    r.bare != want[i][2] || r.uploads != want[i][3] ||
		    x.n != want[i][4]) {
			fprintf(stderr, "%s: ioc %d outside %d bare %d up %d "
				"beacons %d\n", logs[i], r.ioc_hits, r.outside,
				r.bare, r.uploads, x.n);
			check_failures++;
		}
		if (i == 0 && x.n == 1) {
			CHECK_STR(x.client[0], "192.168.10.21");
			CHECK_STR(x.host[0], "update.c2-example.net");
			CHECK(x.h[0].requests == 10);
			CHECK(x.h[0].score.cv < 0.01);
			CHECK_STR(r.why[0], "c2-example.net");
		}
		lt_ioc_free(r.ioc);
		lt_ioc_free(r.allow);
		lt_beacon_free(r.beacon);
	}
}

int main(void)
{
	test_ioc();
	test_ioc_bad();
	test_simple_rules();
	test_upload_agg();
	test_beacon_score();
	test_beacon_state();
	test_rare();
	test_samples();
	CHECK_DONE();
}
