/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table classifier: consumes an extractor's tables (it is an
 * lt_extract_sink), decides each column's role from its header and its
 * values, and emits one lt_record per row that is a record (DESIGN.md:
 * a row holding a name, birthdate, address or an identifier number).
 *
 * Records carry the element bitmask and the normalized key material for
 * person merging; the caller turns key material into keyed hashes and
 * never stores it.  Everything passed to the callback is borrowed.
 */
#ifndef LEAKTRIAGE_TABLE_H
#define LEAKTRIAGE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "leaktriage/classify.h"
#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

#define LT_ELEM_BIT(e) (1u << (e))

/* Kinds of person key, in the order of lt_record.keys. */
enum lt_key_kind {
	LT_KEY_INSURED = 0,    /* symbol + number */
	LT_KEY_PENSION = 1,
	LT_KEY_MY_NUMBER = 2,
	LT_KEY_NAME_BIRTH = 3, /* normalized name + birthdate */
	LT_KEY_NAME_ADDR = 4,  /* normalized name + normalized address */
	LT_KEY_COUNT = 5,
};

struct lt_record {
	const char *sheet;
	uint64_t row;
	uint32_t elems;                    /* LT_ELEM_BIT(enum lt_elem) */
	const char *keys[LT_KEY_COUNT];    /* key material, NULL if absent */
	size_t key_lens[LT_KEY_COUNT];
};

typedef int (*lt_record_fn)(const struct lt_record *r, void *udata);

struct lt_classifier;

/* A classifier sending records to fn.  Free with lt_classifier_free(). */
int lt_classifier_new(lt_record_fn fn, void *udata,
		      struct lt_classifier **out, struct lt_err *err);
void lt_classifier_free(struct lt_classifier *c);
/* Start again for another file (keeps the allocation). */
void lt_classifier_reset(struct lt_classifier *c);
/* The sink to hand to an extractor. */
const struct lt_extract_sink *lt_classifier_sink(struct lt_classifier *c);

struct lt_classify_result {
	uint32_t columns;   /* LT_ELEM_BIT of every role found in a table */
	uint64_t records;
	uint64_t tables;
	uint64_t rows;
};
void lt_classifier_result(const struct lt_classifier *c,
			  struct lt_classify_result *out);

#endif
