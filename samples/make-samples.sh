#!/usr/bin/env bash
# make-samples.sh - build the small evidence images in samples/images/ with real tools.
#
# Usage: samples/make-samples.sh [--no-ntfs] [--keep-work]
#
#   --no-ntfs    build everything except the NTFS images (ntfs.img, ntfs.E01,
#                ntfs-truncated.E01, ntfs-split.*), which need root for the
#                ntfs-3g mount; the committed NTFS files are left alone.
#   --keep-work  keep the temporary work directory (raw images) and print its path.
#
# The raw images are built in a temporary directory, checked with fls/mmls, then
# compressed with `xz -9 -T1` into samples/images/NAME.xz (E01 files are copied as
# they are). Only when every image was built are the files in samples/images/
# replaced. samples/SHA256SUMS lists the SHA-256 of each raw image, i.e. of the
# files that `make` decompresses into build/samples/.
#
# Reproducible where the tools allow: fixed volume IDs, UUIDs, hash seeds and GUIDs,
# TZ=UTC, every timestamp 2015-05-21 02:20:00 UTC (one file per file system has
# an older mtime on purpose). NTFS and E01 times come from libfaketime (Debian
# package `faketime`) when it is installed; without it those two are still valid
# images, only with today's times in them.
#
# Needs: mtools dosfstools ntfs-3g e2fsprogs gdisk fdisk ewf-tools sleuthkit
# xz-utils openssl (and faketime, optional). Root only for the NTFS part.

set -euo pipefail

export TZ=UTC LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1
umask 022

T_ISO='2015-05-21 02:20:00Z'        # the one timestamp used everywhere
T_OLD='2014-12-31 23:59:58Z'        # one file per fs gets this mtime
T_EPOCH=1432174800                  # = T_ISO
T_DEBUGFS=20150521022000            # = T_ISO, debugfs syntax
T_FAKE='2015-05-21 02:20:00'        # = T_ISO, libfaketime syntax (frozen clock)
MARKER='LEAKTRIAGE-SAMPLE-MARKER'   # a fixed string for YARA/PCRE2 tests

do_ntfs=1
keep_work=0
for arg in "$@"; do
	case $arg in
	--no-ntfs) do_ntfs=0 ;;
	--keep-work) keep_work=1 ;;
	-h | --help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "make-samples.sh: unknown option: $arg" >&2; exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
out=$here/images

need() {
	local t missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		echo "make-samples.sh: missing tools:$missing" >&2
		echo "  (Debian: apt-get install mtools dosfstools ntfs-3g e2fsprogs gdisk fdisk ewf-tools sleuthkit xz-utils openssl faketime)" >&2
		exit 1
	fi
}
need mkfs.fat mcopy mdel mdeltree mdir mke2fs debugfs dumpe2fs sgdisk sfdisk fls mmls xz openssl split
[ "$do_ntfs" = 1 ] && need mkntfs ntfs-3g ewfacquire mountpoint

work=$(mktemp -d "${TMPDIR:-/tmp}/lt-samples.XXXXXX")
mnt=
ntfs_pid=
cleanup() {
	if [ -n "$mnt" ] && mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" || true
	fi
	if [ -n "$ntfs_pid" ]; then
		wait "$ntfs_pid" 2>/dev/null || true
	fi
	if [ "$keep_work" = 1 ]; then
		echo "make-samples.sh: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

raw=$work/raw        # finished raw images (and E01 files)
mkdir -p "$raw"

log() { printf '== %s\n' "$*"; }

# set_times DIR: give DIR and every entry below it the fixed timestamp
set_times() {
	find "$1" -exec touch -h -d "$T_ISO" {} +
}

# small CSV content: ASCII, synthetic, no real personal data
csv() { # N
	local i
	printf 'id,name\n'
	for ((i = 1; i <= $1; i++)); do printf '%d,test%d\n' "$i" "$i"; done
}

# mkext IMG TYPE SIZE UUID LABEL SRCDIR: ext2/3/4 from a directory, fixed times/ids
mkext() {
	local img=$1 type=$2 size=$3 uuid=$4 label=$5 src=$6 n
	E2FSPROGS_FAKE_TIME=$T_EPOCH mke2fs -q -t "$type" -U "$uuid" -E "hash_seed=$uuid" \
		-L "$label" -d "$src" -F "$img" "$size" >/dev/null
	# mke2fs -d copies ctime and owner from the source files: set them for every
	# inode in use (root and the ones from first_ino on) to fixed values.
	n=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Inode count/ { gsub(/ /, "", $2); print $2 }')
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
}

# ext_rm IMG PATH...: delete files with debugfs (leaves deleted directory entries)
ext_rm() {
	local img=$1 p
	shift
	{
		echo "set_current_time $T_DEBUGFS"
		for p in "$@"; do echo "rm $p"; done
	} | debugfs -w -f - "$img" >"$work/debugfs.log" 2>&1
	if grep -q -i -E 'not found|error|cannot' "$work/debugfs.log"; then
		cat "$work/debugfs.log" >&2
		exit 1
	fi
}

# fat_put IMG SRCDIR [DEST]: copy a tree into a FAT image with mtools, in sorted
# order (mcopy -s would follow readdir order, which differs between machines);
# -m keeps the source mtimes, also for directories (copied empty, then filled).
fat_put() {
	local img=$1 src=$2 dst=${3:-} e n
	while IFS= read -r -d '' e; do
		n=${e##*/}
		if [ -d "$e" ] && [ ! -L "$e" ]; then
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
mkdir -p "$work/empty"

nonutf8=$(printf 'bad\xff\xfename.txt')

###########################################################################
# 1. fat32.img: FAT32, 512-byte sectors and clusters, ~34 MB
###########################################################################
log fat32.img
s=$work/src-fat32
mkdir -p "$s/Documents/Projects/2015/Q2/archive/old" "$s/data" "$s/Old Backups/set1"
csv 3 >"$s/Documents/Projects/2015/Q2/archive/old/deep-list.csv"
printf 'notes\n%s fat32 deep\n' "$MARKER" >"$s/Documents/Projects/2015/Q2/archive/old/notes.txt"
csv 5 >"$s/Quarterly Sales Report 2015-Q2 (final).csv"
csv 2 >"$s/顧客名簿.csv"
printf 'sample volume for leaktriage tests\n' >"$s/readme.txt"
csv 2 >"$s/data/list1.csv"
csv 400 >"$s/data/list2.csv"                   # several KB, many clusters
printf 'id,name\n1,deleted\n%s fat32 deleted\n' "$MARKER" >"$s/data/Old Customer List (deleted).csv"
printf 'temporary\n' >"$s/tmp.txt"
csv 4 >"$s/Old Backups/set1/backup.csv"
printf 'backup notes\n' >"$s/Old Backups/notes.txt"
set_times "$s"
touch -d "$T_OLD" "$s/data/list1.csv"
img=$work/fat32.img
mkfs.fat -F 32 -C --invariant -i 4C540001 -n LTFAT32 -s 1 -S 512 "$img" 34816 >/dev/null
fat_put "$img" "$s"
mdel -i "$img" "::/data/Old Customer List (deleted).csv" ::/tmp.txt
mdeltree -i "$img" "::/Old Backups"
mv "$img" "$raw/"

###########################################################################
# 5. ext4.img: ext4, 8 MB
###########################################################################
log ext4.img
s=$work/src-ext4
mkdir -p "$s/home/taro/docs/2015/q2/archive/old"
csv 3 >"$s/home/taro/docs/2015/q2/archive/old/deep-list.csv"
printf 'notes\n%s ext4 deep\n' "$MARKER" >"$s/home/taro/docs/2015/q2/archive/old/notes.txt"
printf 'not utf-8 name\n' >"$s/$nonutf8"
csv 2 >"$s/顧客名簿.csv"
csv 600 >"$s/home/taro/ledger.csv"            # a few blocks
printf 'id,name\n1,deleted\n%s ext4 deleted\n' "$MARKER" >"$s/home/taro/delete-me.txt"
csv 2 >"$s/home/taro/keep.csv"
ln -s docs/2015/q2 "$s/home/taro/q2-link"
set_times "$s"
touch -d "$T_OLD" "$s/home/taro/keep.csv"
img=$work/ext4.img
mkext "$img" ext4 8M 4c540000-0000-4000-8000-000000000005 LTEXT4 "$s"
ext_rm "$img" /home/taro/delete-me.txt
mv "$img" "$raw/"

###########################################################################
# 6. gpt.img: GPT disk, 48 MiB: p1 FAT32 (1 MiB, 34 MiB), p2 ext4 (35 MiB, 12 MiB)
###########################################################################
log gpt.img
s=$work/src-gpt1
mkdir -p "$s/EFI/BOOT" "$s/share"
printf 'partition 1 (fat32)\n' >"$s/part1.txt"
csv 3 >"$s/share/list.csv"
printf 'not a boot loader\n' >"$s/EFI/BOOT/readme.txt"
set_times "$s"
p1=$work/gpt-p1.img
mkfs.fat -F 32 -C --invariant -i 4C540061 -n LTGPTFAT -s 1 -S 512 -h 2048 "$p1" 34816 >/dev/null
fat_put "$p1" "$s"
s=$work/src-gpt2
mkdir -p "$s/srv/share"
printf 'partition 2 (ext4)\n' >"$s/part2.txt"
csv 3 >"$s/srv/share/list.csv"
set_times "$s"
p2=$work/gpt-p2.img
mkext "$p2" ext4 12M 4c540000-0000-4000-8000-000000000062 LTGPTEXT "$s"
img=$work/gpt.img
truncate -s 48M "$img"
sgdisk -U 4C540000-0000-4000-8000-000000000060 \
	-n 1:2048:71679 -t 1:0700 -c 1:LT-FAT32 -u 1:4C540000-0000-4000-8000-000000000061 \
	-n 2:71680:96255 -t 2:8300 -c 2:LT-EXT4 -u 2:4C540000-0000-4000-8000-000000000062 \
	"$img" >/dev/null
dd if="$p1" of="$img" bs=1M seek=1 conv=notrunc status=none
dd if="$p2" of="$img" bs=1M seek=35 conv=notrunc status=none
rm -f "$p1" "$p2"
mv "$img" "$raw/"

###########################################################################
# 7. dos.img: MBR disk, 20 MiB: p1 FAT16 (1 MiB, 10 MiB), p2 ext2 (11 MiB, 8 MiB)
###########################################################################
log dos.img
s=$work/src-dos1
mkdir -p "$s/DOCS"
printf 'partition 1 (fat16)\n' >"$s/part1.txt"
csv 3 >"$s/DOCS/list.csv"
set_times "$s"
p1=$work/dos-p1.img
mkfs.fat -F 16 -C --invariant -i 4C540071 -n LTDOSFAT -s 4 -h 2048 "$p1" 10240 >/dev/null
fat_put "$p1" "$s"
s=$work/src-dos2
mkdir -p "$s/data"
printf 'partition 2 (ext2)\n' >"$s/part2.txt"
csv 3 >"$s/data/list.csv"
set_times "$s"
p2=$work/dos-p2.img
mkext "$p2" ext2 8M 4c540000-0000-4000-8000-000000000072 LTDOSEXT2 "$s"
img=$work/dos.img
truncate -s 20M "$img"
sfdisk -q --no-reread --no-tell-kernel "$img" >/dev/null <<'EOF'
label: dos
label-id: 0x4c540070
unit: sectors

start=2048, size=20480, type=6
start=22528, size=16384, type=83
EOF
dd if="$p1" of="$img" bs=1M seek=1 conv=notrunc status=none
dd if="$p2" of="$img" bs=1M seek=11 conv=notrunc status=none
rm -f "$p1" "$p2"
mv "$img" "$raw/"

###########################################################################
# 8. zero.img, random.img: not file systems
###########################################################################
log zero.img random.img
head -c 1048576 /dev/zero >"$raw/zero.img"
# AES-128-CTR keystream with a fixed key: 256 KiB of seeded pseudo-random bytes
head -c 262144 /dev/zero |
	openssl enc -aes-128-ctr -nosalt -K 4c54000000000000000000000000000a -iv 00000000000000000000000000000000 \
		>"$raw/random.img"

###########################################################################
# 2-4. ntfs.img, ntfs.E01, ntfs-truncated.E01, ntfs-split.NNN (root: ntfs-3g mount)
###########################################################################
faketime_lib=
for f in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
	if [ -e "$f" ]; then faketime_lib=$f; break; fi
done
# with_time CMD...: run CMD with the clock frozen at T_FAKE, when libfaketime is there
with_time() {
	if [ -n "$faketime_lib" ]; then
		LD_PRELOAD=$faketime_lib FAKETIME=$T_FAKE "$@"
	else
		"$@"
	fi
}

if [ "$do_ntfs" = 1 ]; then
	log ntfs.img
	if [ "$(id -u)" != 0 ]; then
		cat >&2 <<-'EOF'
		make-samples.sh: the NTFS images need root (they are filled through an ntfs-3g
		  FUSE mount). Run this script as root, or use --no-ntfs to rebuild only the
		  other images and keep the committed NTFS files. Nothing in samples/ was changed.
		EOF
		exit 1
	fi
	[ -e /dev/fuse ] || { echo "make-samples.sh: /dev/fuse is missing (needed by ntfs-3g)" >&2; exit 1; }
	if [ -z "$faketime_lib" ]; then
		echo "make-samples.sh: warning: libfaketime not found (Debian package faketime):" \
			"NTFS and E01 times will be today's, not reproducible" >&2
	fi
	img=$work/ntfs.img
	truncate -s 16M "$img"
	# -T: times 1970 and a fixed random seed, so the empty file system is reproducible
	mkntfs -F -Q -T -q -s 512 -c 4096 -L LTNTFS "$img" >"$work/mkntfs.log" 2>&1 ||
		{ cat "$work/mkntfs.log" >&2; exit 1; }
	mnt=$work/mnt
	mkdir -p "$mnt"
	with_time ntfs-3g -o streams_interface=windows,no_detach "$img" "$mnt" >"$work/ntfs-3g.log" 2>&1 &
	ntfs_pid=$!
	for _ in $(seq 1 100); do
		mountpoint -q "$mnt" && break
		kill -0 "$ntfs_pid" 2>/dev/null || { echo "make-samples.sh: ntfs-3g failed" >&2; exit 1; }
		sleep 0.1
	done
	mountpoint -q "$mnt" || { echo "make-samples.sh: ntfs-3g mount timed out" >&2; exit 1; }

	d=$mnt/Users/taro/Documents/2015/customers/archive/old
	mkdir -p "$d" "$mnt/Users/taro/Desktop" "$mnt/Temp Old" "$mnt/Shared"
	csv 3 >"$d/deep-list.csv"                                   # resident
	printf 'notes\n%s ntfs deep\n' "$MARKER" >"$d/notes.txt"     # resident
	csv 2 >"$mnt/Users/taro/Desktop/todo.csv"                    # resident
	csv 600 >"$mnt/Users/taro/Documents/ledger.csv"              # ~6 KB, non-resident
	csv 5000 >"$mnt/Shared/big-list.csv"                         # ~58 KB, non-resident
	head -c 4097 /dev/zero | tr '\0' 'x' >"$mnt/Shared/just-over-4k.txt"   # non-resident
	printf 'a\n' >"$mnt/Shared/tiny.txt"                         # resident
	: >"$mnt/Shared/empty.txt"
	printf 'quarterly report\n' >"$mnt/report.txt"
	printf 'hidden stream\n%s ntfs ads\n' "$MARKER" >"$mnt/report.txt:secret"   # ADS
	csv 2 >"$mnt/顧客名簿.csv"
	printf 'id,name\n1,deleted\n%s ntfs deleted\n' "$MARKER" >"$mnt/Users/taro/Desktop/deleted.csv"
	csv 2 >"$mnt/Temp Old/old-list.csv"
	sync
	rm "$mnt/Users/taro/Desktop/deleted.csv"
	rm -r "$mnt/Temp Old"
	set_times "$mnt"
	touch -d "$T_OLD" "$mnt/Users/taro/Desktop/todo.csv"
	sync
	umount "$mnt"
	wait "$ntfs_pid"
	ntfs_pid=
	mnt=
	sync
	mv "$img" "$raw/"

	log ntfs.E01 ntfs-truncated.E01
	# -d sha1: store SHA1 as well as MD5 (acquire/verify read both)
	with_time ewfacquire -u -q -t "$work/ntfs" -c best -b 64 -d sha1 \
		-C 'LT-SAMPLE-1' -D 'ntfs sample' -E 'EV-1' -e 'samples' -N 'made by make-samples.sh' \
		-f encase6 "$raw/ntfs.img" >"$work/ewfacquire.log" 2>&1 ||
		{ cat "$work/ewfacquire.log" >&2; exit 1; }
	mv "$work/ntfs.E01" "$raw/ntfs.E01"
	size=$(stat -c %s "$raw/ntfs.E01")
	head -c $((size / 2)) "$raw/ntfs.E01" >"$raw/ntfs-truncated.E01"

	log ntfs-split.NNN
	(cd "$raw" && split -b 4M -d -a 3 --numeric-suffixes=1 ntfs.img ntfs-split.)
fi

###########################################################################
# checks: every image opens and shows what the tests rely on
###########################################################################
log checks
fail() { echo "make-samples.sh: check failed: $*" >&2; exit 1; }
has() { # FILE REGEX
	grep -q -E -- "$2" "$1" || fail "$1: no line matching: $2"
}
c=$work/check
mkdir -p "$c"
fls -r -p "$raw/fat32.img" >"$c/fat32"
has "$c/fat32" '^r/r [0-9]+:	Documents/Projects/2015/Q2/archive/old/notes\.txt$'
has "$c/fat32" '^r/r [0-9]+:	Quarterly Sales Report 2015-Q2 \(final\)\.csv$'
has "$c/fat32" '^r/r [0-9]+:	顧客名簿\.csv$'
has "$c/fat32" '^r/r \* [0-9]+:	data/Old Customer List \(deleted\)\.csv$'
has "$c/fat32" '^r/r \* [0-9]+:	_mp\.txt$'     # 8.3 name only: first byte lost
has "$c/fat32" '^d/d \* [0-9]+:	Old Backups$'
fls -r -p "$raw/ext4.img" >"$c/ext4"
has "$c/ext4" '^r/r [0-9]+:	home/taro/docs/2015/q2/archive/old/notes\.txt$'
has "$c/ext4" '^r/r \* [0-9]+:	home/taro/delete-me\.txt$'
has "$c/ext4" '^l/l [0-9]+:	home/taro/q2-link$'
has "$c/ext4" '^r/r [0-9]+:	顧客名簿\.csv$'
grep -q -a -F "$nonutf8" "$c/ext4" || fail "ext4: no file named bad\\xff\\xfename.txt"
mmls "$raw/gpt.img" >"$c/gpt.mmls"
has "$c/gpt.mmls" '0000002048   0000071679   0000069632   LT-FAT32'
has "$c/gpt.mmls" '0000071680   0000096255   0000024576   LT-EXT4'
fls -r -p -o 2048 "$raw/gpt.img" >"$c/gpt.1"
has "$c/gpt.1" '^r/r [0-9]+:	part1\.txt$'
fls -r -p -o 71680 "$raw/gpt.img" >"$c/gpt.2"
has "$c/gpt.2" '^r/r [0-9]+:	part2\.txt$'
mmls "$raw/dos.img" >"$c/dos.mmls"
has "$c/dos.mmls" '0000002048   0000022527   0000020480   DOS FAT16 \(0x06\)'
has "$c/dos.mmls" '0000022528   0000038911   0000016384   Linux \(0x83\)'
fls -r -p -o 2048 "$raw/dos.img" >"$c/dos.1"
has "$c/dos.1" '^r/r [0-9]+:	part1\.txt$'
fls -r -p -o 22528 "$raw/dos.img" >"$c/dos.2"
has "$c/dos.2" '^r/r [0-9]+:	part2\.txt$'
if [ "$do_ntfs" = 1 ]; then
	for f in ntfs.img ntfs.E01 ntfs-split.001; do
		fls -r -p "$raw/$f" >"$c/$f"
		has "$c/$f" '^r/r [0-9-]+:	Users/taro/Documents/2015/customers/archive/old/notes\.txt$'
		has "$c/$f" '^r/r [0-9-]+:	report\.txt:secret$'
		has "$c/$f" '^r/r [0-9-]+:	顧客名簿\.csv$'
		has "$c/$f" '^-/r \* [0-9-]+:	Users/taro/Desktop/deleted\.csv$'
		has "$c/$f" '^-/d \* [0-9-]+:	Temp Old$'
		cmp -s "$c/ntfs.img" "$c/$f" || fail "$f: listing differs from ntfs.img"
	done
	if fls -r -p "$raw/ntfs-truncated.E01" >/dev/null 2>&1; then
		fail "ntfs-truncated.E01 opens without error"
	fi
fi

###########################################################################
# install into samples/images/ (only now: a failed run changes nothing)
###########################################################################
log "install into $out"
stage=$work/stage
mkdir -p "$stage"
built=
for f in "$raw"/*; do
	n=${f##*/}
	case $n in
	*.E01) cp "$f" "$stage/$n" ;;
	*) xz -9 -T1 -c "$f" >"$stage/$n.xz" ;;
	esac
	built="$built $n"
done
mkdir -p "$out"
if [ "$do_ntfs" = 1 ]; then
	rm -f "$out"/*.xz "$out"/*.E01
else
	for n in $built; do rm -f "$out/$n" "$out/$n.xz"; done
fi
mv "$stage"/* "$out/"

# SHA-256 of the raw images (what `make` decompresses into build/samples/)
sums=$here/SHA256SUMS
{
	if [ "$do_ntfs" = 0 ] && [ -f "$sums" ]; then
		grep ' ntfs' "$sums" || true
	fi
	(cd "$raw" && sha256sum -- *)
} | sort -k 2 >"$sums.new"
mv "$sums.new" "$sums"

ls -l "$out"
du -sh "$here"
