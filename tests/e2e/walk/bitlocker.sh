# BitLocker volumes (dissect.fve): detected and named, not walked; the walk
# exits 0 (the volume was recognised) and records the locked volume.
. "$ROOT/tests/e2e/lib/common.sh"
for f in aes_128 aes_256 aes-xts_128 aes-xts_256 aes_128_diffuser \
	 recovery_password recovery_key startup_key vista; do
	need "$SHARED/dissect.fve/$f.bin.gz"
	gunzip -c "$SHARED/dissect.fve/$f.bin.gz" > "$f.bin"
	expect_exit 0 "$LT" walk --json --case case.db "$f.bin"
	[ ! -s out ] || die "$f: entries listed from a locked volume"
	grep -q "'$f': the volume at offset 0 is bitlocker-encrypted; its files cannot be listed without the recovery key" err ||
		{ cat err; die "$f: BitLocker not reported"; }
done
n=$(sqlite3 case.db "SELECT count(*) FROM volume WHERE status='locked' AND encryption='bitlocker'")
[ "$n" = 9 ] || die "expected 9 locked volumes in the case DB, got $n"
