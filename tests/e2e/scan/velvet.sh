# Workbooks encrypted with Excel's default password "VelvetSweatshop" open
# without a secret: their records are counted like the plain workbook's
# (one count per copy); one under XOR obfuscation, which is not decrypted,
# is listed as not examined; one encrypted with a real password is
# protected.
. "$ROOT/tests/e2e/lib/common.sh"
P=$ROOT/tests/unit/data/protect
mkdir -p src
cp "$ROOT/tests/unit/data/xls/meibo.xls" src/plain.xls
cp "$P/xls-rc4-cryptoapi-velvet.xls" src/cryptoapi-velvet.xls
cp "$P/xls-rc4-velvet.xls" src/rc4-velvet.xls
cp "$P/xls-xor-velvet.xls" src/xor-velvet.xls
cp "$P/xls-rc4-cryptoapi.xls" src/secret.xls
"$LT" scan -q --case c.db src 2> err || die "scan failed: $(cat err)"
q() { sqlite3 c.db "$1"; }
st() { q "SELECT status || ' ' || records FROM file WHERE path='$1'"; }
plain=$(st plain.xls)
[ "${plain%% *}" = ok ] && [ "${plain#* }" -gt 0 ] || die "plain.xls: $plain"
[ "$(st cryptoapi-velvet.xls)" = "$plain" ] || die "cryptoapi-velvet.xls: $(st cryptoapi-velvet.xls), plain $plain"
[ "$(st rc4-velvet.xls)" = "$plain" ] || die "rc4-velvet.xls: $(st rc4-velvet.xls), plain $plain"
[ "$(st xor-velvet.xls)" = "not_examined 0" ] || die "xor-velvet.xls: $(st xor-velvet.xls)"
[ "$(st secret.xls)" = "protected 0" ] || die "secret.xls: $(st secret.xls)"
q "SELECT detail FROM file WHERE path='rc4-velvet.xls'" | grep -q VelvetSweatshop ||
	die "the velvet file does not say how it was encrypted"
# The report: three files with personal data (the copies' records are
# compared above), one protected file (weak), one not examined.
"$LT" report --case c.db --format json > r.json
jq -e '.files.with_pii == 3 and .files.protected == 1 and
	.files.protected_weak == 1 and .files.not_examined == 1 and
	.files.errors == 0' r.json > /dev/null || die "report file counts: $(jq -c .files r.json)"
