# The HTML report opened in headless Chromium: the rendered DOM holds every
# number of the main tables (records and persons, each cell, from the JSON
# report of the same case), and a screenshot is kept as a test artifact in
# build/test-artifacts/.
. "$ROOT/tests/e2e/lib/common.sh"
command -v chromium > /dev/null || die "chromium is missing (make deps)"
P=$SAMPLES/pii
art=$ROOT/build/test-artifacts
mkdir -p "$art"
"$LT" scan -q --case c.db "$P/pc01.img" "$P/pc02.img"
"$LT" report --case c.db --format json > r.json
"$LT" report --case c.db --format html -o r.html
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-dev-shm-usage --user-data-dir="$TMPDIR/profile" \
		"$@" 2> chromium.err
}
chrome --dump-dom "file://$PWD/r.html" > dom.html || { cat chromium.err; die "chromium --dump-dom failed"; }
[ -s dom.html ] || die "empty DOM"
python3 - r.json dom.html <<'PY'
import html.parser, json, sys
rep = json.load(open(sys.argv[1]))

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells = []
    def handle_data(self, d):
        d = d.strip()
        if d:
            self.cells.append(d)

t = Text()
t.feed(open(sys.argv[2], encoding="utf-8").read())
seen = {c.replace(",", "") for c in t.cells}
missing = []
for table in ("records", "persons"):
    for side in ("with_number", "without_number"):
        for cat in ("4", "3", "2", "1"):
            v = str(rep["tables"][table][side][cat])
            if v not in seen:
                missing.append("%s %s %s = %s" % (table, side, cat, v))
    v = str(rep["tables"][table]["no_name"])
    if v not in seen:
        missing.append("%s no_name = %s" % (table, v))
if missing:
    sys.exit("not in the rendered page: " + "; ".join(missing))
print("all %d table numbers are in the rendered page" % 18)
PY
chrome --screenshot="$art/report-pc01-pc02.png" --window-size=1200,2000 "file://$PWD/r.html" ||
	{ cat chromium.err; die "chromium --screenshot failed"; }
[ -s "$art/report-pc01-pc02.png" ] || die "no screenshot"
head -c 8 "$art/report-pc01-pc02.png" | od -An -tx1 | grep -q '89 50 4e 47' || die "screenshot is not a PNG"
