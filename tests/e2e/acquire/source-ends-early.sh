#!/usr/bin/env bash
# A source that ends before its announced size (it shrank, or a file was
# truncated while it was read; simulated by reads returning 0 past an
# offset): the image keeps the announced size, the missing tail is zeros
# and is logged as one range, and stderr says what happened.
. "$(dirname "$0")/common.bash"
need ewfverify ewfexport
build_eio

make_pattern "$T/src.img" 8
cd "$T"
{ head -c 3000000 src.img; head -c $((8388608 - 3000000)) /dev/zero; } > want.img

with_eio env LT_EIO_PATH=src.img LT_EIO_EOF=3000000 LT_EIO_MAX_READ=100000 \
	"$LT" acquire src.img early >/dev/null 2>err || { cat err >&2; fail "acquire"; }
grep -q "the source ended at byte 3000000, 5388608 bytes early" err || { cat err >&2; fail "no warning"; }
json_is early.log.json '.source.ended_at' 3000000
json_is early.log.json '[.bad_ranges[] | [.offset, .length]]' '[[3000000,5388608]]'
json_is early.log.json '.bad_ranges[0].error | startswith("end of source")' true
json_is early.log.json '[.bytes_read, .bytes_written]' '[3000000,8388608]'
ewf_ok early.E01 || fail "ewfverify rejects the image"
ewfexport -q -u -t back -f raw early.E01 >/dev/null 2>&1
cmp back.raw want.img || fail "the image is not the readable part plus zeros"
grep -q "^Source ended: *at byte 3000000 of 8388608" early.log.txt || fail "text log"

with_eio env LT_EIO_PATH=src.img LT_EIO_EOF=3000000 \
	"$LT" acquire --format raw src.img early.raw >/dev/null 2>err || fail "raw acquire"
cmp early.raw want.img || fail "raw: not the readable part plus zeros"
expect_exit 0 "$LT" verify early.raw
exit 0
