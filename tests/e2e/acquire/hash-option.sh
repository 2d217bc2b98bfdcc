#!/usr/bin/env bash
# --hash chooses the algorithms; E01 always gets MD5 (the EWF tools verify
# it); the defaults are MD5+SHA1 for E01 and all three for raw.
. "$(dirname "$0")/common.bash"
need ewfinfo

make_pattern "$T/src.img" 2
cd "$T"
expect_exit 0 "$LT" acquire --format raw --hash sha256 src.img a.raw
json_is a.raw.log.json '.hashes | keys' '["sha256"]'
json_is a.raw.log.json .hashes.sha256 "\"$(sha256_of src.img)\""
expect_exit 0 "$LT" verify a.raw
expect_exit 0 "$LT" acquire --hash SHA1 src.img b
json_is b.log.json '.hashes | keys' '["md5","sha1"]'
json_is b.log.json .hashes_in_image '["md5","sha1"]'
expect_exit 0 "$LT" acquire --hash sha256 src.img c
json_is c.log.json '.hashes | keys' '["md5","sha256"]'
json_is c.log.json .hashes_in_image '["md5"]'
ewfinfo_has c.E01 "MD5:.*$(md5_of src.img)" || fail "the E01 lacks its MD5"
expect_exit 0 "$LT" verify c.E01
grep -q "sha256 .* matches the log" out || fail "verify did not check the SHA-256 in the log"
expect_exit 0 "$LT" acquire src.img d
json_is d.log.json '.hashes | keys' '["md5","sha1"]'
expect_exit 0 "$LT" acquire --format raw src.img e.raw
json_is e.raw.log.json '.hashes | keys' '["md5","sha1","sha256"]'
exit 0
