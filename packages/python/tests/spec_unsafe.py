"""The engine's runner for spec/vectors/unsafe-files.json: files a cloned repository can plant in a store.

Each is refused (a miss, or an error the engine turns into one) without reading it, without blocking, and without
anything outside the store being read, moved or deleted (spec_support.Outside checks the last part).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest

import spec_support as ss
from xetcache.errors import BadManifestError, CorruptObjectError, XetCacheError
from xetcache.store.storage import Storage


def _entry(store: Storage) -> Dict[str, Any]:
    return store.save(key="e" * 64, kind="cell", variables={"x": [1, 2, 3]}, outputs=None, runtime_s=5.0,
                      source={"code_sha256": "c" * 64, "preview": "x = [1, 2, 3]", "notebook": "a.ipynb",
                              "cell_id": "c1"}, inputs={}, outputs_names=["x"], namespace=None)


def run(case: Dict[str, Any], tmp: Path) -> None:
    target, make = case["target"], case["make"]
    path = tmp / "store" / ".xetcache"
    store = Storage(str(path))
    m = _entry(store)
    if target == "object":
        oid = m["variables"]["x"]["objects"][0]
        obj = Path(store.object_path(oid))
        outside = ss.Outside(tmp, obj.read_bytes())  # the right bytes: even they must not be read through a link
        ss.plant(obj, make, outside)
        with pytest.raises(CorruptObjectError):
            Storage(str(path)).load_variables(m)
    elif target == "manifest":
        man = Path(store.manifest_path(m["key"]))
        outside = ss.Outside(tmp, man.read_bytes())
        ss.plant(man, make, outside)
        fresh = Storage(str(path))
        with pytest.raises(BadManifestError):
            fresh.read_manifest(m["key"])
        assert fresh.lookup(m["key"]) is None
        assert list(fresh.iter_manifests()) == []
        assert fresh.entries_for_cell("a.ipynb", "c1") == []
    elif target == "marker":
        outside = ss.Outside(tmp, (path / "STORE").read_bytes())
        ss.plant(path / "STORE", make, outside)
        for create in (False, True):  # never taken for "no store here, make one"
            with pytest.raises(XetCacheError) as e:
                Storage(str(path), create=create)
            assert e.value.code == "ENOTSTORE"
    elif target == "hits":
        store.record_hit(m["key"], 1.0)
        outside = ss.Outside(tmp, (path / "hits.jsonl").read_bytes())
        ss.plant(path / "hits.jsonl", make, outside)
        with pytest.raises(OSError):  # the engine treats it as "usage not recorded"; the hit itself worked
            store.record_hit(m["key"], 1.0)
    else:
        raise AssertionError(f"unknown target {target!r}")
    outside.assert_untouched()
