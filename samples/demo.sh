#!/usr/bin/env bash
# `make demo`: the main job on the bundled samples.  Until `scan` and
# `report` land this is the walk: every sample image into one case
# database, then a summary per evidence item read back from the database.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
LT=$ROOT/$BUILD/leaktriage
S=$ROOT/build/samples
out=$ROOT/build/demo
rm -rf "$out"
mkdir -p "$out"
images=()
for f in ntfs.E01 fat32.img ext4.img gpt.img dos.img ntfs-split.001; do
	[ -e "$S/$f" ] && images+=("$S/$f")
done
[ ${#images[@]} -gt 0 ] || { echo "demo: no sample images in $S (make samples)" >&2; exit 1; }
echo "== leaktriage walk --case $out/case.db ${images[*]##*/}"
"$LT" walk --hash --tz Asia/Tokyo --case "$out/case.db" "${images[@]}" > "$out/listing.txt"
echo
sqlite3 -header -column "$out/case.db" "
SELECT v.name AS evidence, v.format, coalesce(v.md5, '-') AS image_md5,
       (SELECT count(*) FROM volume o WHERE o.evidence_id = v.id AND o.status = 'walked') AS volumes,
       count(e.id) AS entries,
       sum(e.type = 'file') AS files,
       sum(e.deleted) AS deleted,
       sum(e.path LIKE '%:%' AND e.fs = 'ntfs' AND e.path NOT LIKE '\$%') AS streams
FROM evidence v LEFT JOIN entry e ON e.evidence_id = v.id
GROUP BY v.id ORDER BY v.name;"
echo
echo "Deleted files whose content could still be hashed:"
sqlite3 -column "$out/case.db" "
SELECT v.name, e.path, e.size, e.md5 FROM entry e JOIN evidence v ON v.id = e.evidence_id
WHERE e.deleted AND e.type = 'file' AND e.md5 IS NOT NULL AND e.path NOT LIKE '\$%'
ORDER BY v.name, e.path LIMIT 20;"
echo
echo "The listing is in $out/listing.txt, the case database in $out/case.db."
echo "(scan and report, which print the 4/3/2/1 breach table, are not built yet.)"
