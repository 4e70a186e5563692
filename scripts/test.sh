#!/usr/bin/env bash
# The whole test suite: lint, TypeScript (store, server, lab extension), Python (engine, real kernels, git/LFS)
# and UI tests (Galata in Debian's chromium against a real JupyterLab). Installs what it needs first.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser || { echo "setup failed"; exit 1; }

passed=0; failed=0; failed_names=()
suite() {
  local name=$1; shift
  printf '\n\033[1m=== %s ===\033[0m\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names+=("$name"); fi
}
suite "lint" npm run lint --silent
suite "store (TypeScript)" npm test -w @xetcache/store --silent
suite "server and CLI (TypeScript)" npm test -w @xetcache/server --silent
suite "lab extension (TypeScript unit)" npm test -w @xetcache/labextension --silent
suite "kernel engine (Python)" .venv/bin/python -m pytest packages/python/tests -q -p no:cacheprovider
suite "UI (Galata + chromium)" npm test -w @xetcache/ui-tests --silent
# Every benchmark once at small sizes: asserts nothing about time, only that each ran and produced its figures
# (bench/out/report.md), so a benchmark that breaks is noticed at once.
suite "benchmarks (quick)" bash bench/run.sh --quick

echo
[ $failed -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
