# The walk of a case runs in a thread of its own while the calling thread
# inserts what it finds.  When the case database refuses an insert (here a
# trigger aborts the 21st entry), walk and scan stop with exit status 4
# and the database's reason, without hanging, and nothing of the listing
# is kept (one transaction).
. "$ROOT/tests/e2e/lib/common.sh"
img=$SAMPLES/ntfs.img
need "$img"
for cmd in walk scan; do
	rm -f c.db c.db-wal c.db-shm c.db.key
	"$LT" walk -q --case c.db "$SAMPLES/fat32.img" > /dev/null 2>&1 || true
	sqlite3 c.db "CREATE TRIGGER boom BEFORE INSERT ON entry WHEN
		(SELECT count(*) FROM entry WHERE evidence_id = NEW.evidence_id)
		>= 20 BEGIN
		SELECT RAISE(ABORT, 'refused by test trigger'); END;"
	before=$(sqlite3 c.db 'SELECT count(*) FROM entry')
	rc=0
	timeout 60 "$LT" $cmd -q --case c.db "$img" > /dev/null 2> err || rc=$?
	[ $rc = 4 ] || { cat err >&2; die "$cmd: exit $rc, expected 4"; }
	grep -q 'refused by test trigger' err || { cat err >&2; die "$cmd: the database's reason is not given"; }
	[ "$(sqlite3 c.db 'SELECT count(*) FROM entry')" = "$before" ] ||
		die "$cmd: part of the listing was kept"
done
