# A scan that fails before it reads any file fails the evidence item: a
# non-zero exit, a message, and the item not marked as scanned (a report
# must not show it as free of personal data).  Rules that do not compile;
# a case database that refuses the cleanup of an interrupted run.
. "$ROOT/tests/e2e/lib/common.sh"
mkdir -p src
printf '氏名,生年月日,住所\n山田 太郎,1985/03/05,東京都千代田区千代田1-1\n' > src/a.csv
printf 'rule broken { strings: $a = "x" condition: $b }\n' > bad.yar
rc=0
"$LT" scan -q --rules bad.yar --case c.db src 2> err || rc=$?
[ "$rc" != 0 ] || die "scan with rules that do not compile exited 0"
grep -q "bad.yar" err || die "the rules file is not named: $(cat err)"
[ "$(sqlite3 c.db "SELECT count(*) FROM scan_state WHERE completed IS NOT NULL")" = 0 ] ||
	die "the evidence item was marked as scanned"
# A complete scan, then one file back to 'scanning' (as an interrupted run
# leaves it) with the cleanup of its YARA hits refused by the database.
"$LT" scan -q --case c.db src || die "scan failed"
[ "$(sqlite3 c.db "SELECT count(*) FROM yara_hit")" -ge 1 ] || die "no YARA hit to clean up"
sqlite3 c.db "UPDATE file SET status='scanning'; UPDATE scan_state SET completed=NULL;
	CREATE TRIGGER refuse BEFORE DELETE ON yara_hit
	BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
rc=0
"$LT" scan -q --case c.db src 2> err || rc=$?
[ "$rc" != 0 ] || die "scan exited 0 although its cleanup failed"
grep -q "refused by the test" err || die "the database's reason is not given: $(cat err)"
[ "$(sqlite3 c.db "SELECT count(*) FROM scan_state WHERE completed IS NOT NULL")" = 0 ] ||
	die "the evidence item was marked as scanned after a failed cleanup"
