"""Fuzz the index server from its OpenAPI document (issue 10): schemathesis generates requests from
server/openapi.yaml — valid ones, invalid ones, unsupported methods, missing token — against the real server
(`xetcache serve --port` with a token, run from server/src like test_git_lfs_e2e.py, so it is always the code in the
tree) over a real store with entries the engine wrote, and every check
must pass: no 5xx, every status and body as the document says, valid data accepted, invalid data refused, 405 with
Allow, 401 without the token.

Bounded (a fixed number of examples per operation, one worker) so it takes about a minute; XETCACHE_FUZZ_EXAMPLES
and XETCACHE_FUZZ_SEED make a longer or different run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PKG_DIR = Path(__file__).resolve().parents[1]
SERVER = REPO / "server"
OPENAPI = SERVER / "openapi.yaml"
ST = Path(sys.executable).parent / "schemathesis"
TSX = REPO / "node_modules" / ".bin" / "tsx"
CLI = SERVER / "src" / "cli" / "run.ts"

pytestmark = [
    pytest.mark.skipif(not TSX.exists() or shutil.which("node") is None, reason="no npm workspace (npm ci) or node"),
    pytest.mark.skipif(not ST.exists(), reason="schemathesis is not installed (requirements-dev.txt)"),
]

FUNC = ("import xetcache\n"
        "@xetcache.xetmemo(always=True)\n"
        "def heavy(k):\n"
        "    return bytes([k]) * 3000\n"
        "for k in range(4):\n"
        "    heavy(k)\n")


def _store_with_entries(root: Path) -> Path:
    """root/work/.xetcache with four entries, written by the Python engine as a user's script would."""
    work = root / "work"
    work.mkdir(parents=True)
    (work / "fn.py").write_text(FUNC)
    env = {**os.environ, "PYTHONPATH": str(PKG_DIR) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "fn.py"], cwd=work, env=env, check=True, timeout=120)
    store = work / ".xetcache"
    assert len(list((store / "entries").glob("*/*.json"))) == 4
    return store


@pytest.fixture
def server(tmp_path):
    """`xetcache serve --port 0` with a token from the environment, on a free TCP port."""
    root = tmp_path / "root"
    store = _store_with_entries(root)
    token = secrets.token_hex(24)
    proc = subprocess.Popen([str(TSX), str(CLI), "serve", "--root", str(root), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "XETCACHE_TOKEN": token})
    try:
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line + proc.stderr.read()
        base = line.split("listening on ")[1].split()[0]
        yield {"base": base, "token": token, "root": root, "store": store, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(srv: dict, path: str) -> dict:
    req = urllib.request.Request(srv["base"] + path, headers={"Authorization": f"token {srv['token']}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _config(srv: dict, tmp: Path) -> Path:
    """Real store, keys and object ids offered as dictionary values: generated requests reach the entries
    (hits, evict, objects) some of the time instead of only ever answering 404."""
    entries = _get(srv, "/api/entries?store=work/.xetcache")["entries"]
    keys = [e["key"] for e in entries]
    oids = sorted({o for k in keys for v in _get(srv, f"/api/entries/{k}?store=work/.xetcache")["manifest"]
                   ["variables"].values() for o in v["objects"]})
    q = json.dumps
    cfg = tmp / "schemathesis.toml"
    cfg.write_text("\n".join([
        "[dictionaries.stores]", f"values = {q(['work/.xetcache', 'work', 'work/.xetcache/entries'])}",
        "[dictionaries.keys]", f"values = {q(keys)}",
        "[dictionaries.oids]", f"values = {q(oids)}",
        "[parameters]",
        '"query.store" = { dictionary = "stores", probability = 0.6 }',
        '"body.store" = { dictionary = "stores", probability = 0.6 }',
        '"path.key" = { dictionary = "keys", probability = 0.6 }',
        '"body.key" = { dictionary = "keys", probability = 0.6 }',
        '"path.oid" = { dictionary = "oids", probability = 0.6 }',
        # An invalid query can be longer than any valid one; past 128 KiB Node refuses it with 431 (documented).
        "[checks.negative_data_rejection]",
        'expected-statuses = ["400", "401", "403", "404", "405", "409", "415", "422", "431"]',
        "",
    ]))
    return cfg


def test_the_server_agrees_with_its_openapi_document_under_fuzzing(server, tmp_path):
    cfg = _config(server, tmp_path)
    examples = os.environ.get("XETCACHE_FUZZ_EXAMPLES", "40")
    seed = os.environ.get("XETCACHE_FUZZ_SEED", "10")
    report = tmp_path / "report.ndjson"
    started = time.monotonic()
    run = subprocess.run(
        [str(ST), "--config-file", str(cfg), "run", str(OPENAPI), "--url", server["base"],
         "-H", f"Authorization: token {server['token']}", "--checks", "all",
         "--max-examples", examples, "--seed", seed, "--workers", "1", "--request-timeout", "30",
         "--report", "ndjson", "--report-ndjson-path", str(report), "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    out = run.stdout + run.stderr
    print(out[-4000:], f"\n(schemathesis took {time.monotonic() - started:.0f} s)")
    assert "Server error" not in out, out[-20000:]
    assert run.returncode == 0, out[-20000:]
    # It really talked to the server: the summary names every operation of the document as tested.
    assert "Selected: 12/12" in out and "Tested: 12" in out, out[-3000:]
    assert server["proc"].poll() is None, "the server died during the run"
    # Nothing the fuzzer sent escaped the served root (the store is the only folder it could change).
    assert sorted(p.name for p in server["root"].iterdir()) == ["work"]
