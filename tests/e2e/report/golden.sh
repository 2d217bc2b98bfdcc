# Golden outputs: the committed sample evidence (samples/pii, pc01 + pc02,
# with --hash-image so that the evidence hashes are shown) reported in every
# format, compared with tests/e2e/report/golden/ after golden.py has
# normalised the date of the report, the tool version and the case-DB hash
# (nothing else).  What each file covers:
#   *.kyokai.ja.txt        text, the default (ja, kyokai): the published
#                          table per record and per person, every section
#   *.kyokai.en.approx-files.txt  English text with --approx (rounded
#                          figures beside the exact ones) and --files
#   *.nenkin.ja.txt        the nenkin profile's rows and columns
#   *.kyokai.ja.approx.md, *.nenkin.en.md   Markdown in both languages
#   *.kyokai.ja.csv/       csv -o DIR --files: one CSV per table, BOM, CRLF
#   *.kyokai.en.csv        csv on stdout: every table one after another
#   *.kyokai.approx.json, *.nenkin.json     JSON (contract + extensions)
#   *.kyokai.ja.html, *.kyokai.en.approx-files.html   HTML with the chart
#   *.windows.en.html, *.windows.en.txt     a case where correlate's table
#                          `window` exists (made here with sqlite3): the
#                          timeline and the windows table
# Regenerate after a deliberate change:  tests/e2e/report/golden.sh update
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
LT=${LT:-$ROOT/build/leaktriage}
SAMPLES=${SAMPLES:-$ROOT/build/samples}
MODE=${1:-check}
if [ "$MODE" = update ] || [ -z "${TMPDIR:-}" ]; then
	TMPDIR=$(mktemp -d)
	trap 'rm -rf "$TMPDIR"' EXIT
fi
cd "$TMPDIR"
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
G=$ROOT/tests/e2e/report/golden
need "$P/pc01.img"; need "$P/pc02.img"

"$LT" scan -q --hash-image --case case.db "$P/pc01.img" "$P/pc02.img"
cp case.db win.db
cp case.db.key win.db.key
sqlite3 win.db "CREATE TABLE window(evidence_id INTEGER, start_ns INTEGER,
	end_ns INTEGER, reason TEXT);
	INSERT INTO window VALUES
	(1, 1432096200000000000, 1432099800000000000, 'upload 25 MB to 203.0.113.7'),
	(2, 1432108800000000000, 1432110600000000000, 'CONNECT to a bare IP'),
	(1, 1432170000000000000, 1432170600000000000, 'beacon every 60 s');"

mkdir out
fail=0
CASE=case.db
cmp_golden() {
	python3 "$ROOT/tests/e2e/report/golden.py" "$MODE" "out/$1" "$G/$1" || fail=1
}
# gold NAME ARGS...: report -o out/NAME, compare with golden/NAME
gold() {
	local name=$1
	shift
	"$LT" report -q --case "$CASE" "$@" -o "out/$name"
	cmp_golden "$name"
}
# gold_stdout NAME ARGS...: the same, through stdout
gold_stdout() {
	local name=$1
	shift
	"$LT" report -q --case "$CASE" "$@" > "out/$name"
	cmp_golden "$name"
}

gold_stdout pc01_pc02.kyokai.ja.txt
gold pc01_pc02.kyokai.en.approx-files.txt --lang en --approx --files
gold pc01_pc02.nenkin.ja.txt --profile nenkin
gold pc01_pc02.kyokai.ja.approx.md --format md --approx
gold pc01_pc02.nenkin.en.md --format md --profile nenkin --lang en
gold pc01_pc02.kyokai.ja.csv --format csv --files
gold_stdout pc01_pc02.kyokai.en.csv --format csv --lang en
gold pc01_pc02.kyokai.approx.json --format json --approx
gold_stdout pc01_pc02.nenkin.json --format json --profile nenkin
gold pc01_pc02.kyokai.ja.html --format html
gold pc01_pc02.kyokai.en.approx-files.html --format html --lang en --approx --files
CASE=win.db
gold pc01_pc02.windows.en.html --format html --lang en
gold_stdout pc01_pc02.windows.en.txt --lang en

[ "$fail" = 0 ] || die "report output differs from tests/e2e/report/golden (see above; regenerate with 'tests/e2e/report/golden.sh update' if the change is deliberate)"
