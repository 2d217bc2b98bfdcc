#!/usr/bin/env bash
# Runs every test: unit programs, then end-to-end scripts, then the fuzz
# corpora replay.  Ends with the line "N passed, N failed".
#
# An e2e test is tests/e2e/<group>/<name>.sh, run from a scratch directory
# with a clean environment (env -i) and these variables:
#   LT       the leaktriage binary (absolute path)
#   ROOT     the repository
#   SAMPLES  build/samples (the committed sample images, unpacked)
#   SHARED   ../shared/testdata (third-party test data; never copied in)
#   TMPDIR   the scratch directory (removed after a pass)
#   LT_LONG  1 under `make check-long`
# It passes when it exits 0, or with the status in <name>.sh.exit if that
# file exists; <name>.sh.stdout.exact must equal stdout and
# <name>.sh.stderr.glob must match stderr (bash pattern) when present.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SHARED=${LT_SHARED:-$ROOT/../shared/testdata}
[ -d "$SHARED" ] || SHARED=/work/shared/testdata
ONLY=${1:-}
pass=0
fail=0
failed=()

report() { # name rc logfile
	if [ "$2" = 0 ]; then
		pass=$((pass + 1))
		[ -n "${V:-}" ] && echo "ok   $1"
	else
		fail=$((fail + 1))
		failed+=("$1")
		echo "FAIL $1"
		[ -f "$3" ] && tail -n 25 "$3" | sed 's/^/     | /'
	fi
}

# Fail fast with a clear reason when the third-party data is missing:
# tests must not silently skip.
[ -d "$SHARED" ] || echo "warning: no shared test data at $SHARED" >&2

for t in "$BUILD"/tests/t-*; do
	case "$t" in *.d) continue ;; esac
	[ -x "$t" ] || continue
	name="unit/$(basename "$t")"
	[ -n "$ONLY" ] && [[ "$name" != *$ONLY* ]] && continue
	log=$(mktemp)
	(cd "$ROOT" && SHARED="$SHARED" "$t") > "$log" 2>&1
	report "$name" $? "$log"
	rm -f "$log"
done

for s in "$ROOT"/tests/e2e/*/*.sh; do
	[ -f "$s" ] || continue
	name="e2e/$(basename "$(dirname "$s")")/$(basename "$s" .sh)"
	[ -n "$ONLY" ] && [[ "$name" != *$ONLY* ]] && continue
	tmp=$(mktemp -d)
	(cd "$tmp" && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$tmp" TMPDIR="$tmp" LANG=C.UTF-8 TZ=UTC \
		LT="$BUILD/leaktriage" ROOT="$ROOT" SAMPLES="$ROOT/build/samples" \
		SHARED="$SHARED" LT_LONG="${LT_LONG:-}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
		timeout 600 bash "$s" > "$tmp/.stdout" 2> "$tmp/.stderr")
	rc=$?
	want=0
	[ -f "$s.exit" ] && want=$(cat "$s.exit")
	ok=0
	if [ "$rc" != "$want" ]; then
		ok=1
		echo "exit status $rc, expected $want" >> "$tmp/.stderr"
	fi
	if [ -f "$s.stdout.exact" ] && ! cmp -s "$s.stdout.exact" "$tmp/.stdout"; then
		ok=1
		diff -u "$s.stdout.exact" "$tmp/.stdout" | head -40 >> "$tmp/.stderr"
	fi
	if [ -f "$s.stderr.glob" ]; then
		pat=$(cat "$s.stderr.glob")
		# shellcheck disable=SC2053
		[[ "$(cat "$tmp/.stderr")" == $pat ]] || { ok=1; echo "stderr does not match $s.stderr.glob" >> "$tmp/.stderr"; }
	fi
	report "$name" $ok "$tmp/.stderr"
	rm -rf "$tmp"
done

for f in "$BUILD"/fuzz-replay/fuzz-*; do
	[ -x "$f" ] || continue
	target=$(basename "$f")
	name="fuzz/$target"
	[ -n "$ONLY" ] && [[ "$name" != *$ONLY* ]] && continue
	log=$(mktemp)
	"$f" "$ROOT/tests/fuzz/corpus/${target#fuzz-}" > "$log" 2>&1
	report "$name" $? "$log"
	rm -f "$log"
done

if [ "$fail" -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
