// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Messages, progress and the case-DB audit wrapper for the front end.
 */
#include "triage/core/compat.h"
#include "triage/front.h"
#include "leaktriage/exit.h"

#include <sys/resource.h>
#include <unistd.h>

int lt_verbosity = 1;
const char *lt_cmd_name = "leaktriage";
int lt_main_argc;
char **lt_main_argv;

static bool progress_shown;

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	if (progress_shown)
		lt_progress_done();
	if (strcmp(lt_cmd_name, "leaktriage"))
		fprintf(stderr, "leaktriage %s: ", lt_cmd_name);
	else
		fprintf(stderr, "leaktriage: ");
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lt_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void lt_warn(const char *fmt, ...)
{
	va_list ap;

	if (lt_verbosity < 1)
		return;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void lt_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (lt_verbosity < level)
		return;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

bool lt_progress_enabled(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty && lt_verbosity >= 1;
}

void lt_progress(const char *fmt, ...)
{
	static struct timespec last;
	struct timespec now;
	va_list ap;

	if (!lt_progress_enabled())
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress_shown &&
	    (now.tv_sec - last.tv_sec) * 1000 +
	    (now.tv_nsec - last.tv_nsec) / 1000000 < 200)
		return;
	last = now;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

void lt_progress_done(void)
{
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_shown = false;
}

int lt_exit_for(enum lt_code code)
{
	switch (code) {
	case LT_OK: return LT_EXIT_OK;
	case LT_E_ARG: return LT_EXIT_USAGE;
	case LT_E_MISMATCH: return LT_EXIT_NO;
	case LT_E_IO:
	case LT_E_CORRUPT:
	case LT_E_UNSUPPORTED:
	case LT_E_NOTFOUND:
	case LT_E_EXISTS:
		return LT_EXIT_INPUT;
	default: return LT_EXIT_INTERNAL;
	}
}

int lt_case_open(struct lt_case *c, const char *path, bool create, int argc,
		 char **argv)
{
	struct lt_err err = LT_ERR_INIT;

	c->db = NULL;
	c->audit_id = 0;
	if (lt_casedb_open(path, create ? LT_CASEDB_CREATE : 0, &c->db, &err) ||
	    lt_casedb_audit_begin(c->db, argc, argv, &c->audit_id, &err)) {
		lt_error("%s", err.msg);
		lt_casedb_close(c->db);
		c->db = NULL;
		return err.code == LT_E_NOTFOUND ? LT_EXIT_INPUT :
		       lt_exit_for(err.code);
	}
	return LT_EXIT_OK;
}

void lt_case_close(struct lt_case *c, int exit_status)
{
	struct lt_err err = LT_ERR_INIT;

	if (!c->db)
		return;
	if (lt_casedb_audit_end(c->db, c->audit_id, exit_status, &err))
		lt_warn("%s", err.msg);
	lt_casedb_close(c->db);
	c->db = NULL;
}

#if defined(__SANITIZE_ADDRESS__)
#define LT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LT_ASAN 1
#endif
#endif

void lt_limit_memory(uint64_t bytes)
{
#ifndef LT_ASAN
	struct rlimit rl;

	if (!bytes || getrlimit(RLIMIT_AS, &rl) < 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= bytes)
		return;
	rl.rlim_cur = bytes;
	if (setrlimit(RLIMIT_AS, &rl) < 0)
		lt_warn("cannot limit memory to %" PRIu64 " bytes: %s", bytes,
			strerror(errno));
#else
	(void)bytes;
#endif
}
