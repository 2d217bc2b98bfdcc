# Where report output goes and what it is made of: files are new and 0600
# (a csv directory 0700), an existing output is refused and left as it was,
# a failed run leaves nothing; CSV carries a BOM per file; the HTML is
# well-formed and self-contained; the JSON counts equal the generator's
# expected ones in every language and with --approx (rounded figures added
# beside, exact ones unchanged); the leaked scope is refused until
# correlate's column exists, and is then only a filter (simulated here
# with sqlite3: pc02's files as leak candidates give pc02's own counts).
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
E=$ROOT/samples/pii/expected
need "$P/pc01.img"; need "$P/pc02.img"
cmp_report() { python3 "$ROOT/tests/e2e/lib/compare_report.py" "$1" "$2" > /dev/null || { python3 "$ROOT/tests/e2e/lib/compare_report.py" "$1" "$2"; die "$1 differs from $2"; }; }

"$LT" scan -q --case case.db "$P/pc01.img" "$P/pc02.img"

# Modes, and no overwrite.
"$LT" report --case case.db -o r.txt
[ "$(stat -c %a r.txt)" = 600 ] || die "r.txt mode $(stat -c %a r.txt)"
grep -q '^4情報（氏名・性別・生年月日・住所）' r.txt || die "text: no 4情報 row"
echo precious > keep.html
expect_exit 2 "$LT" report --case case.db --format html -o keep.html
grep -q "error: 'keep.html' exists: refusing to overwrite" err || die "no refusal message"
[ "$(cat keep.html)" = precious ] || die "keep.html was modified"
expect_exit 4 "$LT" report --case case.db -o nodir/r.txt
[ ! -e nodir ] || die "a failed run left nodir behind"

"$LT" report --case case.db --format csv --files -o tables
[ "$(stat -c %a tables)" = 700 ] || die "csv directory mode $(stat -c %a tables)"
for f in records persons files-summary by-file-type evidence other-information \
	conflicts deleted-files yara-hits reportability files methodology; do
	[ -f "tables/$f.csv" ] || die "no tables/$f.csv"
	[ "$(stat -c %a "tables/$f.csv")" = 600 ] || die "$f.csv mode"
	[ "$(head -c 3 "tables/$f.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || die "$f.csv: no BOM"
done
grep -q $'^計,382,388,770\r$' tables/records.csv || die "records.csv total row"
mkdir existing
expect_exit 2 "$LT" report --case case.db --format csv -o existing
[ -z "$(ls existing)" ] || die "files written into an existing directory"

# HTML: well-formed and self-contained, in both languages.
"$LT" report --case case.db --format html --approx --files -o r.html
"$LT" report --case case.db --format html --lang en -o r-en.html
[ "$(stat -c %a r.html)" = 600 ] || die "r.html mode"
python3 "$ROOT/tests/e2e/report/check_html.py" r.html || die "r.html"
python3 "$ROOT/tests/e2e/report/check_html.py" r-en.html || die "r-en.html"

# JSON: the counts, whatever the language and --approx.
"$LT" report --case case.db --format json > ja.json
"$LT" report --case case.db --format json --lang en > en.json
"$LT" report --case case.db --format json --approx > approx.json
cmp_report ja.json "$E/pc01_pc02.kyokai.json"
cmp_report approx.json "$E/pc01_pc02.kyokai.json"
norm() { jq -S 'del(.methodology.generated, .methodology.case_db, .approx)' "$1"; }
[ "$(norm ja.json)" = "$(norm en.json)" ] || die "JSON depends on --lang"
[ "$(norm ja.json)" = "$(norm approx.json)" ] || die "--approx changed the JSON beyond adding 'approx'"
[ "$(jq -r '.approx.records.with_number["4"]' approx.json)" = 186 ] || die "approx below 10,000 is exact"
[ "$(jq -r '.evidence[] | "\(.name) \(.persons)"' ja.json | tr '\n' ' ')" = "pc01 295 pc02 254 " ] ||
	die "persons per evidence item: $(jq -c '.evidence' ja.json)"
[ "$(jq -r '.reportability.financial_damage.flag' ja.json)" = null ] || die "card numbers claimed absent"
[ "$(jq -r '.reportability.my_number.flag' ja.json)" = true ] || die "My Number flag"
[ "$(jq -r '.suspicious_windows' ja.json)" = null ] || die "windows without correlate"
[ "$(jq -r '.methodology.case_db.sha256 | length' ja.json)" = 64 ] || die "no case DB hash"
[ "$(jq '.yara_hits | length' ja.json)" -gt 0 ] || die "no YARA hits listed"
"$LT" report --case case.db --format json --profile nenkin > n.json
cmp_report n.json "$E/pc01_pc02.nenkin.json"

# The leaked scope: refused (usage, exit 2) until correlate has run ...
expect_exit 2 "$LT" report --case case.db --scope leaked
grep -q "scope 'leaked' needs correlate" err || die "leaked: message"
# ... then nothing but a filter over the leak candidates.
sqlite3 case.db "ALTER TABLE file ADD COLUMN leak_candidate INTEGER NOT NULL DEFAULT 0;
	UPDATE file SET leak_candidate = 1 WHERE evidence_id = (SELECT id FROM evidence WHERE name = 'pc02')"
"$LT" report --case case.db --scope leaked --format json > leaked.json
[ "$(jq -r .scope leaked.json)" = leaked ] || die "scope key"
cmp_report leaked.json "$E/pc02.kyokai.json"

# Every report run is in the audit table with its exit status.
[ "$(sqlite3 case.db "SELECT count(*) FROM audit WHERE command_line LIKE '% report %' AND exit_status IS NULL")" = 0 ] ||
	die "a report run left its audit entry open"
exit 0
