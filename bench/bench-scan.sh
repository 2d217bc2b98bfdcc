#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/bench-scan.sh LT WORKDIR
#
# 1. `LT scan --jobs 2` of the 1 GiB, 100,000-file NTFS image (made by
#    bench/make-ntfs-image.sh) into a fresh case DB, against `md5sum IMAGE`
#    (reading and hashing every byte once is the floor).  Target: ratio
#    <= 1.5.  Peak RSS target: < 512 MiB.
# 2. Classification throughput: `LT scan --jobs 1` of a directory holding
#    one large generated CP932 CSV of personal-data-like rows (fake), in
#    MB/s of CSV.  Target: >= 100 MB/s per core.  Peak RSS < 512 MiB.
# Median of BENCH_RUNS (default 3) runs after a warm-up (page cache warm).
set -euo pipefail
TARGET_SCAN=1.5
TARGET_MBS=100
RUNS=${BENCH_RUNS:-3}
[ $# -eq 2 ] || { echo "usage: $0 LT WORKDIR" >&2; exit 2; }
lt=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # prints "seconds maxrss_kib cpu_seconds" (cpu: user + sys, all threads)
	/usr/bin/time -f '%e %M %U %S' -o "$work/.time" "$@" > /dev/null 2>&1 || {
		echo "bench-scan: '$*' failed" >&2; return 1; }
	awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/.time"
}

img=$work/ntfs-100k.img
"$here/make-ntfs-image.sh" "$work" >&2
[ -f "$img" ] || { echo "bench-scan: no $img" >&2; exit 1; }

# Warm-up both.
md5sum "$img" > /dev/null
rm -f "$work/scan.db"*
"$lt" scan -q --jobs 2 --case "$work/scan.db" "$img" > /dev/null 2>&1 || true
lt_t=() md5_t=() lt_cpu=() rss=0
for i in $(seq "$RUNS"); do
	rm -f "$work/scan.db"*
	read -r t m c < <(timeit "$lt" scan -q --jobs 2 --case "$work/scan.db" "$img")
	lt_t+=("$t")
	lt_cpu+=("$c")
	[ "$m" -gt "$rss" ] && rss=$m
	read -r t _ _ < <(timeit md5sum "$img")
	md5_t+=("$t")
done
lt_med=$(printf '%s\n' "${lt_t[@]}" | median)
md5_med=$(printf '%s\n' "${md5_t[@]}" | median)
files=$(sqlite3 "$work/scan.db" "SELECT count(*) FROM file")
recs=$(sqlite3 "$work/scan.db" "SELECT sum(n) FROM record_block")
ratio=$(awk -v a="$lt_med" -v b="$md5_med" 'BEGIN {printf "%.2f", a / b}')
echo "scan --jobs 2 vs md5sum (1.0 GiB NTFS, $files files, $recs records): leaktriage ${lt_med}s md5sum ${md5_med}s ratio $ratio (target <= $TARGET_SCAN)"
echo "  runs leaktriage ${lt_t[*]}"
echo "  CPU seconds (user + sys, all threads) leaktriage ${lt_cpu[*]}"
echo "  runs md5sum     ${md5_t[*]}"
echo "scan peak RSS ${rss} KiB vs 512 MiB: ratio $(awk -v r="$rss" 'BEGIN {printf "%.2f", r / 524288}') (target <= 1.0)"

# Classification of a large CP932 CSV.
csvdir=$work/cp932
csv=$csvdir/roster.csv
if [ ! -f "$csv" ] || [ "$(stat -c %s "$csv")" -lt 400000000 ]; then
	mkdir -p "$csvdir"
	python3 - "$csv" <<'PY'
import random, sys
r = random.Random(42)
fam = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
giv = ["太郎", "花子", "一郎", "美咲", "健太", "さくら", "翔", "陽菜", "大輔", "結衣"]
pref = ["東京都千代田区", "大阪府大阪市北区", "北海道札幌市中央区", "福岡県福岡市博多区", "愛知県名古屋市中区"]
with open(sys.argv[1], "w", encoding="cp932", newline="") as f:
    f.write("氏名,フリガナ,性別,生年月日,住所,電話番号,被保険者記号,被保険者番号\r\n")
    size = 0
    i = 0
    while size < 450_000_000:
        line = "%s %s,ヤマダ タロウ,%s,昭和%d年%d月%d日,%s%d-%d-%d,03-%04d-%04d,%d,%d\r\n" % (
            r.choice(fam), r.choice(giv), r.choice("男女"), r.randint(20, 63),
            r.randint(1, 12), r.randint(1, 28), r.choice(pref), r.randint(1, 9),
            r.randint(1, 30), r.randint(1, 20), r.randint(0, 9999), r.randint(0, 9999),
            r.randint(1000000, 9999999), r.randint(1, 999))
        f.write(line)
        size += len(line.encode("cp932"))
        i += 1
PY
fi
bytes=$(stat -c %s "$csv")
rm -f "$work/csv.db"*
"$lt" scan -q --jobs 1 --case "$work/csv.db" "$csvdir" > /dev/null 2>&1 || true
csv_t=() csv_cpu=() crss=0
for i in $(seq "$RUNS"); do
	rm -f "$work/csv.db"*
	read -r t m c < <(timeit "$lt" scan -q --jobs 1 --case "$work/csv.db" "$csvdir")
	csv_t+=("$t")
	csv_cpu+=("$c")
	[ "$m" -gt "$crss" ] && crss=$m
done
csv_med=$(printf '%s\n' "${csv_t[@]}" | median)
mbs=$(awk -v b="$bytes" -v t="$csv_med" 'BEGIN {printf "%.1f", b / 1e6 / t}')
crecs=$(sqlite3 "$work/csv.db" "SELECT sum(n) FROM record_block")
echo "classify CP932 CSV ($((bytes / 1000000)) MB, $crecs records, 1 job): ${csv_med}s, ${mbs} MB/s vs $TARGET_MBS MB/s: ratio $(awk -v m="$mbs" -v t=$TARGET_MBS 'BEGIN {printf "%.2f", m / t}') (target >= 1.0)"
echo "  runs ${csv_t[*]}; peak RSS ${crss} KiB"
cpu_med=$(printf '%s\n' "${csv_cpu[@]}" | median)
# "Per core", read strictly: the MB of CSV per CPU-second of all the
# scan's threads (one worker, its side thread, the writer).
cmbs=$(awk -v b="$bytes" -v c="$cpu_med" 'BEGIN {printf "%.1f", b / 1e6 / c}')
echo "classify CP932 CSV per CPU-second, all threads ($((bytes / 1000000)) MB, 1 job): ${cpu_med} CPU-s, ${cmbs} MB/s vs $TARGET_MBS MB/s: ratio $(awk -v m="$cmbs" -v t=$TARGET_MBS 'BEGIN {printf "%.2f", m / t}') (target >= 1.0)"
echo "  CPU seconds (user + sys, all threads) ${csv_cpu[*]}"
# Where they go: the scan's own per-thread figures (-v).
rm -f "$work/csv.db"*
"$lt" scan -v --jobs 1 --case "$work/csv.db" "$csvdir" 2> "$work/.scan-v" > /dev/null || true
read -r wk sd wr < <(sed -n "s/.*CPU seconds: workers \([0-9.]*\) .*side threads \([0-9.]*\) .*writer \([0-9.]*\) .*/\1 \2 \3/p" "$work/.scan-v")
if [ -n "${wk:-}" ]; then
	echo "  one run's threads: worker ${wk}s (decoding, parsing, classifying: $(awk -v b="$bytes" -v c="$wk" 'BEGIN {printf "%.1f", b / 1e6 / c}') MB per CPU-second),"
	echo "  side thread ${sd}s (MD5, SHA-256 and YARA of the file's bytes), writer ${wr}s (keyed hashes, SQLite)"
fi

# Copies (no target): three hard links of the same CSV, scanned with the
# copies taking over the first's findings (the default) and with
# --no-dedup.  Informational: real disks hold copies, this image none.
dupdir=$work/cp932-copies
mkdir -p "$dupdir"
for n in a b c; do ln -f "$csv" "$dupdir/$n.csv"; done
dup_run() { # dup_run [--no-dedup]: "seconds cpu_seconds db_bytes"
	rm -f "$work/dup.db"*
	read -r t _ c < <(timeit "$lt" scan -q --jobs 2 "$@" --case "$work/dup.db" "$dupdir")
	echo "$t $c $(stat -c %s "$work/dup.db")"
	rm -f "$work/dup.db"*
}
read -r dt dc ds < <(dup_run)
read -r nt nc ns < <(dup_run --no-dedup)
echo "  copies (3 links of the CSV, --jobs 2): ${dt}s, ${dc} CPU-s, case DB $((ds / 1000000)) MB; with --no-dedup ${nt}s, ${nc} CPU-s, $((ns / 1000000)) MB"
