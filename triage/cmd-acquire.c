// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage acquire: image a block device or a file to E01 or raw, with
 * hashes, case metadata and bad-sector handling (triage/evidence/acquire.c
 * does the work).  Ctrl-C (or SIGTERM, SIGHUP) stops the copy: the image
 * written so far is closed properly, the log says it is incomplete, and we
 * then die of the same signal so that the caller sees it.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/acquire.h"
#include "leaktriage/exit.h"

#include <signal.h>
#include <strings.h>
#include <unistd.h>

static const struct lt_cmd_help help = {
	"acquire",
	"leaktriage acquire [options] SRC OUT",
	"Image SRC, a block device or a regular file, to OUT: an E01 set\n"
	"(EnCase 6, via libewf: OUT.E01, OUT.E02 ...; a trailing .E01 in OUT\n"
	"is not doubled) or a raw copy.  SRC is opened read-only and refused\n"
	"when it is mounted read-write; OUT is never overwritten.  The hashes\n"
	"are computed while reading, in threads of their own.  The E01 stores\n"
	"the case metadata, the MD5 (and SHA1) and its acquisition-error\n"
	"table; everything, SHA-256 included, also goes to OUT.log.json and\n"
	"OUT.log.txt.  Unreadable sectors are retried, then zero-filled and\n"
	"logged: the acquisition completes.  Ctrl-C leaves a closed image and\n"
	"a log that says it is incomplete.  An E01 always stores the MD5.",
	"Exit status: 0 imaged (also with unreadable sectors), 2 usage error,\n"
	"an OUT file exists or SRC is mounted read-write, 3 SRC cannot be\n"
	"read at all (missing, a directory, empty), 4 the image or its log\n"
	"cannot be created or written.  Interrupted: the signal's status\n"
	"(130 for Ctrl-C).\n\n"
	"Examples:\n"
	"  leaktriage acquire /dev/sdb saitama-pc01 --case-number 2015-07 \\\n"
	"      --evidence-number 1 --examiner 'T. Sato' --compression best\n"
	"  leaktriage acquire --format raw usb.img usb-copy.raw\n"
	"  leaktriage verify saitama-pc01.E01"
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

#define MAX_BAD_WARNINGS 100

struct acq_ui {
	struct timespec start;
	const char *src;
	uint64_t nbad;
};

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(const struct lt_acquire_progress *p, void *udata)
{
	struct acq_ui *ui = udata;
	double el = since(&ui->start);
	double rate = el > 0 ? (double)p->done / el : 0;
	double pct = p->total ? 100.0 * (double)p->done / (double)p->total : 0;

	if (rate > 0 && p->done < p->total) {
		uint64_t eta = (uint64_t)((double)(p->total - p->done) / rate);

		lt_progress("acquire: %5.1f%%  %.1f MB/s  ETA %" PRIu64
			    ":%02u:%02u%s", pct, rate / 1e6, eta / 3600,
			    (unsigned)(eta / 60 % 60), (unsigned)(eta % 60),
			    p->unreadable ? "  (unreadable sectors)" : "");
	} else {
		lt_progress("acquire: %5.1f%%  %.1f MB/s", pct, rate / 1e6);
	}
}

static void on_bad_range(const struct lt_acquire_range *r, void *udata)
{
	struct acq_ui *ui = udata;

	/* A dying disk has thousands: the log keeps them all. */
	if (++ui->nbad > MAX_BAD_WARNINGS) {
		if (ui->nbad == MAX_BAD_WARNINGS + 1)
			lt_warn("'%s': more unreadable ranges: see the log",
				ui->src);
		return;
	}
	if (r->errnum)
		lt_warn("'%s': bytes %" PRIu64 " to %" PRIu64 " (%" PRIu64
			" bytes) unreadable (%s): zero-filled", ui->src,
			r->offset, r->offset + r->length - 1, r->length,
			strerror(r->errnum));
	else
		lt_warn("'%s': the source ended at byte %" PRIu64 ", %" PRIu64
			" bytes early (it shrank or was truncated during the "
			"read): the rest is zero-filled", ui->src, r->offset,
			r->length);
}

static unsigned parse_hashes(const char *s)
{
	unsigned h = 0;
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 3 && !strncasecmp(p, "md5", 3))
			h |= LT_HASH_MD5;
		else if (n == 4 && !strncasecmp(p, "sha1", 4))
			h |= LT_HASH_SHA1;
		else if (n == 6 && !strncasecmp(p, "sha256", 6))
			h |= LT_HASH_SHA256;
		else
			lt_usage_error("acquire", "unknown hash '%.*s' in "
				       "'--hash %s' (md5, sha1, sha256)",
				       (int)n, p, s);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!h)
		lt_usage_error("acquire", "'--hash' wants md5, sha1 and/or "
			       "sha256");
	return h;
}

static void print_hashes(const struct lt_acquire_result *res)
{
	if (res->hashes & LT_HASH_MD5)
		printf("md5     %s\n", res->md5);
	if (res->hashes & LT_HASH_SHA1)
		printf("sha1    %s\n", res->sha1);
	if (res->hashes & LT_HASH_SHA256)
		printf("sha256  %s\n", res->sha256);
}

static void die_of_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	fflush(stdout);
	raise(sig);
	exit(128 + sig);
}

int cmd_acquire(int argc, char **argv)
{
	const char *format = "e01", *compression = NULL, *hashes = NULL;
	const char *case_number = NULL, *evidence_number = NULL;
	const char *examiner = NULL, *description = NULL, *notes = NULL;
	uint64_t segment_size = 0, sector_size = 0;
	int retries = 2;
	bool force = false;
	struct lt_opt opts[] = {
		OPT_GROUP("Image"),
		OPT_STR(0, "format", &format, "e01|raw",
			"image format (default e01)"),
		OPT_STR(0, "compression", &compression, "none|fast|best",
			"E01 compression (default fast)"),
		OPT_U64(0, "segment-size", &segment_size, "SIZE",
			"E01 segment file size, >= 1M (default 1.4G)"),
		OPT_STR(0, "hash", &hashes, "LIST",
			"md5,sha1,sha256 (default md5,sha1; raw: all)"),
		OPT_GROUP("Case metadata (in the E01 header and the log)"),
		OPT_STR(0, "case-number", &case_number, "S", "case number"),
		OPT_STR(0, "evidence-number", &evidence_number, "S",
			"evidence number"),
		OPT_STR(0, "examiner", &examiner, "S", "examiner name"),
		OPT_STR(0, "description", &description, "S", "description"),
		OPT_STR(0, "notes", &notes, "S", "notes"),
		OPT_GROUP("Source"),
		OPT_U64(0, "sector-size", &sector_size, "N",
			"bytes per sector (default: the device's, or 512)"),
		OPT_INT(0, "retries", &retries, "N",
			"re-reads of a failed block (default 2)"),
		OPT_BOOL(0, "force", &force,
			 "image a source that is mounted read-write"),
		OPT_GROUP("Messages"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_acquire_opts ao;
	struct lt_acquisition *acq = NULL;
	struct lt_acquire_result res;
	struct lt_acquire_cb cb;
	struct acq_ui ui;
	struct lt_err err = LT_ERR_INIT;
	struct sigaction sa;
	const struct lt_acquire_source *si;
	int n, rc, i;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	n = lt_parse_options(argc, argv, opts, &help);
	if (n != 2)
		lt_usage_error("acquire", n < 2 ? "SRC and OUT are needed" :
			       "too many operands: SRC and OUT only");
	lt_acquire_opts_init(&ao);
	if (!strcasecmp(format, "e01"))
		ao.format = LT_IMAGE_E01;
	else if (!strcasecmp(format, "raw"))
		ao.format = LT_IMAGE_RAW;
	else
		lt_usage_error("acquire", "unknown format '%s' (e01 or raw)",
			       format);
	if (compression) {
		if (ao.format == LT_IMAGE_RAW)
			lt_usage_error("acquire", "'--compression' is for E01 "
				       "images only");
		if (!strcmp(compression, "none"))
			ao.compression = LT_COMPRESS_NONE;
		else if (!strcmp(compression, "fast"))
			ao.compression = LT_COMPRESS_FAST;
		else if (!strcmp(compression, "best"))
			ao.compression = LT_COMPRESS_BEST;
		else
			lt_usage_error("acquire", "unknown compression '%s' "
				       "(none, fast or best)", compression);
	}
	if (segment_size) {
		if (ao.format == LT_IMAGE_RAW)
			lt_usage_error("acquire", "'--segment-size' is for E01 "
				       "images only");
		if (segment_size < (1u << 20))
			lt_usage_error("acquire", "'--segment-size' must be at "
				       "least 1M");
		ao.segment_size = segment_size;
	}
	if (sector_size && (sector_size < 512 || sector_size > 65536 ||
			    (sector_size & (sector_size - 1))))
		lt_usage_error("acquire", "'--sector-size' must be a power of "
			       "two from 512 to 65536");
	ao.sector_size = (uint32_t)sector_size;
	if (retries < 0 || retries > 255)
		lt_usage_error("acquire", "'--retries' must be 0 to 255");
	ao.retries = retries;
	if (hashes)
		ao.hashes = parse_hashes(hashes);
	ao.force = force;
	ao.case_number = case_number;
	ao.evidence_number = evidence_number;
	ao.examiner = examiner;
	ao.description = description;
	ao.notes = notes;
	ao.argc = lt_main_argc;
	ao.argv = lt_main_argv;

	rc = lt_acquire_open(argv[0], &ao, &acq, &err);
	switch (rc) {
	case LT_OK:
		break;
	case LT_E_ARG:
		lt_error("refusing to image '%s': %s (unmount it or remount it "
			 "read-only, or use --force)", argv[0], err.msg);
		return LT_EXIT_USAGE;
	case LT_E_NOMEM:
		lt_error("%s", err.msg);
		return LT_EXIT_INTERNAL;
	default:
		lt_error("cannot image '%s': %s", argv[0], err.msg);
		return LT_EXIT_INPUT;
	}
	rc = lt_acquire_create(acq, argv[1], &err);
	if (rc) {
		lt_error("%s", err.msg);
		lt_acquire_close(acq);
		return rc == LT_E_EXISTS || rc == LT_E_ARG ? LT_EXIT_USAGE :
		       LT_EXIT_INTERNAL;
	}
	si = lt_acquire_source_info(acq);
	if (si->mounted)
		lt_warn("'%s' is in use read-write (%s): the image may not be "
			"consistent", argv[0], si->mounted);
	lt_info(2, "imaging '%s' (%s, %" PRIu64 " bytes, sectors of %" PRIu32
		"%s%s%s%s) to '%s'", argv[0], si->kind, si->size,
		si->sector_size, si->model ? ", model " : "",
		si->model ? si->model : "", si->serial ? ", serial " : "",
		si->serial ? si->serial : "", lt_acquire_image_path(acq));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < (int)LT_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	ui.src = argv[0];
	ui.nbad = 0;
	clock_gettime(CLOCK_MONOTONIC, &ui.start);
	cb.progress = on_progress;
	cb.bad_range = on_bad_range;
	cb.stop = should_stop;
	cb.udata = &ui;
	rc = lt_acquire_run(acq, &cb, &res, &err);
	lt_progress_done();

	if (rc == LT_E_INTERRUPTED) {
		lt_error("interrupted: the image '%s' is incomplete (%" PRIu64
			 " of %" PRIu64 " bytes); '%s' says so",
			 lt_acquire_image_path(acq), res.bytes_written,
			 si->size, lt_acquire_log_path(acq));
		lt_acquire_close(acq);
		die_of_signal(got_signal ? got_signal : SIGINT);
	}
	if (rc) {
		lt_error("%s", err.msg);
		if (res.bytes_written)
			lt_error("the image '%s' is incomplete; '%s' says why",
				 lt_acquire_image_path(acq),
				 lt_acquire_log_path(acq));
		lt_acquire_close(acq);
		return rc == LT_E_NOMEM || rc == LT_E_INTERNAL ||
		       rc == LT_E_DEP || rc == LT_E_IO ? LT_EXIT_INTERNAL :
		       lt_exit_for(rc);
	}
	if (res.bytes_unreadable)
		lt_warn("'%s': %" PRIu64 " bytes in %" PRIu64 " range(s) could "
			"not be read and are zero-filled in the image (see "
			"'%s')", argv[0], res.bytes_unreadable, res.bad_ranges,
			lt_acquire_log_path(acq));
	if (res.padding)
		lt_warn("'%s': its size is not a multiple of %" PRIu32
			" bytes: the E01 ends with %" PRIu32 " zero bytes of "
			"padding (and the hashes include them)", argv[0],
			si->sector_size, res.padding);
	printf("image   %s", lt_acquire_image_path(acq));
	if (res.segments > 1)
		printf(" (%d files)", res.segments);
	printf("\nlog     %s\n", lt_acquire_log_path(acq));
	printf("bytes   %" PRIu64 "\n", res.bytes_written);
	if (res.bytes_unreadable)
		printf("unreadable %" PRIu64 "\n", res.bytes_unreadable);
	print_hashes(&res);
	lt_info(2, "'%s': %" PRIu64 " bytes in %.1f s", argv[0],
		res.bytes_written, since(&ui.start));
	lt_acquire_close(acq);
	if (fflush(stdout) || ferror(stdout)) {
		lt_error("cannot write output: %s", strerror(errno));
		return LT_EXIT_INTERNAL;
	}
	return LT_EXIT_OK;
}
