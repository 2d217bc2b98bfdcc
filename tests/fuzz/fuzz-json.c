// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer on arbitrary bytes (file names from evidence): the output
 * must be valid UTF-8 and valid JSON string syntax.
 */
#include "triage/core/compat.h"
#include "leaktriage/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_buf b;
	struct lt_json j;
	size_t i;
	bool valid;

	lt_buf_init(&b, 0);
	lt_json_init(&j, &b);
	lt_json_obj_begin(&j);
	valid = lt_json_key_str(&j, "path", (const char *)data, size);
	if (!valid) {
		struct lt_buf t;

		lt_buf_init(&t, 0);
		lt_base64(&t, data, size);
		lt_json_key_str(&j, "path_b64", lt_buf_str(&t), t.len);
		lt_buf_release(&t);
	}
	lt_json_obj_end(&j);
	if (lt_buf_status(&b))
		abort();
	if (!lt_utf8_valid(b.buf, b.len))
		abort();
	if (valid != lt_utf8_valid((const char *)data, size))
		abort();
	/* No raw control characters inside the JSON text. */
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.buf[i] < 0x20)
			abort();
	lt_buf_release(&b);
	return 0;
}
