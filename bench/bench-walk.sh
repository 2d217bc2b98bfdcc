#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/bench-walk.sh LT WORKDIR
#
# `LT walk --json IMAGE` against `fls -r -p IMAGE` on the 100,000-file NTFS
# image of bench/make-ntfs-image.sh (built on first use, then reused).
# Both write to /dev/null.  One warm-up run of each (page cache warm), then
# BENCH_RUNS (default 5) runs of each, alternating; the median wall times
# are compared.  Target: leaktriage no slower than fls (ratio <= 1.0).
#
# Prints one result line ("... ratio R (target <= T)", which run-bench.sh
# picks up for its summary), then the entry counts of both (wc -l) and the
# peak RSS of both.

set -eu

TARGET=1.0
RUNS=${BENCH_RUNS:-5}

die() { echo "bench-walk: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 LT WORKDIR"
lt=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)

[ -x "$lt" ] || die "$lt: no leaktriage binary (make)"
command -v fls > /dev/null 2>&1 || die "fls not found (make deps: sleuthkit)"
command -v python3 > /dev/null 2>&1 || die "python3 not found (make deps)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (make deps: time)"

"$here/make-ntfs-image.sh" "$work"
img=$work/ntfs-100k.img
info=$work/ntfs-100k.info
[ -f "$img" ] || die "$img was not built"

files=$(sed -n 's/^files_live=//p' "$info" 2>/dev/null || :)
[ -n "$files" ] || files="?"
gib=$(stat -c %s "$img" | awk '{printf "%.1f", $1 / 1073741824}')

# Entry counts (this run also warms the page cache).
lt_n=$("$lt" walk --json "$img" | wc -l) || die "leaktriage walk failed"
fls_n=$(fls -r -p "$img" | wc -l) || die "fls failed"
[ "$lt_n" -gt 0 ] || die "leaktriage walk listed no entries"

# Peak RSS (KiB).
rss() {
	/usr/bin/time -f %M -o "$work/.rss" "$@" > /dev/null 2>&1 ||
		die "$* failed"
	tail -n 1 "$work/.rss"
}
lt_rss=$(rss "$lt" walk --json "$img")
fls_rss=$(rss fls -r -p "$img")
rm -f "$work/.rss"

python3 - "$RUNS" "$TARGET" "$files" "$gib" "$lt" "$img" <<'PY'
import statistics, subprocess, sys, time

runs, target, files, gib, lt, img = sys.argv[1:]
runs, target = int(runs), float(target)
cmds = {
    "leaktriage": [lt, "walk", "--json", img],
    "fls": ["fls", "-r", "-p", img],
}

def once(name):
    t = time.perf_counter()
    r = subprocess.run(cmds[name], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    el = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("bench-walk: %s exited %d" % (" ".join(cmds[name]),
                                               r.returncode))
    return el

times = {n: [] for n in cmds}
for n in cmds:                          # warm-up
    once(n)
for _ in range(runs):                   # alternate
    for n in cmds:
        times[n].append(once(n))
med = {n: statistics.median(v) for n, v in times.items()}
ratio = med["leaktriage"] / med["fls"]
print("walk --json vs fls -r -p (%s files, %s GiB NTFS): leaktriage %.2fs "
      "fls %.2fs ratio %.2f (target <= %.1f)"
      % (files, gib, med["leaktriage"], med["fls"], ratio, target))
for n in cmds:
    print("  runs %-10s %s" % (n, " ".join("%.3f" % t for t in times[n])))
PY

echo "  entries    leaktriage $lt_n, fls $fls_n (wc -l)$(
	[ "$lt_n" = "$fls_n" ] || echo "  ** differ by $((lt_n - fls_n)) **")"
echo "  peak RSS   leaktriage walk $lt_rss KiB, fls $fls_rss KiB"
