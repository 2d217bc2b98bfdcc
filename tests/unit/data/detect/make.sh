#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the small files t-detect and t-yara read.  The outputs are
# committed; this script documents how they were made and needs:
#   python3 with python3-olefile (Debian), zip, 7z (p7zip-full), tar, gzip,
#   gcab, lhasa (to check the hand-made .lzh: Debian has no LHA writer), and
#   node + npm (the SheetJS "xlsx" package, for a real BIFF8 .xls).
# Run from this directory: sh make.sh
set -eu
cd "$(dirname "$0")"
export TZ=UTC SOURCE_DATE_EPOCH=1432207200 PYTHONDONTWRITEBYTECODE=1

# A real .xls written by SheetJS (BIFF8 in a compound file).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --silent --no-save xlsx@0.18.5 >/dev/null)
NODE_PATH="$tmp/node_modules" node -e '
const XLSX = require("xlsx");
const ws = XLSX.utils.aoa_to_sheet([["氏名", "生年月日"], ["検証太郎", "1970-01-01"]]);
const wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, ws, "名簿");
XLSX.writeFile(wb, "tiny.xls", { bookType: "biff8" });'

/usr/bin/python3 gen.py

# A zip named .txt: content decides, not the name.
rm -f zip-named.txt
cp pii-utf8.csv "$tmp/list.csv"
(cd "$tmp" && touch -d @$SOURCE_DATE_EPOCH list.csv && zip -X -q zip.zip list.csv)
mv "$tmp/zip.zip" zip-named.txt

cd "$tmp"
touch -d @$SOURCE_DATE_EPOCH list.csv
rm -f "$OLDPWD"/tiny.7z "$OLDPWD"/tiny.lzh
7z a -bd -bso0 "$OLDPWD/tiny.7z" list.csv
tar --format=ustar --owner=0 --group=0 --mtime=@$SOURCE_DATE_EPOCH \
	-cf "$OLDPWD/tiny.tar" list.csv
tar --format=v7 --owner=0 --group=0 --mtime=@$SOURCE_DATE_EPOCH \
	-cf "$OLDPWD/v7.tar" list.csv
gzip -9 -n -c "$OLDPWD/tiny.tar" > "$OLDPWD/tiny.tar.gz"
gcab -c "$OLDPWD/tiny.cab" list.csv
cd "$OLDPWD"

# An LHA archive, level-0 header, method -lh0- (stored), checked by lhasa.
/usr/bin/python3 - "$tmp/list.csv" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
crc = 0
for b in data:                      # CRC-16/ARC, as LHA uses
    crc ^= b
    for _ in range(8):
        crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
name = b"list.csv"
dos_time = (34 << 25) | (5 << 21) | (21 << 16) | (11 << 11) | (20 << 5)
body = (b"-lh0-" + struct.pack("<IIIBB", len(data), len(data), dos_time,
        0x20, 0) + bytes([len(name)]) + name + struct.pack("<H", crc))
hdr = bytes([len(body), sum(body) & 0xFF]) + body
open("tiny.lzh", "wb").write(hdr + data + b"\0")
PY
lha t tiny.lzh >/dev/null

# A minimal PDF (hand-written, xref offsets computed).
/usr/bin/python3 - <<'PY'
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open("tiny.pdf", "wb").write(out)
PY

# Cross-checks with independent readers.
/usr/bin/python3 -c '
import olefile, sys
for f in ["tiny.xls", "encrypted.xlsx", "tiny.doc", "embedded.doc", "tiny.ppt",
          "tiny.msg", "both.cfb", "v4.xls", "dirend.xls", "tiny.msi"]:
    o = olefile.OleFileIO(f)
    print(f, ["/".join(p) for p in o.listdir(streams=True, storages=True)])
'
file --mime-type ./*.xls* ./*.doc* ./*.ppt* ./*.msg ./*.msi ./*.cfb ./*.zip ./*.txt \
	./*.csv ./*.7z ./*.lzh ./*.tar* ./*.cab ./*.pdf ./*.od*
