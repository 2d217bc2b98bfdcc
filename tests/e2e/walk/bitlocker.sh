# BitLocker volumes (dissect.fve): detected and named, not walked; the walk
# exits 0 (the volume was recognised) and records the locked volume.  The
# same for a BitLocker To Go drive (dfvfs bdetogo.raw), whose outer FAT32
# discovery volume holds only the reader program: listing it would pass the
# drive off as one without data.
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
need "$SHARED/dfvfs/bdetogo.raw"
expect_exit 0 "$LT" walk --json --case case.db "$SHARED/dfvfs/bdetogo.raw"
[ ! -s out ] || die "bdetogo: the discovery volume's files were listed"
grep -q "'bdetogo': the volume at offset 0 is bitlocker-encrypted" err ||
	{ cat err; die "bdetogo: BitLocker To Go not reported"; }
n=$(sqlite3 case.db "SELECT count(*) FROM volume WHERE status='locked' AND encryption='bitlocker'")
[ "$n" = 10 ] || die "expected 10 locked volumes in the case DB, got $n"
