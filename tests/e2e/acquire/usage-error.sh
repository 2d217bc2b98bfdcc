#!/usr/bin/env bash
# Bad command lines exit 2 with one error line and a hint, and write nothing.
. "$(dirname "$0")/common.bash"

make_pattern "$T/src.img" 1
cd "$T"
check() { # check CMD...: exit 2, "Try" hint, no output files
	expect_exit 2 "$@"
	grep -q "^leaktriage [a-z]*: error: " "$T/err" || fail "'$*': no error line"
	grep -q "^Try 'leaktriage [a-z]* --help'" "$T/err" || fail "'$*': no hint"
	if ls "$T"/ev* >/dev/null 2>&1; then fail "'$*' created output"; fi
}
check "$LT" acquire
check "$LT" acquire src.img
check "$LT" acquire src.img ev extra
check "$LT" acquire --format vmdk src.img ev
check "$LT" acquire --compression huge src.img ev
check "$LT" acquire --format raw --compression best src.img ev
check "$LT" acquire --format raw --segment-size 10M src.img ev
check "$LT" acquire --segment-size 1000 src.img ev
check "$LT" acquire --sector-size 1000 src.img ev
check "$LT" acquire --retries -1 src.img ev
check "$LT" acquire --retries many src.img ev
check "$LT" acquire --hash md4 src.img ev
check "$LT" acquire --hash , src.img ev
check "$LT" acquire --no-such-option src.img ev
check "$LT" verify
check "$LT" verify --bogus src.img
