/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Functions that are easy to misuse with evidence-controlled data.  Using
 * one is a compile error.  Use snprintf, lt_buf, strtoull with checks,
 * gmtime_r / localtime_r instead.
 */
#ifndef LT_BANNED_H
#define LT_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_leaktriage

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef atoi
#define atoi(s) BANNED(atoi)

#endif
