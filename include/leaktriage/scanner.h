/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The extractor seam (DESIGN.md): every extractor, whatever the file
 * format, yields tables of rows of UTF-8 cells with a text/number/date
 * hint and the sheet/row position.  The classifiers consume rows and never
 * see a file format.
 *
 * Everything passed to a sink callback is borrowed: valid only during the
 * call.  Extractors stream: they never need the whole file in memory
 * (in->data is a convenience for small files only).
 */
#ifndef LEAKTRIAGE_SCANNER_H
#define LEAKTRIAGE_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"

#define LT_SCANNER_ABI 1

/* The content of one file to scan. */
struct lt_scan_input {
	const char *path;     /* for messages: path inside the evidence */
	uint64_t size;
	const uint8_t *data;  /* whole content if size <= LT_SCAN_MAX_MEM, else NULL */
	/* Read len bytes at off; *got 0 at the end.  MUST be used when data
	 * is NULL; MAY be used always. */
	int (*read)(void *src, uint64_t off, void *buf, size_t len,
		    size_t *got, struct lt_err *err);
	void *src;
};

#define LT_SCAN_MAX_MEM ((uint64_t)8 << 20)

enum lt_cell_hint {
	LT_CELL_TEXT = 0,
	LT_CELL_NUMBER = 1, /* text holds the number as written ("123", "1.5") */
	LT_CELL_DATE = 2,   /* text holds an ISO date "YYYY-MM-DD" (a date cell) */
};

struct lt_cell {
	const char *text;   /* UTF-8, NUL-terminated */
	size_t len;
	enum lt_cell_hint hint;
};

struct lt_row {
	const char *sheet;  /* sheet / table name, "" for a text file */
	uint64_t row;       /* 1-based row (line of a CSV, row of a sheet) */
	const struct lt_cell *cells;
	size_t count;
};

/* Where an extractor sends its tables.  Return 0 to go on, non-zero to
 * stop (the extractor then returns that value). */
struct lt_extract_sink {
	/* MUST: a new table (sheet) starts; rows until table_end belong to it */
	int (*table_begin)(const char *sheet, void *udata);
	/* MUST: one row */
	int (*row)(const struct lt_row *row, void *udata);
	/* MUST: the table ended */
	int (*table_end)(void *udata);
	void *udata;
};

/* What an extractor tells about the file (for the case DB and reports). */
struct lt_extract_info {
	char encoding[24];    /* "UTF-8", "CP932", "EUC-JP", "UTF-16LE" ... */
	char layout[24];      /* "csv", "tsv", "semicolon", "pipe", "fixed", "text" */
	uint64_t tables;
	uint64_t rows;
	uint64_t bad_lines;   /* lines that could not be decoded/parsed */
	char warning[160];    /* first problem met, "" if none */
};

#endif
