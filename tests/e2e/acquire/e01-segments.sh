#!/usr/bin/env bash
# Naming and segments: OUT is a base name, a trailing .E01 is not doubled,
# --segment-size splits the image (OUT.E01, OUT.E02 ...), the log lists the
# files; any segment names the set for verify; none compression and 4096-byte
# sectors work too.
. "$(dirname "$0")/common.bash"
need ewfverify ewfinfo ewfexport

make_pattern "$T/src.img" 8
cd "$T"
md5=$(md5_of src.img)

expect_exit 0 "$LT" acquire --segment-size 1M --compression none src.img disk.E01
[ -f disk.E01 ] && [ -f disk.E02 ] || fail "no segments: $(ls)"
[ ! -e disk.E01.E01 ] || fail "the .E01 was doubled"
[ -f disk.log.json ] && [ -f disk.log.txt ] || fail "the logs are not named after the base"
n=$(ls disk.E0* | wc -l)
[ "$n" -ge 8 ] || fail "only $n segments of at most 1 MiB for 8 MiB uncompressed"
json_is disk.log.json '.image.files | length' "$n"
json_is disk.log.json '.image.files[0]' '"disk.E01"'
json_is disk.log.json '.image.segment_size' 1048576
grep -q "^image   disk.E01 ($n files)" out || fail "stdout does not count the files"
for f in disk.E0*; do
	[ "$(stat -c %s "$f")" -le $((1024 * 1024 + 65536)) ] || fail "$f is larger than a segment"
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is not mode 600"
done
ewf_ok disk.E01 || fail "ewfverify rejects the segmented image"
ewfinfo_has disk.E01 "MD5:.*$md5" || fail "ewfinfo MD5"
expect_exit 0 "$LT" verify disk.E03
grep -q "matches the image and the log" out || fail "verify via a later segment does not find the log"
expect_exit 0 "$LT" verify disk
grep -q "disk: verified" out || fail "verify by base name"

expect_exit 0 "$LT" acquire --sector-size 4096 src.img big
ewfinfo_has big.E01 "Bytes per sector:.*4096" || fail "not 4096-byte sectors"
ewfexport -q -u -t big-back -f raw big.E01 >/dev/null 2>&1 || fail "ewfexport"
cmp big-back.raw src.img || fail "4096-byte sector image differs"
exit 0
