"""A read-only store (issue 10 item 4), for real: chmod a-w, read by a user the permissions apply to (root ignores
them, so as root the reader runs as `nobody`). Hits load every value (the engine's index and the hit log are best
effort); storing fails with EREADONLY and a message that says hits still work, and leaves nothing behind."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from xetcache import Storage, config

PKG = str(Path(__file__).resolve().parents[1])
SHA = "c" * 64

READER = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from xetcache import Storage
from xetcache.errors import XetCacheError
st = Storage(sys.argv[1], create=False)
m = st.read_manifest("1" * 64)
values = st.load_variables(m)
values = st.load_variables(m)  # again: verified by its stat data in the engine's index, kept in memory here
index = {"connected": st._index._conn() is not None, "in_memory": st._index.in_memory,
         "cell": [e["key"][:4] for e in st.entries_for_cell("nb.ipynb", "c1")]}
try:
    st.save(key="2" * 64, kind="cell", variables={"b": 2}, outputs=None, runtime_s=1.0,
            source={"code_sha256": "c" * 64, "preview": "x"}, inputs={}, outputs_names=["b"], namespace=None)
    code = None
except XetCacheError as e:
    code, message = e.code, str(e)
print(json.dumps({"a": values["a"], "code": code, "message": message, "index": index}))
"""


def _reader():
    """The command that runs a Python the store's permissions apply to: this one, or as root `nobody` running the
    first interpreter nobody may execute (a virtualenv under /root is not one)."""
    if os.geteuid() != 0:
        return [sys.executable]
    if shutil.which("runuser") is None:
        pytest.skip("as root this needs runuser to read as an unprivileged user")
    for exe in (sys.executable, os.path.realpath(sys.executable), "/usr/bin/python3", "/usr/local/bin/python3"):
        cmd = ["runuser", "-u", "nobody", "--", exe]
        if subprocess.run(cmd + ["-c", "import sys; assert sys.version_info >= (3, 9)"],
                          capture_output=True).returncode == 0:
            return cmd
    pytest.skip("no Python interpreter that nobody may run")


def _chmod_tree(root: Path, writable: bool) -> None:
    for p in [root, *root.rglob("*")]:
        mode = p.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        new = (mode | 0o200) if writable else (mode & ~0o222)
        os.chmod(p, (new | (0o555 if p.is_dir() else 0o444)) & 0o7777)


@pytest.fixture
def open_dir():
    """A folder every user can reach (pytest's tmp_path sits under a folder only its owner may enter)."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="xetcache-ro-"))
    d.chmod(0o755)
    yield d
    _chmod_tree(d, writable=True)
    shutil.rmtree(d, ignore_errors=True)


def test_a_read_only_store_serves_hits_and_refuses_to_store_with_ereadonly(open_dir):
    config.reset()
    store_dir = open_dir / ".xetcache"
    st = Storage(str(store_dir))
    st.save(key="1" * 64, kind="cell", variables={"a": [1, 2, 3]}, outputs=None, runtime_s=1.0,
            source={"code_sha256": SHA, "preview": "x", "notebook": "nb.ipynb", "cell_id": "c1"}, inputs={},
            outputs_names=["a"], namespace=None)
    for name in os.listdir(store_dir):  # a fresh clone: no derived index yet
        if name.startswith("index.sqlite"):
            os.unlink(store_dir / name)
    before = sorted(str(p.relative_to(store_dir)) for p in store_dir.rglob("*"))
    _chmod_tree(store_dir, writable=False)
    try:
        r = subprocess.run(_reader() + ["-c", READER, str(store_dir), PKG],
                           capture_output=True, text=True, timeout=120)
    finally:
        _chmod_tree(store_dir, writable=True)
    assert r.returncode == 0, r.stderr
    import json

    got = json.loads(r.stdout)
    assert got["a"] == [1, 2, 3]
    assert got["code"] == "EREADONLY"
    assert "still load" in got["message"]
    assert got["index"] == {"connected": True, "in_memory": True, "cell": ["1111"]}  # the engine's index, in memory
    assert sorted(str(p.relative_to(store_dir)) for p in store_dir.rglob("*")) == before  # nothing written
