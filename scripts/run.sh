#!/usr/bin/env bash
# Start JupyterLab with XetCache (extension, server via jupyter-server-proxy, kernel engine) on the example notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
cd examples
echo "Open the URL below: run the first cell, turn caching on for the slow cell (the cylinder button in its toolbar), run it, then restart the kernel and run all."
exec ../.venv/bin/jupyter lab demo.ipynb "${extra[@]}" "$@"
