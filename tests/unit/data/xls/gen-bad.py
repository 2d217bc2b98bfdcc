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
# Just inside the limit: 20,000,000 cells in one sheet (2,500,000 x 8: its
# cells lie inside, or freexl would refuse them first).
w('dims-limit.xls', wrap(dims(meibo, 2500000, 8)))

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


# --- the shared string table (SST) and freexl's parse_SST() ---------------
# big.xls has one SST record of 403 16-bit strings that its LABELSST cells
# use.  It is laid out again over SST + CONTINUE records, as the format
# allows (valid: freexl reads them; the extraction must not change), then
# damaged where freexl 1.0.6 reads past the record it parses (t-xls expects
# the check to refuse those, before freexl runs).

def sst_strings(wb):
    for p, t, n in records(wb):
        if t == 0x00fc:
            data = wb[p + 4:p + 4 + n]
            total, count = struct.unpack_from('<II', data, 0)
            q, out = 8, []
            for _ in range(count):
                cch, fl = struct.unpack_from('<HB', data, q)
                size = cch * (2 if fl & 1 else 1)
                out.append([cch, fl, data[q + 3:q + 3 + size], b'', b''])
                q += 3 + size
            assert q == n
            return p, n, total, out
    raise SystemExit('no SST')


def lay_sst(total, strings, size, hook=None):
    """SST + CONTINUE records of at most `size` data bytes, the MS-XLS way:
    a string header is never split, characters are split between
    characters (the next record starting with an option byte), rich-text
    runs and phonetic data anywhere.  strings: [cch, flags, chars, runs,
    ext]; hook(i, rec) may change record i's data before it is written."""
    recs = [bytearray(struct.pack('<II', total, len(strings)))]

    def room():
        return size - len(recs[-1])

    def put(b):          # split anywhere
        while b:
            if not room():
                recs.append(bytearray())
            k = min(room(), len(b))
            recs[-1] += b[:k]
            b = b[k:]

    for cch, fl, chars, runs, ext in strings:
        head = struct.pack('<HB', cch, fl)
        if fl & 8:
            head += struct.pack('<H', len(runs) // 4)
        if fl & 4:
            head += struct.pack('<I', len(ext))
        if room() < len(head) + (2 if fl & 1 else 1):
            recs.append(bytearray())
        recs[-1] += head
        w_ = 2 if fl & 1 else 1
        while chars:
            if room() < w_:
                recs.append(bytearray([fl & 1]))
            k = min(room() // w_ * w_, len(chars))
            recs[-1] += chars[:k]
            chars = chars[k:]
        put(runs)
        put(ext)
    out = b''
    for i, r in enumerate(recs):
        if hook:
            hook(i, r)
        out += struct.pack('<HH', 0x00fc if i == 0 else 0x003c, len(r)) + r
    return out


def replace_sst(wb, new):
    """big's stream with its SST record replaced; BOUNDSHEETs follow."""
    p, n, _, _ = sst_strings(wb)
    delta = len(new) - (4 + n)
    out = bytearray(wb[:p] + new + wb[p + 4 + n:])
    for q, t, m in records(bytes(out)):
        if t == 0x0085:
            off = struct.unpack_from('<I', out, q + 4)[0]
            if off > p:
                struct.pack_into('<I', out, q + 4, off + delta)
    return bytes(out)


_, _, sst_total, strs = sst_strings(big)


def sst_file(name, strings, size, hook=None):
    w(name, wrap(replace_sst(big, lay_sst(sst_total, strings, size, hook))))


# Valid: records of at most 1000 bytes, strings split between them.
sst_file('sst-split.xls', strs, 1000)
# Valid: rich-text runs and phonetic data (furigana) on every tenth
# string, some of them split across a record end (freexl skips them).
rich = [list(s) for s in strs]
for i in range(0, len(rich), 10):
    rich[i][1] |= 0x0c
    rich[i][3] = struct.pack('<HH', 0, 1) * 2
    rich[i][4] = struct.pack('<HHH', 1, 8, 4) + b'\0' * 10
sst_file('sst-rich.xls', rich, 1000)
# Valid: the SST claims 1000 more strings than it holds (freexl reads
# those it holds).
p = sst_strings(big)[0]
cnt = bytearray(big)
struct.pack_into('<I', cnt, p + 8, len(strs) + 1000)
w('sst-count.xls', wrap(bytes(cnt)))

# Bad: a string split at a record end claims 30000 characters; its rest
# in the next record holds far fewer (freexl's memcpy reads 60 KB from
# its 8224-byte record buffer).
tail = [list(s) for s in strs] + [[30000, 1, 'ａ'.encode('utf-16-le') * 3000,
                                   b'', b'']]
sst_file('sst-cch.xls', tail, 8224)
# Bad: a rich-text run count of 65535 on a string near the end of the SST
# record: freexl skips 262140 bytes into the next record and reads there.
# Then phonetic data of 0x7ffffff0 bytes, the same way.
k = 0
size = 8
for i, s in enumerate(strs):
    if size + 3 + len(s[2]) > 4000:
        k = i - 2            # still in the first record with 8 bytes more
        break
    size += 3 + len(s[2])


def bad_skip(name, flag, fmt, value):
    bad = [list(s) for s in strs]
    bad[k][1] |= flag
    bad[k][3 if flag == 8 else 4] = b'\0' * 4   # patched by the hook

    def hook(i, rec):
        if i == 0:
            q = 8 + sum(3 + len(bad[j][2]) for j in range(k))
            struct.pack_into(fmt, rec, q + 3, value)
    sst_file(name, bad, 4000, hook)


bad_skip('sst-runs.xls', 0x08, '<H', 65535)
bad_skip('sst-ext.xls', 0x04, '<I', 0x7ffffff0)
# Bad: an 8-bit string of 6000 characters split at a record end whose rest
# claims 16-bit characters (option byte 1): twice the bytes the record
# holds.
opt = [list(s) for s in strs] + [[6000, 0, b'x' * 6000, b'', b'']]


def wide_rest(i, rec):
    if i == 1:
        rec[0] = 1


sst_file('sst-option.xls', opt, 8224, wide_rest)
# Bad: a string header cut by the record end (its flags in the next
# record): the first record ends 2 bytes into a string.
hdr = lay_sst(sst_total, strs, 8224)
first = 8 + 3 + len(strs[0][2]) + 2
sst_rec = struct.pack('<HH', 0x00fc, first) + hdr[4:4 + first]
cont = hdr[4 + first:]
hdr = sst_rec + struct.pack('<HH', 0x003c, len(cont)) + cont
w('sst-header.xls', wrap(replace_sst(big, hdr)))

# Valid, but past what freexl 1.0.6 follows (the extraction lays the table
# out again and must read as big.xls, nothing cut): phonetic data (furigana,
# 2500 bytes) on string 5 and rich-text runs (600 of them) on string 200,
# in records of at most 1000 bytes: each spans three records or more.
spill = [list(s) for s in strs]
spill[5][1] |= 0x04
spill[5][4] = struct.pack('<HHH', 1, 2500 - 6, 4) + b'\0' * (2500 - 6)
spill[200][1] |= 0x08
spill[200][3] = struct.pack('<HH', 0, 1) * 600
sst_file('sst-spill.xls', spill, 1000)
