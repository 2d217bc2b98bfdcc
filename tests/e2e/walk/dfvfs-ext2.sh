# dfvfs' ext2 image in raw, E01, split E01, split raw, VHD and VMDK: same
# listing as fls for each, and identical to one another.
. "$ROOT/tests/e2e/lib/common.sh"
d=$SHARED/dfvfs
need "$d/ext2.raw.gz"
gunzip -c "$d/ext2.raw.gz" > ext2.raw
$CMP "$LT" ext2.raw --min-entries 7
walk_list ext2.raw > raw.jsonl
for f in ext2.E01 ext2.split.E01 ext2.splitraw.000 ext2.vhd ext2.vmdk; do
	need "$d/$f"
	$CMP "$LT" "$d/$f" --min-entries 7
	walk_list "$d/$f" | diff raw.jsonl - || die "$f lists differently from ext2.raw"
done
# The image family with deleted names, also as split raw and split E01.
$CMP "$LT" "$d/image.dd" --min-deleted 2
$CMP "$LT" "$d/image.raw.000" --min-deleted 2
$CMP "$LT" "$d/image-split.E01"
$CMP "$LT" "$d/mbr.raw"
$CMP "$LT" "$d/iso9660.raw"
# The listing matches dfvfs' own ground truth paths for ext2.E01.
"$LT" walk --json "$d/ext2.E01" | jq -r '"/" + .path' | sort > ours
grep -v '^\s*$' "$d/ground_truth/ext2.E01.paths" | sed 's/^\([^/]\)/\/\1/' | sort > theirs || true
[ -s theirs ] || die "no ground truth paths"
comm -13 ours theirs | grep -v '^/$' > missing || true
[ ! -s missing ] || { cat missing; die "paths in dfvfs ground truth not listed"; }
