#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Encrypted Office files for t-protect, written into the current directory.
Run by make.sh (which then checks them with msoffcrypto-tool); deterministic
(the "random" salts and keys are hashes of fixed labels).

Real encryption, decryptable by msoffcrypto-tool with the password:
  xls-rc4-cryptoapi.xls        RC4 CryptoAPI 4.2, 128-bit, password "secret"
  xls-rc4-cryptoapi-40.xls     the same with a 40-bit key
  xls-rc4-cryptoapi-velvet.xls RC4 CryptoAPI, Excel's default password
                               "VelvetSweatshop" (opens without a secret)
  xls-rc4.xls                  RC4 1.1 (40-bit), password "secret"
  xls-rc4-velvet.xls           RC4 1.1, "VelvetSweatshop"
  ooxml-agile.xlsx             ECMA-376 agile, AES-256/SHA-512, "secret"
  ooxml-standard.xlsx          ECMA-376 standard 4.2, AES-128, "secret"
The workbooks encrypted are ../xls/meibo.xls (its Workbook stream, with a
FILEPASS record inserted after the BOF and the BOUNDSHEET offsets moved),
the package is ../detect/tiny.xlsx.

Hand-made (the structure that decides, content not encrypted):
  xls-xor.xls, xls-xor-velvet.xls  FILEPASS with XOR obfuscation (key and
                               verifier of "secret" / "VelvetSweatshop"
                               computed here from MS-OFFCRYPTO 2.3.7; no
                               tool here writes XOR obfuscation, and
                               msoffcrypto cannot read it)
  xls-sheetprot.xls            not encrypted: WRITEPROT and FILESHARING in
                               the globals, PROTECT and PASSWORD in a sheet
  doc-*.doc                    a Word FIB (flags at 0x0A) and a table
                               stream starting with an encryption header
  ppt-encrypted.ppt            a PowerPoint file with EncryptedSummary
"""
import base64
import hashlib
import hmac
import os
import struct
import sys

import olefile
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'detect'))
import cfb  # noqa: E402

PW = 'secret'
VELVET = 'VelvetSweatshop'


def w(name, data):
    with open(name, 'wb') as f:
        f.write(data)


def rnd(label, n):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s %d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xff
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for c in data:
        i = (i + 1) & 0xff
        j = (j + s[i]) & 0xff
        s[i], s[j] = s[j], s[i]
        out.append(c ^ s[(s[i] + s[j]) & 0xff])
    return bytes(out)


# --- xls: FILEPASS and record encryption (MS-XLS 2.2.10) -------------------

def records(wb):
    p, out = 0, []
    while p + 4 <= len(wb):
        t, n = struct.unpack_from('<HH', wb, p)
        if t == 0 and n == 0:
            break
        out.append((p, t, n))
        p += 4 + n
    return out


def insert_after_bof(wb, extra):
    """Insert records after the first BOF; move the BOUNDSHEET offsets."""
    recs = records(wb)
    p0 = 4 + recs[0][2]
    out = bytearray(wb[:p0] + extra + wb[p0:])
    for p, t, n in records(bytes(out)):
        if t == 0x0085:
            off = struct.unpack_from('<I', out, p + 4)[0]
            struct.pack_into('<I', out, p + 4, off + len(extra))
    return bytes(out)


def insert_in_sheet(wb, extra):
    """Insert records after the BOF of the first sheet."""
    recs = records(wb)
    bofs = [p for p, t, n in recs if t == 0x0809]
    at = bofs[1] + 4 + 16
    out = bytearray(wb[:at] + extra + wb[at:])
    for p, t, n in records(bytes(out)):
        if t == 0x0085:
            off = struct.unpack_from('<I', out, p + 4)[0]
            if off > bofs[1]:
                struct.pack_into('<I', out, p + 4, off + len(extra))
    return bytes(out)


def rec(t, data):
    return struct.pack('<HH', t, len(data)) + data


# Records that stay clear (MS-XLS 2.2.10): BOF, FILEPASS, USREXCL,
# FILELOCK, INTERFACEHDR, RRDINFO, RRDHEAD; BOUNDSHEET's lbPlyPos too.
CLEAR = {0x0809, 0x002f, 0x0194, 0x0195, 0x00e1, 0x0196, 0x0138}


def encrypt_stream(wb, block_key):
    """XOR record data with the RC4 key stream of 1024-byte blocks, the
    stream offset deciding the position (as msoffcrypto decrypts)."""
    out = bytearray(wb)
    ks = bytearray()
    for b in range(len(wb) // 1024 + 1):
        ks += rc4(block_key(b), b'\0' * 1024)
    for p, t, n in records(wb):
        if t in CLEAR:
            continue
        start = p + 4 + (4 if t == 0x0085 else 0)
        for i in range(start, p + 4 + n):
            out[i] ^= ks[i]
    return bytes(out)


def key_rc4(pw, salt, block):
    h0 = hashlib.md5(pw.encode('utf-16-le')).digest()
    h1 = hashlib.md5((h0[:5] + salt) * 16).digest()
    return hashlib.md5(h1[:5] + struct.pack('<I', block)).digest()


def key_cryptoapi(pw, salt, bits, block):
    h0 = hashlib.sha1(salt + pw.encode('utf-16-le')).digest()
    h = hashlib.sha1(h0 + struct.pack('<I', block)).digest()
    return h[:5] + b'\0' * 11 if bits == 40 else h[:bits // 8]


def filepass_rc4(pw, label):
    salt = rnd(label + ' salt', 16)
    ver = rnd(label + ' verifier', 16)
    enc = rc4(key_rc4(pw, salt, 0), ver + hashlib.md5(ver).digest())
    data = struct.pack('<HHH', 1, 1, 1) + salt + enc
    return data, lambda b: key_rc4(pw, salt, b)


CSP = 'Microsoft Enhanced Cryptographic Provider v1.0\0'.encode('utf-16-le')


def filepass_cryptoapi(pw, label, bits):
    salt = rnd(label + ' salt', 16)
    ver = rnd(label + ' verifier', 16)
    enc = rc4(key_cryptoapi(pw, salt, bits, 0),
              ver + hashlib.sha1(ver).digest())
    header = struct.pack('<IIIIIIII', 0x04, 0, 0x6801, 0x8004, bits, 1,
                         0, 0) + CSP
    data = (struct.pack('<HHHII', 1, 4, 2, 0x04, len(header)) + header +
            struct.pack('<I', 16) + salt + enc[:16] +
            struct.pack('<I', 20) + enc[16:])
    return data, lambda b: key_cryptoapi(pw, salt, bits, b)


def xor_verifier(pw):
    """MS-OFFCRYPTO 2.3.7.1 CreatePasswordVerifier_Method1."""
    v = 0
    for c in reversed(bytes([len(pw)]) + pw.encode('ascii')):
        v = (((v >> 14) & 1) | ((v << 1) & 0x7fff)) ^ c
    return v ^ 0xce4b


meibo = olefile.OleFileIO(os.path.join(HERE, '..', 'xls', 'meibo.xls')
                          ).openstream('Workbook').read()


def encrypted_xls(name, filepass):
    data, block_key = filepass
    wb = insert_after_bof(meibo, rec(0x002f, data))
    w(name, cfb.build([('Workbook', encrypt_stream(wb, block_key))]))


encrypted_xls('xls-rc4-cryptoapi.xls', filepass_cryptoapi(PW, 'c128', 128))
encrypted_xls('xls-rc4-cryptoapi-40.xls', filepass_cryptoapi(PW, 'c40', 40))
encrypted_xls('xls-rc4-cryptoapi-velvet.xls',
              filepass_cryptoapi(VELVET, 'cv', 128))
encrypted_xls('xls-rc4.xls', filepass_rc4(PW, 'r'))
encrypted_xls('xls-rc4-velvet.xls', filepass_rc4(VELVET, 'rv'))
for name, pw in (('xls-xor.xls', PW), ('xls-xor-velvet.xls', VELVET)):
    fp = rec(0x002f, struct.pack('<HHH', 0, 0x1234, xor_verifier(pw)))
    w(name, cfb.build([('Workbook', insert_after_bof(meibo, fp))]))

# Write reservation and sheet protection: not encryption.
user = 'Tester'
fs = struct.pack('<HHHB', 1, 0xcc3d, len(user), 0) + user.encode()
wb = insert_after_bof(meibo, rec(0x0086, b'') + rec(0x005b, fs))
wb = insert_in_sheet(wb, rec(0x0012, b'\1\0') + rec(0x0013, b'\x3d\xcc'))
w('xls-sheetprot.xls', cfb.build([('Workbook', wb)]))


# --- OOXML: ECMA-376 agile and standard encryption (MS-OFFCRYPTO 2.3.4) ---

package = open(os.path.join(HERE, '..', 'detect', 'tiny.xlsx'), 'rb').read()

DATASPACES = [
    ('\x06DataSpaces/Version', b'\x3c\x00\x00\x00' +
     'Microsoft.Container.DataSpaces'.encode('utf-16-le') +
     b'\x01\x00\x00\x00' * 3),
    ('\x06DataSpaces/DataSpaceMap', b'\x08\x00\x00\x00\x01\x00\x00\x00'),
    ('\x06DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace',
     b'\x08\x00\x00\x00\x01\x00\x00\x00'),
]


def aes_cbc(key, iv, data):
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return e.update(data) + e.finalize()


def aes_ecb(key, data):
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(data) + e.finalize()


def pad(data, n, byte=b'\0'):
    return data + byte * (-len(data) % n)


def agile():
    sha = hashlib.sha512
    secret = rnd('agile key', 32)
    kd_salt = rnd('agile keydata salt', 16)
    pw_salt = rnd('agile password salt', 16)
    spin = 100000
    h = sha(pw_salt + PW.encode('utf-16-le')).digest()
    for i in range(spin):
        h = sha(struct.pack('<I', i) + h).digest()

    def pkey(block):
        return pad(sha(h + block).digest()[:32], 32, b'\x36')
    vin = rnd('agile verifier', 16)
    enc_vin = aes_cbc(pkey(bytes.fromhex('fea7d2763b4b9e79')), pw_salt, vin)
    enc_vh = aes_cbc(pkey(bytes.fromhex('d7aa0f6d3061344e')), pw_salt,
                     sha(vin).digest())
    enc_key = aes_cbc(pkey(bytes.fromhex('146e0be7abacd0d6')), pw_salt,
                      secret)
    # the package, in 4096-byte segments
    body = bytearray(struct.pack('<Q', len(package)))
    for i in range(0, len(package), 4096):
        iv = sha(kd_salt + struct.pack('<I', i // 4096)).digest()[:16]
        body += aes_cbc(secret, iv, pad(package[i:i + 4096], 16))
    body = bytes(body)
    hmac_key = rnd('agile hmac key', 64)
    iv1 = sha(kd_salt + bytes.fromhex('5fb2ad010cb9e1f6')).digest()[:16]
    iv2 = sha(kd_salt + bytes.fromhex('a0677f02b22c8433')).digest()[:16]
    enc_hkey = aes_cbc(secret, iv1, hmac_key)
    enc_hval = aes_cbc(secret, iv2, hmac.new(hmac_key, body, sha).digest())
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           '<encryption xmlns="http://schemas.microsoft.com/office/2006/'
           'encryption" xmlns:p="http://schemas.microsoft.com/office/2006/'
           'keyEncryptor/password"><keyData saltSize="16" blockSize="16" '
           'keyBits="256" hashSize="64" cipherAlgorithm="AES" '
           'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
           'saltValue="%s"/><dataIntegrity encryptedHmacKey="%s" '
           'encryptedHmacValue="%s"/><keyEncryptors><keyEncryptor uri="'
           'http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
           '<p:encryptedKey spinCount="%d" saltSize="16" blockSize="16" '
           'keyBits="256" hashSize="64" cipherAlgorithm="AES" '
           'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
           'saltValue="%s" encryptedVerifierHashInput="%s" '
           'encryptedVerifierHashValue="%s" encryptedKeyValue="%s"/>'
           '</keyEncryptor></keyEncryptors></encryption>' %
           (b64(kd_salt), b64(enc_hkey), b64(enc_hval), spin, b64(pw_salt),
            b64(enc_vin), b64(enc_vh), b64(enc_key)))
    info = struct.pack('<HHI', 4, 4, 0x40) + xml.encode()
    return cfb.build(DATASPACES + [('EncryptionInfo', info),
                                   ('EncryptedPackage', body)])


def standard():
    salt = rnd('standard salt', 16)
    h = hashlib.sha1(salt + PW.encode('utf-16-le')).digest()
    for i in range(50000):
        h = hashlib.sha1(struct.pack('<I', i) + h).digest()
    hf = hashlib.sha1(h + struct.pack('<I', 0)).digest()
    x1 = hashlib.sha1(bytes(b ^ 0x36 for b in pad(hf, 64, b'\0'))).digest()
    x2 = hashlib.sha1(bytes(b ^ 0x5c for b in pad(hf, 64, b'\0'))).digest()
    key = (x1 + x2)[:16]
    ver = rnd('standard verifier', 16)
    enc_v = aes_ecb(key, ver)
    enc_vh = aes_ecb(key, pad(hashlib.sha1(ver).digest(), 32))
    csp = 'Microsoft Enhanced RSA and AES Cryptographic Provider\0'.encode(
        'utf-16-le')
    header = struct.pack('<IIIIIIII', 0x24, 0, 0x660e, 0x8004, 128, 0x18,
                         0, 0) + csp
    info = (struct.pack('<HHII', 4, 2, 0x24, len(header)) + header +
            struct.pack('<I', 16) + salt + enc_v + struct.pack('<I', 20) +
            enc_vh)
    body = struct.pack('<Q', len(package)) + aes_ecb(key, pad(package, 16))
    return cfb.build(DATASPACES + [('EncryptionInfo', info),
                                   ('EncryptedPackage', body)])


w('ooxml-agile.xlsx', agile())
w('ooxml-standard.xlsx', standard())

# --- doc and ppt: the structures that decide -------------------------------

W = '00020906-0000-0000-C000-000000000046'


def doc(name, flags, table=b'', ident=0xa5ec):
    fib = struct.pack('<HHHHHH', ident, 0x00c1, 0, 0x0411, 0, flags)
    fib += b'\0' * (1024 - len(fib))
    tname = '1Table' if flags & 0x0200 else '0Table'
    w(name, cfb.build([('WordDocument', fib),
                       (tname, table + b'\0' * (512 - len(table))),
                       ('\x05SummaryInformation', b'\xfe\xff' + b'\0' * 46)],
                      root_clsid=W))


cryptoapi_hdr = filepass_cryptoapi(PW, 'doc', 128)[0][2:]
rc4_hdr = filepass_rc4(PW, 'docrc4')[0][2:]
doc('doc-rc4-cryptoapi.doc', 0x0300, cryptoapi_hdr)
doc('doc-rc4.doc', 0x0300, rc4_hdr)
doc('doc-xor.doc', 0x8300)
doc('doc-plain.doc', 0x0200)
doc('doc-writeres.doc', 0x0a00)
w('ppt-encrypted.ppt', cfb.build([
    ('PowerPoint Document', b'\0' * 600),
    ('Current User', b'\0' * 60),
    ('EncryptedSummary', b'\0' * 200)],
    root_clsid='64818D10-4F9B-11CF-86EA-00AA00B929E8'))
