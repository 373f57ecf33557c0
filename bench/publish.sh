#!/usr/bin/env bash
# `laman publish` of the example regency to a `dir` target, whole process,
# with hyperfine: a publish when nothing changed (target: under one second),
# a first publish into an empty deploy/, and `laman build` as the floor a
# publish pays anyway. Needs hyperfine (Debian package) and a release build.
#
# usage: bench/publish.sh            RUNS=10 WORK=bench/out/publish by default
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BIN=${BIN:-$REPO/target/release/laman}
WORK=${WORK:-$REPO/bench/out/publish}
RUNS=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$BIN missing: cargo build --release" >&2; exit 2; }

rm -rf "$WORK"
mkdir -p "$WORK"
cp laman.toml "$WORK/"
cp -r sites themes "$WORK/"
# A fixed build time: every run builds byte-identical output ("nothing changed").
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
cd "$WORK"
"$BIN" publish >/dev/null   # the release the unchanged publishes compare with

# One page changed per run: a news page's body gets a new last line.
PAGE=sites/dinkes/content/berita/bulan-vitamin-a-februari-2026.md
cp "$PAGE" "$WORK/page.orig"
hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$WORK/results.md" \
  --prepare 'true' --prepare 'true' \
  --prepare "cp $WORK/page.orig $PAGE && echo \"Diperbarui \$(date +%s%N).\" >> $PAGE" \
  --prepare 'rm -rf deploy' \
  -n 'laman build (floor)' "$BIN build" \
  -n 'laman publish, nothing changed' "$BIN publish --keep 3" \
  -n 'laman publish, one page changed' "$BIN publish --keep 3" \
  -n 'laman publish, first (empty deploy/)' "$BIN publish"
cp "$WORK/page.orig" "$PAGE"
# What a one-page publish pre-compresses: the files whose bytes changed.
echo "Diperbarui sekali lagi." >> "$PAGE"
"$BIN" publish --keep 3 2>&1 | tail -15
cp "$WORK/page.orig" "$PAGE"
echo
cat "$WORK/results.md"
