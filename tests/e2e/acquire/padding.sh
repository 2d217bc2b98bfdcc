#!/usr/bin/env bash
# A source whose size is not a multiple of the sector size: the raw copy is
# exact; the E01 (which stores whole sectors) ends with zero padding, says
# so, and its hashes describe the padded data so that it still verifies.
. "$(dirname "$0")/common.bash"
need ewfverify ewfexport

make_pattern "$T/src.img" 1
cd "$T"
head -c 1000000 src.img > odd.img
expect_exit 0 "$LT" acquire --format raw odd.img odd.raw
cmp odd.raw odd.img || fail "raw copy of an odd-sized file differs"
expect_exit 0 "$LT" acquire odd.img odd
grep -q "not a multiple of 512 bytes" err || fail "no padding warning"
json_is odd.log.json '[.image.padding, .bytes_read, .bytes_written]' '[448,1000000,1000448]'
{ cat odd.img; head -c 448 /dev/zero; } > padded
json_is odd.log.json .hashes.md5 "\"$(md5_of padded)\""
ewf_ok odd.E01 || fail "ewfverify rejects the padded image"
ewfexport -q -u -t odd-back -f raw odd.E01 >/dev/null 2>&1
cmp odd-back.raw padded || fail "the E01 is not the source plus zero padding"
expect_exit 0 "$LT" verify odd.E01
exit 0
