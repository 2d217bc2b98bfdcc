#!/usr/bin/env bash
# make-pii.sh - build the fake personal-data evidence in samples/pii/ with real tools.
#
# Usage: samples/make-pii.sh [--keep-work]
#
#   --keep-work  keep the temporary work directory (raw images, source trees)
#                and print its path.
#
# 1. samples/make-pii.py (python3 standard library only, random.Random(20151))
#    writes the two source trees into a work directory, the directory source
#    samples/pii/share/ and the expected counts samples/pii/expected/*.json,
#    computed from its own ground truth (samples/pii/counting.py).
# 2. pc01.img: FAT32 (mkfs.fat --invariant, mtools; files copied in sorted order
#    with their mtimes), then one PII file deleted with mdel (recoverable) and one
#    deleted and overwritten with zeros (not recoverable).
# 3. pc02.img: ext4 (mke2fs -d with fixed UUID, hash seed and time), the same two
#    deletions with debugfs rm (+ zeros over the blocks of the second one).
# 4. Checks with fls -r -p / icat: every expected file is listed with the right
#    deleted flag, deleted files read back as written, wiped ones do not.
# 5. Only then: samples/pii/images/pc01.img.xz and pc02.img.xz (xz -9 -T1) and
#    samples/pii/SHA256SUMS (of the raw images) are replaced.
#
# No root needed.  Needs: python3 mtools dosfstools e2fsprogs sleuthkit xz-utils
# and gimei's names.yml/addresses.yml (GIMEI_DIR, default
# ../shared/testdata/jp_pii/gimei beside the repository).

set -euo pipefail

export TZ=UTC LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 PYTHONDONTWRITEBYTECODE=1
umask 022

T_DIR='2015-05-21 02:20:00Z'        # directories and fs metadata
T_EPOCH=1432174800                  # = T_DIR
T_DEBUGFS=20150521022000            # = T_DIR, debugfs syntax

keep_work=0
for arg in "$@"; do
	case $arg in
	--keep-work) keep_work=1 ;;
	-h | --help) sed -n '2,26s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "make-pii.sh: unknown option: $arg" >&2; exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
pii=$here/pii
out=$pii/images

missing=
for t in python3 mkfs.fat mcopy mdel mke2fs debugfs dumpe2fs fls icat ifind istat xz sha256sum dd; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "make-pii.sh: missing tools:$missing" >&2
	echo "  (Debian: apt-get install python3 mtools dosfstools e2fsprogs sleuthkit xz-utils)" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lt-pii.XXXXXX")
cleanup() {
	if [ "$keep_work" = 1 ]; then
		echo "make-pii.sh: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
log() { printf '== %s\n' "$*"; }
fail() { echo "make-pii.sh: $*" >&2; exit 1; }

###########################################################################
# 1. the generator
###########################################################################
log make-pii.py
python3 "$here/make-pii.py" "$work"
python3 "$pii/counting.py" >/dev/null || fail "counting.py self-check failed"

# lines of FILE (may be empty) into the array named $2
read_list() { mapfile -t "$2" <"$1"; }

###########################################################################
# 2. pc01.img: FAT32, 36 MiB, 512-byte sectors and clusters
###########################################################################
# fat_put IMG SRCDIR [DEST]: copy a tree in sorted order (mcopy -s would follow
# readdir order); -m keeps the mtimes, also of directories (copied empty, then filled)
mkdir -p "$work/empty"
fat_put() {
	local img=$1 src=$2 dst=${3:-} e n
	while IFS= read -r -d '' e; do
		n=${e##*/}
		if [ -d "$e" ]; then
			mkdir "$work/empty/$n"
			touch -r "$e" "$work/empty/$n"
			mcopy -s -m -i "$img" "$work/empty/$n" "::$dst/"
			rmdir "$work/empty/$n"
			fat_put "$img" "$e" "$dst/$n"
		else
			mcopy -m -i "$img" "$e" "::$dst/$n"
		fi
	done < <(find "$src" -mindepth 1 -maxdepth 1 -print0 | sort -z)
}

log pc01.img
img=$work/pc01.img
mkfs.fat -F 32 -C --invariant -i 50430001 -n PC01 -s 1 -S 512 "$img" 36864 >/dev/null
fat_put "$img" "$work/src-pc01"
read_list "$work/pc01.wipe" wipe
read_list "$work/pc01.delete" del
# wiped: note the sectors, delete, overwrite them with zeros
for p in "${wipe[@]}"; do
	ino=$(ifind -n "$p" "$img") || fail "pc01: ifind $p"
	secs=$(istat "$img" "$ino" | awk '/^Sectors:/ { s = 1; next } s { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) print $i }')
	[ -n "$secs" ] || fail "pc01: no sectors for $p"
	mdel -i "$img" "::/$p"
	for s in $secs; do
		dd if=/dev/zero of="$img" bs=512 seek="$s" count=1 conv=notrunc status=none
	done
done
# deleted (recoverable): last, so that nothing is written after it
for p in "${del[@]}"; do
	mdel -i "$img" "::/$p"
done

###########################################################################
# 3. pc02.img: ext4, 16 MiB
###########################################################################
log pc02.img
img=$work/pc02.img
uuid=4c540000-0000-4000-8000-0000000000b2
E2FSPROGS_FAKE_TIME=$T_EPOCH mke2fs -q -t ext4 -U "$uuid" -E "hash_seed=$uuid" \
	-L PC02 -d "$work/src-pc02" -F "$img" 16M >/dev/null
# mke2fs -d copies ctime and owner from the source files: fixed values instead
n=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Inode count/ { gsub(/ /, "", $2); print $2 }')
bs=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block size/ { gsub(/ /, "", $2); print $2 }')
{
	echo "set_current_time $T_DEBUGFS"
	seq 1 "$n" | sed 's/.*/testi <&>/'
} | debugfs -f - "$img" 2>/dev/null |
	awk '/is marked in use/ { gsub(/[<>]/, "", $2); if ($2 == 2 || $2 >= 11) print $2 }' >"$work/inodes"
{
	echo "set_current_time $T_DEBUGFS"
	while read -r i; do
		echo "sif <$i> ctime $T_DEBUGFS"
		echo "sif <$i> uid 0"
		echo "sif <$i> gid 0"
	done <"$work/inodes"
} | debugfs -w -f - "$img" >/dev/null 2>&1
read_list "$work/pc02.wipe" wipe
read_list "$work/pc02.delete" del
blocks=()
for p in "${wipe[@]}"; do
	b=$(debugfs -R "blocks \"/$p\"" "$img" 2>/dev/null)
	[ -n "$b" ] || fail "pc02: no blocks for $p"
	blocks+=($b)
done
{
	echo "set_current_time $T_DEBUGFS"
	for p in "${wipe[@]}" "${del[@]}"; do echo "rm \"/$p\""; done
} | debugfs -w -f - "$img" >"$work/debugfs.log" 2>&1
if grep -q -i -E 'not found|error|cannot' "$work/debugfs.log"; then
	cat "$work/debugfs.log" >&2
	fail "pc02: debugfs rm failed"
fi
for b in "${blocks[@]}"; do
	dd if=/dev/zero of="$img" bs="$bs" seek="$b" count=1 conv=notrunc status=none
done

###########################################################################
# 4. checks
###########################################################################
log checks
for ev in pc01 pc02; do
	fls -r -p "$work/$ev.img" >"$work/$ev.fls" || fail "$ev: fls failed"
done
python3 - "$work" "$pii/expected/pc01_pc02.kyokai.json" <<'EOF' || fail "image checks failed"
import hashlib, json, os, re, subprocess, sys
work, exp = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
bad = 0
def err(msg):
    global bad
    bad += 1
    print("check failed:", msg, file=sys.stderr)
for ev in ("pc01", "pc02"):
    listing = {}
    for line in open(os.path.join(work, ev + ".fls"), encoding="utf-8", errors="replace"):
        m = re.match(r"^(\S+) (\* )?([0-9-]+)(\(realloc\))?:\t(.*)$", line.rstrip("\n"))
        if m:
            listing.setdefault(m.group(5), []).append((m.group(1), bool(m.group(2)), m.group(3)))
    sums = dict(reversed(l.rstrip("\n").split("  ", 1)) for l in open(os.path.join(work, ev + ".sha256"), encoding="utf-8"))
    wiped = set(open(os.path.join(work, ev + ".wipe"), encoding="utf-8").read().split("\n")) - {""}
    files = [(f["path"], f["deleted"]) for f in exp["pii_files"] if f["evidence"] == ev] + \
            [(f["path"], f["deleted"]) for f in exp["zero_record_files"] if f["evidence"] == ev]
    if len(files) != len(sums):
        err(f"{ev}: {len(files)} files expected, {len(sums)} written")
    for path, deleted in files:
        ent = [e for e in listing.get(path, []) if e[0].endswith("/r")]
        if len(ent) != 1:
            err(f"{ev}: {path}: {len(ent)} entries in fls")
            continue
        typ, is_del, inode = ent[0]
        if is_del != deleted:
            err(f"{ev}: {path}: deleted={is_del}, expected {deleted}")
        data = subprocess.run(["icat", "-r", os.path.join(work, ev + ".img"), inode], capture_output=True).stdout
        same = hashlib.sha256(data).hexdigest() == sums[path]
        if path in wiped:
            if same or data.strip(b"\0"):
                err(f"{ev}: {path}: wiped file still has content")
        elif not same:
            err(f"{ev}: {path}: content differs from what was written ({len(data)} bytes)")
    n_del = sum(1 for e in listing.values() for x in e if x[1] and x[0].endswith("/r"))
    print(f"{ev}: {len(files)} files listed and read back as expected; {n_del} deleted entries")
sys.exit(1 if bad else 0)
EOF

###########################################################################
# 5. install (only now: a failed run leaves the committed images alone)
###########################################################################
log "install into $out"
stage=$work/stage
mkdir -p "$stage"
for ev in pc01 pc02; do
	xz -9 -T1 -c "$work/$ev.img" >"$stage/$ev.img.xz"
done
mkdir -p "$out"
rm -f "$out"/*.xz
mv "$stage"/*.xz "$out/"
(cd "$work" && sha256sum pc01.img pc02.img) >"$pii/SHA256SUMS"

ls -l "$out"
du -sh "$pii"
