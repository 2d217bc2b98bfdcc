#!/usr/bin/env bash
# verify of a raw image: a single flipped byte, a truncation or an edited
# log hash is a mismatch (exit 1, and the output says which hash).
. "$(dirname "$0")/common.bash"

make_pattern "$T/src.img" 4
cd "$T"
expect_exit 0 "$LT" acquire --format raw src.img img.raw
expect_exit 0 "$LT" verify img.raw
grep -q "^img.raw: verified$" out || fail "no verdict"

cp img.raw good.raw
printf '\x5a' | dd of=img.raw bs=1 seek=2000000 conv=notrunc status=none
cmp -s img.raw good.raw && fail "the byte was not flipped"
expect_exit 1 "$LT" verify img.raw
for alg in md5 sha1 sha256; do
	grep -q "^img.raw: $alg .*MISMATCH: the log says" out || { cat out >&2; fail "no $alg mismatch line"; }
	grep -q "error: 'img.raw': $alg mismatch" err || fail "no $alg mismatch error"
done
grep -q "^img.raw: FAILED$" out || fail "no FAILED verdict"

cp good.raw img.raw
truncate -s -512 img.raw
expect_exit 1 "$LT" verify img.raw
grep -q "size mismatch" err || fail "truncation: no size mismatch"

cp good.raw img.raw
expect_exit 0 "$LT" verify img.raw
need jq
jq '.hashes.md5 = "0123456789abcdef0123456789abcdef"' img.raw.log.json > edited.json
cat edited.json > img.raw.log.json
expect_exit 1 "$LT" verify img.raw
grep -q "md5 .*MISMATCH" out || fail "an edited log hash is not a mismatch"
exit 0
