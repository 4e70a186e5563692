#!/usr/bin/env bash
# Lazy (GIT_LFS_SKIP_SMUDGE=1 + on-demand `git lfs pull --include`) vs full clone of a repo whose cache holds
# 20 entries x 50 MB. Uses ~3 GB of temp disk at peak (removed at the end). Figures only, no assertions.
# Usage: bench/git-lazy-clone.sh [--entries N] [--mb M]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-$here/../.venv/bin/python}"
[ -x "$py" ] || py=python3
git lfs version >/dev/null 2>&1 || { echo "git-lfs is not installed (apt-get install git-lfs)" >&2; exit 1; }
exec "$py" "$here/git-lazy-clone.py" "$@"
