#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
make-office.py - generate the office-format evidence of samples/office/ (the
files of pc03.img) and the expected report counts, computed here from the
generator's own ground truth with samples/pii/counting.py, never by running
leaktriage.

Usage: samples/make-office.py WORKDIR

Writes
  WORKDIR/src-pc03/                 the file tree of the image
  WORKDIR/pc03.delete               paths to delete (mdel) after the image is built
  WORKDIR/pc03.sha256               SHA-256 of every file put on the image
  samples/office/expected/*.json    expected report counts per scenario
  samples/office/expected/rows.tsv  the ground truth per data row
  samples/office/README.md          the generated part (between the markers)

Needs (make-office.sh checks and provides them): python3, node with the npm
packages xlsx (SheetJS, writes the .xls) and officecrypto-tool (encrypts
the .xlsx) on NODE_PATH, zip, 7z, qpdf, LibreOffice (soffice) with
python3-uno (/usr/bin/python3: encrypts the .xls), and gimei's names.yml and
addresses.yml (GIMEI_DIR, as for make-pii.py).

Persons: make-pii.py is loaded with importlib and its main() replayed into a
temporary directory (nothing under samples/pii/ is touched), so that the
persons of pc01/pc02 and their records are known here exactly; the replay
is checked against samples/pii/expected/.  A few of those persons appear in
pc03 again (merged across images in pc01+pc02+pc03); the others are new
persons made by make-pii.py's own make_persons() from random.Random(SEED)
and kept only where no name, kana, romaji or number collides with pc01/pc02.

Deterministic (random.Random(20153), fixed times) except the bytes of the
encrypted files: zip -P, 7z -p, officecrypto-tool, LibreOffice and qpdf draw
salts and IVs at random.  Their counts do not depend on those bytes.
"""

import contextlib
import datetime
import gzip
import hashlib
import importlib.util
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from xml.sax.saxutils import escape

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
PII = os.path.join(HERE, "pii")
OFFICE = os.path.join(HERE, "office")
sys.path.insert(0, PII)
import counting  # noqa: E402
from counting import Record  # noqa: E402

SEED = 20153
D = datetime.date
EV = "pc03"
PASSWORD = "secret"
ZIP_TIME = (2015, 5, 18, 9, 30, 0)


def load_make_pii():
    spec = importlib.util.spec_from_file_location("make_pii", os.path.join(HERE, "make-pii.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mp = load_make_pii()
date_text = mp.date_text


# ==========================================================================
# pc01/pc02: replay make-pii.py in a temporary directory

def replay_pii(tmp):
    cap = {}
    orig = mp.make_persons

    def make_persons(rng, gimei):
        cap["P"] = orig(rng, gimei)
        cap["gimei"] = gimei
        return cap["P"]

    saved = (mp.make_persons, mp.write_expected, mp.PII, sys.argv)
    mp.make_persons = make_persons
    mp.write_expected = lambda contents, placements: cap.update(contents=contents, placements=placements)
    mp.PII = os.path.join(tmp, "pii")
    sys.argv = ["make-pii.py", os.path.join(tmp, "work")]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            rc = mp.main()
    finally:
        mp.make_persons, mp.write_expected, mp.PII, sys.argv = saved
    if rc:
        raise SystemExit("make-office.py: replaying make-pii.py failed")
    # the replay must give exactly what is committed in samples/pii/expected
    for name, evs in (("pc01", ["pc01"]), ("pc02", ["pc02"]), ("pc01_pc02", ["pc01", "pc02"])):
        recs, _ = mp.placed_records(cap["contents"], cap["placements"], evs)
        for profile in ("kyokai", "nenkin"):
            t, c = counting.tables(recs, profile)
            with open(os.path.join(PII, "expected", f"{name}.{profile}.json"), encoding="utf-8") as f:
                exp = json.load(f)
            if t != exp["tables"] or c != exp["conflicting_merges"]:
                raise SystemExit(f"make-office.py: the replay of make-pii.py does not give "
                                 f"samples/pii/expected/{name}.{profile}.json (other gimei data?)")
    return cap


# ==========================================================================
# tables: columns, rows, records

class Col:
    """header; role: the show key that makes the cell present ("name", "kana",
    "sex", "bd", "addr", "sym", "no", "pension", "phone", "postal"), or None
    for a column that is always filled; render(p) -> the value; kind: "t"
    text, "n" number, "d" date (spreadsheet date cell; value = date)."""

    def __init__(self, header, role, render, kind="t", fmt=None):
        self.header, self.role, self.render, self.kind, self.fmt = header, role, render, kind, fmt


class Row:
    def __init__(self, p, show, note=""):
        self.p, self.show, self.note = p, frozenset(show), note


class Table:
    """One table: a sheet, a docx table or a text file (or archive member)."""

    def __init__(self, tid, what, cols, rows, header_row=1, blank_rows=()):
        self.tid, self.what, self.cols = tid, what, cols
        self.header_row = header_row
        self.cells = []          # per data row: list of (kind, value) or None
        self.records = []        # Record per data row (also non-records)
        self.rowinfo = []        # (row number, Record, note)
        roles = {c.role for c in cols}
        rowno = header_row
        for row in rows:
            rowno += 1
            while rowno in blank_rows:
                rowno += 1
            p, s = row.p, row.show
            cells = []
            r = Record("", "", rowno, table_has_written_name="name" in roles)
            for c in cols:
                if c.role is not None and c.role not in s:
                    cells.append(None)
                    continue
                v = c.render(p)
                if v is None or v == "":
                    cells.append(None)
                    continue
                cells.append((c.kind, v))
                if c.role == "name":
                    r.name = v
                elif c.role == "kana":
                    r.kana = v
                elif c.role == "sex":
                    r.sex = p.sex
                elif c.role == "bd":
                    r.birthdate = p.birthdate
                elif c.role == "addr":
                    r.address = v
                elif c.role == "sym":
                    r.insured_symbol = str(v)
                elif c.role == "no":
                    r.insured_number = str(v)
                elif c.role == "pension":
                    r.pension = v
            assert any(x is not None for x in cells), (tid, row.note)
            self.cells.append((rowno, cells))
            self.records.append(r)
            self.rowinfo.append((rowno, r, row.note))

    def columns(self):
        m = {"name": "name", "kana": "kana", "sex": "sex", "bd": "birthdate", "addr": "address",
             "sym": "insured_number", "pension": "pension_number", "phone": "phone", "postal": "postal_code"}
        have = {m[c.role] for c in self.cols if c.role in m}
        return [e for e in mp.ELEM_ORDER if e in have]

    def text_rows(self):
        """Header + rows as text (for CSV/TSV/docx)."""
        out = [[c.header for c in self.cols]]
        for _, cells in self.cells:
            out.append(["" if v is None else str(v[1]) for v in cells])
        return out


def serial(d):
    """Excel 1900-system serial of a date after 1900-02-28."""
    return (d - D(1899, 12, 30)).days


# ==========================================================================
# XLSX by hand (python zipfile)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
ERA_FMT = '[$-411]ggge"年"m"月"d"日"'


def col_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def zip_write(z, name, data, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    info.create_system = 0                   # "MS-DOS", as Office writes
    z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))


class Sst:
    def __init__(self):
        self.items, self.index, self.count = [], {}, 0

    def add(self, text, phonetic=None):
        self.count += 1
        key = (text, phonetic)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(key)
        return self.index[key]

    def xml(self):
        out = [XML_HEAD, f'<sst xmlns="{NS_MAIN}" count="{self.count}" uniqueCount="{len(self.items)}">']
        for text, ph in self.items:
            si = f"<t>{escape(text)}</t>"
            if ph:
                # Excel's furigana: runs of phonetic text, never part of the value
                fam, giv = text.split("\u3000")
                kf, kg = ph.split("\u3000")
                si += (f'<rPh sb="0" eb="{len(fam)}"><t>{escape(kf)}</t></rPh>'
                       f'<rPh sb="{len(fam) + 1}" eb="{len(text)}"><t>{escape(kg)}</t></rPh>'
                       '<phoneticPr fontId="1"/>')
            out.append(f"<si>{si}</si>")
        out.append("</sst>")
        return "".join(out)


def xlsx_bytes(sheets):
    """sheets: list of (name, rows) with rows = [(rowno, [cell, ...])], a cell
    None (absent), ("s", text[, phonetic]) shared string, ("inl", text) inline
    string, ("n", number, style), ("e", style) an empty styled cell."""
    sst = Sst()
    parts = []
    for si, (name, rows) in enumerate(sheets):
        maxc = max((len(c) for _, c in rows), default=0)
        maxr = max((r for r, _ in rows), default=1)
        out = [XML_HEAD, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">',
               f'<dimension ref="A1:{col_letter(max(maxc, 1) - 1)}{maxr}"/>' if rows else '<dimension ref="A1"/>',
               '<sheetViews><sheetView workbookViewId="0"' + (' tabSelected="1"' if si == 0 else '') +
               '/></sheetViews><sheetFormatPr defaultRowHeight="13.5"/>', "<sheetData>"]
        for rowno, cells in rows:
            out.append(f'<row r="{rowno}">')
            for ci, c in enumerate(cells):
                if c is None:
                    continue
                ref = f"{col_letter(ci)}{rowno}"
                if c[0] == "s":
                    out.append(f'<c r="{ref}" t="s"><v>{sst.add(c[1], c[2] if len(c) > 2 else None)}</v></c>')
                elif c[0] == "inl":
                    out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(c[1])}</t></is></c>')
                elif c[0] == "n":
                    st = f' s="{c[2]}"' if c[2] else ""
                    out.append(f'<c r="{ref}"{st}><v>{c[1]}</v></c>')
                elif c[0] == "e":
                    out.append(f'<c r="{ref}" s="{c[1]}"/>')
                else:
                    raise ValueError(c)
            out.append("</row>")
        out.append('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                   'footer="0.3"/></worksheet>')
        parts.append("".join(out))
    n = len(sheets)
    styles = (XML_HEAD + f'<styleSheet xmlns="{NS_MAIN}">'
              f'<numFmts count="1"><numFmt numFmtId="176" formatCode="{escape(ERA_FMT, {chr(34): "&quot;"})}"/>'
              '</numFmts><fonts count="2"><font><sz val="11"/><name val="ＭＳ Ｐゴシック"/><family val="3"/>'
              '<charset val="128"/></font><font><sz val="6"/><name val="ＭＳ Ｐゴシック"/><family val="3"/>'
              '<charset val="128"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
              '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
              '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
              'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" '
              'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" '
              'borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" '
              'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
              'name="標準" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
    wb = (XML_HEAD + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_R}"><workbookPr defaultThemeVersion="124226"/>'
          '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="20000" windowHeight="9000"/></bookViews>'
          '<sheets>' + "".join(f'<sheet name="{escape(nm)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                               for i, (nm, _) in enumerate(sheets)) + '</sheets><calcPr calcId="145621"/></workbook>')
    wb_rels = (XML_HEAD + f'<Relationships xmlns="{NS_PR}">' +
               "".join(f'<Relationship Id="rId{i + 1}" Type="{NS_R}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(n)) +
               f'<Relationship Id="rId{n + 1}" Type="{NS_R}/styles" Target="styles.xml"/>'
               f'<Relationship Id="rId{n + 2}" Type="{NS_R}/sharedStrings" Target="sharedStrings.xml"/>'
               '</Relationships>')
    ct = (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>' +
          "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(n)) +
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
          'core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        zip_write(z, "[Content_Types].xml", ct)
        zip_write(z, "_rels/.rels", root_rels("xl/workbook.xml"))
        zip_write(z, "docProps/app.xml", app_xml("Microsoft Excel"))
        zip_write(z, "docProps/core.xml", core_xml())
        zip_write(z, "xl/workbook.xml", wb)
        zip_write(z, "xl/_rels/workbook.xml.rels", wb_rels)
        zip_write(z, "xl/styles.xml", styles)
        for i, p in enumerate(parts):
            zip_write(z, f"xl/worksheets/sheet{i + 1}.xml", p)
        zip_write(z, "xl/sharedStrings.xml", sst.xml())
    return buf.getvalue()


def root_rels(main):
    return (XML_HEAD + f'<Relationships xmlns="{NS_PR}">'
            f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="{main}"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{NS_R}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')


def app_xml(app):
    return (XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Application>{app}</Application></Properties>')


def core_xml():
    return (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
            'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>sato</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2015-05-18T00:30:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2015-05-18T00:30:00Z</dcterms:modified>'
            '</cp:coreProperties>')


def sheet_rows(t, text_kind="s", inline_roles=(), phonetic=None, empty_styled=()):
    """Rows of a Table for xlsx_bytes: the header row then the data rows."""
    rows = [(t.header_row, [("s", c.header) for c in t.cols])]
    for (rowno, cells), r in zip(t.cells, t.records):
        out = []
        for c, v in zip(t.cols, cells):
            if v is None:
                out.append(("e", c.fmt) if c.fmt and c.role in empty_styled else None)
            elif v[0] == "n":
                out.append(("n", v[1], 0))
            elif v[0] == "d":
                out.append(("n", serial(v[1]), c.fmt))
            elif c.role in inline_roles:
                out.append(("inl", v[1]))
            elif c.role == "name" and phonetic and r.name:
                out.append(("s", v[1], phonetic.get(v[1])))
            else:
                out.append((text_kind, v[1]))
        rows.append((rowno, out))
    return rows


# ==========================================================================
# DOCX by hand

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w_runs(text):
    # a name or address split over two runs (Word does that after edits)
    if "\u3000" in text:
        a, b = text.split("\u3000", 1)
        return (f"<w:r><w:t>{escape(a)}</w:t></w:r>"
                f'<w:r><w:t xml:space="preserve">\u3000{escape(b)}</w:t></w:r>')
    return f"<w:r><w:t>{escape(text)}</w:t></w:r>"


def docx_bytes(paras_before, table_rows, paras_after):
    body = []
    for p in paras_before:
        body.append(f"<w:p>{w_runs(p)}</w:p>")
    ncol = len(table_rows[0])
    body.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                '<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>' +
                "".join('<w:gridCol w:w="1400"/>' for _ in range(ncol)) + "</w:tblGrid>")
    for row in table_rows:
        body.append("<w:tr>")
        for v in row:
            body.append('<w:tc><w:tcPr><w:tcW w:w="1400" w:type="dxa"/></w:tcPr>' +
                        (f"<w:p>{w_runs(v)}</w:p>" if v else "<w:p/>") + "</w:tc>")
        body.append("</w:tr>")
    body.append("</w:tbl>")
    for p in paras_after:
        body.append(f"<w:p>{w_runs(p)}</w:p>")
    body.append('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1985" w:right="1701" '
                'w:bottom="1701" w:left="1701" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    doc = XML_HEAD + f'<w:document xmlns:w="{NS_W}" xmlns:r="{NS_R}"><w:body>' + "".join(body) + \
        "</w:body></w:document>"
    ct = (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'wordprocessingml.document.main+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
          'core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        zip_write(z, "[Content_Types].xml", ct)
        zip_write(z, "_rels/.rels", root_rels("word/document.xml"))
        zip_write(z, "docProps/app.xml", app_xml("Microsoft Office Word"))
        zip_write(z, "docProps/core.xml", core_xml())
        zip_write(z, "word/document.xml", doc)
    return buf.getvalue()


# ==========================================================================
# text files, archives

def csv_bytes(t, delim=",", eol="\r\n", encoding="utf-8", bom=b"", header_lines=()):
    return bom + mp.csv_text(list(header_lines) + t.text_rows(), delim, eol).encode(encoding)


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            zip_write(z, name, data)
    return buf.getvalue()


def crc16(data):
    """CRC-16/ARC, as LHA uses."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def dos_time(dt):
    return ((dt.year - 1980) << 25 | dt.month << 21 | dt.day << 16 |
            dt.hour << 11 | dt.minute << 5 | dt.second // 2)


def lzh_bytes(members):
    """An LHA archive with level-0 headers and stored (-lh0-) members."""
    out = b""
    for name, data, dt in members:
        body = (b"-lh0-" + struct.pack("<IIIBB", len(data), len(data), dos_time(dt), 0x20, 0) +
                bytes([len(name)]) + name + struct.pack("<H", crc16(data)))
        out += bytes([len(body), sum(body) & 0xFF]) + body + data
    return out + b"\x00"


def tgz_bytes(members):
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8") as tf:
        for name, data, mtime, is_dir in members:
            ti = tarfile.TarInfo(name)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = mtime, 1000, 1000, "sato", "sato"
            if is_dir:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o644
                tf.addfile(ti, io.BytesIO(data))
    gbuf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gbuf, mtime=0, compresslevel=9) as g:
        g.write(tbuf.getvalue())
    return gbuf.getvalue()


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode:
        sys.stderr.write(r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
        raise SystemExit(f"make-office.py: failed: {' '.join(cmd)}")
    return r.stdout


def set_mtime(path, dt):
    t = dt.replace(tzinfo=datetime.timezone.utc).timestamp()
    os.utime(path, (t, t))


# LibreOffice (UNO) re-saves an .xls with a password (RC4 encryption).  Run with
# the system python (python3-uno); own profile directory, own pipe.
UNO_SAVE = r'''
import os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
def pv(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
prof, src, dst, flt, pw = sys.argv[1:6]
pipe = "ltoffice%d" % os.getpid()
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                         "-env:UserInstallation=" + uno.systemPathToFileUrl(prof),
                         "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    ctx = uno.getComponentContext()
    res = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    for _ in range(240):
        try:
            rctx = res.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.25)
    else:
        sys.exit("soffice did not answer")
    desk = rctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", rctx)
    doc = desk.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (pv("Hidden", True),))
    doc.storeToURL(uno.systemPathToFileUrl(dst), (pv("FilterName", flt), pv("Password", pw)))
    doc.close(True)
    try:
        desk.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
finally:
    if proc.poll() is None:
        proc.kill()
'''

SHEETJS_WRITE = r'''
const XLSX = require("xlsx"), fs = require("fs");
const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const wb = XLSX.utils.book_new();
for (const sh of spec.sheets) {
  const ws = {};
  let maxr = 0, maxc = 0;
  for (const [r, c, cell] of sh.cells) {
    ws[XLSX.utils.encode_cell({r: r, c: c})] = cell;
    maxr = Math.max(maxr, r); maxc = Math.max(maxc, c);
  }
  ws["!ref"] = XLSX.utils.encode_range({s: {r: 0, c: 0}, e: {r: maxr, c: maxc}});
  XLSX.utils.book_append_sheet(wb, ws, sh.name);
}
XLSX.writeFile(wb, process.argv[3], {bookType: "biff8"});
'''

SHEETJS_READ = r'''
const XLSX = require("xlsx");
const out = {};
for (const f of process.argv.slice(2)) {
  const wb = XLSX.readFile(f, {cellNF: true, cellDates: false, dense: false});
  out[f] = wb.SheetNames.map(n => {
    const ws = wb.Sheets[n], cells = {};
    for (const k of Object.keys(ws)) if (k[0] !== "!") cells[k] = [ws[k].t, ws[k].v, ws[k].z || null];
    return [n, cells];
  });
}
process.stdout.write(JSON.stringify(out));
'''

OFFICECRYPTO = r'''
const oc = require("officecrypto-tool"), fs = require("fs");
const out = oc.encrypt(fs.readFileSync(process.argv[2]), {password: process.argv[4]});
if (!oc.isEncrypted(out)) { console.error("not encrypted"); process.exit(1); }
fs.writeFileSync(process.argv[3], out);
'''


def minimal_pdf(lines):
    """A one-page PDF (Helvetica, ASCII text), xref offsets computed."""
    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(f"({s}) '" for s in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
            "/Contents 4 0 R >>",
            f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += f"{i + 1} 0 obj\n{o}\nendobj\n".encode("latin-1")
    x = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for o in offs:
        out += f"{o:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n".encode()
    return out


# ==========================================================================
# the scenario

ROOT_DIR = "Users/sato"


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make-office.py WORKDIR\n")
        return 2
    work = os.path.abspath(sys.argv[1])
    os.makedirs(work, exist_ok=True)
    f, _ = __import__("doctest").testmod(counting)
    if f:
        raise SystemExit("make-office.py: counting.py self-check failed")

    tmp = tempfile.mkdtemp(prefix="lt-office-replay.", dir=work)
    cap = replay_pii(tmp)
    shutil.rmtree(tmp)
    P, gimei = cap["P"], cap["gimei"]
    pii_recs, _ = mp.placed_records(cap["contents"], cap["placements"], ["pc01", "pc02"])

    rng = random.Random(SEED)

    # --- persons -------------------------------------------------------------------
    def keys(p):
        return {"k" + counting.norm_text(p.name()), "a" + counting.norm_text(p.kana("half")),
                "r" + counting.norm_text(p.romaji())}
    used_keys = set().union(*(keys(p) for p in P))
    used_ids = {p.sym for p in P} | {p.pension for p in P} | {p.my_number for p in P if p.my_number} | \
               {p.sym2 for p in P if p.sym2}
    new = []
    for p in mp.make_persons(random.Random(SEED), gimei):
        if keys(p) & used_keys or {p.sym, p.pension, p.my_number} & used_ids:
            continue
        used_keys |= keys(p)
        new.append(p)
    for p in new:
        p.insurer = rng.choice(mp.INSURERS)
        p.visit = D(2015, 4, 1) + datetime.timedelta(days=rng.randrange(45))
        p.qualified = min(max(p.birthdate + datetime.timedelta(days=365 * 18 + rng.randrange(3000)),
                              D(1990, 4, 1)), D(2015, 4, 1))
        p.sym2 = p.no2 = None
    era_people = new[:8]                     # the era-boundary birthdates (1989-01-07 ...)
    pool = new[8:]
    rng.shuffle(pool)

    def take(n):
        out = pool[:n]
        del pool[:n]
        return out

    # persons of pc01/pc02 met again on pc03: not the 同姓同名 pair, not the
    # conflicting-merge person, and with a name + birthdate record there
    name_count = {}
    for p in P:
        name_count[counting.norm_text(p.name())] = name_count.get(counting.norm_text(p.name()), 0) + 1
    nb = {(counting.norm_text(r.name), r.birthdate) for r in pii_recs if r.name and r.birthdate}
    cand = [p for p in P if name_count[counting.norm_text(p.name())] == 1 and p.sym2 is None and
            (counting.norm_text(p.name()), p.birthdate) in nb]
    shared = rng.sample(cand, 8)
    for p in shared:
        p.visit = D(2015, 4, 1) + datetime.timedelta(days=rng.randrange(45))
        p.qualified = min(max(p.birthdate + datetime.timedelta(days=365 * 18 + rng.randrange(3000)),
                              D(1990, 4, 1)), D(2015, 4, 1))

    show_x1 = take(18)
    show_doc = take(14)
    protected_people = take(20)
    common = pool[:] + era_people

    def pick(n):
        return rng.sample(common, n)

    tables = {}
    K = ("name", "kana", "sex", "bd", "addr", "sym", "no")

    # --- X1: xlsx sheet 被保険者一覧 (title row, serial dates with numFmtId 14) ------
    showcase = [
        K, ("name", "kana", "sex", "bd", "sym", "no"), ("name", "bd", "addr", "sym", "no"),
        ("name", "kana", "sex", "sym", "no"), ("name", "addr", "sym", "no"),
        ("name", "kana", "sym", "no"), ("name", "sym", "no"), ("name", "sex", "bd", "addr", "sym", "no"),
        ("name", "kana", "sex", "bd", "addr"), ("name", "sex", "addr"), ("name", "kana", "bd", "addr", "sym"),
        ("name", "kana", "bd"), ("name", "sex", "no"), ("name", "kana"), ("name",), ("name", "sex", "bd", "addr"),
        ("bd", "addr", "sym", "no"), ("sex", "bd"),
    ]
    rows = [Row(p, s, "showcase") for p, s in zip(show_x1, showcase)]
    rows.append(Row(pick(1)[0], ("sex", "sym"), "not a record: sex and a symbol only"))
    for p in shared[:2]:
        rows.append(Row(p, K, "pc01/pc02 person (name+birthdate)"))
    for p in pick(42):
        rows.append(Row(p, mp.random_show(rng, ("name", "kana", "sex", "bd", "addr"),
                                          {"name": 0.06, "kana": 0.15, "sex": 0.12, "bd": 0.2, "addr": 0.25},
                                          ins=(0.6, 0.32, 0.04, 0.04))))
    head, rest = rows[:18], rows[18:]
    rng.shuffle(rest)
    rows = rest[:20] + head + rest[20:]
    cols = [Col("氏名", "name", lambda p: p.name("fw")),
            Col("フリガナ", "kana", lambda p: p.kana("fw")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("生年月日", "bd", lambda p: p.birthdate, "d", 1),
            Col("住所", "addr", lambda p: p.address("chome")),
            Col("被保険者記号", "sym", lambda p: int(p.sym), "n"),
            Col("被保険者番号", "no", lambda p: int(p.no), "n")]
    tables["X1"] = Table("X1", "xlsx sheet 被保険者一覧: a title row and an empty row above the header (row 3); "
                         "氏名 as shared strings with furigana runs (rPh), フリガナ and 住所 as inline strings; "
                         "生年月日 serial numbers styled numFmtId 14; 記号/番号 numbers; blank cells (some "
                         "styled but empty): every kyokai category", cols, rows, header_row=3)

    # --- X2: xlsx sheet 和暦 (custom era format) -------------------------------------
    rows = [Row(p, ("name", "sex", "bd", "addr", "phone"), "pc01/pc02 person (name+birthdate)") for p in shared[2:4]]
    for p in pick(30):
        rows.append(Row(p, mp.random_show(rng, ("name", "sex", "bd", "addr", "phone"),
                                          {"name": 0.05, "sex": 0.1, "bd": 0.15, "addr": 0.25, "phone": 0.3})))
    rng.shuffle(rows)
    counter = iter(range(1, 1000))
    cols = [Col("No", None, lambda p: next(counter), "n"),
            Col("氏名", "name", lambda p: p.name("sp")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("生年月日", "bd", lambda p: p.birthdate, "d", 2),
            Col("住所", "addr", lambda p: p.address("hyphen")),
            Col("電話番号", "phone", lambda p: p.phone)]
    tables["X2"] = Table("X2", 'xlsx sheet 和暦: 生年月日 serial numbers styled with the custom format '
                         '[$-411]ggge"年"m"月"d"日" (numFmtId 176); No counter; 電話番号', cols, rows)

    # --- decoy sheet 受注一覧 ---------------------------------------------------------------
    decoy_rows = [(1, [("s", h) for h in ("受注日", "商品コード", "商品名", "数量", "単価", "発売日")])]
    for i, name in enumerate(mp.PRODUCTS):
        d = f"49{rng.randint(0, 9999999999):010}"
        decoy_rows.append((i + 2, [
            ("n", serial(D(2015, 4, 1) + datetime.timedelta(days=rng.randrange(50))), 1),
            ("s", d + str(mp.jan_check(d))), ("s", name), ("n", rng.randint(1, 200), 0),
            ("n", rng.randint(80, 9800), 0),
            ("n", serial(D(1995, 1, 1) + datetime.timedelta(days=rng.randrange(7000))), 1)]))

    # --- S1/S2: xls (SheetJS) ----------------------------------------------------------------
    rows = [Row(shared[4], ("name", "kana", "sex", "bd", "addr", "phone"), "pc01/pc02 person (name+birthdate)")]
    for p in pick(30):
        rows.append(Row(p, mp.random_show(rng, ("name", "kana", "sex", "bd", "addr", "phone"),
                                          {"name": 0.05, "kana": 0.2, "sex": 0.1, "bd": 0.2, "addr": 0.25,
                                           "phone": 0.3})))
    rng.shuffle(rows)
    cols = [Col("氏名", "name", lambda p: p.name("fw")),
            Col("カナ氏名", "kana", lambda p: p.kana("fw")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("生年月日", "bd", lambda p: p.birthdate, "d", "m/d/yy"),
            Col("住所", "addr", lambda p: p.address("banchi")),
            Col("電話番号", "phone", lambda p: p.phone)]
    tables["S1"] = Table("S1", "xls sheet 職員名簿: 生年月日 as date cells (NUMBER records, XF with the built-in "
                         "format 14); カナ氏名; N丁目M番地K addresses", cols, rows)

    rows = [Row(shared[5], ("name", "sex", "bd", "sym", "no"), "pc01/pc02 person (name+birthdate)"),
            Row(pick(1)[0], ("sex",), "not a record: sex and 資格取得日 only")]
    for p in pick(30):
        rows.append(Row(p, mp.random_show(rng, ("name", "sex", "bd"), {"name": 0.08, "sex": 0.1, "bd": 0.1},
                                          ins=(0.75, 0.25, 0, 0))))
    rng.shuffle(rows)
    cols = [Col("被保険者記号", "sym", lambda p: int(p.sym), "n"),
            Col("被保険者番号", "no", lambda p: int(p.no), "n"),
            Col("氏名", "name", lambda p: p.name("fw")),
            Col("性別", "sex", lambda p: 1 if p.sex == "M" else 2, "n"),
            Col("生年月日", "bd", lambda p: int(date_text(p.birthdate, "eracode")), "n"),
            Col("資格取得日", None, lambda p: p.qualified, "d", "m/d/yy")]
    tables["S2"] = Table("S2", "xls sheet 資格取得者: 生年月日 as 7-digit era-code NUMBER cells (3600305 = 昭和60年"
                         "3月5日) in General format; 性別 as numbers 1/2; 記号/番号 numbers; 資格取得日 date cells "
                         "(not a birthdate)", cols, rows)

    # --- DOC: docx table with 基礎年金番号 (nenkin) -------------------------------------------
    KP = ("pension", "name", "kana", "sex", "bd", "addr")
    showcase_pen = [
        KP, ("pension", "name", "bd", "addr"), ("pension", "name", "kana", "bd"), ("pension", "name", "sex", "bd"),
        ("pension", "name", "addr"), ("pension", "name", "kana", "addr"), ("pension", "name", "sex"),
        ("pension", "name"), ("pension", "bd"), ("pension", "sex", "addr"),
        ("name", "kana", "bd", "addr"), ("name", "bd"), ("name", "addr"), ("name", "kana"),
    ]
    rows = [Row(p, s, "showcase (nenkin)") for p, s in zip(show_doc, showcase_pen)]
    doc_common = pick(18)
    for p in doc_common:
        rows.append(Row(p, mp.random_show(rng, KP, {"pension": 0.15, "name": 0.04, "kana": 0.3, "sex": 0.1,
                                                     "bd": 0.15, "addr": 0.25})))
    rng.shuffle(rows)
    cols = [Col("基礎年金番号", "pension", lambda p: p.pension),
            Col("氏名", "name", lambda p: p.name("fw")),
            Col("フリガナ", "kana", lambda p: p.kana("fw")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "wareki")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("住所", "addr", lambda p: p.address("chome"))]
    tables["DOC"] = Table("DOC", "docx table (w:tbl): 基礎年金番号 1234-567890, 氏名 and 住所 split over two runs, "
                          "和暦 birthdates 昭和60年3月5日; body paragraphs around it (no personal data)", cols, rows)

    # --- Z1/Z2: zip, and a zip in the zip ---------------------------------------------------
    rows = [Row(shared[6], ("name", "bd", "addr", "sym", "no"), "pc01/pc02 person (name+birthdate)")]
    for p in pick(20):
        rows.append(Row(p, mp.random_show(rng, ("name", "bd", "addr"), {"name": 0.05, "bd": 0.2, "addr": 0.2},
                                          ins=(0.7, 0.3, 0, 0))))
    rng.shuffle(rows)
    cols = [Col("氏名", "name", lambda p: p.name("sp")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "slash0")),
            Col("住所", "addr", lambda p: p.address("chome")),
            Col("被保険者記号", "sym", lambda p: p.sym),
            Col("被保険者番号", "no", lambda p: p.no)]
    tables["Z1"] = Table("Z1", "UTF-8 CSV with BOM, CRLF, in the zip", cols, rows)
    rows = []
    for p in pick(16):
        rows.append(Row(p, mp.random_show(rng, ("name", "sex", "bd", "addr"),
                                          {"name": 0.05, "sex": 0.1, "bd": 0.15, "addr": 0.25})))
    cols = [Col("氏名", "name", lambda p: p.name("fw")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "initial" if p.pid % 2 else "wareki")),
            Col("住所", "addr", lambda p: p.address("hyphen"))]
    tables["Z2"] = Table("Z2", "CP932 CSV, CRLF, in a zip inside the zip: 和暦 (S60.3.5, 昭和60年3月5日)", cols, rows)

    # --- A1/A2: 7z ------------------------------------------------------------------------
    rows = [Row(shared[7], ("name", "sex", "bd", "addr", "phone"), "pc01/pc02 person (name+birthdate)")]
    for p in pick(20):
        rows.append(Row(p, mp.random_show(rng, ("name", "sex", "bd", "addr", "phone"),
                                          {"name": 0.05, "sex": 0.1, "bd": 0.2, "addr": 0.2, "phone": 0.3})))
    rng.shuffle(rows)
    cols = [Col("氏名", "name", lambda p: p.name("fw")),
            Col("性別", "sex", lambda p: p.sex_text("kanji2")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "iso")),
            Col("住所", "addr", lambda p: p.address("hyphen_sp")),
            Col("電話番号", "phone", lambda p: p.phone)]
    tables["A1"] = Table("A1", "UTF-8 CSV, LF, in the 7z (a folder inside): 性別 男性/女性, ISO dates", cols, rows)
    rows = []
    for p in rng.sample(doc_common, 8) + pick(6):
        rows.append(Row(p, mp.random_show(rng, ("pension", "name", "bd"), {"pension": 0.1, "name": 0.05, "bd": 0.3})))
    cols = [Col("基礎年金番号", "pension", lambda p: p.pension),
            Col("氏名", "name", lambda p: p.name("sp")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "initial0"))]
    tables["A2"] = Table("A2", "UTF-8 CSV, CRLF, in the 7z: 基礎年金番号 (some shared with the docx), "
                         "S60.03.05 dates", cols, rows)

    # --- L1: lzh ----------------------------------------------------------------------------
    rows = []
    for p in pick(15):
        rows.append(Row(p, mp.random_show(rng, ("name", "kana", "bd", "addr"),
                                          {"name": 0.05, "kana": 0.2, "bd": 0.2, "addr": 0.25})))
    cols = [Col("氏名", "name", lambda p: p.name("fw")),
            Col("フリガナ", "kana", lambda p: p.kana("fw")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "slash0")),
            Col("住所", "addr", lambda p: p.address("banchi"))]
    tables["L1"] = Table("L1", "CP932 CSV, CRLF, stored (-lh0-) in an LHA archive with level-0 headers, "
                         "member name in CP932", cols, rows)

    # --- T1: tar.gz -------------------------------------------------------------------------
    rows = []
    for p in pick(20):
        rows.append(Row(p, mp.random_show(rng, ("name", "sex", "postal", "addr"),
                                          {"name": 0.05, "sex": 0.1, "postal": 0.2, "addr": 0.25}) | {"bd"}))
    rows.sort(key=lambda r: r.p.visit)
    cols = [Col("受診日", None, lambda p: date_text(p.visit, "slash0")),
            Col("氏名", "name", lambda p: p.name("sp")),
            Col("性別", "sex", lambda p: p.sex_text("kanji")),
            Col("生年月日", "bd", lambda p: date_text(p.birthdate, "kanji")),
            Col("郵便番号", "postal", lambda p: "〒" + p.postal),
            Col("住所", "addr", lambda p: p.address("hyphen"))]
    tables["T1"] = Table("T1", "UTF-8 TSV, LF, in a tar.gz (a folder inside): 受診日 (not a birthdate), "
                         "生年月日 1985年3月5日 (never blank), 〒 postal codes", cols, rows)

    # --- protected contents (never read by leaktriage: no records) ---------------------------------
    prot_cols = [Col("氏名", "name", lambda p: p.name("fw")),
                 Col("生年月日", "bd", lambda p: date_text(p.birthdate, "slash0")),
                 Col("住所", "addr", lambda p: p.address("chome")),
                 Col("被保険者記号", "sym", lambda p: p.sym),
                 Col("被保険者番号", "no", lambda p: p.no)]
    prot = [Table(f"P{i}", "", prot_cols, [Row(p, ("name", "bd", "addr", "sym", "no")) for p in grp])
            for i, grp in enumerate((protected_people[0:4], protected_people[4:8], protected_people[8:12],
                                     protected_people[12:16], protected_people[16:20]))]

    check_tables(tables)

    # ==========================================================================
    # the files
    src = os.path.join(work, "src-pc03")
    if os.path.isdir(src):
        shutil.rmtree(src)
    scratch = os.path.join(work, "scratch")
    if os.path.isdir(scratch):
        shutil.rmtree(scratch)
    os.makedirs(scratch)
    node_env = dict(os.environ)
    files = {}     # path -> bytes
    placements = []  # (path, [(member path or "", table id)], type, deleted)

    # xlsx
    phon = {p.name("fw"): p.kana("fw") for p in new + P}
    xlsx = xlsx_bytes([
        ("被保険者一覧", [(1, [("s", "被保険者一覧\u3000（平成27年5月1日現在）")])] +
         sheet_rows(tables["X1"], inline_roles=("kana", "addr"), phonetic=phon, empty_styled=("bd",))),
        ("和暦", sheet_rows(tables["X2"], empty_styled=("bd",))),
        ("受注一覧", decoy_rows),
        ("Sheet4", []),
    ])
    p_xlsx = f"{ROOT_DIR}/Documents/総務/被保険者一覧_2015.xlsx"
    files[p_xlsx] = xlsx
    placements.append((p_xlsx, [("", "X1"), ("", "X2")], "xlsx", False))

    # xls through SheetJS
    def xls_cells(t):
        cells = [[0, i, {"t": "s", "v": c.header}] for i, c in enumerate(t.cols)]
        for rowno, row in t.cells:
            for i, (c, v) in enumerate(zip(t.cols, row)):
                if v is None:
                    continue
                if v[0] == "d":
                    cells.append([rowno - 1, i, {"t": "n", "v": serial(v[1]), "z": c.fmt}])
                elif v[0] == "n":
                    cells.append([rowno - 1, i, {"t": "n", "v": v[1]}])
                else:
                    cells.append([rowno - 1, i, {"t": "s", "v": v[1]}])
        return cells
    spec = {"sheets": [{"name": "職員名簿", "cells": xls_cells(tables["S1"])},
                       {"name": "資格取得者", "cells": xls_cells(tables["S2"])}]}
    xls_path = write_xls(scratch, "roster", spec, node_env)
    p_xls = f"{ROOT_DIR}/Documents/人事/職員名簿.xls"
    files[p_xls] = open(xls_path, "rb").read()
    placements.append((p_xls, [("", "S1"), ("", "S2")], "xls", False))

    # docx, and a deleted copy
    d = tables["DOC"]
    docx = docx_bytes(["健康保険・厚生年金保険\u3000被保険者資格取得届（控）",
                       "下記の者について、資格を取得したので届け出ます。記載内容に誤りがないことを確認しました。"],
                      d.text_rows(),
                      ["届出の控えは総務部で保管すること。", "以上"])
    p_docx = f"{ROOT_DIR}/Documents/人事/資格取得届_2015.docx"
    p_docx2 = f"{ROOT_DIR}/Desktop/資格取得届_2015 - コピー.docx"
    files[p_docx] = docx
    files[p_docx2] = docx
    placements.append((p_docx, [("", "DOC")], "docx", False))
    placements.append((p_docx2, [("", "DOC")], "docx", True))

    # zip in zip
    inner = zip_bytes([("list.csv", csv_bytes(tables["Z2"], encoding="cp932"))])
    outer = zip_bytes([("名簿_2015.csv", csv_bytes(tables["Z1"], bom=b"\xef\xbb\xbf")),
                       ("inner.zip", inner),
                       ("readme.txt", "送付用データです。\r\n".encode("utf-8"))])
    p_zip = f"{ROOT_DIR}/Desktop/送付データ.zip"
    files[p_zip] = outer
    placements.append((p_zip, [("名簿_2015.csv", "Z1"), ("inner.zip!list.csv", "Z2")], "csv", False))

    # 7z
    d7 = os.path.join(scratch, "7z")
    os.makedirs(os.path.join(d7, "backup"))
    for name, data in (("職員一覧.csv", csv_bytes(tables["A1"], eol="\n")),
                       ("年金番号.csv", csv_bytes(tables["A2"]))):
        fp = os.path.join(d7, "backup", name)
        with open(fp, "wb") as fh:
            fh.write(data)
        set_mtime(fp, datetime.datetime(2015, 5, 19, 17, 40, 0))
    set_mtime(os.path.join(d7, "backup"), datetime.datetime(2015, 5, 19, 17, 40, 0))
    run(["7z", "a", "-t7z", "-mx=9", "-mmt=1", "-mtc=off", "-mta=off", "-bd", "../backup_0519.7z", "backup"], cwd=d7)
    p_7z = f"{ROOT_DIR}/Desktop/backup_0519.7z"
    files[p_7z] = open(os.path.join(scratch, "backup_0519.7z"), "rb").read()
    placements.append((p_7z, [("backup/職員一覧.csv", "A1"), ("backup/年金番号.csv", "A2")], "csv", False))

    # lzh
    lzh = lzh_bytes([("名簿.csv".encode("cp932"), csv_bytes(tables["L1"], encoding="cp932"),
                      datetime.datetime(1998, 3, 31, 18, 0, 0)),
                     (b"README.TXT", "旧システムの名簿データ（1998年3月）\r\n".encode("cp932"),
                      datetime.datetime(1998, 3, 31, 18, 2, 0))])
    p_lzh = f"{ROOT_DIR}/Documents/old/名簿_1998.lzh"
    files[p_lzh] = lzh
    placements.append((p_lzh, [("名簿.csv", "L1")], "csv", False))

    # tar.gz
    mt = int(datetime.datetime(2015, 5, 15, 12, 0, tzinfo=datetime.timezone.utc).timestamp())
    tgz = tgz_bytes([("export", b"", mt, True),
                     ("export/受診者一覧.tsv", csv_bytes(tables["T1"], delim="\t", eol="\n"), mt, False)])
    p_tgz = f"{ROOT_DIR}/Documents/export/受診者一覧.tar.gz"
    files[p_tgz] = tgz
    placements.append((p_tgz, [("export/受診者一覧.tsv", "T1")], "tsv", False))

    # --- protected ------------------------------------------------------------------------
    protected = []   # (path, kind, strong, how)
    pz = os.path.join(scratch, "pz")
    os.makedirs(pz)
    for name, t in (("meibo_a.csv", prot[0]), ("meibo_b.csv", prot[1]), ("meibo_c.csv", prot[2]),
                    ("meibo_d.csv", prot[3])):
        fp = os.path.join(pz, name)
        with open(fp, "wb") as fh:
            fh.write(csv_bytes(t))
        set_mtime(fp, datetime.datetime(2015, 5, 20, 8, 0, 0))
    run(["zip", "-q", "-X", "-P", PASSWORD, "../zipcrypto.zip", "meibo_a.csv", "meibo_b.csv"], cwd=pz)
    run(["7z", "a", "-tzip", "-mem=AES256", "-p" + PASSWORD, "-bd", "../zipaes.zip", "meibo_c.csv"], cwd=pz)
    run(["7z", "a", "-t7z", "-mhe=on", "-p" + PASSWORD, "-bd", "../hidden.7z", "meibo_d.csv"], cwd=pz)
    p = f"{ROOT_DIR}/Desktop/pw/送付_パスワード付き.zip"
    files[p] = open(os.path.join(scratch, "zipcrypto.zip"), "rb").read()
    protected += [(p + "!meibo_a.csv", "zipcrypto", False, "zip -P (Info-ZIP), member of the zip"),
                  (p + "!meibo_b.csv", "zipcrypto", False, "zip -P (Info-ZIP), member of the zip")]
    p = f"{ROOT_DIR}/Desktop/pw/送付_AES.zip"
    files[p] = open(os.path.join(scratch, "zipaes.zip"), "rb").read()
    protected.append((p + "!meibo_c.csv", "zip-aes", True, "7z a -tzip -mem=AES256 -p, member of the zip"))
    p = f"{ROOT_DIR}/Desktop/pw/backup_hidden.7z"
    files[p] = open(os.path.join(scratch, "hidden.7z"), "rb").read()
    protected.append((p, "7z-aes", True, "7z a -mhe=on -p: headers encrypted, the archive itself"))

    # encrypted xlsx (OOXML agile, AES-256) with officecrypto-tool
    plain = os.path.join(scratch, "kyuyo.xlsx")
    with open(plain, "wb") as fh:
        fh.write(xlsx_bytes([("給与", sheet_rows(prot[4]))]))
    enc = os.path.join(scratch, "kyuyo_enc.xlsx")
    js = os.path.join(scratch, "officecrypto.js")
    with open(js, "w") as fh:
        fh.write(OFFICECRYPTO)
    run(["node", js, plain, enc, PASSWORD], env=node_env)
    p = f"{ROOT_DIR}/Documents/人事/給与_2015.xlsx"
    files[p] = open(enc, "rb").read()
    assert files[p][:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    protected.append((p, "ooxml-agile", True, "officecrypto-tool (npm) encrypt: ECMA-376 agile, AES-256"))

    # xls with a password: LibreOffice re-saves a SheetJS xls (RC4)
    spec = {"sheets": [{"name": "旧名簿", "cells": xls_cells(prot[4])}]}
    src_xls = write_xls(scratch, "old_plain", spec, node_env)
    enc_xls = os.path.join(scratch, "old_enc.xls")
    uno = os.path.join(scratch, "uno_save.py")
    with open(uno, "w") as fh:
        fh.write(UNO_SAVE)
    run(["/usr/bin/python3", uno, os.path.join(scratch, "lo-profile"), src_xls, enc_xls, "MS Excel 97", PASSWORD])
    p = f"{ROOT_DIR}/Documents/人事/旧名簿_pw.xls"
    files[p] = open(enc_xls, "rb").read()
    protected.append((p, "xls-rc4", False, "LibreOffice (UNO storeToURL, filter MS Excel 97, Password): "
                      "FILEPASS, RC4"))

    # PDFs (qpdf)
    pdf = os.path.join(scratch, "plain.pdf")
    with open(pdf, "wb") as fh:
        fh.write(minimal_pdf(["Member list (confidential)", "2015-05-20"]))
    run(["qpdf", "--check", pdf])
    for name, args, prot_kind in (
            ("名簿_AES256.pdf", ["--encrypt", "user", "owner", "256", "--"], ("pdf-aes-256", True)),
            ("名簿_RC4.pdf", ["--allow-weak-crypto", "--encrypt", "user", "owner", "128", "--use-aes=n", "--"],
             ("pdf-rc4-128", False)),
            ("案内_印刷制限.pdf", ["--encrypt", "", "owner", "256", "--print=none", "--"], None)):
        out = os.path.join(scratch, "out.pdf")
        run(["qpdf"] + args + [pdf, out])
        p = f"{ROOT_DIR}/Documents/pdf/{name}"
        files[p] = open(out, "rb").read()
        os.remove(out)
        if prot_kind:
            protected.append((p, prot_kind[0], prot_kind[1], "qpdf " + " ".join(args[:-1])))
    unprotected_pdf = f"{ROOT_DIR}/Documents/pdf/案内_印刷制限.pdf"

    readback_check(scratch, tables, xlsx, files[p_xls], docx, node_env)

    # --- write the tree --------------------------------------------------------------------
    T0 = datetime.datetime(2015, 5, 1, 0, 0)
    sums, deletes = [], []
    deleted_paths = {pth for pth, _, _, dl in placements if dl}
    for path in sorted(files, key=lambda s: (s in deleted_paths, s)):
        full = os.path.join(src, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as fh:
            fh.write(files[path])
        set_mtime(full, T0 + datetime.timedelta(seconds=2 * rng.randrange(20 * 86400 // 2)))
        sums.append(f"{hashlib.sha256(files[path]).hexdigest()}  {path}")
        if path in deleted_paths:
            deletes.append(path)
    t = datetime.datetime(2015, 5, 21, 2, 20)
    for dirpath, _, _ in sorted(os.walk(src, topdown=False)):
        set_mtime(dirpath, t)
    with open(os.path.join(work, "pc03.sha256"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(sorted(sums)) + "\n")
    with open(os.path.join(work, "pc03.delete"), "w", encoding="utf-8") as fh:
        fh.write("".join(p + "\n" for p in deletes))
    shutil.rmtree(scratch)

    write_expected(tables, placements, protected, unprotected_pdf, pii_recs, files)
    return 0


def write_xls(scratch, stem, spec, env):
    js = os.path.join(scratch, "sheetjs_write.js")
    with open(js, "w") as fh:
        fh.write(SHEETJS_WRITE)
    sp = os.path.join(scratch, stem + ".json")
    with open(sp, "w", encoding="utf-8") as fh:
        json.dump(spec, fh, ensure_ascii=False)
    out = os.path.join(scratch, stem + ".xls")
    run(["node", js, sp, out], env=env)
    return out


# ==========================================================================
# self-checks

def check_tables(tables):
    for t in tables.values():
        for _, r, _ in t.rowinfo:
            for v in (r.name, r.kana, r.address):
                assert v is None or (v.strip() == v and v), repr(v)


def readback_check(scratch, tables, xlsx, xls, docx, env):
    """Read the spreadsheets back with SheetJS (an independent reader) and the
    docx with a plain XML parse, and compare every cell with the ground truth."""
    paths = {}
    for name, data in (("x.xlsx", xlsx), ("x.xls", xls)):
        paths[name] = os.path.join(scratch, name)
        with open(paths[name], "wb") as fh:
            fh.write(data)
    js = os.path.join(scratch, "sheetjs_read.js")
    with open(js, "w") as fh:
        fh.write(SHEETJS_READ)
    got = json.loads(run(["node", js, paths["x.xlsx"], paths["x.xls"]], env=env))
    for fname, sheets in (("x.xlsx", [("被保険者一覧", "X1"), ("和暦", "X2")]),
                          ("x.xls", [("職員名簿", "S1"), ("資格取得者", "S2")])):
        book = dict((n, c) for n, c in got[paths[fname]])
        for sheet, tid in sheets:
            t, cells = tables[tid], book[sheet]
            for i, c in enumerate(t.cols):
                assert cells[f"{col_letter(i)}{t.header_row}"][1] == c.header, (tid, c.header)
            n = 0
            for rowno, row in t.cells:
                for i, (c, v) in enumerate(zip(t.cols, row)):
                    g = cells.get(f"{col_letter(i)}{rowno}")
                    if v is None:
                        assert g is None or g[0] == "z" or g[1] in ("", None), (tid, rowno, c.header, g)
                        continue
                    n += 1
                    if v[0] == "d":
                        assert g[0] == "n" and g[1] == serial(v[1]), (tid, rowno, g)
                        z = g[2] or ""
                        assert "yy" in z or "ggg" in z or z in ("m/d/yy", "yyyy/m/d", "yyyy\\-mm\\-dd"), (tid, z)
                    elif v[0] == "n":
                        assert g[0] == "n" and g[1] == v[1], (tid, rowno, g, v)
                    else:
                        assert g[0] == "s" and g[1] == v[1], (tid, rowno, g, v)
            assert len([k for k in cells if int(re.sub(r"^[A-Z]+", "", k)) > t.header_row]) == n, (tid, "extra cells")
    # docx: table cells are the concatenated w:t of each w:tc
    import xml.etree.ElementTree as ET
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    w = "{%s}" % NS_W
    tbl = root.find(f"{w}body/{w}tbl")
    rows = [["".join(t.text or "" for t in tc.iter(f"{w}t")) for tc in tr.findall(f"{w}tc")]
            for tr in tbl.findall(f"{w}tr")]
    assert rows == tables["DOC"].text_rows(), "docx table read back differs"
    # every birthdate notation reads back as its date (make-pii's parser)
    for t in tables.values():
        for (rowno, row), r in zip(t.cells, t.records):
            for c, v in zip(t.cols, row):
                if c.role == "bd" and v is not None and v[0] != "d":
                    assert mp.parse_date(str(v[1])) == r.birthdate, (t.tid, rowno, v)


# ==========================================================================
# expected counts

SCENARIOS = [  # name, evidence, profiles
    ("pc03", ["pc03"], ["kyokai", "nenkin"]),
    ("pc01_pc02_pc03", ["pc01", "pc02", "pc03"], ["kyokai"]),
]
SOURCES = {"pc01": "samples/pii/images/pc01.img", "pc02": "samples/pii/images/pc02.img",
           "pc03": "samples/office/images/pc03.img"}


def write_expected(tables, placements, protected, unprotected_pdf, pii_recs, files):
    outdir = os.path.join(OFFICE, "expected")
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        os.remove(os.path.join(outdir, f))
    # the records of pc03, file by file (an xlsx/xls/docx is one file for all its tables)
    pc03_files = []
    for path, parts, typ, deleted in placements:
        by_file = {}
        for member, tid in parts:
            fpath = path + ("!" + member if member else "")
            by_file.setdefault(fpath, []).append(tid)
        for fpath, tids in by_file.items():
            rs = []
            for tid in tids:
                for r0 in tables[tid].records:
                    r = Record(**{**r0.__dict__})
                    r.evidence, r.path, r.deleted = EV, fpath, deleted
                    if counting.is_record(r):
                        rs.append(r)
            ftype = typ
            if fpath != path:
                ftype = "tsv" if fpath.endswith(".tsv") else "csv"
            cols = []
            for tid in tids:
                cols += [c for c in tables[tid].columns() if c not in cols]
            pc03_files.append({"path": fpath, "type": ftype, "deleted": deleted, "tables": tids,
                               "columns": [e for e in mp.ELEM_ORDER if e in cols], "records": rs})
    pc03_recs = [r for f in pc03_files for r in f["records"]]
    n_weak = sum(1 for _, _, strong, _ in protected if not strong)
    summary = {}
    for name, evs, profiles in SCENARIOS:
        recs = [r for r in pii_recs if r.evidence in evs] + (pc03_recs if "pc03" in evs else [])
        for profile in profiles:
            t, conflicts = counting.tables(recs, profile)
            for opts in ({"kana_fallback_per_row": True}, {"upper": False}):
                assert counting.tables(recs, profile, **opts) == (t, conflicts), (name, profile, opts)
            pii_files = []
            for ev in evs:
                if ev == "pc03":
                    for f in pc03_files:
                        ft, _ = counting.tables(f["records"], profile)
                        pii_files.append({"evidence": ev, "partition": None, "path": f["path"],
                                          "deleted": f["deleted"], "protected": False, "type": f["type"],
                                          "records": len(f["records"]), "columns": f["columns"],
                                          "tables": f["tables"], "records_table": ft["records"]})
                else:
                    with open(os.path.join(PII, "expected", f"pc01_pc02.{profile}.json"), encoding="utf-8") as fh:
                        for f in json.load(fh)["pii_files"]:
                            if f["evidence"] == ev:
                                pii_files.append({k: f[k] for k in ("evidence", "partition", "path", "deleted",
                                                                    "records", "columns")})
            evidence = []
            for ev in evs:
                er = [r for r in recs if r.evidence == ev]
                evidence.append({"name": ev, "source": SOURCES[ev],
                                 "files_with_pii": sum(1 for f in pii_files if f["evidence"] == ev),
                                 "records": len(er),
                                 "persons": counting.total(counting.tables(er, profile)[0]["persons"])})
            doc = {
                "generator": f"samples/make-office.py (random.Random({SEED})), rules in samples/pii/counting.py",
                "scenario": name, "sources": [SOURCES[e] for e in evs],
                "profile": profile, "scope": "stored",
                "tables": t,
                "conflicting_merges": conflicts,
                "files": {"with_pii": len(pii_files),
                          "deleted_with_pii": sum(1 for f in pii_files if f["deleted"]),
                          "protected": len(protected), "protected_weak": n_weak},
                "evidence": evidence,
                "pii_files": pii_files,
                "protected_files": [{"evidence": EV, "path": p, "kind": k, "strong": s, "made_with": how}
                                    for p, k, s, how in protected],
                "zero_record_files": [
                    {"evidence": EV, "path": unprotected_pdf,
                     "why": "PDF with /Encrypt but an EMPTY user password: not protected (not examined: no PDF "
                            "text extractor)"},
                    {"evidence": EV, "path": f"{ROOT_DIR}/Documents/総務/被保険者一覧_2015.xlsx",
                     "why": "(the file has records) its sheet 受注一覧 is a decoy: 受注日/発売日 dates, JAN codes, "
                            "product names: zero records; Sheet4 is empty"},
                    {"evidence": EV, "path": f"{ROOT_DIR}/Desktop/送付データ.zip!readme.txt",
                     "why": "one line of prose"},
                    {"evidence": EV, "path": f"{ROOT_DIR}/Documents/old/名簿_1998.lzh!README.TXT",
                     "why": "one line of prose (CP932)"},
                ],
            }
            summary[(name, profile)] = doc
            with open(os.path.join(outdir, f"{name}.{profile}.json"), "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
    with open(os.path.join(outdir, "rows.tsv"), "w", encoding="utf-8") as fh:
        fh.write(rows_tsv(tables, placements))

    # promises (README): every kyokai cell in pc03 records and persons; the
    # nenkin cells with and without pension number; persons merge across images
    def nonzero(tab, cells):
        return all(tab[w][k] > 0 for w, k in cells) and tab["no_name"] > 0
    ky = [(w, k) for w in ("with_number", "without_number") for k in "4321"]
    nk = [("with_number", k) for k in "432"] + [("without_number", k) for k in "321"]
    for part in ("records", "persons"):
        assert nonzero(summary[("pc03", "kyokai")]["tables"][part], ky), part
        assert nonzero(summary[("pc03", "nenkin")]["tables"][part], nk), part
    assert summary[("pc03", "kyokai")]["conflicting_merges"] == 0
    p3 = counting.total(summary[("pc03", "kyokai")]["tables"]["persons"])
    p12 = counting.total(counting.tables(pii_recs, "kyokai")[0]["persons"])
    p123 = counting.total(summary[("pc01_pc02_pc03", "kyokai")]["tables"]["persons"])
    assert p123 < p12 + p3, (p12, p3, p123)
    readme(summary, p12, p3, p123)
    print(f"make-office.py: persons pc03={p3} pc01+pc02={p12} pc01+pc02+pc03={p123}; "
          f"protected {len(protected)} (weak {n_weak})")


def rows_tsv(tables, placements):
    out = ["# ground truth per data row (generated by samples/make-office.py; fake data)",
           "# tables and where they are:"]
    for tid in tables:
        where = ["%s%s" % (p, ("!" + m) if m else "") for p, parts, _, _ in placements for m, t in parts if t == tid]
        out.append(f"#   {tid}: " + "; ".join(where))
    out.append("# elements: n name, s sex, b birthdate, a address, I insured number (symbol+number), "
               "P pension number; '-' = not a record")
    out.append("table\trow\trecord\telements\tkyokai\tnenkin\tnote")
    for tid, t in tables.items():
        for line, r, note in t.rowinfo:
            e = counting.elements(r)
            is_r = counting.is_record(r)
            es = "".join(ch for ch, f in zip("nsbaIP", (e.name, e.sex, e.birthdate, e.address, e.insured,
                                                        e.pension)) if f) or "-"

            def cat(profile):
                if not is_r:
                    return "-"
                w, k = counting.category(e, profile)
                return k if k == "no_name" else ("with/" if w else "without/") + k
            out.append(f"{tid}\t{line}\t{'yes' if is_r else 'no'}\t{es}\t{cat('kyokai')}\t{cat('nenkin')}\t{note}")
    return "\n".join(out) + "\n"


def readme(summary, p12, p3, p123):
    path = os.path.join(OFFICE, "README.md")
    if not os.path.exists(path):
        return
    out = []
    for (name, profile), doc in summary.items():
        t = doc["tables"]
        fl = doc["files"]
        out.append(f"**{name}** (`expected/{name}.{profile}.json`, profile {profile}): files with PII "
                   f"{fl['with_pii']} (deleted {fl['deleted_with_pii']}), protected {fl['protected']} "
                   f"(weak {fl['protected_weak']}), conflicting merges {doc['conflicting_merges']}")
        out.append("")
        out.append("| | records with | records without | persons with | persons without |")
        out.append("|---|---:|---:|---:|---:|")
        for k in "4321":
            out.append(f"| {k}情報 | {t['records']['with_number'][k]} | {t['records']['without_number'][k]} | "
                       f"{t['persons']['with_number'][k]} | {t['persons']['without_number'][k]} |")
        out.append(f"| no name | {t['records']['no_name']} | | {t['persons']['no_name']} | |")
        out.append(f"| total | {counting.total(t['records'])} | | {counting.total(t['persons'])} | |")
        out.append("")
    out.append(f"Persons: pc01+pc02 {p12}, pc03 {p3}, pc01+pc02+pc03 {p123} "
               f"({p12 + p3 - p123} pc03 persons merge with pc01/pc02 persons).")
    out.append("")
    out.append("Records per file (pc03, kyokai; with number 4/3/2/1 | without number 4/3/2/1 | no name):")
    out.append("")
    out.append("| path | type | deleted | records | with 4/3/2/1 | without 4/3/2/1 | no name |")
    out.append("|---|---|---|---:|---|---|---:|")
    for f in summary[("pc03", "kyokai")]["pii_files"]:
        t = f["records_table"]
        out.append(f"| `{f['path']}` | {f['type']} | {'yes' if f['deleted'] else ''} | {f['records']} | "
                   f"{'/'.join(str(v) for v in t['with_number'].values())} | "
                   f"{'/'.join(str(v) for v in t['without_number'].values())} | {t['no_name']} |")
    out.append("")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a, b = "<!-- tables:begin (written by make-office.py) -->", "<!-- tables:end -->"
    i, j = text.find(a), text.find(b)
    if i < 0 or j < 0:
        return
    text = text[:i + len(a)] + "\n" + "\n".join(out) + text[j:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
