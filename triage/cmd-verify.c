// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage verify: re-read images, recompute their hashes and compare
 * them with the ones stored in the image (E01) and in the acquisition log
 * (OUT.log.json: the only place a raw image keeps its hashes).
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/acquire.h"
#include "leaktriage/exit.h"

#include <signal.h>

static const struct lt_cmd_help help = {
	"verify",
	"leaktriage verify [options] IMAGE...",
	"Read each IMAGE again, recompute its hashes and compare them with\n"
	"the stored ones: for an E01 set (named by any segment or by its base\n"
	"name) the MD5 and SHA1 in the image, every chunk's checksum, and the\n"
	"hashes in its acquisition log OUT.log.json when it is there; for a\n"
	"raw image the hashes and size in OUT.log.json beside it.\n"
	"Prints one line per hash on stdout, then the verdict.",
	"Exit status: 0 every stored hash matches, 1 something differs (the\n"
	"output says which; also an E01 that opens but whose chunks are\n"
	"damaged or missing), 2 usage error, 3 an image or its hashes cannot\n"
	"be read (missing, not an E01 set libewf opens, a raw image without\n"
	"its log).  With several images: 3 if any could not be read, else 1\n"
	"if any differs.\n\n"
	"Examples:\n"
	"  leaktriage verify saitama-pc01.E01\n"
	"  leaktriage verify usb-copy.raw"
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static bool should_stop(void *udata)
{
	return got_signal != 0;
}

static void on_progress(uint64_t done, uint64_t total, void *udata)
{
	lt_progress("verify %s: %.0f%%", (const char *)udata,
		    total ? 100.0 * (double)done / (double)total : 100.0);
}

static void on_checksum(uint64_t off, uint64_t len, void *udata)
{
	lt_error("'%s': chunk checksum error: bytes %" PRIu64 " to %" PRIu64,
		 (const char *)udata, off, off + len - 1);
}

/* One line per computed hash: the value and how it compares. */
static void report_hash(const char *img, const char *alg, const char *val,
			const char *in_image, const char *in_log)
{
	bool bad_i = in_image[0] && strcmp(in_image, val);
	bool bad_l = in_log[0] && strcmp(in_log, val);

	printf("%s: %-6s %s  ", img, alg, val);
	if (!in_image[0] && !in_log[0])
		printf("(nothing stored to compare with)\n");
	else if (!bad_i && !bad_l)
		printf("matches %s\n", in_image[0] && in_log[0] ?
		       "the image and the log" : in_image[0] ? "the image" :
		       "the log");
	else {
		printf("MISMATCH:");
		if (bad_i)
			printf(" the image says %s", in_image);
		if (bad_l)
			printf("%s the log says %s", bad_i ? ";" : "", in_log);
		printf("\n");
		lt_error("'%s': %s mismatch: computed %s, %s %s", img, alg, val,
			 bad_i ? "the image says" : "the log says",
			 bad_i ? in_image : in_log);
	}
}

static int verify_one(const char *path)
{
	struct lt_verify_result *res = calloc(1, sizeof(*res));
	struct lt_verify_cb cb = { on_progress, on_checksum, should_stop,
				   (void *)path };
	struct lt_err err = LT_ERR_INIT;
	int rc;

	if (!res) {
		lt_error("out of memory");
		return LT_EXIT_INTERNAL;
	}
	rc = lt_verify(path, &cb, res, &err);
	lt_progress_done();
	if (rc && rc != LT_E_MISMATCH) {
		lt_error("cannot verify '%s': %s", path, err.msg);
		free(res);
		if (rc == LT_E_INTERRUPTED)
			return 128 + (got_signal ? got_signal : SIGINT);
		return rc == LT_E_NOMEM ? LT_EXIT_INTERNAL : LT_EXIT_INPUT;
	}
	if (res->log_incomplete)
		lt_warn("'%s': the acquisition log says the image is "
			"incomplete: %s", path,
			res->log_reason[0] ? res->log_reason : "no reason");
	if (res->computed & LT_HASH_MD5)
		report_hash(path, "md5", res->md5, res->image_md5,
			    res->log_md5);
	if (res->computed & LT_HASH_SHA1)
		report_hash(path, "sha1", res->sha1, res->image_sha1,
			    res->log_sha1);
	if (res->computed & LT_HASH_SHA256)
		report_hash(path, "sha256", res->sha256, "", res->log_sha256);
	if (res->size_mismatch) {
		printf("%s: size   %" PRIu64 " bytes  MISMATCH: the log says "
		       "%" PRIu64 "\n", path, res->size, res->log_size);
		lt_error("'%s': size mismatch: %" PRIu64 " bytes, the log says "
			 "%" PRIu64, path, res->size, res->log_size);
	}
	if (res->checksum_errors)
		printf("%s: %" PRIu64 " chunk(s) fail their checksum\n", path,
		       res->checksum_errors);
	printf("%s: %s\n", path, rc ? "FAILED" : "verified");
	if (rc)
		lt_error("'%s': %s", path, err.msg);
	free(res);
	return rc ? LT_EXIT_NO : LT_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct lt_opt opts[] = {
		OPT_GROUP("Messages"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct sigaction sa;
	int n, i, st, worst_input = 0, any_no = 0, other = 0;

	n = lt_parse_options(argc, argv, opts, &help);
	if (n < 1)
		lt_usage_error("verify", "no image given");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < n && !got_signal; i++) {
		st = verify_one(argv[i]);
		fflush(stdout);
		if (st == LT_EXIT_INPUT)
			worst_input = 1;
		else if (st == LT_EXIT_NO)
			any_no = 1;
		else if (st)
			other = st;
	}
	if (ferror(stdout)) {
		lt_error("cannot write output: %s", strerror(errno));
		return LT_EXIT_INTERNAL;
	}
	if (other)
		return other;
	if (worst_input)
		return LT_EXIT_INPUT;
	return any_no ? LT_EXIT_NO : LT_EXIT_OK;
}
