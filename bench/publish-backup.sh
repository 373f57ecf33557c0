#!/usr/bin/env bash
# What a verified backup adds to `laman publish` (#11 item 4): the example
# regency published when nothing changed, without a backup destination and
# with one (plain tar; and gzip), whole process, with hyperfine. Needs
# hyperfine and a release build.
#
# usage: bench/publish-backup.sh     RUNS=10 WORK=bench/out/publish-backup by default
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BIN=${BIN:-$REPO/target/release/laman}
WORK=${WORK:-$REPO/bench/out/publish-backup}
RUNS=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$BIN missing: cargo build --release" >&2; exit 2; }

rm -rf "$WORK"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
for v in none tar gzip; do
  mkdir -p "$WORK/$v"
  cp laman.toml "$WORK/$v/"
  cp -r sites themes "$WORK/$v/"
  if [ "$v" != none ]; then
    mkdir -p "$WORK/$v-dest"
    gz=false; [ "$v" = gzip ] && gz=true
    printf '\n[[publish.backup]]\nname = "drc"\npath = "%s"\nplace = "off-site"\ngzip = %s\n' \
      "$WORK/$v-dest" "$gz" >> "$WORK/$v/laman.toml"
  fi
  (cd "$WORK/$v" && "$BIN" publish >/dev/null)
done

hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$WORK/results.md" \
  -n 'publish, nothing changed, no backup' "cd $WORK/none && $BIN publish --keep 3" \
  -n 'publish, nothing changed, 1 backup (tar)' "cd $WORK/tar && $BIN publish --keep 3" \
  -n 'publish, nothing changed, 1 backup (tar.gz)' "cd $WORK/gzip && $BIN publish --keep 3"
echo
ls -l "$WORK/tar-dest" | tail -3
cat "$WORK/results.md"
