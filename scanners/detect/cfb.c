// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A compound-file (MS-CFB) reader for the protection check and the xls
 * extractor (cfb.h has the contract).  type.c keeps its own lighter walk of
 * the top of the directory, bounded to what detection needs; this one reads
 * whole streams, so it loads the FAT once (only the entries of sectors that
 * exist in the file) and turns each stream's chain into a sector list,
 * checked as it is built: a sector seen twice is a loop, a sector number past
 * the file or a special value inside a chain is corruption, and a chain must
 * hold as many sectors as the stream's size needs.  Runs of consecutive
 * sectors are read with one in->read call.
 */
#include "triage/core/compat.h"

#include "leaktriage/buf.h"
#include "scanners/detect/cfb.h"

#define CFB_MAX_SECTORS ((uint64_t)1 << 26)
#define CFB_MAX_DIR_SECTORS ((uint32_t)1 << 16)
#define CFB_MINI_CUTOFF 4096u
#define CFB_MINI_SIZE 64u
#define CFB_MAXREGSECT 0xfffffffau
#define CFB_ENDOFCHAIN 0xfffffffeu
#define CFB_FREESECT 0xffffffffu

struct lt_cfb {
	const struct lt_scan_input *in;
	uint32_t ssize;
	unsigned shift;
	unsigned major;
	uint32_t nsect;          /* sectors present in the file */
	uint32_t *fat;           /* nsect entries */
	uint32_t *dir;           /* directory chain */
	uint32_t ndir;           /* its sectors */
	uint32_t nentries;       /* ndir * ssize / 128 */
	uint32_t minifat_start, minifat_count;
	uint32_t *minifat;       /* loaded on first use */
	uint32_t nminifat;
	struct lt_cfb_stream *ministream; /* the root's stream, on first use */
	uint8_t *dirbuf;         /* one directory sector */
	uint32_t dirbuf_id;      /* its index in dir[], or UINT32_MAX */
	struct lt_err *err;
};

struct lt_cfb_stream {
	struct lt_cfb *f;
	uint64_t size;
	bool mini;
	uint32_t *sect;          /* sector (or mini sector) numbers */
	uint32_t count;
	char name[100];
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Read exactly len bytes at off of the file, or fail. */
static int file_read(const struct lt_scan_input *in, uint64_t off, void *buf,
		     size_t len, struct lt_err *err)
{
	size_t done = 0;

	if (off > in->size || len > in->size - off)
		return lt_err_set(err, LT_E_CORRUPT,
				  "compound file truncated: %zu bytes at "
				  "offset %" PRIu64 " lie past its end "
				  "(%" PRIu64 " bytes)",
				  len, off, in->size);
	if (in->data) {
		memcpy(buf, in->data + off, len);
		return LT_OK;
	}
	if (!in->read)
		return lt_err_set(err, LT_E_ARG, "no data to read");
	while (done < len) {
		size_t got = 0;
		int rc = in->read(in->src, off + done, (uint8_t *)buf + done,
				  len - done, &got, err);

		if (rc)
			return rc;
		if (!got)
			return lt_err_set(err, LT_E_CORRUPT,
					  "compound file truncated at offset "
					  "%" PRIu64,
					  off + done);
		done += got;
	}
	return LT_OK;
}

static int sector_read(struct lt_cfb *f, uint32_t id, void *buf,
		       struct lt_err *err)
{
	if (id >= f->nsect)
		return lt_err_set(err, LT_E_CORRUPT,
				  "sector %" PRIu32 " lies past the end of the "
				  "file (%" PRIu32 " sectors)",
				  id, f->nsect);
	return file_read(f->in, ((uint64_t)id + 1) << f->shift, buf, f->ssize,
			 err);
}

static bool bit_test_set(uint8_t *bits, uint32_t i)
{
	bool was = bits[i / 8] & (1u << (i % 8));

	bits[i / 8] |= (uint8_t)(1u << (i % 8));
	return was;
}

/* The list of FAT sector numbers: 109 in the header, the rest in the DIFAT
 * chain. */
static int load_fat(struct lt_cfb *f, const uint8_t *hdr, struct lt_err *err)
{
	uint32_t per = f->ssize / 4, need, have, nfat, i, d, nd, k = 0;
	uint32_t *fatsect = NULL;
	uint8_t *sec = NULL, *seen = NULL;
	int rc = LT_OK;

	need = (uint32_t)(((uint64_t)f->nsect + per - 1) / per);
	nfat = le32(hdr + 0x2c);
	have = LT_MIN(nfat, need);
	f->fat = lt_calloc(f->nsect ? f->nsect : 1, sizeof(*f->fat));
	fatsect = lt_calloc(have ? have : 1, sizeof(*fatsect));
	sec = malloc(f->ssize);
	seen = lt_calloc(f->nsect / 8 + 1, 1);
	if (!f->fat || !fatsect || !sec || !seen) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < 109 && k < have; i++)
		fatsect[k++] = le32(hdr + 0x4c + 4 * i);
	d = le32(hdr + 0x44);
	nd = le32(hdr + 0x48);
	while (k < have) {
		if (d >= f->nsect || nd-- == 0) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"DIFAT ends after %" PRIu32
					" of %" PRIu32 " FAT sectors",
					k, have);
			goto out;
		}
		if (bit_test_set(seen, d)) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"DIFAT chain loops at sector "
					"%" PRIu32,
					d);
			goto out;
		}
		rc = sector_read(f, d, sec, err);
		if (rc)
			goto out;
		for (i = 0; i < per - 1 && k < have; i++)
			fatsect[k++] = le32(sec + 4 * i);
		d = le32(sec + 4 * (per - 1));
	}
	for (i = 0; i < f->nsect; i++)
		f->fat[i] = CFB_FREESECT;
	for (k = 0; k < have; k++) {
		uint32_t n = LT_MIN(per, f->nsect - k * per);

		if (fatsect[k] >= f->nsect) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"FAT sector %" PRIu32
					" is sector %" PRIu32
					", past the end of the file",
					k, fatsect[k]);
			goto out;
		}
		rc = sector_read(f, fatsect[k], sec, err);
		if (rc)
			goto out;
		for (i = 0; i < n; i++)
			f->fat[k * per + i] = le32(sec + 4 * i);
	}
out:
	free(fatsect);
	free(sec);
	free(seen);
	return rc;
}

/*
 * Follow a chain from `start` in `table` (n entries) for `want` links and
 * write them to *out (malloc'd).  `what` names the chain in messages.
 */
static int chain(const uint32_t *table, uint32_t n, uint32_t start,
		 uint32_t want, const char *what, uint32_t **out,
		 struct lt_err *err)
{
	uint32_t *list, id = start, k;
	uint8_t *seen;

	*out = NULL;
	if (!want)
		return LT_OK;
	list = lt_calloc(want, sizeof(*list));
	seen = lt_calloc(n / 8 + 1, 1);
	if (!list || !seen) {
		free(list);
		free(seen);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	for (k = 0; k < want; k++) {
		if (id > CFB_MAXREGSECT || id >= n) {
			const char *why = "points outside";

			if (id == CFB_ENDOFCHAIN)
				why = "ends";
			else if (id > CFB_MAXREGSECT)
				why = "holds a special value";

			lt_err_set(err, LT_E_CORRUPT,
				   "sector chain of '%s' %s after %" PRIu32
				   " of %" PRIu32 " sectors (sector 0x%" PRIx32
				   ")",
				   what, why, k, want, id);
			goto fail;
		}
		if (bit_test_set(seen, id)) {
			lt_err_set(err, LT_E_CORRUPT,
				   "sector chain of '%s' loops at sector "
				   "%" PRIu32,
				   what, id);
			goto fail;
		}
		list[k] = id;
		id = table[id];
	}
	free(seen);
	*out = list;
	return LT_OK;
fail:
	free(list);
	free(seen);
	return err->code;
}

/* The directory chain: no size is known, so follow it to its end (at most
 * CFB_MAX_DIR_SECTORS sectors). */
static int load_dir(struct lt_cfb *f, uint32_t start, struct lt_err *err)
{
	uint32_t id = start, n = 0, cap = 16;
	uint8_t *seen = lt_calloc(f->nsect / 8 + 1, 1);
	uint32_t *list = lt_calloc(cap, sizeof(*list));
	int rc = LT_OK;

	if (!seen || !list) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	while (id != CFB_ENDOFCHAIN) {
		if (id >= f->nsect) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"directory chain holds sector "
					"0x%" PRIx32 " (the file has %" PRIu32
					")",
					id, f->nsect);
			goto out;
		}
		if (bit_test_set(seen, id)) {
			rc = lt_err_set(err, LT_E_CORRUPT,
					"directory chain loops at sector "
					"%" PRIu32,
					id);
			goto out;
		}
		if (n == CFB_MAX_DIR_SECTORS) {
			rc = lt_err_set(err, LT_E_LIMIT,
					"directory longer than %" PRIu32
					" sectors",
					CFB_MAX_DIR_SECTORS);
			goto out;
		}
		if (n == cap) {
			uint32_t *l = realloc(list, 2 * cap * sizeof(*list));

			if (!l) {
				rc = lt_err_set(err, LT_E_NOMEM,
						"out of memory");
				goto out;
			}
			list = l;
			cap *= 2;
		}
		list[n++] = id;
		id = f->fat[id];
	}
	if (!n) {
		rc = lt_err_set(err, LT_E_CORRUPT, "empty directory");
		goto out;
	}
	f->dir = list;
	list = NULL;
	f->ndir = n;
	f->nentries = n * (f->ssize / 128);
out:
	free(seen);
	free(list);
	return rc;
}

int lt_cfb_open(const struct lt_scan_input *in, struct lt_cfb **out,
		struct lt_err *err)
{
	static const uint8_t magic[8] = { 0xd0, 0xcf, 0x11, 0xe0,
					  0xa1, 0xb1, 0x1a, 0xe1 };
	uint8_t hdr[512];
	struct lt_cfb *f;
	uint64_t nsect;
	int rc;

	if (in->size < 512)
		return lt_err_set(err, LT_E_CORRUPT,
				  "not a compound file: %" PRIu64 " bytes",
				  in->size);
	rc = file_read(in, 0, hdr, sizeof(hdr), err);
	if (rc)
		return rc;
	if (memcmp(hdr, magic, 8))
		return lt_err_set(err, LT_E_CORRUPT,
				  "not a compound file (no signature)");
	if (le16(hdr + 0x1c) != 0xfffe)
		return lt_err_set(err, LT_E_CORRUPT,
				  "compound file: bad byte order mark 0x%04x",
				  le16(hdr + 0x1c));
	f = lt_calloc(1, sizeof(*f));
	if (!f)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	f->in = in;
	f->shift = le16(hdr + 0x1e);
	f->major = le16(hdr + 0x1a);
	f->dirbuf_id = UINT32_MAX;
	if ((f->shift != 9 && f->shift != 12) || le16(hdr + 0x20) != 6) {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"compound file: sector shift %u, mini sector "
				"shift %u",
				f->shift, le16(hdr + 0x20));
		goto fail;
	}
	f->ssize = 1u << f->shift;
	if (in->size < f->ssize) {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"compound file truncated: %" PRIu64
				" bytes, sector size %" PRIu32,
				in->size, f->ssize);
		goto fail;
	}
	/* a partial last sector counts: writers do not always pad it */
	nsect = (in->size - f->ssize + f->ssize - 1) >> f->shift;
	if (nsect > CFB_MAX_SECTORS) {
		rc = lt_err_set(err, LT_E_LIMIT,
				"compound file of %" PRIu64 " sectors", nsect);
		goto fail;
	}
	f->nsect = (uint32_t)nsect;
	f->minifat_start = le32(hdr + 0x3c);
	f->minifat_count = le32(hdr + 0x40);
	f->dirbuf = malloc(f->ssize);
	if (!f->dirbuf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto fail;
	}
	rc = load_fat(f, hdr, err);
	if (!rc)
		rc = load_dir(f, le32(hdr + 0x30), err);
	if (rc)
		goto fail;
	*out = f;
	return LT_OK;
fail:
	lt_cfb_close(f);
	return rc;
}

void lt_cfb_close(struct lt_cfb *f)
{
	if (!f)
		return;
	lt_cfb_stream_close(f->ministream);
	free(f->fat);
	free(f->dir);
	free(f->minifat);
	free(f->dirbuf);
	free(f);
}

uint32_t lt_cfb_sector_size(const struct lt_cfb *f) { return f->ssize; }

static void entry_name(const uint8_t *p, char *out, size_t outlen)
{
	size_t units = le16(p + 64) / 2, i, o = 0;

	if (units > 32)
		units = 32;
	if (units)
		units--; /* the terminating NUL */
	for (i = 0; i < units && o + 4 < outlen; i++) {
		uint32_t u = le16(p + 2 * i);

		if (u >= 0xd800 && u <= 0xdfff) {
			out[o++] = '?';
		} else if (u < 0x20) {
			/* "\x05SummaryInformation": show the control char */
			if (o + 6 >= outlen)
				break;
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
					      (unsigned)u);
		} else if (u < 0x80) {
			out[o++] = (char)u;
		} else if (u < 0x800) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o] = '\0';
}

/* The raw 128 bytes of entry id (in f->dirbuf), or NULL with err set. */
static const uint8_t *raw_entry(struct lt_cfb *f, uint32_t id,
				struct lt_err *err)
{
	uint32_t per = f->ssize / 128, k = id / per;

	if (id >= f->nentries) {
		lt_err_set(err, LT_E_CORRUPT,
			   "directory entry %" PRIu32
			   " does not exist (%" PRIu32 " entries)",
			   id, f->nentries);
		return NULL;
	}
	if (f->dirbuf_id != k) {
		f->dirbuf_id = UINT32_MAX;
		if (sector_read(f, f->dir[k], f->dirbuf, err))
			return NULL;
		f->dirbuf_id = k;
	}
	return f->dirbuf + 128 * (id % per);
}

int lt_cfb_entry(struct lt_cfb *f, uint32_t id, struct lt_cfb_entry *e,
		 struct lt_err *err)
{
	const uint8_t *p = raw_entry(f, id, err);

	if (!p)
		return err->code;
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->type = p[66];
	if (e->type != LT_CFB_STORAGE && e->type != LT_CFB_STREAM &&
	    e->type != LT_CFB_ROOT_TYPE)
		return lt_err_set(err, LT_E_CORRUPT,
				  "directory entry %" PRIu32 " has type %u",
				  id, p[66]);
	if ((id == LT_CFB_ROOT) != (e->type == LT_CFB_ROOT_TYPE))
		return lt_err_set(err, LT_E_CORRUPT,
				  "directory entry %" PRIu32
				  ": root entry misplaced",
				  id);
	e->left = le32(p + 68);
	e->right = le32(p + 72);
	e->child = le32(p + 76);
	e->start = le32(p + 116);
	e->size = le32(p + 120);
	if (f->major != 3)
		e->size |= (uint64_t)le32(p + 124) << 32;
	entry_name(p, e->name, sizeof(e->name));
	return LT_OK;
}

static bool name_eq(const uint8_t *p, const char *s)
{
	size_t units = le16(p + 64) / 2, n = strlen(s), i;

	if (units < 1 || units > 32 || units - 1 != n)
		return false;
	for (i = 0; i < n; i++) {
		uint16_t u = le16(p + 2 * i);
		unsigned a = (unsigned char)s[i];

		if (u >= 'a' && u <= 'z')
			u = (uint16_t)(u - 32);
		if (a >= 'a' && a <= 'z')
			a -= 32;
		if (u != a)
			return false;
	}
	return true;
}

/*
 * Walk the sibling tree of storage `parent`'s children, calling fn with each
 * child's id and raw entry until it returns non-zero.  Every entry is
 * visited at most once (a visited bitmap), so the stack never overflows and
 * a loop is reported, not followed.
 */
static int walk(struct lt_cfb *f, uint32_t parent,
		int (*fn)(struct lt_cfb *f, uint32_t id, const uint8_t *p,
			  void *udata),
		void *udata, struct lt_err *err)
{
	struct lt_cfb_entry pe;
	uint32_t *stack = NULL, n = 0;
	uint8_t *seen = NULL;
	int rc;

	rc = lt_cfb_entry(f, parent, &pe, err);
	if (rc)
		return rc;
	if (pe.type == LT_CFB_STREAM)
		return lt_err_set(err, LT_E_CORRUPT,
				  "'%s' is a stream, not a storage", pe.name);
	if (pe.child == LT_CFB_NOSTREAM)
		return LT_OK;
	stack = lt_calloc(f->nentries, sizeof(*stack));
	seen = lt_calloc(f->nentries / 8 + 1, 1);
	if (!stack || !seen) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	if (pe.child >= f->nentries || pe.child == LT_CFB_ROOT) {
		rc = lt_err_set(err, LT_E_CORRUPT,
				"'%s': child entry %" PRIu32 " out of range",
				pe.name, pe.child);
		goto out;
	}
	bit_test_set(seen, pe.child);
	stack[n++] = pe.child;
	while (n) {
		uint32_t id = stack[--n], sib[2];
		const uint8_t *p = raw_entry(f, id, err);
		int i;

		if (!p) {
			rc = err->code;
			goto out;
		}
		sib[0] = le32(p + 68);
		sib[1] = le32(p + 72);
		rc = fn(f, id, p, udata);
		if (rc)
			goto out;
		for (i = 0; i < 2; i++) {
			if (sib[i] == LT_CFB_NOSTREAM)
				continue;
			if (sib[i] >= f->nentries || sib[i] == LT_CFB_ROOT) {
				rc = lt_err_set(err, LT_E_CORRUPT,
						"directory entry %" PRIu32
						": sibling %" PRIu32
						" out of range",
						id, sib[i]);
				goto out;
			}
			if (bit_test_set(seen, sib[i])) {
				rc = lt_err_set(err, LT_E_CORRUPT,
						"directory tree loops at entry "
						"%" PRIu32,
						sib[i]);
				goto out;
			}
			stack[n++] = sib[i];
		}
	}
out:
	free(stack);
	free(seen);
	return rc;
}

struct children_ctx {
	int (*fn)(const struct lt_cfb_entry *e, void *udata);
	void *udata;
	struct lt_err *err;
};

static int children_fn(struct lt_cfb *f, uint32_t id, const uint8_t *p,
		       void *udata)
{
	struct children_ctx *c = udata;
	struct lt_cfb_entry e;
	int rc;

	(void)p;
	rc = lt_cfb_entry(f, id, &e, c->err);
	if (rc)
		return rc;
	return c->fn(&e, c->udata);
}

int lt_cfb_children(struct lt_cfb *f, uint32_t parent,
		    int (*fn)(const struct lt_cfb_entry *e, void *udata),
		    void *udata, struct lt_err *err)
{
	struct children_ctx c = { fn, udata, err };

	return walk(f, parent, children_fn, &c, err);
}

#define FOUND 1000 /* not an lt_code: ends the walk */

struct find_ctx {
	const char *name;
	uint32_t id;
};

static int find_fn(struct lt_cfb *f, uint32_t id, const uint8_t *p,
		   void *udata)
{
	struct find_ctx *c = udata;

	(void)f;
	if ((p[66] == LT_CFB_STREAM || p[66] == LT_CFB_STORAGE) &&
	    name_eq(p, c->name)) {
		c->id = id;
		return FOUND;
	}
	return 0;
}

int lt_cfb_find(struct lt_cfb *f, uint32_t parent, const char *name,
		struct lt_cfb_entry *e, struct lt_err *err)
{
	struct find_ctx c = { name, LT_CFB_NOSTREAM };
	int rc = walk(f, parent, find_fn, &c, err);

	if (rc == FOUND)
		return lt_cfb_entry(f, c.id, e, err);
	return rc ? rc : LT_E_NOTFOUND;
}

/* The mini FAT and the root's stream (the mini sectors' container). */
static int load_mini(struct lt_cfb *f, struct lt_err *err)
{
	struct lt_cfb_entry root;
	uint32_t *list = NULL, per = f->ssize / 4, k;
	uint8_t *sec = NULL;
	int rc;

	if (f->ministream)
		return LT_OK;
	rc = lt_cfb_entry(f, LT_CFB_ROOT, &root, err);
	if (rc)
		return rc;
	snprintf(root.name, sizeof(root.name), "mini stream");
	rc = lt_cfb_stream_open(f, &root, &f->ministream, err);
	if (rc)
		return rc;
	if (f->minifat_count > f->nsect)
		return lt_err_set(err, LT_E_CORRUPT,
				  "mini FAT of %" PRIu32
				  " sectors in a file of %" PRIu32,
				  f->minifat_count, f->nsect);
	rc = chain(f->fat, f->nsect, f->minifat_start, f->minifat_count,
		   "mini FAT", &list, err);
	if (rc)
		return rc;
	f->nminifat = f->minifat_count * per;
	f->minifat = lt_calloc(f->nminifat ? f->nminifat : 1,
			       sizeof(*f->minifat));
	sec = malloc(f->ssize);
	if (!f->minifat || !sec) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < f->minifat_count; k++) {
		uint32_t i;

		rc = sector_read(f, list[k], sec, err);
		if (rc)
			goto out;
		for (i = 0; i < per; i++)
			f->minifat[k * per + i] = le32(sec + 4 * i);
	}
out:
	free(list);
	free(sec);
	return rc;
}

int lt_cfb_stream_open(struct lt_cfb *f, const struct lt_cfb_entry *e,
		       struct lt_cfb_stream **out, struct lt_err *err)
{
	struct lt_cfb_stream *s;
	bool mini = e->type == LT_CFB_STREAM && e->size < CFB_MINI_CUTOFF;
	uint64_t unit = mini ? CFB_MINI_SIZE : f->ssize, want;
	int rc;

	if (e->type == LT_CFB_STORAGE)
		return lt_err_set(err, LT_E_CORRUPT,
				  "'%s' is a storage, not a stream", e->name);
	if (mini) {
		rc = load_mini(f, err);
		if (rc)
			return rc;
		if (e->size > f->ministream->size)
			return lt_err_set(err, LT_E_CORRUPT,
					  "stream '%s' of %" PRIu64
					  " bytes is larger than the mini "
					  "stream (%" PRIu64 " bytes)",
					  e->name, e->size,
					  f->ministream->size);
	} else if (e->size > (uint64_t)f->nsect * f->ssize) {
		return lt_err_set(err, LT_E_CORRUPT,
				  "stream '%s' claims %" PRIu64
				  " bytes in a file of %" PRIu64,
				  e->name, e->size, f->in->size);
	}
	want = (e->size + unit - 1) / unit;
	s = lt_calloc(1, sizeof(*s));
	if (!s)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	s->f = f;
	s->size = e->size;
	s->mini = mini;
	s->count = (uint32_t)want;
	snprintf(s->name, sizeof(s->name), "%s", e->name);
	if (mini) {
		uint64_t n = LT_MIN((uint64_t)f->nminifat,
				    f->ministream->size / CFB_MINI_SIZE);

		rc = chain(f->minifat, (uint32_t)n, e->start, s->count,
			   e->name, &s->sect, err);
	} else {
		rc = chain(f->fat, f->nsect, e->start, s->count, e->name,
			   &s->sect, err);
	}
	if (rc) {
		lt_cfb_stream_close(s);
		return rc;
	}
	*out = s;
	return LT_OK;
}

void lt_cfb_stream_close(struct lt_cfb_stream *s)
{
	if (!s)
		return;
	free(s->sect);
	free(s);
}

uint64_t lt_cfb_stream_size(const struct lt_cfb_stream *s) { return s->size; }

int lt_cfb_stream_read(struct lt_cfb_stream *s, uint64_t off, void *buf,
		       size_t len, size_t *got, struct lt_err *err)
{
	struct lt_cfb *f = s->f;
	uint8_t *o = buf;
	uint32_t unit = s->mini ? CFB_MINI_SIZE : f->ssize;
	size_t done = 0;

	*got = 0;
	if (off >= s->size)
		return LT_OK;
	len = (size_t)LT_MIN((uint64_t)len, s->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t k = (uint32_t)(pos / unit);
		uint32_t in_sec = (uint32_t)(pos % unit), run = 1;
		size_t n;
		int rc;

		/* consecutive sectors: one read */
		while (k + run < s->count &&
		       s->sect[k + run] == s->sect[k] + run &&
		       (uint64_t)run * unit < len - done + in_sec)
			run++;
		n = (size_t)LT_MIN((uint64_t)run * unit - in_sec,
				   (uint64_t)(len - done));
		if (s->mini) {
			size_t g = 0;

			rc = lt_cfb_stream_read(f->ministream,
						(uint64_t)s->sect[k] * unit +
							in_sec,
						o + done, n, &g, err);
			if (!rc && g != n)
				rc = lt_err_set(err, LT_E_CORRUPT,
						"stream '%s': mini sector "
						"%" PRIu32
						" past the mini stream",
						s->name, s->sect[k]);
		} else {
			uint64_t at = ((uint64_t)s->sect[k] + 1) << f->shift;

			rc = file_read(f->in, at + in_sec, o + done, n, err);
		}
		if (rc)
			return rc;
		done += n;
	}
	*got = done;
	return LT_OK;
}

int lt_cfb_read_all(struct lt_cfb *f, const struct lt_cfb_entry *e,
		    size_t max, uint8_t **buf, size_t *len,
		    struct lt_err *err)
{
	struct lt_cfb_stream *s = NULL;
	uint8_t *b;
	size_t got = 0;
	int rc;

	if (e->size > max)
		return lt_err_set(err, LT_E_LIMIT,
				  "stream '%s' of %" PRIu64
				  " bytes (at most %zu read)",
				  e->name, e->size, max);
	rc = lt_cfb_stream_open(f, e, &s, err);
	if (rc)
		return rc;
	b = malloc(e->size ? (size_t)e->size : 1);
	if (!b) {
		lt_cfb_stream_close(s);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	rc = lt_cfb_stream_read(s, 0, b, (size_t)e->size, &got, err);
	lt_cfb_stream_close(s);
	if (rc) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = got;
	return LT_OK;
}
