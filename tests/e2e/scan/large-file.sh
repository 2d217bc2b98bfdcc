# A file over 1 MiB is hashed and YARA-scanned by the worker's side thread
# (a second read through its own handle) while the worker classifies it:
# the digests equal md5sum/sha256sum, the YARA hit is recorded, every
# record is counted, the same as for a small file read whole.  A large
# binary file (not extracted) is hashed by the worker itself, reading it
# through once.
. "$ROOT/tests/e2e/lib/common.sh"
mkdir big small bin
python3 - big/roster.csv small/roster.csv bin/blob.dat <<'PY'
import sys
rows = ["氏名,生年月日,住所\r\n"]
for i in range(40000):
    rows.append("山田 太郎%d,昭和%d年%d月%d日,東京都千代田区千代田%d-%d\r\n"
                % (i, 20 + i % 40, 1 + i % 12, 1 + i % 28, 1 + i % 9, 1 + i % 20))
data = "".join(rows).encode("cp932")
assert len(data) > 2 << 20, len(data)
open(sys.argv[1], "wb").write(data)
small = "".join(rows[:2001]).encode("cp932")
assert len(small) < 1 << 20
open(sys.argv[2], "wb").write(small)
import random
r = random.Random(7)
open(sys.argv[3], "wb").write(b"LTBIN\0" + bytes(r.getrandbits(8) for _ in range(3 << 20)))
PY
for d in big small; do
	"$LT" scan -q --jobs 2 --case "$d.db" "$d"
	q() { sqlite3 "$d.db" "$1"; }
	[ "$(q 'SELECT md5 FROM file')" = "$(md5sum < "$d/roster.csv" | cut -d' ' -f1)" ] || die "$d: md5"
	[ "$(q 'SELECT sha256 FROM file')" = "$(sha256sum < "$d/roster.csv" | cut -d' ' -f1)" ] || die "$d: sha256"
	[ "$(q 'SELECT status FROM file')" = ok ] || die "$d: status $(q 'SELECT status, detail FROM file')"
	[ "$(q 'SELECT rule FROM yara_hit')" = jp_pii_headers_cp932 ] || die "$d: yara hits '$(q 'SELECT rule FROM yara_hit')'"
done
[ "$(sqlite3 big.db 'SELECT sum(n) FROM record_block')" = 40000 ] || die "big: records"
[ "$(sqlite3 small.db 'SELECT sum(n) FROM record_block')" = 2000 ] || die "small: records"
"$LT" scan -q --jobs 2 --case bin.db bin
[ "$(sqlite3 bin.db 'SELECT md5 FROM file')" = "$(md5sum < bin/blob.dat | cut -d' ' -f1)" ] || die "bin: md5"
[ "$(sqlite3 bin.db 'SELECT sha256 FROM file')" = "$(sha256sum < bin/blob.dat | cut -d' ' -f1)" ] || die "bin: sha256"
[ "$(sqlite3 bin.db 'SELECT status, mime FROM file')" = "no_tables|application/octet-stream" ] || die "bin: $(sqlite3 bin.db 'SELECT status, mime FROM file')"
