#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
counting.py - the counting rules of DESIGN.md ("Classification", "Report JSON"),
written out plainly in Python as an independent oracle for the C implementation.

It does not read files: the generator (make-pii.py) knows what it wrote into
every row, and hands over one Record per data row with the values as they were
written (names and addresses as text, birthdates as calendar dates, identifier
numbers as text).  This module decides which rows are records, their categories
under the two profiles, the persons (union-find) and the report tables.

Self-check:  python3 samples/pii/counting.py   (runs the examples below)

Rules (DESIGN.md; the brief that asked for this file repeats them):

* a record is a data row holding at least one of: name (written name, kana or
  romaji), birthdate, address, or an identifier number: insured-person number
  (symbol AND number both present), pension number, My Number.  Sex alone,
  a symbol without a number, a phone number, an employer or an amount do not
  make a record.
* kyokai: a name is needed for a category; 4 = name + sex + birthdate + address,
  3 = name + two of them, 2 = name + one, 1 = name only.  "with number" =
  insured-person number present.  No name -> "no_name" (not in 4/3/2/1).
* nenkin: with a pension number: 4 = number + name + birthdate + address,
  3 = number + name + (birthdate or address), 2 = number + name; without one:
  3 = name + birthdate + address, 2 = name + one of them, 1 = name only.  Sex is
  not counted.  No name -> "no_name".
* records (件) count every row of every file (copies count again).
* persons (人): union-find over records.  Two records are merged when they
  share an identifier number (insured symbol+number as digits, pension number
  digits, My Number digits), or the same normalised name and the same
  birthdate, or the same normalised name and the same normalised address.
  Transitive.  A person's elements are the union over their records.  A group
  holding two different numbers of the same kind stays one person and counts
  once in "conflicting_merges".
* the name in a person key is the written-name column (氏名; family + given
  columns joined; romaji where that is the written name); a kana column only
  when the table has no written-name column (decided per table, not per row).
* normalisation: NFKC, every space removed, ASCII letters upper-cased
  (include/leaktriage/classify.h lt_norm_text); digits kept as digits;
  addresses in addition rewrite "N丁目M番K号", "N丁目M番地K", "N丁目M番地",
  "N丁目M番", "N番地K号", "N番K号", "N番地" to "N-M-K" / "N-M" / "N".
"""

import dataclasses
import datetime
import re
import unicodedata

PROFILES = ("kyokai", "nenkin")


@dataclasses.dataclass
class Record:
    """One data row as written (None or "" = blank cell).

    name: the written name (氏名; 姓 and 名 joined; a romaji name column);
    kana: the kana name (フリガナ, カナ氏名; セイ and メイ joined);
    table_has_written_name: False only for tables without any written-name
    column (then the kana is the name in person keys);
    sex: "M"/"F"; birthdate: datetime.date; address: text;
    insured_symbol / insured_number: the two parts (from one column or two);
    pension: 基礎年金番号; my_number: 個人番号.
    """
    evidence: str
    path: str
    row: int
    deleted: bool = False
    name: str = None
    kana: str = None
    table_has_written_name: bool = True
    sex: str = None
    birthdate: datetime.date = None
    address: str = None
    insured_symbol: str = None
    insured_number: str = None
    pension: str = None
    my_number: str = None


# --------------------------------------------------------------------------
# normalisation

def norm_text(s, upper=True):
    """NFKC, spaces (ASCII, U+3000 after NFKC) removed, ASCII upper-cased.

    >>> norm_text("山田\u3000太郎")
    '山田太郎'
    >>> norm_text("ﾔﾏﾀﾞ ﾀﾛｳ")
    'ヤマダタロウ'
    >>> norm_text("Taro Yamada")
    'TAROYAMADA'
    """
    t = unicodedata.normalize("NFKC", s)
    t = "".join(ch for ch in t if not ch.isspace())
    if upper:
        t = "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in t)
    return t


def norm_digits(s):
    """Only the digits, after NFKC.

    >>> norm_digits("１２３４-５６７８９０")
    '1234567890'
    """
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if "0" <= ch <= "9")


_ADDR_RULES = [
    (re.compile(r"(\d+)丁目(\d+)番地?(\d+)号?"), r"\1-\2-\3"),
    (re.compile(r"(\d+)丁目(\d+)番地?"), r"\1-\2"),
    (re.compile(r"(\d+)丁目"), r"\1"),
    (re.compile(r"(\d+)番地?(\d+)号?"), r"\1-\2"),
    (re.compile(r"(\d+)番地"), r"\1"),
]


def norm_address(s, rewrite=True):
    """norm_text, then the 丁目/番地/号 forms rewritten to N-M-K.

    >>> norm_address("東京都千代田区丸の内1丁目2番3号")
    '東京都千代田区丸の内1-2-3'
    >>> norm_address("東京都千代田区丸の内１－２－３")
    '東京都千代田区丸の内1-2-3'
    >>> norm_address("東京都千代田区丸の内1丁目2番地3")
    '東京都千代田区丸の内1-2-3'
    >>> norm_address("東京都 千代田区 丸の内 1-2-3")
    '東京都千代田区丸の内1-2-3'
    """
    t = norm_text(s)
    if rewrite:
        for rx, rep in _ADDR_RULES:
            t = rx.sub(rep, t)
    return t


def _present(v):
    return v is not None and str(v).strip() != ""


# --------------------------------------------------------------------------
# elements of one record

@dataclasses.dataclass(frozen=True)
class Elements:
    name: bool = False
    sex: bool = False
    birthdate: bool = False
    address: bool = False
    insured: bool = False
    pension: bool = False
    my_number: bool = False

    def __or__(self, o):
        return Elements(*(a or b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(o))))


def elements(r):
    """The elements a row holds.

    >>> e = elements(Record("e", "p", 1, name="山田 太郎", insured_symbol="123", insured_number=""))
    >>> e.name, e.insured
    (True, False)
    """
    return Elements(
        name=_present(r.name) or _present(r.kana),
        sex=_present(r.sex),
        birthdate=r.birthdate is not None,
        address=_present(r.address),
        insured=_present(r.insured_symbol) and _present(r.insured_number),
        pension=_present(r.pension),
        my_number=_present(r.my_number),
    )


def is_record(r):
    """A row is a record when it holds a name, a birthdate, an address or an
    identifier number.

    >>> is_record(Record("e", "p", 1, sex="M", insured_symbol="1234567"))
    False
    >>> is_record(Record("e", "p", 1, insured_symbol="1234567", insured_number="8"))
    True
    >>> is_record(Record("e", "p", 1, kana="ヤマダ"))
    True
    """
    e = elements(r)
    return e.name or e.birthdate or e.address or e.insured or e.pension or e.my_number


def category(e, profile):
    """(with_number, category) where category is "4".."1" or "no_name".

    >>> category(Elements(name=True, sex=True, birthdate=True, address=True), "kyokai")
    (False, '4')
    >>> category(Elements(name=True, sex=True, insured=True), "kyokai")
    (True, '2')
    >>> category(Elements(birthdate=True, insured=True), "kyokai")
    (True, 'no_name')
    >>> category(Elements(name=True, sex=True, birthdate=True, address=True), "nenkin")
    (False, '3')
    >>> category(Elements(name=True, sex=True), "nenkin")
    (False, '1')
    >>> category(Elements(name=True, pension=True, address=True), "nenkin")
    (True, '3')
    >>> category(Elements(name=True, pension=True), "nenkin")
    (True, '2')
    >>> category(Elements(name=True, pension=True, birthdate=True, address=True), "nenkin")
    (True, '4')
    """
    if profile == "kyokai":
        with_number = e.insured
        if not e.name:
            return with_number, "no_name"
        return with_number, str(1 + e.sex + e.birthdate + e.address)
    if profile == "nenkin":
        with_number = e.pension
        if not e.name:
            return with_number, "no_name"
        n = 1 + e.birthdate + e.address        # name + birthdate/address
        if with_number:
            n += 1                             # the number itself is an element
            return True, str(n)                # 2..4
        return False, str(n)                   # 1..3
    raise ValueError(profile)


# --------------------------------------------------------------------------
# persons

def person_keys(r, kana_fallback_per_row=False, upper=True, rewrite=True):
    """The keys that merge records into persons.

    >>> import datetime as dt
    >>> sorted(person_keys(Record("e", "p", 1, name="山田　太郎", birthdate=dt.date(1985, 3, 5),
    ...     insured_symbol="1234567", insured_number="89")))
    [('ins', '1234567', '89'), ('name+birthdate', '山田太郎', '1985-03-05')]
    >>> person_keys(Record("e", "p", 1, name="山田　太郎"))
    []
    >>> person_keys(Record("e", "p", 1, kana="ﾔﾏﾀﾞ ﾀﾛｳ", table_has_written_name=False,
    ...     address="東京都千代田区丸の内1丁目2番3号"))
    [('name+address', 'ヤマダタロウ', '東京都千代田区丸の内1-2-3')]
    >>> person_keys(Record("e", "p", 1, kana="ヤマダ タロウ", address="東京都千代田区丸の内1-2-3"))
    []
    """
    keys = []
    e = elements(r)
    if e.insured:
        keys.append(("ins", norm_digits(r.insured_symbol), norm_digits(r.insured_number)))
    if e.pension:
        keys.append(("pension", norm_digits(r.pension)))
    if e.my_number:
        keys.append(("my_number", norm_digits(r.my_number)))
    if r.table_has_written_name:
        nm = r.name if _present(r.name) else None
        if nm is None and kana_fallback_per_row and _present(r.kana):
            nm = r.kana
    else:
        nm = r.kana if _present(r.kana) else None
    if nm is not None:
        nk = norm_text(nm, upper=upper)
        if r.birthdate is not None:
            keys.append(("name+birthdate", nk, r.birthdate.isoformat()))
        if e.address:
            keys.append(("name+address", nk, norm_address(r.address, rewrite=rewrite)))
    return keys


class _UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def persons(records, **opts):
    """Group records into persons.  Returns a list of lists of records.

    >>> import datetime as dt
    >>> a = Record("e", "f1", 1, name="山田 太郎", birthdate=dt.date(1985, 3, 5))
    >>> b = Record("e", "f2", 1, name="山田太郎", address="東京都千代田区丸の内1-2-3",
    ...            insured_symbol="1234567", insured_number="89")
    >>> c = Record("e", "f3", 1, name="山田　太郎", birthdate=dt.date(1985, 3, 5),
    ...            insured_symbol="１２３４５６７", insured_number="８９")
    >>> len(persons([a, b]))          # no common key
    2
    >>> len(persons([a, b, c]))       # a-c by name+birthdate, c-b by the number
    1
    >>> n1 = Record("e", "f1", 2, name="山田 太郎")
    >>> len(persons([a, n1, n1]))     # name-only records stay persons of their own
    3
    """
    records = [r for r in records if is_record(r)]
    uf = _UnionFind(len(records))
    first = {}
    for i, r in enumerate(records):
        for k in person_keys(r, **opts):
            if k in first:
                uf.union(first[k], i)
            else:
                first[k] = i
    groups = {}
    for i, r in enumerate(records):
        groups.setdefault(uf.find(i), []).append(r)
    return [groups[k] for k in sorted(groups)]


def is_conflicting(group):
    """True when a person holds two different numbers of one kind.

    >>> import datetime as dt
    >>> a = Record("e", "f1", 1, name="山田 太郎", birthdate=dt.date(1985, 3, 5),
    ...            insured_symbol="1234567", insured_number="89")
    >>> b = Record("e", "f2", 1, name="山田 太郎", birthdate=dt.date(1985, 3, 5),
    ...            insured_symbol="1234567", insured_number="90")
    >>> [is_conflicting(g) for g in persons([a, b])]
    [True]
    """
    seen = {}
    for r in group:
        for k in person_keys(r):
            if k[0] in ("ins", "pension", "my_number"):
                seen.setdefault(k[0], set()).add(k[1:])
    return any(len(v) > 1 for v in seen.values())


# --------------------------------------------------------------------------
# tables

def empty_table():
    return {"with_number": {"4": 0, "3": 0, "2": 0, "1": 0},
            "without_number": {"4": 0, "3": 0, "2": 0, "1": 0},
            "no_name": 0}


def _add(table, with_number, cat):
    if cat == "no_name":
        table["no_name"] += 1
    else:
        table["with_number" if with_number else "without_number"][cat] += 1


def tables(records, profile, **opts):
    """The "tables" object and the conflicting-merge count.

    >>> import datetime as dt
    >>> rs = [Record("e", "f", 2, name="山田 太郎", sex="M", birthdate=dt.date(1985, 3, 5),
    ...              address="東京都千代田区丸の内1-2-3"),
    ...       Record("e", "f", 3, name="山田 太郎", birthdate=dt.date(1985, 3, 5),
    ...              insured_symbol="1234567", insured_number="89"),
    ...       Record("e", "f", 4, sex="F"),
    ...       Record("e", "f", 5, birthdate=dt.date(1990, 1, 1))]
    >>> t, c = tables(rs, "kyokai")
    >>> t["records"]["with_number"], t["records"]["without_number"], t["records"]["no_name"]
    ({'4': 0, '3': 0, '2': 1, '1': 0}, {'4': 1, '3': 0, '2': 0, '1': 0}, 1)
    >>> t["persons"]["with_number"]["4"], t["persons"]["no_name"], c
    (1, 1, 0)
    """
    rec_t, per_t = empty_table(), empty_table()
    recs = [r for r in records if is_record(r)]
    for r in recs:
        _add(rec_t, *category(elements(r), profile))
    conflicts = 0
    for g in persons(recs, **opts):
        e = Elements()
        for r in g:
            e = e | elements(r)
        _add(per_t, *category(e, profile))
        conflicts += is_conflicting(g)
    return {"records": rec_t, "persons": per_t}, conflicts


def total(table):
    return sum(table["with_number"].values()) + sum(table["without_number"].values()) + table["no_name"]


if __name__ == "__main__":
    import doctest
    import sys
    failed, tried = doctest.testmod()
    print(f"counting.py: {tried} examples, {failed} failed")
    sys.exit(1 if failed else 0)
