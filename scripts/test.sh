#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every
# test, the formatter check and clippy. This is the README's test command
# and exactly what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: chromium renders pages for the accessibility test;
# nodejs/npm drive it (playwright-core + axe-core from the lockfile);
# bind9, openssl and sslscan for tests/suite/conformance.rs.
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# bind9 (named), openssl (s_server, genrsa) and sslscan serve and cross-check
# the conformance tests' DNS and TLS fixtures on loopback.
command -v named >/dev/null || [ -x /usr/sbin/named ] || need+=(bind9)
command -v openssl >/dev/null || need+=(openssl)
command -v sslscan >/dev/null || need+=(sslscan)
# pebble (ACME) and curl for tests/suite/host.rs: certificates and requests on loopback.
command -v pebble >/dev/null || need+=(pebble)
command -v curl >/dev/null || need+=(curl)
# unshare (util-linux) and ip (iproute2): the IPv6 /64 flood test of laman host
# runs in a private network namespace (tests/suite/support/netns.rs).
command -v unshare >/dev/null || need+=(util-linux)
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || need+=(iproute2)
# git: tests/suite/first_day.rs checks that a new project's .gitignore keeps laman's own files out of git.
command -v git >/dev/null || need+=(git)
# Java runs the Nu Html Checker (vnu-jar, pinned in tests/browser) over imported pages.
command -v java >/dev/null || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update
  as_root apt-get install -y -o DPkg::Lock::Timeout=600 "${need[@]}"
fi

# npm packages pinned in tests/browser/package-lock.json (never a browser download).
npm ci --prefix tests/browser --no-audit --no-fund
# Netlify's own _redirects/_headers parsers, pinned in tests/netlify/package-lock.json.
npm ci --prefix tests/netlify --no-audit --no-fund

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
