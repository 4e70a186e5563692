"""objects.write_object: an object already at its final path is kept only when it holds the right bytes.

A Git LFS pointer (lazy clone, failed fetch) or a file with wrong bytes at the object's path is replaced by the
verified bytes, atomically; a correct object is never touched (same inode, same mtime)."""

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from xetcache import Storage, config
from xetcache.store import objects, putobject


@pytest.fixture
def store(tmp_path):
    config.reset()
    yield Storage(str(tmp_path / ".xetcache"))
    config.reset()


def pointer_text(oid, size):
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def parts(data, n=3):
    """The bytes split into several chunks, like a pickle stream followed by buffers."""
    step = max(1, len(data) // n)
    return [memoryview(data)[i:i + step] for i in range(0, len(data), step)]


@pytest.mark.parametrize("nbytes", [300, 5 << 10, (20 << 20) + 7])  # tiny, small, over the parallel-hash/compare block
def test_a_pointer_at_the_object_path_is_replaced_by_the_content(store, nbytes):
    data = np.random.default_rng(nbytes).bytes(nbytes)
    oid = hashlib.sha256(data).hexdigest()
    path = Path(store.object_path(oid))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pointer_text(oid, nbytes))
    assert putobject.write_object(store.path, parts(data)) == (oid, nbytes)
    assert path.read_bytes() == data
    assert bytes(objects.read_object(store.path, oid)) == data
    assert list(Path(store.path, "tmp").iterdir()) == []


def test_wrong_bytes_of_the_same_size_are_replaced(store):
    data = np.random.default_rng(1).bytes(3 << 20)
    oid = hashlib.sha256(data).hexdigest()
    path = Path(store.object_path(oid))
    path.parent.mkdir(parents=True, exist_ok=True)
    bad = bytearray(data)
    bad[-1] ^= 0xFF  # differs only in the very last byte: the comparison must reach the end
    path.write_bytes(bytes(bad))
    putobject.write_object(store.path, [memoryview(data)])
    assert path.read_bytes() == data


def test_a_truncated_or_longer_file_is_replaced(store):
    data = b"x" * 5000
    oid = hashlib.sha256(data).hexdigest()
    path = Path(store.object_path(oid))
    path.parent.mkdir(parents=True, exist_ok=True)
    for wrong in (data[:-1], data + b"y"):
        path.write_bytes(wrong)
        putobject.write_object(store.path, [memoryview(data)])
        assert path.read_bytes() == data


@pytest.mark.parametrize("nbytes", [5 << 10, (20 << 20) + 7])  # the small path and the parallel-hash path
def test_a_correct_object_is_never_replaced_but_made_young_again_for_gc(store, nbytes):
    data = np.random.default_rng(2).bytes(nbytes)
    oid, _ = putobject.write_object(store.path, [memoryview(data)])
    path = store.object_path(oid)
    os.utime(path, (1_000_000, 1_000_000))  # older than any gc grace period
    before = os.stat(path)
    assert putobject.write_object(store.path, parts(data, 5)) == (oid, len(data))
    after = os.stat(path)
    assert after.st_ino == before.st_ino  # the same file: never replaced
    assert after.st_mtime > 1_000_000 + 86400  # reused → young, so gc's grace period covers the new manifest
    assert list(Path(store.path, "tmp").iterdir()) == []


def test_holds_compares_every_chunk(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"abcdef")
    assert putobject.holds(str(p), [memoryview(b"abc"), memoryview(b"def")], 6)
    assert not putobject.holds(str(p), [memoryview(b"abc"), memoryview(b"deg")], 6)
    assert not putobject.holds(str(p), [memoryview(b"abcde")], 5)
    assert not putobject.holds(str(tmp_path / "missing"), [memoryview(b"")], 0)
    (tmp_path / "empty").write_bytes(b"")
    assert putobject.holds(str(tmp_path / "empty"), [], 0)


def test_restoring_an_entry_after_its_pointers_were_stored_again_hits(store):
    arr = np.arange(1 << 16, dtype=np.float64)
    save = dict(kind="function", outputs=None, runtime_s=1.0, source={"code_sha256": "c" * 64, "preview": ""},
                inputs={}, outputs_names=["return"], namespace=None)
    m = store.save(key="1" * 64, variables={"return": arr}, **save)
    for oid in m["variables"]["return"]["objects"]:  # what a lazy clone has
        p = Path(store.object_path(oid))
        p.write_text(pointer_text(oid, p.stat().st_size))
    m2 = store.save(key="1" * 64, variables={"return": arr}, **save)  # the cell ran again and stored the same bytes
    assert m2["variables"] == m["variables"]
    np.testing.assert_array_equal(store.load_variables(m2)["return"], arr)
