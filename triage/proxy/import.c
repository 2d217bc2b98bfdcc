// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Importing a proxy log into the case DB: every event is checked against
 * the rules (IOC list, uploads per request and per client-destination-
 * hour, bare-IP destinations, allow-list, beacons, rare destinations);
 * flagged events are stored with their reason, every (client, destination)
 * pair with its totals.  URL paths and queries are not stored: they may
 * carry personal data, and the host is what the rules and the examiner
 * need.
 */
#include "triage/core/compat.h"
#include "leaktriage/correlate.h"
#include "leaktriage/buf.h"
#include "leaktriage/hash.h"
#include "leaktriage/timefmt.h"

#include <ctype.h>
#include <sqlite3.h>

enum { MAX_PAIRS = 1 << 20 };

struct pair {
	char *client, *host;
	uint64_t requests;
	int64_t bytes_out, bytes_in, first_ns, last_ns;
	struct pair *next;
};

struct import {
	sqlite3 *db;
	const struct lt_proxy_import_opts *o;
	int64_t log_id;
	sqlite3_stmt *ins_flag;
	struct lt_upload_agg *agg;
	struct lt_beacon *beacon;
	struct lt_rare *rare;
	struct pair **tab;
	size_t tabsize, npairs;
	bool pairs_full;
	int64_t first_ns, last_ns;
	struct lt_proxy_import_stats *st;
	struct lt_err *err;
	char reason[512];
};

static bool forms_window(const struct import *im, const char *kind)
{
	const char *list = im->o->windows_from ? im->o->windows_from :
			   "ioc,upload,upload-hour";
	size_t n = strlen(kind);
	const char *p = list;

	while ((p = strstr(p, kind))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void bind_s(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int add_flag(struct import *im, const char *kind,
		    const struct lt_proxy_event *ev, int64_t ts, int64_t last,
		    const char *client, const char *host, int64_t bytes_out,
		    uint64_t requests, const char *reason)
{
	sqlite3_stmt *st = im->ins_flag;
	bool wf = forms_window(im, kind);
	int rc;

	sqlite3_bind_int64(st, 1, im->log_id);
	if (ev)
		sqlite3_bind_int64(st, 2, (int64_t)ev->line);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, ts);
	sqlite3_bind_int64(st, 4, last);
	bind_s(st, 5, client);
	bind_s(st, 6, ev ? ev->user : NULL);
	bind_s(st, 7, ev ? ev->method : NULL);
	bind_s(st, 8, host);
	if (ev && ev->port)
		sqlite3_bind_int(st, 9, ev->port);
	else
		sqlite3_bind_null(st, 9);
	if (ev && ev->status)
		sqlite3_bind_int(st, 10, ev->status);
	else
		sqlite3_bind_null(st, 10);
	if (bytes_out >= 0)
		sqlite3_bind_int64(st, 11, bytes_out);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, (int64_t)requests);
	bind_s(st, 13, kind);
	bind_s(st, 14, reason);
	sqlite3_bind_int(st, 15, wf);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return lt_err_set(im->err, LT_E_DEP, "case database: %s",
				  sqlite3_errmsg(im->db));
	im->st->flags++;
	im->st->window_forming += wf;
	return LT_OK;
}

static uint64_t hash_pair(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;

	while (*a)
		h = (h ^ (unsigned char)*a++) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	while (*b)
		h = (h ^ (unsigned char)*b++) * 1099511628211ull;
	return h;
}

static int count_pair(struct import *im, const struct lt_proxy_event *ev)
{
	struct pair *p;
	size_t i;

	if (!im->tab) {
		im->tabsize = 1 << 14;
		im->tab = lt_calloc(im->tabsize, sizeof(*im->tab));
		if (!im->tab)
			return lt_err_set(im->err, LT_E_NOMEM, "out of memory");
	}
	/* Grow at two pairs per slot: a log holds up to a million pairs. */
	if (im->npairs >= 2 * im->tabsize && im->tabsize < (1u << 22)) {
		size_t ns = im->tabsize * 4, k;
		struct pair **nt = lt_calloc(ns, sizeof(*nt));

		if (nt) {
			for (k = 0; k < im->tabsize; k++) {
				struct pair *q = im->tab[k], *n;

				for (; q; q = n) {
					size_t j = hash_pair(q->client, q->host) &
						   (ns - 1);

					n = q->next;
					q->next = nt[j];
					nt[j] = q;
				}
			}
			free(im->tab);
			im->tab = nt;
			im->tabsize = ns;
		}
	}
	i = hash_pair(ev->client, ev->host) & (im->tabsize - 1);
	for (p = im->tab[i]; p; p = p->next)
		if (!strcmp(p->client, ev->client) && !strcmp(p->host, ev->host))
			break;
	if (!p) {
		if (im->npairs >= MAX_PAIRS) {
			im->pairs_full = true;
			return LT_OK;
		}
		p = calloc(1, sizeof(*p));
		if (!p || !(p->client = strdup(ev->client)) ||
		    !(p->host = strdup(ev->host))) {
			if (p)
				free(p->client);
			free(p);
			return lt_err_set(im->err, LT_E_NOMEM, "out of memory");
		}
		p->first_ns = ev->ts_ns;
		p->last_ns = ev->ts_ns;
		p->next = im->tab[i];
		im->tab[i] = p;
		im->npairs++;
	}
	p->requests++;
	if (ev->bytes_out > 0)
		p->bytes_out += ev->bytes_out;
	if (ev->bytes_in > 0)
		p->bytes_in += ev->bytes_in;
	p->first_ns = LT_MIN(p->first_ns, ev->ts_ns);
	p->last_ns = LT_MAX(p->last_ns, ev->ts_ns);
	return LT_OK;
}

static int on_event(const struct lt_proxy_event *ev, void *udata)
{
	struct import *im = udata;
	const char *why = NULL;

	if (!im->first_ns || ev->ts_ns < im->first_ns)
		im->first_ns = ev->ts_ns;
	if (ev->ts_ns > im->last_ns)
		im->last_ns = ev->ts_ns;
	LT_TRY(count_pair(im, ev));
	if (im->o->ioc && lt_ioc_match(im->o->ioc, ev, &why)) {
		snprintf(im->reason, sizeof(im->reason), "IOC %s", why);
		LT_TRY(add_flag(im, LT_FLAG_IOC, ev, ev->ts_ns, ev->ts_ns,
				ev->client, ev->host, ev->bytes_out, 1,
				im->reason));
	}
	if (lt_upload_over(ev, im->o->upload_bytes)) {
		snprintf(im->reason, sizeof(im->reason),
			 "%" PRId64 " bytes sent in one request (limit %"
			 PRId64 ")", ev->bytes_out, im->o->upload_bytes);
		LT_TRY(add_flag(im, LT_FLAG_UPLOAD, ev, ev->ts_ns, ev->ts_ns,
				ev->client, ev->host, ev->bytes_out, 1,
				im->reason));
	}
	if (lt_proxy_bare_ip(ev)) {
		snprintf(im->reason, sizeof(im->reason),
			 "%s to a bare IP address", ev->method);
		LT_TRY(add_flag(im, LT_FLAG_BARE_IP, ev, ev->ts_ns, ev->ts_ns,
				ev->client, ev->host, ev->bytes_out, 1,
				im->reason));
	}
	if (im->o->allow && lt_allow_outside(im->o->allow, ev)) {
		snprintf(im->reason, sizeof(im->reason),
			 "destination not in the allow-list");
		LT_TRY(add_flag(im, LT_FLAG_OUTSIDE_ALLOW, ev, ev->ts_ns,
				ev->ts_ns, ev->client, ev->host, ev->bytes_out,
				1, im->reason));
	}
	LT_TRY(lt_upload_agg_add(im->agg, ev, im->err));
	LT_TRY(lt_beacon_add(im->beacon, ev, im->err));
	return lt_rare_add(im->rare, ev, im->err);
}

static int on_upload_hour(const struct lt_upload_sum *s, void *udata)
{
	struct import *im = udata;

	snprintf(im->reason, sizeof(im->reason),
		 "%" PRId64 " bytes sent in %" PRIu64 " requests within one "
		 "hour (limit %" PRId64 ")", s->bytes_out, s->requests,
		 im->o->upload_hour_bytes);
	return add_flag(im, LT_FLAG_UPLOAD_HOUR, NULL, s->first_ns, s->last_ns,
			s->client, s->host, s->bytes_out, s->requests,
			im->reason);
}

static int on_beacon(const struct lt_beacon_hit *h, void *udata)
{
	struct import *im = udata;

	snprintf(im->reason, sizeof(im->reason),
		 "periodic: %u intervals, mean %.1f s, cv %.3f",
		 h->score.intervals, h->score.mean_s, h->score.cv);
	return add_flag(im, LT_FLAG_BEACON, NULL, h->score.first_ns,
			h->score.last_ns, h->client, h->host, -1, h->requests,
			im->reason);
}

static int on_rare(const struct lt_rare_dest *d, void *udata)
{
	struct import *im = udata;

	snprintf(im->reason, sizeof(im->reason),
		 "contacted by one client only, %" PRIu64 " times", d->count);
	return add_flag(im, LT_FLAG_RARE, NULL, d->first_ns, d->last_ns,
			d->client, d->host, -1, d->count, im->reason);
}

static int file_sha256(const char *path, char *hex, struct lt_err *err)
{
	struct lt_hash h;
	FILE *f = fopen(path, "rb");
	char buf[1 << 16];
	size_t n;

	if (!f)
		return lt_err_set(err, errno == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
				  "%s", strerror(errno));
	if (lt_hash_init(&h, LT_HASH_SHA256, err)) {
		fclose(f);
		return err->code;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		lt_hash_update(&h, buf, n);
	if (ferror(f)) {
		fclose(f);
		lt_hash_release(&h);
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	fclose(f);
	LT_TRY(lt_hash_final(&h, err));
	lt_hex(hex, h.sha256, 32);
	return LT_OK;
}

static int write_pairs(struct import *im)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = LT_OK;

	if (sqlite3_prepare_v2(im->db,
			       "INSERT INTO proxy_stat(log_id, client, host,"
			       " requests, bytes_out, bytes_in, first_ns,"
			       " last_ns) VALUES(?,?,?,?,?,?,?,?)", -1, &st,
			       NULL) != SQLITE_OK)
		return lt_err_set(im->err, LT_E_DEP, "case database: %s",
				  sqlite3_errmsg(im->db));
	for (i = 0; i < im->tabsize && !rc; i++) {
		struct pair *p;

		for (p = im->tab[i]; p && !rc; p = p->next) {
			sqlite3_bind_int64(st, 1, im->log_id);
			bind_s(st, 2, p->client);
			bind_s(st, 3, p->host);
			sqlite3_bind_int64(st, 4, (int64_t)p->requests);
			sqlite3_bind_int64(st, 5, p->bytes_out);
			sqlite3_bind_int64(st, 6, p->bytes_in);
			sqlite3_bind_int64(st, 7, p->first_ns);
			sqlite3_bind_int64(st, 8, p->last_ns);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = lt_err_set(im->err, LT_E_DEP,
						"case database: %s",
						sqlite3_errmsg(im->db));
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static void free_pairs(struct import *im)
{
	size_t i;

	for (i = 0; i < im->tabsize; i++) {
		struct pair *p = im->tab[i], *n;

		for (; p; p = n) {
			n = p->next;
			free(p->client);
			free(p->host);
			free(p);
		}
	}
	free(im->tab);
}

int lt_proxy_import(struct lt_casedb *cdb, const char *path,
		    const struct lt_proxy_import_opts *o,
		    struct lt_proxy_import_stats *stats, struct lt_err *err)
{
	struct import im;
	sqlite3_stmt *st = NULL;
	char sha[65], now[LT_TIME_ISO_MAX], bad[96];
	int rc, i;

	memset(&im, 0, sizeof(im));
	memset(stats, 0, sizeof(*stats));
	im.db = lt_casedb_sqlite(cdb);
	im.o = o;
	im.st = stats;
	im.err = err;
	LT_TRY(file_sha256(path, sha, err));
	if (sqlite3_exec(im.db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return lt_err_set(err, LT_E_DEP, "case database: %s",
				  sqlite3_errmsg(im.db));
	lt_time_now_iso(now);
	if (sqlite3_prepare_v2(im.db, "INSERT INTO proxy_log(path, sha256,"
			       " imported) VALUES(?,?,?)", -1, &st, NULL)) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
		goto out;
	}
	bind_s(st, 1, path);
	bind_s(st, 2, sha);
	bind_s(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	im.log_id = sqlite3_last_insert_rowid(im.db);
	if (sqlite3_prepare_v2(im.db,
			       "INSERT INTO proxy_flag(log_id, line, ts,"
			       " last_ts, client, user, method, host, port,"
			       " status, bytes_out, requests, kind, reason,"
			       " window_forming) VALUES(?,?,?,?,?,?,?,?,?,?,"
			       "?,?,?,?,?)", -1, &im.ins_flag, NULL)) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
		goto out;
	}
	if ((rc = lt_upload_agg_new(o->upload_hour_bytes, 0, on_upload_hour,
				    &im, &im.agg, err)) ||
	    (rc = lt_beacon_new(NULL, on_beacon, &im, &im.beacon, err)) ||
	    (rc = lt_rare_new(0, 0, &im.rare, err)))
		goto out;
	rc = lt_log_parse_file(path, o->format, o->tz_offset_s, on_event, &im,
			       &stats->log, err);
	if (rc && rc != LT_E_CORRUPT)
		goto out;
	/* A damaged .gz: keep what was read (the error is reported). */
	if (lt_upload_agg_finish(im.agg, err) ||
	    lt_beacon_finish(im.beacon, err) ||
	    lt_rare_report(im.rare, on_rare, &im, err) || write_pairs(&im)) {
		rc = err->code;
		goto out;
	}
	if (sqlite3_prepare_v2(im.db, "UPDATE proxy_log SET format=?, lines=?,"
			       " events=?, bad=?, first_bad=?, first_ns=?,"
			       " last_ns=? WHERE id=?", -1, &st, NULL)) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
		goto out;
	}
	bad[0] = '\0';
	for (i = 0; i < 5 && stats->log.first_bad[i]; i++)
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), "%s%"
			 PRIu64, i ? "," : "", stats->log.first_bad[i]);
	snprintf(stats->format, sizeof(stats->format), "%s",
		 lt_log_format_name(o->format));
	bind_s(st, 1, stats->format);
	sqlite3_bind_int64(st, 2, (int64_t)stats->log.lines);
	sqlite3_bind_int64(st, 3, (int64_t)stats->log.events);
	sqlite3_bind_int64(st, 4, (int64_t)stats->log.bad);
	bind_s(st, 5, bad);
	sqlite3_bind_int64(st, 6, im.first_ns);
	sqlite3_bind_int64(st, 7, im.last_ns);
	sqlite3_bind_int64(st, 8, im.log_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
		goto out;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(im.ins_flag);
	lt_upload_agg_free(im.agg);
	lt_beacon_free(im.beacon);
	lt_rare_free(im.rare);
	free_pairs(&im);
	if (rc && rc != LT_E_CORRUPT)
		sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
	else if (sqlite3_exec(im.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(im.db));
	return rc;
}

int lt_parse_duration(const char *s, int64_t *ns, struct lt_err *err)
{
	char *end;
	double v;
	int64_t mul = 1000000000;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return lt_err_set(err, LT_E_ARG, "bad duration '%s'", s);
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul *= 60; break;
	case 'h': mul *= 3600; break;
	case 'd': mul *= 86400; break;
	default:
		return lt_err_set(err, LT_E_ARG, "bad duration '%s' (use s, m,"
				  " h or d)", s);
	}
	if (*end && end[1])
		return lt_err_set(err, LT_E_ARG, "bad duration '%s'", s);
	if (v * (double)mul > 9e18)
		return lt_err_set(err, LT_E_ARG, "duration '%s' too long", s);
	*ns = (int64_t)(v * (double)mul);
	return LT_OK;
}


int lt_parse_iso_utc(const char *s, int64_t *ns)
{
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return LT_E_ARG;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3)
			return LT_E_ARG;
		s += 1 + n;
	}
	if (*s == 'Z')
		s++;
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return LT_E_ARG;
	*ns = (lt_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + se) * 1000000000ll;
	return LT_OK;
}

int lt_hosts_load(struct lt_casedb *cdb, const char *path, uint64_t *count,
		  struct lt_err *err)
{
	sqlite3 *db = lt_casedb_sqlite(cdb);
	sqlite3_stmt *st = NULL;
	FILE *f = fopen(path, "r");
	char line[1024];
	uint64_t lineno = 0;
	int rc = LT_OK;

	*count = 0;
	if (!f)
		return lt_err_set(err, errno == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
				  "cannot read hosts file '%s': %s", path,
				  strerror(errno));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; DELETE FROM host_map;", NULL,
			 NULL, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO host_map(ip, evidence,"
			       " valid_from, valid_to) VALUES(?,?,?,?)", -1,
			       &st, NULL)) {
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(db));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[4] = { NULL, NULL, NULL, NULL }, *p = line;
		int nf = 0, i;
		int64_t t;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		while (nf < 4) {
			fld[nf++] = p;
			p = strchr(p, ',');
			if (!p)
				break;
			*p++ = '\0';
		}
		for (i = 0; i < nf; i++) {
			while (isspace((unsigned char)*fld[i]))
				fld[i]++;
			fld[i][strcspn(fld[i], " \t")] = '\0';
		}
		if (lineno == 1 && !strcmp(fld[0], "ip"))
			continue; /* header */
		if (nf < 2 || !*fld[0] || !*fld[1] || p) {
			rc = lt_err_set(err, LT_E_ARG, "hosts file '%s' line %"
					PRIu64 ": expected ip,evidence[,from,"
					"to]", path, lineno);
			goto out;
		}
		bind_s(st, 1, fld[0]);
		bind_s(st, 2, fld[1]);
		for (i = 2; i < 4; i++) {
			if (i < nf && *fld[i]) {
				if (lt_parse_iso_utc(fld[i], &t)) {
					rc = lt_err_set(err, LT_E_ARG,
							"hosts file '%s' line %"
							PRIu64 ": bad time '%s'"
							" (ISO-8601 UTC)", path,
							lineno, fld[i]);
					goto out;
				}
				sqlite3_bind_int64(st, i + 1, t);
			} else {
				sqlite3_bind_null(st, i + 1);
			}
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = lt_err_set(err, LT_E_DEP, "case database: %s",
					sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
		(*count)++;
	}
out:
	fclose(f);
	sqlite3_finalize(st);
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	else if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		rc = lt_err_set(err, LT_E_DEP, "case database: %s",
				sqlite3_errmsg(db));
	return rc;
}
