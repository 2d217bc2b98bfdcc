#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Writes the detection and YARA test files into the current directory:
Japanese header samples in four encodings and a decoy, OOXML/ODF zips made
with zipfile, and compound files made with cfb.py.  The data are invented
(names from no real person).  Run by make.sh; deterministic.
"""
import os
import struct
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfb  # noqa: E402

CSV = ('氏名,フリガナ,生年月日,性別,住所\r\n'
       '検証太郎,ケンショウタロウ,1970-01-01,男,架空県見本市1-2-3\r\n'
       '試験花子,シケンハナコ,1985-12-31,女,架空県例題町4-5\r\n')


def w(name, data):
    with open(name, 'wb') as f:
        f.write(data)


# --- text samples --------------------------------------------------------
w('pii-utf8.csv', CSV.encode('utf-8'))
w('pii-cp932.csv', CSV.encode('cp932'))
w('pii-eucjp.csv', CSV.encode('euc-jp'))
w('pii-utf16le.csv', b'\xff\xfe' + CSV.encode('utf-16-le'))
# One header term only (住所) and look-alikes of the others: no rule fires.
w('decoy.txt', ('会議室の住所と氏の名前、生年の月日、性の別、番号の個人差\n'
                'Shimei Seinengappi Jusho\n').encode('utf-8'))
w('mynumber-cp932.txt', '社員番号,個人番号\r\n1,123456789018\r\n'
  .encode('cp932'))

# --- zips ------------------------------------------------------------------
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/'
      'vnd.openxmlformats-package.relationships+xml"/><Default '
      'Extension="xml" ContentType="application/xml"/>%s</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="%s"/></Relationships>')
SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
         't="inlineStr"><is><t>氏名</t></is></c></row></sheetData>'
         '</worksheet>')
WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
      '2006/main" xmlns:r="http://schemas.openxmlformats.org/'
      'officeDocument/2006/relationships"><sheets><sheet name="S" '
      'sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
          '2006/relationships"><Relationship Id="rId1" Type="http://'
          'schemas.openxmlformats.org/officeDocument/2006/relationships/'
          'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<w:document xmlns:w="http://schemas.openxmlformats.org/'
       'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>氏名</w:t>'
       '</w:r></w:p></w:body></w:document>')
XLSX_CT = CT % ('<Override PartName="/xl/workbook.xml" ContentType="'
                'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'sheet.main+xml"/><Override PartName="/xl/worksheets/'
                'sheet1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/>')
DOCX_CT = CT % ('<Override PartName="/word/document.xml" ContentType="'
                'application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.document.main+xml"/>')
PPTX_CT = CT % ('<Override PartName="/ppt/presentation.xml" ContentType="'
                'application/vnd.openxmlformats-officedocument.'
                'presentationml.presentation.main+xml"/>')
T0 = (2015, 5, 21, 11, 20, 0)


def mkzip(name, members):
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, data in members:
            info = zipfile.ZipInfo(n, T0)
            info.compress_type = (zipfile.ZIP_STORED if n == 'mimetype'
                                  else zipfile.ZIP_DEFLATED)
            z.writestr(info, data)


XLSX = [('[Content_Types].xml', XLSX_CT), ('_rels/.rels',
                                          RELS % 'xl/workbook.xml'),
        ('xl/workbook.xml', WB), ('xl/_rels/workbook.xml.rels', WBRELS),
        ('xl/worksheets/sheet1.xml', SHEET)]
mkzip('tiny.xlsx', XLSX)
# [Content_Types].xml written last: still an xlsx.
mkzip('ctlast.xlsx', XLSX[1:] + XLSX[:1])
mkzip('tiny.docx', [('[Content_Types].xml', DOCX_CT),
                    ('_rels/.rels', RELS % 'word/document.xml'),
                    ('word/document.xml', DOC)])
mkzip('tiny.pptx', [('[Content_Types].xml', PPTX_CT),
                    ('_rels/.rels', RELS % 'ppt/presentation.xml'),
                    ('ppt/presentation.xml', '<p:presentation xmlns:p="http:'
                     '//schemas.openxmlformats.org/presentationml/2006/'
                     'main"/>')])
# The layout of an xlsb (binary parts); the parts are placeholders.
mkzip('tiny.xlsb', [('[Content_Types].xml', CT % ''),
                    ('_rels/.rels', RELS % 'xl/workbook.bin'),
                    ('xl/workbook.bin', b'\x83\x01\x00'),
                    ('xl/worksheets/sheet1.bin', b'\x81\x01\x00')])
mkzip('tiny.ods', [('mimetype',
                    'application/vnd.oasis.opendocument.spreadsheet'),
                   ('content.xml', '<office:document-content xmlns:office='
                    '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'),
                   ('META-INF/manifest.xml', '<manifest:manifest xmlns:'
                    'manifest="urn:oasis:names:tc:opendocument:xmlns:'
                    'manifest:1.0"/>')])
# A plain folder named xl/ in a zip, no [Content_Types].xml: a zip.
mkzip('folder-xl.zip', [('xl/notes.txt', 'not a workbook\n'),
                        ('xl/list.csv', CSV)])

# --- compound files -------------------------------------------------------
# Encrypted OOXML: the stream and storage names and the EncryptionInfo
# header of an agile-encrypted package (version 4.4, flags 0x40, the XML
# descriptor); the package bytes are placeholders, not a decryptable file.
AGILE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
         '<encryption xmlns="http://schemas.microsoft.com/office/2006/'
         'encryption" xmlns:p="http://schemas.microsoft.com/office/2006/'
         'keyEncryptor/password"><keyData saltSize="16" blockSize="16" '
         'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining='
         '"ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAA'
         'AAAAAAAAAA=="/><keyEncryptors><keyEncryptor uri="http://schemas.'
         'microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey '
         'spinCount="100000" saltSize="16" blockSize="16" keyBits="256" '
         'hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingMode'
         'CBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="'
         ' encryptedVerifierHashInput="AAAAAAAAAAAAAAAAAAAAAA==" '
         'encryptedVerifierHashValue="AAAA" encryptedKeyValue="AAAA"/>'
         '</keyEncryptor></keyEncryptors></encryption>')
pkg = struct.pack('<Q', 5000) + bytes((i * 7 + 3) & 0xFF for i in range(5008))
w('encrypted.xlsx', cfb.build([
    ('\x06DataSpaces/Version', b'\x3c\x00\x00\x00' + 'Microsoft.Container.'
     'DataSpaces'.encode('utf-16-le') + b'\x01\x00\x00\x00' * 3),
    ('\x06DataSpaces/DataSpaceMap', b'\x08\x00\x00\x00\x01\x00\x00\x00'),
    ('\x06DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace',
     b'\x08\x00\x00\x00\x01\x00\x00\x00'),
    ('EncryptionInfo', struct.pack('<HHI', 4, 4, 0x40) + AGILE.encode()),
    ('EncryptedPackage', pkg)]))
W = '00020906-0000-0000-C000-000000000046'
w('tiny.doc', cfb.build([
    ('WordDocument', b'\xec\xa5\xc1\x00' + b'\0' * 1020),
    ('1Table', b'\0' * 512),
    ('\x05SummaryInformation', b'\xfe\xff' + b'\0' * 46)], root_clsid=W))
# A Word document with an embedded Excel object: the Workbook stream sits
# in a sub-storage, so this is a .doc, not an .xls.
w('embedded.doc', cfb.build([
    ('WordDocument', b'\xec\xa5\xc1\x00' + b'\0' * 1020),
    ('1Table', b'\0' * 512),
    ('ObjectPool/_1234567890/Workbook', b'\x09\x08' + b'\0' * 200),
    ('ObjectPool/_1234567890/\x01Ole', b'\x01\x00\x00\x02' + b'\0' * 16)],
    root_clsid=W))
w('tiny.ppt', cfb.build([
    ('PowerPoint Document', b'\0' * 600),
    ('Current User', b'\0' * 60)],
    root_clsid='64818D10-4F9B-11CF-86EA-00AA00B929E8'))
w('tiny.msg', cfb.build([
    ('__nameid_version1.0/__substg1.0_00020102', b'\0' * 16),
    ('__substg1.0_0037001F', '件名'.encode('utf-16-le')),
    ('__substg1.0_1000001F', '本文'.encode('utf-16-le')),
    ('__properties_version1.0', b'\0' * 32)],
    root_clsid='00020D0B-0000-0000-C000-000000000046'))
# Both a Workbook and a WordDocument at the top: refuse to guess.
w('both.cfb', cfb.build([('WordDocument', b'\0' * 100),
                         ('Workbook', b'\x09\x08' + b'\0' * 100)]))
# An installer package: the root's CLSID says MSI; no tables.
w('tiny.msi', cfb.build([('\x05SummaryInformation', b'\xfe\xff' + b'\0' * 46),
                         ('\u4840\u3b3f\u4577', b'\0' * 64)],
                        root_clsid='000C1084-0000-0000-C000-000000000046'))
# 4096-byte sectors (CFB version 4).
w('v4.xls', cfb.build([('Workbook', b'\x09\x08' + b'\0' * 5000)], shift=12))

# An .xls whose directory lies past the first 64 KiB (Workbook stream taken
# from the real tiny.xls made by make.sh, padded with BIFF8 CONTINUE-free
# filler past 64 KiB).
if os.path.exists('tiny.xls'):
    import olefile
    wb = olefile.OleFileIO('tiny.xls').openstream('Workbook').read()
    w('dirend.xls', cfb.build([('Workbook', wb + b'\0' * (70000 - len(wb)))],
                              dir_at_end=True))
