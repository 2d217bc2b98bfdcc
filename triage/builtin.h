/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands.  Each lives in triage/cmd-<name>.c and is listed in the
 * table in triage/main.c.
 *
 * Adding a command:
 *  1. write triage/cmd-<name>.c with `int cmd_<name>(int argc, char **argv)`
 *     (argv[0] is the command name), an option table and lt_cmd_help;
 *  2. declare it here and add it to commands[] in triage/main.c;
 *  3. document it in README.md and doc/leaktriage.1;
 *  4. add tests/e2e/<name>/ (at least: --help answers, bad input exits 2/3).
 */
#ifndef LT_BUILTIN_H
#define LT_BUILTIN_H

int cmd_acquire(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_correlate(int argc, char **argv);
int cmd_proxy(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_walk(int argc, char **argv);

#endif
