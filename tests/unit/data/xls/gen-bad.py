#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Malformed workbooks for t-xls and t-protect, made from the SheetJS outputs
(meibo.xls, big.xls) with olefile (reading) and ../detect/cfb.py (writing a
compound file around a Workbook stream).  Run by make.sh; deterministic.
"""
import os
import struct
import sys

import olefile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'detect'))
import cfb  # noqa: E402


def w(name, data):
    with open(name, 'wb') as f:
        f.write(data)


def stream(path):
    return olefile.OleFileIO(path).openstream('Workbook').read()


def records(wb):
    p, out = 0, []
    while p + 4 <= len(wb):
        t, n = struct.unpack_from('<HH', wb, p)
        if t == 0 and n == 0:
            break
        out.append((p, t, n))
        p += 4 + n
    return out


def wrap(wb):
    return cfb.build([('Workbook', wb)])


meibo = stream('meibo.xls')
big = stream('big.xls')
big_file = open('big.xls', 'rb').read()

# A truncated file: big.xls cut in the middle of its Workbook stream.
w('truncated.xls', big_file[:len(big_file) // 2])

# A loop in the Workbook stream's sector chain: the FAT entry of its third
# sector points back to its first.
ole = olefile.OleFileIO('big.xls')
start = ole.root.kids_dict['workbook'].isectStart
ssize = ole.sectorsize
fat = bytearray(big_file)
fat_sector = struct.unpack_from('<I', fat, 0x4c)[0]   # the first FAT sector
third = ole.fat[ole.fat[start]]
struct.pack_into('<I', fat, (fat_sector + 1) * ssize + 4 * third, start)
w('fat-loop.xls', bytes(fat))

# A loop in the directory tree: an entry whose left sibling is itself.
d = bytearray(big_file)
dsect = struct.unpack_from('<I', d, 0x30)[0]
for i in range(1, ssize // 128):
    e = (dsect + 1) * ssize + 128 * i
    if struct.unpack_from('<H', d, e + 64)[0]:
        struct.pack_into('<I', d, e + 68, i)
        break
w('dir-loop.xls', bytes(d))

# A record whose length runs past the end of the stream: the last record
# of meibo's Workbook stream claims 4000 bytes.
recs = records(meibo)
p, t, n = recs[-1]
bad = bytearray(meibo[:p + 4 + n])
struct.pack_into('<H', bad, p + 2, 4000)
w('badlen.xls', wrap(bytes(bad)))

# A record longer than freexl's 8224-byte buffer (the data is there).
long_rec = struct.pack('<HH', 0x00ef, 9000) + b'\0' * 9000  # an unused type
p = recs[1][0]
w('longrec.xls', wrap(meibo[:p] + long_rec + meibo[p:]))


def dims(wb, rows, cols, which=0):
    """Set the DIMENSIONS record (BIFF8) of the which-th sheet."""
    b = bytearray(wb)
    k = 0
    for p, t, n in records(wb):
        if t == 0x0200:
            if k == which:
                struct.pack_into('<IIHH', b, p + 4, 0, rows, 0, cols)
                return bytes(b)
            k += 1
    raise SystemExit('no DIMENSIONS')


# DIMENSIONS claiming 1,048,576 x 256 (268 million cells).
w('dims-huge.xls', wrap(dims(meibo, 1048576, 256)))
# 2^31 x 2: freexl's 32-bit product wraps to 0 (a heap overrun there).
w('dims-wrap.xls', wrap(dims(meibo, 0x80000000, 2)))
# Just inside the limit: 20,000,000 cells in one sheet (4,000,000 x 5).
w('dims-limit.xls', wrap(dims(meibo, 4000000, 5)))

# No DIMENSIONS in a sheet, and a NUMBER cell at row 65535, column 65535
# in its place (same size, so no offset moves): freexl sizes such a sheet
# from its highest cell, 65536 x 65536.
b = bytearray()
done = False
for p, t, n in records(meibo):
    if t == 0x0200 and not done:
        b += struct.pack('<HHHHHd', 0x0203, 14, 65535, 65535, 15, 1.0)
        done = True
        continue
    b += meibo[p:p + 4 + n]
w('nodims-huge.xls', wrap(bytes(b)))

# The mini stream case and the 4096-byte boundary: meibo's stream padded to
# exactly 4096 bytes (the smallest size in regular sectors).
w('exact4096.xls', wrap(meibo + b'\0' * (4096 - len(meibo))))

# calc.xls: the numbers of calc-src.xls's second row become FORMULA records
# (formula "1" as a token, the cached result as Excel stores it): a string
# result (then a STRING record), a date, a number, a boolean.
src = stream('calc-src.xls')
out = bytearray()
FORMULA = 0x0006
for p, t, n in records(src):
    rec = src[p:p + 4 + n]
    if t == 0x0203 and struct.unpack_from('<H', src, p + 4)[0] == 1:
        row, col, xf = struct.unpack_from('<HHH', src, p + 4)
        value = struct.unpack_from('<d', src, p + 10)[0]
        tokens = b'\x1e\x01\x00'   # tInt 1
        tail = struct.pack('<HIH', 0, 0, len(tokens)) + tokens
        if col == 0:    # a string result: "検証 太郎" in the STRING record
            res = b'\x00' * 6 + b'\xff\xff'
            s16 = '検証 太郎'.encode('utf-16-le')
            body = struct.pack('<HHH', row, col, xf) + res + tail
            out += struct.pack('<HH', FORMULA, len(body)) + body
            st = struct.pack('<HB', len(s16) // 2, 1) + s16
            out += struct.pack('<HH', 0x0207, len(st)) + st
            continue
        if col == 3:    # a boolean result: TRUE
            res = b'\x01\x00\x01\x00\x00\x00\xff\xff'
        else:           # a number (the date keeps its date format)
            res = struct.pack('<d', value if col == 1 else 3.0)
        body = struct.pack('<HHH', row, col, xf) + res + tail
        out += struct.pack('<HH', FORMULA, len(body)) + body
        continue
    out += rec
w('calc.xls', wrap(bytes(out)))
