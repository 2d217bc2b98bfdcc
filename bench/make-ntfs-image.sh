#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/make-ntfs-image.sh WORKDIR [TEXT_PERCENT]
#
# Builds WORKDIR/ntfs-100k.img: a 1 GiB NTFS image holding a deterministic
# tree of 1,000 directories (nested 1-4 deep) and 100,000 live files
# (~700 MB of data), 2,040 deleted files and a few hundred alternate data
# streams.  The image is reused when it exists and WORKDIR/ntfs-100k.stamp
# matches IMAGE_VERSION below; bump IMAGE_VERSION whenever the tree changes.
# 70% of the files are CSV-like text; with TEXT_PERCENT (0-100) another
# share, the image is WORKDIR/ntfs-100k-textN.img (the same tree and
# size distribution, the other files binary).
#
# Needs root (mount through ntfs-3g/FUSE), mkntfs, ntfs-3g and python3.
# Building takes ~20 s on a machine with the RAM to cache the image (the
# files go through FUSE from a single python3 process), minutes on a slow
# disk; the time it took is printed and kept in WORKDIR/ntfs-100k.info.

set -eu

IMAGE_VERSION=1

die() { echo "make-ntfs-image: $*" >&2; exit 1; }
say() { echo "make-ntfs-image: $*" >&2; }

[ $# -eq 1 ] || [ $# -eq 2 ] || die "usage: $0 WORKDIR [TEXT_PERCENT]"
work=$1
text_pct=${2:-70}
case $text_pct in
''|*[!0-9]*) die "TEXT_PERCENT must be 0-100" ;;
esac
[ "$text_pct" -le 100 ] || die "TEXT_PERCENT must be 0-100"
base=ntfs-100k
[ "$text_pct" = 70 ] || base=ntfs-100k-text$text_pct
mkdir -p "$work"
work=$(cd "$work" && pwd)
img=$work/$base.img
stamp=$work/$base.stamp
info=$work/$base.info

want_stamp="$base image version $IMAGE_VERSION"

is_fresh() {
	[ -f "$img" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]
}

if is_fresh; then
	say "reusing $img ($want_stamp)"
	exit 0
fi

# Only one build at a time (two bench runs started together).
if command -v flock > /dev/null 2>&1; then
	exec 9> "$work/.$base.lock"
	if ! flock -n 9; then
		say "waiting for another build of the image to finish"
		flock 9
	fi
fi
if is_fresh; then
	say "reusing $img ($want_stamp)"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "building the benchmark image needs root (it mounts an NTFS image" \
	    "through ntfs-3g/FUSE); run 'make bench' as root once, or put a" \
	    "ready image in $img with '$want_stamp' in $stamp"
fi
for t in truncate mkntfs ntfs-3g python3 mountpoint umount; do
	command -v "$t" > /dev/null 2>&1 || die "$t not found (make deps)"
done
[ -c /dev/fuse ] || die "/dev/fuse is missing (modprobe fuse)"

avail_kb=$(df -Pk "$work" | awk 'NR==2 {print $4}')
[ "$avail_kb" -ge 1200000 ] || die "need ~1.2 GB free in $work"

tmp=$img.tmp
mnt=$(mktemp -d "${TMPDIR:-/tmp}/lt-bench-ntfs.XXXXXX")
log=$work/$base.build.log
fuse_pid=
py_pid=

cleanup() {
	if [ -n "$py_pid" ]; then
		kill "$py_pid" 2>/dev/null || :
		wait "$py_pid" 2>/dev/null || :
	fi
	if mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || :
	fi
	if [ -n "$fuse_pid" ]; then wait "$fuse_pid" 2>/dev/null || :; fi
	rmdir "$mnt" 2>/dev/null || :
	rm -f "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

start=$(date +%s)
say "building $img (1 GiB NTFS, 100,000 files; 15 s to a few minutes)"
rm -f "$img" "$stamp" "$info" "$tmp"
truncate -s 1G "$tmp"
mkntfs -F -Q -L BENCH "$tmp" > "$log" 2>&1 || { cat "$log" >&2; die "mkntfs failed"; }

# no_detach: the driver stays our child, so after umount we can wait for it
# to finish writing the image back.
ntfs-3g -o big_writes,streams_interface=windows,no_detach "$tmp" "$mnt" \
	>> "$log" 2>&1 &
fuse_pid=$!
i=0
until mountpoint -q "$mnt"; do
	kill -0 "$fuse_pid" 2>/dev/null || { cat "$log" >&2; die "ntfs-3g failed"; }
	i=$((i + 1))
	[ $i -lt 100 ] || die "ntfs-3g did not mount $tmp in 10 s"
	sleep 0.1
done

# In the background so that a signal stops the build at once (sh runs traps
# only when the foreground command is done).
python3 - "$mnt" "$info.tmp" "$text_pct" <<'PY' &
# One process writes the whole tree (one process per file would take hours
# through FUSE).  Everything below is drawn from random.Random(42), so the
# tree, names, sizes and contents are the same on every build.
import os, random, sys, time

mnt, info_path = sys.argv[1], sys.argv[2]
BIN_PCT = 100 - int(sys.argv[3])       # binary files, in percent
rng = random.Random(42)

N_DIRS = 1000
N_LIVE = 100_000
N_DELETED = 2_040                      # 2 % of the files written
N_FILES = N_LIVE + N_DELETED
N_STREAMS = 300

# --- directories: 1000, nested 1-4 deep ------------------------------------
DIR_WORDS = ["projects", "finance", "hr", "scans", "mail", "backup", "src",
             "logs", "photos", "reports", "customers", "archive", "tmp",
             "contracts", "exports", "Données", "Präsentationen", "客户"]
dirs = []                              # (relpath, depth)
for i in range(N_DIRS):
    cands = [d for d in dirs if d[1] < 4]
    if i < 10 or rng.random() < 0.03:
        parent, depth = "", 1
    else:
        p = rng.choice(cands)
        parent, depth = p[0], p[1] + 1
    name = "%s_%04d" % (rng.choice(DIR_WORDS), i)
    dirs.append((parent + "/" + name if parent else name, depth))

# --- content pools: text (CSV-like lines) and binary -------------------------
FIRST = ["Yuki", "Hana", "Kenji", "Anna", "Lukas", "Maria", "John", "Wei",
         "Sofia", "Omar", "Emma", "Noah", "Aiko", "Pierre", "Olga", "Ravi"]
CITY = ["Tokyo", "Osaka", "Berlin", "Paris", "Madrid", "Boston", "Austin",
        "Lagos", "Delhi", "Seoul", "Lima", "Oslo", "Sydney", "Cairo"]
lines = []
size = 0
while size < 8 << 20:
    f = rng.choice(FIRST)
    line = "%d,%s,%s,%s,%.2f,20%02d-%02d-%02d,%s.%d@example.com,%s\n" % (
        rng.randrange(1, 10**7), f, rng.choice(FIRST), rng.choice(CITY),
        rng.random() * 10000, rng.randrange(10, 25), rng.randrange(1, 13),
        rng.randrange(1, 29), f.lower(), rng.randrange(1000),
        rng.choice(["ok", "pending", "refund", "void", "ok", "ok"]))
    lines.append(line)
    size += len(line)
text_pool = "".join(lines).encode()

chunks = []
size = 0
while size < 8 << 20:
    kind = rng.randrange(4)
    n = rng.choice([512, 1024, 4096, 16384])
    if kind == 0:
        c = rng.randbytes(n)                       # incompressible
    elif kind == 1:
        c = bytes(n)                               # zeros
    elif kind == 2:
        rec = rng.randbytes(rng.choice([8, 16, 32, 64]))
        c = (rec * (n // len(rec) + 1))[:n]        # repeated records
    else:
        c = bytes(rng.randrange(32) for _ in range(256)) * (n // 256)
    chunks.append(c)
    size += len(c)
bin_pool = b"".join(chunks)

def content(idx, nbytes, binary):
    pool = bin_pool if binary else text_pool
    off = rng.randrange(len(pool) - nbytes)
    if binary:
        head = b"LTBENCH\0" + idx.to_bytes(8, "little")
    else:
        head = b"id,first,last,city,amount,date,email,status # file %d\n" % idx
    return (head + pool[off:off + nbytes])[:nbytes]

# --- files ---------------------------------------------------------------
TEXT_EXT = ["csv", "txt", "log", "json", "xml", "md", "ini"]
BIN_EXT = ["bin", "dat", "jpg", "png", "docx", "xlsx", "pdf", "zip", "db"]
FILE_WORDS = ["report", "invoice", "notes", "export", "dump", "scan", "IMG",
              "draft", "minutes", "budget", "customer_list", "meeting",
              "résumé", "見積書"]

def log_uniform(lo, hi):
    import math
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))

def draw_size():
    r = rng.random()
    if r < 0.0045:
        return log_uniform(64 << 10, 4 << 20)     # large
    if r < 0.07:
        return log_uniform(4 << 10, 64 << 10)     # medium
    return log_uniform(100, 4 << 10)              # small (half resident)

t0 = time.monotonic()
for d, _ in dirs:
    os.mkdir(os.path.join(mnt, d))
print("  %d directories in %.1f s" % (len(dirs), time.monotonic() - t0),
      file=sys.stderr, flush=True)

files = []                             # (relpath, size)
total = 0
t0 = time.monotonic()
for j in range(N_FILES):
    d = dirs[rng.randrange(N_DIRS)][0]
    binary = rng.random() < BIN_PCT / 100
    ext = rng.choice(BIN_EXT if binary else TEXT_EXT)
    name = "%s_%06d.%s" % (rng.choice(FILE_WORDS), j, ext)
    n = draw_size()
    rel = d + "/" + name
    fd = os.open(os.path.join(mnt, rel), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                 0o644)
    try:
        os.write(fd, content(j, n, binary))
    finally:
        os.close(fd)
    files.append((rel, n))
    total += n
    if (j + 1) % 5000 == 0 or j + 1 == N_FILES:
        el = time.monotonic() - t0
        print("  %6d / %d files, %4d MB, %.0f s (%.0f files/s)"
              % (j + 1, N_FILES, total >> 20, el, (j + 1) / el),
              file=sys.stderr, flush=True)

# --- alternate data streams (file:stream, streams_interface=windows) -------
for k, (rel, _) in enumerate(rng.sample(files, N_STREAMS)):
    p = os.path.join(mnt, rel)
    if k % 3 == 0:
        data = content(k, 5000, False)          # non-resident stream
        sname = "summary"
    else:
        data = b"[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.com/%d\r\n" % k
        sname = "Zone.Identifier"
    with open(p + ":" + sname, "wb") as f:
        f.write(data)
print("  %d alternate data streams" % N_STREAMS, file=sys.stderr, flush=True)

# --- delete 2 % (last, so their MFT entries are not reused) -----------------
deleted = rng.sample(range(N_FILES), N_DELETED)
del_bytes = 0
for i in deleted:
    os.unlink(os.path.join(mnt, files[i][0]))
    del_bytes += files[i][1]
print("  %d files deleted" % N_DELETED, file=sys.stderr, flush=True)

with open(info_path, "w") as f:
    f.write("dirs=%d\nfiles_written=%d\nfiles_deleted=%d\nfiles_live=%d\n"
            "streams=%d\nbytes_written=%d\nbytes_live=%d\n"
            % (N_DIRS, N_FILES, N_DELETED, N_FILES - N_DELETED, N_STREAMS,
               total, total - del_bytes))
PY
py_pid=$!
wait "$py_pid" || { py_pid=; die "writing the tree failed"; }
py_pid=

say "unmounting (ntfs-3g writes back)"
umount "$mnt"
wait "$fuse_pid" || die "ntfs-3g exited with an error (see $log)"
fuse_pid=
sync

end=$(date +%s)
secs=$((end - start))
{
	cat "$info.tmp"
	echo "image_bytes=$(stat -c %s "$tmp")"
	echo "image_disk_kb=$(du -k "$tmp" | cut -f1)"
	echo "build_seconds=$secs"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "version=$IMAGE_VERSION"
	echo "text_percent=$text_pct"
} > "$info"
rm -f "$info.tmp"
mv "$tmp" "$img"
echo "$want_stamp" > "$stamp"
say "built $img in ${secs} s ($(du -h "$img" | cut -f1) on disk)"
