#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `leaktriage walk --json IMAGE` with TSK's `fls -r -p -l`.

For every file system offset that walk reports, fls is run at that offset
and both lists of (inode, deleted, size, path) must be the same multiset;
mtime and crtime must agree to the second where both have one.  fls is the
reference implementation (The Sleuth Kit), so this is a third-party oracle.

usage: fls_compare.py LT IMAGE [--min-entries N] [--min-deleted N]
                      [--walk-arg ARG]... [--fls-image PATH]
exit 0 when equal, 1 with a diff otherwise.
"""
import argparse
import base64
import collections
import json
import os
import re
import subprocess
import sys

FLS_HEAD = re.compile(rb"^(\S+/\S+) (\* )?(\S+?)(\(realloc\))?:$")


def sanitize(b):
    # tsk_print_sanitized() replaces control characters with '^'.
    return bytes(c if c >= 0x20 else 0x5E for c in b)


def fls_time(s):
    s = s.decode()
    if s.startswith("0000-00-00"):
        return None
    return s[:19]


def walk_time(s):
    if s is None:
        return None
    return s[:19].replace("T", " ")


def run_fls(image, offset_sectors):
    cmd = ["fls", "-r", "-p", "-l"]
    if offset_sectors is not None:
        cmd += ["-o", str(offset_sectors)]
    cmd.append(image)
    env = dict(os.environ, TZ="UTC")
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    rows = []
    for line in out.stdout.split(b"\n"):
        if not line:
            continue
        f = line.split(b"\t")
        m = FLS_HEAD.match(f[0])
        if not m or len(f) < 7:
            raise SystemExit("cannot parse fls line: %r" % line)
        rows.append({
            "inode": m.group(3).decode(),
            "deleted": bool(m.group(2)),
            "path": sanitize(f[1]),
            "mtime": fls_time(f[2]),
            "crtime": fls_time(f[5]),
            "size": int(f[6]),
        })
    return rows, out.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lt")
    ap.add_argument("image")
    ap.add_argument("--min-entries", type=int, default=1)
    ap.add_argument("--min-deleted", type=int, default=0)
    ap.add_argument("--walk-arg", action="append", default=[])
    ap.add_argument("--fls-image", help="image to give fls (default IMAGE)")
    a = ap.parse_args()

    p = subprocess.run([a.lt, "walk", "--json"] + a.walk_arg + [a.image],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        raise SystemExit("walk exited %d on %s" % (p.returncode, a.image))
    ours = collections.defaultdict(list)
    for line in p.stdout.decode().splitlines():
        e = json.loads(line)
        raw = (base64.b64decode(e["path_b64"]) if "path_b64" in e
               else e["path"].encode())
        ours[(e["partition"], e["offset"])].append({
            "inode": e["inode"], "deleted": e["deleted"], "size": e["size"],
            "path": sanitize(raw), "mtime": walk_time(e["mtime"]),
            "crtime": walk_time(e["crtime"])})
    if not ours:
        raise SystemExit("walk listed nothing for %s" % a.image)

    total = deleted = 0
    bad = 0
    for (part, offset), rows in sorted(ours.items(), key=lambda k: k[0][1]):
        fimg = a.fls_image or a.image
        theirs, rc = run_fls(fimg, None if part is None else offset // 512)
        key = lambda r: (r["inode"], r["deleted"], r["size"], r["path"])
        co = collections.Counter(key(r) for r in rows)
        ct = collections.Counter(key(r) for r in theirs)
        if co != ct:
            bad += 1
            print("MISMATCH at offset %d (partition %s):" % (offset, part))
            for k in sorted((ct - co).elements()):
                print("  only in fls:  %r" % (k,))
            for k in sorted((co - ct).elements()):
                print("  only in walk: %r" % (k,))
        times = {key(r): r for r in theirs}
        for r in rows:
            t = times.get(key(r))
            if not t:
                continue
            for f in ("mtime", "crtime"):
                if t[f] and r[f] != t[f]:
                    bad += 1
                    print("  %s differs for %r: walk %s fls %s"
                          % (f, r["path"], r[f], t[f]))
        total += len(rows)
        deleted += sum(1 for r in rows if r["deleted"])
    if total < a.min_entries:
        bad += 1
        print("only %d entries (expected at least %d)" % (total, a.min_entries))
    if deleted < a.min_deleted:
        bad += 1
        print("only %d deleted entries (expected at least %d)"
              % (deleted, a.min_deleted))
    if bad:
        return 1
    print("%s: %d entries (%d deleted) in %d volume(s) match fls"
          % (os.path.basename(a.image), total, deleted, len(ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
