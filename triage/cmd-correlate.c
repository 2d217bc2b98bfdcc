// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage correlate: suspicious-traffic windows per terminal, and the
 * files touched inside them (leak candidates).
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
	"correlate",
	"leaktriage correlate --case CASE.db [--gap DURATION] [--slack DURATION]",
	"Per evidence item, merge the window-forming traffic of its client\n"
	"addresses (proxy --hosts) into windows (events closer than --gap\n"
	"join one) and mark as leak candidates the files whose times (MACB,\n"
	"NTFS $FILE_NAME) fall inside a window +/- --slack, and the members\n"
	"of candidate archives.  Each candidate keeps the window and the\n"
	"timestamp that tied it.  Timestamps alone under-count: Windows does\n"
	"not update last-access times by default and uploading a file changes\n"
	"none of its times.  Candidates are where to look first, not proof.",
	"Durations: 90s, 10m, 1h, 2d.  Defaults: --gap 30m --slack 10m.\n"
	"Then: leaktriage report --case CASE.db --scope leaked"
};

int cmd_correlate(int argc, char **argv)
{
	const char *case_path = NULL, *gap_s = "30m", *slack_s = "10m";
	struct lt_opt opts[] = {
		OPT_STR(0, "case", &case_path, "DB", "the case database (required)"),
		OPT_STR(0, "gap", &gap_s, "DURATION",
			"events closer than this join one window (30m)"),
		OPT_STR(0, "slack", &slack_s, "DURATION",
			"widen each window by this on both sides (10m)"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_case cs = { NULL, 0 };
	struct lt_err err = LT_ERR_INIT;
	struct lt_correlate_stats st;
	int64_t gap, slack;
	sqlite3_stmt *q;
	int status;

	if (lt_parse_options(argc, argv, opts, &help))
		lt_usage_error("correlate", "unexpected argument '%s'", argv[0]);
	if (!case_path)
		lt_usage_error("correlate", "--case is required");
	if (lt_parse_duration(gap_s, &gap, &err) ||
	    lt_parse_duration(slack_s, &slack, &err))
		lt_usage_error("correlate", "%s", err.msg);
	status = lt_case_open(&cs, case_path, false, lt_main_argc,
			      lt_main_argv);
	if (status)
		return status;
	if (lt_correlate(cs.db, gap, slack, &st, &err)) {
		lt_error("%s", err.msg);
		status = lt_exit_for(err.code);
		lt_case_close(&cs, status);
		return status;
	}
	if (sqlite3_prepare_v2(lt_casedb_sqlite(cs.db),
			       "SELECT v.name, w.start_ns, w.end_ns, w.events,"
			       " (SELECT count(DISTINCT c.file_id) FROM"
			       " leak_candidate c WHERE c.window_id = w.id),"
			       " w.reasons FROM leak_window w JOIN evidence v ON"
			       " v.id = w.evidence_id ORDER BY v.name,"
			       " w.start_ns", -1, &q, NULL) == SQLITE_OK) {
		printf("%-16s %-20s %-20s %6s %6s  %s\n", "evidence",
		       "window start", "window end", "events", "files",
		       "reasons");
		while (sqlite3_step(q) == SQLITE_ROW) {
			struct lt_time a = { sqlite3_column_int64(q, 1) /
					     1000000000, 0, true };
			struct lt_time b = { sqlite3_column_int64(q, 2) /
					     1000000000, 0, true };
			char fa[LT_TIME_ISO_MAX], fb[LT_TIME_ISO_MAX];

			lt_time_iso(fa, &a);
			lt_time_iso(fb, &b);
			printf("%-16s %-20s %-20s %6d %6d  %s\n",
			       sqlite3_column_text(q, 0), fa, fb,
			       sqlite3_column_int(q, 3),
			       sqlite3_column_int(q, 4),
			       sqlite3_column_text(q, 5));
		}
		sqlite3_finalize(q);
	}
	lt_info(1, "%" PRIu64 " windows on %" PRIu64 " evidence items, %"
		PRIu64 " leak candidate files", st.windows, st.evidence_items,
		st.candidates);
	if (st.unmapped_events)
		lt_warn("%" PRIu64 " suspicious events come from addresses "
			"that --hosts maps to no evidence item in this case",
			st.unmapped_events);
	lt_info(1, "timestamps alone under-count: candidates are where to "
		"look first, not proof");
	lt_case_close(&cs, status);
	return status;
}
