// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ZIP container of OOXML packages: the central directory is read once
 * (ZIP64 included), members are found by part name with a binary search
 * and streamed through zlib's raw inflate into the caller's buffer.
 *
 * Why not libarchive: an OPC package is random access by part name (the
 * workbook, its relationships, the styles and the shared strings must be
 * read before the sheets, which Excel stores first), while libarchive
 * walks members in order (every part would reopen the archive and walk
 * the directory again), and it does not expose a member's compressed
 * size, which the zip-bomb check needs before inflating.  What is left is
 * small: the directory records are bounds-checked here, the inflating is
 * zlib's.  Every limit is checked on the declared sizes before a byte is
 * inflated, and inflating never goes past the declared size, so the
 * declared size is a hard bound.
 *
 * Prepended data (a self-extractor stub, a carved file with a prefix) is
 * allowed: offsets are shifted by the difference between where the central
 * directory is and where the end record says it is, as unzip does.
 */
#include "triage/core/compat.h"

#include <ctype.h>
#include <zlib.h>

#include "leaktriage/buf.h"
#include "scanners/extract/ooxml.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOC64 0x07064b50u

#define EOCD_LEN 22
#define EOCD_SEARCH (EOCD_LEN + 0xFFFF)
#define CD_MAX ((uint64_t)64 << 20)
#define ENTRIES_MAX 200000
#define IBUF ((size_t)64 << 10)
#define RATIO_GRACE ((uint64_t)1 << 20)

struct zent {
	uint32_t name;   /* offset of the normalized name in z->names */
	uint32_t order;  /* index in the central directory */
	uint64_t lh_off; /* local header, before the shift */
	uint64_t csize, usize;
	uint32_t crc;
	uint16_t method, flags;
};

struct lt_ooxml_zip {
	const struct lt_scan_input *in;
	uint64_t shift; /* bytes of prepended data */
	struct zent *ent;
	size_t count;
	char *names;
	char *warning;
	size_t wlen;
};

struct lt_ooxml_member {
	struct lt_ooxml_zip *z;
	const struct zent *e;
	char part[LT_OOXML_SHOWN]; /* for messages */
	uint64_t in_off, in_left; /* compressed bytes still to feed */
	uint64_t out;
	uint32_t crc;
	bool inflating, done;
	z_stream zs;
	uint8_t *ibuf;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

void lt_ooxml_warn(struct lt_ooxml_zip *z, const char *fmt, ...)
{
	va_list ap;

	if (!z->warning || !z->wlen || z->warning[0])
		return;
	va_start(ap, fmt);
	vsnprintf(z->warning, z->wlen, fmt, ap);
	va_end(ap);
}

/* Exactly len bytes at off, else LT_E_CORRUPT (the file ends) or the
 * reader's error. */
static int read_at(const struct lt_scan_input *in, uint64_t off, void *buf,
		   size_t len, struct lt_err *err)
{
	size_t have = 0;

	if (in->data) {
		if (off > in->size || len > in->size - off)
			return lt_err_set(err, LT_E_CORRUPT, "truncated ZIP: "
					  "offset %" PRIu64 " is past the end",
					  off + len);
		memcpy(buf, in->data + off, len);
		return LT_OK;
	}
	while (have < len) {
		size_t got = 0;
		int rc = in->read(in->src, off + have, (uint8_t *)buf + have,
				  len - have, &got, err);

		if (rc)
			return err->code ? (int)err->code :
					   lt_err_set(err, (enum lt_code)rc,
						      "read failed at offset "
						      "%" PRIu64, off + have);
		if (got > len - have)
			return lt_err_set(err, LT_E_INTERNAL,
					  "read returned more than asked");
		if (!got)
			return lt_err_set(err, LT_E_CORRUPT, "truncated ZIP: "
					  "offset %" PRIu64 " is past the end",
					  off + len);
		have += got;
	}
	return LT_OK;
}

/*
 * The key a part name is found by: no leading '/', '\' as '/', %XX
 * decoded, ASCII lower case.  out holds LT_OOXML_PART_MAX bytes; false if
 * the name does not fit or holds a NUL.
 */
static bool norm_name(const char *s, size_t len, char *out)
{
	size_t i = 0, o = 0;

	while (i < len && (s[i] == '/' || s[i] == '\\'))
		i++;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			c = (unsigned char)strtoul(hex, NULL, 16);
			i += 2;
		}
		if (!c || o + 1 >= LT_OOXML_PART_MAX)
			return false;
		if (c == '\\')
			c = '/';
		else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return true;
}

struct sortkey {
	const char *names;
	struct zent e;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;
	int c = strcmp(x->names + x->e.name, y->names + y->e.name);

	if (c)
		return c;
	return x->e.order < y->e.order ? -1 : x->e.order > y->e.order;
}

/* The end of central directory record (and the ZIP64 one). */
struct eocd {
	uint64_t at;      /* where the record that ends the directory is */
	uint64_t cd_off, cd_size, count;
};

static int find_eocd(const struct lt_scan_input *in, struct eocd *d,
		     struct lt_err *err)
{
	uint64_t size = in->size, start;
	size_t len, i;
	uint8_t *tail;
	bool found = false;
	int rc = LT_OK;

	if (size < EOCD_LEN)
		return lt_err_set(err, LT_E_CORRUPT,
				  "not a ZIP file: %" PRIu64 " bytes", size);
	len = (size_t)LT_MIN(size, (uint64_t)EOCD_SEARCH);
	start = size - len;
	tail = malloc(len);
	if (!tail)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	rc = read_at(in, start, tail, len, err);
	if (rc)
		goto out;
	/* The last record whose comment fits in the file. */
	for (i = len - EOCD_LEN + 1; i-- > 0;) {
		const uint8_t *p = tail + i;

		if (le32(p) != SIG_END || i + EOCD_LEN + le16(p + 20) > len)
			continue;
		d->at = start + i;
		d->count = le16(p + 10);
		d->cd_size = le32(p + 12);
		d->cd_off = le32(p + 16);
		found = true;
		break;
	}
	if (!found) {
		rc = lt_err_set(err, LT_E_CORRUPT, "not a ZIP file or a "
				"truncated one: no end of central directory "
				"record");
		goto out;
	}
	/* ZIP64: a locator right before the record. */
	if (d->at >= 20) {
		uint8_t loc[20], e64[56];

		rc = read_at(in, d->at - 20, loc, sizeof(loc), err);
		if (rc)
			goto out;
		if (le32(loc) == SIG_LOC64) {
			uint64_t off = le64(loc + 8);
			struct lt_err e1 = LT_ERR_INIT;

			/* with prepended data the offset is short by the
			 * shift: look where it says, else right before */
			if (off > d->at - 20 || d->at - 20 - off < 56 ||
			    read_at(in, off, e64, sizeof(e64), &e1) ||
			    le32(e64) != SIG_END64) {
				off = d->at - 20 - 56;
				if (d->at < 20 + 56 ||
				    read_at(in, off, e64, sizeof(e64), &e1) ||
				    le32(e64) != SIG_END64) {
					rc = lt_err_set(err, LT_E_CORRUPT,
							"ZIP64 end of central "
							"directory record not "
							"found");
					goto out;
				}
			}
			d->count = le64(e64 + 32);
			d->cd_size = le64(e64 + 40);
			d->cd_off = le64(e64 + 48);
			d->at = off;
		}
	}
out:
	free(tail);
	return rc;
}

static int parse_cd(struct lt_ooxml_zip *z, const uint8_t *cd, size_t len,
		    uint64_t declared, struct lt_err *err)
{
	size_t pos = 0, n = 0, nlen_total = 0, alloc = 0;
	struct sortkey *keys = NULL;
	char key[LT_OOXML_PART_MAX];
	int rc = LT_OK;
	size_t i;

	/* names never take more room than the directory itself */
	z->names = malloc(len + 1);
	if (!z->names)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	while (pos < len) {
		const uint8_t *p = cd + pos;
		uint16_t nl, xl, cl;
		struct zent e;
		const uint8_t *x, *xe;
		size_t kl;

		if (len - pos < 46 || le32(p) != SIG_CENTRAL) {
			rc = lt_err_set(err, LT_E_CORRUPT, "central directory "
					"entry %zu is corrupt", n);
			goto out;
		}
		nl = le16(p + 28);
		xl = le16(p + 30);
		cl = le16(p + 32);
		if ((size_t)46 + nl + xl + cl > len - pos) {
			rc = lt_err_set(err, LT_E_CORRUPT, "central directory "
					"entry %zu is cut", n);
			goto out;
		}
		if (n >= ENTRIES_MAX) {
			rc = lt_err_set(err, LT_E_LIMIT, "ZIP holds more than "
					"%d members", ENTRIES_MAX);
			goto out;
		}
		memset(&e, 0, sizeof(e));
		e.flags = le16(p + 8);
		e.method = le16(p + 10);
		e.crc = le32(p + 16);
		e.csize = le32(p + 20);
		e.usize = le32(p + 24);
		e.lh_off = le32(p + 42);
		/* ZIP64 extra field: the 64-bit values of the fields that
		 * hold 0xFFFFFFFF, in this order */
		x = p + 46 + nl;
		xe = x + xl;
		while (xe - x >= 4) {
			uint16_t id = le16(x), sz = le16(x + 2);
			const uint8_t *v = x + 4, *ve;

			if (sz > xe - v)
				break;
			ve = v + sz;
			if (id == 0x0001) {
				if (e.usize == 0xFFFFFFFFu && ve - v >= 8) {
					e.usize = le64(v);
					v += 8;
				}
				if (e.csize == 0xFFFFFFFFu && ve - v >= 8) {
					e.csize = le64(v);
					v += 8;
				}
				if (e.lh_off == 0xFFFFFFFFu && ve - v >= 8)
					e.lh_off = le64(v);
			}
			x = ve;
		}
		pos += (size_t)46 + nl + xl + cl;
		if (!norm_name((const char *)p + 46, nl, key)) {
			lt_ooxml_warn(z, "ZIP member %zu has an unusable name",
				      n);
			n++;
			continue;
		}
		kl = strlen(key);
		if (z->count >= alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct sortkey *k = realloc(keys, na * sizeof(*k));

			if (!k) {
				rc = lt_err_set(err, LT_E_NOMEM,
						"out of memory");
				goto out;
			}
			keys = k;
			alloc = na;
		}
		e.name = (uint32_t)nlen_total;
		e.order = (uint32_t)n;
		memcpy(z->names + nlen_total, key, kl + 1);
		nlen_total += kl + 1;
		keys[z->count].names = z->names;
		keys[z->count].e = e;
		z->count++;
		n++;
	}
	if (n != declared)
		lt_ooxml_warn(z, "ZIP directory holds %zu members, its end "
			      "record says %" PRIu64, n, declared);
	if (z->count)
		qsort(keys, z->count, sizeof(*keys), cmp_key);
	z->ent = lt_calloc(z->count ? z->count : 1, sizeof(*z->ent));
	if (!z->ent) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < z->count; i++)
		z->ent[i] = keys[i].e;
out:
	free(keys);
	return rc;
}

int lt_ooxml_zip_open(const struct lt_scan_input *in, char *warning,
		      size_t wlen, struct lt_ooxml_zip **out,
		      struct lt_err *err)
{
	struct lt_ooxml_zip *z;
	struct eocd d;
	uint8_t *cd = NULL;
	int rc;

	z = calloc(1, sizeof(*z));
	if (!z)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	z->in = in;
	z->warning = warning;
	z->wlen = wlen;
	rc = find_eocd(in, &d, err);
	if (rc)
		goto out;
	if (d.cd_size > CD_MAX) {
		rc = lt_err_set(err, LT_E_LIMIT, "ZIP central directory of "
				"%" PRIu64 " bytes (limit %" PRIu64 ")",
				d.cd_size, CD_MAX);
		goto out;
	}
	if (d.cd_off > d.at || d.cd_off + d.cd_size > d.at) {
		rc = lt_err_set(err, LT_E_CORRUPT, "truncated ZIP: the central "
				"directory at %" PRIu64 " runs past its end "
				"record at %" PRIu64, d.cd_off, d.at);
		goto out;
	}
	if (d.cd_off + d.cd_size < d.at) {
		z->shift = d.at - (d.cd_off + d.cd_size);
		lt_ooxml_warn(z, "%" PRIu64 " bytes of data before the ZIP "
			      "archive", z->shift);
	}
	cd = malloc(d.cd_size ? (size_t)d.cd_size : 1);
	if (!cd) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	rc = read_at(in, d.cd_off + z->shift, cd, (size_t)d.cd_size, err);
	if (!rc)
		rc = parse_cd(z, cd, (size_t)d.cd_size, d.count, err);
out:
	free(cd);
	if (rc) {
		lt_ooxml_zip_close(z);
		return rc;
	}
	*out = z;
	return LT_OK;
}

void lt_ooxml_zip_close(struct lt_ooxml_zip *z)
{
	if (!z)
		return;
	free(z->ent);
	free(z->names);
	free(z);
}

static const struct zent *find(const struct lt_ooxml_zip *z, const char *part)
{
	char key[LT_OOXML_PART_MAX];
	size_t lo = 0, hi = z->count;

	if (!norm_name(part, strlen(part), key))
		return NULL;
	/* the first of equal names in directory order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(z->names + z->ent[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < z->count && !strcmp(z->names + z->ent[lo].name, key))
		return &z->ent[lo];
	return NULL;
}

bool lt_ooxml_zip_has(const struct lt_ooxml_zip *z, const char *part)
{
	return find(z, part) != NULL;
}

size_t lt_ooxml_zip_count(const struct lt_ooxml_zip *z)
{
	return z->count;
}

const char *lt_ooxml_zip_name(const struct lt_ooxml_zip *z, size_t i)
{
	return i < z->count ? z->names + z->ent[i].name : "";
}

int lt_ooxml_member_open(struct lt_ooxml_zip *z, const char *part,
			 struct lt_ooxml_member **out, struct lt_err *err)
{
	const struct zent *e = find(z, part);
	struct lt_ooxml_member *m;
	struct lt_err e1 = LT_ERR_INIT;
	uint8_t lh[30];
	uint64_t data, end;
	char shown[LT_OOXML_SHOWN];
	int rc;

	lt_ooxml_shown(part, shown);
	if (!e)
		return lt_err_set(err, LT_E_CORRUPT, "part '%s' is missing",
				  shown);
	if (e->flags & 1)
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "part '%s' is encrypted", shown);
	if (e->method != 0 && e->method != 8)
		return lt_err_set(err, LT_E_UNSUPPORTED, "part '%s': ZIP "
				  "compression method %u", shown, e->method);
	if (e->usize > LT_OOXML_MAX_MEMBER)
		return lt_err_set(err, LT_E_LIMIT, "zip bomb: part '%s' "
				  "inflates to %" PRIu64 " bytes (limit "
				  "%" PRIu64 ")", shown, e->usize,
				  LT_OOXML_MAX_MEMBER);
	if (e->usize > RATIO_GRACE &&
	    e->usize / LT_OOXML_MAX_RATIO > e->csize)
		return lt_err_set(err, LT_E_LIMIT, "zip bomb: part '%s' "
				  "inflates %" PRIu64 " bytes to %" PRIu64
				  " (more than %d:1)", shown, e->csize,
				  e->usize, LT_OOXML_MAX_RATIO);
	if (e->method == 0 && e->csize != e->usize)
		return lt_err_set(err, LT_E_CORRUPT, "part '%s': stored "
				  "member with two sizes", shown);
	rc = read_at(z->in, e->lh_off + z->shift, lh, sizeof(lh), &e1);
	if (rc && e1.code != LT_E_CORRUPT)
		return lt_err_set(err, e1.code, "%s", e1.msg);
	if (rc || le32(lh) != SIG_LOCAL)
		return lt_err_set(err, LT_E_CORRUPT, "part '%s': no local "
				  "header at %" PRIu64, shown,
				  e->lh_off + z->shift);
	data = e->lh_off + z->shift + 30 + le16(lh + 26) + le16(lh + 28);
	end = data + e->csize;
	if (end < data || end > z->in->size)
		return lt_err_set(err, LT_E_CORRUPT, "part '%s' is truncated: "
				  "its data ends at %" PRIu64 ", the file at "
				  "%" PRIu64, shown, end, z->in->size);
	m = calloc(1, sizeof(*m));
	if (!m)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	m->z = z;
	m->e = e;
	memcpy(m->part, shown, sizeof(shown));
	m->in_off = data;
	m->in_left = e->csize;
	if (e->method == 8) {
		if (!z->in->data) {
			m->ibuf = malloc(IBUF);
			if (!m->ibuf) {
				free(m);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
		}
		if (inflateInit2(&m->zs, -MAX_WBITS) != Z_OK) {
			free(m->ibuf);
			free(m);
			return lt_err_set(err, LT_E_NOMEM,
					  "zlib: inflateInit2 failed");
		}
		m->inflating = true;
	}
	*out = m;
	return LT_OK;
}

void lt_ooxml_member_close(struct lt_ooxml_member *m)
{
	if (!m)
		return;
	if (m->inflating)
		inflateEnd(&m->zs);
	free(m->ibuf);
	free(m);
}

/* The member is read to its end: compare with the directory. */
static void finish(struct lt_ooxml_member *m)
{
	m->done = true;
	if (m->out != m->e->usize)
		lt_ooxml_warn(m->z, "part '%s' inflates to %" PRIu64 " bytes, "
			      "not the %" PRIu64 " declared", m->part, m->out,
			      m->e->usize);
	else if (m->crc != m->e->crc)
		lt_ooxml_warn(m->z, "part '%s' fails its CRC check", m->part);
}

static int read_stored(struct lt_ooxml_member *m, uint8_t *buf, size_t len,
		       size_t *got, struct lt_err *err)
{
	size_t n = (size_t)LT_MIN((uint64_t)len, m->in_left);

	if (n) {
		LT_TRY(read_at(m->z->in, m->in_off, buf, n, err));
		m->in_off += n;
		m->in_left -= n;
		m->out += n;
		m->crc = (uint32_t)crc32(m->crc, buf, (uInt)n);
	}
	if (!m->in_left)
		finish(m);
	*got = n;
	return LT_OK;
}

int lt_ooxml_member_read(struct lt_ooxml_member *m, void *buf, size_t len,
			 size_t *got, struct lt_err *err)
{
	uint8_t *o = buf;

	*got = 0;
	if (m->done || !len)
		return LT_OK;
	/* never more than the declared size, plus one byte to notice */
	len = (size_t)LT_MIN((uint64_t)len, m->e->usize - m->out + 1);
	len = LT_MIN(len, (size_t)UINT_MAX);
	if (!m->inflating)
		return read_stored(m, o, len, got, err);
	for (;;) {
		int zrc;
		size_t n;

		if (!m->zs.avail_in && m->in_left) {
			size_t k = (size_t)LT_MIN(m->in_left,
						  (uint64_t)(m->ibuf ? IBUF :
							     UINT_MAX));

			if (m->ibuf) {
				LT_TRY(read_at(m->z->in, m->in_off, m->ibuf,
					       k, err));
				m->zs.next_in = m->ibuf;
			} else {
				m->zs.next_in = (Bytef *)(uintptr_t)
					(m->z->in->data + m->in_off);
			}
			m->zs.avail_in = (uInt)k;
			m->in_off += k;
			m->in_left -= k;
		}
		m->zs.next_out = o;
		m->zs.avail_out = (uInt)len;
		zrc = inflate(&m->zs, Z_NO_FLUSH);
		n = len - m->zs.avail_out;
		m->out += n;
		m->crc = (uint32_t)crc32(m->crc, o, (uInt)n);
		if (m->out > m->e->usize)
			return lt_err_set(err, LT_E_CORRUPT, "part '%s' "
					  "inflates past its declared %" PRIu64
					  " bytes", m->part, m->e->usize);
		if (zrc == Z_STREAM_END) {
			finish(m);
			*got = n;
			return LT_OK;
		}
		if (zrc == Z_MEM_ERROR)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		if (zrc == Z_DATA_ERROR || zrc == Z_NEED_DICT)
			return lt_err_set(err, LT_E_CORRUPT, "part '%s': "
					  "corrupt deflate data (%s)", m->part,
					  m->zs.msg ? m->zs.msg : "?");
		if (n) {
			*got = n;
			return LT_OK;
		}
		if (zrc == Z_BUF_ERROR && !m->zs.avail_in && !m->in_left)
			return lt_err_set(err, LT_E_CORRUPT, "part '%s': "
					  "deflate data is cut", m->part);
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return lt_err_set(err, LT_E_CORRUPT, "part '%s': "
					  "inflate failed (%d)", m->part, zrc);
	}
}
