// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The error record: first error wins, context is prepended on the way up.
 */
#include "triage/core/compat.h"
#include "leaktriage/err.h"

int lt_err_set(struct lt_err *err, enum lt_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	if (err->code != LT_OK)
		return err->code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void lt_err_prefix(struct lt_err *err, const char *fmt, ...)
{
	char pre[LT_ERR_MSG_MAX], old[LT_ERR_MSG_MAX];
	va_list ap;

	if (!err || err->code == LT_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (old[0])
		snprintf(err->msg, sizeof(err->msg), "%s: %s", pre, old);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", pre,
			 lt_strerror(err->code));
}

void lt_err_clear(struct lt_err *err)
{
	err->code = LT_OK;
	err->msg[0] = '\0';
}

const char *lt_strerror(enum lt_code code)
{
	switch (code) {
	case LT_OK: return "success";
	case LT_E_NOMEM: return "out of memory";
	case LT_E_IO: return "input/output error";
	case LT_E_CORRUPT: return "corrupt input";
	case LT_E_UNSUPPORTED: return "not supported";
	case LT_E_ARG: return "invalid argument";
	case LT_E_LIMIT: return "limit reached";
	case LT_E_NOT_BUILT: return "not built in";
	case LT_E_DEP: return "library error";
	case LT_E_INTERNAL: return "internal error";
	case LT_E_NOTFOUND: return "not found";
	case LT_E_EXISTS: return "already exists";
	case LT_E_MISMATCH: return "mismatch";
	case LT_E_INTERRUPTED: return "interrupted";
	}
	return "unknown error";
}

void lt_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "leaktriage: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
