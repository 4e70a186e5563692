"""The engine's view of a store folder (format: docs/CONTRACT.md): look up, load, save entries, log hits."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import atomic, codec, layout, objects
from ..lfs import hooks as lfs_hooks
from .._version import __version__
from ..config import get_byte_budget
from ..errors import ObjectNotLocalError, StoreFullError, UnloadableError, UnpicklableError
from .shardcache import ShardCache

LANGUAGE = {"name": "python", "version": "%d.%d.%d" % sys.version_info[:3]}
ENGINE = {"name": "xetcache-python", "version": __version__}


def utc_now() -> str:
    """UTC ISO 8601 with milliseconds and a Z suffix (the contract's timestamp form)."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def dump_manifest(manifest: Dict[str, Any]) -> bytes:
    return (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_RUN_FIELDS = ("created", "runtime_s")  # differ between two runs of the same entry


def _same_entry(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Two manifests that describe the same stored result (only the run that produced them differs)."""
    return {k: v for k, v in a.items() if k not in _RUN_FIELDS} == {k: v for k, v in b.items() if k not in _RUN_FIELDS}


def _variable_oids(manifest: Dict[str, Any]) -> List[str]:
    state = manifest.get("state") or {}
    return list(state.get("objects") or []) + [
        oid for v in (manifest.get("variables") or {}).values() for oid in v["objects"]]


def _output_oids(manifest: Dict[str, Any]) -> List[str]:
    out = manifest.get("outputs")
    return [out["object"]] if out else []


def _cell_of_manifest(m: Dict[str, Any]) -> tuple:
    source = m.get("source") or {}
    return (m.get("kind"), source.get("notebook"), source.get("cell_id"))


def _unpickle(manifest: Dict[str, Any], got: Dict[str, Any]) -> Dict[str, Any]:
    """Variables from verified object bytes (the only place anything of a store is unpickled)."""
    values = {}
    for name, v in (manifest.get("variables") or {}).items():
        first, *rest = v["objects"]
        try:
            values[name] = codec.loads(got[first], [got[o] for o in rest])
        except Exception as e:  # a module or class that no longer exists, an incompatible library version
            raise UnloadableError(f"cannot unpickle stored '{name}': {type(e).__name__}: {e}", variable=name) from e
    return values


def _outputs(manifest: Dict[str, Any], got: Dict[str, Any]) -> List[Dict[str, Any]]:
    out = manifest.get("outputs")
    if not out:
        return []
    return json.loads(bytes(got[out["object"]]).decode("utf-8"))


class Storage:
    def __init__(self, path: str, create: bool = True) -> None:
        self.path = os.path.abspath(path)
        layout.open_store(self.path, create)
        # stat-validated per-process caches: which cell each manifest belongs to, and each object's size
        self._cells = ShardCache(os.path.join(self.path, "entries"), self._cell_of_file,
                                 accept=lambda name: name.endswith(".json"))
        self._object_sizes = ShardCache(os.path.join(self.path, "objects", "sha256"), lambda _p, st: st.st_size)

    def manifest_path(self, key: str) -> str:
        return layout.manifest_path(self.path, key)

    def object_path(self, oid: str) -> str:
        return layout.object_path(self.path, oid)

    # ---- reading -------------------------------------------------------------------------------------------
    def lookup(self, key: str) -> Optional[Dict[str, Any]]:
        """The manifest of ``key``, or None (absent, or unreadable: an unreadable manifest is a miss)."""
        try:
            with open(self.manifest_path(key), "rb") as f:
                m = json.loads(f.read())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None
        if not isinstance(m, dict) or m.get("format") != 1 or m.get("key") != key:
            return None
        return m

    def _read_all(self, oids: List[str]) -> Dict[str, Any]:
        """Verified bytes of every oid, fetching LFS pointers through the hook once. Nothing is unpickled here."""
        got: Dict[str, Any] = {}
        pointers: List[str] = []
        missing: List[str] = []
        for oid in dict.fromkeys(oids):
            try:
                got[oid] = objects.read_object(self.path, oid)
            except objects.NotLocal as e:
                (pointers if e.pointer else missing).append(oid)
        if pointers and not missing and lfs_hooks.fetch_objects(self.path, pointers):
            try:
                for oid in pointers:
                    got[oid] = objects.read_object(self.path, oid)
                pointers = []
            except objects.NotLocal:
                pass
        if pointers or missing:
            what = "only Git LFS pointers (run `git lfs pull`)" if pointers else "missing"
            raise ObjectNotLocalError(f"{len(pointers) + len(missing)} object(s) of the entry are {what}",
                                      oids=pointers + missing)
        return got

    def load_entry(self, manifest: Dict[str, Any]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        """(variables, outputs) of an entry. Every object of both is verified first, and the ones that are only
        LFS pointers are fetched together: a hit runs at most one `git lfs pull`. Failures as load_variables."""
        got = self._read_all(_variable_oids(manifest) + _output_oids(manifest))
        return _unpickle(manifest, got), _outputs(manifest, got)

    def load_state(self, manifest: Dict[str, Any]) -> Tuple[Any, List[Any], List[Dict[str, Any]]]:
        """(pickle stream, out-of-band buffers, outputs) of an entry stored as one graph (``state``): verified bytes,
        NOT unpickled (the cell engine unpickles them with the namespace at hand)."""
        oids = list((manifest.get("state") or {}).get("objects") or [])
        if not oids:
            raise UnloadableError("the entry has no state object", variable=None)
        got = self._read_all(oids + _output_oids(manifest))
        return got[oids[0]], [got[o] for o in oids[1:]], _outputs(manifest, got)

    def load_variables(self, manifest: Dict[str, Any]) -> Dict[str, Any]:
        """All stored variables of an entry. Every object is verified before the first unpickle; any failure is a
        CorruptObjectError (or subclass) that callers treat as a miss."""
        return _unpickle(manifest, self._read_all(_variable_oids(manifest)))

    def load_outputs(self, manifest: Dict[str, Any]) -> List[Dict[str, Any]]:
        return _outputs(manifest, self._read_all(_output_oids(manifest)))

    def iter_manifests(self) -> Iterator[Dict[str, Any]]:
        root = os.path.join(self.path, "entries")
        for d in sorted(os.scandir(root), key=lambda e: e.name) if os.path.isdir(root) else ():
            if not d.is_dir():
                continue
            for f in os.scandir(d.path):
                if f.name.endswith(".json"):
                    m = self.lookup(f.name[:-5])
                    if m is not None:
                        yield m

    def entries_for_cell(self, notebook: Optional[str], cell_id: str) -> List[Dict[str, Any]]:
        """Manifests of one cell, newest first. Only manifests new or changed since the last call are parsed (see
        shardcache.py); the cell's own manifests are then read afresh."""
        want = ("cell", notebook, cell_id)
        keys = [name[:-5] for name, cell in self._cells.items() if cell == want]
        found = [m for m in map(self.lookup, keys) if m is not None and _cell_of_manifest(m) == want]
        found.sort(key=lambda m: m.get("created", ""), reverse=True)
        return found

    def _cell_of_file(self, path: str, _st: os.stat_result) -> Optional[tuple]:
        m = self.lookup(os.path.basename(path)[:-5])
        return _cell_of_manifest(m) if m is not None else None

    # ---- writing -------------------------------------------------------------------------------------------
    def save(self, *, key: str, kind: str, variables: Dict[str, Any], outputs: Optional[List[Dict[str, Any]]],
             runtime_s: float, source: Dict[str, Any], inputs: Dict[str, str], outputs_names: List[str],
             namespace: Optional[str], state: Optional[Tuple[bytes, List[memoryview]]] = None,
             state_codec: str = "", trace: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Store an entry: every object durable first, then the manifest. Returns the manifest.

        With ``state`` (a cell run's graph, already serialised: stream + out-of-band buffers) ``variables`` maps each
        bound name to its type name only; every variable lists the graph's objects (see the spec's ``state``)."""
        # 1. serialise everything in memory first, so an unpicklable value leaves no trace in the store
        if state is not None:
            return self._save_graph(key=key, kind=kind, types_=variables, outputs=outputs, runtime_s=runtime_s,
                                    source=source, inputs=inputs, outputs_names=outputs_names, namespace=namespace,
                                    state=state, codec_name=state_codec, trace=trace or {})
        encoded = {name: (codec.dumps(value, name), codec.type_name(value)) for name, value in variables.items()}
        outputs_blob = None
        if outputs:
            try:
                outputs_blob = json.dumps(outputs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            except (TypeError, ValueError) as e:
                raise UnpicklableError(f"the cell's outputs are not JSON: {e}", variable="<outputs>") from None
        blobs = [[memoryview(s)] + list(b) for (s, b), _ in encoded.values()] + ([[memoryview(outputs_blob)]] if outputs_blob else [])
        self._check_budget(sum(len(c.cast("B")) for blob in blobs for c in blob))
        # 2. objects (each durable on return), then their directories, then the manifest
        var_docs: Dict[str, Any] = {}
        sizes: Dict[str, int] = {}
        replaced: List[str] = []  # LFS pointers that now hold their content
        for name, ((stream, buffers), tname) in encoded.items():
            oids = []
            for part in [memoryview(stream)] + buffers:
                oid, n = objects.write_object(self.path, [part], replaced)
                oids.append(oid)
                sizes[oid] = n
            var_docs[name] = {"objects": oids, "bytes": sum(sizes[o] for o in oids), "codec": codec.CODEC, "type": tname}
        out_doc = None
        if outputs_blob is not None:
            oid, n = objects.write_object(self.path, [memoryview(outputs_blob)], replaced)
            sizes[oid] = n
            out_doc = {"object": oid, "bytes": n, "count": len(outputs)}
        for d in {os.path.dirname(self.object_path(o)) for o in sizes}:
            atomic.fsync_dir(d)
        if replaced:
            lfs_hooks.objects_replaced(self.path, replaced)
        src = {"notebook": None, "cell_id": None, "qualname": None, **source}
        if "code_sha256" not in src:
            raise ValueError("source.code_sha256 is required")
        src["preview"] = str(src.get("preview") or "")[:400]
        manifest = {
            "format": 1, "key": key, "kind": kind, "created": utc_now(), "runtime_s": max(0.0, float(runtime_s)),
            "language": dict(LANGUAGE), "source": src, "inputs": dict(inputs), "outputs_names": sorted(outputs_names),
            "variables": var_docs, "outputs": out_doc, "namespace": namespace, "total_bytes": sum(sizes.values()),
            "engine": dict(ENGINE),
        }
        old = self.lookup(key)
        if old is not None and _same_entry(old, manifest):
            return old  # stored again with the same objects (after a failed load): no churn for git, no conflicts
        path = self.manifest_path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic.write_file(self.path, path, dump_manifest(manifest), overwrite=True)
        return manifest

    def _save_graph(self, *, key: str, kind: str, types_: Dict[str, str], outputs: Optional[List[Dict[str, Any]]],
                    runtime_s: float, source: Dict[str, Any], inputs: Dict[str, str], outputs_names: List[str],
                    namespace: Optional[str], state: Tuple[bytes, List[memoryview]], codec_name: str,
                    trace: Dict[str, Any]) -> Dict[str, Any]:
        stream, buffers = state
        outputs_blob = None
        if outputs:
            try:
                outputs_blob = json.dumps(outputs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            except (TypeError, ValueError) as e:
                raise UnpicklableError(f"the cell's outputs are not JSON: {e}", variable="<outputs>") from None
        parts = [memoryview(stream)] + list(buffers)
        self._check_budget(sum(len(c.cast("B")) for c in parts) + len(outputs_blob or b""))
        replaced: List[str] = []
        sizes: Dict[str, int] = {}
        oids = []
        for part in parts:
            oid, n = objects.write_object(self.path, [part], replaced)
            oids.append(oid)
            sizes[oid] = n
        out_doc = None
        if outputs_blob is not None:
            oid, n = objects.write_object(self.path, [memoryview(outputs_blob)], replaced)
            sizes[oid] = n
            out_doc = {"object": oid, "bytes": n, "count": len(outputs or [])}
        for d in {os.path.dirname(self.object_path(o)) for o in sizes}:
            atomic.fsync_dir(d)
        if replaced:
            lfs_hooks.objects_replaced(self.path, replaced)
        state_bytes = sum(sizes[o] for o in dict.fromkeys(oids))
        var_docs = {name: {"objects": list(oids), "bytes": state_bytes, "codec": codec_name, "type": tname}
                    for name, tname in types_.items()}
        src = {"notebook": None, "cell_id": None, "qualname": None, **source}
        src["preview"] = str(src.get("preview") or "")[:400]
        manifest = {
            "format": 1, "key": key, "kind": kind, "created": utc_now(), "runtime_s": max(0.0, float(runtime_s)),
            "language": dict(LANGUAGE), "source": src, "inputs": dict(inputs), "outputs_names": sorted(outputs_names),
            "variables": var_docs, "outputs": out_doc, "namespace": namespace, "total_bytes": sum(sizes.values()),
            "engine": dict(ENGINE), "state": {"codec": codec_name, "objects": oids, "bytes": state_bytes},
            "trace": trace,
        }
        path = self.manifest_path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic.write_file(self.path, path, dump_manifest(manifest), overwrite=True)
        return manifest

    def _check_budget(self, incoming: int) -> None:
        budget = get_byte_budget()
        if budget is None:
            return
        used = sum(size for _, size in self._object_sizes.items())  # re-stats only shards that changed
        if used + incoming > budget:
            raise StoreFullError(
                f"storing {incoming} bytes would take the store at {self.path} to {used + incoming} bytes, over its "
                f"budget of {budget}; evict entries (cache browser or `xetcache evict`) or raise the budget"
            )

    def record_hit(self, key: str, saved_s: float) -> None:
        """Append one line to hits.jsonl with a single write() on an O_APPEND fd (atomic for lines < 4 KiB)."""
        line = json.dumps({"key": key, "at": utc_now(), "saved_s": round(max(0.0, float(saved_s)), 6)}) + "\n"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(os.path.join(self.path, "hits.jsonl"), flags, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
