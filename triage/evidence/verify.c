// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verifying an image: read it all again, recompute its hashes and compare
 * them with the stored ones.  An E01 stores its MD5 (and SHA1) itself and
 * libewf checks every chunk's checksum while reading; a raw image has
 * nothing but the acquisition log beside it (OUT.log.json), which also
 * holds the SHA-256 of an E01.
 *
 * The log is untrusted input (it may have been edited, truncated or
 * replaced), so it is read with a small bounded JSON parser that keeps
 * only the few values verify needs; anything malformed is LT_E_CORRUPT.
 */
#include "triage/core/compat.h"
#include "leaktriage/acquire.h"
#include "triage/evidence/ewf.h"

#include <ctype.h>
#include <fcntl.h>
#include <libewf.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_MAX ((size_t)256 << 20)
#define JSON_MAX_DEPTH 64
#define READ_LEN ((size_t)1 << 20)

/* --- the acquisition log ------------------------------------------------- */

struct logvals {
	char md5[33], sha1[41], sha256[65];
	int complete;            /* -1 absent, 0, 1 */
	char reason[LT_ERR_MSG_MAX];
	uint64_t size;           /* "bytes_written" */
	bool have_size;
	char format[8];          /* "image"."format" */
};

struct jp {
	const char *p, *end;
	struct logvals *lv;
};

static void jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A string at j->p (the opening quote).  Its value goes to out, cut at
 * len - 1 bytes (*cut says so); \u escapes outside ASCII become '?': the
 * values verify keeps are hex digests and one line of English.
 */
static bool jstr(struct jp *j, char *out, size_t len, bool *cut)
{
	size_t n = 0;

	*cut = false;
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (j->p >= j->end)
				return false;
			c = (unsigned char)*j->p++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				int v = 0, i, h;

				if (j->end - j->p < 4)
					return false;
				for (i = 0; i < 4; i++) {
					h = hexval((unsigned char)j->p[i]);
					if (h < 0)
						return false;
					v = v * 16 + h;
				}
				j->p += 4;
				c = v > 0 && v < 0x80 ? (unsigned char)v : '?';
				break;
			}
			default:
				return false;
			}
		}
		if (n + 1 < len)
			out[n++] = (char)c;
		else
			*cut = true;
	}
	if (j->p >= j->end)
		return false;
	j->p++;
	if (len)
		out[n] = '\0';
	return true;
}

static bool jlit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return false;
	j->p += n;
	return true;
}

/* A number; *u gets it when it is a non-negative integer that fits. */
static bool jnum(struct jp *j, uint64_t *u, bool *is_u)
{
	const char *s = j->p;
	bool frac = false, neg = false, over = false;
	uint64_t v = 0;

	if (j->p < j->end && *j->p == '-') {
		neg = true;
		j->p++;
	}
	if (j->p >= j->end || !isdigit((unsigned char)*j->p))
		return false;
	while (j->p < j->end && isdigit((unsigned char)*j->p)) {
		unsigned d = (unsigned)(*j->p++ - '0');

		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (j->p < j->end && *j->p == '.') {
		frac = true;
		j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		frac = true;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	*is_u = !frac && !neg && !over && j->p > s;
	*u = v;
	return true;
}

static void keep_str(struct jp *j, const char *k1, const char *k2,
		     const char *v)
{
	struct logvals *lv = j->lv;

	if (!k2) {
		if (!strcmp(k1, "incomplete_reason"))
			snprintf(lv->reason, sizeof(lv->reason), "%s", v);
		return;
	}
	if (!strcmp(k1, "hashes")) {
		if (!strcmp(k2, "md5"))
			snprintf(lv->md5, sizeof(lv->md5), "%s", v);
		else if (!strcmp(k2, "sha1"))
			snprintf(lv->sha1, sizeof(lv->sha1), "%s", v);
		else if (!strcmp(k2, "sha256"))
			snprintf(lv->sha256, sizeof(lv->sha256), "%s", v);
	} else if (!strcmp(k1, "image") && !strcmp(k2, "format")) {
		snprintf(lv->format, sizeof(lv->format), "%s", v);
	}
}

/*
 * One value.  depth 0 is the document, 1 a member of the top object
 * (named k1), 2 a member of one of those (named k2).
 */
static bool jvalue(struct jp *j, int depth, const char *k1, const char *k2)
{
	char sval[LT_ERR_MSG_MAX + 64];
	bool cut, is_u;
	uint64_t u;

	if (depth > JSON_MAX_DEPTH)
		return false;
	jws(j);
	if (j->p >= j->end)
		return false;
	if (depth == 0 && *j->p != '{')
		return false;
	switch (*j->p) {
	case '{': {
		bool first = true;

		j->p++;
		for (;;) {
			char key[64];
			bool kcut;

			jws(j);
			if (j->p < j->end && *j->p == '}' && first) {
				j->p++;
				return true;
			}
			if (!jstr(j, key, sizeof(key), &kcut))
				return false;
			if (kcut)
				key[0] = '\0'; /* matches nothing we keep */
			jws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
			if (!jvalue(j, depth + 1, depth == 0 ? key : k1,
				    depth == 1 ? key : k2))
				return false;
			first = false;
			jws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == '}') {
				j->p++;
				return true;
			}
			return false;
		}
	}
	case '[': {
		bool first = true;

		j->p++;
		for (;;) {
			jws(j);
			if (j->p < j->end && *j->p == ']' && first) {
				j->p++;
				return true;
			}
			/* Array members are kept by no one. */
			if (!jvalue(j, depth + 1, "", ""))
				return false;
			first = false;
			jws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				return true;
			}
			return false;
		}
	}
	case '"':
		if (!jstr(j, sval, sizeof(sval), &cut))
			return false;
		if (depth == 1 || depth == 2)
			keep_str(j, k1, depth == 2 ? k2 : NULL, sval);
		return true;
	case 't':
	case 'f':
		if (jlit(j, "true")) {
			if (depth == 1 && !strcmp(k1, "complete"))
				j->lv->complete = 1;
			return true;
		}
		if (jlit(j, "false")) {
			if (depth == 1 && !strcmp(k1, "complete"))
				j->lv->complete = 0;
			return true;
		}
		return false;
	case 'n':
		return jlit(j, "null");
	default:
		if (!jnum(j, &u, &is_u))
			return false;
		if (depth == 1 && !strcmp(k1, "bytes_written") && is_u) {
			j->lv->size = u;
			j->lv->have_size = true;
		}
		return true;
	}
}

/* Lower-case a hex digest in place; false unless exactly len hex digits. */
static bool norm_hex(char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return false;
	for (i = 0; i < len; i++) {
		if (hexval((unsigned char)s[i]) < 0)
			return false;
		s[i] = (char)tolower((unsigned char)s[i]);
	}
	return true;
}

static int read_log(const char *path, struct logvals *lv, struct lt_err *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	struct jp j;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(lv, 0, sizeof(*lv));
	lv->complete = -1;
	if (fd < 0)
		return lt_err_set(err, errno == ENOENT ? LT_E_NOTFOUND :
				  LT_E_IO, "cannot read the log '%s': %s", path,
				  strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > LOG_MAX) {
		close(fd);
		return lt_err_set(err, LT_E_CORRUPT, "the log '%s' is not a "
				  "file of at most %zu bytes", path, LOG_MAX);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	j.p = buf;
	j.end = buf + got;
	j.lv = lv;
	if (!jvalue(&j, 0, "", "") || (jws(&j), j.p != j.end)) {
		free(buf);
		return lt_err_set(err, LT_E_CORRUPT, "the log '%s' is not "
				  "valid JSON", path);
	}
	free(buf);
	if ((lv->md5[0] && !norm_hex(lv->md5, 32)) ||
	    (lv->sha1[0] && !norm_hex(lv->sha1, 40)) ||
	    (lv->sha256[0] && !norm_hex(lv->sha256, 64)))
		return lt_err_set(err, LT_E_CORRUPT, "the log '%s' holds a "
				  "malformed hash", path);
	return LT_OK;
}

int lt_acquire_log_hashes(const char *image, char *md5, char *sha1,
			  char *sha256, bool *complete, struct lt_err *err)
{
	static const enum lt_image_format fmts[] = { LT_IMAGE_RAW,
						     LT_IMAGE_E01 };
	struct logvals lv;
	char path[4096];
	size_t i;

	md5[0] = sha1[0] = sha256[0] = '\0';
	*complete = false;
	for (i = 0; i < LT_ARRAY_SIZE(fmts); i++) {
		struct stat st;

		if (!lt_acquire_log_name(image, fmts[i], path, sizeof(path)) ||
		    stat(path, &st) < 0)
			continue;
		LT_TRY(read_log(path, &lv, err));
		snprintf(md5, 33, "%s", lv.md5);
		snprintf(sha1, 41, "%s", lv.sha1);
		snprintf(sha256, 65, "%s", lv.sha256);
		*complete = lv.complete == 1;
		return LT_OK;
	}
	return lt_err_set(err, LT_E_NOTFOUND, "no acquisition log beside "
			  "'%s'", image);
}

/* --- reading and hashing ------------------------------------------------- */

static bool want_stop(const struct lt_verify_cb *cb)
{
	return cb && cb->stop && cb->stop(cb->udata);
}

static void progress(const struct lt_verify_cb *cb, uint64_t done,
		     uint64_t total, size_t n)
{
	if (cb && cb->progress &&
	    ((done & ((16u << 20) - 1)) < n || done == total))
		cb->progress(done, total, cb->udata);
}

static int verify_ewf(struct lt_verify_result *res,
		      const struct lt_verify_cb *cb, struct lt_hash *h,
		      struct lt_err *err)
{
	libewf_error_t *e = NULL;
	libewf_handle_t *eh = NULL;
	char **names = NULL;
	int count = 0, rc = LT_OK, r;
	size64_t size = 0;
	uint32_t bps = 512, nerr = 0, i;
	uint8_t *buf = NULL;
	uint64_t done = 0;

	if (libewf_glob(res->image, strlen(res->image), LIBEWF_FORMAT_UNKNOWN,
			&names, &count, &e) != 1)
		return lt_ewf_fail(err, LT_E_CORRUPT, &e,
				   "cannot find the E01 "
				   "segments");
	if (libewf_handle_initialize(&eh, &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_DEP, &e, "cannot start libewf");
		goto out;
	}
	if (libewf_handle_open(eh, names, count, LIBEWF_OPEN_READ, &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_CORRUPT, &e, "cannot open the E01");
		goto out;
	}
	/* Corrupt chunks read as zeros and are listed as checksum errors,
	 * instead of ending the read. */
	if (libewf_handle_set_read_zero_chunk_on_error(eh, 1, &e) != 1 ||
	    libewf_handle_get_media_size(eh, &size, &e) != 1 ||
	    libewf_handle_get_bytes_per_sector(eh, &bps, &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_CORRUPT, &e,
				 "cannot read the E01 "
				 "media values");
		goto out;
	}
	r = libewf_handle_get_utf8_hash_value_md5(eh, (uint8_t *)res->image_md5,
						  sizeof(res->image_md5), &e);
	if (r != 1 || !norm_hex(res->image_md5, 32))
		res->image_md5[0] = '\0';
	libewf_error_free(&e);
	r = libewf_handle_get_utf8_hash_value_sha1(eh,
						   (uint8_t *)res->image_sha1,
						   sizeof(res->image_sha1), &e);
	if (r != 1 || !norm_hex(res->image_sha1, 40))
		res->image_sha1[0] = '\0';
	libewf_error_free(&e);
	buf = malloc(READ_LEN);
	if (!buf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	while (done < size) {
		size_t want = (size_t)LT_MIN((uint64_t)READ_LEN, size - done);
		ssize_t n;

		if (want_stop(cb)) {
			rc = lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
			goto out;
		}
		n = libewf_handle_read_buffer(eh, buf, want, &e);
		if (n <= 0) {
			char what[96];

			snprintf(what, sizeof(what), "cannot read the E01 at "
				 "byte %" PRIu64, done);
			rc = n < 0 ? lt_ewf_fail(err, LT_E_CORRUPT, &e, what)
				   : lt_err_set(err, LT_E_CORRUPT,
						"%s: the data ends "
						"early",
						what);
			goto out;
		}
		lt_hash_update(h, buf, (size_t)n);
		done += (uint64_t)n;
		progress(cb, done, size, (size_t)n);
	}
	res->size = done;
	if (libewf_handle_get_number_of_checksum_errors(eh, &nerr, &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_CORRUPT, &e,
				 "cannot read the E01 "
				 "checksum errors");
		goto out;
	}
	res->checksum_errors = nerr;
	for (i = 0; i < nerr; i++) {
		uint64_t first = 0, n = 0;

		if (libewf_handle_get_checksum_error(eh, i, &first, &n,
						     &e) != 1) {
			libewf_error_free(&e);
			continue;
		}
		if (cb && cb->checksum_error)
			cb->checksum_error(first * bps, n * bps, cb->udata);
	}
out:
	free(buf);
	if (eh) {
		libewf_handle_close(eh, NULL);
		libewf_handle_free(&eh, NULL);
	}
	if (names)
		libewf_glob_free(names, count, NULL);
	return rc;
}

static int verify_raw(struct lt_verify_result *res,
		      const struct lt_verify_cb *cb, struct lt_hash *h,
		      struct lt_err *err)
{
	struct stat st;
	uint8_t *buf;
	uint64_t done = 0, size;
	int rc = LT_OK;
	int fd = open(res->image, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	size = (uint64_t)st.st_size;
	buf = malloc(READ_LEN);
	if (!buf) {
		close(fd);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n;

		if (want_stop(cb)) {
			rc = lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
			break;
		}
		n = read(fd, buf, READ_LEN);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = lt_err_set(err, LT_E_IO, "read failed at byte "
					"%" PRIu64 ": %s", done,
					strerror(errno));
			break;
		}
		if (n == 0)
			break;
		lt_hash_update(h, buf, (size_t)n);
		done += (uint64_t)n;
		progress(cb, done, LT_MAX(size, done), (size_t)n);
	}
	free(buf);
	close(fd);
	res->size = done;
	return rc;
}

/* --- compare ------------------------------------------------------------- */

static void first_segment(char *image, size_t len)
{
	libewf_error_t *e = NULL;
	char **names = NULL;
	int count = 0;

	if (libewf_glob(image, strlen(image), LIBEWF_FORMAT_UNKNOWN, &names,
			&count, &e) == 1 && count > 0)
		snprintf(image, len, "%s", names[0]);
	libewf_error_free(&e);
	if (names)
		libewf_glob_free(names, count, NULL);
}

static bool differs(const char *stored, const char *computed)
{
	return stored[0] && strcmp(stored, computed);
}

static int compare(struct lt_verify_result *res, struct lt_err *err)
{
	int compared = 0;
	char what[128];
	size_t n = 0;

	what[0] = '\0';
	if (res->image_md5[0] || res->log_md5[0])
		compared++;
	if (res->image_sha1[0] || res->log_sha1[0])
		compared++;
	if (res->log_sha256[0])
		compared++;
	if (differs(res->image_md5, res->md5) ||
	    differs(res->log_md5, res->md5))
		res->mismatched |= LT_HASH_MD5;
	if (differs(res->image_sha1, res->sha1) ||
	    differs(res->log_sha1, res->sha1))
		res->mismatched |= LT_HASH_SHA1;
	if (differs(res->log_sha256, res->sha256))
		res->mismatched |= LT_HASH_SHA256;
	if (res->format == LT_IMAGE_RAW && res->log_size &&
	    res->log_size != res->size)
		res->size_mismatch = true;
	if (!compared)
		return lt_err_set(err, LT_E_UNSUPPORTED, "no stored hash to "
				  "compare with");
	if (!res->mismatched && !res->size_mismatch && !res->checksum_errors)
		return LT_OK;
	if (res->mismatched & LT_HASH_MD5)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%smd5",
				      n ? ", " : "");
	if (res->mismatched & LT_HASH_SHA1)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%ssha1",
				      n ? ", " : "");
	if (res->mismatched & LT_HASH_SHA256)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%ssha256",
				      n ? ", " : "");
	if (res->size_mismatch)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%ssize",
				      n ? ", " : "");
	if (res->checksum_errors)
		snprintf(what + n, sizeof(what) - n, "%s%" PRIu64 " chunk "
			 "checksum(s)", n ? ", " : "", res->checksum_errors);
	return lt_err_set(err, LT_E_MISMATCH, "mismatch: %s", what);
}

int lt_verify(const char *path, const struct lt_verify_cb *cb,
	      struct lt_verify_result *res, struct lt_err *err)
{
	struct stat st;
	struct logvals lv;
	struct lt_hash h;
	libewf_error_t *e = NULL;
	unsigned algs;
	bool have_log = false;
	int rc;

	memset(res, 0, sizeof(*res));
	lt_hash_zero(&h);
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return lt_err_set(err, LT_E_UNSUPPORTED,
					  "is a directory");
		snprintf(res->image, sizeof(res->image), "%s", path);
		res->format = libewf_check_file_signature(path, &e) == 1 ?
			      LT_IMAGE_E01 : LT_IMAGE_RAW;
		libewf_error_free(&e);
	} else if (errno == ENOENT || errno == ENOTDIR) {
		/* An E01 set named by its base name, as acquire takes it. */
		snprintf(res->image, sizeof(res->image), "%s.E01", path);
		if (stat(res->image, &st) < 0)
			return lt_err_set(err, LT_E_NOTFOUND,
					  "no such file");
		res->format = LT_IMAGE_E01;
	} else {
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	/* Any segment names the set; the log is named after the first. */
	if (res->format == LT_IMAGE_E01)
		first_segment(res->image, sizeof(res->image));
	if (!lt_acquire_log_name(res->image, res->format, res->log,
				 sizeof(res->log)))
		return lt_err_set(err, LT_E_ARG, "path too long");
	rc = read_log(res->log, &lv, err);
	if (rc == LT_E_NOTFOUND && res->format == LT_IMAGE_E01) {
		lt_err_clear(err);
		res->log[0] = '\0';
	} else if (rc == LT_E_NOTFOUND) {
		lt_err_clear(err);
		return lt_err_set(err, LT_E_NOTFOUND, "no acquisition log "
				  "'%s' (a raw image keeps its hashes there)",
				  res->log);
	} else if (rc) {
		return rc;
	} else {
		have_log = true;
	}
	if (have_log) {
		memcpy(res->log_md5, lv.md5, sizeof(res->log_md5));
		memcpy(res->log_sha1, lv.sha1, sizeof(res->log_sha1));
		memcpy(res->log_sha256, lv.sha256, sizeof(res->log_sha256));
		res->log_incomplete = lv.complete == 0;
		snprintf(res->log_reason, sizeof(res->log_reason), "%s",
			 lv.reason);
		res->log_size = lv.have_size ? lv.size : 0;
		if (lv.format[0] && strcmp(lv.format,
					   lt_image_format_name(res->format)))
			return lt_err_set(err, LT_E_CORRUPT, "the log '%s' is "
					  "for a %s image", res->log,
					  lv.format);
	}
	algs = 0;
	if (res->format == LT_IMAGE_E01)
		algs |= LT_HASH_MD5 | LT_HASH_SHA1;
	if (res->log_md5[0])
		algs |= LT_HASH_MD5;
	if (res->log_sha1[0])
		algs |= LT_HASH_SHA1;
	if (res->log_sha256[0])
		algs |= LT_HASH_SHA256;
	if (!algs)
		return lt_err_set(err, LT_E_UNSUPPORTED, "the log '%s' holds "
				  "no hash", res->log);
	LT_TRY(lt_hash_init(&h, algs, err));
	rc = res->format == LT_IMAGE_E01 ? verify_ewf(res, cb, &h, err) :
	     verify_raw(res, cb, &h, err);
	if (rc) {
		lt_hash_release(&h);
		return rc;
	}
	LT_TRY(lt_hash_final(&h, err));
	res->computed = algs;
	if (algs & LT_HASH_MD5)
		lt_hex(res->md5, h.md5, 16);
	if (algs & LT_HASH_SHA1)
		lt_hex(res->sha1, h.sha1, 20);
	if (algs & LT_HASH_SHA256)
		lt_hex(res->sha256, h.sha256, 32);
	return compare(res, err);
}
