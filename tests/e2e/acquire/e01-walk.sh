#!/usr/bin/env bash
# `leaktriage walk --json` of the E01 lists exactly what the walk of the
# source lists (but for the evidence name).
. "$(dirname "$0")/common.bash"
need jq

make_fat "$T/src.img"
cd "$T"
expect_exit 0 "$LT" acquire --compression fast src.img usb
"$LT" walk --json src.img | jq -c 'del(.evidence)' > walk-src || fail "walk of the source"
"$LT" walk --json usb.E01 | jq -c 'del(.evidence)' > walk-e01 || fail "walk of the E01"
[ "$(wc -l < walk-src)" -ge 4 ] || fail "the walk of the source lists too little"
diff walk-src walk-e01 >&2 || fail "the walks differ"
exit 0
