#!/usr/bin/env bash
# Mutation testing of the guard code (docs/testing.md, issue #18): runs
# cargo-mutants on each guard file with the tests that cover it and prints
# caught / missed / timeout / unviable per file. A benchmark-style check,
# not part of CI: tens of minutes to hours on 2 cores. Run it before
# closing an issue that touches one of these files.
#
#   scripts/mutants.sh                    every file below
#   scripts/mutants.sh src/publish/gate.rs src/host/path.rs
#   scripts/mutants.sh --list             the files and their tests
#
# Environment: MUTANTS_OUT (default target-mutants/out) for the per-file
# reports; MUTANTS_TARGET (default target-mutants/target) for the cargo
# target folder the mutants are built in, in cargo-mutants' copy of the
# tree (kept between runs, so only the first build is a cold one);
# MUTANTS_IN_PLACE=1 to mutate this tree itself with its own target/
# (each mutant an incremental build; do not edit or build in it
# meanwhile); MUTANTS_TIMEOUT (seconds per test run; default: derived by
# cargo-mutants from the unmutated run); MUTANTS_ARGS, more cargo-mutants
# options, split on spaces (say `--re gate.rs:141 --baseline skip`).
set -euo pipefail
cd "$(dirname "$0")/.."

# file | cargo test arguments | test-name filters (libtest: any of them).
# Filters name the modules whose unit tests exercise the file. Every guard
# file has unit tests that reach its branches (on real folders, real
# certificates, real DER), so the library's tests alone judge a mutant in
# seconds; the suite's tests (real binary, real servers) would cost
# minutes per mutant. `--lib --test suite|… security::` adds them.
GUARDS=(
  "src/publish/gate.rs|--lib|publish::gate::"
  "src/host/path.rs|--lib|host::path::"
  "src/rules/html.rs|--lib|rules::"
  "src/trust/paths.rs|--lib|trust::"
  "src/trust/html.rs|--lib|trust::"
  "src/publish/dir.rs|--lib|publish::dir::"
  "src/trust/statics.rs|--lib|trust::"
  "src/output.rs|--lib|output:: trust::"
  "src/host/rules.rs|--lib|host::rules::"
  "src/host/respond.rs|--lib|host::respond::"
  "src/conformance/certs.rs|--lib|conformance::certs::"
  "src/conformance/ocsp.rs|--lib|conformance::ocsp::"
)

if [ "${1:-}" = "--list" ]; then
  for g in "${GUARDS[@]}"; do
    IFS='|' read -r file args filters <<<"$g"
    printf '%-28s cargo test %s -- %s\n' "$file" "$args" "$filters"
  done
  exit 0
fi

if ! cargo mutants --version >/dev/null 2>&1; then
  echo "cargo-mutants is not installed; install it with:" >&2
  echo "  cargo install --locked cargo-mutants" >&2
  exit 2
fi

wanted=("$@")
out_root="${MUTANTS_OUT:-target-mutants/out}"
mkdir -p "$out_root"
out_root="$(cd "$out_root" && pwd)"
extra=()
if [ "${MUTANTS_IN_PLACE:-}" = 1 ]; then
  extra+=(--in-place) # one build folder: one job (--jobs is refused)
else
  extra+=(--jobs 1)
  export CARGO_TARGET_DIR="${MUTANTS_TARGET:-$PWD/target-mutants/target}"
fi
if [ -n "${MUTANTS_TIMEOUT:-}" ]; then
  extra+=(--timeout "$MUTANTS_TIMEOUT")
fi
# shellcheck disable=SC2206
extra+=(${MUTANTS_ARGS:-})

count() { # file in a cargo-mutants output folder -> number of lines
  if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi
}

rows=()
status=0
start_all=$(date +%s)
for g in "${GUARDS[@]}"; do
  IFS='|' read -r file args filters <<<"$g"
  if [ ${#wanted[@]} -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qxF "$file"; then
    continue
  fi
  out="$out_root/$(echo "$file" | tr '/.' '__')"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== $file: cargo test $args -- $filters" >&2
  start=$(date +%s)
  # The test targets go to every cargo call (`--cargo-arg`), so each
  # mutant builds only them: a bare `cargo test --no-run` would build the
  # binary and the whole suite too, several times the time per mutant.
  cargo_args=()
  for a in $args; do cargo_args+=("--cargo-arg=$a"); done
  # Exit code 2 means "some mutants were missed": the table says which.
  # shellcheck disable=SC2086
  cargo mutants --file "$file" --no-shuffle --output "$out" \
    "${extra[@]}" "${cargo_args[@]}" -- -- $filters >&2 || true
  secs=$(($(date +%s) - start))
  o="$out/mutants.out"
  if [ ! -f "$o/outcomes.json" ]; then
    rows+=("$(printf '| %s | cargo-mutants did not run (see above) | | | | |' "$file")")
    status=1
    continue
  fi
  rows+=("$(printf '| %s | %s | %s | %s | %s | %ss |' "$file" \
    "$(count "$o/caught.txt")" "$(count "$o/missed.txt")" \
    "$(count "$o/timeout.txt")" "$(count "$o/unviable.txt")" "$secs")")
  if [ -s "$o/missed.txt" ]; then
    echo "missed in $file:" >&2
    sed 's/^/  /' "$o/missed.txt" >&2
  fi
done

echo "| file | caught | missed | timeout | unviable | time |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "total: $(($(date +%s) - start_all))s; per-mutant reports under $out_root/"
exit "$status"
