"""The cache travels with the repository (real git, Debian's git-lfs, a file:// bare remote, real kernels).

Clone A stores a %%xetmemo cell (kernel via jupyter_client), a @xetmemo function (subprocess) and one unrelated
entry, and pushes. Lazy clones (GIT_LFS_SKIP_SMUDGE=1) then hit — headless (nbconvert) and in a kernel — and
download only the objects of the entries they use. B adds an entry and pushes; A, which added one of its own,
pulls: the merge has no conflict and the running index server and `xetcache ls` see every entry without a
restart. A clone whose remote is unreachable runs the cell normally and says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import gitutil as gu

REPO_ROOT = Path(__file__).resolve().parents[3]
PKG_DIR = Path(__file__).resolve().parents[1]
TSX = REPO_ROOT / "node_modules" / ".bin" / "tsx"
CLI = REPO_ROOT / "server" / "src" / "cli" / "run.ts"
VENV_BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(not gu.have_git_lfs(), reason="git-lfs not installed")

CELL = ('%%xetmemo input=n output=data always=True\n'
        'open("ran.log", "a").write("cell\\n")\n'
        'print("computing", n)\n'
        'data = bytes(range(256)) * 4000 * n\n')
UNRELATED = '%%xetmemo input=n output=other always=True\nother = b"u" * 300000 * n\n'
FUNC = ('import atexit, sys, xetcache\n'
        # a real run is told by an audit event and logged at exit: a file the body wrote would be an effect a hit
        # could not redo, so the call would never be stored
        'runs = []\n'
        'sys.addaudithook(lambda e, a: runs.append(1) if e == "xetcache.test.ran" else None)\n'
        'atexit.register(lambda: runs and open("ran.log", "a").write("fn\\n" * len(runs)))\n'
        '@xetcache.xetmemo(always=True)\n'
        'def heavy(k):\n'
        '    sys.audit("xetcache.test.ran")\n'
        '    return bytes([k]) * 200000\n'
        'print(len(heavy(int(sys.argv[1]))))\n')


def _notebook() -> dict:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("%load_ext xetcache", id="load"),
                nbformat.v4.new_code_cell("n = 3", id="setn"),
                nbformat.v4.new_code_cell(CELL, id="big"),
                nbformat.v4.new_code_cell("print(len(data))", id="use")]
    return nb


def _run_notebook_in_kernel(k) -> dict:
    """The notebook's cells, the way JupyterLab sends them; returns the run event of the cached cell."""
    k.ok("%load_ext xetcache", cell_id="load")
    k.comm_open()  # after the extension registered the comm target, as the lab extension does
    k.ok("n = 3", cell_id="setn")
    r = k.ok(CELL, cell_id="big")
    assert k.value("len(data)") == 256 * 4000 * 3
    events = r.comm_events()
    assert len(events) == 1, events
    return {**events[0], "_stderr": r.stream("stderr"), "_stdout": r.stream("stdout"), "_notices": r.notices(),
            "_notice_msgs": [d for d in (m["content"]["data"] for m in r.of_type("comm_msg")) if d.get("type") == "notice"]}


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PKG_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("GIT_LFS_SKIP_SMUDGE", None)
    env.pop("JPY_SESSION_NAME", None)
    return env


def _function(project: Path, k: int) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "fn.py", str(k)], cwd=project, env=_env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "200000"
    return r


def _runs(project: Path) -> list:
    p = project / "ran.log"
    return p.read_text().split() if p.exists() else []


def _manifests(store: Path) -> list:
    return [json.loads(p.read_text()) for p in sorted((store / "entries").glob("*/*.json"))]


def _oids(m: dict) -> set:
    """The objects an entry needs, as the store says (chunked parts included): exactly what a lazy hit fetches."""
    from xetcache.store.manifest import needed_oids

    return set(needed_oids(m))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TSX), str(CLI), *args], capture_output=True, text=True, timeout=120, env=_env())


@pytest.fixture
def world(tmp_path, monkeypatch, kernel_factory):
    """Repo A with the notebook, fn.py and three entries, pushed to a bare remote."""
    for k, v in gu.isolated_git_env(tmp_path / "home").items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("GIT_LFS_SKIP_SMUDGE", raising=False)
    import nbformat

    url = gu.init_bare(tmp_path / "remote.git")
    a = gu.init_repo(tmp_path / "a", url)
    project = a / "project"
    project.mkdir()
    (a / ".gitignore").write_text("ran.log\nexecuted.ipynb\n.ipynb_checkpoints/\n")
    nbformat.write(_notebook(), str(project / "analysis.ipynb"))
    (project / "fn.py").write_text(FUNC)

    k = kernel_factory(project)
    ev = _run_notebook_in_kernel(k)
    assert ev["state"] == "stored", ev
    k.ok(UNRELATED, cell_id="unrelated")
    _function(project, 7)
    assert _runs(project) == ["cell", "fn"]

    store = project / ".xetcache"
    ms = _manifests(store)
    by = {"cell": [m for m in ms if m["kind"] == "cell" and "data" in m["variables"]],
          "unrelated": [m for m in ms if m["kind"] == "cell" and "other" in m["variables"]],
          "fn": [m for m in ms if m["kind"] == "function"]}
    assert all(len(v) == 1 for v in by.values()), ms
    gu.commit_all(a, "notebook and its cache")
    gu.push(a)
    return {"url": url, "a": a, "tmp": tmp_path, "kernels": kernel_factory,
            **{name: v[0] for name, v in by.items()}}


def test_lazy_clone_hits_headless_and_fetches_only_what_it_needs(world):
    b = gu.clone(world["url"], world["tmp"] / "b", lazy=True)
    project = b / "project"
    assert gu.local_lfs_oids(b) == []
    assert all(gu.pointer_states(project / ".xetcache").values())

    r = subprocess.run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "analysis.ipynb",
                        "--output", "executed.ipynb"], cwd=project, env=_env(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert _runs(project) == []  # the cell body did not run: a hit
    out = json.loads((project / "executed.ipynb").read_text())
    texts = ["".join(o.get("text", "")) for c in out["cells"] for o in c.get("outputs", [])]
    assert any("computing 3" in t for t in texts)  # replayed output
    assert any("xetcache: fetching" in t for t in texts)  # the lazy fetch said what it downloads
    assert set(gu.local_lfs_oids(b)) == _oids(world["cell"])

    _function(project, 7)
    assert _runs(project) == []
    assert set(gu.local_lfs_oids(b)) == _oids(world["cell"]) | _oids(world["fn"])
    assert not (set(gu.local_lfs_oids(b)) & _oids(world["unrelated"]))  # never needed, never downloaded
    assert gu.git(b, "status", "--porcelain", "--untracked-files=no") == ""


def test_lazy_clone_hits_in_a_kernel(world):
    c = gu.clone(world["url"], world["tmp"] / "c", lazy=True)
    project = c / "project"
    k = world["kernels"](project)
    ev = _run_notebook_in_kernel(k)
    assert ev["state"] == "hit", ev
    assert ev["key"] == world["cell"]["key"]
    # progress is a transient notice for the frontend, never part of the cell's (saved) outputs
    assert any("xetcache: fetching" in t for t in ev["_notices"])
    assert "xetcache: fetching" not in ev["_stderr"]
    # one transfer, one id: the frontend updates one notification from "fetching" to "fetched", then closes it
    msgs = ev["_notice_msgs"]
    assert [m["state"] for m in msgs] == ["progress", "done"], msgs
    assert msgs[0]["transfer"] == msgs[1]["transfer"] and msgs[0]["transfer"].startswith("lfs-")
    assert "computing 3" in ev["_stdout"]
    assert _runs(project) == []
    assert set(gu.local_lfs_oids(c)) == _oids(world["cell"])


def test_entries_from_two_clones_merge_and_the_index_follows_the_pull(world):
    a, tmp = world["a"], world["tmp"]
    b = gu.clone(world["url"], tmp / "b", lazy=True)
    _function(b / "project", 8)  # B stores a new entry
    assert _runs(b / "project") == ["fn"]
    gu.commit_all(b, "B's entry")
    gu.push(b)

    _function(a / "project", 9)  # A stores one too, concurrently
    gu.commit_all(a, "A's entry")

    token = "e2e-" + os.urandom(16).hex()  # on TCP every request needs the server's token
    server = subprocess.Popen([str(TSX), str(CLI), "serve", "--root", str(a), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**_env(), "XETCACHE_TOKEN": token})
    try:
        line = server.stdout.readline()
        assert "listening on" in line, line + server.stderr.read()
        base = line.split("listening on ")[1].split()[0].rstrip("/")

        def entries() -> set:
            req = urllib.request.Request(f"{base}/api/entries?store=project/.xetcache&limit=100",
                                         headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(req) as resp:
                return {e["key"] for e in json.loads(resp.read())["entries"]}

        before = entries()
        assert len(before) == 4
        gu.pull(a)  # a merge: one file per entry, so nothing conflicts
        assert gu.git(a, "ls-files", "--unmerged") == ""
        assert len(gu.git(a, "rev-list", "--merges", "HEAD").split()) == 1
        keys_on_disk = {m["key"] for m in _manifests(a / "project" / ".xetcache")}
        assert len(keys_on_disk) == 5
        deadline = time.monotonic() + 10  # the server reconciles before answering; allow a watcher's debounce
        while entries() != keys_on_disk and time.monotonic() < deadline:
            time.sleep(0.2)
        assert entries() == keys_on_disk
    finally:
        server.terminate()
        server.wait(timeout=10)

    ls = _cli("--store", str(a / "project" / ".xetcache"), "--json", "ls")
    assert ls.returncode == 0, ls.stderr
    assert {e["key"] for e in json.loads(ls.stdout)["entries"]} == keys_on_disk
    # B's entry hits in A (its objects came with the pull).
    _function(a / "project", 8)
    assert _runs(a / "project").count("fn") == 2  # 7 and 9 ran in A; 8 did not


def test_unreachable_remote_runs_the_cell_and_says_why(world):
    d = gu.clone(world["url"], world["tmp"] / "d", lazy=True)
    gu.git(d, "remote", "set-url", "origin", "http://127.0.0.1:9/unreachable.git")
    project = d / "project"
    k = world["kernels"](project)
    ev = _run_notebook_in_kernel(k)
    assert _runs(project) == ["cell"]  # it ran, normally
    assert ev["state"] in ("stored", "skipped"), ev
    assert "ENOTLOCAL" in (ev.get("reason") or ""), ev
    said = " ".join(ev["_notices"])  # a notice for the frontend (the badge's reason says it too), not an output
    assert "not fetched from Git LFS" in said and "git lfs pull failed" in said
    assert "not fetched" not in ev["_stderr"]
    # Nothing was downloaded; the recomputed bytes replaced the pointers instead (git's LFS cache then holds them
    # too: the clean filter copies them there when the engine refreshes the index, as `git lfs pull` would).
    assert set(gu.local_lfs_oids(d)) == _oids(world["cell"])
    assert gu.git(d, "status", "--porcelain", "--untracked-files=no") == ""

    r = subprocess.run([sys.executable, "fn.py", "7"], cwd=project, env=_env(), capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "200000"
    assert "not fetched from Git LFS" in r.stderr


def test_a_recomputed_entry_replaces_its_pointers_so_the_next_run_hits_offline(world):
    """After a failed fetch the cell ran and stored the same bytes again: those bytes are the objects' content,
    so the pointer files should become content (what `git lfs pull` would have written; git sees no change)."""
    d = gu.clone(world["url"], world["tmp"] / "d", lazy=True)
    gu.git(d, "remote", "remove", "origin")
    project = d / "project"
    k = world["kernels"](project)
    _run_notebook_in_kernel(k)
    assert _runs(project) == ["cell"]
    for oid in _oids(world["cell"]):
        assert not gu.is_pointer(gu.object_path(project / ".xetcache", oid)), oid
    r = k.ok(CELL, cell_id="big")
    assert r.comm_events()[0]["state"] == "hit"
    assert _runs(project) == ["cell"]
    assert gu.git(d, "status", "--porcelain", "--untracked-files=no") == ""
