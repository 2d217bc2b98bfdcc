# scan + report on the generated evidence (samples/make-pii.py): every cell
# of the records and persons tables, conflicting merges, files with personal
# data and the records of each file equal the generator's own counts.
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
E=$ROOT/samples/pii/expected
need "$P/pc01.img"; need "$P/pc02.img"
cmp_report() { python3 "$ROOT/tests/e2e/lib/compare_report.py" "$1" "$2"; }

"$LT" scan -q --case one.db --jobs 2 "$P/pc01.img"
"$LT" report --case one.db --format json > pc01.json
cmp_report pc01.json "$E/pc01.kyokai.json"
"$LT" report --case one.db --format json --profile nenkin > pc01n.json
cmp_report pc01n.json "$E/pc01.nenkin.json"

"$LT" scan -q --case two.db --jobs 1 "$P/pc02.img"
"$LT" report --case two.db --format json > pc02.json
cmp_report pc02.json "$E/pc02.kyokai.json"

# Both images in one case: persons merged across evidence items.
"$LT" scan -q --case both.db "$P/pc01.img" "$P/pc02.img"
"$LT" report --case both.db --format json > both.json
cmp_report both.json "$E/pc01_pc02.kyokai.json"
"$LT" report --case both.db --format json --profile nenkin > bothn.json
cmp_report bothn.json "$E/pc01_pc02.nenkin.json"

# A directory source.
"$LT" scan -q --case share.db "$ROOT/samples/pii/share"
"$LT" report --case share.db --format json > share.json
cmp_report share.json "$E/share.kyokai.json"

# A second complete run adds nothing.
"$LT" scan -q --case both.db "$P/pc01.img" "$P/pc02.img"
"$LT" report --case both.db --format json > again.json
cmp_report again.json "$E/pc01_pc02.kyokai.json"

# No personal values in the database: no prefecture (every generated
# address has one), no pension-number pattern, no ISO birthdate.
! grep -aqE '東京都|大阪府|北海道|神奈川県|県.{1,6}市' both.db || die "an address is stored in the case DB"
! grep -aqE '[0-9]{4}-[0-9]{6}' both.db || die "a pension-like number is stored in the case DB"
[ "$(stat -c %a both.db)" = 600 ] || die "case DB mode"
