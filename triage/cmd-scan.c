// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage scan: walk each source into the case DB (once), then read
 * every file's content with worker threads: hashes, type, extraction,
 * classification of every record, YARA hits.  Re-running resumes.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/casedb.h"
#include "leaktriage/exit.h"
#include "leaktriage/hash.h"
#include "leaktriage/image.h"
#include "leaktriage/scan.h"
#include "leaktriage/walk.h"

#include <signal.h>
#include <unistd.h>

static const struct lt_cmd_help help = {
	"scan",
	"leaktriage scan --case CASE.db [options] SRC...",
	"Find the personal data in each SRC (an image or a directory, as for\n"
	"walk): every regular file, deleted ones included where their content\n"
	"can be read, is read once: MD5 and SHA-256, file type (content, not\n"
	"name), text/CSV extraction in UTF-8, CP932, EUC-JP or UTF-16, and\n"
	"classification of every record by the identifying information it\n"
	"holds.  Results go into the case database (no personal values: row\n"
	"positions, element flags and keyed hashes).  Running the same command\n"
	"again resumes an interrupted scan and adds nothing to a complete one.",
	"Examples:\n"
	"  leaktriage scan --case case.db --jobs 2 pc01.E01 pc02.E01\n"
	"  leaktriage scan --case case.db --rules extra.yar /mnt/share\n"
	"  leaktriage report --case case.db"
};

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct scan_state {
	const char *evname;
	uint64_t problems;
};

static void on_problem(const char *path, const char *status,
		       const char *detail, void *udata)
{
	struct scan_state *ss = udata;

	if (!strcmp(status, "protected")) {
		lt_info(1, "'%s': '%s': protected: %s", ss->evname, path,
			detail);
		return;
	}
	ss->problems++;
	lt_warn("'%s': '%s': %s", ss->evname, path, detail);
}

static void on_walk_problem(const struct lt_problem *p, void *udata)
{
	struct scan_state *ss = udata;

	lt_warn("'%s': %s", ss->evname, p->detail);
}

static void on_walk_volume(const struct lt_volume *v, void *udata)
{
	struct scan_state *ss = udata;

	if (v->status == LT_VOL_LOCKED)
		lt_warn("'%s': partition %d at offset %" PRIu64 " is %s",
			ss->evname, v->partition, v->offset, v->detail);
}

static void on_walk_progress(const struct lt_progress *p, void *udata)
{
	struct scan_state *ss = udata;

	lt_progress("scan %s: listing: %" PRIu64 " entries", ss->evname,
		    p->entries);
}

static void on_progress(const struct lt_scan_progress *p, void *udata)
{
	struct scan_state *ss = udata;

	lt_progress("scan %s: %" PRIu64 "/%" PRIu64 " files, %.0f%% of bytes,"
		    " %" PRIu64 " records", ss->evname, p->files_done,
		    p->files_total,
		    p->bytes_total ? 100.0 * (double)p->bytes_done /
		    (double)p->bytes_total : 100.0, p->records);
}

int cmd_scan(int argc, char **argv)
{
	const char *case_path = NULL, *tz = "UTC", *name = NULL, *rules = NULL;
	bool hash_image = false, magic_all = false, no_dedup = false;
	int jobs = 0;
	uint64_t max_memory = LT_DEFAULT_MAX_MEMORY * 2;
	struct lt_opt opts[] = {
		OPT_STR(0, "case", &case_path, "DB", "the case database (required)"),
		OPT_INT('j', "jobs", &jobs, "N",
			"worker threads (default: number of cores)"),
		OPT_STR(0, "rules", &rules, "FILE.yar",
			"YARA rules to run besides the shipped ones"),
		OPT_STR(0, "tz", &tz, "ZONE",
			"zone FAT/exFAT times were written in (default UTC)"),
		OPT_STR(0, "name", &name, "NAME",
			"evidence name (one SRC only; default: file name)"),
		OPT_BOOL(0, "hash-image", &hash_image,
			 "also hash the whole image (a separate full read)"),
		OPT_BOOL(0, "magic-all", &magic_all,
			 "ask libmagic to name unknown binary files too"
			 " (0.2 ms a file)"),
		OPT_BOOL(0, "no-dedup", &no_dedup,
			 "scan every copy of a content (default: a copy"
			 " takes over the first's findings)"),
		OPT_U64(0, "max-memory", &max_memory, "SIZE",
			"address-space cap against hostile input (4G)"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_case cs = { NULL, 0 };
	struct lt_err err = LT_ERR_INIT;
	uint8_t key[32];
	struct sigaction sa;
	int nsrc, i, status = LT_EXIT_OK;
	struct lt_dedup *dedup = NULL;

	nsrc = lt_parse_options(argc, argv, opts, &help);
	if (!case_path)
		lt_usage_error("scan", "--case is required");
	if (nsrc < 1)
		lt_usage_error("scan", "no source given");
	if (name && nsrc > 1)
		lt_usage_error("scan", "--name works with a single source only");
	if (jobs < 0 || jobs > 256)
		lt_usage_error("scan", "--jobs must be between 1 and 256");
	if (!jobs)
		jobs = (int)LT_MAX(1, sysconf(_SC_NPROCESSORS_ONLN));
	if (rules && access(rules, R_OK))
		lt_usage_error("scan", "cannot read rules file '%s': %s", rules,
			       strerror(errno));
	if (lt_tz_apply(tz, &err))
		lt_usage_error("scan", "%s", err.msg);
	lt_limit_memory(max_memory);
	status = lt_case_open(&cs, case_path, true, lt_main_argc, lt_main_argv);
	if (status)
		return status;
	if (lt_casedb_key(cs.db, key, &err)) {
		lt_error("%s", err.msg);
		lt_case_close(&cs, LT_EXIT_INPUT);
		return LT_EXIT_INPUT;
	}
	/* one table of contents for all sources: a copy on another PC is a
	 * copy too */
	if (!no_dedup &&
	    lt_dedup_new(LT_DEDUP_DEFAULT_MAX, &dedup, &err)) {
		lt_error("%s", err.msg);
		lt_case_close(&cs, LT_EXIT_INTERNAL);
		return LT_EXIT_INTERNAL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (i = 0; i < nsrc && !stop_flag; i++) {
		struct scan_state ss = { NULL, 0 };
		struct lt_source *src = NULL;
		struct lt_scan_opts so = { jobs, rules, key, magic_all,
					   no_dedup, dedup };
		struct lt_scan_cb scb = { on_progress, on_problem, &ss };
		struct lt_scan_stats st;
		char evname[256];
		int64_t evid;
		bool walked;

		lt_err_clear(&err);
		lt_evidence_name(argv[i], evname, sizeof(evname));
		ss.evname = name ? name : evname;
		/* The walk reads a raw image through mappings, as walk does
		 * (--hash-image reads it whole: plainly). */
		if (lt_source_open_ex(argv[i], hash_image ? 0 : LT_SOURCE_MAP,
				      &src, &err)) {
			lt_error("cannot open '%s': %s", argv[i], err.msg);
			status = LT_MAX(status, LT_EXIT_INPUT);
			continue;
		}
		if (lt_front_put_evidence(cs.db, src, ss.evname, tz, hash_image,
					  &evid) ||
		    lt_casedb_walked(cs.db, evid, &walked, &err)) {
			if (err.code)
				lt_error("%s", err.msg);
			lt_source_close(src);
			status = LT_EXIT_INTERNAL;
			break;
		}
		if (!walked) {
			struct lt_walk_opts wo = { false };
			struct lt_walk_cb wcb = { NULL, on_walk_volume,
						  on_walk_problem,
						  on_walk_progress, &ss };
			struct lt_walk_stats wst;

			if (lt_casedb_record_walk(cs.db, evid, src, &wo, &wcb,
						  &wst, &err)) {
				lt_progress_done();
				lt_error("'%s': %s", argv[i], err.msg);
				status = LT_MAX(status, lt_exit_for(err.code));
				lt_source_close(src);
				if (err.code == LT_E_DEP)
					break;
				continue;
			}
			lt_progress_done();
		}
		lt_source_close(src);
		if (lt_scan_evidence(cs.db, evid, argv[i], &so, &scb, &stop_flag,
				     &st, &err)) {
			lt_progress_done();
			if (err.code == LT_E_INTERRUPTED) {
				lt_error("'%s': interrupted; run the same "
					 "command again to finish", ss.evname);
				status = LT_EXIT_INTERNAL;
			} else {
				lt_error("'%s': %s", ss.evname, err.msg);
				status = LT_MAX(status, lt_exit_for(err.code));
			}
			break;
		}
		lt_progress_done();
		if (lt_casedb_scan_completed(cs.db, evid, true, &err)) {
			lt_error("%s", err.msg);
			status = LT_EXIT_INTERNAL;
			break;
		}
		lt_info(1, "'%s': %" PRIu64 " files scanned now (%" PRIu64
			" with personal data, %" PRIu64 " records; %" PRIu64
			" protected, %" PRIu64 " not examined, %" PRIu64
			" errors; %" PRIu64 " %s of content scanned"
			" before)", ss.evname, st.files, st.with_pii,
			st.records, st.protected_, st.not_examined, st.errors,
			st.reused, st.reused == 1 ? "copy" : "copies");
		lt_info(2, "'%s': CPU seconds: workers %.2f (extraction, "
			"classification, small files' hashes and YARA), side "
			"threads %.2f (large files' hashes and YARA), writer "
			"%.2f (keyed hashes, case database)", ss.evname,
			st.cpu_workers, st.cpu_side, st.cpu_writer);
	}
	if (stop_flag && status == LT_EXIT_OK)
		status = LT_EXIT_INTERNAL;
	lt_dedup_free(dedup);
	lt_case_close(&cs, status);
	return status;
}
