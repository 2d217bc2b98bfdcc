#!/usr/bin/env bash
# Raw acquisition: OUT is a byte-identical copy, its log holds the MD5,
# SHA1 and SHA-256 of the source; verify uses that log.
. "$(dirname "$0")/common.bash"

make_fat "$T/src.img"
cd "$T"
expect_exit 0 "$LT" acquire --format raw --examiner 'T. Suzuki' src.img copy.raw
cmp copy.raw src.img || fail "the raw copy differs"
json_is copy.raw.log.json .hashes \
	"{\"md5\":\"$(md5_of src.img)\",\"sha1\":\"$(sha1_of src.img)\",\"sha256\":\"$(sha256_of src.img)\"}"
json_is copy.raw.log.json '[.complete, .image.format, .image.files, .hashes_in_image]' '[true,"raw",["copy.raw"],[]]'
json_is copy.raw.log.json .case.examiner '"T. Suzuki"'
[ -f copy.raw.log.txt ] || fail "no text log"
[ "$(stat -c %a copy.raw)" = 600 ] || fail "copy.raw is not mode 600"
expect_exit 0 "$LT" verify copy.raw
[ "$(grep -c 'matches the log' out)" = 3 ] || fail "verify did not check three hashes: $(cat out)"
exit 0
