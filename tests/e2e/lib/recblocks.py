#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print a case database's records, decoded from table record_block by the
format described in include/leaktriage/recblock.h (an independent decoder,
so the tests check the stored layout, not only leaktriage's reading of it).
A file that is a copy of another (file.records_of) has that file's blocks.

usage: recblocks.py CASE.db          one line per record:
       file_id|sheet|row|elems|k_insured|k_pension|k_my_number|k_name_birth|k_name_addr
       (keys in upper-case hex, empty when absent)
"""
import sqlite3
import sys

KEYS = 5


def leb(data, i):
    v = shift = 0
    while True:
        c = data[i]
        i += 1
        v |= (c & 0x7F) << shift
        if not c & 0x80:
            return v, i
        shift += 7


def records(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    for fid, sheet, n, data in db.execute(
            "SELECT f.id, r.sheet, r.n, r.data FROM file f"
            " JOIN record_block r"
            " ON r.file_id = coalesce(f.records_of, f.id)"
            " ORDER BY f.id, r.id"):
        i = got = 0
        while i < len(data):
            row, i = leb(data, i)
            elems, i = leb(data, i)
            has = data[i]
            i += 1
            assert has < (1 << KEYS), "key bits past the last kind"
            keys = []
            for k in range(KEYS):
                if has & (1 << k):
                    keys.append(data[i:i + 16].hex().upper())
                    i += 16
                else:
                    keys.append("")
            got += 1
            yield fid, sheet or "", row, elems, keys
        assert got == n, "block of %d records says %d" % (got, n)


if __name__ == "__main__":
    for fid, sheet, row, elems, keys in records(sys.argv[1]):
        print("|".join([str(fid), sheet, str(row), str(elems)] + keys))
