// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The counting: records per category straight from their element flags,
 * persons by a union-find over records that share a keyed hash (an
 * identifier number, name + birthdate, or name + address; transitively,
 * across files and evidence items).  A person's category is the union of
 * its records' elements; a group holding two different identifier numbers
 * of one kind is one person and one "conflicting merge".
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/report.h"
#include "leaktriage/table.h"
#include "leaktriage/walk.h"

#include <sqlite3.h>

#define B(e) LT_ELEM_BIT(e)

static const struct lt_profile profiles[] = {
	{ "kyokai", LT_EL_INSURED_NUMBER,
	  B(LT_EL_SEX) | B(LT_EL_BIRTHDATE) | B(LT_EL_ADDRESS), 1, 1,
	  "category = name + how many of sex, birthdate, address "
	  "(4 = all three ... 1 = name only); with number = insured-person "
	  "symbol and number both present",
	  "氏名に加え性別・生年月日・住所のうちいくつを含むか（4情報＝すべて、"
	  "1情報＝氏名のみ）。番号あり＝被保険者記号・番号の両方を含む" },
	{ "nenkin", LT_EL_PENSION_NUMBER,
	  B(LT_EL_BIRTHDATE) | B(LT_EL_ADDRESS), 1, 2,
	  "category = how many of pension number, name, birthdate, address "
	  "(a name required); sex is not counted",
	  "基礎年金番号・氏名・生年月日・住所のうちいくつを含むか（氏名は必須）。"
	  "性別は数えない" },
};

const struct lt_profile *lt_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(profiles); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

static const uint32_t NAME_BITS = B(LT_EL_NAME) | B(LT_EL_KANA);
static const int ID_KEYS[] = { LT_KEY_INSURED, LT_KEY_PENSION,
			       LT_KEY_MY_NUMBER };

static void count(const struct lt_profile *p, uint32_t elems,
		  struct lt_counts *c)
{
	bool with = (elems & B(p->number_elem)) != 0;
	int cat;

	if (!(elems & NAME_BITS)) {
		c->no_name++;
		return;
	}
	cat = (with ? p->base_with : p->base_without) +
	      __builtin_popcount(elems & p->counted);
	if (cat > 4)
		cat = 4;
	if (with)
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
	uint32_t *ev;            /* evidence index of each record */
	uint8_t (*idk)[3][16];   /* first identifier per kind per root */
	uint8_t *idset;          /* bit per ID kind */
	uint8_t *conflict;
	size_t n, alloc;
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
	if (a != b)
		u->parent[b] = a;
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

static int uf_add(struct uf *u, uint32_t elems, uint32_t ev)
{
	if (u->n == u->alloc) {
		size_t na = u->alloc ? u->alloc * 2 : 1 << 16;
		uint32_t *p = realloc(u->parent, na * sizeof(*p));
		uint32_t *e = p ? realloc(u->elems, na * sizeof(*e)) : NULL;
		uint32_t *v = e ? realloc(u->ev, na * sizeof(*v)) : NULL;

		if (p)
			u->parent = p;
		if (e)
			u->elems = e;
		if (v)
			u->ev = v;
		if (!p || !e || !v || na > UINT32_MAX - 1)
			return LT_E_NOMEM;
		u->alloc = na;
	}
	u->parent[u->n] = (uint32_t)u->n;
	u->elems[u->n] = elems;
	u->ev[u->n] = ev;
	u->n++;
	return LT_OK;
}

static void uf_free(struct uf *u)
{
	free(u->parent);
	free(u->elems);
	free(u->ev);
	free(u->idk);
	free(u->idset);
	free(u->conflict);
	free(u->tab);
}

/* --- building the report -------------------------------------------- */

static char *dupcol(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

static int sql_fail(sqlite3 *db, struct lt_err *err)
{
	return lt_err_set(err, LT_E_IO, "case database: %s",
			  sqlite3_errmsg(db));
}

static int u64_query(sqlite3 *db, const char *sql, uint64_t *out,
		     struct lt_err *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	*out = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return LT_OK;
}

static int load_evidence(sqlite3 *db, struct lt_report *r, struct lt_err *err)
{
	sqlite3_stmt *st;
	size_t n = 0;

	LT_TRY(u64_query(db, "SELECT count(*) FROM evidence", (uint64_t *)&n,
			 err));
	r->evidence = lt_calloc(n ? n : 1, sizeof(*r->evidence));
	if (!r->evidence)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	if (sqlite3_prepare_v2(db, "SELECT id, name, md5 FROM evidence"
			       " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	while (sqlite3_step(st) == SQLITE_ROW && r->nevidence < n) {
		struct lt_report_evidence *e = &r->evidence[r->nevidence++];

		e->name = dupcol(st, 1);
		e->md5 = dupcol(st, 2);
	}
	sqlite3_finalize(st);
	return LT_OK;
}

static int evidence_index(sqlite3 *db, int64_t id)
{
	/* evidence ids are dense from 1 in practice; look them up to be
	 * safe against deletions */
	sqlite3_stmt *st;
	int idx = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM evidence WHERE id<?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		idx = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return idx;
}

static int count_records(sqlite3 *db, struct lt_report *r, struct uf *u,
			 struct lt_err *err)
{
	sqlite3_stmt *st;
	int64_t last_ev = -1;
	int evidx = 0;
	int rc = LT_OK;

	if (sqlite3_prepare_v2(db,
			       "SELECT f.evidence_id, r.elems, r.k_insured,"
			       " r.k_pension, r.k_my_number, r.k_name_birth,"
			       " r.k_name_addr FROM record r JOIN file f ON"
			       " f.id = r.file_id WHERE f.status <> 'scanning'"
			       " ORDER BY f.evidence_id, r.id", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t ev = sqlite3_column_int64(st, 0);
		uint32_t elems = (uint32_t)sqlite3_column_int64(st, 1);
		uint32_t idx = (uint32_t)u->n;
		int k;

		if (ev != last_ev) {
			evidx = evidence_index(db, ev);
			last_ev = ev;
		}
		count(r->profile, elems, &r->records);
		if (evidx >= 0 && (size_t)evidx < r->nevidence)
			r->evidence[evidx].records++;
		if (uf_add(u, elems, (uint32_t)evidx)) {
			rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
			break;
		}
		for (k = 0; k < LT_KEY_COUNT; k++) {
			if (sqlite3_column_bytes(st, 2 + k) != 16)
				continue;
			if (link_key(u, idx, k, sqlite3_column_blob(st, 2 + k))) {
				rc = lt_err_set(err, LT_E_NOMEM,
						"out of memory");
				break;
			}
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Second pass: identifier values per group, for conflicting merges. */
static int find_conflicts(sqlite3 *db, struct uf *u, struct lt_err *err)
{
	sqlite3_stmt *st;
	uint32_t i = 0;

	u->idk = lt_calloc(u->n ? u->n : 1, sizeof(*u->idk));
	u->idset = lt_calloc(u->n ? u->n : 1, 1);
	u->conflict = lt_calloc(u->n ? u->n : 1, 1);
	if (!u->idk || !u->idset || !u->conflict)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	if (sqlite3_prepare_v2(db,
			       "SELECT r.k_insured, r.k_pension, r.k_my_number"
			       " FROM record r JOIN file f ON f.id = r.file_id"
			       " WHERE f.status <> 'scanning'"
			       " ORDER BY f.evidence_id, r.id", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	while (sqlite3_step(st) == SQLITE_ROW && i < u->n) {
		uint32_t root = find(u, i);
		size_t k;

		for (k = 0; k < LT_ARRAY_SIZE(ID_KEYS); k++) {
			const void *b = sqlite3_column_blob(st, (int)k);

			if (sqlite3_column_bytes(st, (int)k) != 16)
				continue;
			if (!(u->idset[root] & (1u << k))) {
				memcpy(u->idk[root][k], b, 16);
				u->idset[root] |= (uint8_t)(1u << k);
			} else if (memcmp(u->idk[root][k], b, 16)) {
				u->conflict[root] = 1;
			}
		}
		i++;
	}
	sqlite3_finalize(st);
	(void)ID_KEYS;
	return LT_OK;
}

static void count_persons(struct lt_report *r, struct uf *u)
{
	uint32_t *pe = lt_calloc(u->n ? u->n : 1, sizeof(*pe));
	uint8_t *seen_ev;
	size_t i, nev = r->nevidence ? r->nevidence : 1;

	if (!pe)
		return;
	for (i = 0; i < u->n; i++)
		pe[find(u, (uint32_t)i)] |= u->elems[i];
	for (i = 0; i < u->n; i++) {
		if (find(u, (uint32_t)i) != i)
			continue;
		count(r->profile, pe[i], &r->persons);
		if (u->conflict && u->conflict[i])
			r->conflicting_merges++;
	}
	/* Persons per evidence item: distinct groups among its records. */
	seen_ev = lt_calloc(u->n ? u->n : 1, 1);
	if (seen_ev && nev <= 8) {
		for (i = 0; i < u->n; i++) {
			uint32_t root = find(u, (uint32_t)i);
			uint32_t ev = u->ev[i];

			if (ev < r->nevidence && !(seen_ev[root] & (1u << ev))) {
				seen_ev[root] |= (uint8_t)(1u << ev);
				r->evidence[ev].persons++;
			}
		}
	} else if (seen_ev) {
		/* Many evidence items: one pass per item. */
		size_t e;

		for (e = 0; e < r->nevidence; e++) {
			memset(seen_ev, 0, u->n);
			for (i = 0; i < u->n; i++) {
				uint32_t root = find(u, (uint32_t)i);

				if (u->ev[i] == e && !seen_ev[root]) {
					seen_ev[root] = 1;
					r->evidence[e].persons++;
				}
			}
		}
	}
	free(seen_ev);
	free(pe);
}

static int load_files(sqlite3 *db, struct lt_report *r, struct lt_err *err)
{
	sqlite3_stmt *st;
	size_t alloc_p = 0, alloc_o = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT v.name, e.partition, e.inode, f.path,"
			       " f.sha256, f.deleted, f.status, f.extractor,"
			       " f.kind, f.records, f.columns, f.protection,"
			       " f.strong, f.detail FROM file f"
			       " JOIN evidence v ON v.id = f.evidence_id"
			       " LEFT JOIN entry e ON e.id = f.entry_id"
			       " WHERE f.records > 0 OR f.status IN"
			       " ('not_examined','error','protected')"
			       " ORDER BY v.id, f.path", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct lt_report_file *f, **arr;
		size_t *n, *alloc;
		const char *status = (const char *)sqlite3_column_text(st, 6);
		bool pii = sqlite3_column_int64(st, 9) > 0;

		arr = pii ? &r->pii_files : &r->other_files;
		n = pii ? &r->npii : &r->nother;
		alloc = pii ? &alloc_p : &alloc_o;
		if (*n == *alloc) {
			size_t na = *alloc ? *alloc * 2 : 64;
			struct lt_report_file *nf = realloc(*arr,
							    na * sizeof(*nf));

			if (!nf) {
				sqlite3_finalize(st);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
			*arr = nf;
			*alloc = na;
		}
		f = &(*arr)[(*n)++];
		memset(f, 0, sizeof(*f));
		f->evidence = dupcol(st, 0);
		f->partition = sqlite3_column_type(st, 1) == SQLITE_NULL ?
			       LT_PARTITION_NONE : sqlite3_column_int(st, 1);
		f->inode = dupcol(st, 2);
		f->path = dupcol(st, 3);
		f->sha256 = dupcol(st, 4);
		f->deleted = sqlite3_column_int(st, 5);
		f->type = sqlite3_column_type(st, 7) != SQLITE_NULL ?
			  dupcol(st, 7) : dupcol(st, 8);
		f->records = (uint64_t)sqlite3_column_int64(st, 9);
		f->columns = (uint32_t)sqlite3_column_int64(st, 10);
		f->protection = dupcol(st, 11);
		f->strong = sqlite3_column_int(st, 12);
		f->protected_ = status && !strcmp(status, "protected");
		f->detail = dupcol(st, 13);
		if (!f->detail && status)
			f->detail = strdup(status);
	}
	sqlite3_finalize(st);
	return LT_OK;
}

static int load_types(sqlite3 *db, struct lt_report *r, struct lt_err *err)
{
	sqlite3_stmt *st;
	size_t alloc = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT coalesce(extractor, kind), count(*),"
			       " sum(records) FROM file WHERE records > 0"
			       " GROUP BY 1 ORDER BY 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (r->ntypes == alloc) {
			size_t na = alloc ? alloc * 2 : 8;
			struct lt_report_type *nt = realloc(r->types,
							    na * sizeof(*nt));

			if (!nt) {
				sqlite3_finalize(st);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
			r->types = nt;
			alloc = na;
		}
		r->types[r->ntypes].type = dupcol(st, 0);
		r->types[r->ntypes].files = (uint64_t)sqlite3_column_int64(st, 1);
		r->types[r->ntypes].records =
			(uint64_t)sqlite3_column_int64(st, 2);
		r->ntypes++;
	}
	sqlite3_finalize(st);
	return LT_OK;
}

static int load_locked(sqlite3 *db, struct lt_report *r, struct lt_err *err)
{
	sqlite3_stmt *st;
	size_t alloc = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT v.name, o.partition, o.offset,"
			       " o.encryption FROM volume o JOIN evidence v"
			       " ON v.id = o.evidence_id WHERE"
			       " o.status = 'locked' ORDER BY v.id, o.offset",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct lt_report_volume *v;

		if (r->nlocked == alloc) {
			size_t na = alloc ? alloc * 2 : 4;
			struct lt_report_volume *nv =
				realloc(r->locked, na * sizeof(*nv));

			if (!nv) {
				sqlite3_finalize(st);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
			r->locked = nv;
			alloc = na;
		}
		v = &r->locked[r->nlocked++];
		v->evidence = dupcol(st, 0);
		v->partition = sqlite3_column_type(st, 1) == SQLITE_NULL ?
			       LT_PARTITION_NONE : sqlite3_column_int(st, 1);
		v->offset = (uint64_t)sqlite3_column_int64(st, 2);
		v->kind = dupcol(st, 3);
	}
	sqlite3_finalize(st);
	return LT_OK;
}

int lt_report_build(struct lt_casedb *cdb, const struct lt_report_opts *opts,
		    struct lt_report **out, struct lt_err *err)
{
	sqlite3 *db = lt_casedb_sqlite(cdb);
	struct lt_report *r = calloc(1, sizeof(*r));
	struct uf u;
	size_t i;
	int rc;

	if (!r)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	memset(&u, 0, sizeof(u));
	r->profile = lt_profile_find(opts->profile ? opts->profile : "kyokai");
	if (!r->profile) {
		free(r);
		return lt_err_set(err, LT_E_ARG, "unknown profile '%s'",
				  opts->profile);
	}
	r->scope = opts->scope ? opts->scope : "stored";
	if (strcmp(r->scope, "stored")) {
		free(r);
		return lt_err_set(err, LT_E_UNSUPPORTED,
				  "scope '%s' needs correlate, which is not "
				  "built yet", opts->scope);
	}
	if ((rc = load_evidence(db, r, err)) ||
	    (rc = tab_grow(&u) ? lt_err_set(err, LT_E_NOMEM, "out of memory")
			       : LT_OK) ||
	    (rc = count_records(db, r, &u, err)) ||
	    (rc = find_conflicts(db, &u, err)))
		goto fail;
	count_persons(r, &u);
	uf_free(&u);
	memset(&u, 0, sizeof(u));
	if ((rc = u64_query(db, "SELECT count(*) FROM entry WHERE type='file'"
			    " AND NOT realloc", &r->files.seen, err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE status IN"
			    " ('ok','no_tables')", &r->files.scanned, err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE records > 0",
			    &r->files.with_pii, err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE"
			    " status='protected'", &r->files.protected_,
			    err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE"
			    " status='protected' AND NOT coalesce(strong,0)",
			    &r->files.protected_weak, err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE records > 0"
			    " AND deleted", &r->files.deleted_with_pii, err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE"
			    " status='not_examined'", &r->files.not_examined,
			    err)) ||
	    (rc = u64_query(db, "SELECT count(*) FROM file WHERE"
			    " status='error'", &r->files.errors, err)) ||
	    (rc = load_files(db, r, err)) || (rc = load_types(db, r, err)) ||
	    (rc = load_locked(db, r, err)))
		goto fail;
	for (i = 0; i < r->npii; i++) {
		size_t e;

		for (e = 0; e < r->nevidence; e++)
			if (r->pii_files[i].evidence && r->evidence[e].name &&
			    !strcmp(r->pii_files[i].evidence,
				    r->evidence[e].name))
				r->evidence[e].files_with_pii++;
	}
	*out = r;
	return LT_OK;
fail:
	uf_free(&u);
	lt_report_free(r);
	return rc;
}

static void free_file(struct lt_report_file *f)
{
	free(f->evidence);
	free(f->inode);
	free(f->path);
	free(f->sha256);
	free(f->type);
	free(f->protection);
	free(f->detail);
}

void lt_report_free(struct lt_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nevidence; i++) {
		free(r->evidence[i].name);
		free(r->evidence[i].md5);
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
	free(r->evidence);
	free(r->types);
	free(r->pii_files);
	free(r->other_files);
	free(r->locked);
	free(r);
}
