# Bad input: a one-line error naming the input and the reason, exit 3,
# never a crash.  A truncated image lists what it can.
. "$ROOT/tests/e2e/lib/common.sh"
expect_exit 3 "$LT" walk missing.img
grep -q "cannot open 'missing.img': no such file or directory" err || die "missing: $(cat err)"
head -c 1048576 /dev/zero > zero.img
expect_exit 3 "$LT" walk zero.img
grep -q "'zero.img': no partition table or file system recognised" err || die "zero: $(cat err)"
: > empty.img
expect_exit 3 "$LT" walk empty.img
grep -q "'empty.img': empty file" err || die "empty: $(cat err)"
need "$SHARED/dfvfs/bogus.001"
expect_exit 3 "$LT" walk "$SHARED/dfvfs/bogus.001"
grep -q "bogus.001'" err || die "bogus: $(cat err)"
# TSK here has no QCOW support: refused, not misread.
expect_exit 3 "$LT" walk "$SHARED/sleuthkit/image.qcow"
grep -q "image.qcow'" err || die "qcow: $(cat err)"
# A differential VHD whose parent is absent.
expect_exit 3 "$LT" walk "$SHARED/dfvfs/fat-differential.vhd"
grep -q "fat-differential.vhd'" err || die "vhd: $(cat err)"
# Several sources: the good one is listed, the status is still 3.
expect_exit 3 "$LT" walk --json missing.img "$SHARED/sleuthkit/image.dd"
[ "$(wc -l < out)" -eq 9 ] || die "good source not listed next to a bad one"
# A file that is not readable (as non-root only: root reads everything).
# Truncated raw NTFS at several sizes: no crash; what can be listed is.
img=$SHARED/sleuthkit_test_data/extracted/7-ntfs-undel.dd
for n in 512 4096 65536 1000000 3000000 5000000; do
	head -c $n "$img" > trunc.dd
	rc=0
	"$LT" walk --json trunc.dd > out 2> err || rc=$?
	case $rc in
	0) [ -s out ] || die "truncated at $n: exit 0 but nothing listed" ;;
	3) grep -q "'trunc.dd'" err || die "truncated at $n: stderr does not name the image" ;;
	*) cat err; die "truncated at $n: exit $rc" ;;
	esac
done
# Truncated E01 (half of the segment): an error naming it, exit 3.
e01=$SHARED/sleuthkit/image.E01
sz=$(stat -c %s "$e01")
for n in 100 2000 $((sz / 2)) $((sz - 100)); do
	head -c $n "$e01" > trunc.E01
	rc=0
	"$LT" walk trunc.E01 > out 2> err || rc=$?
	[ $rc = 0 ] || [ $rc = 3 ] || { cat err; die "truncated E01 at $n: exit $rc"; }
	[ $rc = 0 ] || grep -q "trunc.E01'" err || die "truncated E01 at $n: stderr does not name it"
done
# Corrupt file system: random bytes over the NTFS MFT region.
cp "$img" corrupt.dd
python3 - <<'PY'
import random
r = random.Random(7)
with open("corrupt.dd", "r+b") as f:
    for off in range(16384 * 2, 16384 * 2 + 65536, 97):
        f.seek(off); f.write(bytes([r.randrange(256)]))
PY
rc=0
"$LT" walk --json corrupt.dd > out 2> err || rc=$?
[ $rc = 0 ] || [ $rc = 3 ] || { cat err; die "corrupt: exit $rc"; }
