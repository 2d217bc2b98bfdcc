# A directory is a source too (live shares): same fields from lstat/statx,
# names that are not UTF-8 kept in path_b64, links not followed, FIFOs not
# opened, content hashed like md5sum, access times left alone.
. "$ROOT/tests/e2e/lib/common.sh"
mkdir -p share/a/b/c/d/e/f share/empty
printf 'id,name\n1,x\n' > share/a/list.csv
printf 'deep\n' > share/a/b/c/d/e/f/deep.txt
printf 'raw\n' > "share/bad$(printf '\377\376')name.txt"
ln -s /etc/passwd share/link-out
ln -s a share/link-dir
mkfifo share/pipe
touch -d '2015-05-21 02:20:00Z' share/a/list.csv
touch -a -d '2016-01-01 00:00:00Z' share/a/list.csv
timeout 20 "$LT" walk --json --hash share > out.jsonl || die "walk of a directory failed or hung"
# Reading did not change the access time.
[ "$(stat -c %X share/a/list.csv)" = "$(date -d '2016-01-01 00:00:00Z' +%s)" ] || die "atime changed by reading"
[ "$(jq -r 'select(.path=="a/list.csv") | .mtime' out.jsonl)" = 2015-05-21T02:20:00Z ] || die "mtime"
[ "$(jq -r 'select(.path=="a/list.csv") | .md5' out.jsonl)" = "$(md5sum < share/a/list.csv | cut -d' ' -f1)" ] || die "md5"
[ "$(jq -r 'select(.path=="a/list.csv") | "\(.fs) \(.partition) \(.offset) \(.type) \(.size) \(.deleted)"' out.jsonl)" = "dir null 0 file 12 false" ] || die "fields"
[ "$(jq -r 'select(.path=="a/list.csv") | .inode' out.jsonl)" = "$(stat -c %i share/a/list.csv)" ] || die "inode"
[ "$(jq -r 'select(.path=="a/b/c/d/e/f/deep.txt") | .type' out.jsonl)" = file ] || die "deep path"
[ "$(jq -r 'select(.path=="link-out") | .type' out.jsonl)" = link ] || die "link"
[ "$(jq -r 'select(.path=="pipe") | .type' out.jsonl)" = other ] || die "fifo"
# Nothing below link-dir (not followed).
! grep -q '"link-dir/' out.jsonl || die "symlinked directory followed"
b64=$(jq -r 'select(.path_b64 != null) | .path_b64' out.jsonl)
[ "$(echo "$b64" | base64 -d | od -An -tx1 | tr -d ' \n')" = "$(printf 'bad\377\376name.txt' | od -An -tx1 | tr -d ' \n')" ] ||
	die "path_b64 does not hold the raw name"
jq -r 'select(.path_b64 != null) | .path' out.jsonl | grep -q $'bad\uFFFD\uFFFDname.txt' || die "U+FFFD missing"
# Every line is valid JSON, evidence named after the directory.
jq -e -s 'all(.[]; .evidence == "share")' out.jsonl > /dev/null || die "evidence name"
[ "$(wc -l < out.jsonl)" = "$(find share -mindepth 1 | wc -l)" ] || die "entry count differs from find"
