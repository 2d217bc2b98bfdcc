# Usage errors exit 2 with one line and "Try ..."; a case that does not
# exist exits 3; --help lists every format.
. "$ROOT/tests/e2e/lib/common.sh"
"$LT" report --help > h
for f in text md csv json html; do grep -q "$f" h || die "--help does not name $f"; done
grep -q -- '--approx' h && grep -q -- '--files' h || die "--help: options"
check_usage() { # MESSAGE ARGS...
	local msg=$1
	shift
	expect_exit 2 "$LT" report "$@"
	grep -q -- "$msg" err || { cat err >&2; die "no '$msg'"; }
	grep -q "^Try 'leaktriage report --help'" err || die "no Try line"
	[ "$(wc -l < err)" = 2 ] || die "usage error is not two lines"
}
check_usage "--case is required"
check_usage "unknown format 'pdf'" --case x.db --format pdf
check_usage "unknown profile 'foo'" --case x.db --profile foo
check_usage "unknown scope 'all'" --case x.db --scope all
check_usage "unknown language 'fr'" --case x.db --lang fr
check_usage "unexpected argument 'extra'" --case x.db extra
expect_exit 3 "$LT" report --case missing.db
grep -q "missing.db" err || die "missing case: message"
[ ! -e missing.db ] || die "report created a case database"
