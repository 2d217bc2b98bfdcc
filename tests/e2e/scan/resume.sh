# Resume: a scan killed (SIGKILL) in the middle of a file, then run again
# with the same arguments, gives exactly the report of an uninterrupted
# run; no record is counted twice.  The kill comes from a test hook
# (LT_TEST_KILL_AFTER_RECORDS: commit, then SIGKILL once N records are
# written), so it lands mid-file, after part of its records were stored.
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
need "$P/pc01.img"; need "$P/pc02.img"
"$LT" scan -q --case full.db "$P/pc01.img" "$P/pc02.img"
"$LT" report --case full.db --format json > full.json
# Rows of small files are written when they end, with their records
# (LT_TEST_DEFER_MAX=0: when they begin, as for files with many records).
for n in 1 60 300 500 700 d0:40 d0:450; do
	defer=
	case $n in d0:*) defer=0; n=${n#d0:} ;; esac
	rm -f k.db k.db-wal k.db-shm k.db.key
	rc=0
	LT_TEST_DEFER_MAX=$defer LT_TEST_KILL_AFTER_RECORDS=$n "$LT" scan -q --case k.db --jobs 2 \
		"$P/pc01.img" "$P/pc02.img" 2> /dev/null || rc=$?
	[ $rc = 137 ] || die "kill after $n records: exit $rc, expected 137 (SIGKILL)"
	# Something was stored before the kill, and something is unfinished.
	# (a copy's records are the first copy's blocks: file.records_of)
	[ "$(sqlite3 k.db 'SELECT coalesce(sum(r.n), 0) FROM file f JOIN record_block r ON r.file_id = coalesce(f.records_of, f.id)')" -ge "$n" ] ||
		die "kill after $n: records were not committed before the kill"
	"$LT" scan -q --case k.db --jobs 2 "$P/pc01.img" "$P/pc02.img"
	"$LT" report --case k.db --format json > k.json
	python3 "$ROOT/tests/e2e/lib/compare_report.py" k.json full.json ||
		die "resumed after $n records differs from an uninterrupted scan"
	[ "$(sqlite3 k.db "SELECT count(*) FROM file WHERE status='scanning'")" = 0 ] ||
		die "unfinished files left after the resume"
done
# A second complete run adds nothing.
"$LT" scan -q --case full.db "$P/pc01.img" "$P/pc02.img"
[ "$(sqlite3 full.db 'SELECT sum(r.n) FROM file f JOIN record_block r ON r.file_id = coalesce(f.records_of, f.id)')" = "$(jq '[.tables.records[] | if type=="object" then (.[]) else . end] | add' full.json)" ] ||
	die "a second run added records"
