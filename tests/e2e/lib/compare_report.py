#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `leaktriage report --format json` with an expected JSON written
by samples/make-pii.py (the generator's own counting of its ground truth).

Checked exactly: every cell of tables.records and tables.persons,
conflicting_merges, files.with_pii, files.deleted_with_pii, and the
records of every file with personal data (by evidence and path).
usage: compare_report.py GOT.json EXPECTED.json
"""
import json
import sys


def main():
    got = json.load(open(sys.argv[1]))
    exp = json.load(open(sys.argv[2]))
    bad = []
    for t in ("records", "persons"):
        for side in ("with_number", "without_number"):
            for cat in ("4", "3", "2", "1"):
                g = got["tables"][t][side][cat]
                e = exp["tables"][t][side][cat]
                if g != e:
                    bad.append("%s %s %s: got %d expected %d"
                               % (t, side, cat, g, e))
        if got["tables"][t]["no_name"] != exp["tables"][t]["no_name"]:
            bad.append("%s no_name: got %d expected %d"
                       % (t, got["tables"][t]["no_name"],
                          exp["tables"][t]["no_name"]))
    if got["conflicting_merges"] != exp["conflicting_merges"]:
        bad.append("conflicting_merges: got %d expected %d"
                   % (got["conflicting_merges"], exp["conflicting_merges"]))
    for k in ("with_pii", "deleted_with_pii"):
        if got["files"][k] != exp["files"][k]:
            bad.append("files.%s: got %d expected %d"
                       % (k, got["files"][k], exp["files"][k]))
    gf = {(f["evidence"], f["path"]): f["records"] for f in got["pii_files"]}
    ef = {(f["evidence"], f["path"]): f["records"] for f in exp["pii_files"]}
    for k in sorted(set(gf) | set(ef)):
        if gf.get(k) != ef.get(k):
            bad.append("file %s:%s records: got %s expected %s"
                       % (k[0], k[1], gf.get(k), ef.get(k)))
    for line in bad:
        print(line)
    if bad:
        print("%d differences" % len(bad))
        return 1
    print("report matches %s" % sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
