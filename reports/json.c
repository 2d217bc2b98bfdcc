// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as JSON: the DESIGN.md contract, keys in its order.  The
 * contract is extended (never changed incompatibly): "other_files" lists
 * files not examined, failed or protected.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "leaktriage/json.h"
#include "leaktriage/report.h"
#include "leaktriage/walk.h"

static void counts(struct lt_json *j, const char *key,
		   const struct lt_counts *c)
{
	static const char *const cat[] = { "4", "3", "2", "1" };
	int i;

	lt_json_key(j, key);
	lt_json_obj_begin(j);
	lt_json_key(j, "with_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		lt_json_key_u64(j, cat[i], c->with[4 - i]);
	lt_json_obj_end(j);
	lt_json_key(j, "without_number");
	lt_json_obj_begin(j);
	for (i = 0; i < 4; i++)
		lt_json_key_u64(j, cat[i], c->without[4 - i]);
	lt_json_obj_end(j);
	lt_json_key_u64(j, "no_name", c->no_name);
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
	lt_json_obj_end(j);
}

void lt_report_json(const struct lt_report *r, struct lt_buf *out)
{
	struct lt_json j;
	size_t i;

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
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "name", r->evidence[i].name);
		lt_json_key_cstr(&j, "md5", r->evidence[i].md5);
		lt_json_key_u64(&j, "files_with_pii",
				r->evidence[i].files_with_pii);
		lt_json_key_u64(&j, "records", r->evidence[i].records);
		lt_json_key_u64(&j, "persons", r->evidence[i].persons);
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
		lt_json_obj_begin(&j);
		lt_json_key_cstr(&j, "evidence", r->other_files[i].evidence);
		lt_json_key_cstr(&j, "path", r->other_files[i].path);
		lt_json_key_cstr(&j, "type", r->other_files[i].type);
		lt_json_key_bool(&j, "deleted", r->other_files[i].deleted);
		lt_json_key_cstr(&j, "reason", r->other_files[i].detail);
		lt_json_obj_end(&j);
	}
	lt_json_arr_end(&j);
	lt_json_obj_end(&j);
	lt_buf_addc(out, '\n');
}
