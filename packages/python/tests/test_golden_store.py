"""The golden store (spec/fixtures/golden-store): what the engine writes today, and what it reads back from it.

The TypeScript store, the server and the CLI are tested against the same files (packages/store/test/golden.test.ts,
server/test/golden.test.ts); this side proves the fixture is current, so they test against the engine's real bytes.
Every test works on a copy: reading quarantines, and the fixture must never change under a test.
"""

from __future__ import annotations

import filecmp
import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from spec_support import SCHEMAS, SPEC
from xetcache.errors import CorruptObjectError, ObjectNotLocalError
from xetcache.store import manifest as manifests
from xetcache.store.storage import Storage

FIXTURES = SPEC / "fixtures"
GOLDEN = FIXTURES / "golden-store"
EXPECTED = json.loads((FIXTURES / "golden-store.json").read_text())


def _generator():
    spec = importlib.util.spec_from_file_location("golden_generate", FIXTURES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def golden(tmp_path: Path) -> Storage:
    copy = tmp_path / ".xetcache"
    shutil.copytree(GOLDEN, copy, symlinks=True)
    return Storage(str(copy), create=False)


def test_the_checked_in_store_is_what_the_engine_writes_today(tmp_path: Path):
    """Regenerated with the real engine: any format change shows up here (run spec/fixtures/generate.py)."""
    before = _tree(GOLDEN)
    expected = _generator().generate(tmp_path / "gs")
    cmp = filecmp.dircmp(GOLDEN, tmp_path / "gs")
    assert _tree(tmp_path / "gs") == before, f"golden store is stale: {cmp.diff_files or cmp.left_only}"
    assert json.loads(json.dumps(expected)) == EXPECTED, "golden-store.json is stale"


def test_every_entry_reads_back_as_it_was_stored(golden: Storage):
    gen = _generator()
    for e in EXPECTED["entries"]:
        m = golden.read_manifest(e["key"])
        assert m is not None and sorted(m["variables"]) == e["variables"]
        assert manifests.object_ids(m) == e["objects"]
        spec = gen.ENTRIES[e["label"]]
        if e["restore"] == "pointer":  # not in a git repository: the lazy fetch cannot run, the cell would run
            with pytest.raises(ObjectNotLocalError):
                golden.load_variables(m)
            assert Path(golden.object_path(EXPECTED["objects"]["pointer"][0])).exists(), "pointers stay"
        elif e["restore"] == "corrupt":
            with pytest.raises(CorruptObjectError):
                golden.load_variables(m)
            assert (Path(golden.path) / "quarantine" / EXPECTED["objects"]["corrupt"][0]).exists()
        elif e["state"]:
            stream, buffers, outputs = golden.load_state(m)
            assert bytes(stream) == spec["state"][0]
            assert [bytes(b) for b in buffers] == [bytes(b) for b in spec["state"][1]]
            assert outputs == spec["outputs"]
        else:
            values, outputs = golden.load_entry(m)
            for name, want in spec["variables"].items():
                got = values[name]
                assert (bytes(got) == bytes(want.raw())) if hasattr(want, "raw") else got == want
            assert outputs == (spec["outputs"] or [])


def test_live_objects_and_hits_are_what_the_fixture_says(golden: Storage):
    live = set()
    for m in golden.iter_manifests():
        live |= manifests.live_ids(m)
    assert sorted(live) == sorted(EXPECTED["live"] + EXPECTED["chunked"])  # chunked ids: names, not files
    assert not set(EXPECTED["objects"]["orphan"]) & live
    hit_schema = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "hit.schema.json").read_text()),
                                                 format_checker=jsonschema.FormatChecker())
    lines = (Path(golden.path) / "hits.jsonl").read_text().splitlines()
    assert all(hit_schema.is_valid(json.loads(line)) for line in lines)
    assert len(lines) == sum(EXPECTED["hits"].values())


def test_manifests_are_canonical_bytes(golden: Storage):
    """What the TypeScript side would write for the same manifest (its test checks the same files)."""
    for e in EXPECTED["entries"]:
        path = Path(golden.manifest_path(e["key"]))
        assert manifests.dumps(manifests.parse(path.read_bytes())) == path.read_bytes()


def _chunked() -> dict:
    return next(e for e in EXPECTED["entries"] if e["format"] == 2)


def test_the_chunked_entry_is_format_2_and_its_parts_are_stored_once(golden: Storage):
    e = _chunked()
    m = golden.read_manifest(e["key"])
    assert m["format"] == manifests.FORMAT_CHUNKED and manifests.chunk_table(m) == e["chunks"]
    for chunked_id, parts in e["chunks"].items():
        assert manifests.chunk_id(parts) == chunked_id
        assert not Path(golden.object_path(chunked_id)).exists(), "a chunked object is a list, not a file"
        assert all(Path(golden.object_path(oid)).stat().st_size == size for oid, size in parts)
    # the two buffers start with the same chunk: named twice, stored once
    firsts = [parts[0][0] for parts in e["chunks"].values()]
    assert len(firsts) == 2 and firsts[0] == firsts[1]
    assert manifests.needed_oids(m) == e["objects"] and len(set(e["objects"])) == len(e["objects"])
    stored = sum(Path(golden.object_path(oid)).stat().st_size for oid in e["objects"])
    assert stored < e["total_bytes"]


def test_a_flipped_byte_in_a_chunk_is_caught_and_quarantined(golden: Storage):
    e = _chunked()
    m = golden.read_manifest(e["key"])
    values, _ = golden.load_entry(m)  # verified (each chunk hashed) and assembled
    spec = _generator().ENTRIES[e["label"]]
    assert {k: bytes(v) for k, v in values.items()} == {k: bytes(v.raw()) for k, v in spec["variables"].items()}
    tail = next(iter(e["chunks"].values()))[1][0]  # a part only one buffer has
    path = Path(golden.object_path(tail))
    data = bytearray(path.read_bytes())
    data[7] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptObjectError):
        golden.load_entry(golden.read_manifest(e["key"]))
    assert (Path(golden.path) / "quarantine" / tail).exists()
