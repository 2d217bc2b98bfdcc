/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * First include of every .c file: feature macros, the system headers the
 * whole tree uses, then banned.h last so that the bans do not break system
 * headers (git's git-compat-util.h does the same).
 */
#ifndef LT_COMPAT_H
#define LT_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define LT_MAX(a, b) ((a) > (b) ? (a) : (b))

/* A broken invariant in our own code: never for bad evidence. */
#define LT_BUG(...) lt_bug(__FILE__, __LINE__, __VA_ARGS__)
__attribute__((noreturn, format(printf, 3, 4))) void
lt_bug(const char *file, int line, const char *fmt, ...);

#include "triage/core/banned.h"

#endif
