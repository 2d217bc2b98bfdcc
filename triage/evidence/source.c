// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening evidence sources.  Images go through libtsk's image layer, which
 * finds the other segments of split raw and E01 sets itself; a directory is
 * walked with the POSIX API.  The hashes an E01 stores are read with
 * libewf directly, since TSK does not expose them.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"

#include <fcntl.h>
#include <libewf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

void lt_tsk_error(char *out, size_t len)
{
	const char *m = tsk_error_get();
	size_t i;

	snprintf(out, len, "%s", m && *m ? m : "unknown TSK error");
	/* TSK messages may carry newlines and trailing parts; one line. */
	for (i = 0; out[i]; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	while (i > 0 && out[i - 1] == ' ')
		out[--i] = '\0';
	tsk_error_reset();
}

static const char *format_name(TSK_IMG_TYPE_ENUM t, int segments)
{
	if (t & TSK_IMG_TYPE_RAW)
		return segments > 1 ? "split" : "raw";
	if (t & TSK_IMG_TYPE_EWF_EWF)
		return "ewf";
	if (t & (TSK_IMG_TYPE_AFF_AFF | TSK_IMG_TYPE_AFF_AFD |
		 TSK_IMG_TYPE_AFF_AFM | TSK_IMG_TYPE_AFF_ANY))
		return "aff";
	if (t & TSK_IMG_TYPE_VMDK_VMDK)
		return "vmdk";
	if (t & TSK_IMG_TYPE_VHD_VHD)
		return "vhd";
	return tsk_img_type_toname(t);
}

/*
 * A raw image read through read-only memory mappings (TSK's "external"
 * image type): TSK's image cache refills 64 KiB per miss, and serving
 * those from a mapping instead of read() takes most of the system time
 * out of a walk of a large NTFS volume.  The image is mapped in windows
 * of WIN bytes (8 MiB), at most NWIN (40) at a time, least recently used
 * unmapped, so the address space (320 MiB) and the resident set stay
 * bounded whatever the image size (scan's peak RSS target is 512 MiB).
 * Small windows follow the MFT and the directory indexes scattered over a
 * volume (measured on the 1 GiB benchmark image: 0.8 s and 134 MB peak
 * RSS, against 0.8 s and 377 MB with six 256 MiB windows; four 64 MiB
 * windows thrashed).  Only for a single raw file; PROT_READ over an
 * O_RDONLY descriptor, so the evidence cannot be written through it.
 */
enum { WIN_SHIFT = 23, NWIN = 40 };         /* 8 MiB windows */
#define WIN ((uint64_t)1 << WIN_SHIFT)

struct mmap_img {
	TSK_IMG_INFO img; /* first: TSK casts */
	int fd;
	uint64_t size;
	struct {
		const uint8_t *map;
		uint64_t start, len;
		uint64_t used;
	} w[NWIN];
	uint64_t clock;
	uint64_t reads, maps;
	bool plain;       /* windows thrash: plain reads from now on */
};

static const uint8_t *window(struct mmap_img *m, uint64_t off, uint64_t *end)
{
	uint64_t start = off & ~(WIN - 1), len;
	int i, victim = 0;
	void *p;

	for (i = 0; i < NWIN; i++)
		if (m->w[i].map && m->w[i].start == start) {
			m->w[i].used = ++m->clock;
			*end = start + m->w[i].len;
			return m->w[i].map + (off - start);
		}
	/* Metadata spread over more than NWIN windows makes them thrash
	 * (each new mapping faults its pages in again): when a mapping
	 * serves fewer than 16 reads on average, give up on mappings and
	 * read as TSK's raw reader would. */
	if (++m->maps > 64 && m->maps * 16 > m->reads) {
		for (i = 0; i < NWIN; i++)
			if (m->w[i].map)
				munmap((void *)m->w[i].map,
				       (size_t)m->w[i].len);
		memset(m->w, 0, sizeof(m->w));
		m->plain = true;
		return NULL;
	}
	for (i = 1; i < NWIN; i++)
		if (m->w[i].used < m->w[victim].used)
			victim = i;
	if (m->w[victim].map)
		munmap((void *)m->w[victim].map, (size_t)m->w[victim].len);
	m->w[victim].map = NULL;
	len = LT_MIN(WIN, m->size - start);
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, m->fd, (off_t)start);
	if (p == MAP_FAILED)
		return NULL;
	m->w[victim].map = p;
	m->w[victim].start = start;
	m->w[victim].len = len;
	m->w[victim].used = ++m->clock;
	*end = start + len;
	return m->w[victim].map + (off - start);
}

static ssize_t mmap_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf,
			 size_t len)
{
	struct mmap_img *m = (struct mmap_img *)img;
	size_t done = 0;

	if (off < 0 || (uint64_t)off >= m->size)
		return 0;
	if (len > m->size - (uint64_t)off)
		len = (size_t)(m->size - (uint64_t)off);
	m->reads++;
	while (done < len) {
		uint64_t pos = (uint64_t)off + done, end;
		const uint8_t *p = m->plain ? NULL : window(m, pos, &end);
		size_t n;

		if (!p) {
			/* Thrashing, or no address space: plain read. */
			ssize_t r = pread(m->fd, buf + done, len - done,
					  (off_t)pos);

			if (r <= 0)
				return done ? (ssize_t)done : -1;
			done += (size_t)r;
			continue;
		}
		n = (size_t)LT_MIN((uint64_t)(len - done), end - pos);
		memcpy(buf + done, p, n);
		done += n;
	}
	return (ssize_t)done;
}

static void mmap_close(TSK_IMG_INFO *img)
{
	struct mmap_img *m = (struct mmap_img *)img;
	int i;

	for (i = 0; i < NWIN; i++)
		if (m->w[i].map)
			munmap((void *)m->w[i].map, (size_t)m->w[i].len);
	close(m->fd);
	/* The cache lock is a plain pthread mutex, nothing to release; TSK
	 * exports no function for it. */
	free(m);
}

static void mmap_imgstat(TSK_IMG_INFO *img, FILE *f)
{
	(void)img;
	fprintf(f, "IMAGE FILE INFORMATION\nImage Type: raw (mapped)\n");
}

static TSK_IMG_INFO *open_mapped(const char *path, const struct stat *st)
{
	struct mmap_img *m;

	if (!S_ISREG(st->st_mode) || st->st_size <= 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		free(m);
		return NULL;
	}
	m->size = (uint64_t)st->st_size;
	if (!tsk_img_open_external(m, st->st_size, 512, mmap_read, mmap_close,
				   mmap_imgstat)) {
		close(m->fd);
		free(m);
		return NULL;
	}
	return &m->img;
}

int lt_source_open(const char *path, struct lt_source **out,
		   struct lt_err *err)
{
	return lt_source_open_ex(path, 0, out, err);
}

int lt_source_open_ex(const char *path, unsigned flags,
		      struct lt_source **out, struct lt_err *err)
{
	struct lt_source *src;
	struct stat st;
	char msg[LT_ERR_MSG_MAX];
	int fd;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return lt_err_set(err, LT_E_NOTFOUND,
					  "no such file or directory");
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	src = calloc(1, sizeof(*src));
	if (!src || !(src->path = strdup(path))) {
		free(src);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	src->tag = LT_SOURCE_TAG;
	if (S_ISDIR(st.st_mode)) {
		src->is_dir = true;
		snprintf(src->format, sizeof(src->format), "dir");
		*out = src;
		return LT_OK;
	}
	/* Say "permission denied" ourselves; TSK's message is vaguer. */
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		int e = errno;

		lt_source_close(src);
		return lt_err_set(err, LT_E_IO, "%s", strerror(e));
	}
	close(fd);
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		lt_source_close(src);
		return lt_err_set(err, LT_E_CORRUPT, "empty file");
	}
	src->img = tsk_img_open_utf8_sing(path, TSK_IMG_TYPE_DETECT, 0);
	/* A single raw file: read it through a mapping instead. */
	if (src->img && (flags & LT_SOURCE_MAP) &&
	    (src->img->itype & TSK_IMG_TYPE_RAW) && src->img->num_img == 1) {
		TSK_IMG_INFO *mapped = open_mapped(path, &st);

		if (mapped) {
			tsk_img_close(src->img);
			src->img = mapped;
			snprintf(src->format, sizeof(src->format), "raw");
			*out = src;
			return LT_OK;
		}
	}
	if (!src->img) {
		lt_tsk_error(msg, sizeof(msg));
		lt_source_close(src);
		return lt_err_set(err, LT_E_CORRUPT, "cannot open image: %s",
				  msg);
	}
	if (src->img->size <= 0) {
		lt_source_close(src);
		return lt_err_set(err, LT_E_CORRUPT, "image has no media data");
	}
	snprintf(src->format, sizeof(src->format), "%s",
		 format_name(src->img->itype, src->img->num_img));
	*out = src;
	return LT_OK;
}

void lt_source_close(struct lt_source *src)
{
	if (!src)
		return;
	if (src->tag != LT_SOURCE_TAG)
		LT_BUG("lt_source_close on a bad handle");
	if (src->img)
		tsk_img_close(src->img);
	free(src->path);
	src->tag = 0;
	free(src);
}

bool lt_source_is_dir(const struct lt_source *src) { return src->is_dir; }
const char *lt_source_path(const struct lt_source *src) { return src->path; }
const char *lt_source_format(const struct lt_source *src)
{
	return src->format;
}

uint64_t lt_source_size(const struct lt_source *src)
{
	return src->img ? (uint64_t)src->img->size : 0;
}

int lt_source_segments(const struct lt_source *src)
{
	return src->img ? src->img->num_img : 0;
}

void *lt_source_tsk_img(struct lt_source *src) { return src->img; }

static void ewf_error(char *out, size_t len, libewf_error_t **e)
{
	size_t i;

	out[0] = '\0';
	if (*e) {
		libewf_error_backtrace_sprint(*e, out, len);
		libewf_error_free(e);
	}
	for (i = 0; out[i]; i++)
		if (out[i] == '\n')
			out[i] = ' ';
}

int lt_source_stored_hashes(const struct lt_source *src, char *md5,
			    char *sha1, struct lt_err *err)
{
	libewf_error_t *e = NULL;
	libewf_handle_t *h = NULL;
	char **files = NULL;
	int count = 0, rc = LT_OK, r;
	char msg[LT_ERR_MSG_MAX];

	md5[0] = sha1[0] = '\0';
	if (!src->img || !(src->img->itype & TSK_IMG_TYPE_EWF_EWF))
		return LT_OK;
	if (libewf_glob(src->path, strlen(src->path), LIBEWF_FORMAT_UNKNOWN,
			&files, &count, &e) != 1 ||
	    libewf_handle_initialize(&h, &e) != 1 ||
	    libewf_handle_open(h, files, count, LIBEWF_OPEN_READ, &e) != 1) {
		ewf_error(msg, sizeof(msg), &e);
		rc = lt_err_set(err, LT_E_CORRUPT,
				"cannot read E01 hashes: %s", msg);
		goto out;
	}
	r = libewf_handle_get_utf8_hash_value_md5(h, (uint8_t *)md5, 33, &e);
	if (r != 1) {
		md5[0] = '\0';
		libewf_error_free(&e);
	}
	r = libewf_handle_get_utf8_hash_value_sha1(h, (uint8_t *)sha1, 41, &e);
	if (r != 1) {
		sha1[0] = '\0';
		libewf_error_free(&e);
	}
	libewf_handle_close(h, NULL);
out:
	if (h)
		libewf_handle_free(&h, NULL);
	if (files)
		libewf_glob_free(files, count, NULL);
	return rc;
}

int lt_source_hash(struct lt_source *src, struct lt_hash *h,
		   void (*progress)(uint64_t, uint64_t, void *), void *udata,
		   struct lt_err *err)
{
	enum { CHUNK = 1 << 20 };
	uint64_t off = 0, size;
	char *buf;
	char msg[LT_ERR_MSG_MAX];

	if (!src->img)
		return lt_err_set(err, LT_E_ARG, "a directory has no image hash");
	size = (uint64_t)src->img->size;
	buf = malloc(CHUNK);
	if (!buf)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	while (off < size) {
		size_t want = (size_t)LT_MIN((uint64_t)CHUNK, size - off);
		ssize_t got = tsk_img_read(src->img, (TSK_OFF_T)off, buf, want);

		if (got <= 0) {
			lt_tsk_error(msg, sizeof(msg));
			free(buf);
			return lt_err_set(err, LT_E_IO,
					  "read failed at offset %" PRIu64
					  ": %s", off, msg);
		}
		lt_hash_update(h, buf, (size_t)got);
		off += (uint64_t)got;
		if (progress && (off & ((64u << 20) - 1)) < (uint64_t)got)
			progress(off, size, udata);
	}
	free(buf);
	return LT_OK;
}

static const char *last_dot(const char *s, size_t n)
{
	const char *dot = NULL;

	for (size_t i = 1; i < n; i++)
		if (s[i] == '.')
			dot = s + i;
	return dot;
}

static bool is_image_ext(const char *e, size_t n)
{
	static const char *const exts[] = { "raw", "dd", "img", "bin", "dmg" };

	for (size_t i = 0; i < LT_ARRAY_SIZE(exts); i++)
		if (strlen(exts[i]) == n && !strncasecmp(e, exts[i], n))
			return true;
	return false;
}

void lt_evidence_name(const char *path, char *out, size_t len)
{
	const char *base, *dot;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	base = path;
	for (size_t i = 0; i < n; i++)
		if (path[i] == '/' && i + 1 < n)
			base = path + i + 1;
	n -= (size_t)(base - path);
	{
		struct stat st;

		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(out, len, "%.*s", (int)n, base);
			return;
		}
	}
	/* "disk.001" -> "disk"; "image.raw.000" -> "image" too. */
	dot = last_dot(base, n);
	if (dot) {
		bool numeric = true;

		for (const char *p = dot + 1; p < base + n; p++)
			if (*p < '0' || *p > '9')
				numeric = false;
		n = (size_t)(dot - base);
		dot = numeric ? last_dot(base, n) : NULL;
		if (dot && is_image_ext(dot + 1, n - (size_t)(dot - base) - 1))
			n = (size_t)(dot - base);
	}
	snprintf(out, len, "%.*s", (int)n, base);
}

const char *lt_volume_encryption(const uint8_t *b, size_t len)
{
	/*
	 * BitLocker's identifier GUID 4967d63b-2e29-4ad8-8399-f6a339e3d001
	 * (little-endian).  Vista and 7 volumes say "-FVE-FS-" at 3 (7 has
	 * the GUID at 160 as well).  A BitLocker To Go volume (removable
	 * drives, Windows 7 on) is a FAT32 "discovery volume" holding only
	 * the reader program, "MSWIN4.1" at 3: the GUID at 424 is what
	 * tells; walked as FAT32, it would look like a drive without data.
	 */
	static const uint8_t bde_guid[16] = { 0x3b, 0xd6, 0x67, 0x49, 0x29, 0x2e,
					      0xd8, 0x4a, 0x83, 0x99, 0xf6, 0xa3,
					      0x39, 0xe3, 0xd0, 0x01 };

	if (len >= 11 && !memcmp(b + 3, "-FVE-FS-", 8))
		return "bitlocker";
	if (len >= 176 && !memcmp(b + 160, bde_guid, 16))
		return "bitlocker";
	if (len >= 440 && !memcmp(b + 3, "MSWIN4.1", 8) &&
	    !memcmp(b + 424, bde_guid, 16))
		return "bitlocker";
	if (len >= 6 && !memcmp(b, "LUKS\xba\xbe", 6))
		return "luks";
	/* CoreStorage physical volume header: "CS" at 88, version 1. */
	if (len >= 92 && b[88] == 'C' && b[89] == 'S' && b[90] == 1 &&
	    b[91] == 0)
		return "filevault";
	return NULL;
}
