# Evidence hashes: from the E01 itself, or from acquire's log beside a raw
# image, never recomputed unless --hash-image; --hash-image agrees.
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
need "$P/pc02.img"
"$LT" acquire -q --format raw "$P/pc02.img" pc02 > /dev/null
"$LT" scan -q --case a.db pc02
want=$(md5sum < "$P/pc02.img" | cut -d' ' -f1)
[ "$(sqlite3 a.db "SELECT md5||' '||hash_source FROM evidence")" = "$want acquire-log" ] ||
	die "raw image: md5 not taken from the acquisition log: $(sqlite3 a.db 'SELECT * FROM evidence')"
[ "$(sqlite3 a.db "SELECT sha256 FROM evidence")" = "$(sha256sum < "$P/pc02.img" | cut -d' ' -f1)" ] || die "sha256 from the log"
"$LT" acquire -q --compression fast "$P/pc02.img" pc02e > /dev/null
"$LT" scan -q --case b.db --name e01 pc02e.E01
[ "$(sqlite3 b.db "SELECT md5||' '||hash_source FROM evidence")" = "$want ewf" ] || die "E01: stored md5"
# The E01 scan finds the same records as the raw image.
"$LT" report --case a.db --format json | jq -c .tables > a.t
"$LT" report --case b.db --format json | jq -c .tables > b.t
cmp -s a.t b.t || die "E01 and raw give different tables"
# --hash-image on an image without any stored hash.
cp "$P/pc02.img" plain.img
"$LT" scan -q --hash-image --case c.db plain.img
[ "$(sqlite3 c.db "SELECT md5||' '||hash_source FROM evidence")" = "$want computed" ] || die "--hash-image"
"$LT" scan -q --case d.db plain.img
[ -z "$(sqlite3 d.db "SELECT md5 FROM evidence")" ] || die "hash computed without --hash-image"
