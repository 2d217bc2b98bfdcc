#!/usr/bin/env bash
# A block device mounted read-write is refused (exit 2, nothing written)
# unless --force.  Uses the device the root (or another) file system is
# mounted from when this machine exposes one we can open; otherwise there
# is nothing to test here and the test passes saying so.
. "$(dirname "$0")/common.bash"

dev=
while read -r _ _ _ _ _ opts rest; do
	case $opts in rw|rw,*) ;; *) continue ;; esac
	src=${rest#*- }; src=${src#* }; src=${src%% *}
	case $src in /dev/*) ;; *) continue ;; esac
	[ -b "$src" ] && [ -r "$src" ] || continue
	dev=$src
	break
done < /proc/self/mountinfo
if [ -z "$dev" ]; then
	echo "mounted-rw: no read-write mounted block device readable here: nothing to check"
	exit 0
fi
cd "$T"
expect_exit 2 "$LT" acquire "$dev" ev
grep -q "refusing to image '$dev': in use read-write: '[^']*' on '[^']*'" "$T/err" ||
	{ cat "$T/err" >&2; fail "no clear refusal for '$dev'"; }
grep -q -- "--force" "$T/err" || fail "the refusal does not mention --force"
ls ev* >/dev/null 2>&1 && fail "a refused run left files behind"
exit 0
