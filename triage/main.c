// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage: one binary, git-style subcommands dispatched from a table.
 * Shared set-up done once here: a private umask (everything we write is
 * 0600), line-buffered stderr, and the command name for messages.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "leaktriage/exit.h"

#include <locale.h>
#include <sys/stat.h>

struct lt_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct lt_cmd commands[] = {
	{ "acquire", cmd_acquire, "image a device or file to E01 or raw" },
	{ "verify", cmd_verify, "re-read an image, check its stored hashes" },
	{ "walk", cmd_walk, "list every file of an image or directory tree" },
	{ "scan", cmd_scan, "find and classify the personal data in sources" },
	{ "proxy", cmd_proxy, "import proxy logs, flag suspicious traffic" },
	{ "correlate", cmd_correlate, "tie files to suspicious traffic windows" },
	{ "report", cmd_report, "print the breach tables of a case" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: leaktriage <command> [options] [args]\n"
		"       leaktriage help <command>\n"
		"       leaktriage --version\n\n"
		"Forensic triage of personal-data leaks: list the files of\n"
		"seized disk images or live shares, find unprotected personal\n"
		"data, and count it the way Japanese breach reports do.\n\n"
		"Commands:\n");
	for (i = 0; i < LT_ARRAY_SIZE(commands); i++)
		fprintf(f, "    %-12s%s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\nExit status: 0 success, 1 the answer is no (e.g. a hash "
		   "mismatch),\n2 usage error, 3 an input could not be read, "
		   "4 internal error.\n"
		   "Run 'leaktriage <command> --help' for a command's "
		   "options.\n");
}

static const struct lt_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct lt_cmd *c;

	umask(077);
	setlocale(LC_CTYPE, "C.UTF-8");
	/* Options parsing reorders argv; the audit wants it as typed. */
	lt_main_argc = argc;
	lt_main_argv = calloc((size_t)argc + 1, sizeof(*argv));
	if (!lt_main_argv) {
		fprintf(stderr, "leaktriage: error: out of memory\n");
		return LT_EXIT_INTERNAL;
	}
	memcpy(lt_main_argv, argv, (size_t)argc * sizeof(*argv));
	if (argc < 2) {
		usage(stderr);
		return LT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return LT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("leaktriage %s\n", LT_VERSION);
		return LT_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *help_argv[] = { argv[2], "--help", NULL };

		if (argc < 3) {
			usage(stdout);
			return LT_EXIT_OK;
		}
		c = find(argv[2]);
		if (!c) {
			fprintf(stderr, "leaktriage: error: unknown command "
					"'%s'\nTry 'leaktriage --help'\n",
				argv[2]);
			return LT_EXIT_USAGE;
		}
		lt_cmd_name = c->name;
		return c->fn(2, help_argv);
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "leaktriage: error: unknown command '%s'\n"
				"Try 'leaktriage --help'\n", argv[1]);
		return LT_EXIT_USAGE;
	}
	lt_cmd_name = c->name;
	return c->fn(argc - 1, argv + 1);
}
