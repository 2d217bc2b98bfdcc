# Malformed files give an error for that file (recorded with the reason and
# listed by report), the scan goes on and the good files are counted; bad
# command lines and sources give the documented exit statuses.
. "$ROOT/tests/e2e/lib/common.sh"
mkdir -p src
printf '氏名,生年月日,住所\n山田 太郎,1985/03/05,東京都千代田区千代田1-1\n佐藤 花子,1962/11/30,大阪府大阪市北区梅田2-3-4\n鈴木 一郎,1948/07/07,北海道札幌市中央区北1条西2\n' > src/good.csv
# A line far beyond the 1 MiB record limit.
{ printf '氏名,メモ\n山田 太郎,'; head -c 3000000 /dev/zero | tr '\0' 'x'; printf '\n'; } > src/longline.csv
# An unterminated quote at the end: a warning, the rows before it count.
printf '氏名,生年月日\n山田 太郎,1985/03/05\n佐藤 花子,1962/11/30\n鈴木 一郎,"1948/07/07\n' > src/quote.csv
# Mostly invalid bytes for any Japanese encoding.
head -c 20000 /dev/urandom | tr -d '\000' > src/garbage.txt
# A PDF and an XLSX-like zip: not examined (no extractor yet), listed.
printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > src/doc.pdf
mkfifo src/pipe
timeout 60 "$LT" scan --case c.db src > out 2> err || die "scan failed: $(cat err)"
grep -q "longline.csv" err || die "the over-long line is not reported: $(cat err)"
grep -q "longer than" err || die "no reason for longline.csv: $(cat err)"
q() { sqlite3 c.db "$1"; }
[ "$(q "SELECT status FROM file WHERE path='longline.csv'")" = error ] || die "longline status"
[ "$(q "SELECT records FROM file WHERE path='good.csv'")" = 3 ] || die "good.csv records"
[ "$(q "SELECT records FROM file WHERE path='quote.csv'")" -ge 2 ] || die "quote.csv records"
[ "$(q "SELECT status FROM file WHERE path='doc.pdf'")" = not_examined ] || die "pdf not listed as not examined"
[ "$(q "SELECT count(*) FROM file WHERE path='pipe'")" = 0 ] || die "a FIFO was opened"
"$LT" report --case c.db --format json > r.json
jq -e '.files.not_examined == 1 and .files.errors >= 1' r.json > /dev/null || die "report file counts: $(jq -c .files r.json)"
jq -e '[.other_files[] | select(.path=="longline.csv")] | length == 1' r.json > /dev/null || die "failed file not listed"
# Usage and input errors.
expect_exit 2 "$LT" scan src
grep -q -- "--case is required" err || die "no --case"
expect_exit 2 "$LT" scan --case x.db
expect_exit 3 "$LT" scan --case y.db missing.img
grep -q "cannot open 'missing.img'" err || die "missing source not named"
expect_exit 2 "$LT" report --case c.db --format pdf
expect_exit 3 "$LT" report --case nonexistent.db
expect_exit 2 "$LT" scan --case z.db --rules missing.yar src
