// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage report: the breach tables of a case.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/exit.h"
#include "leaktriage/report.h"

#include <fcntl.h>
#include <unistd.h>

static const struct lt_cmd_help help = {
	"report",
	"leaktriage report --case CASE.db [--format text|json] [options]",
	"Print the 4情報/3情報/2情報/1情報 tables of the case: records (件)\n"
	"and distinct persons (人), with and without the number, the files\n"
	"holding personal data, and those not examined or failed.",
	"Profiles: kyokai (default: name + sex/birthdate/address, split by\n"
	"insured-person number) and nenkin (pension number, name, birthdate,\n"
	"address).  The JSON follows the contract in DESIGN.md."
};

int cmd_report(int argc, char **argv)
{
	const char *case_path = NULL, *format = "text", *profile = "kyokai";
	const char *scope = "stored", *lang = "ja", *out_path = NULL;
	struct lt_opt opts[] = {
		OPT_STR(0, "case", &case_path, "DB", "the case database (required)"),
		OPT_STR(0, "format", &format, "FMT", "text (default) or json"),
		OPT_STR(0, "profile", &profile, "NAME", "kyokai (default) or nenkin"),
		OPT_STR(0, "scope", &scope, "SCOPE", "stored (default)"),
		OPT_STR(0, "lang", &lang, "LANG", "ja (default) or en, for text"),
		OPT_STR('o', "output", &out_path, "FILE",
			"write to FILE (mode 0600) instead of stdout"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_report_opts ro;
	struct lt_report *r = NULL;
	struct lt_case cs = { NULL, 0 };
	struct lt_err err = LT_ERR_INIT;
	struct lt_buf out;
	int status, n;

	n = lt_parse_options(argc, argv, opts, &help);
	if (n)
		lt_usage_error("report", "unexpected argument '%s'", argv[0]);
	if (!case_path)
		lt_usage_error("report", "--case is required");
	if (strcmp(format, "text") && strcmp(format, "json"))
		lt_usage_error("report", "unknown format '%s'", format);
	if (!lt_profile_find(profile))
		lt_usage_error("report", "unknown profile '%s'", profile);
	if (strcmp(lang, "ja") && strcmp(lang, "en"))
		lt_usage_error("report", "unknown language '%s'", lang);
	status = lt_case_open(&cs, case_path, false, lt_main_argc,
			      lt_main_argv);
	if (status)
		return status;
	ro.profile = profile;
	ro.scope = scope;
	if (lt_report_build(cs.db, &ro, &r, &err)) {
		lt_error("%s", err.msg);
		status = err.code == LT_E_UNSUPPORTED ? LT_EXIT_USAGE :
			 lt_exit_for(err.code);
		lt_case_close(&cs, status);
		return status;
	}
	lt_buf_init(&out, (size_t)1 << 30);
	if (!strcmp(format, "json"))
		lt_report_json(r, &out);
	else
		lt_report_text(r, !strcmp(lang, "ja"), &out);
	lt_report_free(r);
	if (lt_buf_status(&out)) {
		lt_error("out of memory");
		status = LT_EXIT_INTERNAL;
	} else if (out_path) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);

		if (fd < 0 || write(fd, out.buf, out.len) != (ssize_t)out.len) {
			lt_error("cannot write '%s': %s", out_path,
				 strerror(errno));
			status = LT_EXIT_INTERNAL;
		}
		if (fd >= 0)
			close(fd);
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len ||
		   fflush(stdout)) {
		lt_error("cannot write output: %s", strerror(errno));
		status = LT_EXIT_INTERNAL;
	}
	lt_buf_release(&out);
	lt_case_close(&cs, status);
	return status;
}
