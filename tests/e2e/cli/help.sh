# Every command answers --help and `help CMD` on stdout with exit 0; usage
# errors are one line plus "Try ..." on stderr with exit 2.
. "$ROOT/tests/e2e/lib/common.sh"
"$LT" --help > top
grep -q '^usage: leaktriage' top || die "no usage"
cmds=$(sed -n '/^Commands:/,/^$/p' top | awk 'NF>1 {print $1}')
[ -n "$cmds" ] || die "no commands listed"
for c in $cmds; do
	"$LT" "$c" --help > h1 || die "$c --help failed"
	"$LT" help "$c" > h2 || die "help $c failed"
	grep -q "^usage: leaktriage $c" h1 || die "$c --help has no usage line"
	cmp -s h1 h2 || die "help $c differs from $c --help"
	expect_exit 2 "$LT" "$c" --no-such-option
	[ "$(wc -l < err)" = 2 ] || die "$c: usage error is not two lines"
	grep -q "^Try 'leaktriage $c --help'" err || die "$c: no Try line"
done
"$LT" --version | grep -qE '^leaktriage [0-9]+\.[0-9]+\.[0-9]+$' || die "--version"
expect_exit 2 "$LT" frobnicate
grep -q "unknown command 'frobnicate'" err || die "unknown command"
expect_exit 2 "$LT"
expect_exit 2 "$LT" walk
grep -q "no source given" err || die "walk without source"
expect_exit 2 "$LT" walk --json --bodyfile x
