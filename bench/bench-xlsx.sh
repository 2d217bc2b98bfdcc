#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/bench-xlsx.sh LT WORKDIR
#
# Classification of a large generated XLSX: `LT scan --jobs 1` of a
# directory holding one workbook whose sheet XML is ~200 MB uncompressed
# (fake personal-data rows: shared strings for names and addresses,
# numbers, serial dates with a date style).  Reported in MB/s of
# uncompressed sheet XML.  Target: >= 100 MB/s per core; peak RSS < 512 MiB.
set -euo pipefail
TARGET_MBS=100
RUNS=${BENCH_RUNS:-3}
[ $# -eq 2 ] || { echo "usage: $0 LT WORKDIR" >&2; exit 2; }
lt=$1
work=$2
dir=$work/xlsx
x=$dir/roster.xlsx
mkdir -p "$dir"
if [ ! -f "$x" ]; then
	python3 - "$x" <<'PY'
import random, sys, zipfile
r = random.Random(42)
fam = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
giv = ["太郎", "花子", "一郎", "美咲", "健太", "さくら", "翔", "陽菜", "大輔", "結衣"]
pref = ["東京都千代田区", "大阪府大阪市北区", "北海道札幌市中央区", "福岡県福岡市博多区"]
strings = []
index = {}
def s(v):
    if v not in index:
        index[v] = len(strings)
        strings.append(v)
    return index[v]
hdr = ["氏名", "性別", "生年月日", "住所", "被保険者記号", "被保険者番号"]
for h in hdr:
    s(h)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        f.write(('<row r="1">' + "".join('<c r="%s1" t="s"><v>%d</v></c>' % (chr(65 + i), s(h)) for i, h in enumerate(hdr)) + "</row>").encode())
        size = 0
        row = 2
        while size < 200_000_000:
            name = s("%s %s" % (r.choice(fam), r.choice(giv)))
            addr = s("%s%d-%d-%d" % (r.choice(pref), r.randint(1, 9), r.randint(1, 30), r.randint(1, 20)))
            sex = s(r.choice("男女"))
            line = ('<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c>'
                    '<c r="C%d" s="1"><v>%d</v></c><c r="D%d" t="s"><v>%d</v></c>'
                    '<c r="E%d"><v>%d</v></c><c r="F%d"><v>%d</v></c></row>') % (
                row, row, name, row, sex, row, r.randint(8000, 38000), row, addr,
                row, r.randint(1000000, 9999999), row, r.randint(1, 999))
            b = line.encode()
            f.write(b)
            size += len(b)
            row += 1
        f.write(b"</sheetData></worksheet>")
    sst = "".join("<si><t>%s</t></si>" % v for v in strings)
    z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), sst))
    z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
PY
fi
xml=$(python3 -c "import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).getinfo('xl/worksheets/sheet1.xml').file_size)" "$x")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ts=() cpu=() rss=0
for i in $(seq "$RUNS"); do
	rm -f "$work/xlsx.db"*
	/usr/bin/time -f '%e %M %U %S' -o "$work/.time" "$lt" scan -q --jobs 1 --case "$work/xlsx.db" "$dir" > /dev/null 2>&1
	read -r t m u sy < "$work/.time"
	ts+=("$t")
	cpu+=("$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u + s}')")
	[ "$m" -gt "$rss" ] && rss=$m
done
med=$(printf '%s\n' "${ts[@]}" | median)
mbs=$(awk -v b="$xml" -v t="$med" 'BEGIN {printf "%.1f", b / 1e6 / t}')
recs=$(sqlite3 "$work/xlsx.db" "SELECT sum(n) FROM record_block")
echo "classify XLSX ($((xml / 1000000)) MB sheet XML, $recs records, 1 job): ${med}s, ${mbs} MB/s vs $TARGET_MBS MB/s: ratio $(awk -v m="$mbs" -v t=$TARGET_MBS 'BEGIN {printf "%.2f", m / t}') (target >= 1.0)"
echo "  runs ${ts[*]}; peak RSS ${rss} KiB"
cmed=$(printf '%s\n' "${cpu[@]}" | median)
echo "  CPU seconds (user + sys, all threads: worker, side thread, writer) ${cpu[*]}; $(awk -v b="$xml" -v c="$cmed" 'BEGIN {printf "%.1f", b / 1e6 / c}') MB of sheet XML per CPU-second"
