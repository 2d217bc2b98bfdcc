#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench-acquire.sh LEAKTRIAGE WORKDIR
#
# Acquisition throughput of `leaktriage acquire` against the reference
# tools on the same source, as DESIGN.md asks ("acquire: no slower than
# ewfacquire with the same compression and hashes"):
#   E01 (none, fast, best; MD5+SHA1)  vs  ewfacquire -u -c LEVEL -d sha1
#   raw (MD5)                         vs  dd | tee OUT | md5sum
#   raw (MD5+SHA1+SHA256)             vs  dd | tee OUT >(sha1sum) >(sha256sum) | md5sum
# Each tool runs RUNS times (default BENCH_RUNS, else 3), interleaved; the
# median wall time is printed, one line per comparison, with
# ratio = leaktriage / reference (the bench/run-bench.sh summary format).
#
# The source is WORKDIR/acquire-src-<N>M.img (SIZE_MB, default 1024),
# generated once, deterministically, if absent: 4 MiB pieces cycling
# through AES-CTR noise (incompressible), zeros, base64 text and
# proxy-log-like lines, i.e. a disk that is partly compressible.  It is
# read once before timing so that every run reads it from the page cache:
# the figures compare CPU and copy efficiency, not the disk.  Outputs go
# to WORKDIR and are removed after each run; `sync` runs before each run
# so that one run's writeback does not land in the next one's time.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 LEAKTRIAGE WORKDIR" >&2
	exit 2
fi
LT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$2
RUNS=${RUNS:-${BENCH_RUNS:-3}}
SIZE_MB=${SIZE_MB:-1024}
PIECE_MB=4

for t in ewfacquire dd tee md5sum sha1sum sha256sum openssl base64 awk; do
	command -v "$t" >/dev/null || { echo "bench-acquire: '$t' is missing" >&2; exit 2; }
done
[ -x "$LT" ] || { echo "bench-acquire: '$LT' is not executable" >&2; exit 2; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SRC=$WORK/acquire-src-${SIZE_MB}M.img
OUT=$WORK/acquire-out
rm -rf "$OUT"
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT

stream() ( # stream KIND BYTES: one deterministic quarter of the source
	set +o pipefail # the generators die of SIGPIPE when head has enough
	key=000102030405060708090a0b0c0d0e0f iv=00000000000000000000000000000000
	case $1 in
	noise) openssl enc -aes-128-ctr -nosalt -K $key -iv $iv -in /dev/zero 2>/dev/null | head -c "$2" ;;
	text) openssl enc -aes-128-ctr -nosalt -K 0f0e0d0c0b0a09080706050403020100 -iv $iv \
			-in /dev/zero 2>/dev/null | base64 -w 76 | head -c "$2" ;;
	log) awk 'BEGIN { for (i = 1; ; i++)
		printf "2015-05-21T%02d:%02d:%02dZ 10.1.%d.%d GET http://www.example.jp/list?id=%d 200 %d\n",
			int(i / 3600) % 24, int(i / 60) % 60, i % 60, i % 200, i % 250, i, (i * 7919) % 65536 }' \
		| head -c "$2" ;;
	esac
)

if [ ! -f "$SRC" ]; then
	echo "bench-acquire: generating $SRC (${SIZE_MB} MiB)" >&2
	q=$(( SIZE_MB * 1024 * 1024 / 4 ))
	for k in noise text log; do stream $k $q > "$WORK/.part-$k"; done
	pieces=$(( SIZE_MB / PIECE_MB ))
	: > "$SRC.tmp"
	for ((p = 0; p < pieces; p++)); do
		i=$(( p / 4 ))
		case $(( p % 4 )) in
		0) dd if="$WORK/.part-noise" bs=${PIECE_MB}M skip=$i count=1 status=none ;;
		1) dd if=/dev/zero bs=${PIECE_MB}M count=1 status=none ;;
		2) dd if="$WORK/.part-text" bs=${PIECE_MB}M skip=$i count=1 status=none ;;
		3) dd if="$WORK/.part-log" bs=${PIECE_MB}M skip=$i count=1 status=none ;;
		esac
	done >> "$SRC.tmp"
	rm -f "$WORK"/.part-*
	mv "$SRC.tmp" "$SRC"
fi
echo "source: $SRC ($(stat -c %s "$SRC") bytes, md5 $(md5sum < "$SRC" | cut -c1-32))"
echo "cpus: $(nproc), runs: $RUNS (median wall time)"
cat "$SRC" > /dev/null

# wall seconds of one run of "$@", stdout/stderr discarded
timed() {
	local s e
	sync
	s=$(date +%s%N)
	if ! "$@" >/dev/null 2>"$OUT/.err"; then
		echo "bench-acquire: failed: $*" >&2
		cat "$OUT/.err" >&2
		exit 1
	fi
	e=$(date +%s%N)
	echo $(( e - s ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

clean() { rm -rf "${OUT:?}"/*; }

lt_e01() { "$LT" acquire -q --compression "$1" --hash md5,sha1 "$SRC" "$OUT/lt"; }
ea_e01() { ewfacquire -u -q -t "$OUT/ea" -c "$1" -f encase6 -d sha1 "$SRC"; }
lt_raw() { "$LT" acquire -q --format raw --hash "$1" "$SRC" "$OUT/lt.raw"; }
dd_md5() { dd if="$SRC" bs=1M status=none | tee "$OUT/dd.raw" | md5sum; }
dd_all() {
	dd if="$SRC" bs=1M status=none |
		tee "$OUT/dd.raw" >(sha1sum > "$OUT/sha1") >(sha256sum > "$OUT/sha256") |
		md5sum
}

# compare LABEL REFNAME "lt command" "reference command"
# (the commands are a function name and its words: left unquoted on purpose)
compare() {
	local label=$1 refname=$2 i ta tb
	: > "$WORK/.ta"; : > "$WORK/.tb"
	for ((i = 0; i < RUNS; i++)); do
		# shellcheck disable=SC2086
		timed $3 >> "$WORK/.ta"; clean
		# shellcheck disable=SC2086
		timed $4 >> "$WORK/.tb"; clean
	done
	ta=$(median < "$WORK/.ta")
	tb=$(median < "$WORK/.tb")
	rm -f "$WORK/.ta" "$WORK/.tb"
	awk -v l="$label" -v r="$refname" -v a="$ta" -v b="$tb" 'BEGIN {
		printf "%s: leaktriage %.2fs %s %.2fs ratio %.2f (target <= 1.0)\n",
			l, a / 1e9, r, b / 1e9, a / b }'
}

compare "acquire e01 none" ewfacquire "lt_e01 none" "ea_e01 none"
compare "acquire e01 fast" ewfacquire "lt_e01 fast" "ea_e01 fast"
compare "acquire e01 best" ewfacquire "lt_e01 best" "ea_e01 best"
compare "acquire raw md5" dd+md5sum "lt_raw md5" dd_md5
compare "acquire raw md5,sha1,sha256" dd+md5sum+sha1sum+sha256sum "lt_raw md5,sha1,sha256" dd_all
