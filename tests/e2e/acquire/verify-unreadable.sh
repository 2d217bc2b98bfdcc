#!/usr/bin/env bash
# verify exits 3 when the image or its hashes cannot be read: missing
# image, a directory, a raw image without its log, a log that is not JSON
# or holds no hash, a truncated E01.  With several images the worst wins.
. "$(dirname "$0")/common.bash"

make_pattern "$T/src.img" 2
cd "$T"
expect_exit 3 "$LT" verify nothing.E01
grep -q "cannot verify 'nothing.E01': no such file" err || fail "missing: message"
mkdir d
expect_exit 3 "$LT" verify d
expect_exit 3 "$LT" verify src.img
grep -q "no acquisition log 'src.img.log.json'" err || fail "no-log: message"

expect_exit 0 "$LT" acquire --format raw src.img a.raw
cp a.raw.log.json saved.json
echo '{"hashes": {"md5": ' > a.raw.log.json
expect_exit 3 "$LT" verify a.raw
grep -q "is not valid JSON" err || fail "bad JSON: message"
echo '{"complete": true, "hashes": {}}' > a.raw.log.json
expect_exit 3 "$LT" verify a.raw
grep -q "holds no hash" err || fail "no hash: message"
echo '{"hashes": {"md5": "xyz"}}' > a.raw.log.json
expect_exit 3 "$LT" verify a.raw
cp saved.json a.raw.log.json
expect_exit 0 "$LT" verify a.raw

expect_exit 0 "$LT" acquire src.img e
cp e.E01 saved.E01
truncate -s 1000 e.E01
expect_exit 3 "$LT" verify e.E01
grep -q "cannot verify 'e.E01': cannot open the E01" err || fail "truncated E01: message"
# Cut later, the set still opens: its data is damaged, which is a "no".
cp saved.E01 e.E01
truncate -s 3000 e.E01
expect_exit 1 "$LT" verify e.E01
grep -q "chunk checksum error" err || fail "truncated data: no checksum error"

# Several images: 3 if any cannot be read, else 1 if any differs.
expect_exit 3 "$LT" verify a.raw nothing.raw
grep -q "a.raw: verified" out || fail "the readable image was not verified"
cp a.raw b.raw; cp a.raw.log.json b.raw.log.json
printf x | dd of=b.raw bs=1 seek=10 conv=notrunc status=none
expect_exit 1 "$LT" verify a.raw b.raw
exit 0
