# The Sleuth Kit's own test images in every container TSK reads here: the
# same listing as fls, and the same listing whatever the container.
. "$ROOT/tests/e2e/lib/common.sh"
d=$SHARED/sleuthkit
for f in image.dd image.E01 image.vhd image.vmdk image.iso fat_dst_test.dd; do
	need "$d/$f"
	$CMP "$LT" "$d/$f" --min-entries 6
done
# (These containers were made at different times: access times differ.)
key() { "$LT" walk --json "$1" | jq -c '[.path, .inode, .type, .size, .deleted, .mtime]'; }
key "$d/image.dd" > raw.jsonl
[ "$(wc -l < raw.jsonl)" -eq 9 ] || die "image.dd: expected 9 entries"
for f in image.E01 image.vhd image.vmdk; do
	key "$d/$f" | diff raw.jsonl - || die "$f lists differently from image.dd"
done
# The two-partition NTFS E01 (FTK Imager): both partitions, slots as mmls.
$CMP "$LT" "$d/imageformat_mmls_1.E01" --min-entries 60
"$LT" walk --json "$d/imageformat_mmls_1.E01" | jq -r '"\(.partition) \(.offset) \(.fs)"' | sort -u > parts
printf '2 65536 ntfs\n3 28377088 ntfs\n' | diff - parts
mmls "$d/imageformat_mmls_1.E01" | grep -E '^00[23]:' | awk '{print int($1)}' | sort > mm
cut -d' ' -f1 parts | diff mm -
