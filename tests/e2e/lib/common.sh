# Sourced by e2e tests: helpers and fail-fast checks.
# shellcheck shell=bash
set -euo pipefail
CMP="python3 $ROOT/tests/e2e/lib/fls_compare.py"

die() { echo "FAIL: $*" >&2; exit 1; }
need() { [ -e "$1" ] || die "missing test input '$1' (run make samples / check ../shared)"; }

# expect_exit CODE cmd...: run, keep stderr in $TMPDIR/err, check status
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" > "$TMPDIR/out" 2> "$TMPDIR/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$TMPDIR/err" >&2; die "'$*' exited $rc, expected $want"; }
}

# Walk JSON without the evidence key, for comparing containers.
walk_list() { "$LT" walk --json "$@" | jq -c 'del(.evidence)'; }
