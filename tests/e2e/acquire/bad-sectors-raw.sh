#!/usr/bin/env bash
# Raw acquisition through short reads and read errors: transient errors
# are retried away (--retries), persistent ones are narrowed down to the
# sector and zero-filled.
. "$(dirname "$0")/common.bash"
build_eio

make_pattern "$T/src.img" 4
cd "$T"

# Short reads only: an exact copy.
with_eio env LT_EIO_PATH=src.img LT_EIO_MAX_READ=3000 \
	"$LT" acquire --format raw src.img short.raw >/dev/null 2>err || { cat err >&2; fail "short reads"; }
cmp short.raw src.img || fail "short reads changed the copy"

# An error that goes away after two failures: the two default retries
# get the data, nothing is lost.
with_eio env LT_EIO_PATH=src.img LT_EIO_RANGES=1048576:4096 LT_EIO_FAIL_TIMES=2 \
	"$LT" acquire --format raw src.img transient.raw >/dev/null 2>err || fail "transient"
cmp transient.raw src.img || fail "a transient error left a hole"
json_is transient.raw.log.json .bad_ranges '[]'
[ ! -s err ] || { cat err >&2; fail "warnings for a transient error"; }

# An error that goes away after three failures, without retries: the
# block read fails, then the read of its 64-sector granule, then the read
# of the first sector; the next sectors read: one sector lost.
with_eio env LT_EIO_PATH=src.img LT_EIO_RANGES=1048576:4096 LT_EIO_FAIL_TIMES=3 \
	"$LT" acquire --format raw --retries 0 src.img once.raw >/dev/null 2>err || fail "retries 0"
json_is once.raw.log.json '[.bad_ranges[] | [.offset, .length]]' '[[1048576,512]]'
cp src.img want.img
dd if=/dev/zero of=want.img bs=512 seek=2048 count=1 conv=notrunc status=none
cmp once.raw want.img || fail "the copy is not the source with one sector zeroed"

# Persistent errors with short reads and 4096-byte sectors: whole sectors.
with_eio env LT_EIO_PATH=src.img LT_EIO_RANGES=100000:10,4190000:10 LT_EIO_MAX_READ=65536 \
	"$LT" acquire --format raw --sector-size 4096 src.img big.raw >/dev/null 2>err || fail "4096"
json_is big.raw.log.json '[.bad_ranges[] | [.offset, .length, .first_sector, .sectors]]' \
	'[[98304,4096,24,1],[4186112,4096,1022,1]]'
cp src.img want2.img
dd if=/dev/zero of=want2.img bs=4096 seek=24 count=1 conv=notrunc status=none
dd if=/dev/zero of=want2.img bs=4096 seek=1022 count=1 conv=notrunc status=none
cmp big.raw want2.img || fail "4096-byte sectors not zeroed as expected"
json_is big.raw.log.json .hashes.sha256 "\"$(sha256_of want2.img)\""
expect_exit 0 "$LT" verify big.raw
exit 0
