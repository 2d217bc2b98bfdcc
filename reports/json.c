// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as JSON: the DESIGN.md contract, keys in its order, then the
 * keys this writer adds (the contract is extended, never changed
 * incompatibly):
 *   evidence[]: sha1, sha256, hash_source, tz;
 *   pii_files[]: persons (distinct persons among the file's records);
 *   other_files[]: files not examined, failed or protected, with status,
 *     protection, strong, records;
 *   not_examined_kinds, elements (files/records/persons holding each
 *   element), conflicts (record locations per conflicting merge),
 *   yara_hits, suspicious_windows (null until correlate has run),
 *   reportability (flags with their figures; null = not detectable or
 *   not assessed), methodology; and with --approx "approx", the rounded
 *   figures as strings beside (never instead of) the exact ones.
 * Language-independent: --lang does not change it.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/json.h"
#include "leaktriage/report.h"
#include "leaktriage/walk.h"

static const char *const cat_key[] = { "4", "3", "2", "1" };

static void counts(struct lt_json *j, const char *key,
		   const struct lt_counts *c)
{
	int i;

	lt_json_key(j, key);
	lt_json_obj_begin(j);
	lt_json_key(j, "with_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		lt_json_key_u64(j, cat_key[i], c->with[4 - i]);
	lt_json_obj_end(j);
	lt_json_key(j, "without_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		lt_json_key_u64(j, cat_key[i], c->without[4 - i]);
	lt_json_obj_end(j);
	lt_json_key_u64(j, "no_name", c->no_name);
	lt_json_obj_end(j);
}

static void approx_key(struct lt_json *j, const char *k, uint64_t v)
{
	char a[64];

	lt_json_key_cstr(j, k, lt_report_approx(v, true, a, sizeof(a)));
}

static void approx_counts(struct lt_json *j, const char *key,
			  const struct lt_counts *c)
{
	int i;

	lt_json_key(j, key);
	lt_json_obj_begin(j);
	lt_json_key(j, "with_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		approx_key(j, cat_key[i], c->with[4 - i]);
	lt_json_obj_end(j);
	lt_json_key(j, "without_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		approx_key(j, cat_key[i], c->without[4 - i]);
	lt_json_obj_end(j);
	approx_key(j, "no_name", c->no_name);
	lt_json_obj_end(j);
}

static void partition(struct lt_json *j, int p)
{
	lt_json_key(j, "partition");
	if (p == LT_PARTITION_NONE)
		lt_json_null(j);
	else
		lt_json_i64(j, p);
}

static void columns(struct lt_json *j, uint32_t mask)
{
	int e;

	lt_json_key(j, "columns");
	lt_json_arr_begin(j);
	for (e = 0; e < LT_EL_COUNT; e++)
		if (mask & (1u << e))
			lt_json_cstr(j, lt_elem_name((enum lt_elem)e));
	lt_json_arr_end(j);
}

static void file(struct lt_json *j, const struct lt_report_file *f)
{
	lt_json_obj_begin(j);
	lt_json_key_cstr(j, "evidence", f->evidence);
	partition(j, f->partition);
	lt_json_key_cstr(j, "inode", f->inode);
	lt_json_key_cstr(j, "path", f->path);
	lt_json_key_cstr(j, "sha256", f->sha256);
	lt_json_key_bool(j, "deleted", f->deleted);
	lt_json_key_bool(j, "protected", f->protected_);
	lt_json_key_cstr(j, "type", f->type);
	lt_json_key_u64(j, "records", f->records);
	columns(j, f->columns);
	lt_json_key_u64(j, "persons", f->persons);
	lt_json_obj_end(j);
}

static void figures(struct lt_json *j, const struct lt_report_figures *f)
{
	lt_json_key_u64(j, "files", f->files);
	lt_json_key_u64(j, "records", f->records);
	lt_json_key_u64(j, "persons", f->persons);
}

static void flag(struct lt_json *j, const char *key,
		 const struct lt_report_flag *f, const char *note)
{
	bool known = f->state == LT_REPORT_FLAG_YES ||
		     f->state == LT_REPORT_FLAG_NOT_FOUND;

	lt_json_key(j, key);
	lt_json_obj_begin(j);
	lt_json_key(j, "flag");
	if (known)
		lt_json_bool(j, f->state == LT_REPORT_FLAG_YES);
	else
		lt_json_null(j);
	lt_json_key_bool(j, "detectable", known);
	figures(j, &f->fig);
	if (note)
		lt_json_key_cstr(j, "note", note);
	lt_json_obj_end(j);
}

static void reportability(struct lt_json *j, const struct lt_report *r)
{
	lt_json_key(j, "reportability");
	lt_json_obj_begin(j);
	lt_json_key_cstr(j, "note", "flags computed from the data found, not "
			 "legal advice (APPI Enforcement Rules art. 7)");
	lt_json_key_u64(j, "not_examined", r->flags.unexamined);
	flag(j, "special_care", &r->flags.special_care,
	     "disease names or medical institutions (art. 7(i))");
	flag(j, "financial_damage", &r->flags.financial,
	     "card or account numbers: not detectable by this version "
	     "(art. 7(ii))");
	flag(j, "unlawful_purpose", &r->flags.unlawful,
	     "a question of fact, not assessed (art. 7(iii))");
	flag(j, "over_1000_persons", &r->flags.over_1000,
	     "art. 7(iv); persons include those without a name");
	lt_json_key_u64(j, "persons_without_name", r->flags.persons_no_name);
	flag(j, "my_number", &r->flags.my_number,
	     "the My Number Act has reporting rules of its own");
	lt_json_obj_end(j);
}

static void methodology(struct lt_json *j, const struct lt_report *r)
{
	size_t i;

	lt_json_key(j, "methodology");
	lt_json_obj_begin(j);
	lt_json_key_cstr(j, "generated", r->method.generated);
	lt_json_key(j, "case_db");
	lt_json_obj_begin(j);
	lt_json_key(j, "sha256");
	if (r->method.case_sha256[0])
		lt_json_plain(j, r->method.case_sha256);
	else
		lt_json_null(j);
	lt_json_key_bool(j, "wal_checkpointed", !r->method.wal_busy);
	lt_json_key_bool(j, "changed_while_read", r->method.changed);
	lt_json_key_cstr(j, "hash_order",
			 "audit entry written, WAL checkpointed (TRUNCATE), "
			 "file hashed, counts read; audit end written last");
	lt_json_obj_end(j);
	lt_json_key_cstr(j, "profile_rule", r->profile->rule_en);
	lt_json_key_cstr(j, "person_rule", lt_report_person_rule(false));
	lt_json_key_cstr(j, "times", "UTC");
	lt_json_key(j, "evidence_tz");
	lt_json_obj_begin(j);
	for (i = 0; i < r->nevidence; i++)
		lt_json_key_cstr(j, r->evidence[i].name ?
				 r->evidence[i].name : "?", r->evidence[i].tz);
	lt_json_obj_end(j);
	lt_json_obj_end(j);
}

static void elements(struct lt_json *j, const struct lt_report *r)
{
	int e;

	lt_json_key(j, "elements");
	lt_json_arr_begin(j);
	for (e = 0; e < LT_EL_COUNT; e++) {
		lt_json_obj_begin(j);
		lt_json_key_cstr(j, "element", lt_elem_name((enum lt_elem)e));
		figures(j, &r->elems[e]);
		lt_json_obj_end(j);
	}
	lt_json_arr_end(j);
}

static void conflicts(struct lt_json *j, const struct lt_report *r)
{
	size_t i, k;

	lt_json_key(j, "conflicts");
	lt_json_arr_begin(j);
	for (i = 0; i < r->nconflicts; i++) {
		const struct lt_report_conflict *c = &r->conflicts[i];

		lt_json_obj_begin(j);
		lt_json_key_u64(j, "records", c->records);
		lt_json_key(j, "locations");
		lt_json_arr_begin(j);
		for (k = 0; k < c->nloc; k++) {
			const struct lt_report_file *f =
				&r->pii_files[c->loc[k].file];

			lt_json_obj_begin(j);
			lt_json_key_cstr(j, "evidence", f->evidence);
			lt_json_key_cstr(j, "path", f->path);
			lt_json_key_cstr(j, "sheet", c->loc[k].sheet);
			lt_json_key_i64(j, "row", c->loc[k].row);
			lt_json_obj_end(j);
		}
		lt_json_arr_end(j);
		lt_json_obj_end(j);
	}
	lt_json_arr_end(j);
}

static void windows(struct lt_json *j, const struct lt_report *r)
{
	size_t i;

	lt_json_key(j, "suspicious_windows");
	if (!r->have_windows) {
		lt_json_null(j);
		return;
	}
	lt_json_arr_begin(j);
	for (i = 0; i < r->nwindows; i++) {
		lt_json_obj_begin(j);
		lt_json_key_cstr(j, "evidence", r->windows[i].evidence);
		lt_json_key_i64(j, "start_ns", r->windows[i].start_ns);
		lt_json_key_i64(j, "end_ns", r->windows[i].end_ns);
		lt_json_key_cstr(j, "reason", r->windows[i].reason);
		lt_json_obj_end(j);
	}
	lt_json_arr_end(j);
}

static int write_json(const struct lt_report *r,
		      const struct lt_report_fmt *fmt, lt_report_part_fn part,
		      void *udata, struct lt_err *err)
{
	struct lt_buf buf, *out = &buf;
	struct lt_json j;
	size_t i;

	lt_buf_init(&buf, (size_t)1 << 30);
	lt_json_init(&j, out);
	lt_json_obj_begin(&j);
	lt_json_key(&j, "tool");
	lt_json_obj_begin(&j);
	lt_json_key_cstr(&j, "name", "leaktriage");
	lt_json_key_cstr(&j, "version", LT_VERSION);
	lt_json_obj_end(&j);
	lt_json_key_cstr(&j, "profile", r->profile->name);
	lt_json_key_cstr(&j, "scope", r->scope);
	lt_json_key(&j, "tables");
	lt_json_obj_begin(&j);
	counts(&j, "records", &r->records);
	counts(&j, "persons", &r->persons);
	lt_json_obj_end(&j);
	lt_json_key_u64(&j, "conflicting_merges", r->conflicting_merges);
	lt_json_key(&j, "files");
	lt_json_obj_begin(&j);
	lt_json_key_u64(&j, "seen", r->files.seen);
	lt_json_key_u64(&j, "scanned", r->files.scanned);
	lt_json_key_u64(&j, "with_pii", r->files.with_pii);
	lt_json_key_u64(&j, "protected", r->files.protected_);
	lt_json_key_u64(&j, "protected_weak", r->files.protected_weak);
	lt_json_key_u64(&j, "deleted_with_pii", r->files.deleted_with_pii);
	lt_json_key_u64(&j, "not_examined", r->files.not_examined);
	lt_json_key_u64(&j, "errors", r->files.errors);
	lt_json_obj_end(&j);
	lt_json_key(&j, "volumes_locked");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->nlocked; i++) {
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "evidence", r->locked[i].evidence);
		partition(&j, r->locked[i].partition);
		lt_json_key_u64(&j, "offset", r->locked[i].offset);
		lt_json_key_cstr(&j, "kind", r->locked[i].kind);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_key(&j, "evidence");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->nevidence; i++) {
		const struct lt_report_evidence *e = &r->evidence[i];

		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "name", e->name);
		lt_json_key_cstr(&j, "md5", e->md5);
		lt_json_key_u64(&j, "files_with_pii", e->files_with_pii);
		lt_json_key_u64(&j, "records", e->records);
		lt_json_key_u64(&j, "persons", e->persons);
		lt_json_key_cstr(&j, "sha1", e->sha1);
		lt_json_key_cstr(&j, "sha256", e->sha256);
		lt_json_key_cstr(&j, "hash_source", e->hash_source);
		lt_json_key_cstr(&j, "tz", e->tz);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_key(&j, "by_file_type");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->ntypes; i++) {
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "type", r->types[i].type);
		lt_json_key_u64(&j, "files", r->types[i].files);
		lt_json_key_u64(&j, "records", r->types[i].records);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_key(&j, "pii_files");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->npii; i++)
		file(&j, &r->pii_files[i]);
	lt_json_arr_end(&j);
	lt_json_key(&j, "other_files");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->nother; i++) {
		const struct lt_report_file *f = &r->other_files[i];

		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "evidence", f->evidence);
		lt_json_key_cstr(&j, "path", f->path);
		lt_json_key_cstr(&j, "type", f->type);
		lt_json_key_bool(&j, "deleted", f->deleted);
		lt_json_key_cstr(&j, "reason", f->detail);
		lt_json_key_cstr(&j, "status", f->status);
		lt_json_key_cstr(&j, "protection", f->protection);
		lt_json_key_bool(&j, "strong", f->strong);
		lt_json_key_u64(&j, "records", f->records);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_key(&j, "not_examined_kinds");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->nkinds; i++) {
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "kind", r->not_examined_kinds[i].kind);
		lt_json_key_u64(&j, "files", r->not_examined_kinds[i].files);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	elements(&j, r);
	conflicts(&j, r);
	lt_json_key(&j, "yara_hits");
	lt_json_arr_begin(&j);
	for (i = 0; i < r->nyara; i++) {
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "evidence", r->yara[i].evidence);
		lt_json_key_cstr(&j, "path", r->yara[i].path);
		lt_json_key_cstr(&j, "rule", r->yara[i].rule);
		lt_json_key_cstr(&j, "namespace", r->yara[i].ns);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	windows(&j, r);
	reportability(&j, r);
	methodology(&j, r);
	if (fmt->approx) {
		lt_json_key(&j, "approx");
		lt_json_obj_begin(&j);
		approx_counts(&j, "records", &r->records);
		approx_counts(&j, "persons", &r->persons);
		lt_json_obj_end(&j);
	}
	lt_json_obj_end(&j);
	lt_buf_addc(out, '\n');
	return lt_report_emit(out, part, udata, err);
}

const struct lt_report_writer lt_report_json = {
	.name = "json",
	.summary = "JSON, the contract of DESIGN.md (extended)",
	.write = write_json,
};
