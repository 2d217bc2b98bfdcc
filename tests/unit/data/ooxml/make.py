#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the small xlsx/docx files that tests/unit/t-xlsx.c and t-docx.c
read, and the seed corpus of tests/fuzz/fuzz-xlsx.c.  The XML is written
here by hand (no spreadsheet library), so every feature a test relies on is
visible below.  Deterministic: fixed member times, fixed order.

    python3 tests/unit/data/ooxml/make.py     (from the repository root)

With --bench OUT.xlsx [MB] it writes instead a workbook whose one sheet
holds about MB (default 200) megabytes of XML in a realistic mix (shared
strings, a date column, inline strings, formulas, numbers), for

    LT_XLSX_BENCH=OUT.xlsx build/tests/t-xlsx    (not committed)
"""
import os
import random
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', '..', '..', 'fuzz', 'corpus', 'xlsx')

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PNS = 'http://schemas.openxmlformats.org/package/2006/relationships'
WNS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
REL = RNS + '/'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def write_zip(path, members, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, 'w') as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if isinstance(data, str):
                data = data.encode('utf-8')
            z.writestr(info, data)


def rels(items):
    out = [DECL, '<Relationships xmlns="%s">' % PNS]
    for rid, typ, target in items:
        out.append('<Relationship Id="%s" Type="%s%s" Target="%s"/>' %
                   (rid, REL, typ, target))
    out.append('</Relationships>')
    return ''.join(out)


def content_types(extra=''):
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/>' + extra + '</Types>')


def sheet_xml(rows, before='', after=''):
    return (DECL + '<worksheet xmlns="%s" xmlns:r="%s">%s<sheetData>%s'
            '</sheetData>%s</worksheet>' % (NS, RNS, before, ''.join(rows),
                                            after))


def workbook(sheets, pr=''):
    out = [DECL, '<workbook xmlns="%s" xmlns:r="%s">' % (NS, RNS),
           '<workbookPr%s/><sheets>' % pr]
    for i, (name, state) in enumerate(sheets):
        out.append('<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>' %
                   (name, i + 1, ' state="%s"' % state if state else '',
                    i + 1))
    out.append('</sheets></workbook>')
    return ''.join(out)


# The shared strings: plain, with phonetic runs (furigana: left out), rich
# text runs (joined), _xHHHH_ escapes, an empty one, preserved spaces.
SST = [
    '<si><t>会員名簿</t></si>',                                   # 0
    '<si><t>氏名</t></si>',                                       # 1
    '<si><t>フリガナ</t></si>',                                   # 2
    '<si><t>生年月日</t></si>',                                   # 3
    '<si><t>性別</t></si>',                                       # 4
    '<si><t>住所</t></si>',                                       # 5
    '<si><t>山田太郎</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh>'
    '<rPh sb="2" eb="4"><t>タロウ</t></rPh><phoneticPr fontId="1"/></si>',
    '<si><r><rPr><sz val="11"/><color rgb="FFFF0000"/></rPr><t>佐藤</t>'
    '</r><r><rPr><sz val="11"/></rPr><t>花子</t></r><rPh sb="0" eb="2">'
    '<t>サトウハナコ</t></rPh><phoneticPr fontId="1"/></si>',      # 7
    '<si><t>男</t></si>',                                         # 8
    '<si><t>女</t></si>',                                         # 9
    '<si><t>東京都千代田区千代田1-1</t></si>',                    # 10
    '<si><t>line1_x000D_\nline2</t></si>',                        # 11
    '<si><t>a_x005F_x000D_b</t></si>',                            # 12
    '<si><t/></si>',                                              # 13
    '<si><t>入会日</t></si>',                                     # 14
    '<si><t xml:space="preserve"> spaced </t></si>',              # 15
]


def sst_xml(items):
    return (DECL + '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>' %
            (NS, len(items), len(items), ''.join(items)))


# cellXfs: 0 General, 1 built-in 14, 2 yyyy/mm/dd, 3 Japanese era,
# 4 yyyy/m/d h:mm, 5 built-in 20 (h:mm), 6 custom h:mm, 7 0.00E+00,
# 8 "yyyy"0 (a quoted y is no date), 9 built-in 57 (era, Japanese).
# A date numFmt in dxfs (conditional formats) must not count.
STYLES = (DECL + '<styleSheet xmlns="%s"><numFmts count="6">'
          '<numFmt numFmtId="164" formatCode="yyyy/mm/dd"/>'
          '<numFmt numFmtId="165" formatCode="[$-411]ggge&quot;年&quot;m'
          '&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="166" formatCode="yyyy/m/d\\ h:mm"/>'
          '<numFmt numFmtId="167" formatCode="h:mm"/>'
          '<numFmt numFmtId="168" formatCode="0.00E+00"/>'
          '<numFmt numFmtId="169" formatCode="&quot;yyyy&quot;0"/>'
          '</numFmts><fonts count="1"><font><sz val="11"/></font></fonts>'
          '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
          '<cellXfs count="10"><xf numFmtId="0"/><xf numFmtId="14" '
          'applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/>'
          '<xf numFmtId="166"/><xf numFmtId="20"/><xf numFmtId="167"/>'
          '<xf numFmtId="168"/><xf numFmtId="169"/><xf numFmtId="57"/>'
          '</cellXfs><dxfs count="1"><dxf><numFmt numFmtId="170" '
          'formatCode="yyyy"/></dxf></dxfs></styleSheet>' % NS)

SHEET1 = [
    # a title row above the header, then an empty row 2
    '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c>'
    '<c r="C3" t="s"><v>3</v></c><c r="D3" t="s"><v>4</v></c>'
    '<c r="E3" t="s"><v>5</v></c><c r="F3" t="s"><v>14</v></c></row>',
    # inline string with furigana, built-in date 14, formula result with
    # a custom yyyy/mm/dd format
    '<row r="4"><c r="A4" t="s"><v>6</v></c><c r="B4" t="inlineStr"><is>'
    '<t>ヤマダ</t><rPh sb="0" eb="3"><t>やまだ</t></rPh><t>タロウ</t></is>'
    '</c><c r="C4" s="1"><v>25569</v></c><c r="D4" t="s"><v>8</v></c>'
    '<c r="E4" t="s"><v>10</v></c><c r="F4" s="2"><f>TODAY()</f>'
    '<v>42139</v></c></row>',
    # rich text; a string formula; a Japanese era date; entities and a
    # character reference; a date-time
    '<row r="5"><c r="A5" t="s"><v>7</v></c><c r="B5" t="str">'
    '<f>PHONETIC(A5)</f><v>サトウハナコ</v></c><c r="C5" s="3">'
    '<v>32874</v></c><c r="D5" t="s"><v>9</v></c><c r="E5" '
    't="inlineStr"><is><t>&#x6771;京都港区&amp;1&lt;2&gt;</t></is></c>'
    '<c r="F5" s="4"><v>42139.75</v></c></row>',
    # rows 6 and 7 missing; gaps in columns; a boolean, an error, a cell
    # without a reference (the next column)
    '<row r="8"><c r="A8"><v>12345</v></c><c r="C8" t="b"><v>1</v></c>'
    '<c r="F8" t="e"><f>NA()</f><v>#N/A</v></c><c t="inlineStr"><is><t>'
    'noref</t></is></c></row>',
    # time only (h:mm built-in 20 and custom), 0 and 60 (no real dates),
    # 61, exponent form, scientific and quoted-y formats, era built-in 57
    '<row r="9"><c r="A9" s="5"><v>0.5</v></c><c r="B9" s="6"><v>42139.5'
    '</v></c><c r="C9" s="1"><v>0</v></c><c r="D9" s="1"><v>60</v></c>'
    '<c r="E9" s="1"><v>61</v></c><c r="F9" s="1"><v>1.5E+4</v></c>'
    '<c r="G9" s="7"><v>42139</v></c><c r="H9" s="8"><v>42139</v></c>'
    '<c r="I9" s="9"><v>43586</v></c><c r="J9" s="1"><v>2958466</v></c>'
    '</row>',
    '<row r="10"><c r="A10" t="s"><v>11</v></c><c r="B10" t="s"><v>12</v>'
    '</c><c r="C10" t="s"><v>13</v></c><c r="D10" t="s"><v>15</v></c>'
    '</row>',
    '<row r="11"><c r="A11" t="d"><v>2015-05-21T00:00:00</v></c></row>',
    # styled but empty cells make no row
    '<row r="12"><c r="A12" s="1"/><c r="B12" t="s"/></row>',
]

SHEET2 = ['<row r="1"><c r="A1" t="inlineStr"><is><t>秘密</t></is></c>'
          '<c r="B1" s="1"/></row>']

SHEET4 = ['<row r="1"><c r="A1"><v>1</v></c><c r="AA1"><v>2</v></c></row>',
          '<row r="2"><c r="B2"><v>-3.25</v></c></row>']


def basic_members(sheet2_xml=None, with_sst=True, sheet_rows=None):
    sheets = [('名簿', None), ('Hidden', 'hidden'), ('Chart1', None),
              ('数値', None)]
    rl = [('rId1', 'worksheet', 'worksheets/sheet1.xml'),
          ('rId2', 'worksheet', 'worksheets/sheet2.xml'),
          ('rId3', 'chartsheet', 'chartsheets/sheet1.xml'),
          ('rId4', 'worksheet', '/xl/worksheets/sheet4.xml'),
          ('rId5', 'styles', 'styles.xml')]
    if with_sst:
        rl.append(('rId6', 'sharedStrings', 'sharedStrings.xml'))
    m = [('[Content_Types].xml', content_types()),
         ('_rels/.rels', rels([('rId1', 'officeDocument',
                                'xl/workbook.xml')])),
         ('xl/workbook.xml', workbook(sheets)),
         ('xl/_rels/workbook.xml.rels', rels(rl)),
         ('xl/worksheets/sheet1.xml', sheet_xml(sheet_rows or SHEET1)),
         ('xl/worksheets/sheet2.xml', sheet2_xml or sheet_xml(SHEET2)),
         ('xl/chartsheets/sheet1.xml', DECL + '<chartsheet xmlns="%s"/>' % NS),
         ('xl/worksheets/sheet4.xml', sheet_xml(SHEET4)),
         ('xl/styles.xml', STYLES)]
    if with_sst:
        m.append(('xl/sharedStrings.xml', sst_xml(SST)))
    return m


def date1904_members():
    rows = ['<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1">'
            '<v>40677</v></c><c r="C1" s="1"><v>-1</v></c></row>']
    return [('[Content_Types].xml', content_types()),
            ('_rels/.rels', rels([('rId1', 'officeDocument',
                                   'xl/workbook.xml')])),
            ('xl/workbook.xml', workbook([('S', None)],
                                         ' date1904="1"')),
            ('xl/_rels/workbook.xml.rels',
             rels([('rId1', 'worksheet', 'worksheets/sheet1.xml'),
                   ('rId2', 'styles', 'styles.xml')])),
            ('xl/worksheets/sheet1.xml', sheet_xml(rows)),
            ('xl/styles.xml', STYLES)]


def three_sheets(broken):
    """Sheets A, B, C; B's XML is broken when asked."""
    def sheet(v):
        return sheet_xml(['<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t>'
                          '</is></c></row>' % v,
                          '<row r="2"><c r="A2"><v>2</v></c></row>'])
    b = sheet('b')
    if broken:
        b = b.replace('<row r="2">', '<row r="2"><c r="A2"><v>2</v></row>')
    return [('_rels/.rels', rels([('rId1', 'officeDocument',
                                   'xl/workbook.xml')])),
            ('xl/workbook.xml', workbook([('A', None), ('B', None),
                                          ('C', None)])),
            ('xl/_rels/workbook.xml.rels',
             rels([('rId%d' % i, 'worksheet', 'worksheets/sheet%d.xml' % i)
                   for i in (1, 2, 3)])),
            ('xl/worksheets/sheet1.xml', sheet('a')),
            ('xl/worksheets/sheet2.xml', b),
            ('xl/worksheets/sheet3.xml', sheet('c'))]


def patch_cd(data, name, usize=None):
    """Set the uncompressed size of a member in the central directory."""
    name = name.encode()
    i = data.find(b'PK\x01\x02')
    while i >= 0:
        nl = struct.unpack('<H', data[i + 28:i + 30])[0]
        if data[i + 46:i + 46 + nl] == name:
            data = data[:i + 24] + struct.pack('<I', usize) + data[i + 28:]
        i = data.find(b'PK\x01\x02', i + 4)
    return data


def w(name, body):
    return '<w:%s>%s</w:%s>' % (name, body, name)


def run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % text


def cell(body, span=None):
    pr = '<w:tcPr><w:tcW w:w="2000" w:type="dxa"/>%s</w:tcPr>' % (
        '<w:gridSpan w:val="%d"/>' % span if span else '')
    return '<w:tc>%s%s</w:tc>' % (pr, body)


def para(*runs):
    return '<w:p>%s</w:p>' % ''.join(runs)


def docx_members(document):
    return [('[Content_Types].xml', content_types()),
            ('_rels/.rels', rels([('rId1', 'officeDocument',
                                   'word/document.xml')])),
            ('word/document.xml', document)]


DOCX_BODY = ''.join([
    # a title split over runs, with tab stops in the paragraph properties
    '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>'
    '</w:pPr>' + run('会員') + run('名簿') + '</w:p>',
    para(),
    # a list typed as lines: tab and line break inside runs
    para('<w:r><w:t>山田太郎</w:t><w:tab/><w:t>東京都千代田区</w:t><w:br/>'
         '<w:t>1-1</w:t></w:r>'),
    '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
    '<w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/>'
    '</w:tblGrid>',
    w('tr', cell(para(run('氏名'))) + cell(para(run('住所'))) +
      cell(para(run('生年月日')))),
    w('tr', cell(para(run('佐藤'), run('花子'))) +
      cell(para(run('大阪府大阪市北区'))) + cell(para(run('昭和50年1月1日')))),
    w('tr', cell(para(run('結合')), span=2) + cell(para(run('x')))),
    # two paragraphs in a cell; a nested table; an empty row
    w('tr', cell(para(run('a')) + para(run('b'))) +
      cell('<w:tbl>' + w('tr', cell(para(run('内1'))) +
                           cell(para(run('内2')))) + '</w:tbl>' + para()) +
      cell(para())),
    w('tr', cell(para()) + cell(para()) + cell(para())),
    '</w:tbl>',
    para(run('鈴木一郎 1975/01/01')),
    # deleted text and field codes are left out
    para(run('見える'), '<w:del w:id="1" w:author="x"><w:r><w:delText>削除'
         '</w:delText></w:r></w:del>', '<w:r><w:instrText> PAGE '
         '</w:instrText></w:r>'),
    # a text box: its paragraph joins the one holding it; the fallback
    # copy of the drawing is not read twice
    para(run('前'), '<w:r><mc:AlternateContent><mc:Choice Requires="wps">'
         '<w:drawing><wps:txbx><w:txbxContent>' + para(run('箱の中')) +
         '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback>'
         '<w:pict><v:textbox><w:txbxContent>' + para(run('箱の中')) +
         '</w:txbxContent></v:textbox></w:pict></mc:Fallback>'
         '</mc:AlternateContent></w:r>'),
    '<w:tbl>' + w('tr', cell(para(run('t2')))) + '</w:tbl>',
    '<w:sectPr/>',
])

DOCX = (DECL + '<w:document xmlns:w="%s" xmlns:mc="http://schemas.'
        'openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://'
        'schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:body>%s</w:body>'
        '</w:document>' % (WNS, DOCX_BODY))


def main():
    os.makedirs(CORPUS, exist_ok=True)
    out = {}

    out['basic.xlsx'] = basic_members()
    out['date1904.xlsx'] = date1904_members()
    out['three.xlsx'] = three_sheets(False)
    out['broken-sheet.xlsx'] = three_sheets(True)
    out['no-sst.xlsx'] = basic_members(with_sst=False)
    # a sheet in UTF-16 (allowed by OPC): read through libxml2
    utf16 = ('<?xml version="1.0" encoding="UTF-16" standalone="yes"?>\n' +
             sheet_xml(SHEET2)[len(DECL):]).encode('utf-16')
    out['utf16.xlsx'] = basic_members(sheet2_xml=utf16)
    out['basic.docx'] = docx_members(DOCX)
    # a workbook without relationships: sheets found by part name
    m = [x for x in three_sheets(False)
         if x[0] != 'xl/_rels/workbook.xml.rels']
    out['no-rels.xlsx'] = m

    for name, members in sorted(out.items()):
        write_zip(os.path.join(HERE, name), members)

    # a zip bomb by ratio: 8 MiB of sheet XML that deflates to ~10 KiB
    rows = ['<row/>'] * 1400000
    big = sheet_xml(rows)
    m = three_sheets(False)
    m[3] = ('xl/worksheets/sheet1.xml', big)
    write_zip(os.path.join(HERE, 'bomb-ratio.xlsx'), m)
    # a member declaring 3 GiB
    p = os.path.join(HERE, 'three.xlsx')
    data = open(p, 'rb').read()
    open(os.path.join(HERE, 'bomb-size.xlsx'), 'wb').write(
        patch_cd(data, 'xl/worksheets/sheet2.xml', 3 << 30))
    # a member inflating past its declared size
    open(os.path.join(HERE, 'overrun.xlsx'), 'wb').write(
        patch_cd(data, 'xl/worksheets/sheet2.xml', 100))
    # truncated: the central directory is gone
    data = open(os.path.join(HERE, 'basic.xlsx'), 'rb').read()
    open(os.path.join(HERE, 'truncated.xlsx'), 'wb').write(
        data[:len(data) // 2])
    # data before the archive (a carved file, a self-extractor stub)
    open(os.path.join(HERE, 'prefixed.xlsx'), 'wb').write(b'JUNK' * 100 +
                                                          data)
    data = open(os.path.join(HERE, 'basic.docx'), 'rb').read()
    open(os.path.join(HERE, 'truncated.docx'), 'wb').write(
        data[:len(data) - 30])

    # fuzz seeds: stored (so that mutations reach the XML) and deflated
    for name, members in sorted(out.items()):
        base = os.path.splitext(name)[0] + '-' + name[-4:]
        write_zip(os.path.join(CORPUS, base + '-stored'), members,
                  zipfile.ZIP_STORED)
    write_zip(os.path.join(CORPUS, 'basic-xlsx-deflated'),
              basic_members())
    write_zip(os.path.join(CORPUS, 'basic-docx-deflated'),
              docx_members(DOCX))


def bench(path, mb):
    random.seed(1)
    sst = ['<si><t>山田太郎%d</t></si>' % i for i in range(1000)]
    head = [('_rels/.rels', rels([('rId1', 'officeDocument',
                                   'xl/workbook.xml')])),
            ('xl/workbook.xml', workbook([('Big', None)])),
            ('xl/_rels/workbook.xml.rels',
             rels([('rId1', 'worksheet', 'worksheets/sheet1.xml'),
                   ('rId2', 'styles', 'styles.xml'),
                   ('rId3', 'sharedStrings', 'sharedStrings.xml')])),
            ('xl/styles.xml', STYLES), ('xl/sharedStrings.xml', sst_xml(sst))]
    target = mb * 1000000
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in head:
            z.writestr(name, data)
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:
            f.write((DECL + '<worksheet xmlns="%s" xmlns:r="%s"><sheetData>'
                     % (NS, RNS)).encode())
            size, r = 0, 1
            while size < target:
                row = ('<row r="%d" spans="1:8"><c r="A%d" t="s"><v>%d</v>'
                       '</c><c r="B%d" t="s"><v>%d</v></c><c r="C%d" s="1">'
                       '<v>%d</v></c><c r="D%d" t="inlineStr"><is><t>'
                       '東京都千代田区%d</t></is></c><c r="E%d" t="s"><v>%d'
                       '</v></c><c r="F%d"><f>A%d*2</f><v>%d.5</v></c>'
                       '<c r="G%d"><v>%d</v></c><c r="H%d"><v>%d</v></c>'
                       '</row>' % (
                           r, r, random.randrange(1000), r,
                           random.randrange(1000), r,
                           20000 + random.randrange(20000), r,
                           random.randrange(100), r, random.randrange(1000),
                           r, r, random.randrange(10 ** 6), r,
                           random.randrange(10 ** 9), r,
                           random.randrange(10 ** 9))).encode()
                f.write(row)
                size += len(row)
                r += 1
            f.write(b'</sheetData></worksheet>')
    print('%s: %d bytes of sheet XML, %d rows' % (path, size, r - 1))


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--bench':
        bench(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 200)
    else:
        main()
