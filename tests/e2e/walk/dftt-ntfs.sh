# DFTT #7 (NTFS undelete): every entry as fls lists it, and walk --hash gives
# the answer key's MD5 for every deleted file, ADS and orphan.
. "$ROOT/tests/e2e/lib/common.sh"
img=$SHARED/sleuthkit_test_data/extracted/7-ntfs-undel.dd
need "$img"
$CMP "$LT" "$img" --min-entries 30 --min-deleted 11
"$LT" walk --hash --json "$img" | jq -r 'select(.md5 != null) | "\(.path)\t\(.size)\t\(.md5)\t\(.deleted)"' > got
# From the image's index.html (name, size, MD5); all recoverable.
while IFS=$'\t' read -r path size md5; do
	grep -qF "$path	$size	$md5	true" got || die "key: $path $size $md5 not found"
done <<'KEY'
res1.dat	101	9036637712b491904cd0bfbdbe648453
sing1.dat	780	59b20779f69ff9f0ac5fcd2c38835a79
mult1.dat	3801	ffd27bd782bdce67750b6b9ee069d2ef
mult1.dat:ADS	1234	ba1b9eedb1c091ddca253d35dde8f616
frag1.dat	1584	7a3bc5b763bef201202108f4ba128149
frag2.dat	3873	0e80ab84ef0087e60dfc67b88a1cf13e
dir1/mult2.dat	1715	59cf0e9cd107bc1e75afb7374f6e05bb
dir1/dir2/frag3.dat	2027	21121699487f3fbbdb9a4b3391b6d3e0
$OrphanFiles/sing2.dat	1005	c229626f6a71b167ad7e50c4f2fccdb1
KEY
# MFT entry numbers from the key.
"$LT" walk --json "$img" | jq -r 'select(.path=="sing1.dat" or .path=="$OrphanFiles/sing2.dat") | .inode' | sort > inodes
printf '31-128-3\n38-128-3\n' | diff - inodes
# The key's dates: 29 Feb 2004 (leap day), UTC.
"$LT" walk --json "$img" > all.jsonl
[ "$(jq -r 'select(.path=="sing1.dat") | .crtime' all.jsonl)" = 2004-02-29T20:01:24.3016128Z ] || die "sing1.dat crtime (istat: 20:01:24.301612800)"
# $FILE_NAME times are there for NTFS.
jq -se 'map(select(.path=="sing1.dat"))[0].fn_crtime != null' all.jsonl > /dev/null || die "no fn_crtime"
