#!/usr/bin/env bash
# verify of an E01: a single flipped byte in a segment's data (compressed
# or not) fails the chunk checksum and the hashes (exit 1); ewfverify
# agrees; the untouched image verifies (exit 0).
. "$(dirname "$0")/common.bash"
need ewfverify

make_pattern "$T/src.img" 8
cd "$T"
for comp in best none; do
	rm -rf $comp; mkdir $comp
	expect_exit 0 "$LT" acquire --compression $comp --segment-size 1M src.img $comp/ev
	expect_exit 0 "$LT" verify $comp/ev.E01
	grep -q "md5 .* matches the image and the log" out || fail "$comp: md5 not compared"
	seg=$comp/ev.E02
	[ -f $seg ] || fail "$comp: no second segment"
	off=$(( $(stat -c %s $seg) / 2 ))
	orig=$(od -An -tu1 -j $off -N1 $seg | tr -d ' ')
	printf "\\$(printf %03o $(( (orig + 1) % 256 )))" |
		dd of=$seg bs=1 seek=$off conv=notrunc status=none
	expect_exit 1 "$LT" verify $comp/ev.E01
	grep -q "md5 .*MISMATCH: the image says" out || { cat out err >&2; fail "$comp: no md5 mismatch"; }
	grep -q "chunk checksum error" err || { cat err >&2; fail "$comp: no chunk checksum error"; }
	grep -q "FAILED" out || fail "$comp: no FAILED verdict"
	if ewf_ok $comp/ev.E01; then
		fail "$comp: ewfverify does not notice the flipped byte either"
	fi
done
exit 0
