/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option tables (git's parse-options, much smaller).  One table per
 * command declares every option; the same table prints --help.
 */
#ifndef LT_OPT_H
#define LT_OPT_H

#include <stdbool.h>
#include <stdint.h>

enum lt_opt_type {
	LT_OPT_END = 0,
	LT_OPT_BOOL,   /* bool *; --no-NAME sets false */
	LT_OPT_STR,    /* const char **; the last one given wins */
	LT_OPT_LIST,   /* struct lt_strlist *; every one given is kept */
	LT_OPT_U64,    /* uint64_t *; accepts K/M/G/T suffixes (1024) */
	LT_OPT_INT,    /* int * */
	LT_OPT_VERBOSE,/* int *: -v adds one, -q sets 0 */
	LT_OPT_QUIET,
	LT_OPT_GROUP,  /* a heading in --help */
};

struct lt_opt {
	enum lt_opt_type type;
	char short_name;      /* 0 for none */
	const char *long_name;
	void *value;
	const char *argh;     /* "FILE" in "--case FILE" */
	const char *help;
};

struct lt_strlist {
	const char **items;
	int count;
};

#define OPT_END() { LT_OPT_END, 0, NULL, NULL, NULL, NULL }
#define OPT_GROUP(h) { LT_OPT_GROUP, 0, NULL, NULL, NULL, h }
#define OPT_BOOL(s, l, v, h) { LT_OPT_BOOL, s, l, v, NULL, h }
#define OPT_STR(s, l, v, a, h) { LT_OPT_STR, s, l, v, a, h }
#define OPT_LIST(s, l, v, a, h) { LT_OPT_LIST, s, l, v, a, h }
#define OPT_U64(s, l, v, a, h) { LT_OPT_U64, s, l, v, a, h }
#define OPT_INT(s, l, v, a, h) { LT_OPT_INT, s, l, v, a, h }
#define OPT_VERBOSITY(v)                                                    \
	{ LT_OPT_VERBOSE, 'v', "verbose", v, NULL, "say more on stderr" }, \
	{ LT_OPT_QUIET, 'q', "quiet", v, NULL,                               \
	  "only errors on stderr, no progress" }

struct lt_cmd_help {
	const char *name;        /* "walk" */
	const char *usage;       /* "leaktriage walk [options] SRC..." */
	const char *description; /* a paragraph, may have newlines */
	const char *epilog;      /* examples etc., or NULL */
};

/*
 * Parse argv (argv[0] is the command name).  Options and operands may be
 * mixed; "--" ends options.  Returns the number of operands, moved to
 * argv[0..n-1].  --help prints the help to stdout and exits 0; a usage
 * error prints one line and "Try 'leaktriage CMD --help'" to stderr and
 * exits 2 (this is front-end code: it may exit).
 */
int lt_parse_options(int argc, char **argv, const struct lt_opt *opts,
		     const struct lt_cmd_help *help);

void lt_usage_help(const struct lt_opt *opts, const struct lt_cmd_help *help);

__attribute__((noreturn, format(printf, 2, 3))) void
lt_usage_error(const char *cmd, const char *fmt, ...);

#endif
