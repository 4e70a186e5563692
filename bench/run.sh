#!/usr/bin/env bash
# Every benchmark, one report: bench/out/report.md. `bash bench/run.sh [--quick] [--n N] [--only a,b]`
# (see bench/README.md). Run after `bash scripts/setup.sh` (the browser benchmark needs --with-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x "$py" ] || { echo "no .venv: run bash scripts/setup.sh first" >&2; exit 1; }
exec "$py" bench/run.py "$@"
