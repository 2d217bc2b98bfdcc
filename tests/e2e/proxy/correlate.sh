# The end-to-end case: two images scanned, a Squid log with hosts and IOCs
# imported, windows correlated; the leak candidates are the three files
# samples/case/README.md names, and `report --scope leaked` gives the
# counts samples/make-pii.py computed for exactly those files.
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
C=$ROOT/samples/case
need "$P/pc01.img"; need "$P/pc02.img"
"$LT" scan -q --case c.db "$P/pc01.img" "$P/pc02.img"
"$LT" proxy --case c.db --hosts "$C/hosts.csv" --ioc "$C/ioc.txt" "$C/squid-access.log" 2> proxy.err
grep -q "1 lines not understood (first: line 102)" proxy.err || die "garbage line not reported: $(cat proxy.err)"
[ "$(sqlite3 c.db 'SELECT lines, events, bad FROM proxy_log')" = "1445|1444|1" ] || die "log counts"
# No URL paths are stored.
! sqlite3 c.db .dump | grep -q '/upload' || die "a URL path is stored"
"$LT" correlate --case c.db > corr.out 2> corr.err
grep -q "3 windows on 2 evidence items, 3 leak candidate files" corr.err || die "correlate: $(cat corr.err)"
grep -q "1 suspicious events come from addresses that --hosts maps to no evidence" corr.err || die "unmapped not reported"
sqlite3 c.db "SELECT DISTINCT v.name || ':' || f.path FROM leak_candidate c JOIN file f ON f.id = c.file_id JOIN evidence v ON v.id = f.evidence_id ORDER BY 1" > got
printf '%s\n' "pc01:Users/tanaka/Desktop/被保険者一覧_2015.csv" "pc01:Users/tanaka/Desktop/送付用リスト.csv" "pc02:srv/share/人事/個人番号.csv" | sort > want
diff want got || die "leak candidates differ"
# Each candidate keeps its reason (window and timestamp).
[ "$(sqlite3 c.db "SELECT count(*) FROM leak_candidate WHERE reason LIKE 'mtime 2015-05-13T07:46:54Z'")" = 1 ] || die "reason"
"$LT" report --case c.db --scope leaked --format json > leaked.json
python3 "$ROOT/tests/e2e/lib/compare_report.py" leaked.json "$ROOT/samples/pii/expected/pc01_pc02.leaked.kyokai.json"
"$LT" report --case c.db --scope leaked --profile nenkin --format json > leakedn.json
python3 "$ROOT/tests/e2e/lib/compare_report.py" leakedn.json "$ROOT/samples/pii/expected/pc01_pc02.leaked.nenkin.json"
# A narrower slack loses the pc02 file (its mtime is 6.5 minutes before).
"$LT" correlate --case c.db --slack 5m > /dev/null 2>&1
[ "$(sqlite3 c.db 'SELECT count(DISTINCT file_id) FROM leak_candidate')" = 2 ] || die "--slack 5m"
expect_exit 2 "$LT" correlate --case c.db --gap soon
