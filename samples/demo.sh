#!/usr/bin/env bash
# `make demo`: the main job on the bundled samples.  Two evidence images
# holding (fake) personal-data files — made by samples/make-pii.sh — are
# scanned into one case database, and the breach table is printed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
LT=$ROOT/$BUILD/leaktriage
S=$ROOT/build/samples/pii
out=$ROOT/build/demo
for f in pc01.img pc02.img; do
	[ -e "$S/$f" ] || { echo "demo: $S/$f is missing (make samples)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"
echo "== leaktriage scan --case build/demo/case.db pc01.img pc02.img"
"$LT" scan --case "$out/case.db" "$S/pc01.img" "$S/pc02.img"
echo
echo "== leaktriage report --case build/demo/case.db"
"$LT" report --case "$out/case.db"
echo
echo "The case database is $out/case.db (its secret: case.db.key)."
echo "Expected figures (computed by the sample generator): samples/pii/README.md"
