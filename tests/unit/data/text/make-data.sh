#!/bin/sh
# The text extractor's encoded test files, made from the UTF-8 sources
# (written by gen-sources.py) with glibc iconv.  Outputs are committed.
set -e
cd "$(dirname "$0")"
iconv -f UTF-8 -t CP932 meibo.csv > meibo.cp932.csv
iconv -f UTF-8 -t EUC-JP-MS meibo.csv > meibo.eucjp.csv
iconv -f UTF-8 -t CP932 fixed-ja.txt > fixed-ja.cp932.txt
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE meibo.tsv; } > meibo.utf16le-bom.tsv
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE meibo.tsv; } > meibo.utf16be-bom.tsv
iconv -f UTF-8 -t UTF-16LE meibo.tsv > meibo.utf16le.tsv
iconv -f UTF-8 -t UTF-16BE meibo.tsv > meibo.utf16be.tsv
