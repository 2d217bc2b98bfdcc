# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for tests/e2e/acquire/*.sh (sourced; not a test itself).
# The runner gives LT (the binary), ROOT (the repository), SHARED and TMPDIR.

set -euo pipefail

: "${LT:?LT must name the leaktriage binary}"
: "${TMPDIR:=/tmp}"
T=$(mktemp -d "$TMPDIR/acquire.XXXXXX")
trap 'rm -rf "$T"' EXIT
REPO=${ROOT:-$PWD}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null || fail "the tool '$t' is missing (make deps)"
	done
}

# A deterministic 8 MiB byte pattern that compresses somewhat.
make_pattern() { # make_pattern FILE [MiB]
	local mib=${2:-8}
	awk -v n=$((mib * 1024 * 1024 / 64)) 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%08x:%023d:%-30.30s\n", i, i * 7919 % 1000003,
				substr("leaktriage-acquire-test-pattern-data", 1 + i % 13)
	}' > "$1"
	[ "$(stat -c %s "$1")" -eq $((mib * 1024 * 1024)) ] || fail "pattern size"
}

# A small FAT file system with a few files and a deleted one.
make_fat() { # make_fat FILE
	need mkfs.fat mcopy mdel
	local d="$T/fatsrc"
	mkdir -p "$d/docs/deep/er"
	printf 'hello\n' > "$d/readme.txt"
	seq 1 4000 | awk '{ print $1 ",name" $1 ",1970-01-01" }' > "$d/docs/list.csv"
	printf 'gone\n' > "$d/deleted.txt"
	printf 'x\n' > "$d/docs/deep/er/leaf.txt"
	mkfs.fat -C --invariant -i 1234abcd -n LTACQ "$1" 8192 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$1" "$d"/* ::/
	MTOOLS_SKIP_CHECK=1 mdel -i "$1" ::/deleted.txt
}

# Build the fault injector (tests/fault/eio-preload.c) into $T/eio.so.
build_eio() {
	need cc
	cc -shared -fPIC -o "$T/eio.so" "$REPO/tests/fault/eio-preload.c" -ldl ||
		fail "cannot build the fault injector"
}

# Run leaktriage with the fault injector.  A sanitizer build wants to be
# first in the library list; the injector only wraps libc reads.
with_eio() {
	env LD_PRELOAD="$T/eio.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$@"
}

md5_of() { md5sum < "$1" | cut -c1-32; }
sha1_of() { sha1sum < "$1" | cut -c1-40; }
sha256_of() { sha256sum < "$1" | cut -c1-64; }

# Fail unless the JSON expression on FILE prints EXPECTED.
json_is() { # json_is FILE JQ-EXPR EXPECTED
	need jq
	local got
	got=$(jq -c "$2" "$1") || fail "'$1' is not valid JSON"
	[ "$got" = "$3" ] || fail "$1: $2 is $got, expected $3"
}

# Expect the exit status of "$@" to be $1.
expect_exit() { # expect_exit STATUS CMD...
	local want=$1 got=0
	shift
	"$@" >"$T/out" 2>"$T/err" || got=$?
	[ "$got" -eq "$want" ] || {
		cat "$T/err" >&2
		fail "'$*' exited $got, expected $want"
	}
}

# ewfverify accepts the E01 set (its output is in $T/ewfverify.out).
ewf_ok() { # ewf_ok IMAGE.E01
	ewfverify -q "$1" > "$T/ewfverify.out" 2>&1 && grep -q "SUCCESS" "$T/ewfverify.out"
}

# ewfinfo's report on the image matches the grep pattern.
ewfinfo_has() { # ewfinfo_has IMAGE.E01 PATTERN
	ewfinfo "$1" > "$T/ewfinfo.out" 2>&1 || return 1
	grep -q -- "$2" "$T/ewfinfo.out"
}
