#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the files t-protect reads.  The outputs are committed; this
# script documents how they were made and checks them with independent
# tools.  Needs: python3 with python3-olefile and python3-cryptography
# (Debian), msoffcrypto-tool (python3-msoffcrypto-tool, to check that the
# Office files decrypt with their password), LibreOffice with python3-uno
# (one workbook), qpdf (to encrypt the PDFs and
# to check them), and ../xls/make.sh and ../detect/make.sh run before (their
# meibo.xls and tiny.xlsx are the plaintexts).  Run: sh make.sh
set -eu
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 gen-protect.py

# Each encrypted Office file opens with its password, and not with another.
for f in xls-rc4-cryptoapi.xls xls-rc4-cryptoapi-40.xls xls-rc4.xls \
	ooxml-agile.xlsx ooxml-standard.xlsx; do
	msoffcrypto-tool -p secret "$f" "$tmp/out"
	! msoffcrypto-tool -p wrong "$f" "$tmp/out" 2>/dev/null
done
# A workbook encrypted with Excel's default password by another writer:
# LibreOffice (python3-uno, soffice) re-saves ../xls/big.xls with the
# password VelvetSweatshop (it writes RC4 1.1), through the UNO script of
# samples/make-office.py.  Not reproducible byte for byte (random salt);
# t-xls checks that it reads as big.xls.
/usr/bin/python3 - "$tmp/profile" "$PWD/../xls/big.xls" \
	"$PWD/xls-rc4-velvet-lo.xls" "MS Excel 97" VelvetSweatshop <<'PY'
q = "'" * 3
src = open('../../../../samples/make-office.py').read()
start = src.index("UNO_SAVE = r" + q) + len("UNO_SAVE = r" + q)
exec(src[start:src.index(q, start)])
PY
for f in xls-rc4-cryptoapi-velvet.xls xls-rc4-velvet.xls \
	xls-rc4-velvet-lo.xls; do
	msoffcrypto-tool -p VelvetSweatshop "$f" "$tmp/out"
done
msoffcrypto-tool -p secret ooxml-agile.xlsx "$tmp/out"
cmp "$tmp/out" ../detect/tiny.xlsx

# A one-page PDF with a line of text, written by hand (offsets computed).
/usr/bin/python3 - <<'PY'
text = b"BT /F1 12 Tf 20 100 Td (Shimei Seinengappi Jusho) Tj ET"
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [<00112233445566778899aabbccddeeff>"
        b" <00112233445566778899aabbccddeeff>] >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objs) + 1, x))
open("pdf-plain.pdf", "wb").write(out)
PY
qpdf --check pdf-plain.pdf >/dev/null

# qpdf encrypts; --static-id keeps the output reproducible.
enc() { # out user args...
	out=$1 user=$2
	shift 2
	qpdf --static-id --allow-weak-crypto --encrypt "$user" owner "$@" -- \
		pdf-plain.pdf "$out"
}
enc pdf-r6-user.pdf user 256
enc pdf-r6-empty.pdf "" 256
enc pdf-r5-user.pdf user 256 --force-R5
enc pdf-r5-empty.pdf "" 256 --force-R5
enc pdf-r4-aes-user.pdf user 128 --use-aes=y
enc pdf-r4-aes-empty.pdf "" 128 --use-aes=y
enc pdf-r4-rc4-meta-empty.pdf "" 128 --use-aes=n --force-V4 --cleartext-metadata
enc pdf-r3-rc4-user.pdf user 128 --use-aes=n
enc pdf-r3-rc4-empty.pdf "" 128 --use-aes=n
enc pdf-r2-rc4-user.pdf user 40
enc pdf-r2-rc4-empty.pdf "" 40
# An xref stream and object streams: /Encrypt is an indirect object that
# the xref stream's dictionary points at.
qpdf --static-id --object-streams=generate --encrypt user owner 256 -- \
	pdf-plain.pdf pdf-r6-objstm.pdf
# The oracle: qpdf says which ones need a password (exit 0) and which are
# encrypted but open without one (exit 3).
for f in pdf-*-user.pdf pdf-r6-objstm.pdf; do
	qpdf --requires-password "$f" || { echo "$f: no password?"; exit 1; }
done
for f in pdf-*-empty.pdf; do
	rc=0; qpdf --requires-password "$f" || rc=$?
	[ "$rc" = 3 ] || { echo "$f: exit $rc"; exit 1; }
done
for f in pdf-*.pdf; do
	printf '%s: ' "$f"; qpdf --show-encryption --password=user "$f" 2>&1 |
		grep -E '^(R = |File not encrypted)|method' | tr '\n' ' '; echo
done
