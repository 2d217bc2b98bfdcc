#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Workbooks with shared strings longer than freexl 1.0.6 reads (more than two
records), written by LibreOffice (soffice --convert-to xls, "MS Excel 97")
from a CSV or an xlsx made here.  Run by make.sh; needs soffice.  The names
and addresses are invented.

long.xls:     31 rows (氏名, 生年月日, 住所, 備考), one 12,000-character
              16-bit and one 20,000-character 8-bit 備考.
limits.xls:   one string per row: 16-bit strings of 8,221 characters (the
              longest freexl gets whole) and 8,222; 8-bit ones of 16,444
              and 16,445; a 16-bit one of 8,222 whose 8,221st character
              is the first half of a surrogate pair; short ones between.
rich.xls:     from an xlsx made here: a shared string of 6,000 16-bit
              characters in 3,000 rich-text runs (bold and not, in turn):
              its runs (12,000 bytes) span the next records; short strings
              after it.  (LibreOffice 7 writes no phonetic data (furigana)
              to xls, even for an xlsx that has it: gen-bad.py crafts that
              case.)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def convert(src, out, infilter=None):
    with tempfile.TemporaryDirectory() as d:
        cmd = ['soffice', '--headless',
               '-env:UserInstallation=file://' + d + '/profile',
               '--convert-to', 'xls:MS Excel 97', '--outdir', d, src]
        if infilter:
            cmd[3:3] = ['--infilter=' + infilter]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        name = os.path.splitext(os.path.basename(src))[0] + '.xls'
        shutil.copy(os.path.join(d, name), os.path.join(HERE, out))


def csv_to_xls(rows, out):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, os.path.splitext(out)[0] + '.csv')
        with open(src, 'w', encoding='utf-8', newline='') as f:
            for r in rows:
                f.write(','.join(r) + '\n')
        convert(src, out, 'CSV:44,34,76')


def long_rows():
    rows = [['氏名', '生年月日', '住所', '備考']]
    for i in range(30):
        note = 'x'
        if i == 4:
            note = ('長い備考' * 3000)[:12000]
        if i == 8:
            note = 'A' * 20000
        rows.append(['山田 太郎%d' % i, '1980/01/%02d' % (i % 28 + 1),
                     '東京都千代田区千代田1-1-%d' % i, note])
    return rows


def limits_rows():
    wide = 'あいうえお'
    rows = [['短い 一']]
    for s in [(wide * 2000)[:8221], (wide * 2000)[:8222], 'B' * 16444,
              'C' * 16445, (wide * 2000)[:8220] + '\U00020B9F' + 'か']:
        rows.append([s])
        rows.append(['短い %d' % len(rows)])
    return rows


def rich_xlsx(path):
    run = '<r><rPr><b/><sz val="11"/><rFont val="Arial"/></rPr><t>漢字</t>' \
          '</r><r><rPr><sz val="11"/><rFont val="Arial"/></rPr><t>かな</t></r>'
    texts = [None, '氏名', '山田 花子', '東京都千代田区千代田1-1']
    sst = '<si>%s</si>' % (run * 1500) + ''.join(
        '<si><t>%s</t></si>' % t for t in texts[1:])
    cells = ''.join('<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>'
                    % (i + 1, i + 1, i) for i in range(len(texts)))
    ns = 'http://schemas.openxmlformats.org'
    parts = {
        '[Content_Types].xml':
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="%s/package/'
        '2006/content-types"><Default Extension="rels" ContentType="'
        'application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>' % ns,
        '_rels/.rels':
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s/'
        'package/2006/relationships"><Relationship Id="rId1" Type="%s/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/'
        'workbook.xml"/></Relationships>' % (ns, ns),
        'xl/workbook.xml':
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s/'
        'spreadsheetml/2006/main" xmlns:r="%s/officeDocument/2006/'
        'relationships"><sheets><sheet name="書式" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>' % (ns, ns),
        'xl/_rels/workbook.xml.rels':
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s/'
        'package/2006/relationships"><Relationship Id="rId1" Type="%s/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/><Relationship Id="rId2" Type="%s/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>' % (ns, ns, ns),
        'xl/worksheets/sheet1.xml':
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s/'
        'spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'
        % (ns, cells),
        'xl/sharedStrings.xml':
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s/'
        'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (ns, len(texts), len(texts), sst),
    }
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)),
                       text.encode('utf-8'))


if shutil.which('soffice') is None:
    sys.exit('gen-long.py: soffice (LibreOffice) is needed')
csv_to_xls(long_rows(), 'long.xls')
csv_to_xls(limits_rows(), 'limits.xls')
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, 'rich.xlsx')
    rich_xlsx(src)
    convert(src, 'rich.xls')
