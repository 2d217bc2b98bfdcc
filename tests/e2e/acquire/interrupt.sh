#!/usr/bin/env bash
# Ctrl-C (SIGINT) during an acquisition: leaktriage dies of the signal
# after closing the image properly; the logs say the image is incomplete;
# the partial E01 is still a valid image of what was read, and verify
# warns that it is incomplete.
. "$(dirname "$0")/common.bash"
need ewfverify
build_eio

make_pattern "$T/src.img" 8
cd "$T"
for fmt in e01 raw; do
	img=slow.E01; base=slow
	[ $fmt = raw ] && { img=slow.raw; base=slow.raw; }
	# A slow source: 128 KiB per read, 30 ms each (about 2 s in all).
	# exec: $! must be leaktriage itself, not a subshell (which, in the
	# background, would ignore SIGINT).
	(exec env LD_PRELOAD="$T/eio.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		LT_EIO_PATH=src.img LT_EIO_DELAY_US=30000 LT_EIO_MAX_READ=131072 \
		"$LT" acquire --format $fmt src.img $base >out 2>err) &
	pid=$!
	for _ in $(seq 200); do
		[ -s "$img" ] && break
		sleep 0.05
	done
	[ -s "$img" ] || fail "$fmt: the image never started"
	kill -INT $pid
	st=0
	wait $pid || st=$?
	[ $st -eq 130 ] || { cat err >&2; fail "$fmt: exit status $st, expected 130 (SIGINT)"; }
	grep -q "error: interrupted: the image '$img' is incomplete" err || { cat err >&2; fail "$fmt: message"; }
	json_is $base.log.json .complete false
	json_is $base.log.json '.incomplete_reason | startswith("interrupted after")' true
	json_is $base.log.json '.bytes_written < 8388608 and .bytes_written > 0' true
	grep -q "^Status: *INCOMPLETE: interrupted" $base.log.txt || fail "$fmt: text log"
	[ "$(jq .bytes_written $base.log.json)" = "$(if [ $fmt = raw ]; then stat -c %s $img; else jq .image.size $base.log.json; fi)" ] ||
		fail "$fmt: the log's size is not the image's"
	expect_exit 0 "$LT" verify $img
	grep -q "warning: .* the acquisition log says the image is incomplete" err || fail "$fmt: verify did not warn"
done
ewf_ok slow.E01 || fail "the interrupted E01 is not valid"
head -c "$(jq .bytes_written slow.raw.log.json)" src.img | cmp - slow.raw ||
	fail "the interrupted raw image is not a prefix of the source"
exit 0
