// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compound files, BIFF streams and PDF trailers from arbitrary bytes: the
 * protection check for each kind it reads (through in->data and through
 * read() calls of odd sizes: both must agree), the compound-file reader
 * followed to the Workbook stream, and the BIFF check that guards freexl
 * (on that stream and on the raw bytes).  freexl itself is not run here
 * (fuzz-xls.c runs the whole extraction).
 */
#include "triage/core/compat.h"

#include "leaktriage/detect.h"
#include "leaktriage/extract.h"
#include "leaktriage/protect.h"
#include "tests/unit/memin.h"
#include "scanners/detect/cfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const struct lt_err *e)
{
	if (rc != (int)e->code || (rc && !e->msg[0]) || strchr(e->msg, '\n') ||
	    !memchr(e->msg, 0, sizeof(e->msg)))
		abort();
}

static void protection(const uint8_t *data, size_t size, int kind)
{
	struct mem m = { data, size, 1 + size % 7 * 2 };
	struct lt_scan_input in1 = { "fuzz", size, data, NULL, NULL };
	struct lt_scan_input in2 = { "fuzz", size, NULL, mem_read, &m };
	struct lt_protection o1, o2;
	struct lt_err e1 = LT_ERR_INIT, e2 = LT_ERR_INIT;
	int rc1 = lt_protection_check(&in1, kind, &o1, &e1);
	int rc2 = lt_protection_check(&in2, kind, &o2, &e2);

	check_err(rc1, &e1);
	check_err(rc2, &e2);
	if (rc1 != rc2 || strcmp(e1.msg, e2.msg))
		abort();
	if (rc1)
		return;
	if (!memchr(o1.kind, 0, sizeof(o1.kind)) ||
	    !memchr(o1.detail, 0, sizeof(o1.detail)) ||
	    o1.protected_ != o2.protected_ || o1.strong != o2.strong ||
	    strcmp(o1.kind, o2.kind) || strcmp(o1.detail, o2.detail))
		abort();
	/* protected implies a kind; strong implies a kind */
	if ((o1.protected_ || o1.strong) && !o1.kind[0])
		abort();
}

static void biff(const uint8_t *p, size_t len)
{
	struct lt_xls_biff b;
	struct lt_err e = LT_ERR_INIT;
	int rc = lt_xls_biff_check(p, len, &b, &e);

	check_err(rc, &e);
	if (!rc && (b.end > len || b.cells > LT_XLS_MAX_CELLS ||
		    b.marks > LT_XLS_MAX_MARKS ||
		    (b.version != 5 && b.version != 8)))
		abort();
}

static int count_child(const struct lt_cfb_entry *e, void *udata)
{
	if (!memchr(e->name, 0, sizeof(e->name)))
		abort();
	++*(unsigned *)udata;
	return 0;
}

static void workbook(const uint8_t *data, size_t size)
{
	struct lt_scan_input in = { "fuzz", size, data, NULL, NULL };
	struct lt_cfb *f = NULL;
	struct lt_cfb_entry e;
	struct lt_err err = LT_ERR_INIT;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = lt_cfb_open(&in, &f, &err);

	unsigned children = 0;

	check_err(rc, &err);
	if (rc)
		return;
	rc = lt_cfb_children(f, LT_CFB_ROOT, count_child, &children, &err);
	check_err(rc, &err);
	lt_err_clear(&err);
	rc = lt_cfb_find(f, LT_CFB_ROOT, "Workbook", &e, &err);
	if (rc == LT_E_NOTFOUND)
		rc = lt_cfb_find(f, LT_CFB_ROOT, "Book", &e, &err);
	if (!rc && e.type == LT_CFB_STREAM) {
		rc = lt_cfb_read_all(f, &e, (size_t)64 << 20, &buf, &len, &err);
		check_err(rc, &err);
		if (!rc) {
			if (len != e.size)
				abort();
			biff(buf, len);
		}
		free(buf);
	}
	lt_cfb_close(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	protection(data, size, LT_KIND_XLS);
	protection(data, size, LT_KIND_PDF);
	workbook(data, size);
	biff(data, size);
	return 0;
}
