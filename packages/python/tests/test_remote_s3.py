"""The team cache on a real S3-compatible server (SeaweedFS, started here on free loopback ports): two machines (two
folders, two HOMEs, credentials in each HOME's ~/.aws/credentials, no git anywhere) share entries through a bucket.

- A stores cells (kernel), a function (plain Python) and a notebook run headless; B hits them "from the team cache";
- a lazy first hit fetches exactly the objects of that entry, in parallel ranged parts for a large one;
- the server killed during a push leaves no visible entry, and the next push resumes the interrupted upload; so does
  a push whose own process was killed;
- a read-only key pulls and never writes (said once);
- wrong credentials, or a server that is down, give a clear message and the cells still run.

The weed binary comes from scripts/setup.sh; without it these tests FAIL (weedutil.missing_message()).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from conftest import PKG_DIR, one_event

import weedutil
from xetcache.remote import pushqueue
from xetcache.store import layout
from xetcache.store.needed import needed_oids
from xetcache.store.storage import Storage

PY = sys.executable
CELL = ('%%xetmemo always=True\n'
        'print("computing", n)\n'
        'data = bytes(range(256)) * 4000 * n\n')
OTHER = '%%xetmemo always=True\nother = b"o" * 5_000_000 * n\n'
BIG = ('%%xetmemo always=True\n'
       'import hashlib\n'
       'big = b"".join(hashlib.sha256(i.to_bytes(4, "little")).digest() * 512 for i in range(2800))\n')  # ~46 MB
FUNC = ('import atexit, sys, xetcache\n'
        # a real run is told by an audit event and logged at exit: a file the body wrote would be an effect a hit
        # could not redo, so the call would never be stored
        'runs = []\n'
        'sys.addaudithook(lambda e, a: runs.append(1) if e == "xetcache.test.ran" else None)\n'
        'atexit.register(lambda: runs and open("ran.log", "a").write("fn\\n" * len(runs)))\n'
        '@xetcache.xetmemo(always=True)\n'
        'def heavy(k):\n'
        '    sys.audit("xetcache.test.ran")\n'
        '    return bytes([k]) * 300000\n'
        'print(len(heavy(int(sys.argv[1]))))\n')


@pytest.fixture(scope="module")
def weed(tmp_path_factory):
    binary = weedutil.weed_binary()
    if binary is None:
        pytest.fail(weedutil.missing_message())  # FAIL, not skip: an untested remote tier must not look tested
    server = weedutil.Weed(tmp_path_factory.mktemp("weed"), binary).start()
    yield server
    server.stop()


class Machine:
    """A folder and a HOME of its own, credentials in HOME/.aws/credentials, the store's remote set by the CLI."""

    def __init__(self, root: Path, weed: weedutil.Weed, bucket: str, creds=weedutil.RW, prefix: str = "team"):
        self.root, self.weed, self.bucket, self.prefix = root, weed, bucket, prefix
        self.home = root / "home"
        self.work = root / "work"
        self.work.mkdir(parents=True)
        (self.home / ".aws").mkdir(parents=True)
        self.set_credentials(creds)
        self.store = self.work / ".xetcache"
        r = self.cli("remote", "set", f"s3://{bucket}/{prefix}", "--endpoint", weed.endpoint, "--region",
                     weedutil.REGION, check=False)
        self.remote_set_output = r

    def set_credentials(self, creds) -> None:
        (self.home / ".aws" / "credentials").write_text(
            f"[default]\naws_access_key_id = {creds[0]}\naws_secret_access_key = {creds[1]}\n")

    def env(self, **extra: str) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "JPY_SESSION_NAME"}
        env.update(HOME=str(self.home), PYTHONPATH=PKG_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   XETCACHE_REMOTE_RETRY_S="2")
        env.update(extra)
        return env

    def cli(self, *args: str, check: bool = True, env: Optional[Dict[str, str]] = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        r = subprocess.run([PY, "-m", "xetcache.cli", "--store", str(self.store), *args], cwd=self.work,
                           env=env or self.env(), capture_output=True, text=True, timeout=timeout)
        if check:
            assert r.returncode == 0, f"xetcache {' '.join(args)} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r

    def kernel(self, kernel_factory):
        k = kernel_factory(self.work, env=self.env())
        k.load(threshold=0.2)
        k.ok("import numpy")  # the same hidden state on both machines (numpy's print options are part of a trace)
        return k

    def wait_pushed(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while pushqueue.pending(str(self.store)):
            assert time.monotonic() < deadline, json.dumps(pushqueue.pending(str(self.store)))
            time.sleep(0.2)

    def local_objects(self) -> List[str]:
        return sorted(p.name for p in (self.store / "objects" / "sha256").glob("*/*"))

    def manifests(self) -> List[dict]:
        return [json.loads(p.read_text()) for p in sorted((self.store / "entries").glob("*/*.json"))]


def remote_entries(weed: weedutil.Weed, bucket: str, prefix: str = "team") -> List[str]:
    return [k.rsplit("/", 1)[1][:-5] for k in weed.keys(bucket, f"{prefix}/entries/")]


def remote_objects(weed: weedutil.Weed, bucket: str, prefix: str = "team") -> Dict[str, tuple]:
    """oid -> (pack, offset, size) of every object the bucket holds, from the packs' indexes."""
    c, out = weed.client(), {}
    for name in weed.keys(bucket, f"{prefix}/index/"):
        doc = json.loads(c.get_object(Bucket=bucket, Key=name)["Body"].read())
        out.update({oid: (doc["pack"], off, size) for oid, off, size in doc["objects"]})
    return out


def _bucket(weed, name: str) -> str:
    return weed.make_bucket(f"{name}-{os.getpid()}-{int(time.time() * 1000) % 100000}")


# ---- two machines ----------------------------------------------------------------------------------------------
def test_two_machines_share_entries_through_the_bucket_with_no_git(weed, tmp_path, kernel_factory):
    bucket = _bucket(weed, "share")
    a, b = Machine(tmp_path / "a", weed, bucket), Machine(tmp_path / "b", weed, bucket)
    assert "can write:   yes" in a.remote_set_output.stdout, a.remote_set_output
    assert not (tmp_path / "a" / "work" / ".git").exists()
    assert "secret" not in (a.store / "remote.json").read_text().lower()  # the committed file has no credentials

    ka = a.kernel(kernel_factory)
    ka.ok("n = 3")
    ev = one_event(ka.ok(CELL, cell_id="big"))
    assert ev["state"] == "stored", ev
    assert ev["remote"]["push"] == "queued" and "pushing to the team cache" in ev["reason"], ev
    a.wait_pushed()
    key = ev["key"]
    assert remote_entries(weed, bucket) == [key]
    m = a.manifests()[0]
    assert set(remote_objects(weed, bucket)) == set(needed_oids(m))

    kb = b.kernel(kernel_factory)
    kb.ok("n = 3")
    r = kb.ok(CELL, cell_id="big")
    ev = one_event(r)
    assert ev["state"] == "hit", ev
    assert ev["reason"].startswith(f"from the team cache s3://{bucket}/team ("), ev
    assert ev["remote"]["lookup"] == "found" and ev["remote"]["fetch"] == "done", ev
    assert r.stream() == "computing 3\n"  # the recorded output, replayed
    assert kb.value("len(data)") == 256 * 4000 * 3
    assert [mm["key"] for mm in b.manifests()] == [key]  # the entry is local now: objects, then its manifest

    kb2 = b.kernel(kernel_factory)  # a new session on B: a plain local hit, the remote is not involved
    kb2.ok("n = 3")
    ev = one_event(kb2.ok(CELL, cell_id="big"))
    assert ev["state"] == "hit" and ev.get("remote") is None and ev["reason"] is None, ev

    # a function in plain Python: A stores it (the push finishes before the script exits), B's script hits
    (a.work / "fn.py").write_text(FUNC)
    (b.work / "fn.py").write_text(FUNC)
    r = subprocess.run([PY, "fn.py", "7"], cwd=a.work, env=a.env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "300000", r.stderr
    assert not pushqueue.pending(str(a.store))
    r = subprocess.run([PY, "fn.py", "7"], cwd=b.work, env=b.env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "300000", r.stderr
    assert not (b.work / "ran.log").exists()  # B did not run the function: its result came from the team cache
    assert (a.work / "ran.log").read_text() == "fn\n"


def _toggled_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # the witness of a run: the setup cell's audit hook appends the body's name to runs.log through an fd opened
    # before, outside what the cache sees (a time.time_ns() stamp served before; a cell reading the clock declines)
    setup = ("import os, sys\nbase = 6\n_fd = os.open('runs.log', os.O_WRONLY | os.O_CREAT | os.O_APPEND)\n"
             "sys.addaudithook(lambda e, a, _fd=_fd: os.write(_fd, a[0].encode()) if e == 'xetcache.test.ran' else None)")
    nb.cells = [nbformat.v4.new_code_cell(setup, id="setup"),
                nbformat.v4.new_code_cell("import time\nsys.audit('xetcache.test.ran', 'slow')\ntime.sleep(0.3)\n"
                                          "result = base * 7\nprint('computed', result)", id="slow"),
                nbformat.v4.new_code_cell("print('witness', result)", id="witness")]
    nb.cells[1].metadata["xetcache"] = {"enabled": True}
    path = folder / "analysis.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_headless_runs_use_the_same_remote(weed, tmp_path):
    import nbformat

    bucket = _bucket(weed, "headless")
    a, b = Machine(tmp_path / "a", weed, bucket), Machine(tmp_path / "b", weed, bucket)
    for m in (a, b):
        _toggled_notebook(m.work)
    r = subprocess.run([PY, "-m", "xetcache", "run", "analysis.ipynb", "-o", "out.ipynb", "--threshold", "0.1",
                        "--json"], cwd=a.work, env=a.env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    a.wait_pushed(60)
    assert len(remote_entries(weed, bucket)) == 1
    r = subprocess.run([PY, "-m", "xetcache", "run", "analysis.ipynb", "-o", "out.ipynb", "--threshold", "0.1",
                        "--json"], cwd=b.work, env=b.env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [(c["cell_id"], c["state"]) for c in report["cells"]] == [("slow", "hit")], report
    nb = nbformat.read(str(b.work / "out.ipynb"), as_version=4)
    meta = nb.cells[1].metadata["xetcache_run"]
    assert meta["reason"].startswith("from the team cache"), meta
    wa = nbformat.read(str(a.work / "out.ipynb"), as_version=4).cells[2].outputs[0]["text"]
    wb = nb.cells[2].outputs[0]["text"]
    assert wa == wb
    assert (a.work / "runs.log").read_text() == "slow" and (b.work / "runs.log").read_text() == ""  # B restored A's run


# ---- lazy ------------------------------------------------------------------------------------------------------
def test_a_lazy_first_hit_fetches_only_that_entrys_objects(weed, tmp_path, kernel_factory):
    bucket = _bucket(weed, "lazy")
    a, b = Machine(tmp_path / "a", weed, bucket), Machine(tmp_path / "b", weed, bucket)
    ka = a.kernel(kernel_factory)
    ka.ok("n = 2")
    events = [one_event(ka.ok(src, cell_id=cid)) for cid, src in (("small", CELL), ("other", OTHER), ("big", BIG))]
    assert [e["state"] for e in events] == ["stored"] * 3, events
    a.wait_pushed()
    by_key = {m["key"]: m for m in a.manifests()}
    big_key = events[2]["key"]
    assert len(remote_entries(weed, bucket)) == 3

    kb = b.kernel(kernel_factory)
    ev = one_event(kb.ok(BIG, cell_id="big"))
    assert ev["state"] == "hit", json.dumps(ev)
    want = needed_oids(by_key[big_key])
    assert b.local_objects() == sorted(want)  # that entry's objects and nothing else
    assert ev["remote"]["objects"] == len(want)
    assert ev["remote"]["bytes"] == by_key[big_key]["total_bytes"] > 40_000_000  # several ranged parts
    assert [m["key"] for m in b.manifests()] == [big_key]
    assert kb.value("hashlib.sha256(big).hexdigest()") == ka.value("hashlib.sha256(big).hexdigest()")

    # `xetcache pull` brings the rest, and only what is missing
    r = b.cli("pull")
    assert "pulled 2 entries" in r.stderr and "1 already here" in r.stderr, r.stderr
    assert sorted(m["key"] for m in b.manifests()) == sorted(by_key)
    assert b.local_objects() == a.local_objects()
    st = json.loads(b.cli("status", "--json", check=False).stdout)  # the LFS half is the TypeScript CLI's
    assert st["remote"]["remote_not_local"] == [] and st["remote"]["queue"] == [], st["remote"]


# ---- interrupted pushes ----------------------------------------------------------------------------------------
def _store_big_entry(store: Path, monkeypatch, mib: int, whole: bool) -> str:
    """An entry of ``mib`` MiB of random bytes, queued for a push (stored with the remote off, pushed by the CLI).
    ``whole``: as one large object (a cell's outputs stay one object: a multipart upload); else as a value
    (content-defined chunks: many small objects)."""
    monkeypatch.setenv("XETCACHE_REMOTE", "off")
    s = Storage(str(store))
    blob = os.urandom(mib << 20)
    key = ("f" if whole else "e") * 63 + str(mib % 10)
    if whole:
        text = blob.hex()[: mib << 20]
        kw = dict(variables={"x": 1}, outputs=[{"output_type": "stream", "name": "stdout", "text": text}])
    else:
        kw = dict(variables={"return": blob}, outputs=None)
    s.save(key=key, kind="function", runtime_s=9.0, source={"code_sha256": "0" * 64, "preview": "big", "qualname": "big"},
           inputs={}, outputs_names=list(kw["variables"]), namespace=None, **kw)
    monkeypatch.delenv("XETCACHE_REMOTE")
    pushqueue.enqueue(str(store), key)
    return key


def _start_push(m: Machine, workers: str = "2") -> subprocess.Popen:
    env = m.env(XETCACHE_REMOTE_PART_MB="5", XETCACHE_REMOTE_WORKERS=workers)
    return subprocess.Popen([PY, "-m", "xetcache.cli", "--store", str(m.store), "push"], cwd=m.work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_sent(m: Machine, key: str, at_least: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while True:
        q = pushqueue.read(str(m.store), key) or {}
        if int(q.get("bytes_done") or 0) >= at_least:
            return
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, q
        time.sleep(0.05)


def test_the_server_killed_during_a_push_leaves_no_entry_and_the_push_resumes(weed, tmp_path, monkeypatch):
    bucket = _bucket(weed, "kill")
    a, b = Machine(tmp_path / "a", weed, bucket), Machine(tmp_path / "b", weed, bucket)
    key = _store_big_entry(a.store, monkeypatch, 60, whole=True)
    m = Storage(str(a.store)).lookup(key, remote=False)
    assert max(os.path.getsize(a.store / "objects" / "sha256" / o[:2] / o) for o in needed_oids(m)) > 50 << 20
    push = _start_push(a)
    _wait_sent(a, key, 20 << 20, push)
    weed.kill()
    out, err = push.communicate(timeout=120)
    assert push.returncode == 1, err
    assert "not pushed" in err and "`xetcache push` again resumes" in err, err
    q = pushqueue.read(str(a.store), key)
    assert q["state"] == "failed" and q["error"]["reason_code"] in ("EREMOTEDOWN", "EREMOTESLOW"), q

    weed.start()
    assert remote_entries(weed, bucket) == []  # no reader sees a half entry: the manifest goes last
    assert b.cli("pull", check=False).returncode == 0 and b.manifests() == []
    st = a.cli("status")
    assert "waiting to be pushed: 1 entry" in st.stdout and "failed" in st.stdout, st.stdout

    r = a.cli("push", env=a.env(XETCACHE_REMOTE_PART_MB="5"))
    assert f"pushed {key[:12]}" in r.stderr and "resumed: " in r.stderr, r.stderr  # the parts sent before stay
    assert not (a.store / "tmp" / "remote" / "uploads").exists() or not any((a.store / "tmp" / "remote" / "uploads").iterdir())
    assert remote_entries(weed, bucket) == [key]
    assert pushqueue.pending(str(a.store)) == []
    b.cli("pull")
    got = Storage(str(b.store)).load_outputs(b.manifests()[0])
    assert got == Storage(str(a.store)).load_outputs(a.manifests()[0]) and len(got[0]["text"]) == 60 << 20


def test_a_push_whose_process_was_killed_resumes(weed, tmp_path, monkeypatch):
    """A value stored as content-defined chunks (many objects) goes up as one pack: the parts of it sent before
    the crash are not sent again."""
    bucket = _bucket(weed, "crash")
    a = Machine(tmp_path / "a", weed, bucket)
    key = _store_big_entry(a.store, monkeypatch, 120, whole=False)
    assert len(needed_oids(Storage(str(a.store)).lookup(key, remote=False))) > 50
    push = _start_push(a, workers="1")
    _wait_sent(a, key, 30 << 20, push)
    push.send_signal(signal.SIGKILL)
    push.wait(30)
    assert remote_entries(weed, bucket) == [] and weed.keys(bucket, "team/index/") == []
    r = a.cli("push", env=a.env(XETCACHE_REMOTE_PART_MB="5"))
    assert "resumed: " in r.stderr, r.stderr  # the parts sent before the crash are not sent again
    assert remote_entries(weed, bucket) == [key]
    assert set(remote_objects(weed, bucket)) == set(needed_oids(Storage(str(a.store)).lookup(key, remote=False)))


def test_a_new_version_moves_only_the_chunks_that_changed(weed, tmp_path, monkeypatch):
    """Only objects the remote lacks are uploaded, and only objects not local are fetched: a second version of a
    48 MiB value that differs in 4 KiB goes up and comes down as a few chunks."""
    bucket = _bucket(weed, "versions")
    a, b = Machine(tmp_path / "a", weed, bucket), Machine(tmp_path / "b", weed, bucket)
    v1 = os.urandom(48 << 20)
    v2 = bytearray(v1)
    v2[20 << 20:(20 << 20) + 4096] = os.urandom(4096)
    monkeypatch.setenv("XETCACHE_REMOTE", "off")
    keys = []
    for i, value in enumerate((v1, bytes(v2))):
        keys.append(str(i + 1) * 64)
        Storage(str(a.store)).save(key=keys[-1], kind="function", variables={"return": value}, outputs=None,
                                   runtime_s=5.0, source={"code_sha256": "0" * 64, "preview": "v", "qualname": "v"},
                                   inputs={}, outputs_names=["return"], namespace=None)
    monkeypatch.delenv("XETCACHE_REMOTE")
    first = json.loads(a.cli("push", keys[0], "--json").stdout)
    second = json.loads(a.cli("push", keys[1], "--json").stdout)
    assert first["pushed"] == [keys[0]] and first["bytes"] > 48 << 20 - 1, first
    assert second["pushed"] == [keys[1]] and 0 < second["bytes"] < 6 << 20, second
    assert second["skipped_bytes"] > 40 << 20, second
    pulled = json.loads(b.cli("pull", keys[0], "--json").stdout)
    assert pulled["bytes"] > 48 << 20 - 1
    pulled = json.loads(b.cli("pull", keys[1], "--json").stdout)
    assert 0 < pulled["bytes"] < 6 << 20, pulled
    assert Storage(str(b.store)).load_variables(b.manifests()[1])["return"] == bytes(v2)


# ---- permissions -----------------------------------------------------------------------------------------------
def test_a_read_only_key_pulls_but_never_writes(weed, tmp_path, kernel_factory):
    bucket = _bucket(weed, "readonly")
    a = Machine(tmp_path / "a", weed, bucket)
    ka = a.kernel(kernel_factory)
    ka.ok("n = 1")
    assert one_event(ka.ok(CELL, cell_id="c"))["state"] == "stored"
    a.wait_pushed()
    before = weed.keys(bucket)

    b = Machine(tmp_path / "b", weed, bucket, creds=weedutil.RO)
    out = b.remote_set_output
    assert out.returncode == 0, out
    assert "can read:    yes" in out.stdout and "can write:   no" in out.stdout, out.stdout
    assert "read-only credentials are a working set-up" in out.stdout

    kb = b.kernel(kernel_factory)
    # every line the engine says (a frontend notice, or stderr), whichever cell runs when the background push says it
    kb.ok("import xetcache.lfs.notice as _n\n_said = []\n_say = _n.say\n_n.say = lambda t: (_said.append(t), _say(t))")
    kb.ok("n = 1")
    assert one_event(kb.ok(CELL, cell_id="c"))["state"] == "hit"
    assert one_event(kb.ok(OTHER, cell_id="o"))["state"] == "stored"
    deadline = time.monotonic() + 30
    while not kb.value("[t for t in _said if 'pull-only' in t]"):  # the background push finds out, says so once
        assert time.monotonic() < deadline, kb.value("_said")
        time.sleep(0.3)
    kb.ok("n = 2")
    ev = one_event(kb.ok(OTHER, cell_id="o"))
    assert ev["state"] == "stored" and "not pushed: the team cache" in ev["reason"] and "pull-only" in ev["reason"]
    time.sleep(1)
    said = kb.value("[t for t in _said if 'pull-only' in t]")
    assert len(said) == 1 and "these credentials may not write" in said[0], said
    assert weed.keys(bucket) == before  # nothing written by B, not even an object
    r = b.cli("push", "--all", check=False)
    assert r.returncode == 1 and "read-only credentials pull, never push" in r.stderr, r.stderr
    assert weed.keys(bucket) == before


def test_wrong_credentials_or_a_dead_server_say_why_and_cells_still_run(weed, tmp_path, kernel_factory):
    bucket = _bucket(weed, "wrongkey")
    a = Machine(tmp_path / "a", weed, bucket, creds=(weedutil.RW[0], "not-the-secret"))
    out = a.remote_set_output
    assert out.returncode == 1 and "the credentials were refused" in out.stdout, out
    assert "EREMOTEAUTH" in a.cli("remote", "--json", check=False).stdout
    k = a.kernel(kernel_factory)
    k.ok("n = 1")
    r = k.ok(CELL, cell_id="c")
    ev = one_event(r)
    assert r.stream() == "computing 1\n"  # the cell ran
    assert ev["state"] == "stored" and ev["remote"]["reason_code"] == "EREMOTEAUTH", ev
    assert "team cache not used (EREMOTEAUTH): the credentials were refused" in ev["reason"], ev

    dead = Machine(tmp_path / "dead", weed, bucket)
    cfg = json.loads((dead.store / "remote.json").read_text())
    cfg["endpoint"] = f"http://127.0.0.1:{weedutil.free_ports(1)[0]}"
    (dead.store / "remote.json").write_text(json.dumps(cfg))
    k = dead.kernel(kernel_factory)
    k.ok("n = 1")
    t0 = time.monotonic()
    ev = one_event(k.ok(CELL, cell_id="c"))
    assert time.monotonic() - t0 < 10
    assert ev["state"] == "stored" and "team cache not used (EREMOTEDOWN): connection refused" in ev["reason"], ev
    k.ok("n = 2")
    ev = one_event(k.ok(CELL, cell_id="c"))
    assert "(not asked again yet)" in ev["reason"], ev
    r = dead.cli("remote", check=False)
    assert r.returncode == 1 and "reachable:   no" in r.stdout, r.stdout


def test_entries_keep_their_layout_on_the_remote(weed, tmp_path, kernel_factory):
    """The bucket's layout (spec/FORMAT.md section 5): STORE, entries/<k0k1>/<key>.json with the store's bytes,
    where/<k0k1>/<key>.json locating each object the entry needs in a pack, index/<pack>.json, and packs whose
    ranges hash to the objects' names."""
    import hashlib

    bucket = _bucket(weed, "layout")
    a = Machine(tmp_path / "a", weed, bucket)
    k = a.kernel(kernel_factory)
    k.ok("n = 1")
    key = one_event(k.ok(CELL, cell_id="c"))["key"]
    a.wait_pushed()
    c = weed.client()
    assert c.get_object(Bucket=bucket, Key="team/STORE")["Body"].read() == layout.STORE_TEXT.encode()
    body = c.get_object(Bucket=bucket, Key=f"team/entries/{key[:2]}/{key}.json")["Body"].read()
    assert body == (a.store / "entries" / key[:2] / f"{key}.json").read_bytes()
    where = json.loads(c.get_object(Bucket=bucket, Key=f"team/where/{key[:2]}/{key}.json")["Body"].read())
    assert where["key"] == key and set(where["objects"]) == set(needed_oids(json.loads(body)))
    held = remote_objects(weed, bucket)
    for oid, (pack, off, size) in where["objects"].items():
        assert held[oid] == (pack, off, size) and pack.startswith(key + "-")
        got = c.get_object(Bucket=bucket, Key=f"team/packs/{pack}", Range=f"bytes={off}-{off + size - 1}")
        assert hashlib.sha256(got["Body"].read()).hexdigest() == oid
