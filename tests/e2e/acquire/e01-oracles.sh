#!/usr/bin/env bash
# E01 acquisition checked by libewf's own tools: ewfverify accepts it,
# ewfinfo shows the case fields and an MD5/SHA1 equal to md5sum/sha1sum of
# the source, ewfexport gives back a byte-identical raw file; the log holds
# the same hashes and the SHA-256; every file is mode 0600.
. "$(dirname "$0")/common.bash"
need ewfverify ewfinfo ewfexport

make_fat "$T/src.img"
cd "$T"
md5=$(md5_of src.img); sha1=$(sha1_of src.img); sha256=$(sha256_of src.img)

expect_exit 0 "$LT" acquire src.img case7 --case-number 'C-2015/07' \
	--evidence-number E-1 --examiner 'Hanako Sato' --description 'USB stick' \
	--notes 'seized 2015-05-21' --compression best --hash md5,sha1,sha256
[ -f case7.E01 ] || fail "no case7.E01"
grep -qx "md5     $md5" out || fail "stdout md5: $(cat out)"
grep -qx "sha256  $sha256" out || fail "stdout sha256"

ewfverify -q case7.E01 > ewfverify.out 2>&1 || { cat ewfverify.out >&2; fail "ewfverify rejects the image"; }
grep -q "ewfverify: SUCCESS" ewfverify.out || fail "ewfverify did not say SUCCESS"
ewfinfo case7.E01 > info
for want in "Case number:.*C-2015/07" "Evidence number:.*E-1" "Examiner name:.*Hanako Sato" \
	"Description:.*USB stick" "Notes:.*seized 2015-05-21" "MD5:.*$md5" "SHA1:.*$sha1" \
	"File format:.*EnCase 6" "Compression level:.*best" "Software version used:"; do
	grep -q "$want" info || { cat info >&2; fail "ewfinfo does not show '$want'"; }
done
ewfexport -q -u -t back -f raw case7.E01 > /dev/null 2>&1 || fail "ewfexport failed"
cmp back.raw src.img || fail "ewfexport output differs from the source"

json_is case7.log.json .complete true
json_is case7.log.json .hashes "{\"md5\":\"$md5\",\"sha1\":\"$sha1\",\"sha256\":\"$sha256\"}"
json_is case7.log.json .hashes_in_image '["md5","sha1"]'
json_is case7.log.json .case.examiner '"Hanako Sato"'
json_is case7.log.json .case.case_number '"C-2015/07"'
json_is case7.log.json '.source | [.path, .kind, .size, .sector_size]' \
	"[\"src.img\",\"file\",$(stat -c %s src.img),512]"
json_is case7.log.json '.image | [.format, .compression, .files]' '["e01","best",["case7.E01"]]'
json_is case7.log.json '[.bytes_read, .bytes_written, .bytes_unreadable, .bad_ranges]' \
	"[$(stat -c %s src.img),$(stat -c %s src.img),0,[]]"
json_is case7.log.json '.tool.name' '"leaktriage"'
json_is case7.log.json '.command_line[1:3]' '["acquire","src.img"]'
jq -e '.start | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' case7.log.json >/dev/null || fail "start time"
grep -q "^Status: *complete" case7.log.txt || fail "the text log does not say complete"
grep -q "^SHA256: *$sha256" case7.log.txt || fail "the text log has no SHA256"
grep -q "^Examiner: *Hanako Sato" case7.log.txt || fail "the text log has no examiner"
for f in case7.E01 case7.log.json case7.log.txt; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is mode $(stat -c %a "$f"), not 600"
done
expect_exit 0 "$LT" verify case7.E01
grep -q "case7.E01: verified" out || fail "verify did not say verified"
exit 0
