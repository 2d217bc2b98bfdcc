// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * YARA rules over file content (DESIGN.md "scan --rules FILE.yar").  The
 * shipped rules (scanners/rules/pii-headers.yar, compiled in through
 * scanners/data/rules-pii-headers.txt) and the user's file compile once
 * into rules that every worker's scanner shares read-only.
 *
 * Large files are streamed: libyara 4.2's memory-block iterator
 * (yr_scanner_scan_mem_blocks) is handed blocks of LT_YARA_BLOCK bytes read
 * through the input, so memory stays at one block whatever the file size.
 * YARA scans each block on its own, so a string crossing a boundary would
 * be missed; each block therefore runs LT_YARA_OVERLAP bytes into the next.
 * A match inside the overlap is seen twice at the same file offset, and
 * YARA keeps one match per offset, so counts (#a) stay right.  Conditions
 * that read integers (uint16(0) ...) make YARA walk the blocks again after
 * the scan; the block is then read again (one block is cached).
 *
 * libyara's global state: yr_initialize() is refcounted by libyara itself
 * but not thread-safe, so lt_yara_open/close call it under a mutex.
 */
#include "triage/core/compat.h"

#include <pthread.h>
#include <sys/stat.h>
#include <yara.h>

#include "leaktriage/buf.h"
#include "leaktriage/detect.h"

#define LT_YARA_TAG 0x4c545952u    /* "LTYR" */
#define LT_YSCAN_TAG 0x4c545953u   /* "LTYS" */

/* scanners/data/rules-pii-headers.txt (-> scanners/rules/pii-headers.yar) */
extern const char lt_data_rules_pii_headers[];
#define SHIPPED_NAME "scanners/rules/pii-headers.yar"

struct lt_yara {
	unsigned tag;
	YR_RULES *rules;
};

struct lt_yara_scanner {
	unsigned tag;
	YR_SCANNER *scanner;
	uint8_t *buf; /* LT_YARA_BLOCK + LT_YARA_OVERLAP */

	/* One scan: */
	const struct lt_scan_input *in;
	struct lt_err *err;
	int (*emit)(const char *rule, const char *ns, void *udata);
	void *udata;
	int rc;             /* a read error */
	int stop;           /* what emit() returned, non-zero */
	uint64_t short_at;  /* content ended here (UINT64_MAX: it did not) */
	YR_MEMORY_BLOCK block;
	YR_MEMORY_BLOCK_ITERATOR it;
	uint64_t buf_base;  /* what buf holds (UINT64_MAX: nothing) */
};

static pthread_mutex_t yara_lock = PTHREAD_MUTEX_INITIALIZER;

static int yara_code(int yr)
{
	switch (yr) {
	case ERROR_SUCCESS:
		return LT_OK;
	case ERROR_INSUFFICIENT_MEMORY:
		return LT_E_NOMEM;
	case ERROR_SCAN_TIMEOUT:
	case ERROR_TOO_MANY_MATCHES:
	case ERROR_TOO_MANY_SCAN_THREADS:
		return LT_E_LIMIT;
	default:
		return LT_E_DEP;
	}
}

static int yara_init(struct lt_err *err)
{
	int yr;

	pthread_mutex_lock(&yara_lock);
	yr = yr_initialize();
	pthread_mutex_unlock(&yara_lock);
	if (yr != ERROR_SUCCESS)
		return lt_err_set(err, yara_code(yr),
				  "cannot initialize libyara (error %d)", yr);
	return LT_OK;
}

static void yara_fini(void)
{
	pthread_mutex_lock(&yara_lock);
	yr_finalize();
	pthread_mutex_unlock(&yara_lock);
}

/* --- compiling ---------------------------------------------------------- */

struct compile_ctx {
	struct lt_err *err;
	enum lt_code code;   /* LT_E_INTERNAL for ours, LT_E_ARG for theirs */
	const char *label;   /* file name when YARA gives none */
};

static void on_compile(int level, const char *file, int line,
		       const YR_RULE *rule, const char *msg, void *udata)
{
	struct compile_ctx *cc = udata;

	if (level != YARA_ERROR_LEVEL_ERROR)
		return; /* warnings ("slows down scanning") are not ours */
	lt_err_set(cc->err, cc->code, "rules '%s' line %d: %s",
		   file ? file : cc->label, line, msg);
}

int lt_yara_open(const char *user_rules_path, struct lt_yara **out,
		 struct lt_err *err)
{
	struct compile_ctx cc = { err, LT_E_INTERNAL, SHIPPED_NAME };
	YR_COMPILER *comp = NULL;
	YR_RULES *rules = NULL;
	struct lt_yara *y = NULL;
	FILE *fp = NULL;
	struct stat st;
	int rc, yr;

	LT_TRY(yara_init(err));
	yr = yr_compiler_create(&comp);
	if (yr != ERROR_SUCCESS) {
		rc = lt_err_set(err, yara_code(yr),
				"cannot create a yara compiler (error %d)", yr);
		goto out;
	}
	yr_compiler_set_callback(comp, on_compile, &cc);
	if (yr_compiler_add_string(comp, lt_data_rules_pii_headers,
				   LT_YARA_NS_SHIPPED)) {
		rc = lt_err_set(err, LT_E_INTERNAL,
				"rules '%s': do not compile", SHIPPED_NAME);
		goto out;
	}
	if (user_rules_path) {
		fp = fopen(user_rules_path, "r");
		if (!fp) {
			int e = errno;

			rc = lt_err_set(err,
					e == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
					"cannot open rules file '%s': %s",
					user_rules_path, strerror(e));
			goto out;
		}
		if (!fstat(fileno(fp), &st) && S_ISDIR(st.st_mode)) {
			rc = lt_err_set(err, LT_E_ARG,
					"rules file '%s' is a directory",
					user_rules_path);
			goto out;
		}
		cc.code = LT_E_ARG;
		cc.label = user_rules_path;
		if (yr_compiler_add_file(comp, fp, LT_YARA_NS_USER,
					 user_rules_path)) {
			rc = lt_err_set(err, LT_E_ARG,
					"rules '%s': do not compile",
					user_rules_path);
			goto out;
		}
	}
	yr = yr_compiler_get_rules(comp, &rules);
	if (yr != ERROR_SUCCESS) {
		rc = lt_err_set(err, yara_code(yr),
				"cannot build the yara rules (error %d)", yr);
		goto out;
	}
	y = lt_calloc(1, sizeof(*y));
	if (!y) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	y->tag = LT_YARA_TAG;
	y->rules = rules;
	rules = NULL;
	*out = y;
	rc = LT_OK;
out:
	if (fp)
		fclose(fp);
	if (rules)
		yr_rules_destroy(rules);
	if (comp)
		yr_compiler_destroy(comp);
	if (rc)
		yara_fini();
	return rc;
}

void lt_yara_close(struct lt_yara *y)
{
	if (!y)
		return;
	if (y->tag != LT_YARA_TAG)
		LT_BUG("lt_yara_close on a bad handle");
	yr_rules_destroy(y->rules);
	y->tag = 0;
	free(y);
	yara_fini();
}

/* --- scanning ----------------------------------------------------------- */

static int on_scan(YR_SCAN_CONTEXT *ctx, int message, void *data,
		   void *udata)
{
	struct lt_yara_scanner *s = udata;
	const YR_RULE *rule = data;
	int rc;

	(void)ctx;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE; /* too many matches: YARA goes on */
	rc = s->emit(rule->identifier, rule->ns->name, s->udata);
	if (rc) {
		s->stop = rc;
		return CALLBACK_ABORT;
	}
	return CALLBACK_CONTINUE;
}

int lt_yara_scanner_new(struct lt_yara *y, struct lt_yara_scanner **out,
			struct lt_err *err)
{
	struct lt_yara_scanner *s;
	int yr;

	if (!y || y->tag != LT_YARA_TAG)
		LT_BUG("lt_yara_scanner_new on a bad handle");
	s = lt_calloc(1, sizeof(*s));
	if (!s)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	s->buf = malloc(LT_YARA_BLOCK + LT_YARA_OVERLAP);
	if (!s->buf) {
		free(s);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	yr = yr_scanner_create(y->rules, &s->scanner);
	if (yr != ERROR_SUCCESS) {
		free(s->buf);
		free(s);
		return lt_err_set(err, yara_code(yr),
				  "cannot create a yara scanner (error %d)",
				  yr);
	}
	yr_scanner_set_callback(s->scanner, on_scan, s);
	/*
	 * NO_TRYCATCH: YARA's guard against SIGBUS (a mapped file truncated
	 * under it) installs and removes signal handlers around every scan,
	 * a dozen system calls a file; it scans our own heap buffers only.
	 */
	yr_scanner_set_flags(s->scanner, SCAN_FLAGS_REPORT_RULES_MATCHING |
					 SCAN_FLAGS_NO_TRYCATCH);
	s->tag = LT_YSCAN_TAG;
	*out = s;
	return LT_OK;
}

void lt_yara_scanner_free(struct lt_yara_scanner *s)
{
	if (!s)
		return;
	if (s->tag != LT_YSCAN_TAG)
		LT_BUG("lt_yara_scanner_free on a bad handle");
	yr_scanner_destroy(s->scanner);
	free(s->buf);
	s->tag = 0;
	free(s);
}

/* Read a block into buf; NULL (and s->rc) on a read error.  Content that
 * ends before in->size reads as zeros (s->short_at says where). */
static const uint8_t *fetch_block(YR_MEMORY_BLOCK *b)
{
	struct lt_yara_scanner *s = b->context;
	size_t done = 0;

	if (s->rc)
		return NULL;
	if (s->buf_base == b->base)
		return s->buf;
	s->buf_base = UINT64_MAX;
	while (done < b->size) {
		size_t got = 0;
		int rc = s->in->read(s->in->src, b->base + done, s->buf + done,
				     b->size - done, &got, s->err);

		if (rc) {
			s->rc = rc;
			return NULL;
		}
		if (!got) {
			if (b->base + done < s->short_at)
				s->short_at = b->base + done;
			memset(s->buf + done, 0, b->size - done);
			break;
		}
		done += got;
	}
	s->buf_base = b->base;
	return s->buf;
}

static YR_MEMORY_BLOCK *block_at(struct lt_yara_scanner *s, uint64_t base)
{
	uint64_t left;

	if (s->rc || base >= s->in->size)
		return NULL;
	left = s->in->size - base;
	s->block.base = base;
	s->block.size = (size_t)LT_MIN(left, (uint64_t)(LT_YARA_BLOCK +
							 LT_YARA_OVERLAP));
	s->block.context = s;
	s->block.fetch_data = fetch_block;
	return &s->block;
}

static YR_MEMORY_BLOCK *first_block(YR_MEMORY_BLOCK_ITERATOR *it)
{
	return block_at(it->context, 0);
}

static YR_MEMORY_BLOCK *next_block(YR_MEMORY_BLOCK_ITERATOR *it)
{
	struct lt_yara_scanner *s = it->context;

	/* blocks start every LT_YARA_BLOCK bytes and run LT_YARA_OVERLAP
	 * into the next one; the last one ends at the end of the file */
	if (s->block.base + s->block.size >= s->in->size)
		return NULL;
	return block_at(s, s->block.base + LT_YARA_BLOCK);
}

static uint64_t file_size(YR_MEMORY_BLOCK_ITERATOR *it)
{
	struct lt_yara_scanner *s = it->context;

	return s->in->size;
}

int lt_yara_scan(struct lt_yara_scanner *s, const struct lt_scan_input *in,
		 int (*emit)(const char *rule, const char *ns, void *udata),
		 void *udata, struct lt_err *err)
{
	static const uint8_t empty[1];
	const char *path = in->path ? in->path : "?";
	int yr;

	if (!s || s->tag != LT_YSCAN_TAG)
		LT_BUG("lt_yara_scan on a bad handle");
	s->in = in;
	s->err = err;
	s->emit = emit;
	s->udata = udata;
	s->rc = 0;
	s->stop = 0;
	s->short_at = UINT64_MAX;
	s->buf_base = UINT64_MAX;
	if (in->data || in->size == 0) {
		yr = yr_scanner_scan_mem(s->scanner,
					 in->data ? in->data : empty,
					 (size_t)in->size);
	} else if (!in->read) {
		return lt_err_set(err, LT_E_ARG, "'%s': no data to read", path);
	} else {
		s->it.context = s;
		s->it.first = first_block;
		s->it.next = next_block;
		s->it.file_size = file_size;
		s->it.last_error = ERROR_SUCCESS;
		yr = yr_scanner_scan_mem_blocks(s->scanner, &s->it);
	}
	if (s->stop)
		return s->stop;
	if (s->rc)
		return s->rc;
	if (yr != ERROR_SUCCESS)
		return lt_err_set(err, yara_code(yr),
				  "'%s': yara scan failed (error %d)", path,
				  yr);
	if (s->short_at != UINT64_MAX)
		return lt_err_set(err, LT_E_CORRUPT,
				  "'%s': content ends at byte %" PRIu64
				  " of %" PRIu64 "; the rest was scanned as "
				  "zeros",
				  path, s->short_at, in->size);
	return LT_OK;
}
