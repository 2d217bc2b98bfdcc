#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run-bench.sh: the driver behind `make bench`.
#
# Runs every bench/bench-NAME.sh, each as `bench-NAME.sh LT WORKDIR`, in the
# order of ORDER below (then any other bench-*.sh, alphabetically), shows
# what they print, and ends with a summary: one line per target, taken from
# the lines of the form "... ratio R (target <= T)" (or ">= T").
#
#   BUILD         build directory holding leaktriage (default: build)
#   BENCH_RUNS    timed runs of each command (default 5, scripts may ignore)
#   BENCH_STRICT  1: a missed target counts as a failure too
#
# Exit status: non-zero when a bench script failed (or, with BENCH_STRICT=1,
# a target was missed).  A missing script is skipped with a note.

set -u

ORDER="walk scan xlsx acquire proxy"

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

BUILD=${BUILD:-build}
case $BUILD in
/*) lt=$BUILD/leaktriage ;;
*) lt=$root/$BUILD/leaktriage ;;
esac
work=$here/work
mkdir -p "$work" || exit 1

if [ ! -x "$lt" ]; then
	echo "run-bench: $lt not found; run 'make' (or 'make bench')" >&2
	exit 1
fi

scripts=
for n in $ORDER; do
	scripts="$scripts $n"
done
for f in "$here"/bench-*.sh; do
	[ -e "$f" ] || continue
	n=${f##*/bench-}
	n=${n%.sh}
	case " $scripts " in
	*" $n "*) ;;
	*) scripts="$scripts $n" ;;
	esac
done

echo "leaktriage bench: $("$lt" --version 2>/dev/null | head -n 1)," \
	"$(fls -V 2>/dev/null | head -n 1)," \
	"$(nproc 2>/dev/null || echo '?') CPUs, $(uname -sr)"
echo "work dir: $work"

summary=$work/.summary
: > "$summary"
failed=0
missed=0
for n in $scripts; do
	s=$here/bench-$n.sh
	if [ ! -f "$s" ]; then
		echo
		echo "== $n: bench/bench-$n.sh missing, skipped"
		echo "$n: skipped (bench/bench-$n.sh missing)" >> "$summary"
		continue
	fi
	echo
	echo "== $n"
	log=$work/.bench-$n.log
	rcf=$work/.bench-$n.rc
	start=$(date +%s)
	{
		if [ -x "$s" ]; then
			"$s" "$lt" "$work" 2>&1
		else	# not executable: its #! line, else sh
			interp=$(sed -n '1s/^#![[:space:]]*//p' "$s")
			${interp:-sh} "$s" "$lt" "$work" 2>&1
		fi
		echo $? > "$rcf"
	} | tee "$log"
	rc=$(cat "$rcf" 2>/dev/null || echo 1)
	rm -f "$rcf"
	secs=$(($(date +%s) - start))
	found=0
	# "NAME (details): ... ratio R (target <= T)"
	sed -n 's/^\([^(:]*[^ (:]\).* ratio \([0-9.][0-9.]*\) (target \([<>]=\) \([0-9.][0-9.]*\)).*/\1|\2|\3|\4/p' \
		"$log" > "$log.targets"
	while IFS='|' read -r what ratio op want; do
		found=1
		if awk -v r="$ratio" -v w="$want" -v op="$op" \
			'BEGIN { exit !(op == "<=" ? r <= w : r >= w) }'; then
			verdict=met
		else
			verdict=MISSED
			missed=$((missed + 1))
		fi
		echo "$what: ratio $ratio (target $op $want) $verdict" >> "$summary"
	done < "$log.targets"
	rm -f "$log.targets"
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		echo "== $n FAILED (exit $rc, ${secs} s)"
		echo "$n: FAILED (exit $rc; log in bench/work/.bench-$n.log)" >> "$summary"
	elif [ $found = 0 ]; then
		echo "$n: ran, printed no 'ratio R (target ...)' line" >> "$summary"
	fi
done

echo
echo "== summary"
sed 's/^/  /' "$summary"
rm -f "$summary"

if [ $failed -gt 0 ]; then
	echo "run-bench: $failed benchmark(s) failed" >&2
	exit 1
fi
if [ $missed -gt 0 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
	echo "run-bench: $missed target(s) missed (BENCH_STRICT=1)" >&2
	exit 1
fi
exit 0
