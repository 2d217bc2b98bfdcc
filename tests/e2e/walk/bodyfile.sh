# --bodyfile is the TSK 3.x body format: for the DFTT images it is the same
# set of lines `fls -r -m /` prints, and mactime reads it without errors.
. "$ROOT/tests/e2e/lib/common.sh"
d=$SHARED/sleuthkit_test_data/extracted
for f in 7-ntfs-undel.dd 6-fat-undel.dd daylight.dd; do
	need "$d/$f"
	"$LT" walk --bodyfile "$d/$f" | sort > ours.body
	TZ=UTC fls -r -m / "$d/$f" | sort > fls.body
	diff fls.body ours.body || die "$f: body file differs from fls -m"
	mactime -b ours.body -z UTC -d > timeline.csv 2> mactime.err
	[ ! -s mactime.err ] || { cat mactime.err; die "mactime complained"; }
	TZ=UTC mactime -b fls.body -z UTC -d > fls-timeline.csv
	diff fls-timeline.csv timeline.csv || die "$f: timelines differ"
	[ "$(wc -l < timeline.csv)" -gt 5 ] || die "$f: empty timeline"
done
# With --hash the MD5 column is filled for readable files.
"$LT" walk --bodyfile --hash "$d/7-ntfs-undel.dd" | grep -q '^59b20779f69ff9f0ac5fcd2c38835a79|/sing1.dat (deleted)|' ||
	die "md5 column not filled"
