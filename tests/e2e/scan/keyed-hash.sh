# Person keys are stored as HMAC-SHA-256 with the per-case secret (first 16
# bytes), computed on kind || normalized key; checked with Python's hmac.
. "$ROOT/tests/e2e/lib/common.sh"
mkdir src
printf '氏名,生年月日,住所\n山田　太郎,昭和60年3月5日,東京都千代田区千代田一丁目1番1号\n' > src/a.csv
"$LT" scan -q --case c.db src
[ "$(stat -c %a c.db.key)" = 600 ] || die "key file mode"
recs() { python3 "$ROOT/tests/e2e/lib/recblocks.py" "$1"; }
[ "$(recs c.db | wc -l)" = 1 ] || die "one record expected"
python3 - "$(head -c 64 c.db.key)" "$(recs c.db)" <<'PY'
import hmac, hashlib, sys
key = bytes.fromhex(sys.argv[1])
f = sys.argv[2].split("|")
assert f[4:7] == ["", "", ""], f   # no identifier keys
nb, na = f[7], f[8]
def k(kind, s):
    return hmac.new(key, bytes([kind]) + s.encode(), hashlib.sha256).hexdigest()[:32].upper()
assert nb == k(3, "山田太郎|1985-03-05"), (nb, k(3, "山田太郎|1985-03-05"))
assert na == k(4, "山田太郎|東京都千代田区千代田1-1-1"), na
print("keyed hashes ok")
PY
# Another case has another secret: the same person hashes differently.
"$LT" scan -q --case d.db src
[ "$(recs c.db | cut -d"|" -f8)" != "$(recs d.db | cut -d"|" -f8)" ] ||
	die "two cases share a secret"
