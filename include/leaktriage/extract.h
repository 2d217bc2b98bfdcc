/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extractors: file formats in, tables of rows of UTF-8 cells out through
 * struct lt_extract_sink (scanner.h).  The classifiers never see a format.
 *
 * Text files (scanners/extract/text-csv.c): CSV, TSV, semicolon- and
 * pipe-separated files, fixed-width exports and plain text, in UTF-8 (with
 * or without BOM), CP932/Shift_JIS, EUC-JP and UTF-16LE/BE (with or
 * without BOM).  The encoding and the layout are detected from the bytes:
 *
 *   encoding  a BOM; else UTF-16 from the pattern of NUL bytes (ASCII
 *             characters as a zero and a printable byte, in one order);
 *             a NUL byte otherwise means binary; else UTF-8 if a sample
 *             (the first LT_TEXT_SAMPLE bytes) is valid UTF-8 (an
 *             all-ASCII sample is decided again, on a new sample, at the
 *             first non-ASCII byte); else the one of CP932 and EUC-JP that
 *             decodes the sample without error; if both do (or neither),
 *             uchardet's answer when it decodes the sample cleanly; else
 *             whichever of UTF-8, CP932 and EUC-JP decodes it with errors
 *             on at most 5% of the lines and the most kana and kanji.
 *   layout    the delimiter (comma, tab, semicolon, pipe) that gives the
 *             most consistent field count (> 1) over the first 100
 *             records of the sample, quotes respected; else fixed-width
 *             columns (blank display columns shared by nearly all lines,
 *             East Asian wide characters counting 2); else plain text, one
 *             cell per line.
 *
 * Memory is bounded whatever the input: the file is read through in->read
 * in chunks of at most 1 MiB, and one record is held at a time.
 */
#ifndef LEAKTRIAGE_EXTRACT_H
#define LEAKTRIAGE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaktriage/err.h"
#include "leaktriage/scanner.h"

/* A record (a line, or a quoted record over several lines) holds at most
 * this many bytes of UTF-8 text; more is LT_E_LIMIT for the file. */
#define LT_TEXT_MAX_RECORD ((size_t)1 << 20)
/* At most this many cells per row; more is LT_E_LIMIT for the file. */
#define LT_TEXT_MAX_FIELDS 4096
/* Bytes the encoding and layout detection look at. */
#define LT_TEXT_SAMPLE ((size_t)64 << 10)

/*
 * Whether the first bytes of a file look like text in a supported
 * encoding: a BOM, UTF-16 by its NUL pattern, or UTF-8/CP932/EUC-JP that
 * decodes with errors on at most 5% of the lines and without NUL bytes or
 * many control characters.  `head` should be the first 4 KiB or more of
 * the file (up to LT_TEXT_SAMPLE are looked at; a multibyte sequence cut
 * at the end is fine).  An empty head is not text.  Pure function,
 * thread-safe.
 */
bool lt_text_probe(const uint8_t *head, size_t len);

/*
 * Extract the table of a text file: one table (sheet "") whose rows are
 * the records of the file, every cell UTF-8 with hint LT_CELL_TEXT (the
 * classifier recognises numbers and dates itself).  Blank lines give no
 * row.  lt_row.row is the 1-based line number of the record's first line
 * (a quoted field with embedded newlines makes one row; "\r\n", "\n" and
 * a lone "\r" each end a line).  Cells of delimited files are unquoted
 * (RFC 4180: "" inside quotes is one quote; text after a closing quote is
 * kept); cells of fixed-width files are trimmed of ASCII and ideographic
 * spaces; plain text lines are given as they are.
 *
 * in:    the file; in->data is used when not NULL, else in->read (short
 *        reads are fine; the end is a read giving 0 bytes).
 * sink:  table_begin once, then row per record, then table_end, also for
 *        an empty file (zero rows).  table_end is called whenever
 *        table_begin returned 0, except after a sink callback returned
 *        non-zero: then extraction stops and that value is returned.
 *        Rows emitted before an error stay emitted: a caller that gets an
 *        error should drop what it kept of the file.
 * info:  always filled (zeroed first): encoding ("UTF-8", "CP932",
 *        "EUC-JP", "UTF-16LE", "UTF-16BE"), layout ("csv", "tsv",
 *        "semicolon", "pipe", "fixed", "text"), tables, rows, bad_lines
 *        (lines where invalid byte sequences were replaced by U+FFFD) and
 *        the first warning (an invalid sequence, an unterminated quote).
 *        After an error, bad_lines and warning cover what was decoded,
 *        which may be a little more than what was parsed.
 *
 * Returns LT_OK, or:
 *   LT_E_CORRUPT  a NUL byte in a file that is not UTF-16 (binary data),
 *                 or more than 5% of the lines held invalid sequences (the
 *                 file is probably not text in the detected encoding);
 *   LT_E_LIMIT    a record longer than LT_TEXT_MAX_RECORD or with more than
 *                 LT_TEXT_MAX_FIELDS fields;
 *   LT_E_NOMEM, LT_E_DEP (iconv), or whatever in->read returned;
 * with the reason in err (first error wins).  Never prints.  Thread-safe
 * (no shared state; one call per file per thread).
 */
int lt_extract_text(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err);

/*
 * Office Open XML (scanners/extract/xlsx.c, docx.c, ooxml-*.c): the ZIP
 * package is read through its central directory with random access
 * (in->read or in->data) and each XML part is streamed: memory is bounded
 * by the limits below, not by the size of a sheet.
 */

/* A ZIP member may inflate to at most this many bytes, and to at most
 * LT_OOXML_MAX_RATIO times its compressed size (members of up to 1 MiB are
 * exempt from the ratio); a member declaring more is LT_E_LIMIT ("zip
 * bomb") before anything is inflated, and no member is ever inflated past
 * its declared size. */
#define LT_OOXML_MAX_MEMBER ((uint64_t)1 << 30)
#define LT_OOXML_MAX_RATIO 200
/* Cells per row (columns A..FAN); a non-empty cell further right is
 * LT_E_LIMIT. */
#define LT_OOXML_MAX_COLS 4096
/* Text of one row (shared strings excepted) or one paragraph. */
#define LT_OOXML_MAX_ROW ((size_t)16 << 20)
/* The shared strings of a workbook: text plus 4 bytes per string. */
#define LT_XLSX_MAX_SST ((size_t)256 << 20)

/*
 * Extract the worksheets of an xlsx/xlsm/xltx workbook: one table per
 * worksheet (hidden ones included; chart sheets have no cells and are
 * skipped), in workbook order, named after the sheet (xl/workbook.xml,
 * resolved through xl/_rels/workbook.xml.rels).
 *
 * Rows: lt_row.row is the sheet's row number (<row r>); rows without a
 * non-empty cell are not given.  cells[i] is column i+1 (A = cells[0]):
 * columns without a value in between are empty cells ("", LT_CELL_TEXT),
 * so a column keeps its position from row to row; count is the last
 * non-empty column.  Cell text:
 *   shared string (t="s")  the string's runs (<r><t>) concatenated, the
 *                          phonetic runs (<rPh>, furigana) left out;
 *   inline string          the same, from <is>;
 *   formula (<f>)          its cached result (<v>), the formula ignored;
 *   boolean                "TRUE" / "FALSE";
 *   error                  as written ("#N/A");
 *   number                 LT_CELL_NUMBER, the text of <v> as written
 *                          ("123", "1.5", "1.2E+20");
 *   date                   LT_CELL_DATE "YYYY-MM-DD": a number whose
 *                          style (xl/styles.xml cellXfs -> numFmtId) is a
 *                          built-in date format (14-22, 27-36, 50-58) or a
 *                          custom one with y/m/d/e/g outside quotes and
 *                          brackets (Japanese era formats such as
 *                          [$-411]ggge"年"m"月"d"日" included); the serial
 *                          is read in the 1900 system (with its phantom
 *                          1900-02-29) or the 1904 one (workbookPr
 *                          date1904); the time of day is dropped.  A value
 *                          that is no valid date stays LT_CELL_NUMBER.
 *                          t="d" cells (ISO 8601) are dates too.
 * _xHHHH_ escapes are decoded.  Everything is valid UTF-8.
 *
 * sink:  as for lt_extract_text: table_begin / rows / table_end per
 *        sheet; table_end whenever table_begin returned 0, except after a
 *        sink callback returned non-zero: extraction then stops and that
 *        value is returned.
 * info:  zeroed first; layout "xlsx", encoding "UTF-8", tables, rows, and
 *        the first recoverable oddity in warning (a CRC mismatch, a shared
 *        string index out of range, a broken styles part ...).
 *
 * Errors.  A corrupt part (broken XML, cut deflate data, a missing part
 * that is referenced) ends the table of that sheet; the other sheets are
 * still extracted, and the first error is returned at the end: the rows
 * given stay valid and a caller keeps them.  Missing shared strings leave
 * the cells that refer to them empty.  Returns LT_OK, or:
 *   LT_E_CORRUPT      not a ZIP / a cut or broken central directory, no
 *                     workbook, a corrupt or missing part (named);
 *   LT_E_UNSUPPORTED  an xlsb workbook, an encrypted member, a compression
 *                     method other than deflate;
 *   LT_E_LIMIT        a zip bomb (see above), a cell right of column
 *                     LT_OOXML_MAX_COLS, a row over LT_OOXML_MAX_ROW, shared
 *                     strings over LT_XLSX_MAX_SST (these stop extraction);
 *   LT_E_NOMEM, or what in->read returned.
 * Never prints.  Thread-safe (no shared state; one call per file).
 */
int lt_extract_xlsx(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err);

/*
 * Extract a Word document (docx/docm/dotx: the main document part): first
 * the table "body", one row per paragraph outside tables (row = the
 * paragraph's 1-based number among them, empty paragraphs give no row, one
 * cell holding the paragraph's text), so that a list typed as lines is
 * seen; then one table per top-level table (w:tbl), named "table1",
 * "table2" ..., one row per w:tr (row = its 1-based number), one cell per
 * w:tc holding all the text of the cell: runs (w:t) joined as they are,
 * paragraphs joined with "\n"; a cell spanning n grid columns (gridSpan) is
 * followed by n-1 empty cells.  Tables nested in a cell are part of the
 * cell's text.  w:tab is "\t", w:br and w:cr are "\n"; deleted revisions
 * (w:delText), field codes and the fallback copy of drawings
 * (mc:Fallback) are left out.
 *
 * sink, info (layout "docx"), errors and limits as for lt_extract_xlsx.
 */
int lt_extract_docx(const struct lt_scan_input *in,
		    const struct lt_extract_sink *sink,
		    struct lt_extract_info *info, struct lt_err *err);

/* --- legacy Excel workbooks (scanners/extract/xls.c) ---------------------- */

/*
 * The xls extractor reads BIFF5/BIFF8 workbooks (Excel 5.0 to 2003) with
 * freexl, which opens files by path only and allocates rows x columns cells
 * for every sheet when it opens a workbook, as the sheets' DIMENSIONS
 * records say (a 5.6 KB workbook can ask for a gigabyte).  So nothing from
 * the evidence reaches freexl unchecked: the Workbook (or Book) stream is
 * read with our own compound-file reader, every BIFF record is checked
 * (lt_xls_biff_check() below), and only the checked records are written,
 * in a fresh compound file of our own layout, into a memfd that freexl
 * opens as /proc/self/fd/N.  Nothing is written to disk, and freexl's
 * compound-file code only ever sees a well-formed container.  Dates and
 * formula results are not left to freexl (see lt_extract_xls()).
 */

/* At most this many cells per sheet and over all sheets (freexl keeps 16
 * bytes per cell: 320 MB). */
#define LT_XLS_MAX_CELLS ((uint64_t)20000000)
/* The Workbook stream is read up to this size; larger is LT_E_LIMIT. */
#define LT_XLS_MAX_STREAM ((uint64_t)256 << 20)
/* Cells the extractor interprets itself (date- and time-formatted numbers,
 * formula results): 32 bytes each; more is LT_E_LIMIT. */
#define LT_XLS_MAX_MARKS ((size_t)2000000)
/* Text of formula results (string formulas), in bytes. */
#define LT_XLS_MAX_FORMULA_TEXT ((size_t)64 << 20)

/* What the BIFF check found. */
struct lt_xls_biff {
	unsigned version;    /* 8 (BIFF8, Excel 97-2003) or 5 (BIFF5/7) */
	bool encrypted;      /* a FILEPASS record: the rest was not read */
	bool decrypted;      /* a FILEPASS record opened with Excel's default
			      * password: the rest was decrypted */
	uint32_t sheets;     /* BOUNDSHEET records */
	uint64_t cells;      /* cells freexl would allocate, all sheets */
	uint64_t marks;      /* date/time cells and formula results noted */
	uint64_t end;        /* bytes freexl reads: up to a 0/0 record */
	uint16_t codepage;   /* CODEPAGE record, 0 if none */
};

/*
 * Check a Workbook stream (p, len) the way freexl 1.0.6 will read it:
 * records up to the first one of type 0 and length 0 (freexl's end mark) or
 * the end of the stream (1-3 bytes left over are ignored).  Refused:
 *   LT_E_CORRUPT  a record longer than 8224 bytes (freexl's record buffer)
 *                 or running past the end of the stream; no BOF first, or a
 *                 BOF version other than BIFF5/BIFF8; a DIMENSIONS, XF or
 *                 FORMAT record shorter than its fields; more than 8192 XF
 *                 records (past freexl's table); an SST claiming more
 *                 strings than the stream can hold (or than freexl's
 *                 1048576); a shared string that freexl would read past
 *                 the end of its record for ("shared string table: string
 *                 N header runs past its record", "... runs past its
 *                 record (16-bit characters)": character counts, option
 *                 bytes of split strings, rich-text run counts and
 *                 phonetic data sizes reaching past the record that
 *                 freexl reads them from; an empty string); a LABEL
 *                 or (BIFF8) FORMAT string running past its record ("LABEL
 *                 record at offset N: string of N characters runs past
 *                 its N bytes"); what would make freexl lose memory: a
 *                 second DIMENSIONS record in a sheet, sheets without a
 *                 DIMENSIONS record besides the last sheet read (which
 *                 freexl would allocate again, and empty, for each), a
 *                 LABEL freexl cannot store (outside any sheet or the
 *                 sheet's DIMENSIONS, or in a sheet without DIMENSIONS
 *                 other than the last), a cell given again where a LABEL
 *                 is; a BOUNDSHEET record inside a sheet; a second
 *                 FILEPASS record;
 *   LT_E_LIMIT    "sheet dimensions R x C too large (at most 20000000
 *                 cells)" when one sheet's DIMENSIONS (or, without one, its
 *                 highest cell) exceeds LT_XLS_MAX_CELLS ("sheet dimensions
 *                 total N cells: too many" for the sum of every allocation
 *                 freexl would make); more than 65535 sheets.
 * A BIFF8 FILEPASS record in the globals before any BOUNDSHEET, with RC4
 * or RC4 CryptoAPI and Excel's default password "VelvetSweatshop"
 * (lt_prot_xls_velvet()), sets out->decrypted: the records after it are
 * decrypted as MS-XLS 2.2.10 says (record headers, BOF, FILEPASS, USREXCL,
 * FILELOCK, INTERFACEHDR, RRDINFO, RRDHEAD and BOUNDSHEET's lbPlyPos are
 * clear; the stream offset drives the key stream, re-keyed every 1024
 * bytes) and checked like any other.  Any other FILEPASS (another
 * password, XOR obfuscation, BIFF5) ends the check with out->encrypted set
 * and LT_OK.  out is written on LT_OK only.  Pure
 * function, thread-safe.  Used by lt_extract_xls(); public for tests and
 * the fuzz target.
 */
int lt_xls_biff_check(const uint8_t *p, size_t len, struct lt_xls_biff *out,
		      struct lt_err *err);

/*
 * Extract every sheet of a BIFF5/BIFF8 workbook (a compound file with a
 * Workbook or Book stream at its top; "Workbook" is taken when both are
 * there).  One table per sheet, named after the sheet (UTF-8), in workbook
 * order (chart sheets give empty tables).  lt_row.row is the sheet's 1-based
 * row number; rows without any value are not emitted; cells keep their
 * column position (an empty cell in the middle is "" with LT_CELL_TEXT) and
 * trailing empty cells are dropped.  Cells:
 *   text               LT_CELL_TEXT, UTF-8 as freexl converts it;
 *   number             LT_CELL_NUMBER, the shortest text that reads back
 *                      as the same double ("3600305", "1.5", "-42");
 *   date, date-time    a number whose number format is a date (built-in
 *                      14-17, 22; a custom format with m and y or d outside
 *                      quotes and brackets, Japanese era formats included):
 *                      LT_CELL_DATE "YYYY-MM-DD", converted here from the
 *                      serial (1900 or 1904 system, DATEMODE record; the
 *                      time dropped; the phantom 1900-02-29, serials below
 *                      1 and years past 9999 stay numbers), as the xlsx
 *                      extractor does.  freexl is not asked: it counts the
 *                      days one by one (2.3 s for 60,000 birthdates), so
 *                      the copy it reads has every format set to General;
 *   time of day        a number in [0, 1) with a time format: "HH:MM:SS",
 *                      LT_CELL_TEXT (no date to give);
 *   formula            its cached result, which freexl does not read: a
 *                      number (a date if formatted so), a string (BIFF8),
 *                      "TRUE"/"FALSE"; errors give an empty cell.
 *
 * info: zeroed, then encoding "UTF-16LE" (BIFF8) or "CP<n>" (BIFF5, from
 * its CODEPAGE record), layout "biff8" or "biff5", tables, rows, and the
 * first problem in warning.
 *
 * Returns LT_OK, a sink's non-zero value (extraction stops; table_end is
 * not called then), or:
 *   LT_E_UNSUPPORTED  the workbook is encrypted (FILEPASS: call
 *                     lt_protection_check() first) with a password other
 *                     than Excel's default one, or XOR-obfuscated (not
 *                     decrypted, even with the default password), or is a
 *                     BIFF2-4 file outside a compound file.  A workbook
 *                     encrypted with the default password is decrypted
 *                     (see lt_xls_biff_check()) and read like any other;
 *   LT_E_CORRUPT, LT_E_LIMIT  from the compound-file reader or
 *                     lt_xls_biff_check(); no Workbook/Book stream; more
 *                     than LT_XLS_MAX_MARKS cells or
 *                     LT_XLS_MAX_FORMULA_TEXT bytes of formula text;
 *   LT_E_DEP          freexl refused the workbook (its error named);
 *   LT_E_IO           memfd_create or writing it failed;
 *   LT_E_NOMEM, or the error of in->read.
 * Thread-safe: one call per file per thread (each has its own memfd and
 * freexl handle).  Memory: the checked stream in the memfd (its size, in
 * RAM), what freexl holds (LT_XLS_MAX_CELLS x 16 bytes at most, plus the
 * strings), the marks, 3.5 MB of row buffers.
 */
int lt_extract_xls(const struct lt_scan_input *in,
		   const struct lt_extract_sink *sink,
		   struct lt_extract_info *info, struct lt_err *err);

#endif
