#!/usr/bin/env bash
# Start JupyterLab with XetCache (extension, server via jupyter-server-proxy, kernel engine) on the example notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
cd examples
echo "Open the URL below, toggle caching on a cell from its toolbar (the database icon) and run it twice."
exec ../.venv/bin/jupyter lab demo.ipynb "${extra[@]}" "$@"
