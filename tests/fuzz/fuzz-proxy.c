// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proxy logs on arbitrary bytes: lt_log_detect(), then lt_log_parse_mem()
 * in every format (and auto).  Every line must be counted exactly once,
 * the first bad lines recorded, every event well formed (strings present
 * and NUL-terminated, line numbers rising, values in range), auto must
 * agree with the detected format, and a second run must give the same
 * events.  The same bytes are also loaded as an IOC list; when that works,
 * the events are matched against it and fed to the stateful rules with
 * tiny bounds, so eviction paths run too.
 */
#include "triage/core/compat.h"
#include "leaktriage/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	uint64_t events, last_line, hash;
	const struct lt_ioc *ioc;
	struct lt_upload_agg *agg;
	struct lt_beacon *beacon;
	struct lt_rare *rare;
};

static uint64_t mix(uint64_t h, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * UINT64_C(0x100000001b3);
	return h * 31 + n;
}

static int on_event(const struct lt_proxy_event *e, void *u)
{
	struct acc *a = u;
	const char *s[] = { e->client, e->user,	  e->method, e->scheme,
			    e->host,   e->path,	  e->action, e->user_agent };
	struct lt_err err = LT_ERR_INIT;
	const char *why = NULL;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(s); i++) {
		if (!s[i])
			abort();
		a->hash = mix(a->hash, s[i]);
	}
	if (e->line <= a->last_line || e->port < 0 || e->port > 65535 ||
	    e->status < 0 || e->status > 999 || e->bytes_in < -1 ||
	    e->bytes_out < -1)
		abort();
	/* 1900-01-01 .. 2200-01-01, give or take a zone offset */
	if (e->ts_ns < (-INT64_C(2208988800) - 2 * 86400) * 1000000000 ||
	    e->ts_ns > (INT64_C(7258118400) + 2 * 86400) * 1000000000)
		abort();
	for (i = 0; e->host[i]; i++)
		if (e->host[i] >= 'A' && e->host[i] <= 'Z')
			abort();
	a->last_line = e->line;
	a->events++;
	a->hash = a->hash * 31 + (uint64_t)e->ts_ns + (uint64_t)e->port +
		  (uint64_t)e->status + (uint64_t)e->bytes_in +
		  (uint64_t)e->bytes_out + e->line;
	if (a->ioc) {
		if (lt_ioc_match(a->ioc, e, &why) && !why)
			abort();
		(void)lt_allow_outside(a->ioc, e);
	}
	(void)lt_proxy_bare_ip(e);
	(void)lt_upload_over(e, 1000);
	if (a->agg && lt_upload_agg_add(a->agg, e, &err))
		abort();
	if (a->beacon && lt_beacon_add(a->beacon, e, &err))
		abort();
	if (a->rare) {
		int rc = lt_rare_add(a->rare, e, &err);

		if (rc && rc != LT_E_LIMIT)
			abort();
	}
	return 0;
}

static int on_sum(const struct lt_upload_sum *s, void *u)
{
	(void)u;
	if (!s->client || !s->host || s->bytes_out < 0 || !s->requests ||
	    s->first_ns > s->last_ns)
		abort();
	return 0;
}

static int on_hit(const struct lt_beacon_hit *h, void *u)
{
	(void)u;
	if (!h->client || !h->host || !h->score.beacon ||
	    h->score.intervals < 8 || !(h->score.cv < 0.1))
		abort();
	return 0;
}

static int on_rare(const struct lt_rare_dest *d, void *u)
{
	(void)u;
	if (!d->host || !*d->host || !d->client || !d->count)
		abort();
	return 0;
}

static int run(const uint8_t *data, size_t size, enum lt_log_format fmt,
	       struct acc *a, struct lt_log_stats *st)
{
	struct lt_err err = LT_ERR_INIT;
	int rc;
	size_t i;

	a->events = a->last_line = 0;
	a->hash = 1469598103934665603u;
	rc = lt_log_parse_mem((const char *)data, size, fmt, 3600, on_event,
			      a, st, &err);
	if (rc != (int)err.code || strchr(err.msg, '\n'))
		abort();
	if (rc && !(rc == LT_E_UNSUPPORTED && fmt == LT_LOG_AUTO))
		abort();
	if (st->lines != st->events + st->bad + st->comments ||
	    st->events != a->events || a->last_line > st->lines)
		abort();
	for (i = 0; i < LT_ARRAY_SIZE(st->first_bad); i++) {
		if ((i < st->bad) != (st->first_bad[i] != 0) ||
		    st->first_bad[i] > st->lines ||
		    (i && st->first_bad[i] && st->first_bad[i] <= st->first_bad[i - 1]))
			abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_log_stats st, st2, auto_st;
	struct acc a = { 0 }, b = { 0 };
	enum lt_log_format f, detected = LT_LOG_AUTO;
	struct lt_ioc *ioc = NULL;
	uint64_t auto_hash = 0;
	int rc, drc;

	drc = lt_log_detect((const char *)data, size, &detected, &err);
	if (drc ? (drc != LT_E_UNSUPPORTED || detected != LT_LOG_AUTO)
		: (detected == LT_LOG_AUTO || detected > LT_LOG_ZEEK_JSON))
		abort();

	lt_err_clear(&err);
	if (lt_ioc_load_mem((const char *)data, size, &ioc, &err) == LT_OK) {
		a.ioc = ioc;
		if (lt_upload_agg_new(10, 3, on_sum, NULL, &a.agg, &err) ||
		    lt_beacon_new(&(struct lt_beacon_opts){ .max_times = 9,
							    .max_pairs = 3 },
				  on_hit, NULL, &a.beacon, &err) ||
		    lt_rare_new(3, 4, &a.rare, &err))
			abort();
	} else if (ioc || err.code != LT_E_ARG) {
		abort();
	}

	for (f = LT_LOG_AUTO; f <= LT_LOG_ZEEK_JSON; f++) {
		rc = run(data, size, f, &a, &st);
		if (f == LT_LOG_AUTO) {
			/* an empty input parses (to nothing) */
			if ((rc == LT_OK) != (drc == LT_OK || !size))
				abort();
			auto_st = st;
			auto_hash = a.hash;
			continue;
		}
		/* auto parses exactly as the detected format (the head
		 * detection reads is all of a small input) */
		if (!drc && f == detected && size <= LT_LOG_DETECT_LEN &&
		    (memcmp(&st, &auto_st, sizeof(st)) || a.hash != auto_hash))
			abort();
		/* deterministic */
		if (f == LT_LOG_ZEEK_JSON || f == LT_LOG_W3C) {
			b.ioc = NULL;
			run(data, size, f, &b, &st2);
			if (memcmp(&st, &st2, sizeof(st)) || a.hash != b.hash)
				abort();
		}
	}

	if (a.agg && lt_upload_agg_finish(a.agg, &err))
		abort();
	if (a.beacon && lt_beacon_finish(a.beacon, &err))
		abort();
	if (a.rare && lt_rare_report(a.rare, on_rare, NULL, &err))
		abort();
	lt_upload_agg_free(a.agg);
	lt_beacon_free(a.beacon);
	lt_rare_free(a.rare);
	lt_ioc_free(ioc);
	return 0;
}
