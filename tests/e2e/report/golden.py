#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `leaktriage report` output with a committed golden file, after
normalising what changes from run to run, on their own lines only: the date
of the report, the tool version, and the SHA-256 of the case database (it
holds the audit trail).  Nothing else is normalised: counts, labels, layout, evidence hashes and
paths must match byte for byte.

usage: golden.py check GOT GOLDEN     (a file, or a directory of CSVs)
       golden.py update GOT GOLDEN    (write GOT, normalised, as GOLDEN)

To regenerate every golden file after a deliberate change:
    make && make samples
    tests/e2e/report/golden.sh update
"""
import difflib
import json
import os
import re
import sys

DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
VERSION = re.compile(r"leaktriage \d+\.\d+\.\d+")
HASH64 = re.compile(r"[0-9a-f]{64}")
CASE_HASH_LABELS = ("ケースデータベースの SHA-256", "case database SHA-256")
DATE_LABELS = ("作成日時（UTC）", "date of the report (UTC)")


def normalise_text(data):
    out = []
    for line in data.split("\n"):
        if any(label in line for label in DATE_LABELS):
            line = DATE.sub("<DATE>", line)
        line = VERSION.sub("leaktriage <VERSION>", line)
        if any(label in line for label in CASE_HASH_LABELS):
            line = HASH64.sub("<CASE-DB-SHA256>", line)
        out.append(line)
    return "\n".join(out)


def normalise_json(data):
    doc = json.loads(data)
    doc["tool"]["version"] = "<VERSION>"
    m = doc.get("methodology", {})
    if "generated" in m:
        m["generated"] = "<DATE>"
    if m.get("case_db", {}).get("sha256"):
        m["case_db"]["sha256"] = "<CASE-DB-SHA256>"
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def normalise(path):
    with open(path, "rb") as f:
        raw = f.read()
    data = raw.decode("utf-8")  # must be valid UTF-8 (a BOM is kept)
    if path.endswith(".json"):
        return normalise_json(data)
    return normalise_text(data)


def pairs(got, golden):
    if os.path.isdir(got):
        names = sorted(set(os.listdir(got)) |
                       (set(os.listdir(golden)) if os.path.isdir(golden)
                        else set()))
        return [(os.path.join(got, n), os.path.join(golden, n))
                for n in names]
    return [(got, golden)]


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("check", "update"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, got, golden = sys.argv[1:]
    bad = 0
    if mode == "update" and os.path.isdir(got):
        os.makedirs(golden, exist_ok=True)
        for n in os.listdir(golden):
            if not os.path.exists(os.path.join(got, n)):
                os.unlink(os.path.join(golden, n))
    for g, e in pairs(got, golden):
        if mode == "update":
            with open(e, "w", encoding="utf-8", newline="") as f:
                f.write(normalise(g))
            continue
        if not os.path.exists(g) or not os.path.exists(e):
            print("%s: %s" % ("missing output" if not os.path.exists(g)
                              else "no golden file", e if
                              os.path.exists(g) else g))
            bad += 1
            continue
        a = normalise(g)
        with open(e, encoding="utf-8", newline="") as f:
            b = f.read()
        if a != b:
            bad += 1
            sys.stdout.writelines(difflib.unified_diff(
                b.splitlines(True), a.splitlines(True), e, g, n=2))
    if bad:
        print("%d file(s) differ from the golden output" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
