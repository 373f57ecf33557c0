#!/bin/sh
# Lighthouse 12.2.3 (bench/lighthouse/package-lock.json) in mobile mode, run
# against Debian's chromium, on the home page and a service page of the
# example regency's dinkes site, served from a fresh `laman build` on a
# loopback port with the site's own _headers (CSP etc.) not applied (a plain
# static server). Prints the four category scores per page. A benchmark,
# not a test (bench/README.md records the numbers).
#
# usage: sh bench/lighthouse.sh   (from the repository; needs node, npm,
#        python3, chromium, and `cargo build --release`)
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
PORT=${PORT:-8931}
[ -d "$REPO/bench/lighthouse/node_modules/lighthouse" ] || npm ci --prefix "$REPO/bench/lighthouse" --no-audit --no-fund
cp -r "$REPO/sites" "$REPO/laman.toml" "$WORK/"
"${LAMAN:-$REPO/target/release/laman}" -C "$WORK" build >/dev/null || true
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/public/dinkes.cianjurkab.go.id" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT INT TERM
sleep 1
for path in / /layanan/rekomendasi-sip-tenaga-kesehatan/ /layanan/ambulans-gawat-darurat-psc-119/; do
  CHROME_PATH=/usr/bin/chromium "$REPO/bench/lighthouse/node_modules/.bin/lighthouse" \
    "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$WORK/lh.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1 || true
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = r.categories;
    const s = (k) => c[k] ? Math.round(c[k].score * 100) : "?";
    const fails = Object.values(r.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary").map((a) => a.id);
    console.log(`${process.argv[2]}\tperformance ${s("performance")}\taccessibility ${s("accessibility")}\tbest-practices ${s("best-practices")}\tseo ${s("seo")}\tfailed: ${fails.join(", ") || "none"}`);
  ' "$WORK/lh.json" "$path"
done
