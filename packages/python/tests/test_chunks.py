"""Content-defined chunks (issue 13, spec/FORMAT.md "Chunked objects" and "Verified objects"): the chunkers agree,
similar values share chunks, chunked entries restore exactly (functions, cell graphs, large pickle streams),
damage and LFS pointers are found per chunk, a store made before chunks still reads, verified chunks are not hashed
again while their files are unchanged, and what was loaded never follows the file afterwards."""

import hashlib
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from xetcache import CorruptObjectError, ObjectNotLocalError, Storage, StoreFullError, config
from xetcache.lfs import hooks as lfs_hooks
from xetcache.store import chunking, engineindex, loader, manifest as manifests, objects

from conftest import SHA, save_value as save  # the `store` fixture is conftest's too


def object_bytes(store):
    return sum(p.stat().st_size for p in Path(store.path, "objects").rglob("*") if p.is_file())


def data(n, seed=0):
    return np.random.default_rng(seed).random(n // 8)


# ---- the chunkers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["random", "zeros", "arange", "repeats"])
def test_every_chunker_cuts_the_same(kind):
    n = 3 << 20
    buf = {"random": data(n).tobytes(), "zeros": bytes(n), "arange": np.arange(n // 8, dtype=np.float64).tobytes(),
           "repeats": (os.urandom(300_000) * 11)[:n]}[kind]
    cuts = {impl: chunking.chunk_lengths(buf, impl) for impl in chunking.available()}
    assert "python" in cuts
    first = next(iter(cuts.values()))
    assert all(c == first for c in cuts.values()), {k: len(v) for k, v in cuts.items()}
    assert sum(first) == n and max(first) <= chunking.MAX_SIZE and min(first[:-1]) >= chunking.MIN_SIZE
    assert list(chunking.iter_lengths(buf)) == first


def test_small_inputs_are_one_chunk_or_none():
    assert chunking.chunk_lengths(b"") == []
    for impl in chunking.available():
        assert chunking.chunk_lengths(b"x" * 1000, impl) == [1000]


# ---- writing: similar values share chunks ----------------------------------------------------------------------
def test_a_contiguous_change_stores_only_the_chunks_around_it(store):
    a = data(32 << 20)
    m1 = save(store, a, "1" * 64)
    assert m1["format"] == 2 and m1["total_bytes"] >= a.nbytes
    one = object_bytes(store)
    assert one < a.nbytes * 1.01
    b = a.copy()
    b[1_000_000:1_000_000 + 40_000] = 0.5  # 320 KB rewritten
    save(store, b, "2" * 64)
    grew = object_bytes(store) - one
    assert grew < 320_000 + 3 * chunking.MAX_SIZE, grew
    np.testing.assert_array_equal(store.load_variables(store.lookup("2" * 64))["return"], b)
    np.testing.assert_array_equal(store.load_variables(store.lookup("1" * 64))["return"], a)


def test_an_insertion_shifts_the_cuts_with_the_content(store):
    raw = os.urandom(24 << 20)
    save(store, pickle.PickleBuffer(bytearray(raw)), "1" * 64)
    one = object_bytes(store)
    shifted = raw[:5_000_000] + os.urandom(1234) + raw[5_000_000:]
    save(store, pickle.PickleBuffer(bytearray(shifted)), "2" * 64)
    assert object_bytes(store) - one < 3 * chunking.MAX_SIZE
    got = store.load_variables(store.lookup("2" * 64))["return"]
    assert bytes(memoryview(got)) == shifted


def test_storing_the_same_value_again_writes_nothing(store):
    a = data(8 << 20)
    save(store, a, "1" * 64)
    before = sorted(Path(store.path, "objects").rglob("*"))
    m = save(store, a, "2" * 64)
    assert sorted(Path(store.path, "objects").rglob("*")) == before
    assert set(manifests.needed_oids(m)) <= {p.name for p in before}


def test_small_values_stay_format_1(store):
    m = save(store, np.arange(1000))
    assert m["format"] == 1 and "chunks" not in m


def test_a_large_pickle_stream_is_chunked_too(store):
    value = [f"row {i}" for i in range(400_000)]  # no buffers: one big in-band stream
    m = save(store, value)
    assert m["format"] == 2 and m["variables"]["return"]["objects"][0] in m["chunks"]
    assert store.load_variables(store.lookup("a" * 64))["return"] == value


def test_a_cell_graph_with_a_large_buffer(store):
    buf = data(6 << 20)
    stream = pickle.dumps({"bind": {"x": 1}}, protocol=5)
    m = store.save(key="b" * 64, kind="cell", variables={"x": "builtins.int"}, outputs=[{"output_type": "stream",
                   "name": "stdout", "text": "hi\n"}], runtime_s=3.0,
                   source={"notebook": "n.ipynb", "cell_id": "c", "code_sha256": SHA, "preview": "x = 1"},
                   inputs={}, outputs_names=[], namespace=None, state=(stream, [memoryview(buf).cast("B")]),
                   trace={"bound": ["x"]})
    assert m["format"] == 2 and m["state"]["objects"][1] in m["chunks"]
    assert manifests.parse(Path(store.manifest_path("b" * 64)).read_bytes()) == m
    got_stream, buffers, outputs = store.load_state(store.lookup("b" * 64))
    assert bytes(got_stream) == stream and bytes(buffers[0]) == buf.tobytes()
    assert outputs[0]["text"] == "hi\n"


def test_the_byte_budget_counts_shared_chunks_once(store):
    a = data(16 << 20)
    save(store, a, "1" * 64)
    config.set_byte_budget(int(a.nbytes * 1.5))  # a second whole copy would not fit; the shared chunks do
    b = a.copy()
    b[:1000] = 1.0
    save(store, b, "2" * 64)
    with pytest.raises(StoreFullError):
        save(store, data(16 << 20, seed=9), "3" * 64)
    assert store.lookup("3" * 64) is None


# ---- reading: damage, pointers, missing chunks -----------------------------------------------------------------
def chunk_oids(m):
    (parts,) = m["chunks"].values()
    return [oid for oid, _ in parts]


def test_a_chunk_that_is_only_an_lfs_pointer_is_fetched_alone(store, monkeypatch):
    m = save(store, data(12 << 20))
    oid = chunk_oids(m)[2]
    path = Path(store.object_path(oid))
    content = path.read_bytes()
    path.write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(content)}\n")
    calls = []

    def fetch(store_dir, oids):
        calls.append(list(oids))
        path.write_bytes(content)
        return True

    monkeypatch.setattr(lfs_hooks, "fetch_objects", fetch)
    np.testing.assert_array_equal(store.load_variables(m)["return"], data(12 << 20))
    assert calls == [[oid]]  # only the chunk, not the value


def test_a_missing_chunk_is_a_miss_that_names_it(store, monkeypatch):
    m = save(store, data(12 << 20))
    oid = chunk_oids(m)[1]
    os.remove(store.object_path(oid))
    monkeypatch.setattr(lfs_hooks, "fetch_objects", lambda *a: False)
    with pytest.raises(ObjectNotLocalError) as ei:
        store.load_variables(m)
    assert ei.value.oids == [oid]


def test_a_chunk_of_the_wrong_size_is_corrupt(store):
    m = save(store, data(12 << 20))
    oid = chunk_oids(m)[0]
    with open(store.object_path(oid), "ab") as f:
        f.write(b"more")
    with pytest.raises(CorruptObjectError):
        store.load_variables(m)
    assert (Path(store.path) / "quarantine" / oid).exists()


def test_a_store_made_before_chunks_still_reads(store, monkeypatch):
    monkeypatch.setattr(chunking, "THRESHOLD", 1 << 40)  # what the engine wrote before: whole objects, format 1
    a = data(8 << 20)
    old = save(store, a)
    assert old["format"] == 1
    monkeypatch.undo()
    np.testing.assert_array_equal(store.load_variables(store.lookup("a" * 64))["return"], a)
    new = save(store, a, "b" * 64)  # stored again now: chunked, next to the old whole object
    assert new["format"] == 2
    np.testing.assert_array_equal(store.load_variables(store.lookup("b" * 64))["return"], a)


# ---- verified once, trusted while unchanged --------------------------------------------------------------------
class Hashes:
    """Counts the loader's sha256 calls over objects (not the small ones, which are always hashed)."""

    def __init__(self, monkeypatch):
        self.n = 0
        real = hashlib.sha256

        def counting(data=b"", **kw):
            if len(memoryview(data)) >= objects.POINTER_MAX:
                self.n += 1
            return real(data, **kw)

        monkeypatch.setattr(loader.hashlib, "sha256", counting)


@pytest.fixture
def no_racy_window(monkeypatch):
    monkeypatch.setattr(engineindex, "RACY_NS", -1)  # tests cannot wait for stamps to age


@pytest.mark.skipif(not engineindex.trust_supported(), reason="stat data are trusted on POSIX only")
def test_a_verified_chunk_is_not_hashed_again_until_its_file_changes(store, monkeypatch, no_racy_window):
    a = data(12 << 20)
    m = save(store, a)
    n_chunks = len(chunk_oids(m))
    # chunks as another writer left them (the writer's own records: test_loader.py)
    engineindex.EngineIndex(store.path).forget_verified(chunk_oids(m))
    hashes = Hashes(monkeypatch)
    np.testing.assert_array_equal(Storage(store.path).load_variables(m)["return"], a)
    assert hashes.n == n_chunks  # the first load hashes every chunk
    np.testing.assert_array_equal(Storage(store.path).load_variables(m)["return"], a)
    assert hashes.n == n_chunks  # a fresh process trusts them by their stat data
    victim = store.object_path(chunk_oids(m)[3])
    with open(victim, "r+b") as f:  # an edit in place, same size
        f.seek(1000)
        f.write(b"\0\1\2")
    with pytest.raises(CorruptObjectError):
        Storage(store.path).load_variables(m)
    assert hashes.n == n_chunks + 1


@pytest.mark.skipif(not engineindex.trust_supported(), reason="stat data are trusted on POSIX only")
def test_a_file_replaced_by_the_same_bytes_is_hashed_again(store, monkeypatch, no_racy_window):
    a = data(12 << 20)
    m = save(store, a)
    Storage(store.path).load_variables(m)
    hashes = Hashes(monkeypatch)
    victim = Path(store.object_path(chunk_oids(m)[0]))
    content = victim.read_bytes()
    victim.unlink()
    victim.write_bytes(content)  # a checkout writes a new file: new inode and ctime
    np.testing.assert_array_equal(Storage(store.path).load_variables(m)["return"], a)
    assert hashes.n == 1


def test_trust_can_be_turned_off(store, monkeypatch, no_racy_window):
    a = data(12 << 20)
    m = save(store, a)
    Storage(store.path).load_variables(m)
    monkeypatch.setenv("XETCACHE_VERIFY", "always")
    hashes = Hashes(monkeypatch)
    Storage(store.path).load_variables(m)
    assert hashes.n == len(chunk_oids(m))


def test_fresh_stamps_are_not_trusted(store, monkeypatch):
    """A file changed within the racy window could keep its stat data through a second change: not recorded."""
    a = data(12 << 20)
    m = save(store, a)
    Storage(store.path)._index.forget_verified(chunk_oids(m))  # not the writer's own files (test_loader.py)
    Storage(store.path).load_variables(m)  # the chunks were just written: their ctime is now
    assert Storage(store.path)._index.verified_stamps(chunk_oids(m)) == {}


def test_a_loaded_value_does_not_follow_its_files(store, no_racy_window):
    """What was verified is what is used: bytes live in this process's memory, not in a mapping of the file."""
    a = data(24 << 20)
    m = save(store, a)
    big = objects.read_object(store.path, chunk_oids(m)[0])
    assert isinstance(big, (bytearray, type(loader.alloc(1 << 21))))
    got = Storage(store.path).load_variables(m)["return"]
    for oid in chunk_oids(m):
        with open(store.object_path(oid), "r+b") as f:
            f.write(b"\0" * 64)
    np.testing.assert_array_equal(got, a)
    assert got.flags.writeable


def test_the_engine_index_is_derived_and_never_followed(store, tmp_path):
    m = save(store, data(12 << 20))
    store.load_variables(m)
    index = Path(store.path, engineindex.FILE)
    assert index.exists()  # made by the first load that needed it
    index.unlink()
    outside = tmp_path / "outside.db"
    outside.write_bytes(b"not yours")
    index.symlink_to(outside)
    st = Storage(store.path)
    assert st.entries_for_cell("n.ipynb", "c") == []  # works without it
    assert outside.read_bytes() == b"not yours"


def test_the_store_size_is_kept_per_folder_and_sees_other_writers(store, tmp_path):
    save(store, data(8 << 20))
    index = Storage(store.path)._index
    assert index.object_bytes() == object_bytes(store)
    other = Storage(str(tmp_path / "other" / ".xetcache"))
    m = save(other, data(4 << 20, seed=3), "e" * 64)
    for oid in manifests.needed_oids(m):  # objects that arrive by git pull, not through this store
        dest = Path(store.object_path(oid))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(Path(other.object_path(oid)).read_bytes())
    assert index.object_bytes() == object_bytes(store)


def test_a_reused_chunk_is_made_young_for_gc_only_when_it_is_not(store):
    a = data(8 << 20)
    m = save(store, a, "1" * 64)
    old, fresh = [store.object_path(o) for o in chunk_oids(m)[:2]]
    os.utime(old, (1_000_000_000, 1_000_000_000))  # written long ago: gc could take it before the new manifest lands
    ctime = os.stat(fresh).st_ctime_ns
    save(store, a, "2" * 64)
    assert os.stat(old).st_mtime > 1_000_000_000  # refreshed
    assert os.stat(fresh).st_ctime_ns == ctime  # young already: left alone, its verified record stays valid
