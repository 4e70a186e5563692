"""The one `pip install` a JupyterLab user runs must carry everything: the prebuilt lab extension (shared-data),
the index server bundle with its SQLite addon, the jupyter-server-proxy entry point and the engine.

These tests build a real wheel from this source tree; they need the TypeScript build first (`bash scripts/setup.sh`,
which `bash scripts/test.sh` runs), and fail with that advice otherwise.
"""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1]
BUILT = PKG / "xetcache" / "labextension" / "package.json"
BUNDLE = PKG / "xetcache" / "server_dist" / "xetcache-server.js"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    assert BUILT.exists() and BUNDLE.exists(), "build the TypeScript packages first: bash scripts/setup.sh"
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(PKG)], check=True)
    (whl,) = out.glob("xetcache-*.whl")
    return zipfile.ZipFile(whl)


def test_the_wheel_carries_the_prebuilt_lab_extension(wheel):
    names = wheel.namelist()
    prefix = "xetcache-0.1.0.data/data/share/jupyter/labextensions/@xetcache/labextension/"
    meta = json.loads(wheel.read(prefix + "package.json"))
    assert meta["name"] == "@xetcache/labextension"
    assert "_build" in meta["jupyterlab"]  # a prebuilt extension, not the source package.json
    assert any(n.startswith(prefix + "static/remoteEntry.") for n in names)
    assert prefix + "schemas/@xetcache/labextension/plugin.json" in names


def test_the_wheel_carries_the_server_bundle_as_real_files(wheel):
    js = wheel.getinfo("xetcache/server_dist/xetcache-server.js")
    addon = wheel.getinfo("xetcache/server_dist/better_sqlite3.node")
    assert js.file_size > 100_000 and addon.file_size > 100_000  # content, not a symlink's target path


def test_the_wheel_registers_the_proxy_and_needs_jupyter_server_proxy(wheel):
    eps = wheel.read("xetcache-0.1.0.dist-info/entry_points.txt").decode()
    assert "[jupyter_serverproxy_servers]" in eps and "xetcache = xetcache.proxy:setup_xetcache" in eps
    meta = wheel.read("xetcache-0.1.0.dist-info/METADATA").decode()
    assert "Requires-Dist: jupyter-server-proxy" in meta


def test_the_proxy_starts_the_bundled_server_on_a_unix_socket(tmp_path):
    from xetcache import proxy

    cfg = proxy.setup_xetcache()
    assert cfg["unix_socket"] is True
    cmd = cfg["command"]
    assert Path(cmd[1]) == BUNDLE and "{unix_socket}" in cmd
    sock = tmp_path / "s.sock"
    argv = [a.replace("{unix_socket}", str(sock)) for a in cmd]
    argv[argv.index("--root") + 1] = str(tmp_path)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = p.stdout.readline()
        assert "listening on unix:" in line, line
        r = subprocess.run(["curl", "-s", "--unix-socket", str(sock), "http://localhost/api/status"],
                           capture_output=True, text=True, timeout=30)
        assert json.loads(r.stdout) == {"name": "xetcache-server", "version": "0.1.0", "api": 1}
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_jupyterlab_sees_the_extension_enabled():
    r = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "labextension", "list"],
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    line = next((l for l in out.splitlines() if "@xetcache/labextension" in l), "")
    assert "enabled" in line and "OK" in line, out
