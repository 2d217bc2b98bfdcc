// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Forensic imaging of a block device or a regular file to E01 (libewf,
 * EnCase 6) or raw, with the hashes computed in the same pass.
 *
 * The pipeline: a reader thread fills a ring of 1 MiB blocks with pread();
 * one thread per hash algorithm and the calling thread (the writer) each
 * consume every block in order; a block is reused once all of them are
 * done with it.  So reading, hashing and compressing/writing overlap, and
 * memory stays at RING_SLOTS blocks whatever the source size.  For E01,
 * one "packer" thread per CPU compresses the EWF chunks of each block
 * (libewf_handle_prepare_write_chunk) before the writer stores them in
 * order (libewf_handle_write_chunk): libewf compresses under a lock per
 * handle, so each packer has a scratch handle with the same settings.
 *
 * Read errors: a failed block read is retried opts->retries times, then
 * the rest of the block is read in granules of 64 sectors, and a granule
 * that fails sector by sector (once each); sectors that still fail are
 * zero-filled and recorded.  pread() returning 0 before the announced
 * size means the source shrank: the rest is zero-filled without reading
 * and recorded as one range with errnum 0.
 *
 * The E01 is written in libewf's streaming mode (no media size announced):
 * libewf then sets the media size from what was written when the image is
 * finalized, so an interrupted acquisition still leaves a consistent,
 * verifiable (if short) image.  EWF stores whole sectors only: a source
 * whose size is not a multiple of the sector size gets zeros up to the
 * next sector boundary (res->padding), and the hashes include them.
 *
 * The calling thread is the only one that touches the image's libewf
 * handle, the callbacks and the list of bad ranges; workers only fill,
 * hash and pack ring blocks.
 */
#include "triage/core/compat.h"
#include "leaktriage/acquire.h"
#include "leaktriage/buf.h"
#include "leaktriage/json.h"
#include "leaktriage/timefmt.h"
#include "triage/evidence/ewf.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <libewf.h>
#include <linux/fs.h>
#include <pthread.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef LT_VERSION
#define LT_VERSION "unknown"
#endif

#define LT_ACQ_TAG 0x4c544151u /* "LTAQ" */
#define RING_SLOTS 16
#define SLOT_LEN ((size_t)1 << 20)
#define MAX_HASHERS 3
#define MAX_PACKERS 8
#define GRANULE_SECTORS 64
#define MIN_SEGMENT_SIZE ((uint64_t)1 << 20)

const char *lt_image_format_name(enum lt_image_format f)
{
	return f == LT_IMAGE_RAW ? "raw" : "e01";
}

const char *lt_compression_name(enum lt_compression c)
{
	switch (c) {
	case LT_COMPRESS_NONE: return "none";
	case LT_COMPRESS_FAST: return "fast";
	case LT_COMPRESS_BEST: return "best";
	}
	return "?";
}

void lt_acquire_opts_init(struct lt_acquire_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = LT_IMAGE_E01;
	o->compression = LT_COMPRESS_FAST;
	o->retries = 2;
}

struct lt_acquisition {
	unsigned tag;
	struct lt_acquire_opts opts; /* strings below are our copies */
	struct lt_acquire_source src;
	char *src_path, *src_real, *vendor, *model, *serial, *mounted;
	char *case_number, *evidence_number, *examiner, *description, *notes;
	char **argv;
	int argc;
	int fd;                 /* the source, O_RDONLY */
	bool is_dev;
	char *base;             /* E01 base name, or the raw image path */
	char *image_path, *log_path, *txt_path;
	int out_fd, log_fd, txt_fd; /* raw image (-1 for E01), logs */
	bool ran;
	/* Filled by lt_acquire_run() for the log. */
	char start[LT_TIME_ISO_MAX], end[LT_TIME_ISO_MAX];
	unsigned hashes;        /* algorithms being computed */
	uint64_t media_len;     /* image bytes expected */
	struct lt_acquire_range *bad;
	size_t nbad, abad;
	char **files;           /* the image's files, after the run */
	int nfiles;
};

/* --- small helpers ---------------------------------------------------- */

static char *dup_or_null(const char *s, bool *nomem)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		*nomem = true;
	return d;
}

static char *str_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 1);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	memcpy(p + la, b, lb + 1);
	return p;
}

/* Read a small sysfs/proc text file; NULL when absent or empty. */
static char *read_small(const char *path, size_t *len_out)
{
	char buf[4096];
	ssize_t n;
	char *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	do {
		n = read(fd, buf, sizeof(buf) - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	p = malloc((size_t)n + 1);
	if (!p)
		return NULL;
	memcpy(p, buf, (size_t)n + 1);
	if (len_out)
		*len_out = (size_t)n;
	return p;
}

/* Trim, keep printable ASCII only (device strings are space-padded). */
static char *clean_ident(char *s)
{
	char *d, *p;
	size_t n;

	if (!s)
		return NULL;
	for (d = p = s; *p; p++)
		if (*p >= 0x20 && *p < 0x7f)
			*d++ = *p;
	*d = '\0';
	for (p = s; *p == ' '; p++)
		;
	n = strlen(p);
	while (n && p[n - 1] == ' ')
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

static char *read_ident(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return clean_ident(read_small(path, NULL));
}

/* SCSI VPD page 0x80: 4 header bytes, then the serial (length in [3]). */
static char *read_vpd80(const char *dir)
{
	char path[PATH_MAX];
	size_t len = 0, n;
	char *s, *out;

	snprintf(path, sizeof(path), "%s/device/vpd_pg80", dir);
	s = read_small(path, &len);
	if (!s)
		return NULL;
	if (len <= 4) {
		free(s);
		return NULL;
	}
	n = LT_MIN((size_t)(unsigned char)s[3], len - 4);
	out = malloc(n + 1);
	if (out) {
		memcpy(out, s + 4, n);
		out[n] = '\0';
	}
	free(s);
	return clean_ident(out);
}

static bool sysfs_dir_of(dev_t d, char *out, size_t len)
{
	char path[64];
	char *r;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(d),
		 minor(d));
	r = realpath(path, NULL);
	if (!r)
		return false;
	snprintf(out, len, "%s", r);
	free(r);
	return true;
}

static bool parse_devno(const char *s, dev_t *d)
{
	unsigned ma, mi;

	if (!s || sscanf(s, "%u:%u", &ma, &mi) != 2)
		return false;
	*d = makedev(ma, mi);
	return true;
}

/* Vendor, model and serial of a block device (its disk, for a partition). */
static void sysfs_ident(struct lt_acquisition *a, dev_t d)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;
	char *slash;

	if (!sysfs_dir_of(d, dir, sizeof(dir)))
		return;
	snprintf(path, sizeof(path), "%s/partition", dir);
	if (stat(path, &st) == 0) {
		slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
	}
	a->vendor = read_ident(dir, "device/vendor");
	a->model = read_ident(dir, "device/model");
	a->serial = read_ident(dir, "device/serial");
	if (!a->serial)
		a->serial = read_ident(dir, "serial");
	if (!a->serial)
		a->serial = read_vpd80(dir);
	if (!a->serial)
		a->serial = read_ident(dir, "device/wwid");
}

/* --- is the source in use read-write? ---------------------------------- */

struct devset {
	dev_t d[128];
	int n;
};

static void devset_add(struct devset *s, dev_t d)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->d[i] == d)
			return;
	if (s->n < (int)LT_ARRAY_SIZE(s->d))
		s->d[s->n++] = d;
}

static bool devset_has(const struct devset *s, dev_t d)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->d[i] == d)
			return true;
	return false;
}

/*
 * The device at sysfs dir, its partitions and, recursively, the devices
 * built on them (device-mapper, md: the "holders"): writing to any of
 * them writes to the source.
 */
static void collect_devs(const char *dir, struct devset *s, int depth)
{
	char path[PATH_MAX + 300];
	DIR *dp;
	struct dirent *de;
	dev_t d;
	char *t;

	if (depth > 4)
		return;
	snprintf(path, sizeof(path), "%s/dev", dir);
	t = read_small(path, NULL);
	if (parse_devno(t, &d))
		devset_add(s, d);
	free(t);
	dp = opendir(dir);
	if (dp) {
		while ((de = readdir(dp))) {
			struct stat st;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/partition", dir,
				 de->d_name);
			if (stat(path, &st) == 0) {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 de->d_name);
				collect_devs(path, s, depth + 1);
			}
		}
		closedir(dp);
	}
	snprintf(path, sizeof(path), "%s/holders", dir);
	dp = opendir(path);
	if (!dp)
		return;
	while ((de = readdir(dp))) {
		char *r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/holders/%s", dir, de->d_name);
		r = realpath(path, NULL);
		if (r) {
			collect_devs(r, s, depth + 1);
			free(r);
		}
	}
	closedir(dp);
}

/* Loop devices whose backing file is `real` (a file image attached). */
static void collect_loops(const char *real, struct devset *s)
{
	DIR *dp = opendir("/sys/block");
	struct dirent *de;
	char path[PATH_MAX];

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		char *bf;
		size_t n;

		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file",
			 de->d_name);
		bf = read_small(path, NULL);
		if (!bf)
			continue;
		n = strlen(bf);
		while (n && (bf[n - 1] == '\n' || bf[n - 1] == ' '))
			bf[--n] = '\0';
		if (n > 10 && !strcmp(bf + n - 10, " (deleted)"))
			bf[n - 10] = '\0';
		if (!strcmp(bf, real)) {
			char *r;

			snprintf(path, sizeof(path), "/sys/block/%s",
				 de->d_name);
			r = realpath(path, NULL);
			if (r) {
				collect_devs(r, s, 0);
				free(r);
			}
		}
		free(bf);
	}
	closedir(dp);
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_mount(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/*
 * Find a read-write mount (or active swap) of the source: a device in the
 * set, or (file system images mounted through FUSE) the file itself as the
 * mount source.  Fills where ("'/dev/sda1' on '/'") and returns true.
 */
static bool find_rw_use(const struct devset *s, const char *real,
			char *where, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	while (f && !found && getline(&line, &cap, f) > 0) {
		char *fld[32], *p = line;
		int n = 0, i;
		dev_t d;
		bool rw, hit = false;
		char *src = NULL;

		/* id parent maj:min root mountpoint options [optional...] -
		 * fstype source super-options */
		line[strcspn(line, "\n")] = '\0';
		while (n < 32 && (fld[n] = strsep(&p, " ")))
			n++;
		if (n < 7)
			continue;
		rw = !strncmp(fld[5], "rw", 2) &&
		     (fld[5][2] == ',' || fld[5][2] == '\0');
		if (!rw)
			continue;
		for (i = 6; i < n; i++)
			if (!strcmp(fld[i], "-"))
				break;
		if (i + 2 < n) {
			src = fld[i + 2];
			unescape_mount(src);
		}
		if (parse_devno(fld[2], &d) && devset_has(s, d))
			hit = true;
		if (!hit && src && src[0] == '/') {
			struct stat st;
			char *r;

			if (stat(src, &st) == 0 && S_ISBLK(st.st_mode) &&
			    devset_has(s, st.st_rdev))
				hit = true;
			if (!hit && real && (r = realpath(src, NULL))) {
				hit = !strcmp(r, real);
				free(r);
			}
		}
		if (hit) {
			unescape_mount(fld[4]);
			snprintf(where, len, "'%s' on '%s'", src ? src : fld[2],
				 fld[4]);
			found = true;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/swaps", "re");
	while (f && !found && getline(&line, &cap, f) > 0) {
		struct stat st;
		char *name = line;

		name[strcspn(name, " \t\n")] = '\0';
		if (name[0] == '/' && stat(name, &st) == 0 &&
		    S_ISBLK(st.st_mode) && devset_has(s, st.st_rdev)) {
			snprintf(where, len, "'%s' as swap", name);
			found = true;
		}
	}
	if (f)
		fclose(f);
	free(line);
	return found;
}

/* --- output names -------------------------------------------------------- */

static bool ends_with_e01(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && !strcasecmp(s + n - 4, ".E01");
}

bool lt_acquire_log_name(const char *image, enum lt_image_format f,
			 char *out, size_t len)
{
	size_t n = strlen(image);
	int w;

	if (f == LT_IMAGE_E01 && ends_with_e01(image))
		n -= 4;
	w = snprintf(out, len, "%.*s.log.json", (int)n, image);
	return w >= 0 && (size_t)w < len;
}

static bool is_seg_ext(const char *e)
{
	/* ".E01" .. ".E99", ".EAA" .. ".EZZ" (any case) */
	return e[0] == '.' && (e[1] == 'E' || e[1] == 'e') &&
	       isalnum((unsigned char)e[2]) &&
	       isalnum((unsigned char)e[3]) && e[4] == '\0';
}

/* Refuse when any segment of the E01 set `base` already exists. */
static int check_segments(const char *base, struct lt_err *err)
{
	const char *slash = strrchr(base, '/');
	char dir[PATH_MAX];
	const char *name = slash ? slash + 1 : base;
	size_t nlen = strlen(name);
	DIR *dp;
	struct dirent *de;
	int rc = LT_OK;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(slash == base ? 1 : slash - base), base);
	else
		snprintf(dir, sizeof(dir), ".");
	dp = opendir(dir);
	if (!dp) {
		if (errno == ENOENT)
			return lt_err_set(err, LT_E_IO, "cannot write to '%s': "
					  "no such directory", dir);
		return LT_OK; /* the create below says why */
	}
	while ((de = readdir(dp))) {
		if (!strncmp(de->d_name, name, nlen) &&
		    is_seg_ext(de->d_name + nlen)) {
			rc = lt_err_set(err, LT_E_EXISTS, "'%s%s%s' exists: "
					"refusing to overwrite",
					slash ? dir : "",
					slash && strcmp(dir, "/") ? "/" : "",
					de->d_name);
			break;
		}
	}
	closedir(dp);
	return rc;
}

static int create_excl(const char *path, int *fd, struct lt_err *err)
{
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (*fd >= 0)
		return LT_OK;
	if (errno == EEXIST)
		return lt_err_set(err, LT_E_EXISTS,
				  "'%s' exists: refusing to overwrite", path);
	return lt_err_set(err, LT_E_IO, "cannot create '%s': %s", path,
			  strerror(errno));
}

/* --- open ---------------------------------------------------------------- */

static int check_opts(const struct lt_acquire_opts *o, struct lt_err *err)
{
	if (o->format != LT_IMAGE_E01 && o->format != LT_IMAGE_RAW)
		return lt_err_set(err, LT_E_ARG, "unknown image format");
	if (o->compression < LT_COMPRESS_NONE ||
	    o->compression > LT_COMPRESS_BEST)
		return lt_err_set(err, LT_E_ARG, "unknown compression");
	if (o->sector_size &&
	    (o->sector_size < 512 || o->sector_size > 65536 ||
	     (o->sector_size & (o->sector_size - 1))))
		return lt_err_set(err, LT_E_ARG, "sector size %" PRIu32 " is "
				  "not a power of two from 512 to 65536",
				  o->sector_size);
	if (o->retries < 0 || o->retries > 255)
		return lt_err_set(err, LT_E_ARG, "retries must be 0 to 255");
	if (o->segment_size && o->segment_size < MIN_SEGMENT_SIZE)
		return lt_err_set(err, LT_E_ARG, "segment size must be at "
				  "least 1 MiB");
	if (o->hashes & ~(unsigned)(LT_HASH_MD5 | LT_HASH_SHA1 |
				    LT_HASH_SHA256))
		return lt_err_set(err, LT_E_ARG, "unknown hash algorithm");
	return LT_OK;
}

static int check_in_use(struct lt_acquisition *a, const struct stat *st,
			struct lt_err *err)
{
	struct devset set = { { 0 }, 0 };
	char where[PATH_MAX * 2 + 16], dir[PATH_MAX];

	if (a->is_dev && sysfs_dir_of(st->st_rdev, dir, sizeof(dir)))
		collect_devs(dir, &set, 0);
	if (a->is_dev)
		devset_add(&set, st->st_rdev);
	else if (a->src_real)
		collect_loops(a->src_real, &set);
	if (!find_rw_use(&set, a->is_dev ? NULL : a->src_real, where,
			 sizeof(where)))
		return LT_OK;
	if (!a->opts.force)
		return lt_err_set(err, LT_E_ARG, "in use read-write: %s",
				  where);
	a->mounted = strdup(where);
	if (!a->mounted)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	return LT_OK;
}

static int open_source(struct lt_acquisition *a, const char *src,
		       struct lt_err *err)
{
	struct stat st;
	int flags = O_RDONLY | O_CLOEXEC;

	if (stat(src, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return lt_err_set(err, LT_E_NOTFOUND,
					  "no such file or device");
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "is a directory (acquire images a block "
				  "device or a regular file)");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "not a block device or a regular file");
	a->is_dev = S_ISBLK(st.st_mode);
	/* Before opening: a device in use is not even opened. */
	LT_TRY(check_in_use(a, &st, err));
	/* Keep the source's atime as it was, where we may. */
	if (!a->is_dev)
		a->fd = open(src, flags | O_NOATIME);
	if (a->fd < 0)
		a->fd = open(src, flags);
	if (a->fd < 0)
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	if (fstat(a->fd, &st) < 0)
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	if (a->is_dev) {
		uint64_t size = 0;
		int ss = 0;

		if (!S_ISBLK(st.st_mode))
			return lt_err_set(err, LT_E_IO, "changed while opened");
		if (ioctl(a->fd, BLKGETSIZE64, &size) < 0)
			return lt_err_set(err, LT_E_IO, "cannot get the device "
					  "size: %s", strerror(errno));
		a->src.size = size;
		if (!a->opts.sector_size && ioctl(a->fd, BLKSSZGET, &ss) == 0 &&
		    ss >= 512 && ss <= 65536 && !(ss & (ss - 1)))
			a->src.sector_size = (uint32_t)ss;
		a->src.kind = "block device";
		sysfs_ident(a, st.st_rdev);
	} else {
		if (!S_ISREG(st.st_mode))
			return lt_err_set(err, LT_E_IO, "changed while opened");
		a->src.size = (uint64_t)st.st_size;
		a->src.kind = "file";
	}
	if (a->opts.sector_size)
		a->src.sector_size = a->opts.sector_size;
	if (!a->src.sector_size)
		a->src.sector_size = 512;
	if (!a->src.size)
		return lt_err_set(err, LT_E_UNSUPPORTED, "is empty");
	posix_fadvise(a->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return LT_OK;
}

static int name_outputs(struct lt_acquisition *a, const char *out,
			struct lt_err *err)
{
	size_t n = strlen(out);

	if (!n || out[n - 1] == '/')
		return lt_err_set(err, LT_E_ARG, "'%s' is not a file name",
				  out);
	if (a->opts.format == LT_IMAGE_E01) {
		if (ends_with_e01(out))
			n -= 4;
		if (!n || out[n - 1] == '/')
			return lt_err_set(err, LT_E_ARG, "'%s' is not a file "
					  "name", out);
		a->base = strndup(out, n);
		if (!a->base)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		a->image_path = str_cat(a->base, ".E01");
	} else {
		a->base = strdup(out);
		if (!a->base)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		a->image_path = strdup(out);
	}
	a->log_path = str_cat(a->base, ".log.json");
	a->txt_path = str_cat(a->base, ".log.txt");
	if (!a->image_path || !a->log_path || !a->txt_path)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	return LT_OK;
}

static int reserve_outputs(struct lt_acquisition *a, struct lt_err *err)
{
	const char *paths[3] = { a->image_path, a->log_path, a->txt_path };
	int *fds[3] = { &a->out_fd, &a->log_fd, &a->txt_fd };
	struct stat st;
	int i, rc;

	for (i = 0; i < 3; i++)
		if (lstat(paths[i], &st) == 0)
			return lt_err_set(err, LT_E_EXISTS, "'%s' exists: "
					  "refusing to overwrite", paths[i]);
	if (a->opts.format == LT_IMAGE_E01)
		LT_TRY(check_segments(a->base, err));
	for (i = 0; i < 3; i++) {
		rc = create_excl(paths[i], fds[i], err);
		if (rc) {
			while (--i >= 0) {
				close(*fds[i]);
				*fds[i] = -1;
				unlink(paths[i]);
			}
			return rc;
		}
	}
	if (a->opts.format == LT_IMAGE_E01) {
		/* libewf opens OUT.E01 itself; our empty file reserved it. */
		close(a->out_fd);
		a->out_fd = -1;
	}
	return LT_OK;
}

int lt_acquire_open(const char *src, const struct lt_acquire_opts *opts,
		    struct lt_acquisition **acq, struct lt_err *err)
{
	struct lt_acquisition *a;
	bool nomem = false;
	int rc, i;

	LT_TRY(check_opts(opts, err));
	a = calloc(1, sizeof(*a));
	if (!a)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	a->tag = LT_ACQ_TAG;
	a->fd = a->out_fd = a->log_fd = a->txt_fd = -1;
	a->opts = *opts;
	a->src_path = dup_or_null(src, &nomem);
	a->src_real = realpath(src, NULL);
	a->case_number = dup_or_null(opts->case_number, &nomem);
	a->evidence_number = dup_or_null(opts->evidence_number, &nomem);
	a->examiner = dup_or_null(opts->examiner, &nomem);
	a->description = dup_or_null(opts->description, &nomem);
	a->notes = dup_or_null(opts->notes, &nomem);
	if (opts->argc > 0 && opts->argv) {
		a->argv = calloc((size_t)opts->argc, sizeof(*a->argv));
		if (!a->argv)
			nomem = true;
		for (i = 0; a->argv && i < opts->argc; i++) {
			a->argv[i] = strdup(opts->argv[i] ? opts->argv[i] : "");
			if (!a->argv[i])
				nomem = true;
			a->argc = i + 1;
		}
	}
	/* Only our copies are used from here on. */
	a->opts.argv = NULL;
	a->opts.case_number = a->opts.evidence_number = NULL;
	a->opts.examiner = a->opts.description = a->opts.notes = NULL;
	if (nomem || !a->src_path) {
		lt_acquire_close(a);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	a->src.path = a->src_path;
	rc = open_source(a, src, err);
	if (rc) {
		lt_acquire_close(a);
		return rc;
	}
	a->src.vendor = a->vendor;
	a->src.model = a->model;
	a->src.serial = a->serial;
	a->src.mounted = a->mounted;
	*acq = a;
	return LT_OK;
}

int lt_acquire_create(struct lt_acquisition *a, const char *out,
		      struct lt_err *err)
{
	int rc;

	if (a->tag != LT_ACQ_TAG)
		LT_BUG("lt_acquire_create on a bad handle");
	if (a->base)
		return lt_err_set(err, LT_E_ARG, "the outputs are already "
				  "created");
	rc = name_outputs(a, out, err);
	/* Existing paths (a device node too) are never written to. */
	if (!rc)
		rc = reserve_outputs(a, err);
	if (rc) {
		free(a->base);
		free(a->image_path);
		free(a->log_path);
		free(a->txt_path);
		a->base = a->image_path = a->log_path = a->txt_path = NULL;
	}
	return rc;
}

const struct lt_acquire_source *
lt_acquire_source_info(const struct lt_acquisition *a)
{
	return &a->src;
}

const char *lt_acquire_image_path(const struct lt_acquisition *a)
{
	return a->image_path;
}

const char *lt_acquire_log_path(const struct lt_acquisition *a)
{
	return a->log_path;
}

const char *lt_acquire_log_txt_path(const struct lt_acquisition *a)
{
	return a->txt_path;
}

void lt_acquire_close(struct lt_acquisition *a)
{
	int i;

	if (!a)
		return;
	if (a->tag != LT_ACQ_TAG)
		LT_BUG("lt_acquire_close on a bad handle");
	if (a->fd >= 0)
		close(a->fd);
	if (a->out_fd >= 0)
		close(a->out_fd);
	if (a->log_fd >= 0)
		close(a->log_fd);
	if (a->txt_fd >= 0)
		close(a->txt_fd);
	free(a->src_path);
	free(a->src_real);
	free(a->vendor);
	free(a->model);
	free(a->serial);
	free(a->mounted);
	free(a->case_number);
	free(a->evidence_number);
	free(a->examiner);
	free(a->description);
	free(a->notes);
	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	free(a->base);
	free(a->image_path);
	free(a->log_path);
	free(a->txt_path);
	free(a->bad);
	for (i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	a->tag = 0;
	free(a);
}

/* --- the logs ------------------------------------------------------------ */

static const char *range_error(const struct lt_acquire_range *r)
{
	return r->errnum ? strerror(r->errnum) :
	       "end of source (it shrank or was truncated during the read)";
}

/* Sectors touched by the range (it need not start on a boundary). */
static uint64_t range_sectors(const struct lt_acquire_range *r,
			      const struct lt_acquisition *a)
{
	uint64_t ss = a->src.sector_size;

	return (r->offset + r->length + ss - 1) / ss - r->offset / ss;
}

static void json_opt_str(struct lt_json *j, const char *k, const char *v)
{
	lt_json_key_cstr(j, k, v);
}

static void build_json(struct lt_acquisition *a,
		       const struct lt_acquire_result *res, bool final,
		       struct lt_buf *b)
{
	struct lt_json j;
	size_t i;
	bool e01 = a->opts.format == LT_IMAGE_E01;

	lt_json_init(&j, b);
	lt_json_obj_begin(&j);
	lt_json_key(&j, "tool");
	lt_json_obj_begin(&j);
	lt_json_key_cstr(&j, "name", "leaktriage");
	lt_json_key_cstr(&j, "version", LT_VERSION);
	lt_json_obj_end(&j);
	lt_json_key_cstr(&j, "command", "acquire");
	lt_json_key(&j, "command_line");
	lt_json_arr_begin(&j);
	for (i = 0; i < (size_t)a->argc; i++)
		lt_json_cstr(&j, a->argv[i]);
	lt_json_arr_end(&j);
	lt_json_key_bool(&j, "complete", final && res->complete);
	lt_json_key_cstr(&j, "incomplete_reason",
			 !final ? "the acquisition is in progress, or the "
				  "program was killed before it ended" :
			 res->complete ? NULL : res->reason);
	lt_json_key(&j, "case");
	lt_json_obj_begin(&j);
	json_opt_str(&j, "case_number", a->case_number);
	json_opt_str(&j, "evidence_number", a->evidence_number);
	json_opt_str(&j, "examiner", a->examiner);
	json_opt_str(&j, "description", a->description);
	json_opt_str(&j, "notes", a->notes);
	lt_json_obj_end(&j);

	lt_json_key(&j, "source");
	lt_json_obj_begin(&j);
	lt_json_key_cstr(&j, "path", a->src_path);
	lt_json_key_cstr(&j, "realpath", a->src_real);
	lt_json_key_cstr(&j, "kind", a->src.kind);
	lt_json_key_u64(&j, "size", a->src.size);
	lt_json_key_u64(&j, "sector_size", a->src.sector_size);
	json_opt_str(&j, "vendor", a->vendor);
	json_opt_str(&j, "model", a->model);
	json_opt_str(&j, "serial", a->serial);
	json_opt_str(&j, "in_use_read_write", a->mounted);
	lt_json_key(&j, "ended_at");
	if (res->ended_early)
		lt_json_u64(&j, res->ended_at);
	else
		lt_json_null(&j);
	lt_json_obj_end(&j);

	lt_json_key(&j, "image");
	lt_json_obj_begin(&j);
	lt_json_key_cstr(&j, "format", lt_image_format_name(a->opts.format));
	if (e01) {
		lt_json_key_cstr(&j, "ewf_format", "encase6");
		lt_json_key_cstr(&j, "compression",
				 lt_compression_name(a->opts.compression));
		lt_json_key_u64(&j, "segment_size",
				a->opts.segment_size ? a->opts.segment_size :
				(uint64_t)LIBEWF_DEFAULT_SEGMENT_FILE_SIZE);
		lt_json_key_u64(&j, "bytes_per_sector", a->src.sector_size);
	}
	lt_json_key_cstr(&j, "path", a->image_path);
	lt_json_key(&j, "files");
	lt_json_arr_begin(&j);
	if (a->nfiles)
		for (i = 0; i < (size_t)a->nfiles; i++)
			lt_json_cstr(&j, a->files[i]);
	else
		lt_json_cstr(&j, a->image_path);
	lt_json_arr_end(&j);
	lt_json_key_u64(&j, "size", res->bytes_written);
	lt_json_key_u64(&j, "padding", res->padding);
	lt_json_obj_end(&j);

	lt_json_key_cstr(&j, "start", a->start);
	lt_json_key_cstr(&j, "end", final ? a->end : NULL);
	lt_json_key_u64(&j, "bytes_read", res->bytes_read);
	lt_json_key_u64(&j, "bytes_written", res->bytes_written);
	lt_json_key_u64(&j, "bytes_unreadable", res->bytes_unreadable);

	lt_json_key(&j, "hashes");
	lt_json_obj_begin(&j);
	if (final && res->hashes) {
		if (res->hashes & LT_HASH_MD5)
			lt_json_key_cstr(&j, "md5", res->md5);
		if (res->hashes & LT_HASH_SHA1)
			lt_json_key_cstr(&j, "sha1", res->sha1);
		if (res->hashes & LT_HASH_SHA256)
			lt_json_key_cstr(&j, "sha256", res->sha256);
	}
	lt_json_obj_end(&j);
	lt_json_key(&j, "hashes_in_image");
	lt_json_arr_begin(&j);
	if (final && e01 && res->hashes) {
		lt_json_cstr(&j, "md5");
		if (res->hashes & LT_HASH_SHA1)
			lt_json_cstr(&j, "sha1");
	}
	lt_json_arr_end(&j);

	lt_json_key(&j, "bad_ranges");
	lt_json_arr_begin(&j);
	for (i = 0; i < a->nbad; i++) {
		const struct lt_acquire_range *r = &a->bad[i];

		lt_json_obj_begin(&j);
		lt_json_key_u64(&j, "offset", r->offset);
		lt_json_key_u64(&j, "length", r->length);
		lt_json_key_u64(&j, "first_sector",
				r->offset / a->src.sector_size);
		lt_json_key_u64(&j, "sectors", range_sectors(r, a));
		lt_json_key_cstr(&j, "error", range_error(r));
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_obj_end(&j);
	lt_buf_addc(b, '\n');
}

/* A command-line word as a POSIX shell would need it quoted. */
static void add_shell_word(struct lt_buf *b, const char *w)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz"
				   "0123456789_./:=,+-@%";
	const char *p;

	if (*w && strspn(w, safe) == strlen(w)) {
		lt_buf_adds(b, w);
		return;
	}
	lt_buf_addc(b, '\'');
	for (p = w; *p; p++) {
		if (*p == '\'')
			lt_buf_adds(b, "'\\''");
		else
			lt_buf_addc(b, *p);
	}
	lt_buf_addc(b, '\'');
}

/* One line of text: control characters become spaces. */
static void txt_val(struct lt_buf *b, const char *label, const char *v)
{
	size_t start;

	lt_buf_addf(b, "%-18s", label);
	start = b->len;
	lt_utf8_sanitize(b, v ? v : "-", strlen(v ? v : "-"));
	for (size_t i = start; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == 0x7f)
			b->buf[i] = ' ';
	lt_buf_addc(b, '\n');
}

static void build_txt(struct lt_acquisition *a,
		      const struct lt_acquire_result *res, bool final,
		      struct lt_buf *b)
{
	struct lt_buf t;
	size_t i;
	bool e01 = a->opts.format == LT_IMAGE_E01;

	lt_buf_init(&t, 0);
	lt_buf_addf(b, "leaktriage %s acquisition log\n\n", LT_VERSION);
	for (i = 0; i < (size_t)a->argc; i++) {
		if (i)
			lt_buf_addc(&t, ' ');
		add_shell_word(&t, a->argv[i]);
	}
	txt_val(b, "Command line:", lt_buf_str(&t));
	lt_buf_reset(&t);
	if (!final)
		txt_val(b, "Status:", "INCOMPLETE: in progress, or the program "
			"was killed before it ended");
	else if (res->complete)
		txt_val(b, "Status:", "complete");
	else {
		lt_buf_addf(&t, "INCOMPLETE: %s", res->reason);
		txt_val(b, "Status:", lt_buf_str(&t));
		lt_buf_reset(&t);
	}
	lt_buf_addc(b, '\n');
	txt_val(b, "Case number:", a->case_number);
	txt_val(b, "Evidence number:", a->evidence_number);
	txt_val(b, "Examiner:", a->examiner);
	txt_val(b, "Description:", a->description);
	txt_val(b, "Notes:", a->notes);
	lt_buf_addc(b, '\n');
	lt_buf_addf(&t, "%s (%s)", a->src_path, a->src.kind);
	txt_val(b, "Source:", lt_buf_str(&t));
	lt_buf_reset(&t);
	lt_buf_addf(&t, "%" PRIu64 " bytes, sectors of %" PRIu32 " bytes",
		    a->src.size, a->src.sector_size);
	txt_val(b, "Source size:", lt_buf_str(&t));
	lt_buf_reset(&t);
	if (a->is_dev) {
		txt_val(b, "Vendor:", a->vendor);
		txt_val(b, "Model:", a->model);
		txt_val(b, "Serial number:", a->serial);
	}
	if (a->mounted)
		txt_val(b, "In use (forced):", a->mounted);
	if (res->ended_early) {
		lt_buf_addf(&t, "at byte %" PRIu64 " of %" PRIu64,
			    res->ended_at, a->src.size);
		txt_val(b, "Source ended:", lt_buf_str(&t));
		lt_buf_reset(&t);
	}
	lt_buf_addc(b, '\n');
	if (e01)
		lt_buf_addf(&t, "E01 (EnCase 6), compression %s, segments of "
			    "%" PRIu64 " bytes, %" PRIu32 " bytes per sector",
			    lt_compression_name(a->opts.compression),
			    a->opts.segment_size ? a->opts.segment_size :
			    (uint64_t)LIBEWF_DEFAULT_SEGMENT_FILE_SIZE,
			    a->src.sector_size);
	else
		lt_buf_adds(&t, "raw");
	txt_val(b, "Image format:", lt_buf_str(&t));
	lt_buf_reset(&t);
	if (a->nfiles) {
		for (i = 0; i < (size_t)a->nfiles; i++) {
			if (i)
				lt_buf_adds(&t, ", ");
			lt_buf_adds(&t, a->files[i]);
		}
		txt_val(b, "Image files:", lt_buf_str(&t));
		lt_buf_reset(&t);
	} else {
		txt_val(b, "Image:", a->image_path);
	}
	txt_val(b, "Started:", a->start);
	txt_val(b, "Ended:", final ? a->end : NULL);
	lt_buf_addf(&t, "%" PRIu64, res->bytes_read);
	txt_val(b, "Bytes read:", lt_buf_str(&t));
	lt_buf_reset(&t);
	lt_buf_addf(&t, "%" PRIu64, res->bytes_written);
	if (res->padding)
		lt_buf_addf(&t, " (%" PRIu32 " zero bytes of padding to a "
			    "whole sector)", res->padding);
	txt_val(b, "Image bytes:", lt_buf_str(&t));
	lt_buf_reset(&t);
	lt_buf_addf(&t, "%" PRIu64 " in %zu range(s), zero-filled",
		    res->bytes_unreadable, a->nbad);
	txt_val(b, "Unreadable bytes:", lt_buf_str(&t));
	lt_buf_reset(&t);
	lt_buf_addc(b, '\n');
	if (final && res->hashes) {
		if (res->hashes & LT_HASH_MD5)
			txt_val(b, e01 ? "MD5 (in image):" : "MD5:", res->md5);
		if (res->hashes & LT_HASH_SHA1)
			txt_val(b, e01 ? "SHA1 (in image):" : "SHA1:",
				res->sha1);
		if (res->hashes & LT_HASH_SHA256)
			txt_val(b, "SHA256:", res->sha256);
	} else {
		txt_val(b, "Hashes:", "none (the image is not finished)");
	}
	if (a->nbad) {
		lt_buf_adds(b, "\nUnreadable ranges (byte offset, length, "
			       "first sector, sectors, error):\n");
		for (i = 0; i < a->nbad; i++) {
			const struct lt_acquire_range *r = &a->bad[i];

			lt_buf_addf(b, "  %" PRIu64 " %" PRIu64 " %" PRIu64
				    " %" PRIu64 " %s\n", r->offset, r->length,
				    r->offset / a->src.sector_size,
				    range_sectors(r, a), range_error(r));
		}
	}
	lt_buf_release(&t);
}

static int put_file(int fd, const char *path, const struct lt_buf *b,
		    struct lt_err *err)
{
	size_t done = 0;

	if (lt_buf_status(b))
		return lt_err_set(err, lt_buf_status(b), "cannot build '%s': "
				  "%s", path, lt_strerror(lt_buf_status(b)));
	if (ftruncate(fd, 0) < 0)
		return lt_err_set(err, LT_E_IO, "cannot write '%s': %s", path,
				  strerror(errno));
	while (done < b->len) {
		ssize_t n = pwrite(fd, b->buf + done, b->len - done,
				   (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lt_err_set(err, LT_E_IO, "cannot write '%s': %s",
					  path, n < 0 ? strerror(errno) :
					  "short write");
		done += (size_t)n;
	}
	if (fsync(fd) < 0 && errno != EINVAL)
		return lt_err_set(err, LT_E_IO, "cannot write '%s': %s", path,
				  strerror(errno));
	return LT_OK;
}

static int write_logs(struct lt_acquisition *a,
		      const struct lt_acquire_result *res, bool final,
		      struct lt_err *err)
{
	struct lt_buf b;
	int rc;

	lt_buf_init(&b, SIZE_MAX / 4);
	build_json(a, res, final, &b);
	rc = put_file(a->log_fd, a->log_path, &b, err);
	lt_buf_reset(&b);
	build_txt(a, res, final, &b);
	if (!rc)
		rc = put_file(a->txt_fd, a->txt_path, &b, err);
	lt_buf_release(&b);
	return rc;
}

/* --- the ring ---------------------------------------------------------- */

/* One EWF chunk as a packer thread prepared it for the writer. */
struct packed {
	uint32_t size;          /* bytes to store (compressed or not) */
	uint32_t data_size;     /* media bytes it holds */
	uint32_t checksum;
	int8_t is_compressed;
	int8_t write_checksum;
};

struct slot {
	uint8_t *buf;
	size_t len;          /* image bytes in buf */
	uint64_t off;
	uint64_t good;       /* bytes that were read (not zero-filled) */
	struct lt_acquire_range *bad;
	size_t nbad, abad;
	/* With packers: the chunks of buf, ready to store. */
	struct packed *pk;
	uint8_t *pkbuf;      /* chunk i at i * run.pk_stride */
	bool pack_failed;
};

/*
 * Consumers: 0 is the writer (the calling thread), then the hashers, then
 * the packers.  Every consumer sees every block in order; the writer
 * takes a block only once every packer is done with it.
 */
struct ring {
	pthread_mutex_t mu;
	pthread_cond_t space;   /* the reader waits here */
	pthread_cond_t data;    /* hashers and packers wait here */
	pthread_cond_t ready;   /* the writer waits here */
	uint64_t produced;
	bool producer_done;
	bool stop;              /* the reader must stop */
	int nconsumers;
	uint64_t consumed[1 + MAX_HASHERS + MAX_PACKERS];
	struct slot slots[RING_SLOTS];
};

struct packer {
	struct run *r;
	int idx;                /* consumer index in the ring */
	int nth;                /* takes chunks nth, nth + npackers, ... */
	libewf_handle_t *h;     /* scratch handle: settings only, no data */
	uint8_t *in, *cbuf;
	size_t cbuf_len;
	struct lt_err err;
};

struct run {
	struct lt_acquisition *a;
	struct ring ring;
	uint64_t size;          /* source bytes */
	uint64_t media_len;     /* image bytes (E01: whole sectors) */
	uint32_t ss;
	size_t slot_len;        /* bytes per block, a multiple of chunk */
	size_t chunk;           /* EWF chunk: 64 sectors */
	size_t pk_stride;       /* room per prepared chunk */
	int retries;
	int npackers, first_packer;
	struct packer packers[MAX_PACKERS];
	char *scratch;          /* directory of the scratch handles */
	/* Reader state, read by the writer under the ring lock. */
	bool ended;
	uint64_t ended_at;
	bool nomem;
};

struct hasher {
	struct run *r;
	int idx;                /* consumer index in the ring */
	unsigned alg;           /* one LT_HASH_* bit */
	struct lt_hash h;
};

static uint64_t min_consumed(const struct ring *g, int from, int n)
{
	uint64_t m = g->consumed[from];
	int i;

	for (i = from + 1; i < from + n; i++)
		m = LT_MIN(m, g->consumed[i]);
	return m;
}

static bool reader_stopped(struct ring *g)
{
	bool s;

	pthread_mutex_lock(&g->mu);
	s = g->stop;
	pthread_mutex_unlock(&g->mu);
	return s;
}

static void ring_stop(struct ring *g)
{
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_broadcast(&g->space);
	pthread_mutex_unlock(&g->mu);
}

/* Record [off, off+len) as unreadable in the slot, merging neighbours. */
static int slot_bad(struct run *r, struct slot *s, uint64_t off,
		    uint64_t len, int errnum)
{
	struct lt_acquire_range *last = s->nbad ? &s->bad[s->nbad - 1] : NULL;

	memset(s->buf + (off - s->off), 0, (size_t)len);
	if (last && last->offset + last->length == off &&
	    last->errnum == errnum) {
		last->length += len;
		return 0;
	}
	if (s->nbad == s->abad) {
		size_t n = s->abad ? s->abad * 2 : 16;
		struct lt_acquire_range *p = realloc(s->bad, n * sizeof(*p));

		if (!p) {
			r->nomem = true;
			return -1;
		}
		s->bad = p;
		s->abad = n;
	}
	s->bad[s->nbad].offset = off;
	s->bad[s->nbad].length = len;
	s->bad[s->nbad].errnum = errnum;
	s->nbad++;
	return 0;
}

static ssize_t pread_once(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do {
		n = pread(fd, buf, len, (off_t)off);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* The source ended at `at`: zero-fill the rest of the slot. */
static int slot_eof(struct run *r, struct slot *s, uint64_t at,
		    uint64_t src_end)
{
	pthread_mutex_lock(&r->ring.mu);
	if (!r->ended) {
		r->ended = true;
		r->ended_at = at;
	}
	pthread_mutex_unlock(&r->ring.mu);
	return at < src_end ? slot_bad(r, s, at, src_end - at, 0) : 0;
}

/*
 * Read [p, end) into the slot, as far as it goes.  Returns the offset
 * where it stopped (end when all was read); *n tells why it stopped
 * early: 0 the source ended, -1 a read error (*e is errno).
 */
static uint64_t read_span(struct run *r, struct slot *s, uint64_t p,
			  uint64_t end, ssize_t *n, int *e)
{
	*n = 1;
	while (p < end) {
		*n = pread_once(r->a->fd, s->buf + (p - s->off),
				(size_t)(end - p), p);
		if (*n <= 0) {
			if (*n < 0)
				*e = errno;
			return p;
		}
		p += (uint64_t)*n;
		s->good += (uint64_t)*n;
	}
	return p;
}

/*
 * After a block read failed at pos (retries included): read the rest of
 * the slot in granules of 64 sectors, and a granule that fails sector by
 * sector (each once); unreadable sectors are zero-filled and recorded.
 * So a bad spot costs a few dozen reads, not one per sector of the block.
 * Returns 0 done, 1 stopped, -1 out of memory.
 */
static int read_fine(struct run *r, struct slot *s, uint64_t pos,
		     uint64_t src_end, int errnum)
{
	uint64_t gran = (uint64_t)GRANULE_SECTORS * r->ss;
	uint64_t p = pos;

	while (p < src_end) {
		uint64_t ge = LT_MIN((p / gran + 1) * gran, src_end);
		ssize_t n;
		int e = errnum;

		if (reader_stopped(&r->ring))
			return 1;
		p = read_span(r, s, p, ge, &n, &e);
		if (p < ge && n == 0)
			return slot_eof(r, s, p, src_end);
		while (p < ge) { /* the granule failed at p */
			uint64_t se = LT_MIN((p / r->ss + 1) * r->ss, ge);
			uint64_t q;

			if (reader_stopped(&r->ring))
				return 1;
			q = read_span(r, s, p, se, &n, &e);
			if (q < se && n == 0)
				return slot_eof(r, s, q, src_end);
			if (q < se && slot_bad(r, s, q, se - q, e))
				return -1;
			p = se;
		}
	}
	return 0;
}

/* Fill one slot.  0 done, 1 stopped, -1 out of memory. */
static int fill_slot(struct run *r, struct slot *s)
{
	uint64_t end = s->off + s->len;
	uint64_t src_end = LT_MIN(end, r->size);
	uint64_t pos = s->off;
	bool ended;
	int rc = 0;

	pthread_mutex_lock(&r->ring.mu);
	ended = r->ended;
	pthread_mutex_unlock(&r->ring.mu);
	if (ended) {
		memset(s->buf, 0, s->len);
		if (s->off < src_end &&
		    slot_bad(r, s, s->off, src_end - s->off, 0))
			return -1;
		return 0;
	}
	while (pos < src_end && !rc) {
		ssize_t n = pread_once(r->a->fd, s->buf + (pos - s->off),
				       (size_t)(src_end - pos), pos);
		int e, i;

		if (n > 0) {
			pos += (uint64_t)n;
			s->good += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			rc = slot_eof(r, s, pos, src_end);
			pos = src_end;
			break;
		}
		e = errno;
		for (i = 0; i < r->retries && n < 0; i++) {
			if (reader_stopped(&r->ring))
				return 1;
			n = pread_once(r->a->fd, s->buf + (pos - s->off),
				       (size_t)(src_end - pos), pos);
			if (n < 0)
				e = errno;
		}
		if (n > 0) { /* a retry worked */
			pos += (uint64_t)n;
			s->good += (uint64_t)n;
			continue;
		}
		if (n == 0)
			continue; /* the end: the read above says so again */
		rc = read_fine(r, s, pos, src_end, e);
		pos = src_end;
	}
	if (rc)
		return rc;
	if (end > src_end) /* E01 padding to a whole sector */
		memset(s->buf + (src_end - s->off), 0,
		       (size_t)(end - src_end));
	return 0;
}

static void *reader_main(void *arg)
{
	struct run *r = arg;
	struct ring *g = &r->ring;
	uint64_t off = 0, seq = 0;
	int rc;

	while (off < r->media_len) {
		struct slot *s;

		pthread_mutex_lock(&g->mu);
		while (!g->stop &&
		       seq - min_consumed(g, 0, g->nconsumers) >= RING_SLOTS)
			pthread_cond_wait(&g->space, &g->mu);
		if (g->stop) {
			pthread_mutex_unlock(&g->mu);
			break;
		}
		pthread_mutex_unlock(&g->mu);
		s = &g->slots[seq % RING_SLOTS];
		s->off = off;
		s->len = (size_t)LT_MIN((uint64_t)r->slot_len,
					r->media_len - off);
		s->good = 0;
		s->nbad = 0;
		s->pack_failed = false;
		rc = fill_slot(r, s);
		if (rc)
			break; /* stopped mid-block: the block is dropped */
		pthread_mutex_lock(&g->mu);
		g->produced++;
		pthread_cond_broadcast(&g->data);
		pthread_cond_signal(&g->ready);
		pthread_mutex_unlock(&g->mu);
		off += s->len;
		seq++;
	}
	pthread_mutex_lock(&g->mu);
	g->producer_done = true;
	pthread_cond_broadcast(&g->data);
	pthread_cond_signal(&g->ready);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/*
 * Wait until block `seq` is ready for a consumer: read, and when `n` is
 * not 0 also done by consumers from .. from + n - 1 (the packers).  False
 * when there will be no such block, or (ms != 0) when ms milliseconds
 * went by.  Only the writer gives ms (it polls cb->stop): it waits on its
 * own condition variable, the hashers and packers on `data`.
 */
static bool ring_wait(struct ring *g, uint64_t seq, int ms, int from, int n)
{
	pthread_cond_t *cv = ms ? &g->ready : &g->data; /* the writer polls */
	bool have;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		have = seq < g->produced &&
		       (!n || min_consumed(g, from, n) > seq);
		if (have || (g->producer_done && seq >= g->produced))
			break;
		if (ms) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)ms * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			if (pthread_cond_timedwait(cv, &g->mu, &ts))
				break;
		} else {
			pthread_cond_wait(cv, &g->mu);
		}
	}
	pthread_mutex_unlock(&g->mu);
	return have;
}

static bool ring_finished(struct ring *g, uint64_t seq)
{
	bool done;

	pthread_mutex_lock(&g->mu);
	done = g->producer_done && seq >= g->produced;
	pthread_mutex_unlock(&g->mu);
	return done;
}

static void ring_release(struct ring *g, int consumer, bool packer)
{
	pthread_mutex_lock(&g->mu);
	g->consumed[consumer]++;
	pthread_cond_signal(&g->space); /* only the reader waits there */
	if (packer)
		pthread_cond_signal(&g->ready);
	pthread_mutex_unlock(&g->mu);
}

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	struct ring *g = &h->r->ring;
	uint64_t seq = 0;

	while (ring_wait(g, seq, 0, 0, 0)) {
		struct slot *s = &g->slots[seq % RING_SLOTS];

		lt_hash_update(&h->h, s->buf, s->len);
		ring_release(g, h->idx, false);
		seq++;
	}
	return NULL;
}

/* --- packers: EWF chunks compressed in parallel --------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Compress (or checksum) one chunk of the slot into its packed place. */
static int pack_chunk(struct packer *p, struct slot *s, size_t i)
{
	struct run *r = p->r;
	libewf_error_t *e = NULL;
	size_t off = i * r->chunk;
	size_t len = LT_MIN(r->chunk, s->len - off);
	size_t clen = p->cbuf_len;
	struct packed *pk = &s->pk[i];
	uint8_t *out = s->pkbuf + i * r->pk_stride;
	ssize_t n;

	/* A private copy: libewf appends the checksum to its input. */
	memcpy(p->in, s->buf + off, len);
	n = libewf_handle_prepare_write_chunk(p->h, p->in, len, p->cbuf, &clen,
					      &pk->is_compressed, &pk->checksum,
					      &pk->write_checksum, &e);
	if (n < 0)
		return lt_ewf_fail(&p->err, LT_E_DEP, &e,
				   "cannot compress a "
				   "chunk");
	if (pk->is_compressed) {
		if (clen + 4 > r->pk_stride)
			return lt_err_set(&p->err, LT_E_DEP, "libewf made a "
					  "compressed chunk of %zu bytes from "
					  "%zu", clen, len);
		memcpy(out, p->cbuf, clen);
		pk->size = (uint32_t)clen;
	} else {
		memcpy(out, s->buf + off, len);
		pk->size = (uint32_t)len;
	}
	put_le32(out + pk->size, pk->checksum);
	pk->data_size = (uint32_t)len;
	return LT_OK;
}

static void *packer_main(void *arg)
{
	struct packer *p = arg;
	struct run *r = p->r;
	struct ring *g = &r->ring;
	uint64_t seq = 0;

	while (ring_wait(g, seq, 0, 0, 0)) {
		struct slot *s = &g->slots[seq % RING_SLOTS];
		size_t n = (s->len + r->chunk - 1) / r->chunk, i;

		for (i = (size_t)p->nth; i < n && !p->err.code;
		     i += (size_t)r->npackers)
			pack_chunk(p, s, i);
		if (p->err.code)
			s->pack_failed = true; /* the writer stops there */
		ring_release(g, p->idx, true);
		seq++;
	}
	return NULL;
}

static int8_t ewf_level(enum lt_compression c)
{
	switch (c) {
	case LT_COMPRESS_NONE: return LIBEWF_COMPRESSION_NONE;
	case LT_COMPRESS_BEST: return LIBEWF_COMPRESSION_BEST;
	default: return LIBEWF_COMPRESSION_FAST;
	}
}

static libewf_handle_t *scratch_handle(struct run *r, int k,
				       int8_t level, struct lt_err *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char path[PATH_MAX];
	char *names[1] = { path };

	snprintf(path, sizeof(path), "%s/packer%d", r->scratch, k);
	if (libewf_handle_initialize(&h, &e) != 1) {
		lt_ewf_fail(err, LT_E_DEP, &e, "cannot start libewf");
		return NULL;
	}
	if (libewf_handle_open(h, names, 1, LIBEWF_OPEN_WRITE, &e) != 1 ||
	    libewf_handle_set_format(h, LIBEWF_FORMAT_ENCASE6, &e) != 1 ||
	    libewf_handle_set_bytes_per_sector(h, r->ss, &e) != 1 ||
	    libewf_handle_set_compression_values(h, level, 0, &e) != 1) {
		lt_ewf_fail(err, LT_E_DEP, &e, "cannot set up a packer");
		libewf_handle_free(&h, NULL);
		return NULL;
	}
	return h;
}

/* Remove the scratch directory and what libewf left in it. */
static void scratch_remove(struct run *r)
{
	DIR *dp;
	struct dirent *de;
	char path[PATH_MAX + 260];

	if (!r->scratch)
		return;
	dp = opendir(r->scratch);
	while (dp && (de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", r->scratch, de->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(r->scratch);
	free(r->scratch);
	r->scratch = NULL;
}

/*
 * libewf compresses under a lock per handle, so each packer thread gets a
 * scratch handle with the image's settings: it never receives data, but
 * libewf writes an empty set for it when it is closed, hence a private
 * directory ($TMPDIR, /tmp, else beside the image) removed afterwards.
 * Returns the number of packers, 0 when they cannot be had (the writer
 * then compresses by itself).
 */
static int packers_start(struct run *r, int8_t level)
{
	const char *cands[3] = { getenv("TMPDIR"), "/tmp", NULL };
	char tmpl[PATH_MAX];
	struct lt_err e2 = LT_ERR_INIT;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int want = (int)LT_MAX(1, LT_MIN((long)MAX_PACKERS, ncpu));
	int i, k;
	char *slash;

	snprintf(tmpl, sizeof(tmpl), "%s", r->a->base);
	slash = strrchr(tmpl, '/');
	if (slash)
		slash[slash == tmpl ? 1 : 0] = '\0';
	cands[2] = slash ? tmpl : ".";
	for (i = 0; i < 3 && !r->scratch; i++) {
		char t[PATH_MAX];

		if (!cands[i] || !*cands[i])
			continue;
		snprintf(t, sizeof(t), "%s/leaktriage-acquire-XXXXXX",
			 cands[i]);
		if (mkdtemp(t))
			r->scratch = strdup(t);
	}
	if (!r->scratch)
		return 0;
	for (k = 0; k < want; k++) {
		struct packer *p = &r->packers[k];

		p->r = r;
		p->nth = k;
		p->cbuf_len = r->pk_stride + r->chunk;
		p->in = malloc(r->chunk + 16);
		p->cbuf = malloc(p->cbuf_len);
		p->h = scratch_handle(r, k, level, &e2);
		if (!p->in || !p->cbuf || !p->h)
			break;
	}
	if (k < want) {
		for (i = 0; i <= k && i < want; i++) {
			free(r->packers[i].in);
			free(r->packers[i].cbuf);
			if (r->packers[i].h) {
				libewf_handle_close(r->packers[i].h, NULL);
				libewf_handle_free(&r->packers[i].h, NULL);
			}
		}
		memset(r->packers, 0, sizeof(r->packers));
		scratch_remove(r);
		return 0;
	}
	return want;
}

static void packers_free(struct run *r)
{
	int k;

	for (k = 0; k < MAX_PACKERS; k++) {
		struct packer *p = &r->packers[k];

		free(p->in);
		free(p->cbuf);
		p->in = p->cbuf = NULL;
		if (p->h) {
			libewf_handle_close(p->h, NULL);
			libewf_handle_free(&p->h, NULL);
		}
	}
	scratch_remove(r);
}

/* --- writers ------------------------------------------------------------- */

static int ewf_header(libewf_handle_t *h, const char *id, const char *v,
		      struct lt_err *err)
{
	libewf_error_t *e = NULL;

	if (!v || !*v)
		return LT_OK;
	if (libewf_handle_set_utf8_header_value(h, (const uint8_t *)id,
						strlen(id),
						(const uint8_t *)v, strlen(v),
						&e) != 1)
		return lt_ewf_fail(err, LT_E_DEP, &e,
				   "cannot set the E01 header");
	return LT_OK;
}

static int ewf_start(struct lt_acquisition *a, libewf_handle_t **out,
		     struct lt_err *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char *names[1] = { a->base };
	int8_t level = ewf_level(a->opts.compression);
	struct utsname u;
	int rc = LT_OK;

	if (libewf_handle_initialize(&h, &e) != 1)
		return lt_ewf_fail(err, LT_E_DEP, &e, "cannot start libewf");
	if (libewf_handle_open(h, names, 1, LIBEWF_OPEN_WRITE, &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_IO, &e,
				 "cannot open the E01 for "
				 "writing");
		goto out;
	}
	/* No media size: streaming mode, see the file comment. */
	if (libewf_handle_set_format(h, LIBEWF_FORMAT_ENCASE6, &e) != 1 ||
	    libewf_handle_set_bytes_per_sector(h, a->src.sector_size,
					       &e) != 1 ||
	    libewf_handle_set_maximum_segment_size(h,
			a->opts.segment_size ? a->opts.segment_size :
			(size64_t)LIBEWF_DEFAULT_SEGMENT_FILE_SIZE, &e) != 1 ||
	    libewf_handle_set_compression_values(h, level, 0, &e) != 1 ||
	    libewf_handle_set_media_type(h, LIBEWF_MEDIA_TYPE_FIXED, &e) != 1 ||
	    libewf_handle_set_media_flags(h, a->is_dev ?
					  LIBEWF_MEDIA_FLAG_PHYSICAL : 0,
					  &e) != 1) {
		rc = lt_ewf_fail(err, LT_E_DEP, &e,
				 "cannot set the E01 media "
				 "values");
		goto out;
	}
	if (uname(&u) == 0)
		rc = ewf_header(h, "acquiry_operating_system", u.sysname, err);
	if (!rc)
		rc = ewf_header(h, "acquiry_software_version", LT_VERSION, err);
	if (!rc)
		rc = ewf_header(h, "case_number", a->case_number, err);
	if (!rc)
		rc = ewf_header(h, "evidence_number", a->evidence_number, err);
	if (!rc)
		rc = ewf_header(h, "examiner_name", a->examiner, err);
	if (!rc)
		rc = ewf_header(h, "description", a->description, err);
	if (!rc)
		rc = ewf_header(h, "notes", a->notes, err);
	if (!rc)
		rc = ewf_header(h, "model", a->model, err);
	if (!rc)
		rc = ewf_header(h, "serial_number", a->serial, err);
out:
	if (rc) {
		libewf_handle_close(h, NULL);
		libewf_handle_free(&h, NULL);
		return rc;
	}
	*out = h;
	return LT_OK;
}

/* Acquisition errors, hashes, then the closing sections. */
static int ewf_finish(struct lt_acquisition *a, libewf_handle_t *h,
		      const struct lt_acquire_result *res, struct lt_err *err)
{
	libewf_error_t *e = NULL;
	uint32_t ss = a->src.sector_size;
	size_t i;
	int rc = LT_OK;

	for (i = 0; i < a->nbad && !rc; i++) {
		uint64_t first = a->bad[i].offset / ss;
		uint64_t last = (a->bad[i].offset + a->bad[i].length + ss - 1) /
				ss;

		if (libewf_handle_append_acquiry_error(h, first, last - first,
						       &e) != 1)
			rc = lt_ewf_fail(err, LT_E_DEP, &e,
					 "cannot record the "
					 "acquisition errors in the E01");
	}
	if (!rc && (res->hashes & LT_HASH_MD5) &&
	    libewf_handle_set_utf8_hash_value_md5(h, (const uint8_t *)res->md5,
						  32, &e) != 1)
		rc = lt_ewf_fail(err, LT_E_DEP, &e, "cannot store the MD5");
	if (!rc && (res->hashes & LT_HASH_SHA1) &&
	    libewf_handle_set_utf8_hash_value_sha1(
		h, (const uint8_t *)res->sha1, 40, &e) != 1)
		rc = lt_ewf_fail(err, LT_E_DEP, &e, "cannot store the SHA1");
	if (libewf_handle_write_finalize(h, &e) < 0 && !rc)
		rc = lt_ewf_fail(err, LT_E_IO, &e, "cannot finish the E01");
	libewf_error_free(&e);
	if (libewf_handle_close(h, &e) != 0 && !rc)
		rc = lt_ewf_fail(err, LT_E_IO, &e, "cannot close the E01");
	libewf_error_free(&e);
	return rc;
}

/* The files the E01 set ended up with, for the log. */
static void ewf_list_files(struct lt_acquisition *a)
{
	libewf_error_t *e = NULL;
	char **names = NULL;
	int n = 0, i;

	if (libewf_glob(a->image_path, strlen(a->image_path),
			LIBEWF_FORMAT_UNKNOWN, &names, &n, &e) != 1) {
		libewf_error_free(&e);
		return;
	}
	a->files = calloc((size_t)LT_MAX(n, 1), sizeof(*a->files));
	for (i = 0; a->files && i < n; i++) {
		a->files[i] = strdup(names[i]);
		if (!a->files[i])
			break;
		a->nfiles = i + 1;
	}
	libewf_glob_free(names, n, NULL);
}

static int raw_write(struct lt_acquisition *a, const uint8_t *p, size_t len,
		     struct lt_err *err)
{
	while (len) {
		ssize_t n = write(a->out_fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lt_err_set(err, LT_E_IO, "cannot write '%s': %s",
					  a->image_path, n < 0 ?
					  strerror(errno) : "short write");
		p += n;
		len -= (size_t)n;
	}
	return LT_OK;
}


/* --- run ----------------------------------------------------------------- */

/* Bad ranges: merged across blocks, reported once each, in order. */
struct pending {
	struct lt_acquire_range r;
	bool have;
};

static int add_bad(struct lt_acquisition *a, const struct lt_acquire_range *r)
{
	if (a->nbad == a->abad) {
		size_t n = a->abad ? a->abad * 2 : 16;
		struct lt_acquire_range *p = realloc(a->bad, n * sizeof(*p));

		if (!p)
			return LT_E_NOMEM;
		a->bad = p;
		a->abad = n;
	}
	a->bad[a->nbad++] = *r;
	return LT_OK;
}

static int flush_pending(struct lt_acquisition *a, struct pending *pd,
			 const struct lt_acquire_cb *cb,
			 struct lt_acquire_result *res)
{
	if (!pd->have)
		return LT_OK;
	pd->have = false;
	res->bad_ranges++;
	if (cb && cb->bad_range)
		cb->bad_range(&pd->r, cb->udata);
	return add_bad(a, &pd->r);
}

static int take_bad(struct lt_acquisition *a, struct pending *pd,
		    const struct slot *s, const struct lt_acquire_cb *cb,
		    struct lt_acquire_result *res)
{
	size_t i;

	for (i = 0; i < s->nbad; i++) {
		const struct lt_acquire_range *r = &s->bad[i];

		res->bytes_unreadable += r->length;
		if (pd->have && pd->r.offset + pd->r.length == r->offset &&
		    pd->r.errnum == r->errnum) {
			pd->r.length += r->length;
			continue;
		}
		LT_TRY(flush_pending(a, pd, cb, res));
		pd->r = *r;
		pd->have = true;
	}
	/* A range that ends inside this block cannot grow any more. */
	if (pd->have && pd->r.offset + pd->r.length < s->off + s->len)
		LT_TRY(flush_pending(a, pd, cb, res));
	return LT_OK;
}

static bool want_stop(const struct lt_acquire_cb *cb)
{
	return cb && cb->stop && cb->stop(cb->udata);
}

static int ring_init(struct run *r, int nconsumers, bool packed)
{
	struct ring *g = &r->ring;
	size_t nch = r->slot_len / r->chunk;
	int i;

	g->nconsumers = nconsumers;
	for (i = 0; i < RING_SLOTS; i++) {
		struct slot *s = &g->slots[i];

		s->buf = malloc(r->slot_len);
		if (!s->buf)
			return LT_E_NOMEM;
		if (packed) {
			s->pk = lt_calloc(nch, sizeof(*s->pk));
			s->pkbuf = lt_calloc(nch, r->pk_stride);
			if (!s->pk || !s->pkbuf)
				return LT_E_NOMEM;
		}
	}
	return LT_OK;
}

static int ring_sync_init(struct ring *g)
{
	if (pthread_mutex_init(&g->mu, NULL))
		return LT_E_INTERNAL;
	if (pthread_cond_init(&g->space, NULL))
		goto no_space;
	if (pthread_cond_init(&g->data, NULL))
		goto no_data;
	if (pthread_cond_init(&g->ready, NULL))
		goto no_ready;
	return LT_OK;
no_ready:
	pthread_cond_destroy(&g->data);
no_data:
	pthread_cond_destroy(&g->space);
no_space:
	pthread_mutex_destroy(&g->mu);
	return LT_E_INTERNAL;
}

static void ring_free(struct ring *g, bool sync)
{
	int i;

	for (i = 0; i < RING_SLOTS; i++) {
		free(g->slots[i].buf);
		free(g->slots[i].bad);
		free(g->slots[i].pk);
		free(g->slots[i].pkbuf);
	}
	if (sync) {
		pthread_cond_destroy(&g->ready);
		pthread_cond_destroy(&g->data);
		pthread_cond_destroy(&g->space);
		pthread_mutex_destroy(&g->mu);
	}
}

static unsigned default_hashes(const struct lt_acquire_opts *o)
{
	unsigned h = o->hashes;

	if (!h)
		h = o->format == LT_IMAGE_E01 ? LT_HASH_MD5 | LT_HASH_SHA1 :
		    LT_HASH_MD5 | LT_HASH_SHA1 | LT_HASH_SHA256;
	if (o->format == LT_IMAGE_E01)
		h |= LT_HASH_MD5; /* what EWF tools verify */
	return h;
}

/* Store one block: prepared chunks, else the bytes (E01 or raw). */
static int write_slot(struct run *r, libewf_handle_t *h, struct slot *s,
		      struct lt_err *err)
{
	struct lt_acquisition *a = r->a;
	libewf_error_t *e = NULL;
	size_t n, i;
	ssize_t w;

	if (!h)
		return raw_write(a, s->buf, s->len, err);
	if (!r->npackers) {
		w = libewf_handle_write_buffer(h, s->buf, s->len, &e);
		if (w == (ssize_t)s->len)
			return LT_OK;
		if (w >= 0 && !e)
			return lt_err_set(err, LT_E_IO, "cannot write '%s': "
					  "short write", a->image_path);
		return lt_ewf_fail(err, LT_E_IO, &e, "cannot write the E01");
	}
	if (s->pack_failed) {
		for (i = 0; i < (size_t)r->npackers; i++)
			if (r->packers[i].err.code)
				return lt_err_set(err, r->packers[i].err.code,
						  "%s", r->packers[i].err.msg);
		return lt_err_set(err, LT_E_INTERNAL, "a packer failed");
	}
	n = (s->len + r->chunk - 1) / r->chunk;
	for (i = 0; i < n; i++) {
		struct packed *pk = &s->pk[i];
		uint8_t *data = s->pkbuf + i * r->pk_stride;

		w = libewf_handle_write_chunk(h, data, pk->size, pk->data_size,
					      pk->is_compressed,
					      data + pk->size, pk->checksum,
					      pk->write_checksum, &e);
		if (w <= 0) {
			if (w == 0 && !e)
				return lt_err_set(err, LT_E_IO, "cannot write "
						  "'%s': short write",
						  a->image_path);
			return lt_ewf_fail(err, LT_E_IO, &e,
					   "cannot write the "
					   "E01");
		}
	}
	return LT_OK;
}

/*
 * The copy loop, on the calling thread: take each block in order, write
 * it, report its bad ranges and the progress.  Returns LT_OK,
 * LT_E_INTERRUPTED, or the write error.
 */
static int copy_loop(struct run *r, libewf_handle_t *h,
		     const struct lt_acquire_cb *cb,
		     struct lt_acquire_result *res, struct lt_err *err)
{
	struct lt_acquisition *a = r->a;
	struct ring *g = &r->ring;
	struct pending pd = { { 0, 0, 0 }, false };
	uint64_t seq = 0;
	bool stopping = false;
	int rc = LT_OK;

	for (;;) {
		struct slot *s;

		if (!stopping && want_stop(cb)) {
			stopping = true;
			ring_stop(g);
		}
		if (!ring_wait(g, seq, 200, r->first_packer, r->npackers)) {
			if (ring_finished(g, seq))
				break;
			continue; /* poll stop() while the reader is slow */
		}
		s = &g->slots[seq % RING_SLOTS];
		rc = write_slot(r, h, s, err);
		if (!rc)
			rc = take_bad(a, &pd, s, cb, res);
		if (rc) {
			if (rc == LT_E_NOMEM)
				lt_err_set(err, rc, "out of memory");
			ring_stop(g);
			ring_release(g, 0, false);
			return rc;
		}
		res->bytes_written += s->len;
		res->bytes_read += s->good;
		ring_release(g, 0, false);
		seq++;
		if (cb && cb->progress) {
			struct lt_acquire_progress p = {
				res->bytes_written, r->media_len,
				res->bytes_unreadable
			};

			cb->progress(&p, cb->udata);
		}
	}
	rc = flush_pending(a, &pd, cb, res);
	if (rc)
		return lt_err_set(err, rc, "out of memory");
	if (r->nomem)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	if (stopping && res->bytes_written < r->media_len)
		return LT_E_INTERRUPTED;
	return LT_OK;
}

int lt_acquire_run(struct lt_acquisition *a, const struct lt_acquire_cb *cb,
		   struct lt_acquire_result *res, struct lt_err *err)
{
	struct run *r;
	struct hasher hs[MAX_HASHERS];
	pthread_t reader, hthreads[MAX_HASHERS], pthreads[MAX_PACKERS];
	static const unsigned algs[MAX_HASHERS] = { LT_HASH_MD5, LT_HASH_SHA1,
						    LT_HASH_SHA256 };
	libewf_handle_t *h = NULL;
	int nh = 0, started_h = 0, started_p = 0, i, rc, rc2;
	bool reader_started = false, sync_ok = false;
	struct lt_err e2 = LT_ERR_INIT;

	memset(res, 0, sizeof(*res));
	if (a->tag != LT_ACQ_TAG)
		LT_BUG("lt_acquire_run on a bad handle");
	if (a->ran)
		return lt_err_set(err, LT_E_ARG, "the acquisition already ran");
	if (!a->base)
		return lt_err_set(err, LT_E_ARG, "no outputs: call "
				  "lt_acquire_create() first");
	a->ran = true;
	a->hashes = default_hashes(&a->opts);
	lt_time_now_iso(a->start);
	r = calloc(1, sizeof(*r));
	if (!r)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	r->a = a;
	r->size = a->src.size;
	r->ss = a->src.sector_size;
	r->chunk = (size_t)64 * r->ss; /* libewf's default sectors per chunk */
	r->slot_len = LT_MAX(SLOT_LEN, r->chunk);
	r->pk_stride = r->chunk + r->chunk / 16 + 1024; /* > deflate's bound */
	r->retries = a->opts.retries;
	r->media_len = r->size;
	if (a->opts.format == LT_IMAGE_E01 && r->size % r->ss)
		r->media_len = r->size + (r->ss - r->size % r->ss);
	a->media_len = r->media_len;
	res->padding = (uint32_t)(r->media_len - r->size);
	for (i = 0; i < MAX_HASHERS; i++)
		if (a->hashes & algs[i])
			nh++;

	rc = ring_sync_init(&r->ring);
	sync_ok = rc == LT_OK;
	if (rc) {
		lt_err_set(err, rc, "cannot set up the threads");
		goto out;
	}
	rc = write_logs(a, res, false, err);
	if (rc)
		goto out;
	if (a->opts.format == LT_IMAGE_E01) {
		rc = ewf_start(a, &h, err);
		if (rc)
			goto out;
		/* Without compression libewf only checksums: not worth
		 * the copies a packer makes. */
		if (a->opts.compression != LT_COMPRESS_NONE)
			r->npackers = packers_start(r,
					ewf_level(a->opts.compression));
	}
	r->first_packer = 1 + nh;
	for (i = 0; i < r->npackers; i++)
		r->packers[i].idx = r->first_packer + i;
	rc = ring_init(r, 1 + nh + r->npackers, r->npackers > 0);
	if (rc) {
		lt_err_set(err, rc, "out of memory");
		goto stop_threads;
	}
	for (i = 0, nh = 0; i < MAX_HASHERS; i++) {
		if (!(a->hashes & algs[i]))
			continue;
		hs[nh].r = r;
		hs[nh].idx = 1 + nh;
		hs[nh].alg = algs[i];
		rc = lt_hash_init(&hs[nh].h, algs[i], err);
		if (rc)
			goto stop_threads;
		nh++;
	}
	for (i = 0; i < nh; i++) {
		if (pthread_create(&hthreads[i], NULL, hasher_main, &hs[i])) {
			rc = lt_err_set(err, LT_E_INTERNAL, "cannot start a "
					"thread");
			goto stop_threads;
		}
		started_h++;
	}
	for (i = 0; i < r->npackers; i++) {
		if (pthread_create(&pthreads[i], NULL, packer_main,
				   &r->packers[i])) {
			rc = lt_err_set(err, LT_E_INTERNAL, "cannot start a "
					"thread");
			goto stop_threads;
		}
		started_p++;
	}
	if (pthread_create(&reader, NULL, reader_main, r)) {
		rc = lt_err_set(err, LT_E_INTERNAL, "cannot start a thread");
		goto stop_threads;
	}
	reader_started = true;
	rc = copy_loop(r, h, cb, res, err);

stop_threads:
	if (!reader_started) {
		/* Let the hashers and packers see the end. */
		pthread_mutex_lock(&r->ring.mu);
		r->ring.producer_done = true;
		pthread_cond_broadcast(&r->ring.data);
		pthread_cond_signal(&r->ring.ready);
		pthread_mutex_unlock(&r->ring.mu);
	} else {
		pthread_join(reader, NULL);
	}
	for (i = 0; i < started_h; i++)
		pthread_join(hthreads[i], NULL);
	for (i = 0; i < started_p; i++)
		pthread_join(pthreads[i], NULL);
	packers_free(r);
	res->ended_early = r->ended;
	res->ended_at = r->ended_at;
	if (rc == LT_OK || rc == LT_E_INTERRUPTED) {
		int hrc = LT_OK;

		for (i = 0; i < nh; i++) {
			hrc = lt_hash_final(&hs[i].h, err);
			if (hrc)
				break;
			if (hs[i].alg == LT_HASH_MD5)
				lt_hex(res->md5, hs[i].h.md5, 16);
			else if (hs[i].alg == LT_HASH_SHA1)
				lt_hex(res->sha1, hs[i].h.sha1, 20);
			else
				lt_hex(res->sha256, hs[i].h.sha256, 32);
		}
		if (hrc)
			rc = hrc;
		else
			res->hashes = a->hashes;
	}
	for (i = 0; i < nh; i++)
		lt_hash_release(&hs[i].h);
	if (h) {
		rc2 = ewf_finish(a, h, res, rc && rc != LT_E_INTERRUPTED ? &e2 :
				 err);
		libewf_handle_free(&h, NULL);
		if (rc2 && (!rc || rc == LT_E_INTERRUPTED))
			rc = rc2;
		ewf_list_files(a);
	}
	res->segments = a->nfiles ? a->nfiles : 1;
out:
	if (rc && rc != LT_E_INTERRUPTED)
		res->hashes = 0; /* they would not describe the image */
	if (rc == LT_E_INTERRUPTED) {
		snprintf(res->reason, sizeof(res->reason), "interrupted after "
			 "%" PRIu64 " of %" PRIu64 " bytes", res->bytes_written,
			 r->media_len);
		lt_err_set(err, rc, "%s", res->reason);
	} else if (rc) {
		snprintf(res->reason, sizeof(res->reason), "%s", err->msg);
	}
	res->complete = rc == LT_OK;
	lt_time_now_iso(a->end);
	rc2 = write_logs(a, res, true, rc ? &e2 : err);
	if (rc2 && !rc)
		rc = rc2;
	if (h) { /* ewf_start worked, the run did not get that far */
		libewf_handle_close(h, NULL);
		libewf_handle_free(&h, NULL);
	}
	packers_free(r);
	ring_free(&r->ring, sync_ok);
	free(r);
	return rc;
}
