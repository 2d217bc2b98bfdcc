#!/usr/bin/env bash
# Refusals: an existing OUT is never touched (exit 2); a missing SRC, a
# directory, an empty file or a FIFO cannot be imaged (exit 3); an OUT in
# a missing directory cannot be created (exit 4).  Nothing is left behind
# by a refused run.
. "$(dirname "$0")/common.bash"

make_pattern "$T/src.img" 1
cd "$T"

# Existing outputs, for E01 (any segment, or a log) and raw.
for existing in ev.E01 ev.E02 ev.e05 ev.log.json ev.log.txt; do
	echo precious > "$existing"
	expect_exit 2 "$LT" acquire src.img ev
	grep -q "error: '[^']*$existing' exists: refusing to overwrite" "$T/err" ||
		{ cat "$T/err" >&2; fail "no refusal message for $existing"; }
	[ "$(cat "$existing")" = precious ] || fail "$existing was modified"
	rm -f "$existing"
	ls ev* >/dev/null 2>&1 && fail "a refused run left files behind: $(ls ev*)"
done
echo precious > ev.E01
expect_exit 2 "$LT" acquire src.img ev.E01
[ "$(cat ev.E01)" = precious ] || fail "ev.E01 was modified"
rm -f ev.E01
echo precious > copy.raw
expect_exit 2 "$LT" acquire --format raw src.img copy.raw
[ "$(cat copy.raw)" = precious ] || fail "copy.raw was modified"
echo precious > copy2.raw.log.json
expect_exit 2 "$LT" acquire --format raw src.img copy2.raw
[ ! -e copy2.raw ] || fail "copy2.raw was created although its log exists"

# Sources that cannot be imaged.
expect_exit 3 "$LT" acquire missing.img ev
grep -q "cannot image 'missing.img': no such file or device" "$T/err" || fail "missing: message"
mkdir adir
expect_exit 3 "$LT" acquire adir ev
grep -q "cannot image 'adir': is a directory" "$T/err" || fail "directory: message"
: > empty.img
expect_exit 3 "$LT" acquire empty.img ev
grep -q "is empty" "$T/err" || fail "empty: message"
mkfifo fifo
expect_exit 3 "$LT" acquire fifo ev
grep -q "not a block device or a regular file" "$T/err" || fail "fifo: message"
ls ev* >/dev/null 2>&1 && fail "refused runs left files behind: $(ls ev*)"

# An output that cannot be created: 4, like any failure to write the image.
expect_exit 4 "$LT" acquire src.img nodir/ev
grep -q "cannot write to 'nodir': no such directory" "$T/err" || fail "no-dir: message"
exit 0
