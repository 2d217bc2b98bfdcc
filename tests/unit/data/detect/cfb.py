#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
A minimal Compound File Binary (MS-CFB) writer for the detection tests:
streams and storages in a tree, the mini stream for streams under 4096 bytes,
version 3 (512-byte sectors) or 4 (4096-byte sectors), and the directory
either right after the FAT (usual) or after all stream data (as Excel often
leaves it: then a 64 KiB head of a large file does not reach it).  Siblings
form a balanced binary tree in CFB order, all nodes black (readers such as
olefile and libmagic do not check colours).

usage (as a module): build(entries, shift=9, dir_at_end=False, clsid=...)
  entries: list of (path, data) with data None for a storage; a path is
  "/"-separated ("ObjectPool/_1/Workbook").
"""
import struct

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MINI_CUTOFF, MINI_SECT = 4096, 64


def clsid(s):
    """'00020906-0000-0000-C000-000000000046' -> 16 bytes, GUID layout."""
    p = s.split('-')
    return (struct.pack('<IHH', int(p[0], 16), int(p[1], 16), int(p[2], 16))
            + bytes.fromhex(p[3] + p[4]))


class Node:
    def __init__(self, name, data=None, storage=False):
        self.name, self.data, self.storage = name, data, storage
        self.children = {}
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size, self.id = END, 0, 0
        self.clsid = b'\0' * 16


def cfb_key(name):
    return (len(name.encode('utf-16-le')), name.upper())


def build(entries, shift=9, dir_at_end=False, root_clsid=None):
    ssize = 1 << shift
    root = Node('Root Entry', storage=True)
    if root_clsid:
        root.clsid = clsid(root_clsid)
    for path, data in entries:
        cur = root
        parts = path.split('/')
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part not in cur.children:
                cur.children[part] = Node(part, data if last else None,
                                          storage=(data is None or not last))
            cur = cur.children[part]
    # Directory ids in pre-order.
    nodes = []

    def number(n):
        n.id = len(nodes)
        nodes.append(n)
        for c in sorted(n.children.values(), key=lambda c: cfb_key(c.name)):
            number(c)
    number(root)

    def tree(sorted_children):
        if not sorted_children:
            return NOSTREAM
        mid = len(sorted_children) // 2
        n = sorted_children[mid]
        n.left = tree(sorted_children[:mid])
        n.right = tree(sorted_children[mid + 1:])
        return n.id
    for n in nodes:
        if n.storage:
            n.child = tree(sorted(n.children.values(),
                                  key=lambda c: cfb_key(c.name)))

    # Mini stream: streams under the cutoff, 64-byte mini sectors.
    mini = bytearray()
    minifat = []
    big = []
    for n in nodes:
        if n.storage:
            continue
        n.size = len(n.data)
        if n.size == 0:
            n.start = END
        elif n.size < MINI_CUTOFF:
            n.start = len(mini) // MINI_SECT
            count = -(-n.size // MINI_SECT)
            minifat += [n.start + i + 1 for i in range(count - 1)] + [END]
            mini += n.data + b'\0' * (count * MINI_SECT - n.size)
        else:
            big.append(n)
    per = ssize // 4
    ndir = -(-len(nodes) * 128 // ssize)
    nminifat = -(-len(minifat) * 4 // ssize) if minifat else 0
    nmini = -(-len(mini) // ssize) if mini else 0
    nbig = sum(-(-n.size // ssize) for n in big)
    nfat = 1
    while nfat * per < nfat + ndir + nminifat + nmini + nbig:
        nfat += 1
    assert nfat <= 109, 'no DIFAT sectors in this writer'
    fat = [FATSECT] * nfat
    chains = {}

    def alloc(key, count):
        start = len(fat)
        fat.extend(start + i + 1 for i in range(count - 1))
        fat.append(END)
        chains[key] = start
        return start
    order = ['minifat', 'mini', 'big', 'dir'] if dir_at_end else \
        ['dir', 'minifat', 'mini', 'big']
    for what in order:
        if what == 'dir':
            alloc('dir', ndir)
        elif what == 'minifat' and nminifat:
            alloc('minifat', nminifat)
        elif what == 'mini' and nmini:
            root.start = alloc('mini', nmini)
            root.size = len(mini)
        elif what == 'big':
            for n in big:
                n.start = alloc(n.id, -(-n.size // ssize))
    nsect = len(fat)
    fat += [FREE] * (nfat * per - len(fat))

    sectors = [b''] * nsect
    fatb = b''.join(struct.pack('<I', x) for x in fat)
    for i in range(nfat):
        sectors[i] = fatb[i * ssize:(i + 1) * ssize]

    def put(start, data, count):
        data = data + b'\0' * (count * ssize - len(data))
        for i in range(count):
            sectors[start + i] = data[i * ssize:(i + 1) * ssize]
    if nminifat:
        mf = b''.join(struct.pack('<I', x) for x in minifat)
        mf += b''.join(struct.pack('<I', FREE)
                       for _ in range((nminifat * ssize - len(mf)) // 4))
        put(chains['minifat'], mf, nminifat)
    if nmini:
        put(chains['mini'], bytes(mini), nmini)
    for n in big:
        put(n.start, n.data, -(-n.size // ssize))
    d = bytearray()
    for n in nodes:
        name = n.name.encode('utf-16-le') + b'\0\0'
        assert len(name) <= 64
        typ = 5 if n is root else (1 if n.storage else 2)
        d += name + b'\0' * (64 - len(name))
        d += struct.pack('<HBBIII', len(name), typ, 1, n.left, n.right,
                         n.child)
        d += n.clsid + struct.pack('<IQQIQ', 0, 0, 0, n.start, n.size)
    while len(d) < ndir * ssize:
        d += b'\0' * 64 + struct.pack('<HBBIII', 0, 0, 0, NOSTREAM, NOSTREAM,
                                      NOSTREAM) + b'\0' * 16 + \
            struct.pack('<IQQIQ', 0, 0, 0, 0, 0)
    put(chains['dir'], bytes(d), ndir)

    hdr = bytearray(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 16)
    hdr += struct.pack('<HHHHH', 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift,
                       6)
    hdr += b'\0' * 6
    hdr += struct.pack('<IIIIIIIII', ndir if shift == 12 else 0, nfat,
                       chains['dir'], 0, MINI_CUTOFF,
                       chains.get('minifat', END), nminifat, END, 0)
    difat = list(range(nfat)) + [FREE] * (109 - nfat)
    hdr += b''.join(struct.pack('<I', x) for x in difat)
    assert len(hdr) == 512
    hdr += b'\0' * (ssize - 512)
    return bytes(hdr) + b''.join(sectors)
