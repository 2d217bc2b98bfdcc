#!/usr/bin/env bash
# Unreadable sectors (an LD_PRELOAD injector fails reads of given byte
# ranges with EIO): the E01 still completes, the bad sectors are zeros,
# every range is in the log and in the image's acquisition-error table,
# adjacent sectors across block boundaries are one range, and the stored
# hashes describe the zero-filled image so that it verifies.
. "$(dirname "$0")/common.bash"
need ewfverify ewfinfo ewfexport jq
build_eio

make_pattern "$T/src.img" 8
cd "$T"
# 8 sectors; 4 sectors either side of the 2 MiB block boundary; one
# sector; 100 bytes inside sector 9765 (the whole sector is lost).
ranges=1048576:4096,2096128:2048,3146240:512,5000000:100
expected='[[1048576,4096,2048,8],[2096128,2048,4094,4],[3146240,512,6145,1],[4999680,512,9765,1]]'
cp src.img want.img
for r in 1048576:4096 2096128:2048 3146240:512 4999680:512; do
	dd if=/dev/zero of=want.img bs=1 seek=${r%%:*} count=${r##*:} conv=notrunc status=none
done

with_eio env LT_EIO_PATH=src.img LT_EIO_RANGES=$ranges \
	"$LT" acquire --compression best --case-number bad src.img bad >out 2>err ||
	{ cat err >&2; fail "acquire failed on bad sectors"; }
[ "$(grep -c 'unreadable (Input/output error): zero-filled' err)" = 4 ] ||
	{ cat err >&2; fail "expected 4 warnings about unreadable ranges"; }
grep -q "7168 bytes in 4 range(s) could not be read" err || fail "no summary warning"
json_is bad.log.json '[.bad_ranges[] | [.offset, .length, .first_sector, .sectors]]' "$expected"
json_is bad.log.json '[.bad_ranges[].error] | unique' '["Input/output error"]'
json_is bad.log.json '[.complete, .bytes_unreadable, .bytes_read, .bytes_written]' \
	"[true,7168,$((8388608 - 7168)),8388608]"
json_is bad.log.json .hashes.md5 "\"$(md5_of want.img)\""
grep -q "^Unreadable ranges" bad.log.txt || fail "the text log lists no ranges"
grep -q "^  1048576 4096 2048 8 Input/output error" bad.log.txt || fail "text log range"

ewfinfo bad.E01 > info
grep -q "total number: 4" info || { cat info >&2; fail "ewfinfo: not 4 acquisition errors"; }
for s in "2048 - 2055 number: 8" "4094 - 4097 number: 4" "6145 - 6145 number: 1" "9765 - 9765 number: 1"; do
	grep -q "at sector(s): $s" info || { cat info >&2; fail "ewfinfo lacks '$s'"; }
done
ewf_ok bad.E01 || fail "ewfverify rejects the image"
ewfexport -q -u -t back -f raw bad.E01 >/dev/null 2>&1
cmp back.raw want.img || fail "the image is not the source with the bad sectors zeroed"
expect_exit 0 "$LT" verify bad.E01
exit 0
