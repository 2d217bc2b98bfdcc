#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Hand-made archives for t-archive, where Debian has no writer or where the
test needs bytes no tool writes (make.sh runs this):

  cp932.zip      stored members whose names are CP932 bytes without the
                 UTF-8 flag (old Japanese Windows ZIPs), one UTF-8 name with
                 the flag, one name valid in neither (0x80 0xFF)
  lying.zip      64 MiB of zeros (deflate) whose headers declare 100 bytes:
                 the limits must hold during decompression, not only on the
                 declared sizes
  meibo.lzh      LHA level-0 headers, method -lh0- (stored), a CP932 name
                 (Debian's lhasa only reads LZH)
  stored.rar     RAR5, two stored files (no RAR writer in Debian main)
  enc-file.rar   RAR5, one stored file and one with a file encryption
                 record (extra record type 0x01) over random bytes
  enc-head.rar   RAR5 whose first header is the archive encryption header
                 (type 4): the member list itself is hidden
  stored4.rar    RAR 2.9 (RAR4) format, stored files, one with a CP932
                 name (no Unicode name flag)
  enc4.rar       RAR4, one stored file and one with LHD_PASSWORD (0x04)
  enc4-head.rar  RAR4 with MHD_PASSWORD (0x80) in the main header

The RAR layouts follow RARLAB's "RAR 5.0 archive format" technote and the
RAR 2.9 technote (technote.txt in unrar sources): vints, CRC32 of each
header, stored data (method 0 / 0x30).
"""
import os
import struct
import sys
import zlib

EPOCH = 1432207200  # 2015-05-21T11:20:00Z
CSV = "氏名,生年月日,住所\n検証太郎,1970-01-01,架空県見本市1-2-3\n".encode()


def dos_time(t):
    import time
    tm = time.gmtime(t)
    return ((tm.tm_year - 1980) << 25 | tm.tm_mon << 21 | tm.tm_mday << 16
            | tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec // 2)


# ---- ZIP ------------------------------------------------------------------

def zip_stored(members):
    """members: list of (raw name bytes, data, utf8 flag)"""
    out = bytearray()
    cd = bytearray()
    dt = dos_time(EPOCH)
    for name, data, utf8 in members:
        flags = 0x800 if utf8 else 0
        crc = zlib.crc32(data)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 10, flags, 0,
                           dt & 0xFFFF, dt >> 16, crc, len(data), len(data),
                           len(name), 0) + name + data
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 10,
                          flags, 0, dt & 0xFFFF, dt >> 16, crc, len(data),
                          len(data), len(name), 0, 0, 0, 0, 0o100644 << 16,
                          off) + name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members),
                       len(members), len(cd), len(out), 0)
    return bytes(out + cd + eocd)


def lying_zip():
    zeros = bytes(64 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = co.compress(zeros) + co.flush()
    crc = zlib.crc32(zeros)
    name = b"zeros.bin"
    dt = dos_time(EPOCH)
    lie = 100
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dt & 0xFFFF,
                        dt >> 16, crc, len(comp), lie, len(name), 0) + name
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0, 8,
                     dt & 0xFFFF, dt >> 16, crc, len(comp), lie, len(name), 0,
                     0, 0, 0, 0o100644 << 16, 0) + name
    body = local + comp
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(cd),
                       len(body), 0)
    return body + cd + eocd


# ---- LZH ------------------------------------------------------------------

def crc16(data):
    crc = 0
    for b in data:  # CRC-16/ARC, as LHA uses
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def lzh_level0(members):
    out = bytearray()
    for name, data in members:
        body = (b"-lh0-" + struct.pack("<IIIBB", len(data), len(data),
                                       dos_time(EPOCH), 0x20, 0)
                + bytes([len(name)]) + name + struct.pack("<H", crc16(data)))
        out += bytes([len(body), sum(body) & 0xFF]) + body + data
    return bytes(out + b"\0")


# ---- RAR5 -----------------------------------------------------------------

RAR5_SIG = b"Rar!\x1a\x07\x01\x00"


def vint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def rar5_block(htype, hflags, fields, extra=b"", data=b""):
    """fields: the type-specific fields (after extra/data sizes)."""
    if extra:
        hflags |= 0x0001
    if data:
        hflags |= 0x0002
    body = vint(htype) + vint(hflags)
    if extra:
        body += vint(len(extra))
    if data:
        body += vint(len(data))
    body += fields + extra
    hdr = vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(hdr)) + hdr + data


def rar5_main():
    return rar5_block(1, 0, vint(0))


def rar5_end():
    return rar5_block(5, 0, vint(0))


def rar5_file(name, data, crypt=False):
    # file flags: 0x2 unix mtime present, 0x4 data CRC32 present
    fields = (vint(0x0006) + vint(len(data)) + vint(0o100644)
              + struct.pack("<I", EPOCH) + struct.pack("<I", zlib.crc32(data))
              + vint(0)        # compression info: version 0, method 0 (store)
              + vint(1)        # host OS: Unix
              + vint(len(name)) + name)
    extra = b""
    if crypt:
        # encryption record: type 1, version 0 (AES-256), flags 1 (check
        # value present), KDF count, salt, IV, check value
        rec = (vint(1) + vint(0) + vint(1) + bytes([15]) + os.urandom(16)
               + os.urandom(16) + os.urandom(12))
        extra = vint(len(rec)) + rec
    return rar5_block(2, 0, fields, extra, data)


def rar5_crypt_head():
    fields = vint(0) + vint(1) + bytes([15]) + os.urandom(16) + os.urandom(12)
    return rar5_block(4, 0, fields)


# ---- RAR4 -----------------------------------------------------------------

RAR4_SIG = b"Rar!\x1a\x07\x00"


def rar4_block(htype, flags, fields, add=b""):
    size = 7 + len(fields)
    hdr = struct.pack("<BHH", htype, flags, size) + fields
    return struct.pack("<H", zlib.crc32(hdr) & 0xFFFF) + hdr + add


def rar4_main(flags=0):
    return rar4_block(0x73, flags, struct.pack("<HI", 0, 0))


def rar4_file(name, data, crypt=False):
    # 0x04 LHD_PASSWORD, 0x400 LHD_SALT (RAR 3.x encrypts with a salt)
    flags = 0x8000 | (0x0404 if crypt else 0)
    fields = struct.pack("<IIBIIBBHI", len(data), len(data), 3,
                         zlib.crc32(data), dos_time(EPOCH), 29, 0x30,
                         len(name), 0o100644 << 16) + name
    if crypt:
        fields += os.urandom(8)
    return rar4_block(0x74, flags, fields, data)


def rar4_end():
    return rar4_block(0x7B, 0x4000, b"")


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    w = lambda f, b: open(f, "wb").write(b)

    w("cp932.zip", zip_stored([
        ("名簿.csv".encode("cp932"), CSV, False),
        ("ソ表\\データ.csv".encode("cp932"), CSV, False),  # 0x5C trail byte
        ("utf8-名簿.csv".encode(), CSV, True),
        (b"bad\x80\xff.csv", CSV, False),
    ]))
    w("lying.zip", lying_zip())
    w("meibo.lzh", lzh_level0([("名簿.csv".encode("cp932"), CSV),
                               (b"b.csv", b"a,b\n1,2\n")]))

    w("stored.rar", RAR5_SIG + rar5_main()
      + rar5_file("名簿.csv".encode(), CSV) + rar5_file(b"b.csv", b"a,b\n")
      + rar5_end())
    w("enc-file.rar", RAR5_SIG + rar5_main()
      + rar5_file(b"plain.csv", CSV)
      + rar5_file(b"secret.csv", os.urandom(64), crypt=True) + rar5_end())
    w("enc-head.rar", RAR5_SIG + rar5_crypt_head() + os.urandom(96))

    w("stored4.rar", RAR4_SIG + rar4_main() + rar4_file(b"a.csv", CSV)
      + rar4_file("名簿.csv".encode("cp932"), CSV) + rar4_end())
    w("enc4.rar", RAR4_SIG + rar4_main() + rar4_file(b"plain.csv", CSV)
      + rar4_file(b"secret.csv", os.urandom(64), crypt=True) + rar4_end())
    w("enc4-head.rar", RAR4_SIG + rar4_main(0x0080) + os.urandom(96))


if __name__ == "__main__":
    sys.exit(main())
