/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports: the breach tables computed from the case DB (reports/tables.c),
 * laid out once for the human formats (reports/layout.c) and written by
 * one writer per format (reports/text.c md.c csv.c html.c json.c).
 *
 * Profiles are data (struct lt_profile): which element is "the number",
 * which elements are counted beside the name, and the row and column
 * labels of the published table.  A record's category is base + the number
 * of counted elements it holds, a name being required; records without a
 * name are counted apart ("no name").
 *
 * Scopes are data too (struct lt_scope): a scope is a filter over the
 * files and records the counts are made from, plus what it needs in the
 * case DB.  "stored" takes every file; "leaked" takes the files that
 * `correlate` marks as leak candidates (table leak_candidate once correlate
 * has run, or a column file.leak_candidate), and is refused until then.
 *
 * Nothing here prints: the front end (triage/cmd-report.c) writes what
 * the writers hand it, and prints r->warning.
 */
#ifndef LEAKTRIAGE_REPORT_H
#define LEAKTRIAGE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/buf.h"
#include "leaktriage/casedb.h"
#include "leaktriage/classify.h"
#include "leaktriage/err.h"

/* --- profiles -------------------------------------------------------- */

struct lt_profile {
	const char *name;         /* "kyokai", "nenkin" */
	int number_elem;          /* enum lt_elem deciding "with number" */
	uint32_t counted;         /* elements counted beside the name */
	int base_without, base_with;
	/* Labels of the published table: row[1..4] with the definition of
	 * the category; the "with number" column. */
	const char *row_ja[5], *row_en[5];
	const char *with_ja, *with_en;
	const char *rule_en;      /* one sentence, for the methodology block */
	const char *rule_ja;
};

/* NULL if unknown. */
const struct lt_profile *lt_profile_find(const char *name);

/*
 * The category of a record (or a person: the union of its records'
 * elements) under profile p: 1..4, or 0 for "no name".  *with (may be
 * NULL) tells whether the profile's number is present.
 */
int lt_profile_category(const struct lt_profile *p, uint32_t elems,
			bool *with);

/* The person-merge rule (DESIGN.md "Persons"), one paragraph. */
const char *lt_report_person_rule(bool ja);

/* --- scopes ---------------------------------------------------------- */

/*
 * Where a scope's files come from: usable when the table (and column)
 * exist and, if `after` is set, that command has completed on the case
 * (a row of table audit with exit status 0): an empty table made by a
 * schema migration is not a result.
 */
struct lt_scope_source {
	const char *table, *column;   /* NULL table: always usable */
	const char *after;            /* command that must have run, or NULL */
	/* SQL conditions: over table file as f, over table record as r.
	 * Every count and list of the report goes through them. */
	const char *file_where, *record_where;
};

struct lt_scope {
	const char *name;             /* "stored", "leaked" */
	const struct lt_scope_source *sources; /* the first usable one wins */
	size_t nsources;
	const char *needs_command;    /* named when no source is usable */
	const char *title_ja, *title_en; /* one line, for the header */
};

/* NULL if unknown. */
const struct lt_scope *lt_scope_find(const char *name);

/* --- the report ------------------------------------------------------ */

struct lt_counts {
	uint64_t with[5];         /* [1..4] */
	uint64_t without[5];
	uint64_t no_name;
};

/* Figures behind an element or a flag: files, records, persons holding it */
struct lt_report_figures {
	uint64_t files, records, persons;
};

struct lt_report_evidence {
	char *name, *md5, *sha1, *sha256, *hash_source, *tz;
	uint64_t files_with_pii, records, persons;
};

struct lt_report_type {
	char *type;
	uint64_t files, records;
};

struct lt_report_file {
	char *evidence, *inode, *path, *sha256, *type, *status, *protection,
		*detail;
	int partition;            /* LT_PARTITION_NONE if none */
	bool deleted, protected_, strong, member;
	uint64_t records, persons;
	uint32_t columns;         /* bit per enum lt_elem: columns found */
};

struct lt_report_volume {
	char *evidence, *kind;
	int partition;
	uint64_t offset;
};

/* Where a record of a conflicting merge sits (no values). */
struct lt_report_location {
	size_t file;              /* index into pii_files */
	char *sheet;
	int64_t row;
};

struct lt_report_conflict {
	uint64_t records;         /* records of the merged person */
	struct lt_report_location *loc;
	size_t nloc;              /* at most LT_REPORT_MAX_LOCATIONS */
};

#define LT_REPORT_MAX_LOCATIONS 100

struct lt_report_yara {
	char *evidence, *path, *rule, *ns;
};

/* A suspicious-traffic window made by correlate (table leak_window, or
 * window(evidence_id, start_ns, end_ns, reason)). */
struct lt_report_window {
	char *evidence, *reason;
	int64_t start_ns, end_ns;
};

/* Kinds of file not examined, with how many. */
struct lt_report_kind {
	char *kind;
	uint64_t files;
};

enum lt_flag_state {
	LT_REPORT_FLAG_YES = 1,           /* found */
	LT_REPORT_FLAG_NOT_FOUND = 0,     /* not found in the files examined */
	LT_REPORT_FLAG_UNDETECTABLE = -1, /* this version cannot tell */
	LT_REPORT_FLAG_NOT_ASSESSED = -2, /* not a question the data answers */
};

struct lt_report_flag {
	enum lt_flag_state state;
	struct lt_report_figures fig;
};

struct lt_report {
	const struct lt_profile *profile;
	const struct lt_scope *scope_def;
	const char *scope;        /* scope_def->name */
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
	/* pii: files with records in scope; other: not examined, failed or
	 * protected (status), whether or not they gave records */
	struct lt_report_file *pii_files, *other_files;
	size_t npii, nother;
	struct lt_report_kind *not_examined_kinds;
	size_t nkinds;
	/* Per element (enum lt_elem): files, records, persons holding it. */
	struct lt_report_figures elems[LT_EL_COUNT];
	struct lt_report_conflict *conflicts;
	size_t nconflicts;        /* == conflicting_merges */
	struct lt_report_yara *yara;
	size_t nyara;
	bool have_windows;        /* correlate's windows exist (it ran) */
	struct lt_report_window *windows;
	size_t nwindows;
	/* Reportability flags (APPI Enforcement Rules art. 7): figures only,
	 * not legal advice. */
	struct {
		struct lt_report_flag special_care, financial, unlawful,
			over_1000, my_number;
		uint64_t persons_total, persons_no_name;
		uint64_t unexamined;  /* files not examined + protected +
					 failed, and locked volumes */
	} flags;
	struct {
		char generated[40];   /* ISO-8601 UTC */
		char case_sha256[65]; /* "" if it could not be computed */
		bool wal_busy;        /* the checkpoint could not finish */
		bool changed;         /* another writer committed meanwhile */
	} method;
	char warning[256];        /* for stderr, "" if none */
};

struct lt_report_opts {
	const char *profile;      /* default "kyokai" */
	const char *scope;        /* default "stored" */
	/*
	 * The case DB file, to hash (may be NULL: no hash).  The hash is
	 * taken after `PRAGMA wal_checkpoint(TRUNCATE)` and before any count
	 * is read; a commit by another connection while the report is read
	 * sets method.changed and a warning.
	 */
	const char *case_path;
	const char *now;          /* ISO date of the report; NULL: now */
};

/*
 * Compute the report; free with lt_report_free() (accepts NULL).
 * Errors: LT_E_ARG (unknown profile or scope), LT_E_UNSUPPORTED (the scope
 * needs a command that has not run on this case, e.g. correlate),
 * LT_E_IO (case DB), LT_E_NOMEM.
 */
int lt_report_build(struct lt_casedb *db, const struct lt_report_opts *opts,
		    struct lt_report **out, struct lt_err *err);
void lt_report_free(struct lt_report *r);

/* --- number formats -------------------------------------------------- */

/* v with thousands separators ("182,345") into out; returns out. */
char *lt_report_num(uint64_t v, char *out, size_t len);

/*
 * The rounded style of published Japanese figures: exact below 10,000
 * ("9,999"), else 約N.N万 rounded half up at 1,000 (14,950 -> "約1.5万",
 * 14,499 -> "約1.4万"), and 約N.N億 once that would reach 10,000万.  In
 * English: "about 15,000" (the same rounding).  No unit: callers add
 * 件 / 人分.  Returns out.
 */
char *lt_report_approx(uint64_t v, bool ja, char *out, size_t len);

/* --- layout shared by the human formats ------------------------------ */

struct lt_report_fmt {
	bool ja;                  /* --lang ja (else en) */
	bool approx;              /* --approx: rounded figures beside */
	bool files;               /* --files: the per-file listing */
	bool split;               /* csv: one part per table (-o DIR) */
};

enum lt_doc_kind {
	LT_DOC_HEADING,           /* text; level 1 or 2 */
	LT_DOC_PARA,              /* text */
	LT_DOC_TABLE,             /* table */
	LT_DOC_CHART,             /* the category chart (HTML only) */
	LT_DOC_TIMELINE,          /* correlate's windows (HTML only) */
};

struct lt_doc_table {
	const char *id;           /* CSV name without ".csv": "records" */
	const char *title;        /* the section title, for CSV on stdout */
	size_t ncols, nrows;      /* nrows without the header */
	char **cells;             /* (nrows + 1) * ncols, row 0 the header */
	uint32_t numeric;         /* bit per column: numbers, right-aligned */
	uint64_t total_rows;      /* bit per row (1-based): a total row */
	bool prose;               /* cells are sentences: text may show the
				     rows as a list when too wide */
	char *note;               /* shown after the table, or NULL */
};

struct lt_doc_block {
	enum lt_doc_kind kind;
	int level;
	char *text;
	struct lt_doc_table *table;
};

struct lt_doc {
	const struct lt_report *r;
	struct lt_report_fmt fmt;
	struct lt_doc_block *blocks;
	size_t count, alloc;
	int status;               /* sticky LT_E_NOMEM */
};

/*
 * The report laid out as headings, paragraphs and tables, in the order
 * every human format shows them; labels in the language of f.  Strings
 * from the case DB have control characters replaced by U+FFFD.  Free
 * with lt_report_doc_free() (accepts NULL).  LT_E_NOMEM on failure.
 */
int lt_report_doc_build(const struct lt_report *r,
			const struct lt_report_fmt *f, struct lt_doc **out,
			struct lt_err *err);
void lt_report_doc_free(struct lt_doc *d);

/* --- writers ----------------------------------------------------------- */

/*
 * Where a writer's output goes: one call per part.  name is NULL for the
 * single output of a format, or a file name ("records.csv") when the
 * writer splits (csv with fmt.split).  content is borrowed.  Return
 * LT_OK, or an error code to stop the writer (set err).
 */
typedef int (*lt_report_part_fn)(const char *name, const struct lt_buf *content,
				 void *udata, struct lt_err *err);

/*
 * A report writer.  The report is computed whole before it is written
 * (persons need every record), so a writer has one slot, not STYLE.md's
 * begin/finding/end.
 */
struct lt_report_writer {
	const char *name;         /* --format NAME */
	const char *summary;      /* one line for --help */
	unsigned flags;           /* LT_REPORT_SPLITS */
	/* MUST: write r as fmt says through part (once unless fmt->split
	 * and LT_REPORT_SPLITS); return LT_OK or the code part returned,
	 * or LT_E_NOMEM. */
	int (*write)(const struct lt_report *r,
		     const struct lt_report_fmt *fmt, lt_report_part_fn part,
		     void *udata, struct lt_err *err);
};

#define LT_REPORT_SPLITS 1u       /* can write one part per table */

extern const struct lt_report_writer lt_report_text, lt_report_md,
	lt_report_csv, lt_report_json, lt_report_html;

/* For writers: hand b, a whole output, to part (LT_E_NOMEM instead when
 * b ran out of memory), then release b.  Returns what part returned. */
int lt_report_emit(struct lt_buf *b, lt_report_part_fn part, void *udata,
		   struct lt_err *err);

/* NULL if unknown.  lt_report_writer_list() ends with NULL. */
const struct lt_report_writer *lt_report_writer_find(const char *name);
const struct lt_report_writer *const *lt_report_writer_list(void);

/*
 * Adding a format:
 * 1. Write reports/<name>.c defining lt_report_<name> (render the
 *    lt_doc of lt_report_doc_build() unless the format is a contract of
 *    its own, like JSON).
 * 2. Add it to the table in reports/layout.c and the extern line above.
 * 3. Add golden output under tests/e2e/report/golden/ and a line in
 *    tests/e2e/report/golden.sh.
 */

#endif
