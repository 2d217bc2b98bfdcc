# FAT keeps local time: --tz says which zone it was written in, applied
# once.  DFTT #5: winter.txt created 1 Jan 2004 2:00 PM, summer.txt
# 1 Jun 2004 3:00 PM, wall clock.
. "$ROOT/tests/e2e/lib/common.sh"
img=$SHARED/sleuthkit_test_data/extracted/daylight.dd
need "$img"
t() { "$LT" walk --json --tz "$1" "$img" | jq -r "select(.name==\"$2\") | .crtime[0:19]"; }
[ "$(t UTC winter.txt)" = 2004-01-01T14:00:01 ] || die "UTC winter"
[ "$(t UTC summer.txt)" = 2004-06-01T15:00:01 ] || die "UTC summer"
[ "$(t Asia/Tokyo winter.txt)" = 2004-01-01T05:00:01 ] || die "JST winter"
[ "$(t America/New_York winter.txt)" = 2004-01-01T19:00:01 ] || die "EST winter"
[ "$(t America/New_York summer.txt)" = 2004-06-01T19:00:01 ] || die "EDT summer"
# The process TZ is not inherited: only --tz counts.
[ "$(TZ=Asia/Tokyo "$LT" walk --json "$img" | jq -r 'select(.name=="winter.txt") | .crtime[0:19]')" = 2004-01-01T14:00:01 ] ||
	die "TZ leaked into the walk"
# NTFS times are UTC whatever --tz says.
n=$SHARED/sleuthkit_test_data/extracted/7-ntfs-undel.dd
a=$("$LT" walk --json --tz UTC "$n" | md5sum)
b=$("$LT" walk --json --tz Asia/Tokyo "$n" | md5sum)
[ "$a" = "$b" ] || die "--tz changed NTFS times"
expect_exit 2 "$LT" walk --tz Mars/Olympus "$img"
grep -q "unknown time zone 'Mars/Olympus'" err || die "bad zone not named"
# Recorded per evidence item in the case DB.
"$LT" walk --tz Asia/Tokyo --case c.db "$img" > /dev/null
[ "$(sqlite3 c.db "SELECT tz FROM evidence")" = Asia/Tokyo ] || die "tz not recorded"
