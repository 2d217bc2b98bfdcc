# Copies of a content take over the findings of the first copy scanned
# (scanners/dedup.h) instead of being extracted and classified again.  The
# case database must come out as with --no-dedup, which processes every
# copy: every file row, every record block byte for byte, every YARA hit,
# and the report.  Covered: CSV in several encodings, xlsx, xls, docx, a
# protected workbook, a PDF (not examined), archives (never taken over:
# their members have rows of their own), broken files (errors are never
# taken over), empty files, and files over 1 MiB, among them two of the
# same size but different content; copies on a second PC scanned in the
# same run, and the first PC walked again afterwards (its files go; the
# second PC's copies keep their records).
. "$ROOT/tests/e2e/lib/common.sh"
D=$ROOT/tests/unit/data
mkdir -p src/a src/b/c src/d
set -- "$ROOT/samples/pii/share/総務/被保険者一覧_H27.5.csv" \
	"$ROOT/samples/pii/share/roster_en.csv" \
	"$D/text/meibo.cp932.csv" "$D/text/meibo.eucjp.csv" \
	"$D/text/fixed-ja.txt" "$D/ooxml/basic.xlsx" "$D/ooxml/basic.docx" \
	"$D/xls/meibo.xls" "$D/protect/xls-rc4-cryptoapi.xls" \
	"$D/protect/pdf-plain.pdf" "$D/archive/cp932.zip" \
	"$D/archive/nested.zip" "$D/ooxml/truncated.xlsx"
# (one folder after the other: the copies of a file are far apart in the
# order the workers take files, so two workers meet them at once)
for f in "$@"; do need "$f"; cp "$f" "src/a/$(basename "$f")"; done
for f in "$@"; do cp "$f" "src/b/c/copy of $(basename "$f")"; done
for f in "$@"; do cp "$f" "src/d/$(basename "$f").bak"; done
: > src/a/empty.csv
: > src/d/empty.csv
python3 - src/a/big.csv src/b/big-other.csv src/a/solo.csv <<'PY'
import sys
rows = ["氏名,生年月日,住所\r\n"]
for i in range(30000):
    rows.append("山田 花子%d,平成%d年%d月%d日,大阪府大阪市北区梅田%d-%d\r\n"
                % (i, 1 + i % 30, 1 + i % 12, 1 + i % 28, 1 + i % 9, 1 + i % 20))
data = "".join(rows).encode("cp932")
assert len(data) > 1 << 20
open(sys.argv[1], "wb").write(data)
# same size, one person fewer: a candidate that is not a copy
other = data.replace("山田 花子0,".encode("cp932"), "鈴木 花子0,".encode("cp932"), 1)
assert len(other) == len(data) and other != data
open(sys.argv[2], "wb").write(other)
# a large file of a size of its own: not hashed before it is read, but
# remembered at its end for the copy on the second PC
open(sys.argv[3], "wb").write(data[:len(data) - 1000])
PY
cp src/a/big.csv src/b/c/big.csv
cp src/a/big.csv src/d/big.csv.bak
mkdir -p pc2/share
cp "$ROOT/samples/pii/share/総務/被保険者一覧_H27.5.csv" pc2/share/一覧.csv
cp "$D/ooxml/basic.xlsx" "$D/xls/meibo.xls" src/a/big.csv pc2/share/
cp "$D/text/meibo.tsv" src/a/solo.csv pc2/share/

# One worker: the copies are answered in a known order.
"$LT" scan -v --jobs 1 --case on.db src pc2 2> on.err || die "scan failed: $(cat on.err)"
cp on.db.key off.db.key
chmod 600 off.db.key
"$LT" scan -v --jobs 1 --no-dedup --case off.db src pc2 2> off.err ||
	die "scan --no-dedup failed: $(cat off.err)"
# 13 contents x 2 copies, and 2 of the large one (28); not taken over: the two
# archives (x2) and the broken xlsx (x2), 6; not looked up: the empty file.
grep -q "'src': .*; 22 copies of content scanned before)" on.err ||
	die "copies taken over: $(grep 'copies of' on.err)"
# the second PC: five copies of the first's files, one file of its own
grep -q "'pc2': 6 files .*; 5 copies of content scanned before)" on.err ||
	die "copies taken over on pc2: $(grep 'copies of' on.err)"
[ "$(grep -c "; 0 copies of content scanned before)" off.err)" = 2 ] ||
	die "--no-dedup took over copies: $(grep 'copies of' off.err)"

dump() {
	sqlite3 "$1" "SELECT evidence_id, path, deleted, size, status, md5,
		sha256, mime, kind, extractor, protection, strong, detail,
		encoding, layout, tables, rows, records, columns,
		(SELECT count(*) FROM file c WHERE c.parent_id = f.id)
		FROM file f ORDER BY evidence_id, path"
	sqlite3 "$1" "SELECT f.evidence_id, f.path, b.sheet, b.n, b.elems,
		hex(b.data) FROM file f JOIN record_block b
		ON b.file_id = coalesce(f.records_of, f.id)
		ORDER BY f.evidence_id, f.path, b.id"
	sqlite3 "$1" "SELECT f.evidence_id, f.path, y.namespace, y.rule
		FROM yara_hit y JOIN file f ON f.id = y.file_id
		ORDER BY f.evidence_id, f.path, y.namespace, y.rule"
}
check_same() {
	dump "$1" > "$1.dump"
	dump "$2" > "$2.dump"
	[ -s "$1.dump" ] || die "empty dump"
	cmp -s "$1.dump" "$2.dump" ||
		die "$1 and $2 differ: $(diff "$1.dump" "$2.dump" | head -5 | cut -c1-200)"
	for db in "$1" "$2"; do
		"$LT" report --case "$db" --format json |
			jq -S 'del(.case, .tool, .methodology.case_db, .methodology.generated)' > "$db.json"
	done
	cmp -s "$1.json" "$2.json" ||
		die "reports differ: $(diff "$1.json" "$2.json" | head -5 | cut -c1-200)"
}
check_same on.db off.db
# The copies' record blocks are the first copy's (file.records_of), not
# stored again.
[ "$(sqlite3 on.db "SELECT count(*) FROM file WHERE records_of IS NOT NULL")" = 27 ] ||
	die "copies: $(sqlite3 on.db "SELECT count(*) FROM file WHERE records_of IS NOT NULL")"
[ "$(sqlite3 on.db "SELECT count(*) FROM file f WHERE records_of IS NOT NULL
	AND EXISTS (SELECT 1 FROM record_block b WHERE b.file_id = f.id)")" = 0 ] ||
	die "copies with record blocks of their own"
[ "$(sqlite3 on.db "SELECT count(*) FROM record_block")" -lt \
  "$(sqlite3 off.db "SELECT count(*) FROM record_block")" ] ||
	die "the copies' record blocks were stored again"
# the copies' records are there: 3 copies of each file with records
[ "$(sqlite3 on.db "SELECT count(DISTINCT path) FROM file WHERE
	path LIKE '%roster_en.csv%' AND records > 0")" = 3 ] ||
	die "roster_en.csv copies without records"
[ "$(sqlite3 on.db "SELECT count(*) FROM yara_hit y JOIN file f ON
	f.id = y.file_id WHERE f.path LIKE '%被保険者一覧%'")" -ge 3 ] ||
	die "the copies' YARA hits are missing"

# Two workers: a copy may be met while its first is still being scanned
# (then it is scanned itself); the result is the same.
cp on.db.key two.db.key
chmod 600 two.db.key
"$LT" scan -q --jobs 2 --case two.db src pc2 2> two.err || die "scan --jobs 2 failed: $(cat two.err)"
check_same two.db off.db
# Again with the race forced (a test hook): a worker meeting a content the
# other one is scanning waits for it, which then pauses after publishing.
# A copy must never reach the writer before its first copy's row does.
cp on.db.key slow.db.key
chmod 600 slow.db.key
LT_TEST_DEDUP_RACE=1 "$LT" scan -v --jobs 2 --case slow.db src pc2 2> slow.err ||
	die "scan with the race forced failed: $(grep -m1 error slow.err || head -c 300 slow.err)"
check_same slow.db off.db
grep -q "'src': .*; 22 copies of content scanned before)" slow.err ||
	die "copies taken over with the race forced: $(grep 'copies of' slow.err)"

# The first PC walked again: its scan results go, and the second PC's
# copies of its files get record blocks of their own first.
for db in on off; do
	"$LT" walk -q --case $db.db src || die "walk again ($db)"
done
[ "$(sqlite3 on.db "SELECT count(*) FROM file WHERE records_of IS NOT NULL")" = 0 ] ||
	die "copies still pointing at files of the walked PC"
[ "$(sqlite3 on.db "SELECT count(*) FROM file WHERE evidence_id = 2 AND records > 0")" = 6 ] ||
	die "pc2 lost files with records"
check_same on.db off.db
