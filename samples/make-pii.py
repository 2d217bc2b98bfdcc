#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
make-pii.py - generate the fake personal-data evidence of samples/pii/ and the
expected report counts, computed here from the generator's own ground truth
(samples/pii/counting.py), never by running leaktriage.

Usage: samples/make-pii.py WORKDIR

Writes
  WORKDIR/src-pc01/, WORKDIR/src-pc02/  the file trees of the two images
  WORKDIR/pc01.delete, pc01.wipe, pc02.delete, pc02.wipe
                                        paths (one a line, relative, "/"-separated)
                                        to delete after the image is built, and
                                        to delete + overwrite (content unrecoverable)
  WORKDIR/pc0N.sha256                   SHA-256 of every file put on the image
  samples/pii/share/                    the directory source (committed as is)
  samples/pii/expected/*.json           expected report counts per scenario
  samples/pii/expected/rows.tsv         the ground truth per row (for debugging)

Deterministic: one random.Random(20151), no clock, no network, python3 standard
library only.  Name and address material is read at run time from gimei's
names.yml and addresses.yml (MIT; GIMEI_DIR, default ../shared/testdata/jp_pii/gimei
beside the repository); the yml files are never copied into the repository.
Everything generated is fake: the persons are random combinations.
"""

import csv
import datetime
import hashlib
import io
import json
import os
import random
import re
import shutil
import struct
import sys
import unicodedata
import zlib

sys.dont_write_bytecode = True         # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
PII = os.path.join(HERE, "pii")
sys.path.insert(0, PII)
import counting  # noqa: E402
from counting import Record  # noqa: E402

SEED = 20151
N_PERSONS = 300
D = datetime.date


# ==========================================================================
# gimei yml (a tiny YAML subset: nested "key:" maps and "- ['a', 'b', ...]" items)

def load_yml(path):
    root = {}
    stack = [(-1, root)]           # (indent, container)
    item = re.compile(r"^(\s*)- \[(.*)\]\s*$")
    key = re.compile(r"^(\s*)([A-Za-z_]+):\s*$")
    quoted = re.compile(r"'((?:[^']|'')*)'")
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = key.match(line)
            if m:
                ind = len(m.group(1))
                while stack[-1][0] >= ind:
                    stack.pop()
                parent = stack[-1][1]
                parent[m.group(2)] = {}
                stack.append((ind, parent[m.group(2)]))
                continue
            m = item.match(line)
            if m:
                ind = len(m.group(1))
                while stack[-1][0] >= ind:
                    stack.pop()
                cont = stack[-1][1]
                if isinstance(cont, dict):      # first item: turn {} into []
                    if cont:
                        raise ValueError(f"{path}:{lineno}: list item in a map")
                    parent_ind, parent = stack[-2]
                    k = next(k for k, v in parent.items() if v is cont)
                    parent[k] = cont = []
                    stack[-1] = (stack[-1][0], cont)
                vals = [v.replace("''", "'") for v in quoted.findall(m.group(2))]
                if len(vals) != 4:
                    raise ValueError(f"{path}:{lineno}: expected 4 strings")
                cont.append(vals)
                continue
            raise ValueError(f"{path}:{lineno}: not in the supported YAML subset")
    return root


# ==========================================================================
# check digits

def my_number_check(d11):
    """個人番号 check digit of the first 11 digits."""
    s = 0
    for n in range(1, 12):
        p = int(d11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        s += p * q
    r = s % 11
    return 0 if r <= 1 else 11 - r


def insurer_check(d7):
    """保険者番号 (8 digits) check digit of the first 7 digits."""
    s = 0
    for i, ch in enumerate(d7):
        prod = int(ch) * (2 if i % 2 == 0 else 1)
        s += prod // 10 + prod % 10
    return (10 - s % 10) % 10


def jan_check(d):
    """JAN/EAN check digit (for the product-code decoy)."""
    s = 0
    for i, ch in enumerate(reversed(d)):
        s += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - s % 10) % 10


assert my_number_check("12345678901") == 8      # 123456789018 (widely used example)
assert insurer_check("0113001") == 2            # 01130012 (協会けんぽ 東京支部)

# ==========================================================================
# dates

ERAS = [  # name, initial, code, first day
    ("令和", "R", 5, D(2019, 5, 1)),
    ("平成", "H", 4, D(1989, 1, 8)),
    ("昭和", "S", 3, D(1926, 12, 25)),
    ("大正", "T", 2, D(1912, 7, 30)),
    ("明治", "M", 1, D(1868, 1, 25)),
]


def era_of(d):
    for name, ini, code, first in ERAS:
        if d >= first:
            return name, ini, code, d.year - first.year + 1
    raise ValueError(d)


def fw_digits(s):
    return s.translate({ord(c): 0xFF10 + ord(c) - 0x30 for c in "0123456789"})


def date_text(d, style):
    name, ini, code, y = era_of(d)
    if style == "slash0":
        return f"{d.year}/{d.month:02}/{d.day:02}"
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "iso":
        return d.isoformat()
    if style == "kanji":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "wareki":
        yy = "元" if y == 1 else str(y)
        return f"{name}{yy}年{d.month}月{d.day}日"
    if style == "wareki_fw":
        yy = "元" if y == 1 else fw_digits(str(y))
        return f"{name}{yy}年{fw_digits(str(d.month))}月{fw_digits(str(d.day))}日"
    if style == "initial":
        return f"{ini}{y}.{d.month}.{d.day}"
    if style == "initial0":
        return f"{ini}{y:02}.{d.month:02}.{d.day:02}"
    if style == "eracode":
        return f"{code}{y:02}{d.month:02}{d.day:02}"
    raise ValueError(style)


def parse_date(s):
    """An independent reader of every notation written here (self-check)."""
    t = unicodedata.normalize("NFKC", s).strip()
    m = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", t) or \
        re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t)
    if m:
        return D(*map(int, m.groups()))
    eras = {e[0]: e for e in ERAS} | {e[1]: e for e in ERAS}
    m = re.fullmatch(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日", t) or \
        re.fullmatch(r"([MTSHR])(\d{1,2})\.(\d{1,2})\.(\d{1,2})", t)
    if m:
        e, y, mo, dd = m.groups()
        y = 1 if y == "元" else int(y)
        first = eras[e][3]
        d = D(first.year + y - 1, int(mo), int(dd))
        assert era_of(d)[0] == eras[e][0], (s, d)        # inside the era
        return d
    m = re.fullmatch(r"([1-5])(\d\d)(\d\d)(\d\d)", t)
    if m:
        code, y, mo, dd = map(int, m.groups())
        first = next(e[3] for e in ERAS if e[2] == code)
        d = D(first.year + y - 1, mo, dd)
        assert era_of(d)[2] == code, (s, d)
        return d
    raise ValueError(f"unparsable date {s!r}")


# ==========================================================================
# text helpers

_HALF = {}
for _c in range(0xFF61, 0xFFA0):
    _HALF.setdefault(unicodedata.normalize("NFKC", chr(_c)), chr(_c))


def hankaku(s):
    """Full-width katakana -> half-width (ｶﾞ for ガ), full-width space -> ' '."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if ch == "\u3000" or ch == " ":
            out.append(" ")
        elif ch == "\u3099":
            out.append("\uFF9E")
        elif ch == "\u309A":
            out.append("\uFF9F")
        else:
            out.append(_HALF[ch])
    return "".join(out)


def encodable(s):
    try:
        s.encode("cp932")
        s.encode("euc_jp")
        return True
    except UnicodeEncodeError:
        return False


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


# ==========================================================================
# persons

class Person:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def name(self, style="fw"):
        sep = {"fw": "\u3000", "sp": " ", "none": ""}[style]
        return self.family[0] + sep + self.given[0]

    def kana(self, style="fw"):
        if style == "half":
            return hankaku(self.family[2] + " " + self.given[2])
        return self.family[2] + "\u3000" + self.given[2]

    def romaji(self):
        return f"{self.given[3]} {self.family[3]}"

    def address(self, style):
        n, m, k = self.lot
        base = self.pref + self.city + self.town
        if style == "chome":
            return f"{base}{n}丁目{m}番{k}号"
        if style == "banchi":
            return f"{base}{n}丁目{m}番地{k}"
        if style == "hyphen":
            return f"{base}{n}-{m}-{k}"
        if style == "hyphen_sp":          # a space before the lot number
            return f"{base} {n}-{m}-{k}"
        if style == "fw":                 # full-width digits and hyphens
            return base + fw_digits(f"{n}") + "\uFF0D" + fw_digits(f"{m}") + "\uFF0D" + fw_digits(f"{k}")
        raise ValueError(style)

    def sex_text(self, style):
        i = 0 if self.sex == "M" else 1
        return {"kanji": ("男", "女"), "kanji2": ("男性", "女性"), "code": ("1", "2"), "MF": ("M", "F")}[style][i]


AREA_CODES = ["03", "06", "011", "022", "025", "045", "048", "052", "075", "078", "082", "092", "0276", "0495"]


def make_persons(rng, gimei):
    names, addrs = gimei["names"], gimei["addresses"]
    last = names["last_name"]
    male, female = names["first_name"]["male"], names["first_name"]["female"]
    prefs, cities, towns = addrs["addresses"]["prefecture"], addrs["addresses"]["city"], addrs["addresses"]["town"]
    persons, seen = [], set()
    used_ids = set()

    def uniq(gen):
        while True:
            v = gen()
            if v not in used_ids:
                used_ids.add(v)
                return v

    def rand_digits(k):
        return str(rng.randint(10 ** (k - 1), 10 ** k - 1))

    def rdate(a, b):
        return a + datetime.timedelta(days=rng.randrange((b - a).days + 1))

    # birthdates that exercise the era boundaries (昭和64年 / 平成元年)
    forced = [D(1989, 1, 7), D(1989, 1, 8), D(1989, 6, 15), D(1989, 12, 31), D(1930, 1, 1),
              D(1964, 10, 10), D(2005, 12, 31), D(1988, 12, 31)]
    pid = 0
    while len(persons) < N_PERSONS:
        sex = rng.choice("MF")
        fam = rng.choice(last)
        giv = rng.choice(male if sex == "M" else female)
        key_k, key_r, key_a = fam[0] + giv[0], fam[2] + giv[2], fam[3] + giv[3]
        if {key_k, "k" + key_r, "r" + key_a} & seen:
            continue
        pref, city, town = rng.choice(prefs)[0], rng.choice(cities)[0], rng.choice(towns)[0]
        if not encodable(key_k + key_r + pref + city + town):
            continue
        seen |= {key_k, "k" + key_r, "r" + key_a}
        bd = forced[pid] if pid < len(forced) else rdate(D(1930, 1, 1), D(2005, 12, 31))
        mobile = rng.random() < 0.4
        p = Person(
            pid=pid, family=fam, given=giv, sex=sex, birthdate=bd,
            pref=pref, city=city, town=town,
            lot=(rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 40)),
            postal=f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04}",
            phone=(f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" if mobile else
                   f"{rng.choice(AREA_CODES)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"),
            sym=uniq(lambda: rand_digits(rng.randint(4, 8))),        # 4-8 digits, no leading 0
            no=None, pension=None, my_number=None,
        )
        p.no = str(rng.randint(1, 999))                                    # 1-3 digits
        p.pension = uniq(lambda: f"{rng.randint(1000, 9999)}-{rng.randint(0, 999999):06}")
        if rng.random() < 0.35:
            d11 = uniq(lambda: str(rng.randint(10**10, 10**11 - 1)))
            p.my_number = d11 + str(my_number_check(d11))
        persons.append(p)
        pid += 1
    return persons


def make_homonym(rng, p, pid, towns):
    """A different person with exactly p's name (同姓同名): other birthdate, address, numbers."""
    q = Person(**p.__dict__)
    q.pid = pid
    dy = 7 if p.birthdate.year < 1990 else -7
    q.birthdate = p.birthdate.replace(year=p.birthdate.year + dy, day=min(p.birthdate.day, 28))
    q.town = next(t[0] for t in towns if t[0] != p.town)
    q.lot = (p.lot[0] % 9 + 1, p.lot[1], p.lot[2])
    q.sym = str(int(p.sym) + 1) if len(str(int(p.sym) + 1)) == len(p.sym) else str(int(p.sym) - 1)
    q.no = p.no
    q.pension = p.pension[:-1] + str((int(p.pension[-1]) + 1) % 10)
    q.my_number = None
    q.phone = p.phone[:-1] + str((int(p.phone[-1]) + 1) % 10)
    return q


# ==========================================================================
# rows: which fields of a person a row shows

class Row:
    def __init__(self, person, show, note=""):
        self.p = person
        self.show = frozenset(show)
        self.note = note


INSURERS = []


def make_insurers(rng):
    for pref in (13, 11, 27, 14):                          # 東京 埼玉 大阪 神奈川 (協会けんぽ 01)
        d7 = f"01{pref:02}{rng.randint(0, 999):03}"
        INSURERS.append(d7 + str(insurer_check(d7)))


def random_show(rng, fields, blank, ins=None):
    """fields: the person fields the file has; blank: probability per field of
    being left blank; ins: (both, none, sym_only, no_only) for files with the
    two-part insured number."""
    show = {f for f in fields if rng.random() >= blank.get(f, 0.0)}
    if "name" in fields and "kana" in show and "name" not in show and ({"bd", "addr"} & show):
        # a kana cell beside a blank 氏名 cell: the row has a name (kana) but, by the
        # per-table rule, no name key.  Kept only where no key could follow from it
        # (no birthdate, no address), so that a per-row kana fallback gives the same
        # persons: DESIGN.md is explicit, but the data should not hinge on it.
        show.discard("kana")
    if ins:
        show -= {"sym", "no"}
        r = rng.random()
        a, b, c, _ = ins
        if r < a:
            show |= {"sym", "no"}
        elif r < a + b:
            pass
        elif r < a + b + c:
            show.add("sym")
        else:
            show.add("no")
    return show


# ==========================================================================
# file contents

class Content:
    """One file content (possibly placed in several locations)."""

    def __init__(self, cid, what, encoding, layout, columns, kind="pii"):
        self.cid = cid
        self.what = what
        self.encoding = encoding
        self.layout = layout
        self.columns = columns        # element names of the columns (informational)
        self.kind = kind              # "pii" or "decoy"
        self.data = b""
        self.records = []             # Record per data row (evidence/path filled per placement)
        self.rowinfo = []             # (line, Record) for rows.tsv


def csv_text(rows, delim=",", eol="\r\n"):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def build_table(content, header_lines, header, rows, render, delim, eol, encoding, bom=b"",
                trailer=()):
    """Render rows with render(row) -> (cells, Record); header_lines before the header."""
    lines = list(header_lines) + ([header] if header else [])
    first = len(lines) + 1
    out_rows = []
    for i, row in enumerate(rows):
        cells, r = render(row)
        # no all-blank rows: an extractor may take an empty line for the end of a table
        assert any(c for c in cells), (content.cid, row.note)
        out_rows.append(cells)
        r.row = first + i
        content.records.append(r)
        content.rowinfo.append((r.row, r, row.note))
    text = csv_text(lines + out_rows + list(trailer), delim, eol) if delim else None
    content.data = bom + text.encode(encoding)
    return content


def blank_none(v):
    return v if v else None


# --- F1: UTF-8 CSV (BOM, CRLF), the plain kyokai list ----------------------------
def render_f1(row):
    p, s = row.p, row.show
    cells = [p.name("fw") if "name" in s else "",
             p.kana("fw") if "kana" in s else "",
             p.sex_text("kanji") if "sex" in s else "",
             date_text(p.birthdate, "slash0") if "bd" in s else "",
             p.address("chome") if "addr" in s else "",
             p.sym if "sym" in s else "",
             p.no if "no" in s else ""]
    r = Record("", "", 0, name=blank_none(cells[0]), kana=blank_none(cells[1]),
               sex=p.sex if cells[2] else None,
               birthdate=p.birthdate if cells[3] else None, address=blank_none(cells[4]),
               insured_symbol=blank_none(cells[5]), insured_number=blank_none(cells[6]))
    return cells, r


# --- F2: CP932 CSV, title row, 和暦, sex 1/2, 記号・番号 in one column ---------------
def render_f2(row):
    p, s = row.p, row.show
    sym, no = (p.sym2, p.no2) if row.note == "conflict-2" else (p.sym, p.no)
    bd = ""
    if "bd" in s:
        bd = date_text(p.birthdate, "initial" if p.pid % 4 == 1 else "wareki")
    cells = [p.insurer,
             f"{sym}・{no}" if "ins" in s else "",
             p.name("fw") if "name" in s else "",
             p.sex_text("code") if "sex" in s else "",
             bd,
             p.address("hyphen") if "addr" in s else ""]
    r = Record("", "", 0, name=blank_none(cells[2]), sex=p.sex if cells[3] else None,
               birthdate=p.birthdate if bd else None, address=blank_none(cells[5]),
               insured_symbol=sym if cells[1] else None, insured_number=no if cells[1] else None)
    return cells, r


# --- F3: UTF-16LE "Unicode text" from Excel ------------------------------------------
def render_f3(row, n):
    p, s = row.p, row.show
    cells = [str(n),
             p.name("sp") if "name" in s else "",
             p.sex_text("kanji") if "sex" in s else "",
             date_text(p.birthdate, "slash") if "bd" in s else "",
             p.address("banchi") if "addr" in s else "",
             p.phone if "phone" in s else "",
             p.dept]
    r = Record("", "", 0, name=blank_none(cells[1]), sex=p.sex if cells[2] else None,
               birthdate=p.birthdate if cells[3] else None, address=blank_none(cells[4]))
    return cells, r


# --- F4: EUC-JP TSV, kana names only (half-width) ----------------------------------
def render_f4(row):
    p, s = row.p, row.show
    cells = [date_text(p.visit, "slash0"),
             p.kana("half") if "kana" in s else "",
             p.sex_text("kanji") if "sex" in s else "",
             date_text(p.birthdate, "kanji"),        # always present (see README)
             ("〒" + p.postal) if "postal" in s else "",
             p.address("hyphen") if "addr" in s else "",
             p.phone if "phone" in s else ""]
    r = Record("", "", 0, kana=blank_none(cells[1]), table_has_written_name=False,
               sex=p.sex if cells[2] else None, birthdate=p.birthdate,
               address=blank_none(cells[5]))
    return cells, r


# --- F5: UTF-8 CSV without a header -------------------------------------------------
def render_f5(row):
    p = row.p
    cells = [p.name("sp"), date_text(p.birthdate, "iso"), p.address("hyphen"), p.phone]
    r = Record("", "", 0, name=cells[0], birthdate=p.birthdate, address=cells[2])
    return cells, r


# --- F6 (pc01, deleted) and F13/F15 (wiped): short UTF-8 CSVs --------------------------
def render_send(row):
    p, s = row.p, row.show
    cells = [p.name("sp") if "name" in s else "",
             date_text(p.birthdate, "slash0") if "bd" in s else "",
             p.address("chome") if "addr" in s else "",
             p.sym if "sym" in s else "",
             p.no if "no" in s else ""]
    r = Record("", "", 0, name=blank_none(cells[0]), birthdate=p.birthdate if cells[1] else None,
               address=blank_none(cells[2]), insured_symbol=blank_none(cells[3]),
               insured_number=blank_none(cells[4]))
    return cells, r


# --- F7: fixed-width CP932 host export ---------------------------------------------
FW_HEAD = ["保険者番号", "記号", "番号", "氏名", "性別", "生年月日", "住所"]


def fixed_lines(table):
    """Columns padded with ASCII spaces to the widest cell (display width, which
    is also the CP932 byte count), two spaces between columns; the last column
    unpadded."""
    widths = [max(width(r[i]) for r in table) for i in range(len(table[0]))]
    out = []
    for r in table:
        line = ""
        for i, v in enumerate(r):
            line += v if i == len(r) - 1 else v + " " * (widths[i] - width(v)) + "  "
        out.append(line.rstrip(" "))
    return out


def render_f7(row):
    p, s = row.p, row.show
    vals = [p.insurer, p.sym, p.no, p.name("none"), p.sex_text("kanji"),
            date_text(p.birthdate, "slash0"), p.address("hyphen") if "addr" in s else ""]
    r = Record("", "", 0, name=vals[3], sex=p.sex, birthdate=p.birthdate,
               address=blank_none(vals[6]), insured_symbol=p.sym, insured_number=p.no)
    return vals, r


# --- F8: family and given names in two columns --------------------------------------
def render_f8(row):
    p, s = row.p, row.show
    nm = "name" in s
    cells = [p.family[0] if nm else "", p.given[0] if nm else "",
             p.family[2] if nm else "", p.given[2] if nm else "",
             p.sex_text("kanji") if "sex" in s else "",
             date_text(p.birthdate, "wareki_fw") if "bd" in s else "",
             p.address("fw") if "addr" in s else "",
             p.sym if "sym" in s else "",
             p.no if "no" in s else ""]
    r = Record("", "", 0, name=(cells[0] + cells[1]) or None, kana=(cells[2] + cells[3]) or None,
               sex=p.sex if cells[4] else None, birthdate=p.birthdate if cells[5] else None,
               address=blank_none(cells[6]), insured_symbol=blank_none(cells[7]),
               insured_number=blank_none(cells[8]))
    return cells, r


# --- F9: era-code birthdates (3600305) ------------------------------------------------
def render_f9(row):
    p, s = row.p, row.show
    cells = [p.sym if "sym" in s else "", p.no if "no" in s else "",
             p.name("fw") if "name" in s else "",
             p.sex_text("kanji") if "sex" in s else "",
             date_text(p.birthdate, "eracode") if "bd" in s else "",
             date_text(p.qualified, "slash0")]
    r = Record("", "", 0, name=blank_none(cells[2]), sex=p.sex if cells[3] else None,
               birthdate=p.birthdate if cells[4] else None,
               insured_symbol=blank_none(cells[0]), insured_number=blank_none(cells[1]))
    return cells, r


# --- F10/F14: 基礎年金番号 -----------------------------------------------------------
def render_pension(row):
    p, s = row.p, row.show
    bd = ""
    if "bd" in s:
        bd = date_text(p.birthdate, "initial0")
    cells = [p.pension if "pension" in s else "",
             p.name("sp") if "name" in s else "",
             p.kana("fw") if "kana" in s else "",
             p.sex_text("kanji") if "sex" in s else "",
             bd,
             p.address("chome") if "addr" in s else ""]
    r = Record("", "", 0, pension=blank_none(cells[0]), name=blank_none(cells[1]),
               kana=blank_none(cells[2]), sex=p.sex if cells[3] else None,
               birthdate=p.birthdate if bd else None, address=blank_none(cells[5]))
    return cells, r


# --- F11: 個人番号 ----------------------------------------------------------------------
def render_f11(row):
    p, s = row.p, row.show
    cells = [p.my_number,
             p.name("fw") if "name" in s else "",
             date_text(p.birthdate, "slash") if "bd" in s else "",
             p.address("hyphen") if "addr" in s else "",
             p.sex_text("kanji") if "sex" in s else ""]
    r = Record("", "", 0, my_number=p.my_number, name=blank_none(cells[1]),
               birthdate=p.birthdate if cells[2] else None, address=blank_none(cells[3]),
               sex=p.sex if cells[4] else None)
    return cells, r


# --- F12: pc02 deleted export ----------------------------------------------------------
def render_f12(row):
    p, s = row.p, row.show
    cells = [p.name("fw") if "name" in s else "",
             p.sex_text("kanji2") if "sex" in s else "",
             date_text(p.birthdate, "iso") if "bd" in s else "",
             p.address("hyphen_sp") if "addr" in s else "",
             p.phone if "phone" in s else "",
             p.my_number if ("myn" in s and p.my_number) else ""]
    r = Record("", "", 0, name=blank_none(cells[0]), sex=p.sex if cells[1] else None,
               birthdate=p.birthdate if cells[2] else None, address=blank_none(cells[3]),
               my_number=blank_none(cells[5]))
    return cells, r


# --- share/roster_en.csv: English header, romaji names, M/F -----------------------------
def render_en(row):
    p, s = row.p, row.show
    cells = [p.romaji(), p.sex_text("MF") if "sex" in s else "",
             date_text(p.birthdate, "iso") if "bd" in s else "",
             p.address("hyphen") if "addr" in s else "",
             p.phone if "phone" in s else ""]
    r = Record("", "", 0, name=cells[0], sex=p.sex if cells[1] else None,
               birthdate=p.birthdate if cells[2] else None, address=blank_none(cells[3]))
    return cells, r


# ==========================================================================
# decoys

PRODUCTS = ["ボールペン（黒）0.5mm", "A4コピー用紙 500枚", "クリアファイル 10枚組", "ホッチキス針 No.10",
            "付箋 75x75mm", "ノート B5 5冊", "電卓 12桁", "封筒 長形3号 100枚", "USBメモリ 16GB",
            "トナーカートリッジ 黒", "マウスパッド 黒", "ファイルボックス A4", "修正テープ 5mm", "蛍光ペン 5色",
            "はさみ（事務用）", "セロハンテープ 18mm", "名刺ケース 100枚用", "ゴム印 日付", "朱肉 速乾",
            "スタンプ台 中形"]
COMPANIES = ["株式会社北斗商事", "有限会社みどり運輸", "株式会社サンライズ工業", "合同会社あおば食品",
             "株式会社東和システム", "株式会社丸山製作所", "有限会社ひかり印刷", "株式会社中央物流",
             "株式会社ミナト電機", "株式会社ふじ建設"]
PREF_STATS = [("北海道", 5381733), ("青森県", 1308265), ("岩手県", 1279594), ("宮城県", 2333899),
              ("秋田県", 1023119), ("山形県", 1123891), ("福島県", 1914039), ("茨城県", 2916976),
              ("栃木県", 1974255), ("群馬県", 1973115), ("埼玉県", 7266534), ("千葉県", 6222666),
              ("東京都", 13515271), ("神奈川県", 9126214), ("新潟県", 2304264), ("富山県", 1066328),
              ("石川県", 1154008), ("福井県", 786740), ("山梨県", 834930), ("長野県", 2098804),
              ("岐阜県", 2031903), ("静岡県", 3700305), ("愛知県", 7483128), ("三重県", 1815865),
              ("滋賀県", 1412916), ("京都府", 2610353), ("大阪府", 8839469), ("兵庫県", 5534800),
              ("奈良県", 1364316), ("和歌山県", 963579), ("鳥取県", 573441), ("島根県", 694352),
              ("岡山県", 1921525), ("広島県", 2843990), ("山口県", 1404729), ("徳島県", 755733),
              ("香川県", 976263), ("愛媛県", 1385262), ("高知県", 728276), ("福岡県", 5101556),
              ("佐賀県", 832832), ("長崎県", 1377187), ("熊本県", 1786170), ("大分県", 1166338),
              ("宮崎県", 1104069), ("鹿児島県", 1648177), ("沖縄県", 1433566)]
PROSE = ("本日の打ち合わせについて\n\n"
         "五月二十日、埼玉県の取引先を訪問し、来期の事務用品の発注計画について説明を受けた。"
         "先方からは納期の短縮と梱包の簡素化について要望があった。次回は六月上旬に当社で"
         "打ち合わせを行う予定である。資料は共有フォルダの営業用フォルダに保存した。\n")


def decoy_products(rng):
    rows = [["商品コード", "商品名", "受注日", "発売日", "数量", "単価"]]
    for i, name in enumerate(PRODUCTS):
        if i % 3 == 2:
            d = f"49{rng.randint(0, 99999):05}"
        else:
            d = f"49{rng.randint(0, 9999999999):010}"
        code = d + str(jan_check(d))
        rows.append([code, name,
                     date_text(D(2015, 4, 1) + datetime.timedelta(days=rng.randrange(50)), "slash0"),
                     date_text(D(1995, 1, 1) + datetime.timedelta(days=rng.randrange(7000)), "slash0"),
                     str(rng.randint(1, 200)), str(rng.randint(80, 9800))])
    return csv_text(rows).encode("cp932")


def decoy_prefs():
    rows = [["都道府県", "人口", "世帯数"]]
    for name, n in PREF_STATS:
        rows.append([name, str(n), str(n * 4 // 9)])
    return csv_text(rows).encode("utf-8")


def decoy_amounts(rng):
    rows = [["事業所名", "請求月", "請求額"]]
    for c in COMPANIES:
        for m in (3, 4):
            rows.append([c, f"2015年{m}月", f"{rng.randint(10, 9000) * 1000:,}円"])
    rows.append(["合計", "", f"￥{rng.randint(10, 90) * 1000000:,}"])
    return csv_text(rows).encode("cp932")


def decoy_png(rng):
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xFFFFFFFF)
    w = h = 16
    raw = b"".join(b"\0" + bytes(rng.randrange(256) for _ in range(w * 3)) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ==========================================================================
# the scenario

def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make-pii.py WORKDIR\n")
        return 2
    work = sys.argv[1]
    # self-check of the rules module first
    import doctest
    f, t = doctest.testmod(counting)
    if f:
        sys.stderr.write("make-pii.py: counting.py self-check failed\n")
        return 1

    gdir = os.environ.get("GIMEI_DIR") or os.path.join(HERE, "..", "..", "shared", "testdata", "jp_pii", "gimei")
    gimei = {"names": load_yml(os.path.join(gdir, "names.yml")),
             "addresses": load_yml(os.path.join(gdir, "addresses.yml"))}
    towns = gimei["addresses"]["addresses"]["town"]
    rng = random.Random(SEED)
    make_insurers(rng)
    P = make_persons(rng, gimei)
    depts = ["総務部", "経理部", "営業部", "製造部", "人事部"]
    for p in P:
        p.insurer = rng.choice(INSURERS)
        p.dept = rng.choice(depts)
        p.visit = D(2015, 4, 1) + datetime.timedelta(days=rng.randrange(45))
        p.qualified = max(p.birthdate + datetime.timedelta(days=365 * 18 + rng.randrange(3000)),
                          D(1990, 4, 1))
        p.qualified = min(p.qualified, D(2015, 4, 1))
    homonym_base = P[20]
    H2 = make_homonym(rng, homonym_base, len(P), towns)
    P.append(H2)

    era_people = P[:8]                     # forced birthdates (1989 boundary ...)
    pool = P[8:20] + P[21:-1]              # P[20] and H2: the homonym pair
    rng.shuffle(pool)

    def take(n):
        out = pool[:n]
        del pool[:n]
        return out

    # --- special persons ---------------------------------------------------------
    chain1, chain2, conflict, rewrite_p, dup_p = take(5)
    conflict.sym2 = conflict.sym[:-1] + str((int(conflict.sym[-1]) + 1) % 10)     # one digit off
    conflict.no2 = str(int(conflict.no) % 999 + 1)
    for p in P:
        if p is not conflict:
            p.sym2, p.no2 = None, None
    assert not any(q.sym == conflict.sym2 for q in P)
    show_f1 = take(18)
    show_f2 = take(18)
    show_pen = take(14)
    # the rest: the common pool, drawn at random per file
    common = pool[:] + era_people

    def pick(n, among=None):
        return rng.sample(among if among is not None else common, n)

    contents = {}

    # F1 ---------------------------------------------------------------------------
    K = ("name", "kana", "sex", "bd", "addr", "sym", "no")
    showcase_f1 = [
        # with number: 4, 3, 3, 2, 2, 1, 1, 4
        K, ("name", "kana", "sex", "bd", "sym", "no"), ("name", "bd", "addr", "sym", "no"),
        ("name", "kana", "sex", "sym", "no"), ("name", "addr", "sym", "no"),
        ("name", "kana", "sym", "no"), ("name", "sym", "no"), ("name", "sex", "bd", "addr", "sym", "no"),
        # without number: 4, 3, 3, 2, 2, 1, 1, 4
        ("name", "kana", "sex", "bd", "addr"), ("name", "sex", "addr"), ("name", "kana", "bd", "addr", "sym"),
        ("name", "kana", "bd"), ("name", "sex", "no"), ("name", "kana"), ("name",), ("name", "sex", "bd", "addr"),
        # no name: with number (links to nothing), without
        ("bd", "addr", "sym", "no"), ("sex", "bd"),
    ]
    rows = [Row(p, s, "showcase") for p, s in zip(show_f1, showcase_f1)]
    rows.append(Row(pick(1)[0], ("sex", "sym"), "not a record: sex and a symbol only"))
    rows.append(Row(chain1, ("name", "kana", "sex", "addr", "sym", "no"), "chain1 B: name+address+number"))
    rows.append(Row(conflict, K, "conflict-1"))
    rows.append(Row(rewrite_p, ("name", "kana", "sex", "addr"), "rewrite: name+address (丁目 form)"))
    rows.append(Row(homonym_base, K, "homonym 1"))
    rows.append(Row(H2, K, "homonym 2 (same name, other person)"))
    for p in pick(75):
        rows.append(Row(p, random_show(rng, ("name", "kana", "sex", "bd", "addr"),
                                       {"name": 0.07, "kana": 0.15, "sex": 0.15, "bd": 0.2, "addr": 0.25},
                                       ins=(0.62, 0.3, 0.04, 0.04))))
    head = rows[:len(showcase_f1)]
    rest = rows[len(showcase_f1):]
    rng.shuffle(rest)
    rows = head[:9] + rest[:40] + head[9:] + rest[40:]
    c = Content("F1", "UTF-8 CSV with BOM, CRLF, header 氏名,フリガナ,性別,生年月日,住所,被保険者記号,被保険者番号; "
                "西暦 dates 1985/03/05; sex 男/女; 丁目/番/号 addresses; the kyokai categories with and "
                "without number, no-name rows, a not-a-record row (sex + symbol only)",
                "UTF-8", "csv", ["name", "kana", "sex", "birthdate", "address", "insured_number"])
    build_table(c, [], ["氏名", "フリガナ", "性別", "生年月日", "住所", "被保険者記号", "被保険者番号"],
                rows, render_f1, ",", "\r\n", "utf-8", bom=b"\xef\xbb\xbf")
    contents["F1"] = c

    # F2 ---------------------------------------------------------------------------
    K2 = ("name", "sex", "bd", "addr", "ins")
    showcase_f2 = [
        K2, ("name", "sex", "bd", "ins"), ("name", "bd", "addr", "ins"), ("name", "sex", "ins"),
        ("name", "bd", "ins"), ("name", "ins"), ("name", "ins"), ("name", "sex", "bd", "addr", "ins"),
        ("name", "sex", "bd", "addr"), ("name", "sex", "bd"), ("name", "bd", "addr"), ("name", "addr"),
        ("name", "sex"), ("name",), ("name",), ("name", "sex", "bd", "addr"),
        ("bd", "addr", "ins"), ("bd", "sex"),
    ]
    rows = [Row(p, s, "showcase") for p, s in zip(show_f2, showcase_f2)]
    rows.append(Row(conflict, K2, "conflict-2"))
    rows.append(Row(dup_p, K2, "duplicate row 1"))
    rows.append(Row(dup_p, K2, "duplicate row 2"))
    rows.append(Row(chain2, ("name", "sex", "bd", "ins"), "chain2 C: name+birthdate+number"))
    for p in era_people:
        rows.append(Row(p, ("name", "sex", "bd", "addr", "ins"), "era boundary birthdate"))
    for p in pick(58, [q for q in common if q not in era_people]):
        s = random_show(rng, ("name", "sex", "bd", "addr"), {"name": 0.06, "sex": 0.1, "bd": 0.15, "addr": 0.25})
        if rng.random() < 0.65:
            s.add("ins")
        rows.append(Row(p, s))
    head, rest = rows[:18], rows[18:]
    rng.shuffle(rest)
    rows = rest[:30] + head + rest[30:]
    c = Content("F2", "CP932 CSV, CRLF; a title row 「被保険者一覧　平成27年5月」 and an empty line above the "
                "header; 保険者番号 (context), 記号・番号 in one column (1234567・89); 和暦 birthdates "
                "(昭和60年3月5日, H1.1.8, 平成元年, 昭和64年1月7日); sex as 1/2 codes; N-M-K addresses",
                "CP932", "csv", ["name", "sex", "birthdate", "address", "insured_number", "insurer_number"])
    build_table(c, [["被保険者一覧\u3000平成27年5月"], []],
                ["保険者番号", "記号・番号", "氏名", "性別", "生年月日", "住所"],
                rows, render_f2, ",", "\r\n", "cp932")
    contents["F2"] = c

    # F3 ---------------------------------------------------------------------------
    rows = [Row(chain1, ("name", "sex", "bd", "phone"), "chain1 A: name+birthdate, no address"),
            Row(chain2, ("name", "sex", "bd"), "chain2 A: name+birthdate")]
    for p in pick(50, [q for q in common]):
        rows.append(Row(p, random_show(rng, ("name", "sex", "bd", "addr", "phone"),
                                       {"name": 0.04, "sex": 0.1, "bd": 0.2, "addr": 0.3, "phone": 0.3})))
    rng.shuffle(rows)
    c = Content("F3", "UTF-16LE with BOM, tab-separated, CRLF: Excel 「Unicode テキスト」 export; columns No, "
                "氏名, 性別, 生年月日 (1985/3/5), 住所 (N丁目M番地K), 電話番号, 所属; a total row (合計) at "
                "the end that is not a record", "UTF-16LE", "tsv", ["name", "sex", "birthdate", "address", "phone"])
    counter = iter(range(1, 10 ** 6))
    build_table(c, [], ["No", "氏名", "性別", "生年月日", "住所", "電話番号", "所属"], rows,
                lambda r: render_f3(r, next(counter)), "\t", "\r\n", "utf-16-le", bom=b"\xff\xfe",
                trailer=[["合計", "", "", "", "", "", f"{len(rows)}名"]])
    contents["F3"] = c

    # F4 ---------------------------------------------------------------------------
    rows = []
    for p in pick(45):
        rows.append(Row(p, random_show(rng, ("kana", "sex", "postal", "addr", "phone"),
                                       {"kana": 0.08, "sex": 0.1, "postal": 0.2, "addr": 0.25, "phone": 0.3})))
    rows.sort(key=lambda r: r.p.visit)
    c = Content("F4", "EUC-JP TSV, LF; kana names only (half-width ｶﾅ: the person key is the kana, no 氏名 "
                "column); 受診日 (a date column that is not a birthdate); 生年月日 1985年3月5日 (never blank); "
                "郵便番号 〒nnn-nnnn", "EUC-JP", "tsv",
                ["kana", "sex", "birthdate", "postal_code", "address", "phone"])
    build_table(c, [], ["受診日", "カナ氏名", "性別", "生年月日", "郵便番号", "住所", "電話番号"], rows,
                render_f4, "\t", "\n", "euc_jp")
    contents["F4"] = c

    # F5 ---------------------------------------------------------------------------
    rows = [Row(p, ("name", "bd", "addr", "phone")) for p in pick(40)]
    c = Content("F5", "UTF-8 CSV WITHOUT a header, LF: name (山田 太郎), birthdate ISO (1985-03-05), "
                "address, phone; every cell filled: tests headerless recognition (values only)",
                "UTF-8", "csv", ["name", "birthdate", "address", "phone"])
    build_table(c, [], None, rows, render_f5, ",", "\n", "utf-8")
    contents["F5"] = c

    # F6: deleted on pc01, recoverable ------------------------------------------------
    rows = [Row(chain2, ("name", "addr", "sym", "no"), "chain2 B: name+address+number (deleted file)")]
    for p in pick(20):
        rows.append(Row(p, random_show(rng, ("name", "bd", "addr"), {"name": 0.05, "bd": 0.2, "addr": 0.2},
                                       ins=(0.7, 0.3, 0, 0))))
    rng.shuffle(rows)
    c = Content("F6", "UTF-8 CSV, CRLF, header 氏名,生年月日,住所,被保険者記号,被保険者番号; deleted with mdel "
                "(recoverable)", "UTF-8", "csv", ["name", "birthdate", "address", "insured_number"])
    build_table(c, [], ["氏名", "生年月日", "住所", "被保険者記号", "被保険者番号"], rows, render_send,
                ",", "\r\n", "utf-8")
    contents["F6"] = c

    # F7: fixed width --------------------------------------------------------------
    rows = [Row(p, ("addr",) if rng.random() < 0.85 else ()) for p in pick(60)]
    c = Content("F7", "CP932 fixed-width host export, CRLF: space-aligned columns (byte = display "
                "columns), header line; 保険者番号 記号 番号 氏名 (no spaces inside) 性別 生年月日 (1985/03/05) "
                "住所 (last column; blank in some rows, the only blank cells)", "CP932", "fixed",
                ["name", "sex", "birthdate", "address", "insured_number", "insurer_number"])
    table = [FW_HEAD]
    for i, row in enumerate(rows):
        vals, r = render_f7(row)
        table.append(vals)
        r.row = i + 2
        c.records.append(r)
        c.rowinfo.append((r.row, r, row.note))
    c.data = ("\r\n".join(fixed_lines(table)) + "\r\n").encode("cp932")
    contents["F7"] = c

    # F8: 姓,名 ----------------------------------------------------------------------
    rows = [Row(rewrite_p, ("name", "addr"), "rewrite: name+address (full-width N－M－K)")]
    for p in pick(45):
        rows.append(Row(p, random_show(rng, ("name", "sex", "bd", "addr"),
                                       {"name": 0.05, "sex": 0.15, "bd": 0.2, "addr": 0.25},
                                       ins=(0.6, 0.34, 0.03, 0.03))))
    rng.shuffle(rows)
    c = Content("F8", "UTF-8 CSV, LF; family and given names in two columns 姓,名 (and セイ,メイ): joined; "
                "和暦 with full-width digits (昭和６０年３月５日); full-width addresses (１－２－３); "
                "被保険者記号 and 被保険者番号 in two columns", "UTF-8", "csv",
                ["name", "kana", "sex", "birthdate", "address", "insured_number"])
    build_table(c, [], ["姓", "名", "セイ", "メイ", "性別", "生年月日", "住所", "被保険者記号", "被保険者番号"],
                rows, render_f8, ",", "\n", "utf-8")
    contents["F8"] = c

    # F9: era-code birthdates ---------------------------------------------------------
    rows = [Row(chain1, ("name", "sex", "bd", "sym", "no"), "chain1 C: name+birthdate+number")]
    rows.append(Row(pick(1)[0], ("sex",), "not a record: sex and 資格取得日 only"))
    for p in pick(40):
        rows.append(Row(p, random_show(rng, ("name", "sex", "bd"), {"name": 0.08, "sex": 0.1, "bd": 0.1},
                                       ins=(0.75, 0.25, 0, 0))))
    rng.shuffle(rows)
    c = Content("F9", "UTF-8 CSV, CRLF; 生年月日 as 7-digit era codes (3600305 = 昭和60年3月5日, "
                "4010108 = 平成元年1月8日); 資格取得日 (a date that is not a birthdate)", "UTF-8", "csv",
                ["name", "sex", "birthdate", "insured_number"])
    build_table(c, [], ["被保険者記号", "被保険者番号", "氏名", "性別", "生年月日", "資格取得日"], rows,
                render_f9, ",", "\r\n", "utf-8")
    contents["F9"] = c

    # F10: pension -------------------------------------------------------------------
    KP = ("pension", "name", "kana", "sex", "bd", "addr")
    showcase_pen = [
        KP, ("pension", "name", "bd", "addr"), ("pension", "name", "kana", "bd"), ("pension", "name", "sex", "bd"),
        ("pension", "name", "addr"), ("pension", "name", "kana", "addr"), ("pension", "name", "sex"),
        ("pension", "name"), ("pension", "bd"), ("pension", "sex", "addr"),
        ("name", "kana", "bd", "addr"), ("name", "bd"), ("name", "addr"), ("name", "kana"),
    ]
    rows = [Row(p, s, "showcase (nenkin)") for p, s in zip(show_pen, showcase_pen)]
    pen_common = pick(50)
    for p in pen_common:
        s = random_show(rng, KP, {"pension": 0.15, "name": 0.04, "kana": 0.3, "sex": 0.1, "bd": 0.15, "addr": 0.25})
        rows.append(Row(p, s))
    rng.shuffle(rows)
    c = Content("F10", "UTF-8 CSV, CRLF; 基礎年金番号 (1234-567890) for the nenkin profile; birthdates "
                "S60.03.05 / H01.01.08; the nenkin categories with and without a pension number",
                "UTF-8", "csv", ["name", "kana", "sex", "birthdate", "address", "pension_number"])
    build_table(c, [], ["基礎年金番号", "氏名", "フリガナ", "性別", "生年月日", "住所"], rows, render_pension,
                ",", "\r\n", "utf-8")
    contents["F10"] = c

    # F14: pension excerpt on pc01 ---------------------------------------------------------
    rows = []
    for p in rng.sample(pen_common, 15):
        rows.append(Row(p, random_show(rng, ("pension", "name", "bd"), {"pension": 0.1, "name": 0.05, "bd": 0.4})))
    c = Content("F14", "UTF-8 CSV, CRLF; an excerpt of F10 (基礎年金番号, 氏名, 生年月日): the same pension "
                "numbers on both images", "UTF-8", "csv", ["name", "birthdate", "pension_number"])

    def render_f14(row):
        cells, r = render_pension(row)
        return [cells[0], cells[1], cells[4]], r
    build_table(c, [], ["基礎年金番号", "氏名", "生年月日"], rows, render_f14, ",", "\r\n", "utf-8")
    contents["F14"] = c

    # F11: My Number ------------------------------------------------------------------
    mn = [p for p in common if p.my_number]
    f11_people = rng.sample(mn, 40)
    rows = []
    for i, p in enumerate(f11_people):
        if i < 4:
            s = {"sex"} if i < 2 else set()        # number only: a no-name record
        else:
            s = random_show(rng, ("name", "bd", "addr", "sex"), {"name": 0.05, "bd": 0.2, "addr": 0.3, "sex": 0.2})
        rows.append(Row(p, s, "My Number only" if i < 4 else ""))
    rng.shuffle(rows)
    c = Content("F11", "UTF-8 CSV, LF; 個人番号 (12 digits, valid check digit) with name, birthdate "
                "(1985/3/5), address, sex; some rows hold the number only (no-name records)", "UTF-8", "csv",
                ["name", "sex", "birthdate", "address", "my_number"])
    build_table(c, [], ["個人番号", "氏名", "生年月日", "住所", "性別"], rows, render_f11, ",", "\n", "utf-8")
    contents["F11"] = c

    # F12: deleted on pc02, recoverable; shares My Numbers with F11 -------------------------
    rows = []
    for p in f11_people[:4]:                       # the number-only rows of F11 get a name here
        rows.append(Row(p, ("name", "sex", "myn"), "linked to F11 by My Number"))
    for p in pick(22):
        rows.append(Row(p, random_show(rng, ("name", "sex", "bd", "addr", "phone", "myn"),
                                       {"name": 0.05, "sex": 0.1, "bd": 0.2, "addr": 0.2, "phone": 0.3, "myn": 0.5})))
    rng.shuffle(rows)
    c = Content("F12", "UTF-8 CSV, LF; 氏名,性別 (男性/女性),生年月日 (ISO),住所 (a space before the lot "
                "number),電話番号,個人番号; deleted with debugfs rm (recoverable)", "UTF-8", "csv",
                ["name", "sex", "birthdate", "address", "phone", "my_number"])
    build_table(c, [], ["氏名", "性別", "生年月日", "住所", "電話番号", "個人番号"], rows, render_f12,
                ",", "\n", "utf-8")
    contents["F12"] = c

    # F13 / F15: deleted and overwritten (PII when written, nothing recoverable) -------------
    for cid, n in (("F13", 25), ("F15", 20)):
        rows = [Row(p, ("name", "bd", "addr", "sym", "no")) for p in pick(n)]
        c = Content(cid, "UTF-8 CSV of PII, deleted and then overwritten: not recoverable, counts zero",
                    "UTF-8", "csv", [])
        build_table(c, [], ["氏名", "生年月日", "住所", "被保険者記号", "被保険者番号"], rows, render_send,
                    ",", "\r\n", "utf-8")
        c.kind = "wiped"
        contents[cid] = c

    # share/roster_en.csv ------------------------------------------------------------------
    rows = []
    for p in pick(30):
        rows.append(Row(p, random_show(rng, ("sex", "bd", "addr", "phone"), {"sex": 0.1, "bd": 0.2, "addr": 0.3,
                                                                             "phone": 0.3})))
    c = Content("EN", "UTF-8 CSV, LF; English header (Name, Sex, Date of Birth, Address, Phone); romaji names "
                "(Taro Yamada: the person key is the romaji, so these rows merge with nothing written in kanji); "
                "sex M/F; ISO dates", "UTF-8", "csv", ["name", "sex", "birthdate", "address", "phone"])
    build_table(c, [], ["Name", "Sex", "Date of Birth", "Address", "Phone"], rows, render_en, ",", "\n", "utf-8")
    contents["EN"] = c

    # decoys ------------------------------------------------------------------------------
    def decoy(cid, what, data, enc="", layout=""):
        d = Content(cid, what, enc, layout, [], kind="decoy")
        d.data = data
        contents[cid] = d

    decoy("D-products", "decoy: product list (CP932): 商品コード (JAN, 8 and 13 digits), 商品名, 受注日, "
          "発売日, 数量, 単価", decoy_products(rng), "CP932", "csv")
    decoy("D-prefs", "decoy: prefecture statistics 都道府県,人口,世帯数 (a prefecture alone is not an address)",
          decoy_prefs(), "UTF-8", "csv")
    decoy("D-prose", "decoy: a short Japanese paragraph mentioning 埼玉県", PROSE.encode("utf-8"), "UTF-8", "text")
    decoy("D-amounts", "decoy: amounts per employer (事業所名, 請求月, 請求額) and a total row (CP932)",
          decoy_amounts(rng), "CP932", "csv")
    decoy("D-random", "decoy: 4 KiB of seeded random bytes", bytes(rng.randrange(256) for _ in range(4096)))
    decoy("D-png", "decoy: a valid 16x16 PNG", decoy_png(rng))
    decoy("D-empty", "decoy: empty file (0 bytes)", b"")

    # ---------------------------------------------------------------------------------------
    # placements: (evidence, path, content, action); action: "" | "delete" | "wipe"
    T0 = datetime.datetime(2015, 4, 1, 0, 0, tzinfo=datetime.timezone.utc)
    placements = [
        ("pc01", "Users/tanaka/Desktop/被保険者一覧_2015.csv", "F1", ""),
        ("pc01", "Users/tanaka/Desktop/old/被保険者一覧_2015 - コピー.csv", "F1", ""),
        ("pc01", "Users/tanaka/Desktop/送付用リスト.csv", "F6", "delete"),
        ("pc01", "Users/tanaka/Documents/総務/被保険者一覧_H27.5.csv", "F2", ""),
        ("pc01", "Users/tanaka/Documents/総務/社員名簿.txt", "F3", ""),
        ("pc01", "Users/tanaka/Documents/総務/健診/受診者名簿.tsv", "F4", ""),
        ("pc01", "Users/tanaka/Documents/総務/旧名簿.csv", "F13", "wipe"),
        ("pc01", "Users/tanaka/Documents/export/list_20150518.csv", "F5", ""),
        ("pc01", "Users/tanaka/Documents/年金/基礎年金番号_抜粋.csv", "F14", ""),
        ("pc01", "Users/tanaka/Documents/営業/商品マスタ.csv", "D-products", ""),
        ("pc01", "Users/tanaka/Documents/営業/請求額一覧.csv", "D-amounts", ""),
        ("pc01", "Users/tanaka/Documents/メモ.txt", "D-prose", ""),
        ("pc01", "Users/tanaka/Documents/新規テキスト ドキュメント.txt", "D-empty", ""),
        ("pc01", "Users/tanaka/Pictures/logo.png", "D-png", ""),
        ("pc02", "srv/share/総務/被保険者一覧_2015.csv", "F1", ""),
        ("pc02", "srv/share/総務/被保険者台帳.txt", "F7", ""),
        ("pc02", "srv/share/人事/職員名簿_姓名.csv", "F8", ""),
        ("pc02", "srv/share/人事/資格取得者一覧.csv", "F9", ""),
        ("pc02", "srv/share/人事/個人番号.csv", "F11", ""),
        ("pc02", "srv/share/年金/基礎年金番号一覧.csv", "F10", ""),
        ("pc02", "srv/share/営業/商品マスタ.csv", "D-products", ""),
        ("pc02", "srv/share/経理/請求額一覧.csv", "D-amounts", ""),
        ("pc02", "srv/share/統計/都道府県別人口.csv", "D-prefs", ""),
        ("pc02", "srv/share/empty.csv", "D-empty", ""),
        ("pc02", "home/suzuki/notes.txt", "D-prose", ""),
        ("pc02", "home/suzuki/bin/data.bin", "D-random", ""),
        ("pc02", "home/suzuki/tmp/export_20150520.csv", "F12", "delete"),
        ("pc02", "home/suzuki/tmp/old_export.csv", "F15", "wipe"),
        ("share", "roster_en.csv", "EN", ""),
        ("share", "総務/被保険者一覧_H27.5.csv", "F2", ""),
        ("share", "総務/メモ.txt", "D-prose", ""),
        ("share", "統計/都道府県別人口.csv", "D-prefs", ""),
    ]

    # --- self-checks on what was written --------------------------------------------------
    check_written(P, contents)
    readback_check(contents)

    # --- write the trees --------------------------------------------------------------------
    share = os.path.join(PII, "share")
    if os.path.isdir(share):
        shutil.rmtree(share)
    for ev in ("pc01", "pc02"):
        d = os.path.join(work, "src-" + ev)
        if os.path.isdir(d):
            shutil.rmtree(d)
    sums = {"pc01": [], "pc02": []}
    actions = {("pc01", "delete"): [], ("pc01", "wipe"): [], ("pc02", "delete"): [], ("pc02", "wipe"): []}
    times = {}
    for i, (ev, path, cid, action) in enumerate(placements):
        root = share if ev == "share" else os.path.join(work, "src-" + ev)
        full = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(contents[cid].data)
        # mtimes: spread over April-May 2015, even seconds (FAT keeps 2 s)
        t = T0 + datetime.timedelta(seconds=2 * rng.randrange(50 * 86400 // 2))
        times[(ev, path)] = t
        if ev != "share":
            os.utime(full, (t.timestamp(), t.timestamp()))
            sums[ev].append(f"{hashlib.sha256(contents[cid].data).hexdigest()}  {path}")
            if action:
                actions[(ev, action)].append(path)
    for ev in ("pc01", "pc02"):
        root = os.path.join(work, "src-" + ev)
        t = datetime.datetime(2015, 5, 21, 2, 20, tzinfo=datetime.timezone.utc).timestamp()
        for dirpath, dirnames, _ in sorted(os.walk(root, topdown=False)):
            os.utime(dirpath, (t, t))
        with open(os.path.join(work, ev + ".sha256"), "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(sums[ev])) + "\n")
        for a in ("delete", "wipe"):
            with open(os.path.join(work, f"{ev}.{a}"), "w", encoding="utf-8") as f:
                f.write("".join(p + "\n" for p in actions[(ev, a)]))

    # --- expected counts -------------------------------------------------------------------
    write_expected(contents, placements)
    return 0


def check_written(persons, contents):
    """Self-checks on the generated data: every birthdate notation reads back as
    the date it was written from; addresses of one person normalise alike in every
    style; identifiers are valid and unique; no two persons share a name key by
    accident (only the deliberate 同姓同名 pair)."""
    for p in persons:
        forms = {counting.norm_address(p.address(st)) for st in ("chome", "banchi", "hyphen", "hyphen_sp", "fw")}
        assert len(forms) == 1, forms
        assert 1930 <= p.birthdate.year <= 2005, p.birthdate
        assert re.fullmatch(r"[1-9]\d{3,7}", p.sym) and re.fullmatch(r"[1-9]\d{0,2}", p.no)
        assert re.fullmatch(r"[1-9]\d{3}-\d{6}", p.pension)
        if p.my_number:
            assert len(p.my_number) == 12 and int(p.my_number[-1]) == my_number_check(p.my_number[:11])
        assert len(p.insurer) == 8 and int(p.insurer[-1]) == insurer_check(p.insurer[:7])
    for kind in ("sym", "pension", "my_number"):
        vals = [getattr(p, kind) for p in persons if getattr(p, kind)]
        assert len(vals) == len(set(vals)), kind
    syms = {p.sym for p in persons}
    assert all(p.sym2 is None or p.sym2 not in syms for p in persons)
    for key in (lambda p: counting.norm_text(p.name()), lambda p: counting.norm_text(p.kana("half")),
                lambda p: counting.norm_text(p.romaji())):
        vals = [key(p) for p in persons]
        assert len(vals) - len(set(vals)) == 1, "only the homonym pair shares a name"
    for c in contents.values():
        for _, r, _ in c.rowinfo:
            for v in (r.name, r.kana, r.address):
                assert v is None or v.strip() == v and v != "", repr(v)
    for style in ("slash0", "slash", "iso", "kanji", "wareki", "wareki_fw", "initial", "initial0", "eracode"):
        d0 = D(1930, 1, 1)
        for k in range(0, 27800, 7):
            d = d0 + datetime.timedelta(days=k)
            assert parse_date(date_text(d, style)) == d, (style, d)
    assert date_text(D(1989, 1, 8), "initial") == "H1.1.8"
    assert date_text(D(1989, 1, 7), "wareki") == "昭和64年1月7日"
    assert date_text(D(1989, 1, 8), "wareki") == "平成元年1月8日"
    assert date_text(D(1985, 3, 5), "eracode") == "3600305"


# Column roles by header text, for the read-back check (this generator's headers only).
READ_ROLES = {
    "氏名": "name", "Name": "name", "フリガナ": "kana", "カナ氏名": "kana", "姓": "family", "名": "given",
    "セイ": "kana_f", "メイ": "kana_g", "性別": "sex", "Sex": "sex", "生年月日": "birthdate",
    "Date of Birth": "birthdate", "住所": "address", "Address": "address", "被保険者記号": "symbol",
    "記号": "symbol", "被保険者番号": "number", "番号": "number", "記号・番号": "combined",
    "基礎年金番号": "pension", "個人番号": "my_number",
}
ENCODINGS = {"UTF-8": "utf-8-sig", "CP932": "cp932", "EUC-JP": "euc_jp", "UTF-16LE": "utf-16"}


def readback_check(contents):
    """Decode every PII file from its bytes, read it by its known layout, and
    compare each data row with the ground-truth Record the generator keeps."""
    for c in contents.values():
        if c.kind == "decoy":
            continue
        text = c.data.decode(ENCODINGS[c.encoding])
        lines = text.split("\r\n" if "\r\n" in text else "\n")
        if c.layout == "fixed":
            table = [ln.split() for ln in lines if ln]
        else:
            table = list(csv.reader(lines, delimiter="\t" if c.layout == "tsv" else ","))
        if c.cid == "F5":
            roles, start = ["name", "birthdate", "address", "phone"], 0
        else:
            start = next(i for i, r in enumerate(table) if r and r[0] in ("氏名", "保険者番号", "No", "受診日",
                                                                            "姓", "被保険者記号", "基礎年金番号",
                                                                            "個人番号", "Name"))
            roles = [READ_ROLES.get(h) for h in table[start]]
            start += 1
        got = {}
        for i in range(start, len(table)):
            cells = table[i]
            if not cells or cells[0] == "合計":
                continue
            v = {}
            for role, cell in zip(roles, cells):
                if role and cell:
                    v[role] = cell
            r = Record("", "", i + 1, table_has_written_name=bool({"name", "family"} & set(roles)))
            r.name = v.get("name") or (v.get("family", "") + v.get("given", "")) or None
            r.kana = v.get("kana") or (v.get("kana_f", "") + v.get("kana_g", "")) or None
            r.sex = {"男": "M", "男性": "M", "1": "M", "M": "M", "女": "F", "女性": "F", "2": "F", "F": "F"}.get(v.get("sex"))
            assert ("sex" in v) == (r.sex is not None), v
            r.birthdate = parse_date(v["birthdate"]) if "birthdate" in v else None
            r.address = v.get("address")
            r.insured_symbol, r.insured_number = v.get("symbol"), v.get("number")
            if "combined" in v:
                r.insured_symbol, r.insured_number = v["combined"].split("・")
            r.pension, r.my_number = v.get("pension"), v.get("my_number")
            got[i + 1] = r
        truth = {line: r for line, r, _ in c.rowinfo}
        assert sorted(got) == sorted(truth), (c.cid, sorted(set(got) ^ set(truth)))
        for line, r in truth.items():
            g = got[line]
            for f in ("name", "kana", "table_has_written_name", "sex", "birthdate", "address", "insured_symbol",
                      "insured_number", "pension", "my_number"):
                assert getattr(g, f) == getattr(r, f), (c.cid, line, f, getattr(g, f), getattr(r, f))


def readme_tables(summary, persons_without_rewrite):
    """Rewrite the part of samples/pii/README.md between the two markers with the
    expected tables, so that the README never disagrees with expected/*.json."""
    path = os.path.join(PII, "README.md")
    if not os.path.exists(path):
        return
    out = []
    for (name, profile), doc in summary.items():
        if profile == "nenkin" and name != "pc01_pc02":
            continue
        t = doc["tables"]
        out.append(f"**{name}** (`expected/{name}.{profile}.json`: {' + '.join(doc['sources'])}, "
                   f"profile {profile}): files with PII {doc['files']['with_pii']} "
                   f"(deleted {doc['files']['deleted_with_pii']}), conflicting merges {doc['conflicting_merges']}")
        out.append("")
        out.append("| | records with | records without | persons with | persons without |")
        out.append("|---|---:|---:|---:|---:|")
        for k in "4321":
            out.append(f"| {k}情報 | {t['records']['with_number'][k]} | {t['records']['without_number'][k]} | "
                       f"{t['persons']['with_number'][k]} | {t['persons']['without_number'][k]} |")
        out.append(f"| no name | {t['records']['no_name']} | | {t['persons']['no_name']} | |")
        out.append(f"| total | {counting.total(t['records'])} | | {counting.total(t['persons'])} | |")
        out.append("")
    out.append(f"Without the 丁目/番/号 rewrite the pc01_pc02 persons total would be {persons_without_rewrite} "
               f"instead of {counting.total(summary[('pc01_pc02', 'kyokai')]['tables']['persons'])}.")
    out.append("")
    out.append("Records per file (kyokai; with number 4/3/2/1 | without number 4/3/2/1 | no name):")
    out.append("")
    out.append("| evidence | path | deleted | records | with 4/3/2/1 | without 4/3/2/1 | no name |")
    out.append("|---|---|---|---:|---|---|---:|")
    for name in ("pc01_pc02", "share"):
        for f in summary[(name, "kyokai")]["pii_files"]:
            t = f["records_table"]
            out.append(f"| {f['evidence']} | `{f['path']}` | {'yes' if f['deleted'] else ''} | {f['records']} | "
                       f"{'/'.join(str(v) for v in t['with_number'].values())} | "
                       f"{'/'.join(str(v) for v in t['without_number'].values())} | {t['no_name']} |")
    out.append("")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a, b = "<!-- tables:begin (written by make-pii.py) -->", "<!-- tables:end -->"
    i, j = text.find(a), text.find(b)
    if i < 0 or j < 0:
        return
    text = text[:i + len(a)] + "\n" + "\n".join(out) + text[j:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def rows_tsv(contents, placements):
    out = ["# ground truth per data row (generated by samples/make-pii.py; fake data)",
           "# content ids and where they are placed:"]
    for cid in sorted(contents, key=sort_cid):
        where = [f"{ev}:{p}" + (f" ({a})" if a else "") for ev, p, c, a in placements if c == cid]
        out.append(f"#   {cid}: " + "; ".join(where))
    out.append("# elements: n name, s sex, b birthdate, a address, I insured number (symbol+number), "
               "P pension number, M My Number; '-' = not a record")
    out.append("content\tline\trecord\telements\tkyokai\tnenkin\tnote")
    for cid in sorted(contents, key=sort_cid):
        c = contents[cid]
        for line, r, note in c.rowinfo:
            e = counting.elements(r)
            is_r = counting.is_record(r)
            es = "".join(ch for ch, f in zip("nsbaIPM", (e.name, e.sex, e.birthdate, e.address, e.insured,
                                                         e.pension, e.my_number)) if f) or "-"

            def cat(profile):
                if not is_r:
                    return "-"
                w, k = counting.category(e, profile)
                return k if k == "no_name" else ("with/" if w else "without/") + k
            out.append(f"{cid}\t{line}\t{'yes' if is_r else 'no'}\t{es}\t{cat('kyokai')}\t{cat('nenkin')}\t{note}")
    return "\n".join(out) + "\n"


def sort_cid(c):
    m = re.fullmatch(r"F(\d+)", c)
    return (0, int(m.group(1)), "") if m else (1, 0, c)


SCENARIOS = [  # name, evidence items, profiles
    ("pc01", ["pc01"], ["kyokai", "nenkin"]),
    ("pc02", ["pc02"], ["kyokai", "nenkin"]),
    ("pc01_pc02", ["pc01", "pc02"], ["kyokai", "nenkin"]),
    ("share", ["share"], ["kyokai", "nenkin"]),
]
SOURCES = {"pc01": "pc01.img", "pc02": "pc02.img", "share": "share/"}
ELEM_ORDER = ["name", "kana", "sex", "birthdate", "address", "postal_code", "insured_number", "pension_number",
              "my_number", "insurer_number", "phone", "email", "employer", "medical_institution", "disease", "amount"]


def placed_records(contents, placements, evs):
    recs, files = [], []
    for ev, path, cid, action in placements:
        if ev not in evs:
            continue
        c = contents[cid]
        rs = []
        if c.kind == "pii":
            for r0 in c.records:
                r = Record(**{**r0.__dict__})
                r.evidence, r.path, r.deleted = ev, path, action == "delete"
                rs.append(r)
        rs = [r for r in rs if counting.is_record(r)]
        recs.extend(rs)
        files.append((ev, path, cid, action, rs))
    return recs, files


# Files the sample proxy log ties to suspicious windows (correlate test).
LEAKED = {
    ("pc01", "Users/tanaka/Desktop/被保険者一覧_2015.csv"),
    ("pc01", "Users/tanaka/Desktop/送付用リスト.csv"),
    ("pc02", "srv/share/人事/個人番号.csv"),
}


def write_expected(contents, placements):
    outdir = os.path.join(PII, "expected")
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        os.remove(os.path.join(outdir, f))
    summary = {}
    for name, evs, profiles in SCENARIOS:
        recs, files = placed_records(contents, placements, evs)
        for profile in profiles:
            t, conflicts = counting.tables(recs, profile)
            # the data must not depend on choices DESIGN.md leaves open or on details
            # an implementation may reasonably differ in:
            for opts in ({"kana_fallback_per_row": True}, {"upper": False}):
                t2, c2 = counting.tables(recs, profile, **opts)
                assert (t2, c2) == (t, conflicts), (name, profile, opts)
            pii_files, zero_files = [], []
            for ev, path, cid, action, rs in files:
                c = contents[cid]
                if rs:
                    ft, _ = counting.tables(rs, profile)
                    pii_files.append({"evidence": ev, "partition": None, "path": path,
                                      "deleted": action == "delete", "records": len(rs),
                                      "columns": [e for e in ELEM_ORDER if e in c.columns],
                                      "encoding": c.encoding, "layout": c.layout,
                                      "records_table": ft["records"]})
                else:
                    why = {"wipe": "deleted, content overwritten (not recoverable)"}.get(action, c.what)
                    zero_files.append({"evidence": ev, "path": path, "deleted": action in ("delete", "wipe"),
                                       "why": why})
            evidence = []
            for ev in evs:
                er = [r for r in recs if r.evidence == ev]
                evidence.append({"name": ev, "source": SOURCES[ev],
                                 "files_with_pii": sum(1 for f in pii_files if f["evidence"] == ev),
                                 "records": len(er), "persons": counting.total(counting.tables(er, profile)[0]["persons"])})
            doc = {
                "generator": f"samples/make-pii.py (random.Random({SEED})), rules in samples/pii/counting.py",
                "scenario": name, "sources": [SOURCES[e] for e in evs],
                "profile": profile, "scope": "stored",
                "tables": t,
                "conflicting_merges": conflicts,
                "files": {"with_pii": len(pii_files),
                          "deleted_with_pii": sum(1 for f in pii_files if f["deleted"])},
                "evidence": evidence,
                "pii_files": pii_files,
                "zero_record_files": zero_files,
            }
            summary[(name, profile)] = doc
            with open(os.path.join(outdir, f"{name}.{profile}.json"), "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
                f.write("\n")
    # --scope leaked: the files samples/logs/case-squid.log ties to
    # suspicious traffic (see samples/logs/README.md), counted alone.
    recs, files = placed_records(contents, placements, ["pc01", "pc02"])
    lrecs = [r for r in recs if (r.evidence, r.path) in LEAKED]
    for profile in ("kyokai", "nenkin"):
        t, conflicts = counting.tables(lrecs, profile)
        pii_files = [{"evidence": ev, "partition": None, "path": path,
                      "deleted": action == "delete", "records": len(rs)}
                     for ev, path, cid, action, rs in files
                     if rs and (ev, path) in LEAKED]
        doc = {"generator": f"samples/make-pii.py (random.Random({SEED}))",
               "scenario": "pc01_pc02 leaked", "profile": profile, "scope": "leaked",
               "tables": t, "conflicting_merges": conflicts,
               "files": {"with_pii": len(pii_files),
                         "deleted_with_pii": sum(1 for f in pii_files if f["deleted"])},
               "pii_files": pii_files}
        with open(os.path.join(outdir, f"pc01_pc02.leaked.{profile}.json"), "w",
                  encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
    with open(os.path.join(outdir, "rows.tsv"), "w", encoding="utf-8") as f:
        f.write(rows_tsv(contents, placements))
    recs, _ = placed_records(contents, placements, ["pc01", "pc02"])
    t_norw, _ = counting.tables(recs, "kyokai", rewrite=False)
    readme_tables(summary, counting.total(t_norw["persons"]))

    # the categories this sample set promises (README): every kyokai cell occurs in
    # records and persons of pc01, pc02 and pc01+pc02; nenkin cells in pc01+pc02
    def nonzero(tab, cells):
        return all(tab[w][k] > 0 for w, k in cells) and tab["no_name"] > 0
    ky = [(w, k) for w in ("with_number", "without_number") for k in "4321"]
    nk = [("with_number", k) for k in "432"] + [("without_number", k) for k in "321"]
    for name in ("pc01", "pc02", "pc01_pc02"):
        for part in ("records", "persons"):
            assert nonzero(summary[(name, "kyokai")]["tables"][part], ky), (name, part)
    for part in ("records", "persons"):
        assert nonzero(summary[("pc01_pc02", "nenkin")]["tables"][part], nk), part
        assert summary[("pc01_pc02", "nenkin")]["tables"][part]["with_number"]["1"] == 0
    assert summary[("pc01", "kyokai")]["conflicting_merges"] == 1
    assert summary[("pc02", "kyokai")]["conflicting_merges"] == 0
    assert summary[("pc01_pc02", "kyokai")]["conflicting_merges"] == 1
    # persons merge across images: fewer persons together than apart
    p = {n: counting.total(summary[(n, "kyokai")]["tables"]["persons"]) for n in ("pc01", "pc02", "pc01_pc02")}
    assert p["pc01_pc02"] < p["pc01"] + p["pc02"], p
    # the address rewrite matters (documented): without it, more persons
    recs, _ = placed_records(contents, placements, ["pc01", "pc02"])
    t_norw, _ = counting.tables(recs, "kyokai", rewrite=False)
    print(f"make-pii.py: persons pc01={p['pc01']} pc02={p['pc02']} pc01+pc02={p['pc01_pc02']} "
          f"(without the 丁目/番/号 rewrite: {counting.total(t_norw['persons'])})")


if __name__ == "__main__":
    sys.exit(main())
