#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the archives t-archive reads.  The outputs are committed; this
# script documents how they were made.  It needs the Debian packages zip,
# p7zip-full (7z), tar, gzip, bzip2, gcab, lhasa (to check the hand-made
# .lzh), python3; the RAR and LZH files are hand-made by gen.py (Debian main
# has no RAR or LHA writer) and checked with 7z and lha.
# Run from anywhere: sh make.sh
set -eu
cd "$(dirname "$0")"
export TZ=UTC SOURCE_DATE_EPOCH=1432207200 PYTHONDONTWRITEBYTECODE=1
out=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f ./*.zip ./*.7z ./*.rar ./*.lzh ./*.cab ./*.gz ./*.bz2
/usr/bin/python3 gen.py

cd "$tmp"
printf '氏名,生年月日,住所\n検証太郎,1970-01-01,架空県見本市1-2-3\n' > a.csv
mkdir dir
printf '氏名,性別\n試験花子,女\n' > dir/b.csv
printf 'c\n' > c.csv
printf 'd\n' > d.csv
printf 'after\n' > after.csv
# 4 KiB of text: the truncated ZIP is cut inside this member's data
/usr/bin/python3 -c '
import random
random.seed(1)
print("\n".join("%d,%08d,%s" % (i, random.randrange(10**8), "x" * random.randrange(30))
                for i in range(400)))' > big.csv
touch -d @$SOURCE_DATE_EPOCH ./*.csv dir/b.csv dir

# ZIP in ZIP in ZIP (the caller recurses by calling lt_archive_walk again)
zip -q inner2.zip d.csv
zip -q inner.zip c.csv inner2.zip
touch -d @$SOURCE_DATE_EPOCH inner.zip inner2.zip
zip -q "$out/nested.zip" a.csv dir dir/b.csv inner.zip

7z a -bd -bso0 "$out/csv.7z" a.csv dir
zip -q -P secret "$out/zipcrypto.zip" a.csv dir/b.csv
7z a -bd -bso0 -tzip -mem=AES256 -psecret "$out/zipaes.zip" a.csv dir/b.csv
7z a -bd -bso0 -psecret "$out/enc-data.7z" a.csv dir/b.csv
7z a -bd -bso0 -psecret -mhe=on "$out/enc-head.7z" a.csv dir/b.csv
tar --format=ustar --owner=0 --group=0 --mtime=@$SOURCE_DATE_EPOCH \
	-cf csv.tar a.csv dir
gzip -9 -n -c csv.tar > "$out/csv.tar.gz"
cp a.csv meibo.csv
gzip -9 -N -c meibo.csv > "$out/meibo.csv.gz"
gcab -c -z "$out/meibo.cab" a.csv dir/b.csv

# A ZIP truncated in the middle of its second member's data.
zip -q whole.zip a.csv big.csv c.csv
head -c 1200 whole.zip > "$out/truncated.zip"

# Zip bombs: 1 GiB of zeros (a sparse file, no disk used).  bzip2 makes it
# ~1 KiB; deflate (zip's default) would make it 1 MiB.
truncate -s 1G zeros.bin
touch -d @$SOURCE_DATE_EPOCH zeros.bin
zip -q -Z bzip2 "$out/bomb-single.zip" zeros.bin after.csv
# 42.zip-style: a ZIP of two ZIPs of two bombs each (4 GiB in all)
cp zeros.bin zeros2.bin
zip -q -Z bzip2 leaf.zip zeros.bin zeros2.bin
cp leaf.zip leaf2.zip
touch -d @$SOURCE_DATE_EPOCH leaf.zip leaf2.zip
zip -q "$out/bomb-nested.zip" leaf.zip leaf2.zip after.csv
# no per-member compressed size in 7z (solid) or a tar stream: the ratio is
# caught while decompressing
7z a -bd -bso0 -m0=BZip2 "$out/bomb.7z" zeros.bin
tar --format=ustar --owner=0 --group=0 --mtime=@$SOURCE_DATE_EPOCH \
	-cf bomb.tar zeros.bin after.csv
bzip2 -9 -c bomb.tar > "$out/bomb.tar.bz2"

cd "$out"
# Cross-checks with independent readers.
for f in nested.zip csv.7z zipaes.zip enc-data.7z csv.tar.gz meibo.cab \
	stored.rar enc-file.rar stored4.rar enc4.rar bomb.7z; do
	7z l -slt -p- "$f" | grep -E '^(Path|Size|Encrypted|Method) = ' |
		sed "s|^|$f: |"
done
7z l -p- enc-head.7z >/dev/null 2>&1 && exit 1
lha l meibo.lzh
unzip -l cp932.zip
ls -l
