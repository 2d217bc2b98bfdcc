/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxy and web-server logs: parsers that turn every line into one
 * normalized struct lt_proxy_event (times in UTC), and the rules that mark
 * suspicious traffic (IOC lists, bare-IP destinations, allow-lists,
 * uploads, beacons, rare destinations).
 *
 * Formats (enum lt_log_format):
 *
 *   squid     Squid native access.log:
 *             `time.ms elapsed client code/status bytes method URL user
 *             hierarchy/peer type` (fields separated by runs of blanks;
 *             user, hierarchy and type may be missing, extra fields after
 *             them are ignored).  bytes is what Squid sent to the client
 *             (bytes_in); bytes_out is always -1: the native format does
 *             not log the request size.
 *   combined  Apache/nginx/Squid "combined" and "common" lines, optionally
 *             preceded by a `vhost[:port]` field (vhost_combined):
 *             `[vhost] host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz]
 *             "METHOD URL PROTO" status bytes ["referer" "UA"] [...]`.
 *             The request ends at the first `"` followed by a blank and a
 *             status (quotes inside the request are kept); referer and UA
 *             honour Apache's \" escapes and must be closed.  A "-" size is
 *             0 (Apache's %b writes "-" for no body).  Squid's combined
 *             `%Ss:%Sh` suffix gives the action.  host comes from an
 *             absolute URL, else from the vhost field.
 *   elff      BlueCoat/Symantec ProxySG ELFF: W3C extended lines whose
 *             columns the latest #Fields: header names.  The proxy's own
 *             address (s-ip, s-port) is never taken as the destination.
 *   w3c       Other W3C extended logs (IIS, ...): as elff, but s-ip/s-port
 *             (the web server) are the destination when no cs-host,
 *             cs(Host), cs-uri or r-* field says otherwise, and a log
 *             without a date column takes the day of its #Date: header,
 *             and the next day each time the time of day steps back
 *             by more than an hour (a log that runs past midnight).
 *             Both: several #Fields: headers may occur in one file, each
 *             applies to the lines after it; values are separated by runs
 *             of blanks; "..." quotes may hold blanks (a doubled "" is a
 *             quote); "-" is an absent value; a line whose field count
 *             differs from its header's is bad, and so is every data line
 *             before the first #Fields: header (NEEDSWORK: headerless
 *             ProxySG syslog exports would need the SGOS default field
 *             list, which no test data here confirms).
 *   zeek      Zeek http.log in its ASCII (TSV) form: #separator, #fields
 *             (may change mid-file), #unset_field ("-"), #empty_field
 *             ("(empty)"); \xNN escapes are decoded (except \x00).
 *   zeek-json Zeek http.log as JSON lines ("ts" epoch seconds or an
 *             ISO-8601 string; flattened "id.orig_h" keys).
 *
 * Time zones (ts_ns is always UTC):
 *   squid, zeek, zeek-json   epoch seconds (UTC by definition; a zeek-json
 *                            ISO-8601 ts honours its Z or +hh:mm suffix);
 *   combined                 the +zzzz offset written in each line;
 *   elff, w3c                date/time are UTC (the W3C extended format
 *                            says GMT; IIS always writes UTC in W3C format;
 *                            ProxySG's date/time fields are UTC, its
 *                            localtime field is not read).  tz_offset_s is
 *                            for logs known to break that rule: their
 *                            date/time are taken as local time at UTC +
 *                            tz_offset_s (Japan: 32400) and converted.
 *                            x-timestamp-unix is epoch, never shifted.
 *   tz_offset_s is ignored by every other format.
 *
 * Field mapping (absent values: "" for strings, -1 for byte counts, 0 for
 * status and port; zeek = zeek and zeek-json):
 *              squid        combined     elff/w3c            zeek
 *   client     client       host         c-ip                id.orig_h
 *   user       user         user         cs-username         username
 *   method     method       request      cs-method           method
 *   host/port  URL          URL, vhost   cs-host, cs(Host),  host (else
 *                                        cs-uri, cs-uri-port id.resp_h),
 *                                        r-dns, r-ip, r-port id.resp_p
 *                                        (w3c: s-ip, s-port)
 *   path       URL          URL          cs-uri-stem|path    uri
 *                                        + "?" cs-uri-query
 *   status     code/STATUS  status       sc-status           status_code
 *   bytes_in   bytes        bytes        sc-bytes            response_body_len
 *   bytes_out  -1           -1           cs-bytes            request_body_len
 *   action     CODE/status  %Ss suffix   s-action (else      ""
 *                                        sc-filter-result)
 * A port not in the log is the scheme's default (http 80, https 443,
 * ftp 21) when the host is known.
 * A CONNECT's destination is its authority (host:port) and its path is "".
 * Hosts are lower-case without port, brackets or trailing dot.  Strings are
 * the logged bytes (not validated as UTF-8).
 *
 * Thread safety: every function here is reentrant; a handle (struct
 * lt_ioc, lt_upload_agg, lt_beacon, lt_rare) must be used by one thread at
 * a time, except that a loaded struct lt_ioc may be matched from several
 * threads at once.
 */
#ifndef LEAKTRIAGE_PROXY_H
#define LEAKTRIAGE_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

/* One request.  Borrowed: valid only during the callback. */
struct lt_proxy_event {
	int64_t ts_ns;          /* UTC, ns since the epoch (ms or finer) */
	const char *client;     /* client address as text, "" if absent */
	const char *user;       /* "" if "-" */
	const char *method;     /* GET, POST, CONNECT, ... */
	const char *scheme;     /* lower-case: http, https, ftp, tcp ..., "" */
	const char *host;       /* destination name or IP, lower-case */
	int port;               /* 0 if unknown */
	const char *path;       /* path+query, "" for CONNECT */
	int status;             /* HTTP status, 0 unknown */
	int64_t bytes_out;      /* client -> server, -1 unknown; not totals */
	int64_t bytes_in;       /* server -> client, -1 unknown */
	const char *action;     /* TCP_MISS, TCP_NC_MISS, DENIED ..., "" */
	const char *user_agent; /* "" if absent */
	uint64_t line;          /* 1-based line number in the log */
};

/*
 * The event callback: return 0 to go on.  Any other value stops the parse,
 * and lt_log_parse_*() returns it unchanged (return an enum lt_code and
 * set err yourself).
 */
typedef int (*lt_proxy_event_fn)(const struct lt_proxy_event *ev,
				 void *udata);

enum lt_log_format {
	LT_LOG_AUTO = 0,
	LT_LOG_SQUID,
	LT_LOG_COMBINED,
	LT_LOG_ELFF,
	LT_LOG_W3C,
	LT_LOG_ZEEK,
	LT_LOG_ZEEK_JSON,
};

/* "auto", "squid", "combined", "elff", "w3c", "zeek", "zeek-json"; "?"
 * for a value out of range. */
const char *lt_log_format_name(enum lt_log_format f);

/* The inverse of lt_log_format_name() (for --format): LT_E_ARG when the
 * name is unknown; *out is written only on success. */
int lt_log_format_from_name(const char *name, enum lt_log_format *out,
			    struct lt_err *err);

/* Bytes of the (decompressed) head lt_log_detect() looks at. */
#define LT_LOG_DETECT_LEN ((size_t)64 << 10)

/*
 * Decide the format from the first lines of a log (the first
 * LT_LOG_DETECT_LEN bytes of head are looked at; pass at least a few
 * lines).  In this order, the first rule that fits wins (a more specific
 * format before a more general one):
 *
 *   1. a "#Software: SGOS" header and a "#Fields:" header    -> elff
 *   2. a "#Fields:" header                                   -> w3c
 *   3. a "#separator" and a "#fields" header                 -> zeek
 *   4. otherwise the data lines decide: each is tried as a zeek-json
 *      object (with "ts" and "id.orig_h"), a combined line (bracketed time
 *      with an offset) and a squid line (epoch.millis first field); the
 *      format that fits the most lines wins; at equal counts the more
 *      specific one (zeek-json, then combined, then squid).
 *
 * Garbage lines among the data lines do not prevent detection.  Returns
 * LT_E_UNSUPPORTED when nothing fits (err says so); *out is written only
 * on success.
 */
int lt_log_detect(const char *head, size_t len, enum lt_log_format *out,
		  struct lt_err *err);

/*
 * Counts of one parse.  Every line is exactly one of: an event, a bad
 * line, or a comment (header and comment lines, and blank lines):
 * lines == events + bad + comments.  first_bad holds the line numbers of
 * the first five bad lines (0 for unused slots).
 */
struct lt_log_stats {
	uint64_t lines, events, bad, comments;
	uint64_t first_bad[5];
};

/* A line longer than this (without its newline) is one bad line. */
#define LT_LOG_MAX_LINE ((size_t)1 << 20)

/*
 * Parse a whole log file: plain text, or gzip (decided by the magic bytes,
 * streamed through zlib; concatenated members are read).  fmt LT_LOG_AUTO
 * runs lt_log_detect() on the first LT_LOG_DETECT_LEN decompressed bytes.
 * tz_offset_s: see the time-zone rules above (0 for standard logs).
 *
 * Every event goes to fn (borrowed, valid during the call).  Lines that do
 * not parse are counted in *stats, never fatal and never dropped silently.
 * Memory is bounded (a few MiB) whatever the file size.
 *
 * stats (may be NULL) is filled in every case, also on error: it counts
 * what was read until then.  An empty input is LT_OK with no lines, even
 * with LT_LOG_AUTO.  Returns LT_OK; LT_E_NOTFOUND or LT_E_IO when
 * the file cannot be read; LT_E_UNSUPPORTED when fmt is LT_LOG_AUTO and no
 * format was recognised; LT_E_CORRUPT when a .gz is truncated or damaged
 * (the events before the damage were delivered); LT_E_NOMEM; or the
 * non-zero value fn returned.
 */
int lt_log_parse_file(const char *path, enum lt_log_format fmt,
		      int32_t tz_offset_s, lt_proxy_event_fn fn, void *udata,
		      struct lt_log_stats *stats, struct lt_err *err);

/* The same on a memory buffer (plain text only; for tests and fuzzing). */
int lt_log_parse_mem(const char *buf, size_t len, enum lt_log_format fmt,
		     int32_t tz_offset_s, lt_proxy_event_fn fn, void *udata,
		     struct lt_log_stats *stats, struct lt_err *err);

/* ------------------------------------------------------------------------
 * Suspicious-traffic rules (triage/proxy/rules.c)
 */

/*
 * An IOC list (also used as an allow-list): one entry per line, blank
 * lines and lines starting with '#' ignored, a " #" starts a comment.
 *
 *   example.com          the domain and every subdomain (a leading "*." or
 *                        "." is allowed and means the same)
 *   203.0.113.7, 2001:db8::7          an address (destination host)
 *   203.0.113.0/24, 2001:db8::/32     a CIDR range
 *   http://evil.example/up           a URL prefix: scheme, host (exact,
 *   evil.example/upload              no subdomains) and, when given, port
 *                                    must match, and the event's path must
 *                                    start with the given path; without a
 *                                    scheme any scheme matches
 *
 * Matching is on the event's destination (host, port, scheme, path);
 * host names compare case-insensitively, addresses in binary form (so
 * "2001:DB8::0:7" matches "2001:db8::7").
 */
struct lt_ioc;

/* Load from a file / from memory.  A malformed entry is LT_E_ARG with the
 * line number in err; free the result with lt_ioc_free(). */
int lt_ioc_load(const char *path, struct lt_ioc **out, struct lt_err *err);
int lt_ioc_load_mem(const char *buf, size_t len, struct lt_ioc **out,
		    struct lt_err *err);
void lt_ioc_free(struct lt_ioc *ioc); /* accepts NULL */
/* Number of entries loaded. */
size_t lt_ioc_count(const struct lt_ioc *ioc);

/*
 * Whether ev's destination matches an entry.  why (may be NULL) gets the
 * matching entry as written in the file (owned by ioc).  An event without
 * a host matches nothing.  Lookups are hash-based: the cost does not grow
 * with the size of the list (CIDRs: one lookup per distinct prefix length).
 */
bool lt_ioc_match(const struct lt_ioc *ioc, const struct lt_proxy_event *ev,
		  const char **why);

/* Allow-list check: true when ev has a host and it matches no entry of
 * allow (the destination is outside the list and should be flagged). */
bool lt_allow_outside(const struct lt_ioc *allow,
		      const struct lt_proxy_event *ev);

/* Whether host is an IPv4 or IPv6 literal (an IPv6 zone "%eth0" allowed). */
bool lt_host_is_ip(const char *host);

/* Bare-IP destination: a CONNECT to, or any request for, an IP literal
 * (ev->host is an address, not a name). */
bool lt_proxy_bare_ip(const struct lt_proxy_event *ev);

/* Upload rule, per request: bytes_out known and greater than threshold. */
bool lt_upload_over(const struct lt_proxy_event *ev, int64_t threshold);

/*
 * Upload rule, per client, destination and hour: sums bytes_out (unknown
 * sizes count 0) over each (client, host, UTC clock hour) and reports
 * every bucket whose sum exceeds the threshold when the bucket is closed:
 * by lt_upload_agg_finish(), or earlier when more than max_buckets are
 * open (then the buckets of hours before the newest one are closed first,
 * all of them if that is not enough; events arriving for a closed bucket
 * open a new one).  With time-ordered logs that is exact.
 */
struct lt_upload_sum {
	const char *client, *host; /* borrowed */
	int64_t hour_ns;           /* start of the UTC hour */
	int64_t bytes_out;         /* the sum */
	uint64_t requests;         /* events in the bucket */
	int64_t first_ns, last_ns; /* first and last event time */
};
typedef int (*lt_upload_fn)(const struct lt_upload_sum *s, void *udata);

#define LT_UPLOAD_AGG_MAX_BUCKETS 65536

struct lt_upload_agg;
/* max_buckets 0 means LT_UPLOAD_AGG_MAX_BUCKETS.  fn's non-zero return
 * is returned by the _add/_finish call that reported. */
int lt_upload_agg_new(int64_t threshold, size_t max_buckets, lt_upload_fn fn,
		      void *udata, struct lt_upload_agg **out,
		      struct lt_err *err);
int lt_upload_agg_add(struct lt_upload_agg *a,
		      const struct lt_proxy_event *ev, struct lt_err *err);
int lt_upload_agg_finish(struct lt_upload_agg *a, struct lt_err *err);
void lt_upload_agg_free(struct lt_upload_agg *a); /* accepts NULL */

/*
 * Beacon detection.  Per (client, host) pair the times of the last
 * max_times requests are kept (a ring; pairs are held in LRU order and
 * at most max_pairs of them: the least recently seen pair is scored and
 * dropped when a new one needs room).  A pair is scored on its sorted
 * times: the inter-arrival intervals d_i = t_i+1 - t_i, their mean m and
 * population standard deviation s, and the coefficient of variation
 * cv = s / m.  It is flagged as a beacon when there are at least
 * min_intervals intervals, cv < max_cv, and min_mean_ns <= m <= max_mean_ns:
 * a program calling home on a timer gives near-constant intervals (cv near
 * 0), people browsing give bursts and pauses (cv around 1 or more).
 * Defaults: 256 times, 32768 pairs, 8 intervals, cv < 0.1, mean between
 * 10 s and 1 h.
 */
struct lt_beacon_opts {
	unsigned max_times;     /* 0: 256 (at most 65536) */
	size_t max_pairs;       /* 0: 32768 */
	unsigned min_intervals; /* 0: 8 */
	double max_cv;          /* 0: 0.1 (flag when cv < max_cv) */
	int64_t min_mean_ns;    /* 0: 10 s */
	int64_t max_mean_ns;    /* 0: 3600 s */
};

struct lt_beacon_score {
	unsigned intervals;        /* count of intervals scored */
	double mean_s, stddev_s, cv;
	int64_t first_ns, last_ns; /* first and last time scored */
	bool beacon;               /* the rule above says yes */
};

/* Score count times (any order; ts is not modified) with opts (NULL for
 * the defaults).  Pure function. LT_E_NOMEM only. */
int lt_beacon_score_times(const int64_t *ts, size_t count,
			  const struct lt_beacon_opts *opts,
			  struct lt_beacon_score *out, struct lt_err *err);

struct lt_beacon_hit {
	const char *client, *host; /* borrowed */
	uint64_t requests;         /* events seen for the pair */
	struct lt_beacon_score score;
};
typedef int (*lt_beacon_fn)(const struct lt_beacon_hit *h, void *udata);

struct lt_beacon;
/* fn is called for each pair flagged, when the pair is evicted or by
 * lt_beacon_finish(); its non-zero return is returned by that call. */
int lt_beacon_new(const struct lt_beacon_opts *opts, lt_beacon_fn fn,
		  void *udata, struct lt_beacon **out, struct lt_err *err);
/* Events without a client or a host are ignored. */
int lt_beacon_add(struct lt_beacon *b, const struct lt_proxy_event *ev,
		  struct lt_err *err);
int lt_beacon_finish(struct lt_beacon *b, struct lt_err *err);
void lt_beacon_free(struct lt_beacon *b); /* accepts NULL */

/*
 * Rare destinations (a post-pass helper): feed every event, then
 * lt_rare_report() calls fn for each host that exactly one client
 * contacted, fewer than max_count (0: 10) times, in the order the hosts
 * were first fed.  Events without a host are ignored; an absent client
 * ("") counts as one client.
 * Memory grows with the number of distinct hosts, up to max_hosts
 * (0: 4 Mi) after which _add returns LT_E_LIMIT.
 */
struct lt_rare_dest {
	const char *host, *client; /* borrowed */
	uint64_t count;
	int64_t first_ns, last_ns;
};
typedef int (*lt_rare_fn)(const struct lt_rare_dest *d, void *udata);

struct lt_rare;
int lt_rare_new(uint64_t max_count, size_t max_hosts, struct lt_rare **out,
		struct lt_err *err);
int lt_rare_add(struct lt_rare *r, const struct lt_proxy_event *ev,
		struct lt_err *err);
int lt_rare_report(const struct lt_rare *r, lt_rare_fn fn, void *udata,
		   struct lt_err *err);
void lt_rare_free(struct lt_rare *r); /* accepts NULL */

#endif
