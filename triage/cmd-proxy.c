// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage proxy: import proxy logs into the case, flag suspicious
 * traffic, map client addresses to evidence items; --summary prints the
 * traffic per client and per destination.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/correlate.h"
#include "leaktriage/exit.h"
#include "leaktriage/timefmt.h"

#include <sqlite3.h>

static const struct lt_cmd_help help = {
	"proxy",
	"leaktriage proxy --case CASE.db [options] LOG...",
	"Import proxy logs (format detected from the first lines: Squid\n"
	"native, Apache/Squid combined, BlueCoat ProxySG ELFF and other W3C\n"
	"extended logs, Zeek http.log as TSV or JSON; .gz read directly),\n"
	"normalise every request to UTC and flag suspicious traffic with its\n"
	"reason: --ioc matches (domains and subdomains, addresses, CIDRs,\n"
	"URLs), uploads over --upload-bytes per request or\n"
	"--upload-hour-bytes per client, destination and hour, requests to\n"
	"bare IP addresses, destinations outside --allow, beacon-like\n"
	"periodic requests (coefficient of variation of the intervals < 0.1\n"
	"over at least 8 intervals, mean 10 s .. 1 h) and destinations only\n"
	"one client contacted.  Lines that do not parse are counted and\n"
	"reported, never fatal.  URL paths are not stored.",
	"Windows for correlate are formed from --windows-from kinds (default\n"
	"ioc,upload,upload-hour); the others are context in the report.\n\n"
	"Examples:\n"
	"  leaktriage proxy --case case.db --hosts hosts.csv --ioc ioc.txt \\\n"
	"      access.log access.log.1.gz\n"
	"  leaktriage proxy --case case.db --summary"
};

static void print_summary(struct lt_casedb *db)
{
	sqlite3 *s = lt_casedb_sqlite(db);
	sqlite3_stmt *st;
	static const char *const q[2] = {
		"SELECT client, sum(requests), sum(bytes_out), sum(bytes_in),"
		" min(first_ns), max(last_ns), (SELECT group_concat(DISTINCT"
		" kind) FROM proxy_flag f WHERE f.client = p.client) FROM"
		" proxy_stat p GROUP BY client ORDER BY client",
		"SELECT host, sum(requests), sum(bytes_out), sum(bytes_in),"
		" min(first_ns), max(last_ns), (SELECT group_concat(DISTINCT"
		" kind) FROM proxy_flag f WHERE f.host = p.host) FROM"
		" proxy_stat p GROUP BY host ORDER BY sum(requests) DESC,"
		" host",
	};
	int i;

	for (i = 0; i < 2; i++) {
		printf("%s\n%-40s %10s %14s %14s  %-20s  %-20s  %s\n",
		       i ? "\nPer destination:" : "Per client:",
		       i ? "destination" : "client", "requests", "bytes out",
		       "bytes in", "first seen", "last seen", "flags");
		if (sqlite3_prepare_v2(s, q[i], -1, &st, NULL) != SQLITE_OK)
			return;
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct lt_time a = { 0, 0, true }, b = { 0, 0, true };
			char fa[LT_TIME_ISO_MAX], fb[LT_TIME_ISO_MAX];
			const unsigned char *fl = sqlite3_column_text(st, 6);

			a.sec = sqlite3_column_int64(st, 4) / 1000000000;
			b.sec = sqlite3_column_int64(st, 5) / 1000000000;
			lt_time_iso(fa, &a);
			lt_time_iso(fb, &b);
			printf("%-40s %10lld %14lld %14lld  %-20s  %-20s  %s\n",
			       sqlite3_column_text(st, 0),
			       (long long)sqlite3_column_int64(st, 1),
			       (long long)sqlite3_column_int64(st, 2),
			       (long long)sqlite3_column_int64(st, 3), fa, fb,
			       fl ? (const char *)fl : "-");
		}
		sqlite3_finalize(st);
	}
}

int cmd_proxy(int argc, char **argv)
{
	const char *case_path = NULL, *format = "auto", *hosts = NULL;
	const char *ioc_path = NULL, *allow_path = NULL;
	const char *windows_from = "ioc,upload,upload-hour";
	uint64_t upload = 1 << 20, upload_hour = 10 << 20;
	int tz_offset = 0;
	bool summary = false;
	struct lt_opt opts[] = {
		OPT_STR(0, "case", &case_path, "DB", "the case database (required)"),
		OPT_STR(0, "format", &format, "FMT",
			"auto (default), squid, combined, elff, w3c, zeek, "
			"zeek-json"),
		OPT_STR(0, "hosts", &hosts, "FILE",
			"ip,evidence[,from,to]: client addresses of terminals"),
		OPT_STR(0, "ioc", &ioc_path, "FILE",
			"indicators: domains, IPs, CIDRs, URLs"),
		OPT_STR(0, "allow", &allow_path, "FILE",
			"allowed destinations (others are flagged)"),
		OPT_U64(0, "upload-bytes", &upload, "N",
			"flag one request sending more (1M)"),
		OPT_U64(0, "upload-hour-bytes", &upload_hour, "N",
			"flag a client+destination+hour sending more (10M)"),
		OPT_STR(0, "windows-from", &windows_from, "KINDS",
			"flag kinds that form windows (ioc,upload,upload-hour)"),
		OPT_INT(0, "tz-offset", &tz_offset, "SECONDS",
			"W3C/ELFF logs written in local time: its UTC offset"),
		OPT_BOOL(0, "summary", &summary,
			 "print traffic per client and destination"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_proxy_import_opts io;
	struct lt_ioc *ioc = NULL, *allow = NULL;
	struct lt_case cs = { NULL, 0 };
	struct lt_err err = LT_ERR_INIT;
	enum lt_log_format fmt;
	int nlogs, i, status;

	nlogs = lt_parse_options(argc, argv, opts, &help);
	if (!case_path)
		lt_usage_error("proxy", "--case is required");
	if (nlogs < 1 && !summary && !hosts)
		lt_usage_error("proxy", "no log given");
	if (lt_log_format_from_name(format, &fmt, &err))
		lt_usage_error("proxy", "%s", err.msg);
	if (ioc_path && lt_ioc_load(ioc_path, &ioc, &err))
		lt_usage_error("proxy", "IOC file '%s': %s", ioc_path, err.msg);
	if (allow_path && lt_ioc_load(allow_path, &allow, &err))
		lt_usage_error("proxy", "allow file '%s': %s", allow_path,
			       err.msg);
	status = lt_case_open(&cs, case_path, true, lt_main_argc, lt_main_argv);
	if (status)
		goto out;
	if (hosts) {
		uint64_t n;

		if (lt_hosts_load(cs.db, hosts, &n, &err)) {
			lt_error("%s", err.msg);
			status = err.code == LT_E_ARG ? LT_EXIT_USAGE :
				 lt_exit_for(err.code);
			goto out;
		}
		lt_info(1, "%" PRIu64 " client addresses mapped to evidence",
			n);
	}
	memset(&io, 0, sizeof(io));
	io.format = fmt;
	io.tz_offset_s = tz_offset;
	io.ioc = ioc;
	io.allow = allow;
	io.upload_bytes = (int64_t)upload;
	io.upload_hour_bytes = (int64_t)upload_hour;
	io.windows_from = windows_from;
	for (i = 0; i < nlogs; i++) {
		struct lt_proxy_import_stats st;
		int rc;

		lt_err_clear(&err);
		rc = lt_proxy_import(cs.db, argv[i], &io, &st, &err);
		if (rc == LT_E_CORRUPT) {
			lt_warn("'%s': %s (the lines before were imported)",
				argv[i], err.msg);
			rc = LT_OK;
		}
		if (rc) {
			lt_error("'%s': %s", argv[i], err.msg);
			status = LT_MAX(status, lt_exit_for(err.code));
			if (err.code == LT_E_DEP)
				break;
			continue;
		}
		if (st.log.bad) {
			char lines[96] = "";
			int k;

			for (k = 0; k < 5 && st.log.first_bad[k]; k++)
				snprintf(lines + strlen(lines),
					 sizeof(lines) - strlen(lines), "%s%"
					 PRIu64, k ? ", " : "",
					 st.log.first_bad[k]);
			lt_warn("'%s': %" PRIu64 " lines not understood "
				"(first: line %s)", argv[i], st.log.bad, lines);
		}
		lt_info(1, "'%s': %" PRIu64 " lines, %" PRIu64 " requests, %"
			PRIu64 " flagged (%" PRIu64 " forming windows)",
			argv[i], st.log.lines, st.log.events, st.flags,
			st.window_forming);
	}
	if (summary)
		print_summary(cs.db);
out:
	lt_case_close(&cs, status);
	lt_ioc_free(ioc);
	lt_ioc_free(allow);
	return status;
}
