"""Storage integrity: hash check before any unpickle, quarantine, LFS pointers, unpicklable values, byte budget,
concurrent writers."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from xetcache import CorruptObjectError, ObjectNotLocalError, StoreFullError, Storage, UnpicklableError, config
from xetcache.lfs import hooks as lfs_hooks
from xetcache.store.manifest import needed_oids

SHA = "c" * 64
KEY = "1" * 64


def touch(path):
    """Side effect run by unpickling a Tripwire: proves whether anything was unpickled."""
    Path(path).write_text("unpickled")
    return "tripwire"


class Tripwire:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (touch, (self.path,))


@pytest.fixture
def store(tmp_path):
    config.reset()
    yield Storage(str(tmp_path / ".xetcache"))
    config.reset()


def save(store, variables, key=KEY):
    return store.save(key=key, kind="function", variables=variables, outputs=None, runtime_s=1.0,
                      source={"code_sha256": SHA, "preview": "", "qualname": "m:f"}, inputs={},
                      outputs_names=["return"], namespace=None)


def flip_byte(path, offset=-1):
    data = bytearray(Path(path).read_bytes())
    data[offset] ^= 0x01
    os.chmod(path, 0o644)
    Path(path).write_bytes(bytes(data))


def test_flipped_byte_is_quarantined_and_nothing_is_unpickled(store, tmp_path):
    wire = tmp_path / "wire.txt"
    m = save(store, {"a": Tripwire(str(wire)), "b": np.arange(1 << 17, dtype=np.float64)})
    assert store.load_variables(m)["a"] == "tripwire"  # the tripwire works when the entry is intact
    wire.unlink()
    bad = m["variables"]["b"]["objects"][1]  # corrupt the *second* variable's buffer
    flip_byte(store.object_path(bad), 1000)
    with pytest.raises(CorruptObjectError) as ei:
        store.load_variables(m)
    assert ei.value.code == "ECORRUPT" and ei.value.oid == bad
    assert not wire.exists()  # 'a' was verified but not unpickled, because 'b' failed verification first
    assert (Path(store.path) / "quarantine" / bad).exists()
    assert not os.path.exists(store.object_path(bad))
    # next time the object is simply missing: still a miss, still nothing unpickled
    with pytest.raises(ObjectNotLocalError):
        store.load_variables(m)
    assert not wire.exists()


def test_corrupt_pickle_stream_is_never_loaded(store, tmp_path):
    wire = tmp_path / "wire.txt"
    m = save(store, {"a": Tripwire(str(wire))})
    flip_byte(store.object_path(m["variables"]["a"]["objects"][0]), 0)
    with pytest.raises(CorruptObjectError):
        store.load_variables(m)
    assert not wire.exists()


def test_corrupt_chunk_of_a_large_value_is_detected_and_quarantined(store):
    arr = np.random.default_rng(1).random(3 << 20)  # 24 MiB: stored as content-defined chunks
    m = save(store, {"big": arr})
    (cid, parts), = m["chunks"].items()
    assert m["format"] == 2 and m["variables"]["big"]["objects"][1] == cid and len(parts) > 10
    oid = parts[len(parts) // 2][0]
    flip_byte(store.object_path(oid), 12345)
    with pytest.raises(CorruptObjectError):
        store.load_variables(m)
    assert (Path(store.path) / "quarantine" / oid).exists()


def test_corrupt_large_whole_object_is_detected(store, monkeypatch):
    """A large object stored whole (a store made before chunks) is read into this process's memory, hashed there,
    and only then unpickled: never from a mapping of the file (another process could rewrite it in between)."""
    from xetcache.store import chunking

    monkeypatch.setattr(chunking, "THRESHOLD", 1 << 40)
    arr = np.ones(3 << 20, dtype=np.float64)
    m = save(store, {"big": arr})
    assert m["format"] == 1 and "chunks" not in m
    np.testing.assert_array_equal(store.load_variables(m)["big"], arr)
    oid = m["variables"]["big"]["objects"][1]
    flip_byte(store.object_path(oid), 12345)
    with pytest.raises(CorruptObjectError):
        store.load_variables(m)
    assert (Path(store.path) / "quarantine" / oid).exists()


def pointer_text(oid, size):
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def test_lfs_pointer_calls_the_hook_then_misses_without_quarantine(store, monkeypatch):
    m = save(store, {"arr": np.arange(1 << 16, dtype=np.float64)})
    oid = m["variables"]["arr"]["objects"][1]
    path = Path(store.object_path(oid))
    content = path.read_bytes()
    path.write_text(pointer_text(oid, len(content)))
    calls = []
    monkeypatch.setattr(lfs_hooks, "fetch_objects", lambda d, oids: calls.append((d, list(oids))) or False)
    with pytest.raises(ObjectNotLocalError) as ei:
        store.load_variables(m)
    assert ei.value.code == "ENOTLOCAL" and ei.value.oids == [oid]
    assert isinstance(ei.value, CorruptObjectError)  # callers that treat corrupt as a miss treat this as one too
    assert calls == [(store.path, [oid])]
    assert path.exists() and not (Path(store.path) / "quarantine").exists()

    def fetch(d, oids):  # a hook that "fetches": the bytes come back, the entry loads
        path.write_bytes(content)
        return True

    monkeypatch.setattr(lfs_hooks, "fetch_objects", fetch)
    np.testing.assert_array_equal(store.load_variables(m)["arr"], np.arange(1 << 16, dtype=np.float64))


def test_load_entry_fetches_the_pointers_of_variables_and_outputs_in_one_call(store, monkeypatch):
    outputs = [{"output_type": "stream", "name": "stdout", "text": "x" * 2000}]
    m = store.save(key=KEY, kind="cell", variables={"a": np.arange(1 << 16), "b": "small"}, outputs=outputs,
                   runtime_s=1.0, source={"code_sha256": SHA, "preview": ""}, inputs={}, outputs_names=["a", "b"],
                   namespace=None)
    oids = [o for v in m["variables"].values() for o in v["objects"]] + [m["outputs"]["object"]]
    content = {o: Path(store.object_path(o)).read_bytes() for o in oids}
    for o in oids:
        Path(store.object_path(o)).write_text(pointer_text(o, len(content[o])))
    calls = []

    def fetch(d, wanted):
        calls.append(sorted(wanted))
        for o in wanted:
            Path(store.object_path(o)).write_bytes(content[o])
        return True

    monkeypatch.setattr(lfs_hooks, "fetch_objects", fetch)
    variables, got_outputs = store.load_entry(m)
    assert calls == [sorted(set(oids))]  # one fetch for the whole entry, not one per part
    np.testing.assert_array_equal(variables["a"], np.arange(1 << 16))
    assert variables["b"] == "small" and got_outputs == outputs


def test_pointer_outside_a_git_repo_is_a_miss_with_the_real_hook(store):
    m = save(store, {"arr": np.arange(1 << 16, dtype=np.float64)})
    oid = m["variables"]["arr"]["objects"][1]
    Path(store.object_path(oid)).write_text(pointer_text(oid, 1 << 19))
    with pytest.raises(ObjectNotLocalError):
        store.load_variables(m)


def test_unpicklable_value_names_the_variable_and_writes_nothing(store):
    with pytest.raises(UnpicklableError) as ei:
        save(store, {"ok": np.arange(1 << 16), "lock": threading.Lock()})
    assert ei.value.code == "EUNPICKLABLE" and ei.value.variable == "lock"
    with pytest.raises(UnpicklableError) as ei:
        save(store, {"fn": lambda x: x})
    assert ei.value.variable == "fn"
    root = Path(store.path)
    assert list((root / "entries").rglob("*.json")) == []
    assert [p for p in (root / "objects").rglob("*") if p.is_file()] == []
    assert list((root / "tmp").iterdir()) == []
    assert store.lookup(KEY) is None


def test_byte_budget_refuses_with_store_full(store):
    save(store, {"a": np.zeros(1 << 16)}, key="a" * 64)
    config.set_byte_budget(600_000)
    with pytest.raises(StoreFullError) as ei:
        save(store, {"b": np.ones(1 << 16)}, key="b" * 64)
    assert ei.value.code == "ESTOREFULL"
    assert store.lookup("b" * 64) is None
    config.set_byte_budget(None)
    save(store, {"b": np.ones(1 << 16)}, key="b" * 64)


WRITER = r"""
import sys
sys.path.insert(0, sys.argv[3])
import numpy as np
from xetcache import Storage
start = float(sys.argv[2])
import time
while time.time() < start:
    pass
st = Storage(sys.argv[1])
arr = np.arange(2_000_000, dtype=np.float64)  # 16 MiB: the slow part of a save, so the writers overlap
for _ in range(3):
    st.save(key="9" * 64, kind="function", variables={"return": arr}, outputs=None, runtime_s=5.0,
            source={"code_sha256": "c" * 64, "preview": ""}, inputs={"x": "d" * 64}, outputs_names=["return"],
            namespace=None)
"""


def test_two_processes_storing_the_same_key_leave_one_valid_entry(tmp_path):
    import time

    path = str(tmp_path / ".xetcache")
    start = str(time.time() + 1.0)
    pkg = str(Path(__file__).resolve().parents[1])
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, path, start, pkg]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    st = Storage(path)
    manifests = list(Path(path, "entries").rglob("*.json"))
    assert len(manifests) == 1
    m = st.lookup("9" * 64)
    assert json.loads(manifests[0].read_text()) == m
    np.testing.assert_array_equal(st.load_variables(m)["return"], np.arange(2_000_000, dtype=np.float64))
    assert list(Path(path, "tmp").iterdir()) == []
    objects = [p for p in Path(path, "objects").rglob("*") if p.is_file()]
    assert sorted(p.name for p in objects) == sorted(needed_oids(m))
