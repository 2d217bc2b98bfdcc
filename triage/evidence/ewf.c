// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libewf errors as lt_err messages (triage/evidence/ewf.h).
 */
#include "triage/core/compat.h"
#include "triage/evidence/ewf.h"

int lt_ewf_fail(struct lt_err *err, enum lt_code code, libewf_error_t **e,
		const char *what)
{
	char msg[LT_ERR_MSG_MAX];
	size_t i;

	msg[0] = '\0';
	if (*e) {
		libewf_error_backtrace_sprint(*e, msg, sizeof(msg));
		libewf_error_free(e);
	}
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	while (i && msg[i - 1] == ' ')
		msg[--i] = '\0';
	return lt_err_set(err, code, "%s: %s", what,
			  msg[0] ? msg : "libewf error");
}
