# walk --case: the evidence item (name, path, size, format, E01 hashes, tz)
# and every entry land in the SQLite case DB; the DB and its key file are
# mode 0600; an audit row records the command; walking again replaces the
# listing instead of duplicating it.
. "$ROOT/tests/e2e/lib/common.sh"
e01=$SHARED/sleuthkit/image.E01
need "$e01"
"$LT" walk --json --case case.db "$e01" > out.jsonl
[ "$(stat -c %a case.db)" = 600 ] || die "case.db mode $(stat -c %a case.db)"
[ "$(stat -c %a case.db.key)" = 600 ] || die "key mode"
[ "$(wc -c < case.db.key)" = 65 ] || die "key size"
q() { sqlite3 case.db "$1"; }
[ "$(q "SELECT value FROM meta WHERE key='schema_version'")" = 5 ] || die "schema version"
[ "$(q "SELECT name, format, size FROM evidence")" = "image|ewf|$(stat -c %s "$SHARED/sleuthkit/image.dd")" ] ||
	die "evidence row: $(q 'SELECT * FROM evidence')"
# The E01's stored MD5 (ewfinfo is the oracle).
md5=$(ewfinfo "$e01" | awk '/MD5/ {print $NF}')
[ -n "$md5" ] && [ "$(q 'SELECT md5 FROM evidence')" = "$md5" ] || die "E01 md5 not recorded"
[ "$(q 'SELECT count(*) FROM entry')" = "$(wc -l < out.jsonl)" ] || die "entry count"
[ "$(q 'SELECT count(*) FROM entry WHERE deleted')" = 2 ] || die "deleted count"
[ "$(q "SELECT inode||' '||size FROM entry WHERE path='passwords.txt'")" = "15 116" ] || die "entry row"
[ "$(q 'SELECT exit_status FROM audit')" = 0 ] || die "audit"
q 'SELECT command_line FROM audit' | grep -q "walk --json --case case.db" || die "audit command line"
# Again: same number of entries, two audit rows.
"$LT" walk --case case.db "$e01" > /dev/null
[ "$(q 'SELECT count(*) FROM entry')" = "$(wc -l < out.jsonl)" ] || die "re-walk duplicated entries"
[ "$(q 'SELECT count(*) FROM audit')" = 2 ] || die "audit rows"
# --hash on a raw image records computed hashes equal to md5sum/sha256sum.
raw=$SHARED/sleuthkit/image.dd
"$LT" walk --hash --case case.db "$raw" > /dev/null 2>&1 && die "same evidence name for another path accepted"
"$LT" walk --hash --name image-raw --case case.db "$raw" > /dev/null
[ "$(q "SELECT md5 FROM evidence WHERE name='image-raw'")" = "$(md5sum < "$raw" | cut -d' ' -f1)" ] || die "raw md5"
[ "$(q "SELECT sha256 FROM evidence WHERE name='image-raw'")" = "$(sha256sum < "$raw" | cut -d' ' -f1)" ] || die "raw sha256"
[ "$(q "SELECT e.md5 FROM entry e JOIN evidence v ON v.id=e.evidence_id WHERE v.name='image-raw' AND e.path='passwords.txt'")" = \
  "$(icat "$raw" 15 | md5sum | cut -d' ' -f1)" ] || die "file md5"
# Not a case database: refused with exit 3, file untouched.
echo "not sqlite" > bogus.db
cp bogus.db bogus.orig
expect_exit 3 "$LT" walk --case bogus.db "$raw"
grep -q "bogus.db" err || die "bad DB not named"
cmp -s bogus.db bogus.orig || die "bogus DB was modified"
# A new case database has 16 KiB pages; one made with another page size
# keeps it and goes on working.
[ "$(q 'PRAGMA page_size')" = 16384 ] || die "page size of a new case DB: $(q 'PRAGMA page_size')"
sqlite3 old.db 'PRAGMA page_size=4096; VACUUM;'
"$LT" walk --case old.db "$raw" > /dev/null
[ "$(sqlite3 old.db 'PRAGMA page_size')" = 4096 ] || die "page size of an existing DB changed"
[ "$(sqlite3 old.db 'SELECT count(*) FROM entry')" -gt 0 ] || die "no entries in the 4 KiB-page DB"
