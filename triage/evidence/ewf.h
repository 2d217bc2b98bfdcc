/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libewf errors for acquire and verify (inside triage/evidence only).
 */
#ifndef LT_EVIDENCE_EWF_H
#define LT_EVIDENCE_EWF_H

#include <libewf.h>

#include "leaktriage/err.h"

/*
 * Set err to "what: libewf's backtrace" on one line (or "libewf error"),
 * free *e; returns code.
 */
int lt_ewf_fail(struct lt_err *err, enum lt_code code, libewf_error_t **e,
		const char *what);

#endif
