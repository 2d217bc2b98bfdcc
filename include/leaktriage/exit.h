/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exit statuses of the leaktriage binary.  Stable: scripts depend on them,
 * never renumber (DESIGN.md, README.md "Exit status").
 */
#ifndef LEAKTRIAGE_EXIT_H
#define LEAKTRIAGE_EXIT_H

enum lt_exit {
	LT_EXIT_OK = 0,       /* success */
	LT_EXIT_NO = 1,       /* the answer is "no" (e.g. verify mismatch) */
	LT_EXIT_USAGE = 2,    /* bad command line */
	LT_EXIT_INPUT = 3,    /* an input could not be read at all */
	LT_EXIT_INTERNAL = 4, /* our bug, out of memory, case DB failure */
};

#endif
