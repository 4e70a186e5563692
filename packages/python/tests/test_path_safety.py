"""The exact attack of issue 9 and the engine-side items of issue 10, end to end through the public API.

A cloned repository plants a manifest whose object id is `ab/../../../../notes.txt`: the engine used to open that
file outside the store and, on the hash mismatch, move it into quarantine/. Now the manifest is refused before any
object path exists, and the call simply runs. (The generic forms of these cases are in spec/vectors.)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from xetcache import config, xetmemo_always
from xetcache.errors import BadManifestError
from xetcache.store import manifest as manifests
from xetcache.store.storage import Storage


@pytest.fixture
def store(tmp_path: Path):
    old = config.get_memo_path()
    config.set_memo_path(tmp_path / "nb" / ".xetcache")
    yield Storage(str(tmp_path / "nb" / ".xetcache"))
    config.set_memo_path(old)


def _plant(store: Storage, key: str, **changes) -> Path:
    m = {"format": 1, "key": key, "kind": "function", "created": "2026-11-25T10:00:00Z", "runtime_s": 9.0,
         "language": {"name": "python", "version": "3.12.0"}, "source": {"code_sha256": "c" * 64, "preview": ""},
         "inputs": {}, "outputs_names": ["return"], "outputs": None, "namespace": None, "total_bytes": 1,
         "engine": {"name": "clone", "version": "0"},
         "variables": {"return": {"objects": ["ab/../../../../notes.txt"], "bytes": 1, "codec": "pickle5",
                                  "type": "builtins.int"}}}
    m.update(changes)
    path = Path(store.manifest_path(key))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(m))
    return path


def test_a_path_like_object_id_is_refused_and_the_file_it_names_is_left_alone(store: Storage, tmp_path: Path):
    key = "ab" + "0" * 62
    _plant(store, key)
    # where objects/sha256/ab/ab/../../../../notes.txt would land: the store folder's parent
    notes = Path(store.path).parent / "notes.txt"
    notes.write_text("my notes")
    with pytest.raises(BadManifestError) as e:
        store.read_manifest(key)
    assert e.value.code == "EBADMANIFEST" and "64 lowercase hex" in str(e.value)
    assert store.lookup(key) is None
    assert notes.read_text() == "my notes" and not (Path(store.path) / "quarantine").exists()


CALLS = []  # real runs, told by an audit event (a call log in a global would be an effect: never stored)


def _witness(event, args):
    if event == "xetcache.test.path_safety.call":
        CALLS.append(args[0])


sys.addaudithook(_witness)  # cannot be removed: it only counts this file's event


def test_a_function_whose_manifest_is_invalid_runs_and_says_why(store: Storage, capsys):
    CALLS.clear()

    @xetmemo_always
    def double(x):
        sys.audit("xetcache.test.path_safety.call", x)
        return 2 * x

    assert double(21) == 42  # stored
    (key,) = [m["key"] for m in store.iter_manifests()]
    _plant(store, key, variables=[])  # "variables": [] used to be a hit that restored nothing
    capsys.readouterr()
    assert double(21) == 42
    assert CALLS == [21, 21]
    assert "EBADMANIFEST" in capsys.readouterr().err


def test_non_finite_saved_time_never_reaches_the_hit_log(store: Storage):
    key = "a" * 64
    for saved in (math.inf, -math.inf, math.nan):
        store.record_hit(key, saved)
    lines = (Path(store.path) / "hits.jsonl").read_text().splitlines()
    assert [json.loads(line)["saved_s"] for line in lines] == [0, 0, 0]
    assert manifests.is_timestamp(json.loads(lines[0])["at"])
