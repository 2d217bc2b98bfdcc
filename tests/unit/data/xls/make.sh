#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the workbooks t-xls reads.  The outputs are committed; this
# script documents how they were made and needs node + npm (SheetJS, the
# "xlsx" package, installed in a temporary directory), python3 with
# python3-olefile, and LibreOffice (soffice, for gen-long.py).  Run from
# anywhere: sh make.sh
set -eu
cd "$(dirname "$0")"
export TZ=UTC PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --silent --no-save xlsx@0.18.5 >/dev/null)
NODE_PATH="$tmp/node_modules" node gen-xls.js
/usr/bin/python3 gen-bad.py
/usr/bin/python3 gen-long.py
# Independent readers agree on the good ones.
/usr/bin/python3 -c '
import olefile
for f in ["meibo.xls", "big.xls", "datebomb.xls"]:
    o = olefile.OleFileIO(f)
    print(f, ["/".join(p) for p in o.listdir()], o.get_size("Workbook"))
'
