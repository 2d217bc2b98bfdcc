#!/usr/bin/env bash
# acquire and verify answer --help (stdout, exit 0), also as `help CMD`.
. "$(dirname "$0")/common.bash"

for cmd in acquire verify; do
	expect_exit 0 "$LT" "$cmd" --help
	grep -q "^usage: leaktriage $cmd" "$T/out" || fail "$cmd --help: no usage line"
	[ ! -s "$T/err" ] || fail "$cmd --help wrote to stderr"
	expect_exit 0 "$LT" help "$cmd"
	grep -q "^usage: leaktriage $cmd" "$T/out" || fail "help $cmd: no usage line"
done
"$LT" acquire --help > "$T/help"
for opt in --format --case-number --evidence-number --examiner --description \
	--notes --compression --segment-size --sector-size --retries --hash --force; do
	grep -q -- "$opt" "$T/help" || fail "acquire --help does not list $opt"
done
"$LT" --help > "$T/help"
grep -q '^ *acquire ' "$T/help" || fail "leaktriage --help does not list acquire"
grep -q '^ *verify ' "$T/help" || fail "leaktriage --help does not list verify"
