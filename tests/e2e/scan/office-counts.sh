# scan + report on the office-format evidence (samples/make-office.py):
# xlsx, xls, docx, archive members (zip in zip, 7z, lzh, tar.gz) and
# protected files.  Every cell of the records and persons tables, conflicting
# merges, files with personal data (paths as container!member), the records
# of each file, and the protected / weakly protected file counts equal the
# generator's own counts; then pc01 + pc02 + pc03 in one case (persons
# merged across the three images).
. "$ROOT/tests/e2e/lib/common.sh"
E=$ROOT/samples/office/expected
need "$ROOT/samples/office/images/pc03.img.xz"
need "$SAMPLES/pii/pc01.img"; need "$SAMPLES/pii/pc02.img"
# The Makefile unpacks only samples/images and samples/pii/images.
xz -dc "$ROOT/samples/office/images/pc03.img.xz" > "$TMPDIR/pc03.img"

cmp_report() { python3 "$ROOT/tests/e2e/lib/compare_report.py" "$1" "$2"; }
cmp_protected() { # GOT EXPECTED
	local k g e
	for k in protected protected_weak; do
		g=$(jq -r ".files.$k" "$1")
		e=$(jq -r ".files.$k" "$2")
		[ "$g" = "$e" ] || die "files.$k: got $g expected $e"
	done
}

"$LT" scan -q --case three.db --jobs 2 "$TMPDIR/pc03.img"
"$LT" report --case three.db --format json > pc03.json
"$LT" report --case three.db --format json --profile nenkin > pc03n.json
rc=0
cmp_report pc03.json "$E/pc03.kyokai.json" || rc=1
cmp_report pc03n.json "$E/pc03.nenkin.json" || rc=1
cmp_protected pc03.json "$E/pc03.kyokai.json" || rc=1

# Which files are protected, and which are not: the PDF whose user password
# is empty is not.
jq -r '.protected_files[].path' "$E/pc03.kyokai.json" | sort > want-protected
jq -r '.other_files[]? | select(.status == "protected") | .path' pc03.json | sort > got-protected
if ! cmp -s want-protected got-protected; then
	diff want-protected got-protected >&2 || true
	echo "protected files differ" >&2
	rc=1
fi

# All three images in one case.
"$LT" scan -q --case all.db "$SAMPLES/pii/pc01.img" "$SAMPLES/pii/pc02.img" "$TMPDIR/pc03.img"
"$LT" report --case all.db --format json > all.json
cmp_report all.json "$E/pc01_pc02_pc03.kyokai.json" || rc=1
cmp_protected all.json "$E/pc01_pc02_pc03.kyokai.json" || rc=1
exit $rc
