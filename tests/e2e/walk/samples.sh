# The committed sample images (samples/make-samples.sh): every volume lists
# as fls lists it; the E01 and the split raw set list as the raw image; the
# features each sample was made for are there.
. "$ROOT/tests/e2e/lib/common.sh"
S=$SAMPLES
for f in fat32.img ntfs.img ntfs.E01 ntfs-split.001 ext4.img gpt.img dos.img; do need "$S/$f"; done
$CMP "$LT" "$S/fat32.img" --min-entries 20 --min-deleted 5
$CMP "$LT" "$S/ntfs.img" --min-entries 40 --min-deleted 3
$CMP "$LT" "$S/ntfs.E01" --min-entries 40 --min-deleted 3
$CMP "$LT" "$S/ntfs-split.001" --min-entries 40 --min-deleted 3
$CMP "$LT" "$S/ext4.img" --min-entries 15 --min-deleted 1
$CMP "$LT" "$S/gpt.img" --min-entries 15
$CMP "$LT" "$S/dos.img" --min-entries 10
# Containers of the same NTFS volume list the same entries and times.
walk_list "$S/ntfs.img" > raw.jsonl
walk_list "$S/ntfs.E01" | diff raw.jsonl - || die "ntfs.E01 differs from ntfs.img"
walk_list "$S/ntfs-split.001" | diff raw.jsonl - || die "split raw differs from ntfs.img"
# NTFS: the alternate data stream is an entry of its own.
jq -se 'map(select(.path=="report.txt:secret" and .type=="file" and .size > 0)) | length == 1' raw.jsonl > /dev/null ||
	die "ADS report.txt:secret not listed"
# ext4: the name that is not UTF-8 keeps its raw bytes in path_b64.
"$LT" walk --json "$S/ext4.img" > ext4.jsonl
jq -r 'select(.path_b64) | .path_b64' ext4.jsonl | base64 -d | grep -qa $'bad\xff\xfename.txt' ||
	die "non-UTF-8 name not kept raw"
jq -se 'map(select(.deleted and .name=="delete-me.txt")) | length == 1' ext4.jsonl > /dev/null || die "ext4 deleted file"
# GPT: both partitions, slots and offsets as mmls gives them.
"$LT" walk --json "$S/gpt.img" | jq -r '"\(.partition) \(.offset) \(.fs)"' | sort -u > parts
mmls "$S/gpt.img" | awk '/^0[0-9][0-9]:/ && $2 != "Meta" && $2 != "-------" {printf "%d %d\n", $1, $3 * 512}' | sort > mm
cut -d' ' -f1,2 parts | diff mm - || die "GPT partitions differ from mmls"
grep -q ' fat32$' parts && grep -q ' ext4$' parts || die "GPT file systems"
# The E01's stored hash is recorded and equals md5sum of the raw image.
"$LT" walk --case c.db "$S/ntfs.E01" > /dev/null
[ "$(sqlite3 c.db 'SELECT md5 FROM evidence')" = "$(md5sum < "$S/ntfs.img" | cut -d' ' -f1)" ] || die "E01 md5"
# Bad samples: truncated E01, zeros, random bytes: exit 3, named.
for f in ntfs-truncated.E01 zero.img random.img; do
	expect_exit 3 "$LT" walk "$S/$f"
	grep -q "$f'" err || die "$f not named: $(cat err)"
done
