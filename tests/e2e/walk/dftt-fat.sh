# DFTT #6 (FAT undelete): every entry as fls lists it; walk --hash gives the
# key's MD5 where the key says contiguous recovery works, and the key's
# documented "naive" MD5 for the fragmented files (TSK recovers FAT deleted
# files contiguously, as the key explains).
. "$ROOT/tests/e2e/lib/common.sh"
img=$SHARED/sleuthkit_test_data/extracted/6-fat-undel.dd
need "$img"
$CMP "$LT" "$img" --min-entries 15 --min-deleted 10
"$LT" walk --hash --json "$img" | jq -r 'select(.md5 != null and .deleted) | "\(.name)\t\(.size)\t\(.md5)"' > got
while IFS=$'\t' read -r name size md5; do
	grep -qF "$name	$size	$md5" got || die "key: $name $size $md5 not found"
done <<'KEY'
_ing.dat	780	59b20779f69ff9f0ac5fcd2c38835a79
_ult1.dat	3801	ffd27bd782bdce67750b6b9ee069d2ef
mult2.dat	1715	59cf0e9cd107bc1e75afb7374f6e05bb
_rag1.dat	1584	c4f3b9a0f17d464f4fc61b94ecf6cc21
_rag2.dat	3873	965370acfa85aa7e26ab04bbd45cdcae
frag3.dat	2027	a7a14ac62f79fdea4056ed5e8bcf97ef
KEY
