// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The archive walker (archive.h has the contract): libarchive reads the
 * archive through random-access callbacks over in->read; each member is
 * decompressed into memory or a memfd while the limits are checked, then
 * handed to the callback.
 *
 * Decisions worth knowing:
 *
 * - Formats and filters are enabled one by one, not with _all(): mtree is
 *   left out because its reader opens the files an mtree spec names on
 *   the local disk (evidence must never make us read our own files), and
 *   the filters that run an external program (lrzip, lzop, grzip) are
 *   left out: no process runs on evidence.  The "raw" format reads a
 *   single compressed file; raw over no compression is "not an archive".
 *
 * - Zip bombs: a member stops being read when its content passes
 *   max_member_size, when the bytes expanded under the top-level archive
 *   pass max_total, or when its content passes max_ratio times the input
 *   bytes consumed since its header (counted in the read callback, plus
 *   one read-ahead block, past 1 MiB of content).  For ZIP the central
 *   directory's sizes are checked before anything is decompressed.
 *   Skipping the rest of a member is free where the format says where
 *   the next header is (ZIP with a central directory, tar, cpio, ar,
 *   ISO 9660, LHA, XAR without a compression filter); elsewhere (tar.gz
 *   and other compressed streams, 7z, RAR, CAB) libarchive would
 *   decompress the rest to skip it, out of our sight and without bound
 *   (bzip2 expands 45 million to one), so we drain it ourselves, counted
 *   against max_total, and after a zip bomb in such a stream the walk
 *   stops (LT_E_LIMIT).
 *
 * - Encryption kinds: libarchive flags encrypted ZIP, 7z and RAR4 members
 *   but does not tell ZipCrypto from AES, and 3.6.2's RAR5 reader skips
 *   the file encryption record.  So the ZIP central directory, the RAR5
 *   and RAR4 headers and the 7z start header are read here (bounded,
 *   through in->read), and matched with libarchive's entries by order
 *   (ZIP: central directory entries sorted by local header offset, as
 *   libarchive's seekable reader walks them), checked by name.
 *
 * - Names: libarchive converts names to the current locale's charset; the
 *   thread's locale is C.UTF-8 during the walk (uselocale), so UTF-8
 *   names stay UTF-8 and names without a charset stay raw bytes, which
 *   are then read as UTF-8, else CP932, else UTF-8 with U+FFFD.  The LHA
 *   reader of 3.6.2 fails on any non-ASCII name unless told a charset: it
 *   is told ISO-8859-1 (every byte valid), and the raw bytes are taken
 *   back from that.
 */
#include "triage/core/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <iconv.h>
#include <locale.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leaktriage/archive.h"
#include "leaktriage/buf.h"
#include "leaktriage/json.h"

#define READ_BLOCK ((size_t)64 << 10)   /* bytes per read callback */
#define RATIO_MIN_OUT ((uint64_t)1 << 20)
#define ZIP_CD_MAX ((uint64_t)64 << 20) /* central directory bytes read */
#define RAR_HDR_MAX ((size_t)2 << 20)   /* RAR5 headers are at most 2 MiB */
#define SIG_SEARCH ((uint64_t)1 << 20)  /* SFX stub searched for a sig */
#define MAX_FAILED 100                  /* header failures in a row */
#define NAME_MAX_BYTES ((size_t)64 << 10)

/* Kinds: the same strings as LT_PROT_* in protect.h. */
enum prot { P_NONE, P_ZIPCRYPTO, P_ZIPAES, P_PKWARE, P_PKWARE_AES, P_7ZAES,
	    P_RARAES, P_RAR2, P_UNKNOWN };
static const char *const prot_name[] = { NULL,      "zipcrypto",  "zip-aes",
					 "zip-pkware", "zip-pkware", "7z-aes",
					 "rar-aes",   "rar2",       "unknown" };
static const bool prot_strong[] = { false, false, true, false, true,
				    true,  true,  false, false };

/* ---- side tables: what libarchive does not tell ------------------------ */

struct zip_ent {
	uint64_t off;   /* local header offset, corrected for a prefix */
	uint64_t csize, usize;
	uint32_t name_at, index;
	uint16_t name_len, flags;
	uint8_t prot;
};

struct rar_ent {
	uint32_t name_at;
	uint16_t name_len;
	uint8_t prot;
};

enum outcome { XO_OK, XO_TOO_LARGE, XO_BOMB, XO_TOTAL, XO_UNREADABLE, XO_CORRUPT,
	       XO_IO };

struct walk {
	const struct lt_scan_input *in;
	const struct lt_archive_limits *lim;
	struct lt_err *err;
	struct archive *a;
	locale_t loc, old_loc;

	/* input */
	uint64_t pos, delivered;
	uint8_t *rbuf;
	bool io_failed;
	struct lt_err io_err;

	/* budget */
	uint64_t own_total, *total;

	/* current member content */
	uint8_t *mem;
	size_t mem_alloc;
	int fd;
	uint64_t out_len;
	bool consumed;      /* libarchive's data for the entry all read */
	uint64_t ratio_seen;
	char why[LT_ERR_MSG_MAX];
	char warn[LT_ERR_MSG_MAX];

	/* ZIP central directory, RAR headers */
	bool zip_tried;
	struct zip_ent *zip;
	size_t zip_count, zip_next;
	struct lt_buf zip_names;
	bool rar_tried, rar_whole, rar_found;
	int rar_version;
	struct rar_ent *rar;
	size_t rar_count, rar_alloc, rar_next;
	struct lt_buf rar_names;

	/* names */
	iconv_t cp932;
	bool cp932_open;
	struct lt_buf name, path;

	uint64_t members;
};

static int io_read(struct walk *w, uint64_t off, void *buf, size_t len,
		   size_t *got)
{
	const struct lt_scan_input *in = w->in;
	size_t done = 0, n;
	int rc;

	if (in->data) {
		if (off < in->size) {
			done = LT_MIN(len, (size_t)(in->size - off));
			memcpy(buf, in->data + off, done);
		}
		*got = done;
		return LT_OK;
	}
	while (done < len) {
		n = 0;
		rc = in->read(in->src, off + done, (uint8_t *)buf + done,
			      len - done, &n, &w->io_err);
		if (rc) {
			w->io_failed = true;
			return rc;
		}
		if (!n)
			break;
		done += n;
	}
	*got = done;
	return LT_OK;
}

/* Read exactly len bytes at off: false if fewer are there (or on error). */
static bool io_exact(struct walk *w, uint64_t off, void *buf, size_t len)
{
	size_t got;

	return !io_read(w, off, buf, len, &got) && got == len;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- ZIP central directory --------------------------------------------- */

static uint8_t zip_kind(uint16_t flags, uint16_t method, const uint8_t *ex,
			size_t ex_len, uint64_t *csize, uint64_t *usize,
			uint64_t *off)
{
	bool aes = false, strong = flags & 0x40, strong_aes = false;
	size_t i = 0;

	while (i + 4 <= ex_len) {
		uint16_t id = le16(ex + i), sz = le16(ex + i + 2);
		const uint8_t *d = ex + i + 4;
		size_t k = 0;

		if (sz > ex_len - i - 4)
			break;
		if (id == 0x0001) { /* ZIP64: only the fields that overflow */
			if (*usize == 0xFFFFFFFF && k + 8 <= sz) {
				*usize = le64(d + k);
				k += 8;
			}
			if (*csize == 0xFFFFFFFF && k + 8 <= sz) {
				*csize = le64(d + k);
				k += 8;
			}
			if (off && *off == 0xFFFFFFFF && k + 8 <= sz)
				*off = le64(d + k);
		} else if (id == 0x9901 && sz >= 7) { /* WinZip AES */
			aes = true;
		} else if (id == 0x0017 && sz >= 4) { /* strong encryption */
			uint16_t alg = le16(d + 2);

			strong = true;
			strong_aes = alg >= 0x660E && alg <= 0x6610;
		}
		i += 4 + (size_t)sz;
	}
	if (!(flags & 1))
		return P_NONE;
	if (method == 99 && aes)
		return P_ZIPAES;
	if (strong)
		return strong_aes ? P_PKWARE_AES : P_PKWARE;
	return P_ZIPCRYPTO;
}

static int zip_ent_cmp(const void *pa, const void *pb)
{
	const struct zip_ent *a = pa, *b = pb;

	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Find the end of central directory; false when there is none. */
static bool zip_eocd(struct walk *w, uint64_t *cd_off, uint64_t *cd_size,
		     uint64_t *count, uint64_t *eocd_at)
{
	uint64_t size = w->in->size, start;
	size_t len, got, i;
	uint8_t *tail;
	bool found = false;

	if (size < 22)
		return false;
	len = (size_t)LT_MIN(size, (uint64_t)65535 + 22);
	start = size - len;
	tail = malloc(len);
	if (!tail || io_read(w, start, tail, len, &got) || got != len) {
		free(tail);
		return false;
	}
	for (i = len - 22 + 1; i-- > 0;) {
		if (le32(tail + i) != 0x06054B50)
			continue;
		if (i + 22 + le16(tail + i + 20) > len)
			continue;
		*count = le16(tail + i + 10);
		*cd_size = le32(tail + i + 12);
		*cd_off = le32(tail + i + 16);
		*eocd_at = start + i;
		found = true;
		if (i >= 20 && le32(tail + i - 20) == 0x07064B50) {
			uint64_t z64 = le64(tail + i - 20 + 8);
			uint8_t r[56];

			if (io_exact(w, z64, r, sizeof(r)) &&
			    le32(r) == 0x06064B50) {
				*count = le64(r + 32);
				*cd_size = le64(r + 40);
				*cd_off = le64(r + 48);
				*eocd_at = z64;
			}
		}
		break;
	}
	free(tail);
	return found;
}

static void zip_load(struct walk *w)
{
	uint64_t cd_off, cd_size, count, eocd_at, base = 0, n, i;
	uint8_t *cd = NULL;
	size_t p = 0;

	w->zip_tried = true;
	if (!zip_eocd(w, &cd_off, &cd_size, &count, &eocd_at))
		return;
	if (cd_size > ZIP_CD_MAX || cd_size > eocd_at || cd_size < 46 ||
	    count > w->lim->max_members + 1)
		return;
	/* data prepended to the archive (an SFX stub) shifts every offset */
	if (cd_off + cd_size < eocd_at)
		base = eocd_at - cd_size - cd_off;
	cd = malloc((size_t)cd_size);
	n = LT_MIN(count, cd_size / 46);
	w->zip = lt_calloc((size_t)n ? (size_t)n : 1, sizeof(*w->zip));
	if (!cd || !w->zip || !io_exact(w, eocd_at - cd_size, cd, cd_size))
		goto out;
	for (i = 0; i < n && p + 46 <= cd_size; i++) {
		const uint8_t *h = cd + p;
		struct zip_ent *e = &w->zip[w->zip_count];
		size_t nl = le16(h + 28), el = le16(h + 30), cl = le16(h + 32);
		uint64_t off = le32(h + 42);

		if (le32(h) != 0x02014B50 || p + 46 + nl + el + cl > cd_size)
			break;
		e->csize = le32(h + 20);
		e->usize = le32(h + 24);
		e->flags = le16(h + 8);
		e->prot = zip_kind(e->flags, le16(h + 10), h + 46 + nl, el,
				   &e->csize, &e->usize, &off);
		e->off = off + base;
		e->index = (uint32_t)i;
		e->name_at = (uint32_t)w->zip_names.len;
		e->name_len = (uint16_t)nl;
		lt_buf_add(&w->zip_names, h + 46, nl);
		if (lt_buf_status(&w->zip_names))
			goto out;
		w->zip_count++;
		p += 46 + nl + el + cl;
	}
	/* libarchive's seekable reader walks them by offset, one per offset */
	qsort(w->zip, w->zip_count, sizeof(*w->zip), zip_ent_cmp);
	for (i = n = 0; i < w->zip_count; i++)
		if (!n || w->zip[i].off != w->zip[n - 1].off)
			w->zip[n++] = w->zip[i];
	w->zip_count = (size_t)n;
	free(cd);
	return;
out:
	free(cd);
	free(w->zip);
	w->zip = NULL;
	w->zip_count = 0;
}

static bool name_eq(const struct lt_buf *names, uint32_t at, uint16_t len,
		    const char *s)
{
	if (!len)
		return !*s;
	return strlen(s) == len && !memcmp(names->buf + at, s, len);
}

static const struct zip_ent *zip_match(struct walk *w, const char *raw)
{
	size_t i;

	if (!w->zip_tried)
		zip_load(w);
	if (w->zip_next < w->zip_count &&
	    name_eq(&w->zip_names, w->zip[w->zip_next].name_at,
		    w->zip[w->zip_next].name_len, raw))
		return &w->zip[w->zip_next++];
	for (i = 0; i < w->zip_count; i++)
		if (name_eq(&w->zip_names, w->zip[i].name_at,
			    w->zip[i].name_len, raw)) {
			w->zip_next = i + 1;
			return &w->zip[i];
		}
	/* a name libarchive rewrote (Info-ZIP Unicode path field) */
	return w->zip_next < w->zip_count ? &w->zip[w->zip_next++] : NULL;
}

/* The kind from the local header near libarchive's header position (the
 * streaming reader, used when there is no central directory). */
static uint8_t zip_local_kind(struct walk *w)
{
	int64_t at = archive_read_header_position(w->a);
	uint8_t buf[4096];
	size_t got, i;

	if (at < 0 || io_read(w, (uint64_t)at, buf, sizeof(buf), &got))
		return P_UNKNOWN;
	for (i = 0; i + 30 <= got; i++) {
		uint64_t cs, us;
		size_t nl, el;

		if (le32(buf + i) != 0x04034B50)
			continue;
		nl = le16(buf + i + 26);
		el = le16(buf + i + 28);
		cs = le32(buf + i + 18);
		us = le32(buf + i + 22);
		if (i + 30 + nl + el > got)
			return (le16(buf + i + 6) & 1) ? P_ZIPCRYPTO : P_UNKNOWN;
		return zip_kind(le16(buf + i + 6), le16(buf + i + 8),
				buf + i + 30 + nl, el, &cs, &us, NULL);
	}
	return P_UNKNOWN;
}

/* ---- RAR headers -------------------------------------------------------- */

static const uint8_t rar5_sig[8] = { 'R', 'a', 'r', '!', 0x1A, 7, 1, 0 };
static const uint8_t rar4_sig[7] = { 'R', 'a', 'r', '!', 0x1A, 7, 0 };

/* A RAR5 vint at *p (at most 10 bytes, before end). */
static bool vint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 70 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;

		if (shift < 64)
			*v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

static bool rar_add(struct walk *w, const uint8_t *name, size_t len,
		    uint8_t prot)
{
	struct rar_ent *e;

	if (w->rar_count == w->rar_alloc) {
		size_t n = w->rar_alloc ? 2 * w->rar_alloc : 16;
		struct rar_ent *r = lt_calloc(n, sizeof(*r));

		if (!r)
			return false;
		if (w->rar_count)
			memcpy(r, w->rar, w->rar_count * sizeof(*r));
		free(w->rar);
		w->rar = r;
		w->rar_alloc = n;
	}
	len = LT_MIN(len, (size_t)UINT16_MAX);
	e = &w->rar[w->rar_count++];
	e->name_at = (uint32_t)w->rar_names.len;
	e->name_len = (uint16_t)len;
	e->prot = prot;
	lt_buf_add(&w->rar_names, name, len);
	return !lt_buf_status(&w->rar_names);
}

static void rar5_scan(struct walk *w, uint64_t pos, uint8_t *hb)
{
	uint64_t n;

	for (n = 0; n <= w->lim->max_members; n++) {
		uint8_t head[7];
		const uint8_t *p = head + 4, *e, *q;
		uint64_t hsize, type, flags, extra = 0, data = 0;

		if (!io_exact(w, pos, head, sizeof(head)) ||
		    !vint(&p, head + 7, &hsize) || !hsize ||
		    hsize > RAR_HDR_MAX)
			return;
		pos += (uint64_t)(p - head);
		if (!io_exact(w, pos, hb, (size_t)hsize))
			return;
		p = hb;
		e = hb + hsize;
		if (!vint(&p, e, &type) || !vint(&p, e, &flags) ||
		    ((flags & 1) && !vint(&p, e, &extra)) ||
		    ((flags & 2) && !vint(&p, e, &data)) || extra > hsize)
			return;
		if (type == 4) { /* archive encryption header */
			w->rar_whole = true;
			return;
		}
		if (type == 5)
			return;
		if (type == 2) {
			uint64_t ff, v, nl;
			uint8_t prot = P_NONE;

			if (!vint(&p, e, &ff) || !vint(&p, e, &v) ||
			    !vint(&p, e, &v))
				return;
			p += (ff & 2) ? 4 : 0;
			p += (ff & 4) ? 4 : 0;
			if (p > e || !vint(&p, e, &v) || !vint(&p, e, &v) ||
			    !vint(&p, e, &nl) || nl > (uint64_t)(e - p))
				return;
			q = e - extra;
			while (q < e) {
				uint64_t rs, rt;
				const uint8_t *r = q;

				if (!vint(&r, e, &rs) || rs > (uint64_t)(e - r) ||
				    !rs)
					break;
				q = r + rs;
				if (vint(&r, q, &rt) && rt == 1)
					prot = P_RARAES;
			}
			if (!rar_add(w, p, (size_t)nl, prot))
				return;
		}
		if (pos + hsize + data < pos)
			return;
		pos += hsize + data;
	}
}

static void rar4_scan(struct walk *w, uint64_t pos, uint8_t *hb)
{
	uint64_t n;

	for (n = 0; n <= w->lim->max_members; n++) {
		uint8_t h[11];
		uint16_t flags, size;
		uint64_t add = 0;

		if (!io_exact(w, pos, h, 7))
			return;
		flags = le16(h + 3);
		size = le16(h + 5);
		if (size < 7)
			return;
		if (h[2] == 0x73 && (flags & 0x0080)) {
			w->rar_whole = true;
			return;
		}
		if (h[2] == 0x7B)
			return;
		if (flags & 0x8000) {
			if (!io_exact(w, pos, h, 11))
				return;
			add = le32(h + 7);
		}
		if (h[2] == 0x74) {
			size_t nat = (flags & 0x100) ? 40 : 32, nl;
			uint8_t prot = P_NONE;

			if (size < nat || !io_exact(w, pos, hb, size))
				return;
			if (flags & 0x100)
				add |= (uint64_t)le32(hb + 32) << 32;
			nl = LT_MIN((size_t)le16(hb + 26), size - nat);
			if (flags & 0x04)
				prot = hb[24] >= 29 ? P_RARAES : P_RAR2;
			/* a Unicode name follows the OEM one after a NUL */
			if (memchr(hb + nat, 0, nl))
				nl = (size_t)((uint8_t *)memchr(hb + nat, 0, nl) -
					      (hb + nat));
			if (!rar_add(w, hb + nat, nl, prot))
				return;
		}
		if (pos + size + add < pos)
			return;
		pos += size + add;
	}
}

/* Find a RAR signature (at 0, or in an SFX stub when `search`) and read
 * the headers that follow. */
static void rar_load(struct walk *w, bool search)
{
	uint8_t *hb, *buf = NULL;
	uint64_t at = 0, limit = search ? SIG_SEARCH : 1;
	int version = 0;

	w->rar_tried = true;
	hb = malloc(RAR_HDR_MAX);
	buf = malloc(READ_BLOCK + 8);
	if (!hb || !buf)
		goto out;
	for (at = 0; at < limit && !version; at += READ_BLOCK) {
		size_t got, i;

		if (io_read(w, at, buf, READ_BLOCK + 8, &got))
			break;
		for (i = 0; i < LT_MIN(got, (size_t)(limit - at)); i++) {
			if (i + 8 <= got && !memcmp(buf + i, rar5_sig, 8)) {
				version = 5;
				break;
			}
			if (i + 7 <= got && !memcmp(buf + i, rar4_sig, 7)) {
				version = 4;
				break;
			}
		}
		if (version) {
			at += i;
			break;
		}
		if (got < READ_BLOCK + 8)
			break;
	}
	w->rar_version = version;
	if (version == 5)
		rar5_scan(w, at + 8, hb);
	else if (version == 4)
		rar4_scan(w, at + 7, hb);
out:
	free(hb);
	free(buf);
}

static uint8_t rar_match(struct walk *w, const char *raw)
{
	size_t i;

	if (w->rar_next < w->rar_count &&
	    (w->rar_version == 4 ||
	     name_eq(&w->rar_names, w->rar[w->rar_next].name_at,
		     w->rar[w->rar_next].name_len, raw)))
		return w->rar[w->rar_next++].prot;
	for (i = 0; i < w->rar_count; i++)
		if (name_eq(&w->rar_names, w->rar[i].name_at,
			    w->rar[i].name_len, raw)) {
			w->rar_next = i + 1;
			return w->rar[i].prot;
		}
	return P_NONE;
}

/* ---- 7z: a header encrypted as a whole ---------------------------------- */

struct rd {
	const uint8_t *p, *e;
	bool bad;
};

static uint8_t rd_byte(struct rd *r)
{
	if (r->p >= r->e) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}

/* 7z's NUMBER: the leading 1 bits of the first byte count extra bytes. */
static uint64_t rd_num(struct rd *r)
{
	uint8_t first = rd_byte(r), mask = 0x80;
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++, mask >>= 1) {
		if (!(first & mask))
			return v | (uint64_t)(first & (mask - 1)) << (8 * i);
		v |= (uint64_t)rd_byte(r) << (8 * i);
	}
	return v;
}

static void rd_skip(struct rd *r, uint64_t n)
{
	if (n > (uint64_t)(r->e - r->p)) {
		r->bad = true;
		r->p = r->e;
	} else {
		r->p += n;
	}
}

/* True when the 7z header is an encoded header whose first folder has an
 * AES coder (7z a -p -mhe=on). */
static bool sevenzip_header_encrypted(struct walk *w)
{
	static const uint8_t sig[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };
	static const uint8_t aes[4] = { 0x06, 0xF1, 0x07, 0x01 };
	uint8_t sh[32], buf[4096];
	uint64_t off, size, i, npack, ncoders;
	struct rd r;
	size_t len;

	if (!io_exact(w, 0, sh, sizeof(sh)) || memcmp(sh, sig, 6))
		return false;
	off = le64(sh + 12);
	size = le64(sh + 20);
	if (off > w->in->size || size < 2)
		return false;
	len = (size_t)LT_MIN(size, (uint64_t)sizeof(buf));
	if (!io_exact(w, 32 + off, buf, len))
		return false;
	r.p = buf;
	r.e = buf + len;
	r.bad = false;
	if (rd_byte(&r) != 0x17 || rd_byte(&r) != 0x06) /* encoded, PackInfo */
		return false;
	rd_num(&r);
	npack = rd_num(&r);
	for (;;) {
		uint8_t id = rd_byte(&r);

		if (r.bad || id == 0x00)
			break;
		if (id == 0x09) {
			for (i = 0; i < npack && !r.bad; i++)
				rd_num(&r);
		} else if (id == 0x0A) {
			uint64_t defined = npack;

			if (!rd_byte(&r)) {
				defined = 0;
				for (i = 0; i < (npack + 7) / 8 && !r.bad; i++)
					defined += (uint64_t)__builtin_popcount(
						rd_byte(&r));
			}
			rd_skip(&r, 4 * defined);
		} else {
			return false;
		}
	}
	if (r.bad || rd_byte(&r) != 0x07 || rd_byte(&r) != 0x0B)
		return false;
	rd_num(&r);                                 /* number of folders */
	if (rd_byte(&r) != 0)                       /* not external */
		return false;
	ncoders = rd_num(&r);
	for (i = 0; i < ncoders && i < 64 && !r.bad; i++) {
		uint8_t flag = rd_byte(&r), idlen = flag & 0x0F;
		const uint8_t *id = r.p;

		rd_skip(&r, idlen);
		if (!r.bad && idlen == 4 && !memcmp(id, aes, 4))
			return true;
		if (flag & 0x10) {
			rd_num(&r);
			rd_num(&r);
		}
		if (flag & 0x20)
			rd_skip(&r, rd_num(&r));
	}
	return false;
}

/* ---- names -------------------------------------------------------------- */

/* CP932 to UTF-8, invalid bytes as U+FFFD; returns the replacements. */
static size_t cp932_decode(struct walk *w, const char *s, size_t len,
			   bool lha, struct lt_buf *out)
{
	char tmp[4 * 256], fix[256];
	size_t bad = 0, i;

	if (!w->cp932_open) {
		w->cp932 = iconv_open("UTF-8", "CP932");
		w->cp932_open = true;
	}
	if (w->cp932 == (iconv_t)-1)
		return SIZE_MAX;
	iconv(w->cp932, NULL, NULL, NULL, NULL);
	while (len) {
		size_t n = LT_MIN(len, sizeof(fix)), in_left, out_left;
		char *ip = fix, *op = tmp;

		/* LHA level 0 names had '\' (a trail byte too) made '/' */
		memcpy(fix, s, n);
		for (i = 0; lha && i + 1 < n; i++) {
			uint8_t c = (uint8_t)fix[i];

			if ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC)) {
				if (fix[i + 1] == '/')
					fix[i + 1] = '\\';
				i++;
			}
		}
		in_left = n;
		out_left = sizeof(tmp);
		if (iconv(w->cp932, &ip, &in_left, &op, &out_left) ==
			    (size_t)-1 &&
		    errno != E2BIG) {
			lt_buf_add(out, tmp, (size_t)(op - tmp));
			if (errno == EINVAL && in_left < n && ip > fix) {
				/* a sequence cut by our chunk: retry it */
				s += (size_t)(ip - fix);
				len -= (size_t)(ip - fix);
				continue;
			}
			lt_buf_add(out, "\xEF\xBF\xBD", 3);
			bad++;
			n = (size_t)(ip - fix) + 1;
			iconv(w->cp932, NULL, NULL, NULL, NULL);
		} else {
			lt_buf_add(out, tmp, (size_t)(op - tmp));
			n = (size_t)(ip - fix);
		}
		if (!n)
			n = 1;
		s += n;
		len -= n;
	}
	return bad;
}

/* UTF-8 with U+FFFD for invalid bytes; returns the replacements. */
static size_t u8_bad(const char *s, size_t len, struct lt_buf *out)
{
	size_t before = out->len, i, bad = 0;

	lt_utf8_sanitize(out, s, len);
	for (i = before; out->buf && i + 3 <= out->len; i++)
		if (!memcmp(out->buf + i, "\xEF\xBF\xBD", 3))
			bad++;
	return bad;
}

/*
 * The member's path as UTF-8 into w->name.  `latin1`: libarchive decoded
 * the raw bytes as ISO-8859-1 (LHA); they are taken back first.
 */
static void name_convert(struct walk *w, const char *s, bool latin1,
			 bool backslash)
{
	struct lt_buf raw, alt;
	size_t len = strlen(s), i, bad_u8, bad_cp;

	lt_buf_reset(&w->name);
	lt_buf_init(&raw, NAME_MAX_BYTES);
	lt_buf_init(&alt, 4 * NAME_MAX_BYTES);
	if (latin1 && lt_utf8_valid(s, len)) {
		for (i = 0; i < len; i++) {
			uint8_t c = (uint8_t)s[i];

			if (c < 0x80) {
				lt_buf_addc(&raw, (char)c);
			} else if ((c == 0xC2 || c == 0xC3) && i + 1 < len) {
				lt_buf_addc(&raw,
					    (char)(((c & 3) << 6) |
						   (s[i + 1] & 0x3F)));
				i++;
			} else { /* beyond Latin-1: libarchive's own UTF-8 */
				lt_buf_reset(&raw);
				lt_buf_add(&raw, s, len);
				break;
			}
		}
		s = lt_buf_str(&raw);
		len = raw.len;
	}
	len = LT_MIN(len, NAME_MAX_BYTES);
	if (lt_utf8_valid(s, len)) {
		lt_buf_add(&w->name, s, len);
	} else {
		bad_cp = cp932_decode(w, s, len, latin1, &alt);
		if (!bad_cp) {
			lt_buf_add(&w->name, alt.buf, alt.len);
		} else {
			bad_u8 = u8_bad(s, len, &w->name);
			if (bad_cp < bad_u8) {
				lt_buf_reset(&w->name);
				lt_buf_add(&w->name, alt.buf, alt.len);
			}
		}
	}
	if (backslash)
		for (i = 0; i < w->name.len; i++)
			if (w->name.buf[i] == '\\')
				w->name.buf[i] = '/';
	lt_buf_release(&raw);
	lt_buf_release(&alt);
}

/* For a bare compressed file: the gzip header's name, else the archive's
 * name without its compression suffix. */
static void raw_name(struct walk *w, const char *libarchive_name)
{
	static const char *const sfx[] = { ".gz",  ".tgz", ".bz2", ".xz",
					   ".lzma", ".lz", ".zst", ".lz4",
					   ".Z",   ".z" };
	const char *p = w->in->path ? w->in->path : "", *b = strrchr(p, '/');
	size_t len, i, n;

	lt_buf_reset(&w->name);
	if (libarchive_name && *libarchive_name &&
	    strcmp(libarchive_name, "data")) {
		name_convert(w, libarchive_name, false, false);
		return;
	}
	b = b ? b + 1 : p;
	len = strlen(b);
	for (i = 0; i < LT_ARRAY_SIZE(sfx); i++) {
		n = strlen(sfx[i]);
		if (len > n && !strcmp(b + len - n, sfx[i])) {
			lt_buf_add(&w->name, b, len - n);
			if (!strcmp(sfx[i], ".tgz"))
				lt_buf_adds(&w->name, ".tar");
			return;
		}
	}
	lt_buf_adds(&w->name, "data");
}

/* ---- libarchive callbacks ----------------------------------------------- */

static la_ssize_t cb_read(struct archive *a, void *u, const void **out)
{
	struct walk *w = u;
	size_t got;

	if (w->in->data) {
		got = w->pos < w->in->size ?
			      (size_t)LT_MIN((uint64_t)READ_BLOCK,
					     w->in->size - w->pos) :
			      0;
		*out = w->in->data + w->pos;
	} else {
		if (io_read(w, w->pos, w->rbuf, READ_BLOCK, &got)) {
			archive_set_error(a, EIO, "read error");
			return -1;
		}
		*out = w->rbuf;
	}
	w->pos += got;
	w->delivered += got;
	return (la_ssize_t)got;
}

static la_int64_t cb_skip(struct archive *a, void *u, la_int64_t request)
{
	struct walk *w = u;

	if (request < 0)
		return 0;
	w->pos += (uint64_t)request;
	return request;
}

static la_int64_t cb_seek(struct archive *a, void *u, la_int64_t off,
			  int whence)
{
	struct walk *w = u;
	int64_t base = whence == SEEK_SET ? 0 :
		       whence == SEEK_CUR ? (int64_t)w->pos :
					    (int64_t)w->in->size;

	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return ARCHIVE_FATAL;
	w->pos = (uint64_t)(base + off);
	return (la_int64_t)w->pos;
}

/* ---- member content ----------------------------------------------------- */

static int member_read(void *src, uint64_t off, void *buf, size_t len,
		       size_t *got, struct lt_err *err)
{
	struct walk *w = src;
	ssize_t n;

	*got = 0;
	if (off >= w->out_len)
		return LT_OK;
	len = (size_t)LT_MIN((uint64_t)len, w->out_len - off);
	if (w->fd < 0) {
		memcpy(buf, w->mem + off, len);
		*got = len;
		return LT_OK;
	}
	do
		n = pread(w->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return lt_err_set(err, LT_E_IO, "memory file: %s",
				  strerror(errno));
	*got = (size_t)n;
	return LT_OK;
}

static bool fd_write(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Close the memory file of the member given (after its callback). */
static void member_close(struct walk *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->out_len = 0;
}

static void member_reset(struct walk *w)
{
	member_close(w);
	w->consumed = false;
	w->why[0] = w->warn[0] = '\0';
}

static bool budget_left(struct walk *w, uint64_t n)
{
	return *w->total <= w->lim->max_total &&
	       n <= w->lim->max_total - *w->total;
}

/* Read libarchive's error into w->why ("prefix: message"). */
static void la_why(struct walk *w, const char *prefix)
{
	const char *m = archive_error_string(w->a);

	snprintf(w->why, sizeof(w->why), "%s: %s", prefix,
		 m && *m ? m : "unknown error");
	for (char *p = w->why; *p; p++)
		if ((uint8_t)*p < 0x20 || *p == 0x7F)
			*p = ' ';
}

/* Append n bytes (p NULL: zeros, for a hole of a sparse entry) to the
 * member's content: memory up to LT_SCAN_MAX_MEM, then a memory file. */
static enum outcome append(struct walk *w, const uint8_t *p, size_t n)
{
	static const uint8_t zeros[4096];

	if (w->fd < 0 && w->out_len + n > LT_SCAN_MAX_MEM) {
		w->fd = memfd_create("lt-archive-member", MFD_CLOEXEC);
		if (w->fd < 0 || !fd_write(w->fd, w->mem, (size_t)w->out_len)) {
			snprintf(w->why, sizeof(w->why), "memory file: %s",
				 strerror(errno));
			return XO_IO;
		}
	}
	if (w->fd >= 0) {
		size_t k;

		for (k = 0; p == NULL && k < n; k += sizeof(zeros))
			if (!fd_write(w->fd, zeros,
				      LT_MIN(sizeof(zeros), n - k)))
				break;
		if (p ? !fd_write(w->fd, p, n) : k < n) {
			snprintf(w->why, sizeof(w->why), "memory file: %s",
				 strerror(errno));
			return XO_IO;
		}
	} else {
		if (w->mem_alloc < w->out_len + n) {
			size_t na = LT_MAX(w->mem_alloc * 2,
					   (size_t)w->out_len + n);
			uint8_t *m;

			na = LT_MAX(LT_MIN(na, (size_t)LT_SCAN_MAX_MEM),
				    (size_t)64 << 10);
			m = realloc(w->mem, na);
			if (!m) {
				snprintf(w->why, sizeof(w->why), "out of memory");
				return XO_IO;
			}
			w->mem = m;
			w->mem_alloc = na;
		}
		if (p)
			memcpy(w->mem + w->out_len, p, n);
		else
			memset(w->mem + w->out_len, 0, n);
	}
	w->out_len += n;
	return XO_OK;
}

/*
 * Decompress the current entry into w->mem / w->fd, enforcing the limits.
 * `start` is w->delivered when the entry's header was read.  Blocks come
 * from archive_read_data_block(): archive_read_data() of 3.6.2 drops the
 * block that comes with a warning (a bad CRC).
 */
static enum outcome extract(struct walk *w, uint64_t start, bool sparse)
{
	const struct lt_archive_limits *lim = w->lim;
	unsigned idle = 0;

	for (;;) {
		const void *buf;
		const uint8_t *p;
		size_t n;
		la_int64_t off;
		uint64_t den, gap = 0;
		enum outcome x;
		int r = archive_read_data_block(w->a, &buf, &n, &off);

		if (r == ARCHIVE_EOF) {
			w->consumed = true;
			break;
		}
		if (r == ARCHIVE_WARN) {
			/* a complaint (bad CRC, wrong size); data may come */
			const char *m = archive_error_string(w->a);

			snprintf(w->warn, sizeof(w->warn), "%s",
				 m ? m : "warning");
		} else if (r < ARCHIVE_WARN) {
			if (w->io_failed)
				return XO_IO;
			la_why(w, r == ARCHIVE_FATAL ? "corrupt" : "unreadable");
			return r == ARCHIVE_FATAL ? XO_CORRUPT : XO_UNREADABLE;
		} else if (r != ARCHIVE_OK) { /* RETRY */
			n = 0;
		}
		p = buf;
		if (!p)
			n = 0;
		if (!n && ++idle >= MAX_FAILED) {
			la_why(w, "unreadable");
			return XO_UNREADABLE;
		}
		if (n)
			idle = 0;
		/* a hole (sparse entry) or a block already had */
		if (off > 0 && (uint64_t)off > w->out_len) {
			gap = (uint64_t)off - w->out_len;
		} else if (off >= 0 && (uint64_t)off < w->out_len) {
			uint64_t dup = w->out_len - (uint64_t)off;

			if (dup >= n)
				continue;
			p += dup;
			n -= (size_t)dup;
		}
		if (!n && !gap)
			continue;
		/* what was decompressed is spent, kept or not */
		*w->total += n;
		if (*w->total > lim->max_total)
			return XO_TOTAL;
		if (gap > lim->max_member_size ||
		    w->out_len + gap + n > lim->max_member_size)
			return XO_TOO_LARGE;
		if ((gap && (x = append(w, NULL, (size_t)gap))) ||
		    (x = append(w, p, n)))
			return x;
		/* input consumed for this entry: what the read callback gave
		 * since its header, plus the block read ahead before it;
		 * never more than the whole input */
		den = LT_MIN(w->delivered - start + READ_BLOCK,
			     LT_MAX(w->in->size, (uint64_t)1));
		if (!sparse && lim->max_ratio > 0 &&
		    w->out_len > RATIO_MIN_OUT &&
		    (double)w->out_len > lim->max_ratio * (double)den) {
			w->ratio_seen = w->out_len / den;
			return XO_BOMB;
		}
	}
	return XO_OK;
}

/* Read the rest of the entry and throw it away, counted against
 * max_total.  LT_OK, LT_E_LIMIT, or LT_E_CORRUPT (w->why says). */
static int drain(struct walk *w)
{
	unsigned idle = 0;

	while (!w->consumed) {
		const void *buf;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(w->a, &buf, &n, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			la_why(w, "corrupt");
			return r == ARCHIVE_FATAL ? LT_E_CORRUPT : LT_OK;
		}
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			n = 0;
		if (!n && ++idle >= MAX_FAILED)
			break;
		if (n)
			idle = 0;
		*w->total += n;
		if (*w->total > w->lim->max_total)
			return LT_E_LIMIT;
	}
	w->consumed = true;
	return LT_OK;
}

/* Whether libarchive skips an entry's rest without decompressing it. */
static bool cheap_skip(struct walk *w)
{
	int f = archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK;

	if (archive_filter_count(w->a) > 1)
		return false;
	switch (f) {
	case ARCHIVE_FORMAT_TAR:
	case ARCHIVE_FORMAT_CPIO:
	case ARCHIVE_FORMAT_AR:
	case ARCHIVE_FORMAT_ISO9660:
	case ARCHIVE_FORMAT_LHA:
	case ARCHIVE_FORMAT_XAR:
		return true;
	case ARCHIVE_FORMAT_ZIP:
		return w->zip_count > 0;
	default:
		return false;
	}
}

/* ---- the walk ----------------------------------------------------------- */

void lt_archive_limits_default(struct lt_archive_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_member_size = (uint64_t)1 << 30;
	l->max_total = (uint64_t)4 << 30;
	l->max_members = 100000;
	l->max_ratio = 200;
	l->max_depth = 5;
	l->expanded = NULL;
}

static void set_whole(struct lt_protection_summary *whole, uint8_t prot)
{
	whole->protected_ = true;
	snprintf(whole->kind, sizeof(whole->kind), "%s", prot_name[prot]);
	whole->strong = prot_strong[prot];
}

static int open_archive(struct walk *w)
{
	struct archive *a = archive_read_new();

	if (!a)
		return lt_err_set(w->err, LT_E_NOMEM, "libarchive: out of memory");
	w->a = a;
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_empty(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_warc(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_compress(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_set_format_option(a, "lha", "hdrcharset", "ISO-8859-1");
	archive_read_set_read_callback(a, cb_read);
	archive_read_set_seek_callback(a, cb_seek);
	archive_read_set_skip_callback(a, cb_skip);
	archive_read_set_callback_data(a, w);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		const char *m = archive_error_string(a);

		if (w->io_failed)
			return lt_err_set(w->err, w->io_err.code ? w->io_err.code :
							   LT_E_IO,
					  "%s", w->io_err.msg);
		return lt_err_set(w->err, LT_E_UNSUPPORTED,
				  "not an archive: %s",
				  m ? m : "unrecognized format");
	}
	return LT_OK;
}

/* Give one member to the callback; LT_OK to go on, else what stops. */
static int one_member(struct walk *w, struct archive_entry *e, int hr,
		      lt_member_fn fn, void *udata, bool *stop)
{
	const struct lt_archive_limits *lim = w->lim;
	struct lt_archive_member m;
	struct lt_scan_input content;
	const char *raw = archive_entry_pathname(e);
	int fmt = archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK;
	mode_t type = archive_entry_filetype(e);
	uint8_t prot = P_NONE;
	uint64_t start = w->delivered;
	enum outcome x = XO_OK;
	bool la_enc, want = false;
	int rc = LT_OK;
	const struct zip_ent *ze = NULL;

	memset(&m, 0, sizeof(m));
	member_reset(w);
	if (!raw)
		raw = "";
	if (hr == ARCHIVE_WARN) { /* e.g. a name libarchive could not convert */
		const char *msg = archive_error_string(w->a);

		snprintf(w->warn, sizeof(w->warn), "%s", msg ? msg : "warning");
	}
	if (fmt == ARCHIVE_FORMAT_RAW) {
		if (archive_filter_count(w->a) <= 1) {
			*stop = true;
			return lt_err_set(w->err, LT_E_UNSUPPORTED,
					  "not an archive");
		}
		raw_name(w, archive_entry_pathname(e));
	} else {
		name_convert(w, raw, fmt == ARCHIVE_FORMAT_LHA,
			     fmt == ARCHIVE_FORMAT_ZIP ||
				     fmt == ARCHIVE_FORMAT_LHA ||
				     fmt == ARCHIVE_FORMAT_RAR ||
				     fmt == ARCHIVE_FORMAT_RAR_V5 ||
				     fmt == ARCHIVE_FORMAT_CAB);
	}
	if (lt_buf_status(&w->name)) {
		*stop = true;
		return lt_err_set(w->err, LT_E_NOMEM, "member name: too long");
	}
	m.path = lt_buf_str(&w->name);
	m.size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) :
						UINT64_MAX;
	m.mtime = archive_entry_mtime_is_set(e) ?
			  (int64_t)archive_entry_mtime(e) :
			  INT64_MIN;
	m.is_dir = type == AE_IFDIR;

	la_enc = archive_entry_is_data_encrypted(e) > 0 ||
		 archive_entry_is_encrypted(e) > 0;
	if (fmt == ARCHIVE_FORMAT_ZIP) {
		ze = zip_match(w, raw);
		if (ze && ze->prot)
			prot = ze->prot;
		else if (la_enc)
			prot = zip_local_kind(w);
		if (la_enc && !prot)
			prot = P_UNKNOWN;
	} else if (fmt == ARCHIVE_FORMAT_RAR || fmt == ARCHIVE_FORMAT_RAR_V5) {
		if (!w->rar_tried)
			rar_load(w, true);
		prot = rar_match(w, raw);
		if (la_enc && !prot)
			prot = P_RARAES;
	} else if (fmt == ARCHIVE_FORMAT_7ZIP && la_enc) {
		prot = P_7ZAES;
	} else if (la_enc) {
		prot = P_UNKNOWN;
	}
	m.encrypted = prot != P_NONE;
	m.protection = prot_name[prot];
	m.strong = prot_strong[prot];

	if (hr == ARCHIVE_FAILED) {
		la_why(w, "unreadable");
		m.skipped = w->why;
		x = XO_UNREADABLE;
	} else if (m.is_dir) {
		/* nothing */
	} else if (type == AE_IFLNK) {
		m.skipped = "symbolic link";
	} else if (archive_entry_hardlink(e)) {
		m.skipped = "hard link";
	} else if (type != AE_IFREG && type != 0) {
		m.skipped = "special file";
	} else if (m.encrypted) {
		m.skipped = "encrypted";
	} else if (m.size != UINT64_MAX && m.size > lim->max_member_size) {
		m.skipped = "too large";
	} else if (ze && lim->max_ratio > 0 && ze->usize > RATIO_MIN_OUT &&
		   (double)ze->usize >
			   lim->max_ratio * (double)LT_MAX(ze->csize, 1)) {
		snprintf(w->why, sizeof(w->why), "zip bomb (ratio %" PRIu64 ":1)",
			 ze->usize / LT_MAX(ze->csize, 1));
		m.skipped = w->why;
		x = XO_BOMB;
	} else if ((m.size != UINT64_MAX && !budget_left(w, m.size)) ||
		   *w->total >= lim->max_total) {
		m.skipped = "total expansion limit";
		x = XO_TOTAL;
	} else {
		want = true;
	}

	if (want) {
		x = extract(w, start, archive_entry_sparse_count(e) > 0);
		switch (x) {
		case XO_OK:
			content.size = w->out_len;
			content.data = w->fd < 0 ? (w->mem ? w->mem :
						   (const uint8_t *)"") :
					   NULL;
			content.read = member_read;
			content.src = w;
			m.content = &content;
			break;
		case XO_TOO_LARGE:
			m.skipped = "too large";
			break;
		case XO_BOMB:
			snprintf(w->why, sizeof(w->why),
				 "zip bomb (ratio %" PRIu64 ":1)", w->ratio_seen);
			m.skipped = w->why;
			break;
		case XO_TOTAL:
			m.skipped = "total expansion limit";
			break;
		case XO_UNREADABLE:
		case XO_CORRUPT:
			m.skipped = w->why;
			break;
		case XO_IO:
			*stop = true;
			if (w->io_failed)
				return lt_err_set(w->err, w->io_err.code ?
							  w->io_err.code :
							  LT_E_IO,
						  "%s", w->io_err.msg);
			return lt_err_set(w->err, LT_E_IO, "member '%s': %s",
					  m.path, w->why);
		}
	}
	if (w->warn[0])
		m.warning = w->warn;

	lt_buf_reset(&w->path);
	if (w->in->path && *w->in->path) {
		lt_buf_adds(&w->path, w->in->path);
		lt_buf_addc(&w->path, '!');
	}
	lt_buf_adds(&w->path, m.path);
	if (m.content)
		content.path = lt_buf_str(&w->path);

	uselocale(w->old_loc);
	rc = fn(&m, udata);
	uselocale(w->loc ? w->loc : w->old_loc);
	member_close(w);
	if (rc) {
		*stop = true;
		return rc;
	}

	/* Get past the rest of the entry. */
	if (x == XO_CORRUPT) {
		*stop = true;
		return lt_err_set(w->err, LT_E_CORRUPT, "member '%s': %s",
				  m.path, w->why + strlen("corrupt: "));
	}
	if (x == XO_UNREADABLE || m.encrypted || m.is_dir || cheap_skip(w))
		return LT_OK;
	if (x == XO_BOMB) {
		*stop = true;
		return lt_err_set(w->err, LT_E_LIMIT,
				  "zip bomb '%s' in a compressed stream: the "
				  "members after it are not listed",
				  m.path);
	}
	rc = x == XO_TOTAL ? LT_E_LIMIT : drain(w);
	if (rc == LT_E_LIMIT) {
		*stop = true;
		return lt_err_set(w->err, LT_E_LIMIT,
				  "total expansion limit (%" PRIu64
				  " bytes) reached at '%s': the members after "
				  "it are not listed",
				  lim->max_total, m.path);
	}
	if (rc == LT_E_CORRUPT) {
		*stop = true;
		return lt_err_set(w->err, LT_E_CORRUPT, "after member '%s': %s",
				  m.path, w->why + strlen("corrupt: "));
	}
	if (rc)
		*stop = true;
	return rc ? lt_err_set(w->err, rc, "out of memory") : LT_OK;
}

static int walk_entries(struct walk *w, lt_member_fn fn, void *udata,
			struct lt_protection_summary *whole)
{
	struct archive_entry *e;
	unsigned failed = 0, retries = 0;
	bool stop = false;
	int rc;

	for (;;) {
		int hr = archive_read_next_header(w->a, &e);
		int fmt = archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK;

		if (hr == ARCHIVE_EOF)
			return LT_OK;
		if (hr == ARCHIVE_RETRY && ++retries < MAX_FAILED)
			continue;
		retries = 0;
		if (w->io_failed)
			return lt_err_set(w->err, w->io_err.code ?
						  w->io_err.code : LT_E_IO,
					  "%s", w->io_err.msg);
		if (hr == ARCHIVE_FATAL || hr == ARCHIVE_RETRY) {
			const char *m = archive_error_string(w->a);

			if (!w->members && fmt == ARCHIVE_FORMAT_7ZIP &&
			    archive_read_has_encrypted_entries(w->a) > 0) {
				set_whole(whole, P_7ZAES);
				return LT_OK;
			}
			if (!w->members && (fmt == ARCHIVE_FORMAT_RAR ||
					    fmt == ARCHIVE_FORMAT_RAR_V5)) {
				if (!w->rar_tried)
					rar_load(w, true);
				if (w->rar_whole) {
					set_whole(whole, P_RARAES);
					return LT_OK;
				}
			}
			if (!w->members && fmt == ARCHIVE_FORMAT_RAW)
				return lt_err_set(w->err, LT_E_UNSUPPORTED,
						  "not an archive");
			return lt_err_set(w->err, LT_E_CORRUPT,
					  "%s (after %" PRIu64 " members)",
					  m && *m ? m : "corrupt archive",
					  w->members);
		}
		if (hr == ARCHIVE_FAILED && ++failed > MAX_FAILED)
			return lt_err_set(w->err, LT_E_CORRUPT,
					  "%u bad headers in a row", failed);
		if (hr != ARCHIVE_FAILED)
			failed = 0;
		if (++w->members > w->lim->max_members)
			return lt_err_set(w->err, LT_E_LIMIT,
					  "more than %" PRIu64 " members",
					  w->lim->max_members);
		rc = one_member(w, e, hr, fn, udata, &stop);
		if (stop)
			return rc;
	}
}

int lt_archive_walk(const struct lt_scan_input *in,
		    const struct lt_archive_limits *lim, lt_member_fn fn,
		    void *udata, struct lt_protection_summary *whole,
		    struct lt_err *err)
{
	struct lt_archive_limits defaults;
	struct walk w;
	uint8_t head[8];
	size_t got;
	int rc;

	if (whole)
		memset(whole, 0, sizeof(*whole));
	if (!in || !fn || !whole || (!in->data && !in->read))
		return lt_err_set(err, LT_E_ARG, "lt_archive_walk: bad argument");
	if (!lim) {
		lt_archive_limits_default(&defaults);
		lim = &defaults;
	}
	memset(&w, 0, sizeof(w));
	w.in = in;
	w.lim = lim;
	w.err = err;
	w.fd = -1;
	w.total = lim->expanded ? lim->expanded : &w.own_total;
	w.io_err.code = LT_OK;
	lt_buf_init(&w.zip_names, ZIP_CD_MAX);
	lt_buf_init(&w.rar_names, (size_t)64 << 20);
	lt_buf_init(&w.name, 4 * NAME_MAX_BYTES + 16);
	lt_buf_init(&w.path, LT_BUF_CAP_DEFAULT);
	w.loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	w.old_loc = uselocale((locale_t)0);
	if (w.loc)
		uselocale(w.loc);

	/* Member lists encrypted as a whole: libarchive only fails on them. */
	if (!io_read(&w, 0, head, sizeof(head), &got) && got >= 7 &&
	    (!memcmp(head, rar4_sig, 7) ||
	     (got == 8 && !memcmp(head, rar5_sig, 8)))) {
		rar_load(&w, false);
		if (w.rar_whole) {
			set_whole(whole, P_RARAES);
			rc = LT_OK;
			goto out;
		}
	}
	if (sevenzip_header_encrypted(&w)) {
		set_whole(whole, P_7ZAES);
		rc = LT_OK;
		goto out;
	}
	if (w.io_failed) {
		rc = lt_err_set(err, w.io_err.code ? w.io_err.code : LT_E_IO,
				"%s", w.io_err.msg);
		goto out;
	}

	if (!in->data && !(w.rbuf = malloc(READ_BLOCK))) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	rc = open_archive(&w);
	if (!rc)
		rc = walk_entries(&w, fn, udata, whole);
	/* messages hold member names: keep them on one line */
	if (rc && err) {
		char *c;

		for (c = err->msg; *c; c++)
			if ((uint8_t)*c < 0x20 || *c == 0x7F)
				*c = '?';
	}
out:
	member_reset(&w);
	if (w.a)
		archive_read_free(w.a);
	uselocale(w.old_loc);
	if (w.loc)
		freelocale(w.loc);
	if (w.cp932_open && w.cp932 != (iconv_t)-1)
		iconv_close(w.cp932);
	free(w.rbuf);
	free(w.mem);
	free(w.zip);
	free(w.rar);
	lt_buf_release(&w.zip_names);
	lt_buf_release(&w.rar_names);
	lt_buf_release(&w.name);
	lt_buf_release(&w.path);
	return rc;
}
