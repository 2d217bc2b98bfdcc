#!/usr/bin/env bash
# make-office.sh - build samples/office/images/pc03.img.xz, the office-format
# evidence (xlsx, xls, docx, archives, protected files), with real tools.
#
# Usage: samples/make-office.sh [--keep-work]
#
#   --keep-work  keep the temporary work directory (raw image, source tree)
#                and print its path.
#
# 1. npm installs SheetJS (xlsx) and officecrypto-tool into the work directory
#    (outside the repository; NODE_MODULES=DIR reuses an existing node_modules).
# 2. samples/make-office.py (random.Random(20153)) writes the file tree and
#    samples/office/expected/*.json, computed from its own ground truth with
#    samples/pii/counting.py (it replays make-pii.py for the pc01/pc02 persons).
# 3. pc03.img: FAT32 (mkfs.fat --invariant, mtools; files copied in sorted
#    order with their mtimes), then the docx copy deleted with mdel (recoverable).
# 4. Checks with fls -r -p / icat: every file is listed once with the right
#    deleted flag and reads back as written.
# 5. Only then: samples/office/images/pc03.img.xz (xz -9 -T1) and
#    samples/office/SHA256SUMS (of the raw image) are replaced.
#
# No root needed.  Needs: python3 node npm mtools dosfstools sleuthkit xz-utils
# zip p7zip-full (7z) qpdf libreoffice-calc-nogui python3-uno, network access
# to the npm registry (unless NODE_MODULES is given), and gimei's yml files
# (GIMEI_DIR, default ../shared/testdata/jp_pii/gimei beside the repository).

set -euo pipefail

export TZ=UTC LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 PYTHONDONTWRITEBYTECODE=1
umask 022

keep_work=0
for arg in "$@"; do
	case $arg in
	--keep-work) keep_work=1 ;;
	-h | --help) sed -n '2,26s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "make-office.sh: unknown option: $arg" >&2; exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
office=$here/office
out=$office/images

missing=
for t in python3 node npm mkfs.fat mcopy mdel fls icat xz sha256sum zip 7z qpdf soffice; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
/usr/bin/python3 -c 'import uno' 2>/dev/null || missing="$missing python3-uno"
if [ -n "$missing" ]; then
	echo "make-office.sh: missing tools:$missing" >&2
	echo "  (Debian: apt-get install python3 nodejs npm mtools dosfstools sleuthkit xz-utils zip" \
		"p7zip-full qpdf libreoffice-calc-nogui python3-uno)" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lt-office.XXXXXX")
cleanup() {
	if [ "$keep_work" = 1 ]; then
		echo "make-office.sh: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
log() { printf '== %s\n' "$*"; }
fail() { echo "make-office.sh: $*" >&2; exit 1; }

###########################################################################
# 1. node packages (outside the repository)
###########################################################################
if [ -n "${NODE_MODULES:-}" ]; then
	node_modules=$NODE_MODULES
else
	log "npm install xlsx officecrypto-tool"
	mkdir -p "$work/node"
	(cd "$work/node" && HOME=$work/node npm install --no-audit --no-fund --silent \
		xlsx@0.18.5 officecrypto-tool@0.0.19 >/dev/null) || fail "npm install failed"
	node_modules=$work/node/node_modules
fi
export NODE_PATH=$node_modules

###########################################################################
# 2. the generator
###########################################################################
log make-office.py
HOME=$work python3 "$here/make-office.py" "$work"

###########################################################################
# 3. pc03.img: FAT32, 36 MiB, 512-byte sectors and clusters
###########################################################################
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

log pc03.img
img=$work/pc03.img
mkfs.fat -F 32 -C --invariant -i 50430003 -n PC03 -s 1 -S 512 "$img" 36864 >/dev/null
fat_put "$img" "$work/src-pc03"
mapfile -t del <"$work/pc03.delete"
for p in "${del[@]}"; do
	mdel -i "$img" "::/$p"
done

###########################################################################
# 4. checks
###########################################################################
log checks
fls -r -p "$img" >"$work/pc03.fls" || fail "fls failed"
python3 - "$work" <<'EOF' || fail "image checks failed"
import hashlib, os, re, subprocess, sys
work = sys.argv[1]
bad = 0
listing = {}
for line in open(os.path.join(work, "pc03.fls"), encoding="utf-8", errors="replace"):
    m = re.match(r"^(\S+) (\* )?([0-9-]+)(\(realloc\))?:\t(.*)$", line.rstrip("\n"))
    if m:
        listing.setdefault(m.group(5), []).append((m.group(1), bool(m.group(2)), m.group(3)))
sums = dict(reversed(l.rstrip("\n").split("  ", 1)) for l in open(os.path.join(work, "pc03.sha256"), encoding="utf-8"))
deleted = set(open(os.path.join(work, "pc03.delete"), encoding="utf-8").read().split("\n")) - {""}
for path, digest in sorted(sums.items()):
    ent = [e for e in listing.get(path, []) if e[0].endswith("/r")]
    if len(ent) != 1:
        print(f"check failed: {path}: {len(ent)} entries in fls", file=sys.stderr)
        bad += 1
        continue
    typ, is_del, inode = ent[0]
    if is_del != (path in deleted):
        print(f"check failed: {path}: deleted={is_del}", file=sys.stderr)
        bad += 1
    data = subprocess.run(["icat", "-r", os.path.join(work, "pc03.img"), inode], capture_output=True).stdout
    if hashlib.sha256(data).hexdigest() != digest:
        print(f"check failed: {path}: content differs ({len(data)} bytes)", file=sys.stderr)
        bad += 1
print(f"pc03: {len(sums)} files listed and read back as written; {len(deleted)} deleted")
sys.exit(1 if bad else 0)
EOF

###########################################################################
# 5. install (only now: a failed run leaves the committed image alone)
###########################################################################
log "install into $out"
xz -9 -T1 -c "$img" >"$work/pc03.img.xz"
mkdir -p "$out"
mv "$work/pc03.img.xz" "$out/pc03.img.xz"
(cd "$work" && sha256sum pc03.img) >"$office/SHA256SUMS"
ls -l "$out"
du -sh "$office"
