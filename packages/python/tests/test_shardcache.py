"""ShardCache and what Storage builds on it: entries_for_cell parses only manifests that are new or changed, and
still sees every change made behind its back (another writer, git pull, eviction); the byte budget counts objects
written by others. Storage finds a cell's entries through the engine's index on disk (engineindex.py) and, when
that cannot be used, through ShardCache: both are run ("index", "scan")."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from xetcache import StoreFullError, Storage, config
from xetcache.store.shardcache import RACY_NS, ShardCache

SHA = "c" * 64
OLD = 1_000_000_000  # a timestamp (2001) far outside the racy window


@pytest.fixture(params=["index", "scan"])
def store(tmp_path, request):
    config.reset()
    st = Storage(str(tmp_path / ".xetcache"))
    if request.param == "scan":
        st._index._failed = True  # as when SQLite is missing or the store is read-only
    yield st
    config.reset()


def parsed(store):
    """Manifests read to answer entries_for_cell so far."""
    return store._cells.computed if store._index._failed else store._index.parsed


def save(store, key, cell_id="c1", notebook="nb.ipynb", value=1):
    return store.save(key=key, kind="cell", variables={"x": value}, outputs=None, runtime_s=4.0,
                      source={"notebook": notebook, "cell_id": cell_id, "code_sha256": SHA, "preview": ""},
                      inputs={}, outputs_names=["x"], namespace=None)


def age(root):
    """Move every mtime below `root` into the past, as if written long ago (no longer racy)."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(dirpath, name), ns=(OLD, OLD))
        os.utime(dirpath, ns=(OLD, OLD))


def test_unchanged_manifests_are_not_parsed_again(store):
    for i in range(40):
        save(store, f"{i:02d}" + "a" * 62, cell_id=f"c{i % 4}")
    age(Path(store.path, "entries"))
    assert len(store.entries_for_cell("nb.ipynb", "c1")) == 10
    first = parsed(store)
    assert first == 40
    assert len(store.entries_for_cell("nb.ipynb", "c2")) == 10
    assert parsed(store) == first  # nothing changed: not one manifest read to find the cell's entries
    save(store, "ff" + "b" * 62, cell_id="c2")
    age(Path(store.path, "entries"))
    assert len(store.entries_for_cell("nb.ipynb", "c2")) == 11
    assert parsed(store) == first + 1  # only the new manifest


def test_a_new_process_parses_nothing_when_nothing_changed(store):
    """The engine's index is on disk: the first cached run in a fresh kernel reads no manifest to find a cell's
    entries, however many the store holds (ShardCache, in memory, starts from scratch in every process)."""
    if store._index._failed:
        pytest.skip("the index is what makes this hold")
    for i in range(30):
        save(store, f"{i:02d}" + "a" * 62, cell_id=f"c{i % 3}")
    age(Path(store.path, "entries"))
    assert len(store.entries_for_cell("nb.ipynb", "c1")) == 10
    fresh = Storage(store.path)
    assert len(fresh.entries_for_cell("nb.ipynb", "c1")) == 10
    assert fresh._index.parsed == 0
    os.remove(fresh._index.path)  # derived: deleting it only costs one rebuild
    again = Storage(store.path)
    assert len(again.entries_for_cell("nb.ipynb", "c1")) == 10 and again._index.parsed == 30


def test_manifests_arriving_behind_its_back_are_seen(store, tmp_path):
    a = save(store, "a" * 64)
    age(Path(store.path, "entries"))
    assert [m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")] == [a["key"]]
    # another clone's manifest, written by `git pull` (not through this Storage)
    other = Storage(str(tmp_path / "other" / ".xetcache"))
    b = save(other, "b" * 64)
    dest = Path(store.manifest_path(b["key"]))
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(other.manifest_path(b["key"]), dest)
    for oid in b["variables"]["x"]["objects"]:
        Path(store.object_path(oid)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(other.object_path(oid), store.object_path(oid))
    assert {m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")} == {a["key"], b["key"]}
    os.unlink(store.manifest_path(a["key"]))  # evicted by the server
    assert [m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")] == [b["key"]]


def test_a_manifest_rewritten_in_place_within_the_racy_window_is_read_again(store):
    m = save(store, "a" * 64, cell_id="c1")
    assert len(store.entries_for_cell("nb.ipynb", "c1")) == 1
    path = Path(store.manifest_path(m["key"]))
    st = path.stat()
    text = path.read_text().replace('"cell_id": "c1"', '"cell_id": "c9"')  # same size, same directory
    with open(path, "r+") as f:  # in place: the directory's mtime does not change
        f.write(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even the file's stamp looks unchanged
    assert store.entries_for_cell("nb.ipynb", "c1") == []  # was racy when first read, so it is read again
    assert [x["key"] for x in store.entries_for_cell("nb.ipynb", "c9")] == [m["key"]]


def test_a_store_folder_deleted_and_recreated_is_rescanned(store, tmp_path):
    save(store, "a" * 64)
    assert len(store.entries_for_cell("nb.ipynb", "c1")) == 1
    shutil.rmtree(Path(store.path, "entries"))
    assert store.entries_for_cell("nb.ipynb", "c1") == []
    Path(store.path, "entries").mkdir()
    save(store, "b" * 64)
    assert [m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")] == ["b" * 64]


def test_the_byte_budget_counts_objects_written_by_another_process(store, tmp_path):
    save(store, "a" * 64, value=np.zeros(1 << 16))  # 512 KiB each
    config.set_byte_budget(10 << 20)
    save(store, "b" * 64, value=np.ones(1 << 16))  # primes this process's cached total (~1.05 MB)
    age(Path(store.path, "objects"))
    other = Storage(store.path)  # another kernel on the same folder
    other.save(key="c" * 64, kind="function", variables={"r": np.full(1 << 16, 2.0)}, outputs=None, runtime_s=1.0,
               source={"code_sha256": SHA}, inputs={}, outputs_names=["r"], namespace=None)
    config.set_byte_budget(1_600_000)  # a, b and d fit (~1.57 MB); with c (another 0.52 MB) they do not
    with pytest.raises(StoreFullError):  # the cached total must include the other writer's object
        save(store, "d" * 64, value=np.full(1 << 16, 3.0))
    os.unlink(other.object_path(other.lookup("c" * 64)["variables"]["r"]["objects"][1]))  # gc removed it
    save(store, "d" * 64, value=np.full(1 << 16, 3.0))


def test_shard_cache_values_follow_files(tmp_path):
    root = tmp_path / "root"
    (root / "ab").mkdir(parents=True)
    (root / "ab" / "x").write_bytes(b"12345")
    (root / "not-a-shard").write_bytes(b"ignored")
    cache = ShardCache(str(root), lambda _p, st: st.st_size)
    assert dict(cache.items()) == {"x": 5}
    (root / "cd").mkdir()
    (root / "cd" / "y").write_bytes(b"1")
    (root / "ab" / "x").write_bytes(b"123")
    assert dict(cache.items()) == {"x": 3, "y": 1}
    shutil.rmtree(root / "ab")
    assert dict(cache.items()) == {"y": 1}
    shutil.rmtree(root)
    assert dict(cache.items()) == {}
    assert RACY_NS >= 1_000_000_000  # at least the coarsest mtime granularity of common file systems
