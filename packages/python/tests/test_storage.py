"""Storage: store creation, round trips, manifests valid against the repo schema, hits, per-cell listing."""

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from xetcache import Storage, config

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "spec" / "schemas" / "manifest.schema.json").read_text())
SHA = "c" * 64


@dataclasses.dataclass
class Record:
    name: str
    values: list


@pytest.fixture
def store(tmp_path):
    config.reset()
    yield Storage(str(tmp_path / ".xetcache"))
    config.reset()


def save(store, variables, key="1" * 64, outputs=None, **kw):
    args = dict(key=key, kind="cell", variables=variables, outputs=outputs, runtime_s=4.5,
                source={"notebook": "nb.ipynb", "cell_id": "c1", "code_sha256": SHA, "preview": "x = 1"},
                inputs={"a": SHA}, outputs_names=list(variables), namespace=None)
    args.update(kw)
    return store.save(**args)


def validate(manifest):
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(manifest)


VALUES = {
    "none": None, "int": 2**80, "float": 1.25, "text": "héllo", "blob": b"\x00" * 10,
    "nested": {"a": [1, (2, 3), {4, 5}], "b": frozenset({"x"})},
    "record": Record("r", [1, 2]),
    "small_array": np.arange(10, dtype=np.int16),
    "big_array": np.random.default_rng(0).random((300, 500)),
    "fortran": np.asfortranarray(np.arange(200_000, dtype=np.float32).reshape(400, 500)),
    "strided": np.arange(100_000.0)[::3],
    "frame": pd.DataFrame({"x": np.arange(20_000), "s": [f"s{i}" for i in range(20_000)],
                           "c": pd.Categorical(["a", "b"] * 10_000)}),
}


def test_round_trip_of_many_types(store):
    m = save(store, VALUES)
    validate(m)
    got = Storage(store.path).load_variables(store.lookup(m["key"]))
    assert set(got) == set(VALUES)
    for name, value in VALUES.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(got[name], value)
            assert got[name].dtype == value.dtype
        elif isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], value)
        else:
            assert got[name] == value, name
    assert got["big_array"].flags.writeable
    got["big_array"][0, 0] = -1.0  # restored arrays are ordinary, writable arrays


def test_large_buffers_are_their_own_objects_named_by_their_hash(store):
    arr = np.arange(1 << 17, dtype=np.float64)  # 1 MiB: out-of-band, and whole (chunks start at 2 MiB)
    m = save(store, {"arr": arr, "small": np.arange(4)})
    assert len(m["variables"]["arr"]["objects"]) == 2
    assert len(m["variables"]["small"]["objects"]) == 1  # tiny buffers stay in the pickle stream
    assert m["variables"]["arr"]["objects"][1] == hashlib.sha256(arr.tobytes()).hexdigest()
    assert m["variables"]["arr"]["type"] == "numpy.ndarray" and m["variables"]["arr"]["codec"] == "pickle5"
    for v in m["variables"].values():
        for oid in v["objects"]:
            data = Path(store.object_path(oid)).read_bytes()
            assert hashlib.sha256(data).hexdigest() == oid
    assert m["total_bytes"] == sum(v["bytes"] for v in m["variables"].values())
    # same array in another entry: the buffer object is shared, not written twice
    m2 = save(store, {"again": arr.copy()}, key="2" * 64)
    assert m2["variables"]["again"]["objects"][1] == m["variables"]["arr"]["objects"][1]
    assert os.listdir(os.path.join(store.path, "tmp")) == []


def test_manifest_file_format_and_outputs(store):
    outputs = [{"output_type": "stream", "name": "stdout", "text": "hi\n"},
               {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}}]
    m = save(store, {"x": 1}, outputs=outputs, namespace="ns", source={"code_sha256": SHA, "preview": "p" * 1000})
    validate(m)
    raw = Path(store.manifest_path(m["key"])).read_text()
    assert raw.endswith("}\n") and raw == json.dumps(m, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert m["created"].endswith("Z") and m["namespace"] == "ns" and len(m["source"]["preview"]) == 400
    assert m["outputs"]["count"] == 2
    assert store.load_outputs(m) == outputs
    assert m["total_bytes"] == m["variables"]["x"]["bytes"] + m["outputs"]["bytes"]


def test_lookup_misses(store):
    assert store.lookup("f" * 64) is None
    m = save(store, {"x": 1})
    path = Path(store.manifest_path(m["key"]))
    path.write_text("{ not json")
    assert store.lookup(m["key"]) is None  # unreadable manifest = miss, not a crash


def test_record_hit_appends_contract_lines(store):
    store.record_hit("a" * 64, 12.4)
    store.record_hit("b" * 64, -3)  # negative savings clamp to 0
    lines = Path(store.path, "hits.jsonl").read_text().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["key"] == "a" * 64 and first["saved_s"] == 12.4 and first["at"].endswith("Z")
    assert second["saved_s"] == 0


def test_entries_for_cell_newest_first(store):
    a = save(store, {"x": 1}, key="a" * 64)
    save(store, {"x": 2}, key="b" * 64, source={"notebook": "other.ipynb", "cell_id": "c1", "code_sha256": SHA,
                                              "preview": ""})
    c = save(store, {"x": 3}, key="c" * 64)
    Path(store.manifest_path(a["key"])).write_text(
        json.dumps({**a, "created": "2000-01-01T00:00:00.000Z"}, sort_keys=True, indent=2) + "\n")
    found = store.entries_for_cell("nb.ipynb", "c1")
    assert [m["key"] for m in found] == [c["key"], a["key"]]
    assert store.entries_for_cell("nb.ipynb", "nope") == []

def test_storing_the_same_result_again_keeps_the_manifest_byte_for_byte(store):
    """An entry stored again after a failed load (LFS pointer, corrupt object) with the same objects: the manifest
    on disk (committed in git) does not change, so clones do not get a diff or a merge conflict for nothing."""
    m = save(store, {"x": np.arange(100_000)})
    path = Path(store.manifest_path(m["key"]))
    before = path.read_bytes()
    again = save(store, {"x": np.arange(100_000)}, runtime_s=9.0)
    assert path.read_bytes() == before and again == m
    changed = save(store, {"x": np.arange(100_001)})  # different bytes under the same key: replaced
    assert changed["variables"] != m["variables"] and store.lookup(m["key"]) == changed


def test_the_cell_index_sees_a_manifest_replaced_by_rename(store):
    """A shard that changed is listed again. Its unchanged manifests (same inode, indexed outside the racy window)
    are taken as they were, without a stat; what this checks is that the shortcut does not hide a manifest
    replaced by rename (a new inode: how every writer and git replace a file): it is read again."""
    a = save(store, {"x": 1}, key="a" * 64)
    b = save(store, {"x": 2}, key="a" + "b" * 63)
    old = time.time() - 3600
    shard = Path(store.manifest_path(a["key"])).parent
    for p in list(shard.iterdir()) + [shard]:
        os.utime(p, (old, old))
    assert sorted(m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")) == sorted([a["key"], b["key"]])
    tmp = shard / "replacing"
    tmp.write_text(json.dumps({**a, "source": {**a["source"], "cell_id": "c2"}}, sort_keys=True, indent=2) + "\n")
    os.replace(tmp, store.manifest_path(a["key"]))
    for p in (Path(store.manifest_path(a["key"])), shard):
        os.utime(p, (old + 10, old + 10))
    assert [m["key"] for m in store.entries_for_cell("nb.ipynb", "c2")] == [a["key"]]
    assert [m["key"] for m in store.entries_for_cell("nb.ipynb", "c1")] == [b["key"]]
