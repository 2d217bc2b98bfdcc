/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports: the breach tables computed from the case DB (reports/tables.c),
 * written by one writer per format (reports/json.c, reports/text.c ...).
 *
 * Profiles are data (struct lt_profile): which element is "the number"
 * and which elements are counted beside the name.  A record's category is
 * base + the number of counted elements it holds, a name being required;
 * records without a name are counted apart ("no name").
 */
#ifndef LEAKTRIAGE_REPORT_H
#define LEAKTRIAGE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "leaktriage/buf.h"
#include "leaktriage/casedb.h"
#include "leaktriage/err.h"

struct lt_profile {
	const char *name;         /* "kyokai", "nenkin" */
	int number_elem;          /* enum lt_elem deciding "with number" */
	uint32_t counted;         /* elements counted beside the name */
	int base_without, base_with;
	const char *rule_en;      /* one sentence, for the methodology block */
	const char *rule_ja;
};

/* NULL if unknown. */
const struct lt_profile *lt_profile_find(const char *name);

struct lt_counts {
	uint64_t with[5];         /* [1..4] */
	uint64_t without[5];
	uint64_t no_name;
};

struct lt_report_evidence {
	char *name, *md5;
	uint64_t files_with_pii, records, persons;
};

struct lt_report_type {
	char *type;
	uint64_t files, records;
};

struct lt_report_file {
	char *evidence, *inode, *path, *sha256, *type, *protection, *detail;
	int partition;            /* LT_PARTITION_NONE if none */
	bool deleted, protected_, strong;
	uint64_t records;
	uint32_t columns;
};

struct lt_report_volume {
	char *evidence, *kind;
	int partition;
	uint64_t offset;
};

struct lt_report {
	const struct lt_profile *profile;
	const char *scope;        /* "stored" */
	struct lt_counts records, persons;
	uint64_t conflicting_merges;
	struct {
		uint64_t seen, scanned, with_pii, protected_, protected_weak,
			deleted_with_pii, not_examined, errors;
	} files;
	struct lt_report_volume *locked;
	size_t nlocked;
	struct lt_report_evidence *evidence;
	size_t nevidence;
	struct lt_report_type *types;
	size_t ntypes;
	struct lt_report_file *pii_files, *other_files;
	size_t npii, nother;      /* other: not examined, errors, protected */
};

struct lt_report_opts {
	const char *profile;      /* default "kyokai" */
	const char *scope;        /* "stored" */
};

/* Compute the report; free with lt_report_free(). */
int lt_report_build(struct lt_casedb *db, const struct lt_report_opts *opts,
		    struct lt_report **out, struct lt_err *err);
void lt_report_free(struct lt_report *r);

/* Writers: append the report in their format to out. */
void lt_report_json(const struct lt_report *r, struct lt_buf *out);
void lt_report_text(const struct lt_report *r, bool ja, struct lt_buf *out);

#endif
