"""Every vector of spec/vectors/*.json, run against the engine (and, for schemas, against jsonschema too).

One test per case, collected from the files: adding a case or a file of a known kind needs no code here; a file of
an unknown kind fails until both languages have a runner for it. packages/store/test/spec-vectors.test.ts runs the
same files against the TypeScript store.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Dict

import jsonschema
import pytest

import spec_support as ss
from xetcache.errors import BadManifestError, BadRequestError, CorruptObjectError, XetCacheError
from xetcache.ipython.magics import MagicLineError, parse_cell_spec
from xetcache.keys.key import canonical_key_bytes
from xetcache.store import canonjson, layout, manifest, objects
from xetcache.store.hitlog import hit_line
from xetcache.store.storage import Storage

RUNNERS: Dict[str, Callable[..., None]] = {}
FILES = sorted(ss.VECTORS.glob("*.json"))
CASES = [(f, i) for f in FILES for i in range(len(ss.load(f)["cases"]))]


def runner(kind: str) -> Callable:
    def register(fn: Callable) -> Callable:
        RUNNERS[kind] = fn
        return fn
    return register


def schema_validator(name: str) -> jsonschema.Validator:
    schema = json.loads((ss.SCHEMAS / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_vector_file_has_a_kind_with_a_runner():
    assert FILES, "no vector files found"
    for f in FILES:
        assert ss.load(f)["kind"] in RUNNERS, f"{f.name}: no Python runner for kind {ss.load(f)['kind']!r}"


@pytest.mark.parametrize("path,index", CASES, ids=[f"{f.stem}:{ss.load(f)['cases'][i]['name']}" for f, i in CASES])
def test_vector(path: Path, index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    doc = ss.load(path)
    with ss.no_hang():
        RUNNERS[doc["kind"]](doc, doc["cases"][index], tmp_path, monkeypatch)


@runner("ids")
def run_ids(doc, case, tmp, _mp):
    assert layout.is_hex64(case["value"]) is case["valid"]
    if not case["valid"]:
        for build in (layout.object_path, layout.manifest_path):
            with pytest.raises(BadRequestError):
                build(str(tmp), case["value"])


@runner("store-markers")
def run_marker(doc, case, tmp, _mp):
    store = tmp / ".xetcache"
    store.mkdir()
    (store / "STORE").write_bytes(bytes.fromhex(case["bytes_hex"]) if "bytes_hex" in case else case["text"].encode())
    try:
        Storage(str(store), create=False)
        got = "ok"
    except XetCacheError as e:
        got = e.code
    assert got == case["expect"]


@runner("lfs-pointers")
def run_pointer(doc, case, tmp, _mp):
    data = case["text"].encode()
    data += b"\n" * (case.get("pad_to", 0) - len(data))
    oid = hashlib.sha256(data if case["named"] == "self" else case["named"].encode()).hexdigest()
    store = Storage(str(tmp / ".xetcache"))
    path = Path(store.object_path(oid))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        assert bytes(objects.read_object(store.path, oid)) == data
        got = "local"
    except objects.NotLocal as e:
        got = "pointer" if e.pointer else "missing"
    except CorruptObjectError:
        got = "corrupt"
    assert got == case["expect"]
    assert path.exists() is (got != "corrupt"), "only corrupt objects are quarantined"


def _store_refuses_before_opening_anything_else(doc, case, tmp, mp, data: bytes) -> None:
    """The file in a real store: refused (a miss with a reason), and only the manifest itself was opened."""
    store = Storage(str(tmp / ".xetcache"))
    outside = ss.Outside(tmp, b"not the store's")
    key = ss.case_key(doc, case)
    path = Path(store.manifest_path(key))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    opened = []
    real_os_open, real_open = os.open, builtins.open
    mp.setattr(os, "open", lambda p, *a, **k: opened.append(os.fspath(p)) or real_os_open(p, *a, **k))
    mp.setattr(builtins, "open", lambda p, *a, **k: opened.append(os.fspath(p)) or real_open(p, *a, **k))
    with pytest.raises(BadManifestError):
        store.read_manifest(key)
    assert store.lookup(key) is None
    mp.undo()
    assert set(opened) == {str(path)}, f"opened more than the manifest: {opened}"
    outside.assert_untouched()
    assert not (tmp / ".xetcache" / "quarantine").exists()


@runner("manifests")
def run_manifest(doc, case, tmp, mp):
    data = ss.manifest_bytes(doc, case)
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=manifest._reject_constant,
                           parse_float=manifest._finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None  # not JSON (RFC 8259): no schema verdict to compare with
    else:
        errors = [e.message for e in schema_validator("manifest").iter_errors(value)]
        assert (not errors) is case.get("schema_valid", case["valid"]), f"jsonschema says {errors}"
    try:
        parsed = manifest.parse(data)
        refusal = None
    except BadManifestError as e:
        parsed, refusal = None, e
    if not case["valid"]:
        assert refusal is not None and refusal.code == "EBADMANIFEST", "the engine accepted it"
        _store_refuses_before_opening_anything_else(doc, case, tmp, mp, data)
        return
    assert refusal is None, f"the engine refused it: {refusal}"
    assert parsed == value  # unknown properties are kept as they are
    if "objects" in case:  # what a restore, verify, fetch/status and LFS include lists use
        assert manifest.object_ids(parsed) == case["objects"]
    assert manifest.parse(manifest.dumps(parsed)) == parsed  # and survive being written again


@runner("gc-live-sets")
def run_live_set(doc, case, tmp, _mp):
    live = set()
    for m in case["manifests"]:
        data = ss.manifest_bytes(doc, m)
        try:
            live |= manifest.live_ids(manifest.parse(data, ss.case_key(doc, m)))
        except BadManifestError:
            live |= manifest.live_ids_of_bytes(data)
    assert sorted(live) == sorted(case["live"])


@runner("canonical-json")
def run_canonical(doc, case, tmp, _mp):
    text = canonjson.dumps(case["value"], indent=case["indent"]) + ("\n" if case["indent"] else "")
    assert text == case["text"]


@runner("hit-lines")
def run_hit(doc, case, tmp, _mp):
    h = case["hit"]
    if case.get("refused"):
        with pytest.raises(BadRequestError):
            hit_line(h["key"], h["at"], ss.number(h["saved_s"]))
    else:
        line = hit_line(h["key"], h["at"], ss.number(h["saved_s"]))
        assert line.decode() == case["line"]
        assert not list(schema_validator("hit").iter_errors(json.loads(line)))


@runner("keys")
def run_key(doc, case, tmp, _mp):
    raw = canonical_key_bytes(case["kind"], case["code"], case["inputs"], case["outputs"], case["namespace"],
                              language=tuple(case["language"]))
    assert raw.decode("utf-8") == case["canonical"]
    assert hashlib.sha256(raw).hexdigest() == case["key"]


@runner("cell-specs")
def run_cell_spec(doc, case, tmp, _mp):
    schema_ok = not list(schema_validator("cell-spec").iter_errors(case["spec"]))
    try:
        parse_cell_spec(json.dumps(case["spec"]))
        engine_ok = True
    except MagicLineError:
        engine_ok = False
    assert (schema_ok, engine_ok) == (case["valid"], case["valid"])


@runner("chunking")
def run_chunking(doc, case, tmp, _mp):
    from xetcache.store import chunking

    p = doc["params"]
    assert (p["min"], p["avg"], p["max"], p["normalization"]) == (
        chunking.MIN_SIZE, chunking.AVG_SIZE, chunking.MAX_SIZE, chunking.NORMALIZATION)
    data = ss.chunk_input(case["input"])
    want = [n for _, n in case["chunks"]]
    for impl in chunking.available():  # the compiled one, numpy, the pure-Python reference: the same cuts
        assert chunking.chunk_lengths(data, impl) == want, impl
    pos, parts = 0, []
    for n in want:
        parts.append([hashlib.sha256(data[pos:pos + n]).hexdigest(), n])
        pos += n
    assert parts == case["chunks"] and manifest.chunk_id(parts) == case["id"]


@runner("run-events")
def run_event(doc, case, tmp, _mp):
    errors = [e.message for e in schema_validator("run-event").iter_errors(case["event"])]
    assert (not errors) is case["valid"], errors


@runner("unsafe-files")
def run_unsafe(doc, case, tmp, _mp):
    from spec_unsafe import run

    run(case, tmp)
