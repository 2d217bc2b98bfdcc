// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File type detection (DESIGN.md "scan": per file, libmagic type first).
 * One libmagic call costs 0.2-0.7 ms with default flags, tens of seconds per
 * 100,000 files, so a cheap check decides first from the head's bytes and
 * libmagic runs only when it cannot: an unknown binary, 8-bit text in no
 * Japanese encoding, a zip whose first members do not tell.  The check
 * reads structure rather than scanning for strings: the names of a zip's
 * first members from their local headers, the directory of a compound file
 * (the names at the top of its tree: a Workbook stream inside an embedded
 * object's storage does not make a .doc an .xls, which libmagic gets wrong).
 * Every signature is tried; when two match, the answer is "unknown", never
 * a guess (STYLE.md 2, TSK's TSK_ERR_FS_MULTTYPE).  libmagic then runs with
 * the tests this check already covers turned off (compressed, tar, ELF
 * details, CDF), and only where the check fails; see lt_typer_open().
 */
#include "triage/core/compat.h"

#include <ctype.h>
#include <magic.h>
#include <strings.h>

#include "leaktriage/buf.h"
#include "leaktriage/detect.h"

#define LT_TYPER_TAG 0x4c545459u /* "LTTY" */

/*
 * MAGIC_NO_CHECK_CDF: every compound file is decided by the cheap check
 * (its signature is unambiguous), so libmagic never needs its CDF parser.
 * The encoding test stays on: without it libmagic calls every text that the
 * cheap check did not take (Latin-1, a stray control byte) "octet-stream".
 */
#define LT_MAGIC_FLAGS                                                       \
	(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR |    \
	 MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_APPTYPE | MAGIC_NO_CHECK_CDF)

struct lt_typer {
	unsigned tag;
	magic_t magic;
	bool magic_all;    /* libmagic on binary content as well */
	uint8_t *headbuf; /* LT_DETECT_HEAD_MAX bytes, for detect_input */
};

const char *lt_kind_name(enum lt_kind k)
{
	static const char *const names[] = {
		[LT_KIND_EMPTY] = "empty",
		[LT_KIND_TEXT] = "text",
		[LT_KIND_XLSX] = "xlsx",
		[LT_KIND_XLS] = "xls",
		[LT_KIND_DOCX] = "docx",
		[LT_KIND_ZIP] = "zip",
		[LT_KIND_7Z] = "7z",
		[LT_KIND_RAR] = "rar",
		[LT_KIND_LZH] = "lzh",
		[LT_KIND_TAR] = "tar",
		[LT_KIND_GZIP] = "gzip",
		[LT_KIND_CAB] = "cab",
		[LT_KIND_OOXML_ENCRYPTED] = "ooxml-encrypted",
		[LT_KIND_CFB_OTHER] = "cfb-other",
		[LT_KIND_PDF] = "pdf",
		[LT_KIND_NOT_EXAMINED] = "not-examined",
		[LT_KIND_NO_TABLES] = "no-tables",
		[LT_KIND_UNKNOWN] = "unknown",
	};

	if ((unsigned)k >= LT_ARRAY_SIZE(names) || !names[k])
		return "unknown";
	return names[k];
}

/* --- MIME types -> kinds ------------------------------------------------ */

static const struct {
	const char *mime;
	enum lt_kind kind;
} mime_exact[] = {
	{ "application/x-empty", LT_KIND_EMPTY },
	{ "inode/x-empty", LT_KIND_EMPTY },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  LT_KIND_XLSX },
	{ "application/vnd.openxmlformats-officedocument."
	  "spreadsheetml.template",
	  LT_KIND_XLSX },
	{ "application/vnd.ms-excel.sheet.macroEnabled.12", LT_KIND_XLSX },
	{ "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
	  LT_KIND_NOT_EXAMINED },
	{ "application/vnd.ms-excel", LT_KIND_XLS },
	{ "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document",
	  LT_KIND_DOCX },
	{ "application/vnd.ms-word.document.macroEnabled.12", LT_KIND_DOCX },
	{ "application/vnd.openxmlformats-officedocument."
	  "presentationml.presentation",
	  LT_KIND_NOT_EXAMINED },
	{ "application/vnd.openxmlformats-officedocument."
	  "presentationml.slideshow",
	  LT_KIND_NOT_EXAMINED },
	{ "application/zip", LT_KIND_ZIP },
	{ "application/x-zip-compressed", LT_KIND_ZIP },
	{ "application/java-archive", LT_KIND_ZIP },
	{ "application/epub+zip", LT_KIND_ZIP },
	{ "application/x-7z-compressed", LT_KIND_7Z },
	{ "application/x-rar", LT_KIND_RAR },
	{ "application/vnd.rar", LT_KIND_RAR },
	{ "application/x-rar-compressed", LT_KIND_RAR },
	{ "application/x-lha", LT_KIND_LZH },
	{ "application/x-lzh", LT_KIND_LZH },
	{ "application/x-lzh-compressed", LT_KIND_LZH },
	{ "application/x-tar", LT_KIND_TAR },
	{ "application/x-gtar", LT_KIND_TAR },
	{ "application/x-ustar", LT_KIND_TAR },
	{ "application/gzip", LT_KIND_GZIP },
	{ "application/x-gzip", LT_KIND_GZIP },
	{ "application/vnd.ms-cab-compressed", LT_KIND_CAB },
	/* libmagic's "CDFV2 Encrypted" */
	{ "application/encrypted", LT_KIND_OOXML_ENCRYPTED },
	{ "application/msword", LT_KIND_CFB_OTHER },
	{ "application/vnd.ms-powerpoint", LT_KIND_CFB_OTHER },
	{ "application/vnd.ms-outlook", LT_KIND_CFB_OTHER },
	{ "application/vnd.ms-office", LT_KIND_CFB_OTHER },
	{ "application/vnd.visio", LT_KIND_CFB_OTHER },
	{ "application/x-ole-storage", LT_KIND_CFB_OTHER },
	{ "application/CDFV2", LT_KIND_CFB_OTHER },
	{ "application/CDFV2-corrupt", LT_KIND_CFB_OTHER },
	{ "application/pdf", LT_KIND_PDF },
	{ "application/x-msaccess", LT_KIND_NOT_EXAMINED },
	{ "application/vnd.ms-access", LT_KIND_NOT_EXAMINED },
	{ "application/vnd.sqlite3", LT_KIND_NOT_EXAMINED },
	{ "application/x-sqlite3", LT_KIND_NOT_EXAMINED },
	{ "application/rtf", LT_KIND_NOT_EXAMINED },
	{ "text/rtf", LT_KIND_NOT_EXAMINED },
	{ "message/rfc822", LT_KIND_NOT_EXAMINED },
	{ "application/x-bzip2", LT_KIND_NOT_EXAMINED },
	{ "application/x-xz", LT_KIND_NOT_EXAMINED },
	{ "application/x-lzma", LT_KIND_NOT_EXAMINED },
	{ "application/zstd", LT_KIND_NOT_EXAMINED },
	{ "application/x-iso9660-image", LT_KIND_NOT_EXAMINED },
	{ "application/json", LT_KIND_TEXT },
	{ "application/xml", LT_KIND_TEXT },
	{ "application/javascript", LT_KIND_TEXT },
	{ "application/x-executable", LT_KIND_NO_TABLES },
	{ "application/x-sharedlib", LT_KIND_NO_TABLES },
	{ "application/x-pie-executable", LT_KIND_NO_TABLES },
	{ "application/x-object", LT_KIND_NO_TABLES },
	{ "application/x-coredump", LT_KIND_NO_TABLES },
	{ "application/x-dosexec", LT_KIND_NO_TABLES },
	{ "application/vnd.microsoft.portable-executable", LT_KIND_NO_TABLES },
	{ "application/x-mach-binary", LT_KIND_NO_TABLES },
	{ "application/x-java-applet", LT_KIND_NO_TABLES },
	{ "application/x-msi", LT_KIND_NO_TABLES },
	{ "application/vnd.ms-opentype", LT_KIND_NO_TABLES },
	{ "application/x-shockwave-flash", LT_KIND_NO_TABLES },
	{ "application/x-terminfo", LT_KIND_NO_TABLES },
	{ "application/x-terminfo2", LT_KIND_NO_TABLES },
	{ "application/x-gettext-translation", LT_KIND_NO_TABLES },
	{ "application/x-java-jmod", LT_KIND_NO_TABLES },
	{ "application/x-ms-shortcut", LT_KIND_NO_TABLES },
	/* disk images inside the evidence: anything may be in them */
	{ "application/x-virtualbox-vhd", LT_KIND_NOT_EXAMINED },
	{ "application/x-virtualbox-vdi", LT_KIND_NOT_EXAMINED },
	{ "application/x-virtualbox-vmdk", LT_KIND_NOT_EXAMINED },
	{ "application/x-vhdx-disk", LT_KIND_NOT_EXAMINED },
	{ "application/x-qemu-disk", LT_KIND_NOT_EXAMINED },
};

static const struct {
	const char *prefix;
	enum lt_kind kind;
} mime_prefix[] = {
	{ "application/vnd.oasis.opendocument.", LT_KIND_NOT_EXAMINED },
	{ "text/", LT_KIND_TEXT },
	{ "image/", LT_KIND_NO_TABLES },
	{ "audio/", LT_KIND_NO_TABLES },
	{ "video/", LT_KIND_NO_TABLES },
	{ "font/", LT_KIND_NO_TABLES },
	{ "model/", LT_KIND_NO_TABLES },
	{ "application/x-font", LT_KIND_NO_TABLES },
	{ "application/x-bytecode.", LT_KIND_NO_TABLES },
};

enum lt_kind lt_kind_from_mime(const char *mime)
{
	size_t i;

	if (!mime)
		return LT_KIND_UNKNOWN;
	for (i = 0; i < LT_ARRAY_SIZE(mime_exact); i++)
		if (!strcasecmp(mime, mime_exact[i].mime))
			return mime_exact[i].kind;
	for (i = 0; i < LT_ARRAY_SIZE(mime_prefix); i++)
		if (!strncasecmp(mime, mime_prefix[i].prefix,
				 strlen(mime_prefix[i].prefix)))
			return mime_prefix[i].kind;
	return LT_KIND_UNKNOWN;
}

/* --- little helpers ----------------------------------------------------- */

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

static bool at(const uint8_t *p, size_t len, size_t off, const void *sig,
	       size_t n)
{
	return off <= len && n <= len - off && !memcmp(p + off, sig, n);
}

static void put_mime(char *mime, size_t mime_len, const char *s)
{
	if (mime && mime_len)
		snprintf(mime, mime_len, "%s", s);
}

/* --- the cheap check ---------------------------------------------------- */

/*
 * BINARY: undecided, and binary (NULs inside, not UTF-16): libmagic could
 * only name a format, and every format that changes what the scan does
 * (an extractor, a container, protection, "not examined") has a signature
 * above, so by default libmagic is skipped there (lt_typer_set_magic_all).
 */
enum verdict { NO_MATCH, MATCH, UNDECIDED, BINARY };

struct answer {
	enum lt_kind kind;
	const char *mime;
	char mime_buf[LT_MIME_MAX]; /* a MIME type read from the content */
};

struct ctx {
	const uint8_t *p;   /* head */
	size_t len;
	uint64_t size;
	/* Compound files: the whole content in memory, or a reader. */
	const uint8_t *full; /* size bytes, or NULL */
	const struct lt_scan_input *in;
	struct lt_err *err;
	int rc;              /* error from in->read */
};

static enum verdict answer(struct answer *a, enum lt_kind kind,
			   const char *mime)
{
	a->kind = kind;
	a->mime = mime;
	return MATCH;
}

/* ZIP: the names of the first members, from their local headers. */
#define ZIP_MAX_ENTRIES 256

struct zip_seen {
	bool opc;       /* [Content_Types].xml or _rels/.rels: an OPC package */
	bool xl, xl_bin, xl_vba, word, ppt;
};

static void zip_name(struct zip_seen *z, const uint8_t *n, size_t len)
{
#define NAME_IS(s) (len == sizeof(s) - 1 && !memcmp(n, s, len))
#define NAME_HAS(s) (len >= sizeof(s) - 1 && !memcmp(n, s, sizeof(s) - 1))
	if (NAME_IS("[Content_Types].xml") || NAME_IS("_rels/.rels"))
		z->opc = true;
	else if (NAME_HAS("xl/")) {
		z->xl = true;
		if (NAME_IS("xl/workbook.bin") ||
		    (NAME_HAS("xl/worksheets/") && len > 4 &&
		     !memcmp(n + len - 4, ".bin", 4)))
			z->xl_bin = true;
		if (NAME_IS("xl/vbaProject.bin"))
			z->xl_vba = true;
	} else if (NAME_HAS("word/"))
		z->word = true;
	else if (NAME_HAS("ppt/"))
		z->ppt = true;
#undef NAME_IS
#undef NAME_HAS
}

/* An ODF/EPUB package starts with a stored member "mimetype". */
static bool zip_mimetype(struct answer *a, const uint8_t *data, size_t len)
{
	static const char odf[] = "application/vnd.oasis.opendocument.";
	size_t i;

	if (len >= sizeof(a->mime_buf))
		return false;
	for (i = 0; i < len; i++)
		if (data[i] <= ' ' || data[i] >= 0x7f)
			return false;
	memcpy(a->mime_buf, data, len);
	a->mime_buf[len] = '\0';
	a->mime = a->mime_buf;
	if (len > sizeof(odf) - 1 && !memcmp(data, odf, sizeof(odf) - 1))
		a->kind = LT_KIND_NOT_EXAMINED;
	else
		a->kind = LT_KIND_ZIP;
	return true;
}

static enum verdict sig_zip(const struct ctx *c, struct answer *a)
{
	struct zip_seen z = { 0 };
	const uint8_t *p = c->p;
	size_t len = c->len, off = 0;
	bool complete = false;
	int n, kinds;

	if (at(p, len, 0, "PK\5\6", 4))
		return answer(a, LT_KIND_ZIP, "application/zip"); /* empty */
	if (at(p, len, 0, "PK\7\10PK\3\4", 8))
		off = 4; /* spanned-archive marker */
	else if (!at(p, len, 0, "PK\3\4", 4))
		return NO_MATCH;
	for (n = 0; n < ZIP_MAX_ENTRIES; n++) {
		const uint8_t *h = p + off;
		uint64_t csize, next;
		size_t nlen, xlen, data;

		if (at(p, len, off, "PK\1\2", 4) ||
		    at(p, len, off, "PK\5\6", 4) ||
		    at(p, len, off, "PK\6\6", 4)) {
			complete = true;
			break;
		}
		if (!at(p, len, off, "PK\3\4", 4) || len - off < 30)
			break;
		csize = le32(h + 18);
		nlen = le16(h + 26);
		xlen = le16(h + 28);
		data = off + 30 + nlen + xlen;
		if (off + 30 + nlen > len)
			break;
		zip_name(&z, h + 30, nlen);
		if (csize == 0xffffffffu && data <= len) {
			/* ZIP64: sizes in the extra field 0x0001 */
			const uint8_t *x = h + 30 + nlen, *xe = p + data;

			while (xe - x >= 4) {
				uint16_t id = le16(x), sz = le16(x + 2);

				if ((size_t)(xe - x - 4) < sz)
					break;
				if (id == 1 && sz >= 16) {
					csize = le64(x + 12);
					break;
				}
				x += 4 + sz;
			}
		}
		if (n == 0 && nlen == 8 && !memcmp(h + 30, "mimetype", 8) &&
		    le16(h + 8) == 0 && data <= len && csize <= len - data &&
		    zip_mimetype(a, p + data, (size_t)csize))
			return MATCH;
		if ((le16(h + 6) & 8) && csize == 0) {
			/* sizes in a data descriptor: find the next header */
			const uint8_t *q, *q2;
			size_t from = data;

			if (from >= len)
				break;
			q = memmem(p + from, len - from, "PK\3\4", 4);
			q2 = memmem(p + from, len - from, "PK\1\2", 4);
			if (!q || (q2 && q2 < q))
				q = q2;
			if (!q)
				break;
			off = (size_t)(q - p);
			continue;
		}
		next = (uint64_t)data + csize;
		if (next > len)
			break; /* the rest lies past the head (or is cut) */
		off = (size_t)next;
	}
	kinds = z.xl + z.word + z.ppt;
	if (z.opc && kinds == 1) {
		if (z.xl_bin)
			return answer(a, LT_KIND_NOT_EXAMINED,
				      "application/vnd.ms-excel.sheet.binary."
				      "macroEnabled.12");
		if (z.xl && z.xl_vba)
			return answer(a, LT_KIND_XLSX,
				      "application/vnd.ms-excel.sheet."
				      "macroEnabled.12");
		if (z.xl)
			return answer(a, LT_KIND_XLSX,
				      "application/vnd.openxmlformats-"
				      "officedocument.spreadsheetml.sheet");
		if (z.word)
			return answer(a, LT_KIND_DOCX,
				      "application/vnd.openxmlformats-"
				      "officedocument.wordprocessingml."
				      "document");
		return answer(a, LT_KIND_NOT_EXAMINED,
			      "application/vnd.openxmlformats-officedocument."
			      "presentationml.presentation");
	}
	/*
	 * Office-like names without the package markers among the members
	 * seen: a plain zip of a folder "xl/" if we saw every member, else
	 * the markers may follow past the head.
	 */
	if (!z.opc && kinds && !complete)
		return UNDECIDED;
	return answer(a, LT_KIND_ZIP, "application/zip");
}

/*
 * Compound files (MS-CFB).  The directory is a chain of sectors found
 * through the FAT; the names that decide are those of the root storage's
 * children (a red-black tree through left/right sibling ids).  Sectors past
 * the head are read through the input when there is one, at most
 * CFB_READ_MAX bytes; without one the file stays undecided (cfb-other).
 */
#define CFB_MAX_DIR_SECTORS 2048
#define CFB_MAX_ENTRIES 8192
#define CFB_READ_MAX ((uint64_t)1 << 20)
#define CFB_MAX_STEPS 100000 /* DIFAT hops, against crafted loops */
#define CFB_NOSTREAM 0xffffffffu
#define CFB_ENDOFCHAIN 0xfffffffeu

struct cfb {
	const struct ctx *c;
	int *rc;
	unsigned shift;
	uint32_t ssize;
	uint64_t budget;
	unsigned steps;
	uint32_t fat_id, dir_id;
	uint8_t fat_buf[4096], dir_buf[4096], difat_buf[4096];
	uint32_t dir_chain[CFB_MAX_DIR_SECTORS];
	uint32_t ndir;
};

static const uint8_t *cfb_sector(struct cfb *f, uint32_t id, uint8_t *buf)
{
	const struct ctx *c = f->c;
	uint64_t off = ((uint64_t)id + 1) << f->shift;
	size_t done = 0;

	if (id >= 0xfffffffau || off + f->ssize > c->size)
		return NULL; /* a special id, or past the end: corrupt */
	if (c->full)
		return c->full + off;
	if (off + f->ssize <= c->len)
		return c->p + off;
	if (!c->in || !c->in->read || f->budget < f->ssize)
		return NULL; /* past the head: undecided */
	f->budget -= f->ssize;
	while (done < f->ssize) {
		size_t got = 0;
		int rc = c->in->read(c->in->src, off + done, buf + done,
				     f->ssize - done, &got, c->err);

		if (rc) {
			*f->rc = rc;
			return NULL;
		}
		if (!got)
			return NULL;
		done += got;
	}
	return buf;
}

/* The FAT entry of a sector: its successor in a chain. */
static uint32_t cfb_next(struct cfb *f, uint32_t id)
{
	const uint8_t *hdr = f->c->full ? f->c->full : f->c->p;
	uint32_t per = f->ssize / 4, idx = id / per, fat_sector;
	const uint8_t *s = NULL;

	if (idx >= le32(hdr + 0x2c))
		return CFB_ENDOFCHAIN; /* past the FAT: corrupt */
	if (idx < 109) {
		fat_sector = le32(hdr + 0x4c + 4 * idx);
	} else {
		/* DIFAT sectors: per - 1 entries each, then the next one */
		uint32_t d = le32(hdr + 0x44), skip = (idx - 109) / (per - 1);
		uint32_t i;

		if (skip >= le32(hdr + 0x48))
			return CFB_ENDOFCHAIN;
		for (i = 0; i <= skip; i++) {
			if (++f->steps > CFB_MAX_STEPS)
				return CFB_ENDOFCHAIN;
			s = cfb_sector(f, d, f->difat_buf);
			if (!s)
				return CFB_ENDOFCHAIN;
			if (i < skip)
				d = le32(s + 4 * (per - 1));
		}
		fat_sector = le32(s + 4 * ((idx - 109) % (per - 1)));
	}
	if (fat_sector != f->fat_id) {
		s = cfb_sector(f, fat_sector, f->fat_buf);
		if (!s)
			return CFB_ENDOFCHAIN;
		if (s != f->fat_buf)
			memcpy(f->fat_buf, s, f->ssize);
		f->fat_id = fat_sector;
	}
	return le32(f->fat_buf + 4 * (id % per));
}

/* Directory entry `id` (128 bytes), or NULL. */
static const uint8_t *cfb_entry(struct cfb *f, uint32_t id)
{
	uint32_t per = f->ssize / 128, k = id / per;
	const uint8_t *s;

	if (k >= f->ndir)
		return NULL;
	if (f->dir_chain[k] == f->dir_id)
		return f->dir_buf + 128 * (id % per);
	s = cfb_sector(f, f->dir_chain[k], f->dir_buf);
	if (!s)
		return NULL;
	if (s != f->dir_buf)
		memcpy(f->dir_buf, s, f->ssize);
	f->dir_id = f->dir_chain[k];
	return f->dir_buf + 128 * (id % per);
}

/* Does a directory entry's UTF-16LE name equal (prefix: start with) s,
 * ASCII case folded as CFB compares names? */
static bool cfb_name(const uint8_t *e, const char *s, bool prefix)
{
	size_t units = le16(e + 64) / 2, n = strlen(s), i;

	if (units < 1 || units > 32)
		return false;
	units--; /* the terminating NUL */
	if (prefix ? units < n : units != n)
		return false;
	for (i = 0; i < n; i++) {
		uint16_t u = le16(e + 2 * i);

		if (u > 0x7f || tolower(u) != tolower((unsigned char)s[i]))
			return false;
	}
	return true;
}

enum { CFB_ENC = 1, CFB_XLS = 2, CFB_DOC = 4, CFB_PPT = 8, CFB_MSG = 16 };

static enum verdict sig_cfb(const struct ctx *c, struct answer *a,
			    int *rc)
{
	static const uint8_t magic[8] = { 0xd0, 0xcf, 0x11, 0xe0,
					  0xa1, 0xb1, 0x1a, 0xe1 };
	static const uint8_t msi_tail[12] = { 0, 0, 0, 0, 0xc0, 0, 0, 0,
					      0,    0, 0, 0x46 };
	struct cfb *f;
	const uint8_t *root, *e;
	uint32_t id, stack[512], nstack = 0, visits = 0;
	uint8_t visited[CFB_MAX_ENTRIES / 8];
	bool lost = false;
	unsigned found = 0;
	uint32_t clsid0;

	if (!at(c->p, c->len, 0, magic, 8))
		return NO_MATCH;
	answer(a, LT_KIND_CFB_OTHER, "application/x-ole-storage");
	if (c->len < 512 || le16(c->p + 0x1c) != 0xfffe)
		return MATCH; /* corrupt or too short: the extractor says */
	f = malloc(sizeof(*f));
	if (!f)
		return MATCH;
	f->c = c;
	f->rc = rc;
	f->shift = le16(c->p + 0x1e);
	if (f->shift != 9 && f->shift != 12) {
		free(f);
		return MATCH;
	}
	f->ssize = 1u << f->shift;
	f->budget = CFB_READ_MAX;
	f->steps = 0;
	f->fat_id = f->dir_id = CFB_NOSTREAM;
	f->ndir = 0;
	for (id = le32(c->p + 0x30);
	     id < 0xfffffffau && f->ndir < CFB_MAX_DIR_SECTORS;
	     id = cfb_next(f, id)) {
		uint32_t k;

		for (k = 0; k < f->ndir; k++)
			if (f->dir_chain[k] == id)
				break;
		if (k < f->ndir)
			break; /* a loop */
		f->dir_chain[f->ndir++] = id;
		if (*rc)
			goto out;
	}
	root = cfb_entry(f, 0);
	if (*rc || !root || root[66] != 5)
		goto out; /* undecided or corrupt: cfb-other */
	clsid0 = le32(root + 80);
	if ((clsid0 == 0x000c1084u || clsid0 == 0x000c1086u ||
	     clsid0 == 0x000c1082u) &&
	    !memcmp(root + 84, msi_tail, 12)) {
		answer(a, LT_KIND_NO_TABLES, "application/x-msi");
		goto out;
	}
	memset(visited, 0, sizeof(visited));
	if (le32(root + 76) != CFB_NOSTREAM)
		stack[nstack++] = le32(root + 76);
	while (nstack && visits++ < CFB_MAX_ENTRIES) {
		uint32_t l, r;

		id = stack[--nstack];
		if (id >= CFB_MAX_ENTRIES) {
			lost = true;
			continue;
		}
		if (visited[id / 8] & 1u << id % 8)
			continue;
		visited[id / 8] |= (uint8_t)(1u << id % 8);
		e = cfb_entry(f, id);
		if (!e) {
			lost = true;
			if (*rc)
				goto out;
			continue;
		}
		if (cfb_name(e, "EncryptedPackage", false))
			found |= CFB_ENC;
		else if (cfb_name(e, "Workbook", false) ||
			 cfb_name(e, "Book", false))
			found |= CFB_XLS;
		else if (cfb_name(e, "WordDocument", false))
			found |= CFB_DOC;
		else if (cfb_name(e, "PowerPoint Document", false))
			found |= CFB_PPT;
		else if (cfb_name(e, "__substg1.0_", true) ||
			 cfb_name(e, "__properties_version1.0", false))
			found |= CFB_MSG;
		l = le32(e + 68);
		r = le32(e + 72);
		if (nstack + 2 > LT_ARRAY_SIZE(stack)) {
			lost = true;
			break;
		}
		if (l != CFB_NOSTREAM)
			stack[nstack++] = l;
		if (r != CFB_NOSTREAM)
			stack[nstack++] = r;
	}
	if (lost || nstack)
		goto out; /* part of the top level unseen: undecided */
	switch (found) {
	case CFB_ENC:
		answer(a, LT_KIND_OOXML_ENCRYPTED, "application/encrypted");
		break;
	case CFB_XLS:
		answer(a, LT_KIND_XLS, "application/vnd.ms-excel");
		break;
	case CFB_DOC:
		answer(a, LT_KIND_CFB_OTHER, "application/msword");
		break;
	case CFB_PPT:
		answer(a, LT_KIND_CFB_OTHER, "application/vnd.ms-powerpoint");
		break;
	case CFB_MSG:
		answer(a, LT_KIND_CFB_OTHER, "application/vnd.ms-outlook");
		break;
	default: /* none, or two: refuse to guess */
		break;
	}
out:
	free(f);
	return MATCH;
}

/* Signatures at fixed offsets that need no parsing. */
struct sig {
	uint16_t off;
	uint8_t len;
	const char *bytes;
	enum lt_kind kind;
	const char *mime;
};

static const struct sig sigs[] = {
	{ 0, 5, "%PDF-", LT_KIND_PDF, "application/pdf" },
	{ 0, 6, "7z\xbc\xaf\x27\x1c", LT_KIND_7Z,
	  "application/x-7z-compressed" },
	{ 0, 6, "Rar!\x1a\x07", LT_KIND_RAR, "application/x-rar" },
	{ 0, 3, "\x1f\x8b\x08", LT_KIND_GZIP, "application/gzip" },
	{ 0, 8, "MSCF\0\0\0\0", LT_KIND_CAB,
	  "application/vnd.ms-cab-compressed" },
	{ 257, 6, "ustar\0", LT_KIND_TAR, "application/x-tar" },
	{ 257, 8, "ustar  \0", LT_KIND_TAR, "application/x-tar" },
	/* may hold personal data, no extractor yet */
	{ 0, 5, "{\\rtf", LT_KIND_NOT_EXAMINED, "text/rtf" },
	{ 0, 16, "SQLite format 3\0", LT_KIND_NOT_EXAMINED,
	  "application/vnd.sqlite3" },
	{ 4, 15, "Standard Jet DB", LT_KIND_NOT_EXAMINED,
	  "application/x-msaccess" },
	{ 4, 15, "Standard ACE DB", LT_KIND_NOT_EXAMINED,
	  "application/x-msaccess" },
	{ 0, 4, "!BDN", LT_KIND_NOT_EXAMINED, "application/vnd.ms-outlook" },
	{ 0, 3, "BZh", LT_KIND_NOT_EXAMINED, "application/x-bzip2" },
	{ 0, 6, "\xfd" "7zXZ\0", LT_KIND_NOT_EXAMINED, "application/x-xz" },
	{ 0, 4, "\x28\xb5\x2f\xfd", LT_KIND_NOT_EXAMINED, "application/zstd" },
	/* no tables */
	{ 0, 8, "\x89PNG\r\n\x1a\n", LT_KIND_NO_TABLES, "image/png" },
	{ 0, 3, "\xff\xd8\xff", LT_KIND_NO_TABLES, "image/jpeg" },
	{ 0, 6, "GIF87a", LT_KIND_NO_TABLES, "image/gif" },
	{ 0, 6, "GIF89a", LT_KIND_NO_TABLES, "image/gif" },
	{ 0, 4, "II*\0", LT_KIND_NO_TABLES, "image/tiff" },
	{ 0, 4, "MM\0*", LT_KIND_NO_TABLES, "image/tiff" },
	{ 0, 4, "8BPS", LT_KIND_NO_TABLES, "image/vnd.adobe.photoshop" },
	{ 0, 4, "\x7f" "ELF", LT_KIND_NO_TABLES, "application/x-executable" },
	{ 0, 4, "\xfe\xed\xfa\xce", LT_KIND_NO_TABLES,
	  "application/x-mach-binary" },
	{ 0, 4, "\xfe\xed\xfa\xcf", LT_KIND_NO_TABLES,
	  "application/x-mach-binary" },
	{ 0, 4, "\xce\xfa\xed\xfe", LT_KIND_NO_TABLES,
	  "application/x-mach-binary" },
	{ 0, 4, "\xcf\xfa\xed\xfe", LT_KIND_NO_TABLES,
	  "application/x-mach-binary" },
	{ 0, 4, "\xca\xfe\xba\xbe", LT_KIND_NO_TABLES,
	  "application/x-java-applet" },
	{ 0, 4, "dex\n", LT_KIND_NO_TABLES, "application/vnd.android.dex" },
	{ 0, 3, "ID3", LT_KIND_NO_TABLES, "audio/mpeg" },
	{ 0, 4, "OggS", LT_KIND_NO_TABLES, "audio/ogg" },
	{ 0, 4, "fLaC", LT_KIND_NO_TABLES, "audio/flac" },
	{ 0, 4, "\x1a\x45\xdf\xa3", LT_KIND_NO_TABLES, "video/x-matroska" },
	{ 0, 4, "\x30\x26\xb2\x75", LT_KIND_NO_TABLES, "video/x-ms-asf" },
	{ 0, 3, "FLV", LT_KIND_NO_TABLES, "video/x-flv" },
	{ 4, 4, "ftyp", LT_KIND_NO_TABLES, "video/mp4" },
	{ 0, 4, "OTTO", LT_KIND_NO_TABLES, "font/otf" },
	{ 0, 4, "wOFF", LT_KIND_NO_TABLES, "font/woff" },
	{ 0, 4, "wOF2", LT_KIND_NO_TABLES, "font/woff2" },
	{ 0, 4, "ttcf", LT_KIND_NO_TABLES, "font/collection" },
	/* disk images inside the evidence: anything may be in them */
	{ 0, 8, "conectix", LT_KIND_NOT_EXAMINED,
	  "application/x-virtualbox-vhd" },
	{ 0, 8, "vhdxfile", LT_KIND_NOT_EXAMINED, "application/x-vhdx-disk" },
	{ 0, 4, "KDMV", LT_KIND_NOT_EXAMINED, "application/x-virtualbox-vmdk" },
	{ 0, 4, "QFI\xfb", LT_KIND_NOT_EXAMINED, "application/x-qemu-disk" },
	{ 64, 4, "\x7f\x10\xda\xbe", LT_KIND_NOT_EXAMINED,
	  "application/x-virtualbox-vdi" },
	{ 0, 8, "EVF\x09\x0d\x0a\xff\x00", LT_KIND_NOT_EXAMINED,
	  "application/x-ewf" },
	/* Windows system files common on a seized PC */
	{ 0, 20, "L\0\0\0\1\24\2\0\0\0\0\0\xc0\0\0\0\0\0\0F", LT_KIND_NO_TABLES,
	  "application/x-ms-shortcut" },
	{ 0, 4, "regf", LT_KIND_NO_TABLES, "application/x-ms-registry" },
	{ 0, 8, "ElfFile\0", LT_KIND_NO_TABLES, "application/x-ms-evtx" },
	{ 4, 4, "SCCA", LT_KIND_NO_TABLES, "application/x-ms-prefetch" },
	{ 0, 4, "MAM\x04", LT_KIND_NO_TABLES, "application/x-ms-prefetch" },
	/* Unix ones: compiled Python 2.7, gettext catalogues */
	{ 0, 4, "\x03\xf3\r\n", LT_KIND_NO_TABLES,
	  "application/x-bytecode.python" },
	{ 0, 4, "\xde\x12\x04\x95", LT_KIND_NO_TABLES,
	  "application/x-gettext-translation" },
	{ 0, 4, "\x95\x04\x12\xde", LT_KIND_NO_TABLES,
	  "application/x-gettext-translation" },
};

/* Signatures that need a second look. */
static enum verdict sig_more(const struct ctx *c, struct answer *a,
			     unsigned which)
{
	const uint8_t *p = c->p;
	size_t len = c->len;

	switch (which) {
	case 0: /* LZH: "-lh?-" / "-lz?-" at 2 */
		if (len >= 22 && p[2] == '-' && p[3] == 'l' &&
		    (p[4] == 'h' || p[4] == 'z') && p[6] == '-' &&
		    (isdigit(p[5]) || p[5] == 'd' || p[5] == 's') && p[20] <= 3)
			return answer(a, LT_KIND_LZH,
				      "application/x-lzh-compressed");
		return NO_MATCH;
	case 1: /* v7 tar (no ustar magic): the header checksum */
		if (len >= 512 && p[0] && !at(p, len, 257, "ustar", 5)) {
			unsigned long sum = 0, want = 0;
			size_t i;
			bool digits = false;

			for (i = 148; i < 156 && (p[i] == ' ' || !p[i]); i++)
				;
			for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++) {
				want = want * 8 + (p[i] - '0');
				digits = true;
			}
			if (!digits || (i < 156 && p[i] != ' ' && p[i]))
				return NO_MATCH;
			for (i = 0; i < 512; i++)
				sum += (i >= 148 && i < 156) ? ' ' : p[i];
			if (sum == want)
				return answer(a, LT_KIND_TAR,
					      "application/x-tar");
		}
		return NO_MATCH;
	case 2: /* MZ with a PE header */
		if (len >= 0x40 && p[0] == 'M' && p[1] == 'Z') {
			uint32_t pe = le32(p + 0x3c);

			if (pe >= 0x40 && at(p, len, pe, "PE\0\0", 4))
				return answer(a, LT_KIND_NO_TABLES,
					      "application/vnd.microsoft."
					      "portable-executable");
		}
		return NO_MATCH;
	case 3: /* RIFF */
		if (at(p, len, 0, "RIFF", 4) && len >= 12) {
			if (!memcmp(p + 8, "WAVE", 4))
				return answer(a, LT_KIND_NO_TABLES,
					      "audio/x-wav");
			if (!memcmp(p + 8, "AVI ", 4))
				return answer(a, LT_KIND_NO_TABLES,
					      "video/x-msvideo");
			if (!memcmp(p + 8, "WEBP", 4))
				return answer(a, LT_KIND_NO_TABLES,
					      "image/webp");
		}
		return NO_MATCH;
	case 4: /* TrueType: version 1.0 and a sane table count */
		if (at(p, len, 0, "\0\1\0\0", 4) && len >= 12) {
			uint16_t n = (uint16_t)(p[4] << 8 | p[5]);

			if (n >= 4 && n <= 64 && len >= 12 + 16 * (size_t)n) {
				size_t i;

				for (i = 0; i < n; i++) {
					const uint8_t *tag = p + 12 + 16 * i;
					int k;

					for (k = 0; k < 4; k++)
						if (tag[k] < 0x20 ||
						    tag[k] > 0x7e)
							return NO_MATCH;
				}
				return answer(a, LT_KIND_NO_TABLES,
					      "font/sfnt");
			}
		}
		return NO_MATCH;
	case 5: /* BMP: the header size is one of the known ones */
		if (at(p, len, 0, "BM", 2) && len >= 18) {
			uint32_t hs = le32(p + 14);

			if ((hs == 12 || hs == 40 || hs == 52 || hs == 56 ||
			     hs == 64 || hs == 108 || hs == 124) &&
			    le32(p + 2) == c->size)
				return answer(a, LT_KIND_NO_TABLES,
					      "image/bmp");
		}
		return NO_MATCH;
	case 7: /* compiled Python 3: a magic number 3000-3999, CR LF */
		if (len >= 16 && p[2] == '\r' && p[3] == '\n' &&
		    le16(p) >= 3000 && le16(p) < 4000)
			return answer(a, LT_KIND_NO_TABLES,
				      "application/x-bytecode.python");
		return NO_MATCH;
	case 8: /* terminfo: names "xterm|..." after a 12-byte header */
		if (len >= 16 && ((p[0] == 0x1a && p[1] == 1) ||
				  (p[0] == 0x1e && p[1] == 2))) {
			size_t n = le16(p + 2), i;

			if (n < 2 || n > 4096 || 12 + n > len || p[12 + n - 1])
				return NO_MATCH;
			for (i = 12; i < 12 + n - 1; i++)
				if (p[i] < 0x20 || p[i] > 0x7e)
					return NO_MATCH;
			return answer(a, LT_KIND_NO_TABLES,
				      p[0] == 0x1a ? "application/x-terminfo"
						   : "application/x-terminfo2");
		}
		return NO_MATCH;
	case 6: /* ISO 9660 */
		if (at(p, len, 32769, "CD001", 5))
			return answer(a, LT_KIND_NOT_EXAMINED,
				      "application/x-iso9660-image");
		return NO_MATCH;
	}
	return NO_MATCH;
}

#define SIG_MORE_COUNT 9

/* --- the text test ------------------------------------------------------ */

/*
 * Control bytes a text file does not hold (tab, LF, VT, FF, CR, SUB as an
 * old EOF mark and ESC for ISO-2022-JP are fine).  A few are tolerated:
 * one per 1000 bytes.
 */
static bool bad_ctl(unsigned ch)
{
	return (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\v' &&
		ch != '\f' && ch != '\r' && ch != 0x1a && ch != 0x1b) ||
	       ch == 0x7f;
}

/*
 * NULs end the text only as a zero-filled tail (a recovered or
 * preallocated file): returns the length of the text before it, or
 * SIZE_MAX when NULs sit inside the text.
 */
static size_t text_len(const uint8_t *p, size_t len)
{
	const uint8_t *z = memchr(p, 0, len);
	size_t i;

	if (!z)
		return len;
	for (i = (size_t)(z - p); i < len; i++)
		if (p[i])
			return SIZE_MAX;
	return (size_t)(z - p);
}

static bool ctl_ok(size_t bad, size_t len) { return bad * 1000 <= len; }

/* Are the 8 bytes at p all printable ASCII (0x20-0x7e)?  The text tests
 * skip such runs a word at a time: most of a CSV is ASCII. */
static bool plain8(const uint8_t *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;
	uint64_t w, d;

	memcpy(&w, p, 8);
	d = w ^ (ones * 0x7f);
	return !(w & highs) && !((w - ones * 0x20) & ~w & highs) &&
	       !((d - ones) & ~d & highs);
}

/* A sequence cut at the end of the head is fine when the file goes on. */
static bool utf8_ok(const uint8_t *p, size_t len, bool cut)
{
	size_t i = 0, bad = 0;

	while (i < len) {
		unsigned b = p[i];
		size_t n;
		uint32_t cp, min;

		if (len - i >= 8 && plain8(p + i)) {
			i += 8;
			continue;
		}

		if (b < 0x80) {
			bad += bad_ctl(b);
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			n = 1, cp = b & 0x1f, min = 0x80;
		else if (b >= 0xe0 && b <= 0xef)
			n = 2, cp = b & 0x0f, min = 0x800;
		else if (b >= 0xf0 && b <= 0xf4)
			n = 3, cp = b & 0x07, min = 0x10000;
		else
			return false;
		if (len - i - 1 < n) {
			size_t k;

			if (!cut)
				return false;
			for (k = i + 1; k < len; k++)
				if ((p[k] & 0xc0) != 0x80)
					return false;
			break;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return ctl_ok(bad, len);
}

static bool cp932_ok(const uint8_t *p, size_t len, bool cut)
{
	size_t i = 0, bad = 0;

	while (i < len) {
		unsigned b = p[i];

		if (len - i >= 8 && plain8(p + i)) {
			i += 8;
			continue;
		}

		if (b < 0x80) {
			bad += bad_ctl(b);
			i++;
		} else if (b >= 0xa1 && b <= 0xdf) {
			i++; /* half-width katakana */
		} else if ((b >= 0x81 && b <= 0x9f) ||
			   (b >= 0xe0 && b <= 0xfc)) {
			unsigned t;

			if (i + 1 == len)
				return cut && ctl_ok(bad, len);
			t = p[i + 1];
			if (t < 0x40 || t == 0x7f || t > 0xfc)
				return false;
			i += 2;
		} else {
			return false;
		}
	}
	return ctl_ok(bad, len);
}

static bool eucjp_ok(const uint8_t *p, size_t len, bool cut)
{
	size_t i = 0, bad = 0;

	while (i < len) {
		unsigned b = p[i];
		size_t n, k;

		if (len - i >= 8 && plain8(p + i)) {
			i += 8;
			continue;
		}

		if (b < 0x80) {
			bad += bad_ctl(b);
			i++;
			continue;
		}
		if (b == 0x8e)
			n = 1; /* half-width katakana: 0xa1-0xdf */
		else if (b == 0x8f)
			n = 2; /* JIS X 0212 */
		else if (b >= 0xa1 && b <= 0xfe)
			n = 1;
		else
			return false;
		for (k = 1; k <= n; k++) {
			if (i + k == len)
				return cut && ctl_ok(bad, len);
			if (p[i + k] < 0xa1 || p[i + k] > 0xfe ||
			    (b == 0x8e && p[i + k] > 0xdf))
				return false;
		}
		i += n + 1;
	}
	return ctl_ok(bad, len);
}

/* UTF-16 in the given byte order: surrogates paired, few controls, NUL
 * units only as a zero-filled tail. */
static bool utf16_ok(const uint8_t *p, size_t len, bool be, bool cut)
{
	size_t i, units = len / 2, bad = 0;
	bool tail = false;

	for (i = 0; i < units; i++) {
		unsigned u = be ? (unsigned)(p[2 * i] << 8 | p[2 * i + 1])
				: le16(p + 2 * i);

		if (tail) {
			if (u)
				return false;
			continue;
		}
		if (!u) {
			tail = true;
			continue;
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			unsigned v;

			if (i + 1 == units)
				return cut;
			v = be ? (unsigned)(p[2 * i + 2] << 8 | p[2 * i + 3])
			       : le16(p + 2 * i + 2);
			if (v < 0xdc00 || v > 0xdfff)
				return false;
			i++;
			continue;
		}
		if ((u >= 0xdc00 && u <= 0xdfff) || u == 0xfffe || u == 0xffff)
			return false;
		if (u < 0x80)
			bad += bad_ctl(u);
	}
	return ctl_ok(bad, units);
}

enum text_enc { TX_NONE, TX_UTF8, TX_CP932, TX_EUCJP, TX_UTF16LE, TX_UTF16BE };

static enum text_enc text_test(const uint8_t *p, size_t len, uint64_t size)
{
	bool cut = len < size;
	size_t tl;

	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return utf16_ok(p + 2, len - 2, false, cut) ? TX_UTF16LE
							    : TX_NONE;
	if (len >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return utf16_ok(p + 2, len - 2, true, cut) ? TX_UTF16BE
							   : TX_NONE;
	tl = text_len(p, len);
	if (tl == SIZE_MAX || (tl < len && tl < 64)) {
		/* NULs inside: UTF-16 without a BOM if they keep to one
		 * byte of each pair (ASCII-range characters) */
		size_t i, even = 0, odd = 0, units = len / 2;

		if (units < 8)
			return TX_NONE;
		for (i = 0; i < 2 * units; i += 2) {
			even += !p[i];
			odd += !p[i + 1];
		}
		if (odd * 4 >= units && even * 16 <= odd &&
		    utf16_ok(p, 2 * units, false, cut))
			return TX_UTF16LE;
		if (even * 4 >= units && odd * 16 <= even &&
		    utf16_ok(p, 2 * units, true, cut))
			return TX_UTF16BE;
		return TX_NONE;
	}
	if (tl == 0)
		return TX_NONE;
	cut = cut || tl < len;
	if (utf8_ok(p, tl, cut))
		return TX_UTF8;
	if (cp932_ok(p, tl, cut))
		return TX_CP932;
	if (eucjp_ok(p, tl, cut))
		return TX_EUCJP;
	return TX_NONE;
}

static bool starts_ci(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && !strncasecmp((const char *)p, s, n);
}

/* Text that is a format of its own: mail, Excel's HTML and XML sheets. */
static void text_kind(const uint8_t *p, size_t len, enum text_enc enc,
		      struct answer *a)
{
	static const char *const mail[] = {
		"Received:", "Return-Path:", "Delivered-To:", "Message-ID:",
		"MIME-Version:", "X-Mozilla-Status:", "From ",
	};
	size_t i;

	answer(a, LT_KIND_TEXT, "text/plain");
	if (enc == TX_UTF16LE || enc == TX_UTF16BE)
		return;
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3, len -= 3;
	for (i = 0; i < LT_ARRAY_SIZE(mail); i++)
		if (starts_ci(p, len, mail[i]) &&
		    (memmem(p, len, "\nSubject:", 9) ||
		     memmem(p, len, "\nFrom:", 6) ||
		     memmem(p, len, "\nDate:", 6))) {
			answer(a, LT_KIND_NOT_EXAMINED, "message/rfc822");
			return;
		}
	while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, len--;
	if (!len || *p != '<')
		return;
	if (memmem(p, len, "urn:schemas-microsoft-com:office:excel", 38) ||
	    memmem(p, len, "progid=\"Excel.Sheet\"", 20)) {
		answer(a, LT_KIND_NOT_EXAMINED,
		       starts_ci(p, len, "<?xml") ? "text/xml" : "text/html");
		return;
	}
	if (starts_ci(p, len, "<?xml"))
		answer(a, LT_KIND_TEXT, "text/xml");
	else if (starts_ci(p, len, "<!DOCTYPE html") ||
		 starts_ci(p, len, "<html"))
		answer(a, LT_KIND_TEXT, "text/html");
}

/*
 * The cheap check proper.  Returns MATCH (a filled), UNDECIDED (ask
 * libmagic) or NO_MATCH with a->mime "application/octet-stream" for a
 * conflict or content known to be unknowable.
 */
static enum verdict cheap(const struct ctx *c, struct answer *out, int *rc)
{
	struct answer a, first;
	unsigned matches = 0, i;
	bool undecided = false;
	enum verdict v;
	enum text_enc enc;

#define TAKE(expr)                                                     \
	do {                                                           \
		v = (expr);                                            \
		if (v == UNDECIDED)                                    \
			undecided = true;                              \
		else if (v == MATCH && a.kind != LT_KIND_UNKNOWN) {    \
			if (!matches++)                                \
				first = a;                             \
			else if (first.kind == a.kind)                 \
				matches--; /* two ways, one answer */  \
		}                                                      \
	} while (0)

	if (c->size == 0) {
		answer(out, LT_KIND_EMPTY, "application/x-empty");
		return MATCH;
	}
	if (c->len == 0)
		return NO_MATCH;
	TAKE(sig_zip(c, &a));
	TAKE(sig_cfb(c, &a, rc));
	if (*rc)
		return NO_MATCH;
	for (i = 0; i < LT_ARRAY_SIZE(sigs); i++)
		if (at(c->p, c->len, sigs[i].off, sigs[i].bytes, sigs[i].len))
			TAKE(answer(&a, sigs[i].kind, sigs[i].mime));
	for (i = 0; i < SIG_MORE_COUNT; i++)
		TAKE(sig_more(c, &a, i));
#undef TAKE
	if (matches > 1) {
		answer(out, LT_KIND_UNKNOWN, "application/octet-stream");
		return NO_MATCH;
	}
	if (matches == 1 && !undecided) {
		*out = first;
		if (first.mime == a.mime_buf)
			out->mime = out->mime_buf;
		return MATCH;
	}
	if (undecided)
		return UNDECIDED;
	enc = text_test(c->p, c->len, c->size);
	if (enc != TX_NONE) {
		text_kind(c->p, c->len, enc, out);
		return MATCH;
	}
	/* all zeros (a wiped or sparse file): nothing to learn from it */
	if (c->p[0] == 0 && text_len(c->p, c->len) == 0) {
		answer(out, LT_KIND_UNKNOWN, "application/octet-stream");
		return NO_MATCH;
	}
	/* LZMA-alone has no real signature: only libmagic's rule tells */
	if (c->len >= 3 && !memcmp(c->p, "\x5d\0\0", 3))
		return UNDECIDED;
	return text_len(c->p, c->len) == SIZE_MAX ? BINARY : UNDECIDED;
}

static void copy_answer(const struct answer *a, char *mime, size_t mime_len)
{
	put_mime(mime, mime_len, a->mime ? a->mime : "");
}

enum lt_kind lt_detect_signature(const uint8_t *head, size_t len,
				 uint64_t size, char *mime, size_t mime_len)
{
	struct ctx c = { .p = head, .len = LT_MIN(len, LT_DETECT_HEAD_MAX),
			 .size = size };
	struct answer a = { .kind = LT_KIND_UNKNOWN, .mime = "" };
	int rc = 0;

	if (c.len > size)
		c.len = (size_t)size;
	switch (cheap(&c, &a, &rc)) {
	case MATCH:
		copy_answer(&a, mime, mime_len);
		return a.kind;
	case NO_MATCH:
		copy_answer(&a, mime, mime_len);
		return LT_KIND_UNKNOWN;
	case UNDECIDED:
	case BINARY:
		break;
	}
	put_mime(mime, mime_len, "");
	return LT_KIND_UNKNOWN;
}

/* --- libmagic ----------------------------------------------------------- */

int lt_typer_open(struct lt_typer **out, struct lt_err *err)
{
	struct lt_typer *t = lt_calloc(1, sizeof(*t));
	int rc = LT_OK;

	if (!t)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	t->headbuf = malloc(LT_DETECT_HEAD_MAX);
	if (!t->headbuf) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	t->magic = magic_open(LT_MAGIC_FLAGS);
	if (!t->magic) {
		rc = lt_err_set(err, errno == ENOMEM ? LT_E_NOMEM : LT_E_DEP,
				"cannot start libmagic: %s", strerror(errno));
		goto out;
	}
	if (magic_load(t->magic, NULL)) {
		rc = lt_err_set(err, LT_E_DEP,
				"cannot load the libmagic database: %s",
				magic_error(t->magic) ? magic_error(t->magic)
						      : "unknown error");
		goto out;
	}
	t->tag = LT_TYPER_TAG;
	*out = t;
	return LT_OK;
out:
	if (t->magic)
		magic_close(t->magic);
	free(t->headbuf);
	free(t);
	return rc;
}

void lt_typer_close(struct lt_typer *t)
{
	if (!t)
		return;
	if (t->tag != LT_TYPER_TAG)
		LT_BUG("lt_typer_close on a bad handle");
	magic_close(t->magic);
	free(t->headbuf);
	t->tag = 0;
	free(t);
}

void lt_typer_set_magic_all(struct lt_typer *t, bool on)
{
	if (!t || t->tag != LT_TYPER_TAG)
		LT_BUG("lt_typer_set_magic_all on a bad handle");
	t->magic_all = on;
}

enum lt_kind lt_typer_magic(struct lt_typer *t, const uint8_t *head,
			    size_t len, char *mime, size_t mime_len)
{
	const char *m;

	if (!t || t->tag != LT_TYPER_TAG)
		LT_BUG("lt_typer_magic on a bad handle");
	m = magic_buffer(t->magic, head, LT_MIN(len, LT_DETECT_HEAD_MAX));
	if (!m)
		m = "application/octet-stream";
	put_mime(mime, mime_len, m);
	return lt_kind_from_mime(m);
}

static enum lt_kind detect(struct lt_typer *t, struct ctx *c, char *mime,
			   size_t mime_len)
{
	struct answer a = { .kind = LT_KIND_UNKNOWN, .mime = "" };

	switch (cheap(c, &a, &c->rc)) {
	case MATCH:
		copy_answer(&a, mime, mime_len);
		return a.kind;
	case NO_MATCH:
		copy_answer(&a, mime, mime_len);
		return LT_KIND_UNKNOWN;
	case BINARY:
		if (!t->magic_all) {
			put_mime(mime, mime_len, "application/octet-stream");
			return LT_KIND_UNKNOWN;
		}
		break;
	case UNDECIDED:
		break;
	}
	return lt_typer_magic(t, c->p, c->len, mime, mime_len);
}

enum lt_kind lt_typer_detect(struct lt_typer *t, const uint8_t *head,
			     size_t len, uint64_t size, char *mime,
			     size_t mime_len)
{
	struct ctx c = { .p = head, .len = LT_MIN(len, LT_DETECT_HEAD_MAX),
			 .size = size };

	if (!t || t->tag != LT_TYPER_TAG)
		LT_BUG("lt_typer_detect on a bad handle");
	if (c.len > size)
		c.len = (size_t)size;
	return detect(t, &c, mime, mime_len);
}

int lt_typer_detect_input(struct lt_typer *t, const struct lt_scan_input *in,
			  enum lt_kind *kind, char *mime, size_t mime_len,
			  struct lt_err *err)
{
	struct ctx c = { .size = in->size, .in = in, .err = err };
	char m[LT_MIME_MAX];
	enum lt_kind k;

	if (!t || t->tag != LT_TYPER_TAG)
		LT_BUG("lt_typer_detect_input on a bad handle");
	c.len = (size_t)LT_MIN(in->size, (uint64_t)LT_DETECT_HEAD_MAX);
	if (in->data) {
		c.p = in->data;
		c.full = in->data;
	} else {
		size_t done = 0;

		if (!in->read && c.len)
			return lt_err_set(err, LT_E_ARG,
					  "'%s': no data to read",
					  in->path ? in->path : "?");
		while (done < c.len) {
			size_t got = 0;
			int rc = in->read(in->src, done, t->headbuf + done,
					  c.len - done, &got, err);

			if (rc)
				return rc;
			if (!got)
				break; /* shorter than it said */
			done += got;
		}
		c.len = done;
		c.p = t->headbuf;
	}
	k = detect(t, &c, m, sizeof(m));
	if (c.rc)
		return c.rc;
	*kind = k;
	put_mime(mime, mime_len, m);
	return LT_OK;
}
