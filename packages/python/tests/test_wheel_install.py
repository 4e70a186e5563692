"""The package as a user gets it: the wheel of the documented build, installed with pip into a new venv, on a
machine whose PATH has no Node.js. JupyterLab starts; the lab extension is served; the index server starts behind
jupyter-server-proxy on the Node.js that the package brought and lists the store; a kernel of that venv runs a
toggled cell (stored, then hit) with the installed engine; the `xetcache` command lists the same store as JSON.

Slow (about 2-3 minutes: the build, shared with test_packaging.py, and pip installing JupyterLab from the package
index into the new venv). It never skips: if no PATH without Node can be made, it fails saying why.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

from wheelbuild import build_dists, project_version

NODE_NAMES = ("node", "nodejs", "node.exe")
# Tools from PATH directories that also hold a system Node, linked into a directory of their own (git for the
# server's /api/git; nothing here needs more).
TOOLS = ("git", "git-lfs")


def _nodeless_path(venv_bin: Path, shims: Path) -> str:
    """PATH as on a machine with Python only: the venv, PATH's directories that hold no Node, and links to TOOLS."""
    keep = []
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if d and not any(os.path.exists(os.path.join(d, n)) for n in NODE_NAMES):
            keep.append(d)
    shims.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found and not shutil.which(tool, path=os.pathsep.join(keep)):
            (shims / tool).symlink_to(found)
    path = os.pathsep.join([str(venv_bin), str(shims), *keep])
    for n in NODE_NAMES:
        if shutil.which(n, path=path):
            pytest.fail(f"cannot make a PATH without Node.js: {shutil.which(n, path=path)} is still on it")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str, timeout: float = 60) -> tuple:
    # The token in a header: a query parameter would reach the index server, which refuses unknown fields.
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


KERNEL_SCRIPT = textwrap.dedent('''
    """Drive a kernel of this venv as the lab extension does: activate the installed engine, run a toggled cell
    twice (%%xetcache_cell <spec>), report the engine's file, its version and its one-line notes (no comm here)."""
    import hashlib, json, sys
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    notes = []

    def run(code):
        out = []
        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append((msg["content"]["name"], msg["content"]["text"]))
        reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
        assert reply["content"]["status"] == "ok", (code, reply["content"], out)
        return out

    try:
        setup = run("import xetcache, json\\n"
                    "from xetcache.ipython.jupyter import activate\\n"
                    "print(json.dumps({'file': xetcache.__file__, 'activate': activate('{\\"always\\": true}')}))")
        info = json.loads("".join(t for n, t in setup if n == "stdout"))
        body = "import time\\ntime.sleep(0.2)\\nanswer = 6 * 7\\nprint(answer)"
        spec = {"cell_id": "cell-1", "notebook": "demo.ipynb",
                "code_sha256": hashlib.sha256(body.encode()).hexdigest(),
                "inputs": None, "outputs": None, "always": True, "key": None}
        cell = "%%xetcache_cell " + json.dumps(spec) + "\\n" + body
        for _ in range(2):
            out = run(cell)
            notes.append({"stdout": "".join(t for n, t in out if n == "stdout"),
                          "stderr": "".join(t for n, t in out if n == "stderr")})
        run("del answer")
        restored = run(cell)
        value = run("print(answer)")
        notes.append({"stderr": "".join(t for n, t in restored if n == "stderr"),
                      "answer": "".join(t for n, t in value if n == "stdout")})
        print(json.dumps({"info": info, "runs": notes}))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
''')


def test_the_wheel_in_a_new_venv_without_node_gives_a_working_jupyterlab(tmp_path):
    built = build_dists()
    version = project_version()
    wheel_mb = built.wheel.stat().st_size / 1e6
    t0 = time.monotonic()

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    vbin = venv / ("Scripts" if os.name == "nt" else "bin")
    lab = f"jupyterlab=={metadata.version('jupyterlab')}"  # the JupyterLab of .venv, from the package index
    r = subprocess.run([str(vbin / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
                        str(built.wheel), lab], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    installed_s = time.monotonic() - t0

    env = {k: v for k, v in os.environ.items()
           if k not in ("XETCACHE_NODE", "XETCACHE_SQLITE_BINDING", "PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH")
           and not k.startswith("npm_")}
    env["PATH"] = _nodeless_path(vbin, tmp_path / "shims")
    # Nothing of this machine's Jupyter set-up (user kernels, extensions, settings) may take part.
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp_path / "jupyter" / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"

    work = tmp_path / "work"
    nb = work / "nb"
    nb.mkdir(parents=True)
    # A toggled cell, run twice in a kernel of the new venv: the installed engine stores it, then hits.
    (tmp_path / "kernel_run.py").write_text(KERNEL_SCRIPT)
    k = subprocess.run([str(vbin / "python"), str(tmp_path / "kernel_run.py")], cwd=nb, env=env,
                       capture_output=True, text=True, timeout=300)
    assert k.returncode == 0, k.stdout[-3000:] + k.stderr[-3000:]
    report = json.loads(k.stdout.strip().splitlines()[-1])
    assert Path(report["info"]["file"]).resolve().is_relative_to(venv.resolve()), report  # the wheel, not the tree
    assert report["info"]["activate"] == {"version": version, "refused": []}, report
    first, second, restored = report["runs"]
    assert first["stdout"] == "42\n" and "xetcache: stored" in first["stderr"], first
    assert second["stdout"] == "42\n" and "xetcache: hit" in second["stderr"], second  # outputs replayed
    assert "xetcache: hit" in restored["stderr"] and restored["answer"] == "42\n", restored  # variable restored

    # The CLI that pip installed, on the Node.js that pip installed, in a folder with a store.
    cli = subprocess.run([str(vbin / "xetcache"), "ls", "--json"], cwd=nb, env=env, capture_output=True,
                         text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    listed = json.loads(cli.stdout)
    assert listed["total"] == 1 and listed["entries"][0]["notebook"] == "demo.ipynb", listed
    key = listed["entries"][0]["key"]

    port, token = _free_port(), hashlib.sha256(os.urandom(16)).hexdigest()[:32]
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "jupyter.log", "w")
    args = [str(vbin / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--ServerApp.open_browser=False"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        args.append("--allow-root")
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "jupyter.log").read_text()[-3000:]
            try:
                if _get(f"{base}/api/status", token, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "jupyter.log").read_text()[-3000:]
            time.sleep(0.5)
        started_s = time.monotonic() - t0

        # The lab extension is installed, enabled and served (toggle, badges and sidebar live in it), and it
        # replaces the notebook's cell executor as its package.json asks.
        status, page = _get(f"{base}/lab", token)
        assert status == 200
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        ext = next(e for e in config["federated_extensions"] if e["name"] == "@xetcache/labextension")
        assert "@jupyterlab/notebook-extension:cell-executor" in config["disabledExtensions"], config
        status, _ = _get(f"{base}/lab/extensions/@xetcache/labextension/{ext['load']}", token)
        assert status == 200, ext

        # The index server, started by jupyter-server-proxy on the bundled Node (none on PATH), through the proxy.
        status, body = _get(f"{base}/xetcache/api/status", token, timeout=90)
        assert status == 200, (body, (tmp_path / "jupyter.log").read_text()[-3000:])
        assert json.loads(body) == {"name": "xetcache-server", "version": version, "api": 1}
        # What the sidebar shows for this notebook's store: the entry the kernel just made.
        status, body = _get(f"{base}/xetcache/api/entries?store=nb/.xetcache", token)
        assert status == 200, body
        assert [e["key"] for e in json.loads(body)["entries"]] == [key]
        proxied_s = time.monotonic() - t0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()
    text = (tmp_path / "jupyter.log").read_text()
    assert "Cannot find module" not in text and "SQLite addon" not in text, text[-3000:]
    print(f"\nwheel {wheel_mb:.1f} MB built in {built.seconds:.0f} s; venv + pip install {installed_s:.0f} s; "
          f"JupyterLab up at {started_s:.0f} s; index server answered through the proxy at {proxied_s:.0f} s")
