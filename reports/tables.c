// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The counting: records per category straight from their element flags,
 * persons by a union-find over records that share a keyed hash (an
 * identifier number, name + birthdate, or name + address; transitively,
 * across files and evidence items).  A person's category is the union of
 * its records' elements; a group holding two different identifier numbers
 * of one kind is one person and one "conflicting merge".
 *
 * Profiles and scopes are tables of data.  Every query that feeds a count
 * or a list takes the scope's file and record conditions, so a scope is
 * nothing but another filter.  The records are read in three passes in one
 * read transaction, in the same order (file id, record id): 1. categories,
 * per-file and per-element figures, and the union-find; 2. identifier keys
 * per group (conflicts); 3. only when there are conflicts, the locations
 * of their records; 4. per evidence item (ordered by item), a union-find
 * of that item's records alone.  Only the union-find arrays (12 bytes per
 * record) and the key table stay in memory.
 *
 * Persons per file are the distinct (global) persons among the file's
 * records; persons per evidence item are those the item holds on its own
 * (as if it were alone in the case), which is what the sample generator's
 * expected figures give.
 *
 * The case DB hash: PRAGMA wal_checkpoint(TRUNCATE), then SHA-256 of the
 * file, then the read transaction; PRAGMA data_version before and inside
 * it tells whether another connection committed in between.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/hash.h"
#include "leaktriage/recblock.h"
#include "leaktriage/report.h"
#include "leaktriage/table.h"
#include "leaktriage/timefmt.h"
#include "leaktriage/walk.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#define B(e) LT_ELEM_BIT(e)

/* --- profiles and scopes: data ---------------------------------------- */

static const struct lt_profile profiles[] = {
	{
		.name = "kyokai",
		.number_elem = LT_EL_INSURED_NUMBER,
		.counted = B(LT_EL_SEX) | B(LT_EL_BIRTHDATE) |
			   B(LT_EL_ADDRESS),
		.base_without = 1,
		.base_with = 1,
		.row_ja = { "", "1情報（氏名のみ）",
			    "2情報（氏名＋性別・生年月日・住所のうち1つ）",
			    "3情報（氏名＋性別・生年月日・住所のうち2つ）",
			    "4情報（氏名・性別・生年月日・住所）" },
		.row_en = { "", "1 (name only)",
			    "2 (name + one of sex, birthdate, address)",
			    "3 (name + two of sex, birthdate, address)",
			    "4 (name, sex, birthdate, address)" },
		.with_ja = "被保険者記号・番号あり",
		.with_en = "with insured-person number",
		.rule_en = "category = name + how many of sex, birthdate, "
			   "address (4 = all three ... 1 = name only); with "
			   "number = insured-person symbol and number both "
			   "present",
		.rule_ja = "氏名に加え性別・生年月日・住所のうちいくつを含むか"
			   "（4情報＝すべて、1情報＝氏名のみ）。番号あり＝"
			   "被保険者記号・番号の両方を含む",
	},
	{
		.name = "nenkin",
		.number_elem = LT_EL_PENSION_NUMBER,
		.counted = B(LT_EL_BIRTHDATE) | B(LT_EL_ADDRESS),
		.base_without = 1,
		.base_with = 2,
		.row_ja = { "", "1情報（氏名のみ）",
			    "2情報（番号あり：番号・氏名／番号なし：氏名＋"
			    "生年月日または住所）",
			    "3情報（番号あり：番号・氏名・生年月日または住所"
			    "／番号なし：氏名・生年月日・住所）",
			    "4情報（基礎年金番号・氏名・生年月日・住所）" },
		.row_en = { "", "1 (name only)",
			    "2 (with: number, name / without: name + "
			    "birthdate or address)",
			    "3 (with: number, name, birthdate or address / "
			    "without: name, birthdate, address)",
			    "4 (pension number, name, birthdate, address)" },
		.with_ja = "基礎年金番号あり",
		.with_en = "with pension number",
		.rule_en = "category = how many of pension number, name, "
			   "birthdate, address (a name required); sex is not "
			   "counted",
		.rule_ja = "基礎年金番号・氏名・生年月日・住所のうちいくつを"
			   "含むか（氏名は必須）。性別は数えない",
	},
};

static const struct lt_scope_source all_files[] = {
	{ .file_where = "1", .record_where = "1" },
};

/*
 * Leak candidates: correlate's table (triage/casedb schema 3), or a column
 * file.leak_candidate.  Either way only the filter changes.
 */
static const struct lt_scope_source leak_candidates[] = {
	{ .table = "leak_candidate", .after = "correlate",
	  .file_where = "f.id IN (SELECT file_id FROM leak_candidate)",
	  .record_where = "1" },
	{ .table = "file", .column = "leak_candidate",
	  .file_where = "f.leak_candidate <> 0", .record_where = "1" },
};

static const struct lt_scope scopes[] = {
	{
		.name = "stored",
		.sources = all_files,
		.nsources = LT_ARRAY_SIZE(all_files),
		.title_ja = "保管：暗号化・パスワードなしで保存されていた"
			    "個人データ",
		.title_en = "stored: personal data kept without encryption "
			    "or password",
	},
	{
		.name = "leaked",
		.sources = leak_candidates,
		.nsources = LT_ARRAY_SIZE(leak_candidates),
		.needs_command = "correlate",
		.title_ja = "漏えいのおそれ：不審な通信の時間帯に触れられた"
			    "ファイルの個人データ",
		.title_en = "leaked: personal data in files touched inside "
			    "suspicious traffic windows",
	},
};

/*
 * correlate's windows, for the timeline: the first table that exists (and,
 * with `after`, whose command has run) gives evidence, start, end, reason.
 */
static const struct {
	const char *table, *after, *sql;
} window_sources[] = {
	{ "leak_window", "correlate",
	  "SELECT v.name, w.start_ns, w.end_ns, w.reasons FROM leak_window w"
	  " LEFT JOIN evidence v ON v.id = w.evidence_id"
	  " ORDER BY w.start_ns, w.end_ns, v.id" },
	{ "window", NULL,
	  "SELECT v.name, w.start_ns, w.end_ns, w.reason FROM \"window\" w"
	  " LEFT JOIN evidence v ON v.id = w.evidence_id"
	  " ORDER BY w.start_ns, w.end_ns, v.id" },
};

const struct lt_profile *lt_profile_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < LT_ARRAY_SIZE(profiles); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const struct lt_scope *lt_scope_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < LT_ARRAY_SIZE(scopes); i++)
		if (!strcmp(scopes[i].name, name))
			return &scopes[i];
	return NULL;
}

const char *lt_report_person_rule(bool ja)
{
	return ja ? "識別番号（被保険者記号・番号、基礎年金番号、個人番号）"
		    "の一致、または正規化した氏名と生年月日、または氏名と"
		    "住所の一致で同一人物とする（推移的に、ファイル・証拠品を"
		    "またいで）。異なる番号を含むことになった人は1人と数え、"
		    "名寄せの矛盾として示す。氏名のみで他の手がかりのない"
		    "記録は名寄せしない"
		  : "records are one person when they share an identifier "
		    "number (insured-person symbol and number, pension "
		    "number, My Number), or the same normalized name and "
		    "birthdate, or the same normalized name and address "
		    "(transitively, across files and evidence items); a "
		    "person holding two different numbers of one kind is "
		    "counted once and listed as a conflicting merge; "
		    "name-only records with no other link are not merged";
}

static const uint32_t NAME_BITS = B(LT_EL_NAME) | B(LT_EL_KANA);
static const uint32_t SPECIAL_BITS = B(LT_EL_DISEASE) |
				     B(LT_EL_MEDICAL_INSTITUTION);

int lt_profile_category(const struct lt_profile *p, uint32_t elems,
			bool *with)
{
	bool w = (elems & B(p->number_elem)) != 0;
	int cat;

	if (with)
		*with = w;
	if (!(elems & NAME_BITS))
		return 0;
	cat = (w ? p->base_with : p->base_without) +
	      __builtin_popcount(elems & p->counted);
	return cat > 4 ? 4 : cat;
}

static void count(const struct lt_profile *p, uint32_t elems,
		  struct lt_counts *c)
{
	bool with;
	int cat = lt_profile_category(p, elems, &with);

	if (!cat)
		c->no_name++;
	else if (with)
		c->with[cat]++;
	else
		c->without[cat]++;
}

/* --- union-find over records ----------------------------------------- */

struct keyslot {
	uint8_t key[17]; /* kind + 16 bytes */
	uint32_t rec;    /* record index + 1; 0 = empty */
};

struct uf {
	uint32_t *parent;
	uint32_t *elems;
	uint32_t *file;          /* index into pii_files of each record */
	size_t n, alloc;
	size_t unions;           /* merges made: persons = n - unions */
	struct keyslot *tab;
	size_t tabsize, tabused;
};

static uint32_t find(struct uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

static void unite(struct uf *u, uint32_t a, uint32_t b)
{
	a = find(u, a);
	b = find(u, b);
	if (a != b) {
		u->parent[b] = a;
		u->unions++;
	}
}

static uint64_t hash17(const uint8_t *k)
{
	uint64_t h;

	memcpy(&h, k + 1, 8);
	return h ^ ((uint64_t)k[0] * 0x9E3779B97F4A7C15ull);
}

static int tab_grow(struct uf *u)
{
	size_t ns = u->tabsize ? u->tabsize * 2 : 1 << 16, i;
	struct keyslot *nt = lt_calloc(ns, sizeof(*nt));

	if (!nt)
		return LT_E_NOMEM;
	for (i = 0; i < u->tabsize; i++) {
		size_t j;

		if (!u->tab[i].rec)
			continue;
		j = hash17(u->tab[i].key) & (ns - 1);
		while (nt[j].rec)
			j = (j + 1) & (ns - 1);
		nt[j] = u->tab[i];
	}
	free(u->tab);
	u->tab = nt;
	u->tabsize = ns;
	return LT_OK;
}

/* Link record r to the first record seen with this key. */
static int link_key(struct uf *u, uint32_t r, int kind, const uint8_t *k16)
{
	uint8_t key[17];
	size_t j;

	if (u->tabused * 2 >= u->tabsize && tab_grow(u))
		return LT_E_NOMEM;
	key[0] = (uint8_t)kind;
	memcpy(key + 1, k16, 16);
	j = hash17(key) & (u->tabsize - 1);
	while (u->tab[j].rec) {
		if (!memcmp(u->tab[j].key, key, 17)) {
			unite(u, u->tab[j].rec - 1, r);
			return LT_OK;
		}
		j = (j + 1) & (u->tabsize - 1);
	}
	memcpy(u->tab[j].key, key, 17);
	u->tab[j].rec = r + 1;
	u->tabused++;
	return LT_OK;
}

static int uf_add(struct uf *u, uint32_t elems, uint32_t file)
{
	if (u->n == u->alloc) {
		size_t na = u->alloc ? u->alloc * 2 : 1 << 16;
		uint32_t *p, *e, *f;

		if (na > UINT32_MAX - 1)
			return LT_E_LIMIT;
		p = realloc(u->parent, na * sizeof(*p));
		if (p)
			u->parent = p;
		e = p ? realloc(u->elems, na * sizeof(*e)) : NULL;
		if (e)
			u->elems = e;
		f = e ? realloc(u->file, na * sizeof(*f)) : NULL;
		if (f)
			u->file = f;
		if (!f)
			return LT_E_NOMEM;
		u->alloc = na;
	}
	u->parent[u->n] = (uint32_t)u->n;
	u->elems[u->n] = elems;
	u->file[u->n] = file;
	u->n++;
	return LT_OK;
}

static void uf_free(struct uf *u)
{
	free(u->parent);
	free(u->elems);
	free(u->file);
	free(u->tab);
	memset(u, 0, sizeof(*u));
}

/* --- helpers ------------------------------------------------------------ */

struct ctx {
	sqlite3 *db;
	struct lt_report *r;
	const struct lt_scope *sc;
	const struct lt_scope_source *src; /* the scope's usable source */
	struct lt_err *err;
	bool nomem;
	int64_t *ev_ids;          /* evidence ids, ascending (= r->evidence) */
	struct idmap { int64_t id; uint32_t idx; } *fmap; /* sorted by id */
	size_t *file_ev;          /* evidence index of each pii file */
	int64_t *file_src;        /* its file.records_of, or 0 */
	uint32_t *first, *cnt;    /* a pass's first record and count of each
				   * pii file (UINT32_MAX: none yet) */
	struct uf u;
};

/* Grow *pp (an array of size-byte elements, *alloc of them) so that one
 * more fits after n.  Returns false when out of memory. */
static bool grow_arr(void *pp, size_t n, size_t *alloc, size_t size)
{
	void *old, *nw;
	size_t na;

	if (n < *alloc)
		return true;
	na = *alloc ? *alloc * 2 : 16;
	if (na > SIZE_MAX / size)
		return false;
	memcpy(&old, pp, sizeof(old));
	nw = realloc(old, na * size);
	if (!nw)
		return false;
	memcpy(pp, &nw, sizeof(nw));
	*alloc = na;
	return true;
}

#define PUSH(c, arr, n, alloc)                                           \
	(grow_arr(&(arr), (n), &(alloc), sizeof(*(arr))) ?               \
	 memset(&(arr)[(n)++], 0, sizeof(*(arr))) : ((c)->nomem = true, NULL))

static char *col_dup(struct ctx *c, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *s;

	if (!t)
		return NULL;
	s = strdup((const char *)t);
	if (!s)
		c->nomem = true;
	return s;
}

static int sql_fail(struct ctx *c)
{
	return lt_err_set(c->err, LT_E_IO, "case database: %s",
			  sqlite3_errmsg(c->db));
}

static int nomem(struct ctx *c)
{
	return lt_err_set(c->err, LT_E_NOMEM, "out of memory");
}

/* Prepare sql with {FW} and {RW} replaced by the scope source's file and
 * record conditions (in parentheses). */
static int prepare(struct ctx *c, const char *sql, sqlite3_stmt **st)
{
	struct lt_buf b;
	const char *p = sql;
	int rc;

	lt_buf_init(&b, 1 << 16);
	while (*p) {
		if (!strncmp(p, "{FW}", 4)) {
			lt_buf_addc(&b, '(');
			lt_buf_adds(&b, c->src->file_where);
			lt_buf_addc(&b, ')');
			p += 4;
		} else if (!strncmp(p, "{RW}", 4)) {
			lt_buf_addc(&b, '(');
			lt_buf_adds(&b, c->src->record_where);
			lt_buf_addc(&b, ')');
			p += 4;
		} else {
			lt_buf_addc(&b, *p++);
		}
	}
	if (lt_buf_status(&b)) {
		lt_buf_release(&b);
		return nomem(c);
	}
	rc = sqlite3_prepare_v2(c->db, lt_buf_str(&b), -1, st, NULL);
	lt_buf_release(&b);
	return rc == SQLITE_OK ? LT_OK : sql_fail(c);
}

static int u64_query(struct ctx *c, const char *sql, uint64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	LT_TRY(prepare(c, sql, &st));
	*out = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? LT_OK : sql_fail(c);
}

static int finish(struct ctx *c, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		int e = sql_fail(c);

		sqlite3_finalize(st);
		return e;
	}
	sqlite3_finalize(st);
	return c->nomem ? nomem(c) : LT_OK;
}

/* --- the case DB hash ---------------------------------------------------- */

static int data_version(sqlite3 *db, int64_t *v)
{
	sqlite3_stmt *st;

	*v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return LT_E_IO;
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return LT_OK;
}

static void hash_case(struct ctx *c, const char *path)
{
	struct lt_report *r = c->r;
	struct lt_err herr = LT_ERR_INIT;
	struct lt_hash h;
	sqlite3_stmt *st;
	char *buf;
	int fd;

	if (sqlite3_prepare_v2(c->db, "PRAGMA wal_checkpoint(TRUNCATE)", -1,
			       &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (sqlite3_column_int(st, 0) ||
		     sqlite3_column_int(st, 1) != sqlite3_column_int(st, 2)))
			r->method.wal_busy = true;
		sqlite3_finalize(st);
	} else {
		r->method.wal_busy = true;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	buf = malloc(1 << 20);
	lt_hash_zero(&h);
	if (fd >= 0 && buf && !lt_hash_init(&h, LT_HASH_SHA256, &herr)) {
		ssize_t n;

		while ((n = read(fd, buf, 1 << 20)) > 0)
			lt_hash_update(&h, buf, (size_t)n);
		if (n == 0 && !lt_hash_final(&h, &herr))
			lt_hex(r->method.case_sha256, h.sha256, 32);
		else
			lt_hash_release(&h);
	}
	if (!r->method.case_sha256[0])
		snprintf(r->warning, sizeof(r->warning),
			 "cannot hash the case database '%s': %s", path,
			 herr.code ? herr.msg : strerror(errno));
	free(buf);
	if (fd >= 0)
		close(fd);
}

/* --- loading ----------------------------------------------------------- */

static int load_evidence(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0, ialloc = 0, nids = 0;
	int rc;

	LT_TRY(prepare(c, "SELECT id, name, md5, sha1, sha256, hash_source,"
		       " tz FROM evidence ORDER BY id", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_evidence *e = PUSH(c, r->evidence,
						    r->nevidence, alloc);
		int64_t *id = PUSH(c, c->ev_ids, nids, ialloc);

		if (!e || !id)
			break;
		*id = sqlite3_column_int64(st, 0);
		e->name = col_dup(c, st, 1);
		e->md5 = col_dup(c, st, 2);
		e->sha1 = col_dup(c, st, 3);
		e->sha256 = col_dup(c, st, 4);
		e->hash_source = col_dup(c, st, 5);
		e->tz = col_dup(c, st, 6);
	}
	return finish(c, st, rc);
}

static size_t evidence_index(struct ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->r->nevidence;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->ev_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->r->nevidence && c->ev_ids[lo] == id ? lo : SIZE_MAX;
}

static int idmap_cmp(const void *a, const void *b)
{
	const struct idmap *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static uint32_t file_index(struct ctx *c, int64_t id)
{
	struct idmap key = { id, 0 }, *m;

	m = bsearch(&key, c->fmap, c->r->npii, sizeof(*c->fmap), idmap_cmp);
	return m ? m->idx : UINT32_MAX;
}

/* Columns 1.. of the file queries below, into f. */
static void file_cols(struct ctx *c, sqlite3_stmt *st,
		      struct lt_report_file *f)
{
	const char *status = (const char *)sqlite3_column_text(st, 8);

	f->evidence = col_dup(c, st, 1);
	f->partition = sqlite3_column_type(st, 2) == SQLITE_NULL ?
		       LT_PARTITION_NONE : sqlite3_column_int(st, 2);
	f->inode = col_dup(c, st, 3);
	f->path = col_dup(c, st, 4);
	f->sha256 = col_dup(c, st, 5);
	f->deleted = sqlite3_column_int(st, 6) != 0;
	f->status = col_dup(c, st, 8);
	f->type = col_dup(c, st, 9);
	f->columns = (uint32_t)sqlite3_column_int64(st, 10);
	f->protection = col_dup(c, st, 11);
	f->strong = sqlite3_column_int(st, 12) != 0;
	f->detail = col_dup(c, st, 13);
	f->member = sqlite3_column_int(st, 14) != 0;
	f->protected_ = status && !strcmp(status, "protected");
}

#define FILE_COLS                                                            \
	"SELECT f.id, v.name, e.partition, e.inode, f.path, f.sha256,"       \
	" f.deleted, f.evidence_id, f.status, coalesce(f.extractor, f.kind)," \
	" f.columns, f.protection, f.strong, f.detail,"                      \
	" f.parent_id IS NOT NULL, coalesce(f.records_of, 0) FROM file f"    \
	" JOIN evidence v ON v.id = f.evidence_id"                           \
	" LEFT JOIN entry e ON e.id = f.entry_id"

static int load_pii_files(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0, ealloc = 0, malloc_ = 0, ne = 0, nm = 0;
	size_t salloc = 0, nsrc = 0;
	int rc;

	LT_TRY(prepare(c, FILE_COLS " WHERE f.status <> 'scanning' AND {FW}"
		       " AND EXISTS(SELECT 1 FROM record_block r WHERE"
		       " r.file_id = coalesce(f.records_of, f.id) AND {RW})"
		       " ORDER BY f.evidence_id, f.path, f.id", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_file *f = PUSH(c, r->pii_files, r->npii,
						alloc);
		size_t *ev = PUSH(c, c->file_ev, ne, ealloc);
		struct idmap *m = PUSH(c, c->fmap, nm, malloc_);
		int64_t *src = PUSH(c, c->file_src, nsrc, salloc);

		if (!f || !ev || !m || !src)
			break;
		*src = sqlite3_column_int64(st, 15);
		file_cols(c, st, f);
		*ev = evidence_index(c, sqlite3_column_int64(st, 7));
		m->id = sqlite3_column_int64(st, 0);
		m->idx = (uint32_t)(r->npii - 1);
	}
	LT_TRY(finish(c, st, rc));
	if (r->npii >= UINT32_MAX)
		return lt_err_set(c->err, LT_E_LIMIT, "too many files");
	if (nm)
		qsort(c->fmap, nm, sizeof(*c->fmap), idmap_cmp);
	return LT_OK;
}

/*
 * The records in the scope, one at a time, in file and write order (or
 * evidence item first): unpacked from their blocks (leaktriage/recblock.h).
 * A file that is a copy of another (file.records_of) has that file's
 * blocks as its records: they are read again for it.
 */
struct rec_iter {
	sqlite3_stmt *st;
	const uint8_t *p, *end;
	int64_t file_id, evidence_id;
	const char *sheet;       /* valid until the next block */
	struct lt_recpacked r;
};

static int rec_open(struct ctx *c, struct rec_iter *it, bool by_evidence)
{
	memset(it, 0, sizeof(*it));
	return prepare(c, by_evidence ?
		       "SELECT f.id, f.evidence_id, r.sheet, r.data"
		       " FROM file f JOIN record_block r"
		       " ON r.file_id = coalesce(f.records_of, f.id)"
		       " WHERE f.status <> 'scanning' AND {FW} AND {RW}"
		       " ORDER BY f.evidence_id, f.id, r.id" :
		       "SELECT f.id, f.evidence_id, r.sheet, r.data"
		       " FROM file f JOIN record_block r"
		       " ON r.file_id = coalesce(f.records_of, f.id)"
		       " WHERE f.status <> 'scanning' AND {FW} AND {RW}"
		       " ORDER BY f.id, r.id", &it->st);
}

/* 1: it->r is the next record; 0: no more; < 0: error set (c->err). */
static int rec_next(struct ctx *c, struct rec_iter *it)
{
	int rc;

	for (;;) {
		rc = lt_recblock_next(&it->p, it->end, &it->r);
		if (rc > 0)
			return 1;
		if (rc < 0)
			return -lt_err_set(c->err, LT_E_CORRUPT,
					   "case database: a malformed record "
					   "block (file %" PRId64 ")",
					   it->file_id);
		rc = sqlite3_step(it->st);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW)
			return -sql_fail(c);
		it->file_id = sqlite3_column_int64(it->st, 0);
		it->evidence_id = sqlite3_column_int64(it->st, 1);
		it->sheet = (const char *)sqlite3_column_text(it->st, 2);
		it->p = sqlite3_column_blob(it->st, 3);
		it->end = it->p + sqlite3_column_bytes(it->st, 3);
	}
}

/* Finish an iteration that returned rc (rec_next's). */
static int rec_close(struct ctx *c, struct rec_iter *it, int rc)
{
	sqlite3_finalize(it->st);
	if (rc < 0)
		return c->err->code ? c->err->code : LT_E_IO;
	return c->nomem ? nomem(c) : LT_OK;
}

/*
 * A file that is a copy (file.records_of) has the original's record
 * blocks: its record j has the keys of the original's record j, read
 * earlier in the same pass (the original's row is older: a smaller id).
 * Such a record joins that record's person directly, which is what
 * looking up its keys would do, for a fraction of the cost (three copies
 * of a 4.8 M-record roster: most of the report's time was these lookups).
 * A record without keys stays a person of its own, as it would.  When the
 * original is not in the pass (another scope), the keys are looked up.
 */
struct copy_cur {
	bool on;
	uint32_t base, n, j;
};

static void pass_begin(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->r->npii; i++) {
		c->first[i] = UINT32_MAX;
		c->cnt[i] = 0;
	}
}

/* Pii file fi starts at record idx of the pass. */
static void file_begin(struct ctx *c, uint32_t fi, uint32_t idx,
		       struct copy_cur *cc)
{
	uint32_t of;

	memset(cc, 0, sizeof(*cc));
	if (c->first[fi] == UINT32_MAX)
		c->first[fi] = idx;
	if (!c->file_src[fi])
		return;
	of = file_index(c, c->file_src[fi]);
	if (of == UINT32_MAX || of == fi || c->first[of] == UINT32_MAX)
		return;
	cc->on = true;
	cc->base = c->first[of];
	cc->n = c->cnt[of];
}

/* Record idx (keys `has`) of the current file: joined to the original's
 * record if it is a copy's; false: look its keys up. */
static bool copy_join(struct uf *u, struct copy_cur *cc, uint32_t idx,
		      unsigned has)
{
	uint32_t j = cc->j++;

	if (!cc->on || j >= cc->n)
		return false;
	if (has)
		unite(u, cc->base + j, idx);
	return true;
}

/* Pass 1: categories, per-file and per-element figures, union-find. */
static int pass_records(struct ctx *c, uint32_t *file_elems)
{
	struct lt_report *r = c->r;
	struct uf *u = &c->u;
	struct rec_iter it;
	int64_t last = INT64_MIN;
	uint32_t fi = UINT32_MAX;
	int rc, e;

	struct copy_cur cc;

	pass_begin(c);
	LT_TRY(rec_open(c, &it, false));
	while ((rc = rec_next(c, &it)) > 0) {
		uint32_t elems = it.r.elems;
		uint32_t idx = (uint32_t)u->n;
		int k, err;

		if (it.file_id != last) {
			fi = file_index(c, it.file_id);
			last = it.file_id;
			if (fi == UINT32_MAX) {
				rc = -lt_err_set(c->err, LT_E_IO,
						 "case database changed "
						 "while read");
				break;
			}
			file_begin(c, fi, idx, &cc);
		}
		c->cnt[fi]++;
		count(r->profile, elems, &r->records);
		r->pii_files[fi].records++;
		if (c->file_ev[fi] < r->nevidence)
			r->evidence[c->file_ev[fi]].records++;
		file_elems[fi] |= elems;
		for (e = 0; e < LT_EL_COUNT; e++)
			if (elems & B(e))
				r->elems[e].records++;
		if (elems & SPECIAL_BITS)
			r->flags.special_care.fig.records++;
		if ((err = uf_add(u, elems, fi))) {
			rc = -(err == LT_E_LIMIT ?
			       lt_err_set(c->err, LT_E_LIMIT,
					  "too many records") : nomem(c));
			break;
		}
		if (copy_join(u, &cc, idx, it.r.has))
			continue;
		for (k = 0; k < LT_KEY_COUNT; k++) {
			if (!(it.r.has & (1u << k)))
				continue;
			if (link_key(u, idx, k, it.r.keys[k])) {
				rc = -nomem(c);
				break;
			}
		}
		if (rc < 0)
			break;
	}
	return rec_close(c, &it, rc);
}

/*
 * Pass 2: the persons holding two different numbers of one kind.  Every
 * distinct (kind, key) has one slot in pass 1's key table, and the record
 * it names is in the person of every record with that key: a second slot
 * of an identifier kind in one person is a second number.  (This walks the
 * table instead of reading every record again and keeping each person's
 * numbers: 48 bytes a record.)
 */
static int pass_conflicts(struct ctx *c, uint8_t *conflict)
{
	static const int ids = 3; /* LT_KEY_INSURED, _PENSION, _MY_NUMBER */
	struct uf *u = &c->u;
	uint8_t *idset = lt_calloc(u->n ? u->n : 1, 1);
	size_t i;

	if (!idset)
		return nomem(c);
	for (i = 0; i < u->tabsize; i++) {
		const struct keyslot *s = &u->tab[i];
		uint32_t root;
		int k = s->key[0];

		if (!s->rec || k >= ids)
			continue;
		root = find(u, s->rec - 1);
		if (idset[root] & (1u << k))
			conflict[root] = 1;
		idset[root] |= (uint8_t)(1u << k);
	}
	free(idset);
	return LT_OK;
}

/* Pass 3: where the records of each conflicting person are. */
static int pass_locations(struct ctx *c, const uint8_t *conflict)
{
	struct lt_report *r = c->r;
	struct uf *u = &c->u;
	uint32_t *slot = lt_calloc(u->n ? u->n : 1, sizeof(*slot));
	size_t calloc_ = 0;
	struct rec_iter it;
	uint32_t i = 0;
	int rc = 0;

	if (!slot)
		return nomem(c);
	if (rec_open(c, &it, false)) {
		free(slot);
		return c->err->code;
	}
	while (i < u->n && (rc = rec_next(c, &it)) > 0) {
		uint32_t root = find(u, i);
		struct lt_report_conflict *k;

		if (conflict[root]) {
			if (!slot[root]) {
				if (!PUSH(c, r->conflicts, r->nconflicts,
					  calloc_))
					break;
				slot[root] = (uint32_t)r->nconflicts;
			}
			k = &r->conflicts[slot[root] - 1];
			k->records++;
			if (k->nloc < LT_REPORT_MAX_LOCATIONS) {
				struct lt_report_location *l;

				if (!k->loc) {
					k->loc = lt_calloc(
						LT_REPORT_MAX_LOCATIONS,
						sizeof(*k->loc));
					if (!k->loc) {
						c->nomem = true;
						break;
					}
				}
				l = &k->loc[k->nloc++];
				l->file = u->file[i];
				l->sheet = it.sheet ? strdup(it.sheet) : NULL;
				if (it.sheet && !l->sheet)
					c->nomem = true;
				l->row = (int64_t)it.r.row;
			}
		}
		i++;
	}
	free(slot);
	return rec_close(c, &it, rc);
}

/*
 * Persons per evidence item: each item's records merged among themselves
 * only, i.e. the persons the item holds as if it were the only one in the
 * case (what samples/pii/expected gives).  A bridge through another item
 * does not merge two of its persons.
 */
static int pass_evidence_persons(struct ctx *c)
{
	struct lt_report *r = c->r;
	struct uf *u = &c->u;
	struct rec_iter it;
	struct copy_cur cc;
	int64_t last = INT64_MIN, last_file = INT64_MIN;
	size_t ev = SIZE_MAX;
	uint32_t fi = UINT32_MAX;
	int rc, k;

	LT_TRY(rec_open(c, &it, true));
	for (;;) {
		rc = rec_next(c, &it);
		if (rc <= 0 || it.evidence_id != last) {
			/* An item ends: count its persons, start afresh. */
			if (ev < r->nevidence)
				r->evidence[ev].persons = u->n - u->unions;
			u->n = 0;
			u->unions = 0;
			u->tabused = 0;
			if (u->tab)
				memset(u->tab, 0,
				       u->tabsize * sizeof(*u->tab));
			pass_begin(c);
			last_file = INT64_MIN;
			if (rc <= 0)
				break;
			last = it.evidence_id;
			ev = evidence_index(c, last);
		}
		if (it.file_id != last_file) {
			fi = file_index(c, it.file_id);
			last_file = it.file_id;
			if (fi == UINT32_MAX) {
				rc = -lt_err_set(c->err, LT_E_IO,
						 "case database changed "
						 "while read");
				break;
			}
			file_begin(c, fi, (uint32_t)u->n, &cc);
		}
		c->cnt[fi]++;
		if (uf_add(u, 0, 0)) {
			rc = -nomem(c);
			break;
		}
		if (copy_join(u, &cc, (uint32_t)(u->n - 1), it.r.has))
			continue;
		for (k = 0; k < LT_KEY_COUNT; k++) {
			if (!(it.r.has & (1u << k)))
				continue;
			if (link_key(u, (uint32_t)(u->n - 1), k,
				     it.r.keys[k])) {
				rc = -nomem(c);
				break;
			}
		}
		if (rc < 0)
			break;
	}
	return rec_close(c, &it, rc);
}

static int loc_cmp(const void *a, const void *b)
{
	const struct lt_report_location *x = a, *y = b;
	int c;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	c = strcmp(x->sheet ? x->sheet : "", y->sheet ? y->sheet : "");
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int conflict_cmp(const void *a, const void *b)
{
	const struct lt_report_conflict *x = a, *y = b;

	if (!x->nloc || !y->nloc)
		return (int)!x->nloc - (int)!y->nloc;
	return loc_cmp(&x->loc[0], &y->loc[0]);
}

/* Locations in file (path) order, whatever order scan wrote files in. */
static void sort_conflicts(struct lt_report *r)
{
	size_t i;

	for (i = 0; i < r->nconflicts; i++)
		if (r->conflicts[i].nloc)
			qsort(r->conflicts[i].loc, r->conflicts[i].nloc,
			      sizeof(*r->conflicts[i].loc), loc_cmp);
	if (r->nconflicts)
		qsort(r->conflicts, r->nconflicts, sizeof(*r->conflicts),
		      conflict_cmp);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Persons: per category, per element and per file. */
static int count_persons(struct ctx *c, const uint8_t *conflict)
{
	struct lt_report *r = c->r;
	struct uf *u = &c->u;
	uint32_t *pe = lt_calloc(u->n ? u->n : 1, sizeof(*pe));
	uint64_t *pairs = lt_calloc(u->n ? u->n : 1, sizeof(*pairs));
	size_t i;
	int e;

	if (!pe || !pairs) {
		free(pe);
		free(pairs);
		return nomem(c);
	}
	for (i = 0; i < u->n; i++)
		pe[find(u, (uint32_t)i)] |= u->elems[i];
	for (i = 0; i < u->n; i++) {
		if (find(u, (uint32_t)i) != i)
			continue;
		count(r->profile, pe[i], &r->persons);
		if (conflict[i])
			r->conflicting_merges++;
		for (e = 0; e < LT_EL_COUNT; e++)
			if (pe[i] & B(e))
				r->elems[e].persons++;
		if (pe[i] & SPECIAL_BITS)
			r->flags.special_care.fig.persons++;
	}
	/* Distinct persons (global roots) per file: sort file << 32 | root
	 * and count the distinct values. */
	for (i = 0; i < u->n; i++)
		pairs[i] = (uint64_t)u->file[i] << 32 | find(u, (uint32_t)i);
	qsort(pairs, u->n, sizeof(*pairs), u64_cmp);
	for (i = 0; i < u->n; i++)
		if (!i || pairs[i] != pairs[i - 1])
			r->pii_files[pairs[i] >> 32].persons++;
	free(pairs);
	free(pe);
	return LT_OK;
}

static int load_other_files(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	LT_TRY(prepare(c, FILE_COLS " WHERE f.status IN"
		       " ('not_examined','error','protected') AND {FW}"
		       " ORDER BY f.evidence_id, f.path, f.id", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_file *f = PUSH(c, r->other_files, r->nother,
						alloc);
		uint32_t fi;

		if (!f)
			break;
		file_cols(c, st, f);
		fi = file_index(c, sqlite3_column_int64(st, 0));
		if (fi != UINT32_MAX) {
			f->records = r->pii_files[fi].records;
			f->persons = r->pii_files[fi].persons;
		}
		if (!f->detail && f->status && !c->nomem)
			f->detail = strdup(f->status);
	}
	return finish(c, st, rc);
}

static int load_kinds(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	LT_TRY(prepare(c, "SELECT coalesce(f.kind, '?'), count(*) FROM file f"
		       " WHERE f.status = 'not_examined' AND {FW}"
		       " GROUP BY 1 ORDER BY 2 DESC, 1", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_kind *k = PUSH(c, r->not_examined_kinds,
						r->nkinds, alloc);

		if (!k)
			break;
		k->kind = col_dup(c, st, 0);
		k->files = (uint64_t)sqlite3_column_int64(st, 1);
	}
	return finish(c, st, rc);
}

static int type_cmp(const void *a, const void *b)
{
	const struct lt_report_type *x = a, *y = b;

	return strcmp(x->type ? x->type : "", y->type ? y->type : "");
}

/* Files with personal data by type, from the in-scope list. */
static int count_types(struct ctx *c)
{
	struct lt_report *r = c->r;
	size_t alloc = 0, i, j;

	for (i = 0; i < r->npii; i++) {
		const char *t = r->pii_files[i].type ? r->pii_files[i].type :
			       "?";
		struct lt_report_type *ty = NULL;

		for (j = 0; j < r->ntypes; j++)
			if (!strcmp(r->types[j].type, t))
				ty = &r->types[j];
		if (!ty) {
			ty = PUSH(c, r->types, r->ntypes, alloc);
			if (!ty || !(ty->type = strdup(t)))
				return nomem(c);
		}
		ty->files++;
		ty->records += r->pii_files[i].records;
	}
	if (r->ntypes)
		qsort(r->types, r->ntypes, sizeof(*r->types), type_cmp);
	return LT_OK;
}

static int load_locked(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	LT_TRY(prepare(c, "SELECT v.name, o.partition, o.offset,"
		       " o.encryption FROM volume o JOIN evidence v"
		       " ON v.id = o.evidence_id WHERE"
		       " o.status = 'locked' ORDER BY v.id, o.offset", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_volume *v = PUSH(c, r->locked, r->nlocked,
						  alloc);

		if (!v)
			break;
		v->evidence = col_dup(c, st, 0);
		v->partition = sqlite3_column_type(st, 1) == SQLITE_NULL ?
			       LT_PARTITION_NONE : sqlite3_column_int(st, 1);
		v->offset = (uint64_t)sqlite3_column_int64(st, 2);
		v->kind = col_dup(c, st, 3);
	}
	return finish(c, st, rc);
}

static int load_yara(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	LT_TRY(prepare(c, "SELECT v.name, f.path, y.rule, y.namespace"
		       " FROM yara_hit y JOIN file f ON f.id = y.file_id"
		       " JOIN evidence v ON v.id = f.evidence_id"
		       " WHERE f.status <> 'scanning' AND {FW}"
		       " ORDER BY f.evidence_id, f.path, f.id, y.rule,"
		       " y.namespace", &st));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_yara *y = PUSH(c, r->yara, r->nyara, alloc);

		if (!y)
			break;
		y->evidence = col_dup(c, st, 0);
		y->path = col_dup(c, st, 1);
		y->rule = col_dup(c, st, 2);
		y->ns = col_dup(c, st, 3);
	}
	return finish(c, st, rc);
}

static int table_exists(struct ctx *c, const char *table, const char *column,
			bool *yes)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(c->db, column ?
				"SELECT count(*) FROM pragma_table_info(?1)"
				" WHERE name = ?2" :
				"SELECT count(*) FROM sqlite_master WHERE"
				" type = 'table' AND name = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(c);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (column)
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	return finish(c, st, rc);
}

/* Whether command completed on this case: an audit row with exit status
 * 0 whose second word is the command ("leaktriage correlate --case …"). */
static int has_run(struct ctx *c, const char *command, bool *yes)
{
	sqlite3_stmt *st;
	size_t len = strlen(command);
	int rc = SQLITE_DONE;

	*yes = false;
	if (sqlite3_prepare_v2(c->db, "SELECT command_line FROM audit WHERE"
			       " exit_status = 0", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(c);
	while (!*yes && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *l = (const char *)sqlite3_column_text(st, 0);
		const char *sp = l ? strchr(l, ' ') : NULL;

		if (sp && !strncmp(sp + 1, command, len) &&
		    (sp[1 + len] == ' ' || !sp[1 + len]))
			*yes = true;
	}
	if (*yes)
		rc = SQLITE_DONE;
	return finish(c, st, rc);
}

/*
 * correlate's windows, when they exist (see window_sources).  A table of
 * another shape is reported in r->warning and skipped: the rest of the
 * report does not depend on it.
 */
static int load_windows(struct ctx *c)
{
	struct lt_report *r = c->r;
	sqlite3_stmt *st;
	size_t alloc = 0, i;
	bool yes = false;
	int rc;

	for (i = 0; i < LT_ARRAY_SIZE(window_sources) && !yes; i++) {
		LT_TRY(table_exists(c, window_sources[i].table, NULL, &yes));
		if (yes && window_sources[i].after)
			LT_TRY(has_run(c, window_sources[i].after, &yes));
	}
	if (!yes)
		return LT_OK;
	i--;
	if (sqlite3_prepare_v2(c->db, window_sources[i].sql, -1, &st,
			       NULL) != SQLITE_OK) {
		if (!r->warning[0])
			snprintf(r->warning, sizeof(r->warning),
				 "table '%s' is not as expected (%s): no "
				 "timeline", window_sources[i].table,
				 sqlite3_errmsg(c->db));
		return LT_OK;
	}
	r->have_windows = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_report_window *w = PUSH(c, r->windows, r->nwindows,
						  alloc);

		if (!w)
			break;
		w->evidence = col_dup(c, st, 0);
		w->start_ns = sqlite3_column_int64(st, 1);
		w->end_ns = sqlite3_column_int64(st, 2);
		w->reason = col_dup(c, st, 3);
	}
	return finish(c, st, rc);
}

/* The first usable source of the scope, or LT_E_UNSUPPORTED. */
static int check_scope(struct ctx *c)
{
	size_t i;
	bool yes;

	for (i = 0; i < c->sc->nsources; i++) {
		const struct lt_scope_source *s = &c->sc->sources[i];

		yes = true;
		if (s->table)
			LT_TRY(table_exists(c, s->table, s->column, &yes));
		if (yes && s->after)
			LT_TRY(has_run(c, s->after, &yes));
		if (yes) {
			c->src = s;
			return LT_OK;
		}
	}
	return lt_err_set(c->err, LT_E_UNSUPPORTED,
			  "scope '%s' needs %s, which has not run on this "
			  "case", c->sc->name,
			  c->sc->needs_command ? c->sc->needs_command : "?");
}

#define YES LT_REPORT_FLAG_YES
#define NOT_FOUND LT_REPORT_FLAG_NOT_FOUND

static void set_flags(struct lt_report *r)
{
	uint64_t named = 0;
	int cat;

	for (cat = 1; cat <= 4; cat++)
		named += r->persons.with[cat] + r->persons.without[cat];
	r->flags.persons_no_name = r->persons.no_name;
	r->flags.persons_total = named + r->persons.no_name;
	r->flags.unexamined = r->files.not_examined + r->files.protected_ +
			      r->files.errors + r->nlocked;
	r->flags.special_care.state = r->flags.special_care.fig.records ?
				      YES : NOT_FOUND;
	r->flags.financial.state = LT_REPORT_FLAG_UNDETECTABLE;
	r->flags.unlawful.state = LT_REPORT_FLAG_NOT_ASSESSED;
	r->flags.over_1000.state = r->flags.persons_total > 1000 ?
				   YES : NOT_FOUND;
	r->flags.over_1000.fig.persons = r->flags.persons_total;
	r->flags.over_1000.fig.files = r->npii;
	for (cat = 1; cat <= 4; cat++)
		r->flags.over_1000.fig.records += r->records.with[cat] +
						  r->records.without[cat];
	r->flags.over_1000.fig.records += r->records.no_name;
	r->flags.my_number.fig = r->elems[LT_EL_MY_NUMBER];
	r->flags.my_number.state = r->flags.my_number.fig.records ?
				   YES : NOT_FOUND;
}

static int build(struct ctx *c, const struct lt_report_opts *opts)
{
	struct lt_report *r = c->r;
	uint32_t *file_elems = NULL;
	uint8_t *conflict = NULL;
	int64_t dv1 = -1, dv2 = -1;
	size_t i;
	int e, rc;

	LT_TRY(check_scope(c));
	data_version(c->db, &dv1);
	if (opts->case_path)
		hash_case(c, opts->case_path);
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(c);
	if ((rc = load_evidence(c)) || (rc = load_pii_files(c)))
		return rc;
	data_version(c->db, &dv2);
	if (dv1 != dv2) {
		r->method.changed = true;
		snprintf(r->warning, sizeof(r->warning),
			 "the case database changed while the report was "
			 "read (is a scan running?): its hash may not match "
			 "the counts");
	} else if (r->method.wal_busy && !r->warning[0]) {
		snprintf(r->warning, sizeof(r->warning),
			 "another connection kept the case database's WAL "
			 "from being checkpointed: its hash covers the main "
			 "file only");
	}
	file_elems = lt_calloc(r->npii ? r->npii : 1, sizeof(*file_elems));
	c->first = lt_calloc(r->npii ? r->npii : 1, sizeof(*c->first));
	c->cnt = lt_calloc(r->npii ? r->npii : 1, sizeof(*c->cnt));
	if (!file_elems || !c->first || !c->cnt) {
		free(file_elems);
		return nomem(c);
	}
	if (tab_grow(&c->u)) {
		rc = nomem(c);
		goto out;
	}
	if ((rc = pass_records(c, file_elems)))
		goto out;
	conflict = lt_calloc(c->u.n ? c->u.n : 1, 1);
	if (!conflict) {
		rc = nomem(c);
		goto out;
	}
	if ((rc = pass_conflicts(c, conflict)) ||
	    (rc = count_persons(c, conflict)))
		goto out;
	if (r->conflicting_merges && (rc = pass_locations(c, conflict)))
		goto out;
	sort_conflicts(r);
	uf_free(&c->u);
	if (tab_grow(&c->u)) {
		rc = nomem(c);
		goto out;
	}
	if ((rc = pass_evidence_persons(c)))
		goto out;
	uf_free(&c->u);
	for (i = 0; i < r->npii; i++) {
		const struct lt_report_file *f = &r->pii_files[i];

		for (e = 0; e < LT_EL_COUNT; e++)
			if (file_elems[i] & B(e))
				r->elems[e].files++;
		if (file_elems[i] & SPECIAL_BITS)
			r->flags.special_care.fig.files++;
		if (c->file_ev[i] < r->nevidence)
			r->evidence[c->file_ev[i]].files_with_pii++;
		if (f->deleted)
			r->files.deleted_with_pii++;
	}
	r->files.with_pii = r->npii;
	if ((rc = u64_query(c, "SELECT count(*) FROM entry WHERE"
			    " type = 'file' AND NOT realloc",
			    &r->files.seen)) ||
	    (rc = u64_query(c, "SELECT count(*) FROM file f WHERE f.status IN"
			    " ('ok','no_tables') AND {FW}",
			    &r->files.scanned)) ||
	    (rc = u64_query(c, "SELECT count(*) FROM file f WHERE"
			    " f.status = 'protected' AND {FW}",
			    &r->files.protected_)) ||
	    (rc = u64_query(c, "SELECT count(*) FROM file f WHERE"
			    " f.status = 'protected' AND"
			    " NOT coalesce(f.strong, 0) AND {FW}",
			    &r->files.protected_weak)) ||
	    (rc = u64_query(c, "SELECT count(*) FROM file f WHERE"
			    " f.status = 'not_examined' AND {FW}",
			    &r->files.not_examined)) ||
	    (rc = u64_query(c, "SELECT count(*) FROM file f WHERE"
			    " f.status = 'error' AND {FW}",
			    &r->files.errors)) ||
	    (rc = load_other_files(c)) || (rc = load_kinds(c)) ||
	    (rc = count_types(c)) || (rc = load_locked(c)) ||
	    (rc = load_yara(c)) || (rc = load_windows(c)))
		goto out;
	set_flags(r);
out:
	free(file_elems);
	free(conflict);
	return rc;
}

int lt_report_build(struct lt_casedb *cdb, const struct lt_report_opts *opts,
		    struct lt_report **out, struct lt_err *err)
{
	struct ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.db = lt_casedb_sqlite(cdb);
	c.err = err;
	c.sc = lt_scope_find(opts->scope ? opts->scope : "stored");
	if (!c.sc)
		return lt_err_set(err, LT_E_ARG, "unknown scope '%s'",
				  opts->scope);
	if (!lt_profile_find(opts->profile ? opts->profile : "kyokai"))
		return lt_err_set(err, LT_E_ARG, "unknown profile '%s'",
				  opts->profile);
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	c.r->profile = lt_profile_find(opts->profile ? opts->profile :
				       "kyokai");
	c.r->scope_def = c.sc;
	c.r->scope = c.sc->name;
	if (opts->now)
		snprintf(c.r->method.generated, sizeof(c.r->method.generated),
			 "%s", opts->now);
	else
		lt_time_now_iso(c.r->method.generated);
	rc = build(&c, opts);
	if (!sqlite3_get_autocommit(c.db))
		sqlite3_exec(c.db, "COMMIT", NULL, NULL, NULL);
	uf_free(&c.u);
	free(c.ev_ids);
	free(c.fmap);
	free(c.file_ev);
	free(c.file_src);
	free(c.first);
	free(c.cnt);
	if (rc) {
		lt_report_free(c.r);
		return rc;
	}
	*out = c.r;
	return LT_OK;
}

static void free_file(struct lt_report_file *f)
{
	free(f->evidence);
	free(f->inode);
	free(f->path);
	free(f->sha256);
	free(f->type);
	free(f->status);
	free(f->protection);
	free(f->detail);
}

void lt_report_free(struct lt_report *r)
{
	size_t i, j;

	if (!r)
		return;
	for (i = 0; i < r->nevidence; i++) {
		free(r->evidence[i].name);
		free(r->evidence[i].md5);
		free(r->evidence[i].sha1);
		free(r->evidence[i].sha256);
		free(r->evidence[i].hash_source);
		free(r->evidence[i].tz);
	}
	for (i = 0; i < r->ntypes; i++)
		free(r->types[i].type);
	for (i = 0; i < r->npii; i++)
		free_file(&r->pii_files[i]);
	for (i = 0; i < r->nother; i++)
		free_file(&r->other_files[i]);
	for (i = 0; i < r->nlocked; i++) {
		free(r->locked[i].evidence);
		free(r->locked[i].kind);
	}
	for (i = 0; i < r->nkinds; i++)
		free(r->not_examined_kinds[i].kind);
	for (i = 0; i < r->nconflicts; i++) {
		for (j = 0; j < r->conflicts[i].nloc; j++)
			free(r->conflicts[i].loc[j].sheet);
		free(r->conflicts[i].loc);
	}
	for (i = 0; i < r->nyara; i++) {
		free(r->yara[i].evidence);
		free(r->yara[i].path);
		free(r->yara[i].rule);
		free(r->yara[i].ns);
	}
	for (i = 0; i < r->nwindows; i++) {
		free(r->windows[i].evidence);
		free(r->windows[i].reason);
	}
	free(r->evidence);
	free(r->types);
	free(r->pii_files);
	free(r->other_files);
	free(r->locked);
	free(r->not_examined_kinds);
	free(r->conflicts);
	free(r->yara);
	free(r->windows);
	free(r);
}
