"""The engine's view of a store folder (format: spec/FORMAT.md): look up, load, save entries, log hits.

Everything read from the store is checked before use: a manifest is parsed and validated (store/manifest.py, the
same rules as the TypeScript side), so a malformed one is a miss with a reason, never an error in the user's cell;
objects are opened only as regular files inside the store and hash-checked before anything is unpickled."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import atomic, codec, layout, manifest as manifests, objects, putobject, safeio
from ..lfs import hooks as lfs_hooks
from ..remote import hooks as remote_hooks
from ..config import get_byte_budget
from ..errors import (
    BadManifestError, ObjectNotLocalError, StoreFullError, UnloadableError,
    UnpicklableError,
)
from .shardcache import ShardCache
from . import engineindex, hitlog, loader, newentry, writer

dump_manifest = manifests.dumps


_RUN_FIELDS = ("created", "runtime_s")  # differ between two runs of the same entry


def _same_entry(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Two manifests that describe the same stored result (only the run that produced them differs)."""
    return {k: v for k, v in a.items() if k not in _RUN_FIELDS} == {k: v for k, v in b.items() if k not in _RUN_FIELDS}


def _variable_oids(manifest: Dict[str, Any]) -> List[str]:
    """Objects that restore the variables: the graph's when there is one (every variable names the same ones)."""
    if "state" in manifest:
        return list(manifest["state"]["objects"])
    return [oid for v in manifest["variables"].values() for oid in v["objects"]]


def _output_oids(manifest: Dict[str, Any]) -> List[str]:
    out = manifest.get("outputs")
    return [out["object"]] if out else []


def _cell_of_manifest(m: Dict[str, Any]) -> tuple:
    source = m.get("source") or {}
    return (m.get("kind"), source.get("notebook"), source.get("cell_id"))


def _unpickle(manifest: Dict[str, Any], got: Dict[str, Any]) -> Dict[str, Any]:
    """Variables from verified object bytes (the only place anything of a store is unpickled)."""
    if "state" in manifest:  # one graph: only the cell engine knows how to restore it (load_state)
        raise UnloadableError("the entry stores one graph of the whole run; only the cell engine restores it")
    values = {}
    for name, v in manifest["variables"].items():
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
        # derived, on disk: cell -> keys without parsing every manifest, and objects verified by their stat data
        self._index = engineindex.EngineIndex(self.path)

    def manifest_path(self, key: str) -> str:
        return layout.manifest_path(self.path, key)

    def object_path(self, oid: str) -> str:
        return layout.object_path(self.path, oid)

    # ---- reading -------------------------------------------------------------------------------------------
    def read_manifest(self, key: str, remote: bool = True) -> Optional[Dict[str, Any]]:
        """The valid manifest of ``key``, None when there is none. BadManifestError (EBADMANIFEST, a
        CorruptObjectError, so callers treat it as a miss) says why one that exists cannot be used: not JSON,
        against the schema, a newer format, not a regular file (a symlink or FIFO is never opened).
        A local miss asks the store's remote (team cache), if it names one and ``remote`` (remote/hooks.py)."""
        path = self.manifest_path(key)  # EBADREQUEST for a key that is not 64 hex: it would leave the store
        if not safeio.real_dirs(self.path, "entries", key[:2]):
            if os.path.lexists(os.path.dirname(path)):
                raise BadManifestError(f"entries/{key[:2]} is not a real folder; not read", path=path)
            return remote_hooks.manifest_on_miss(self.path, key) if remote else None
        try:
            data = safeio.read_regular(path)
        except FileNotFoundError:
            return remote_hooks.manifest_on_miss(self.path, key) if remote else None
        except OSError as e:
            raise BadManifestError(f"manifest {key[:12]} cannot be read: {e}", path=path) from None
        return manifests.parse(data, key)

    def lookup(self, key: str, remote: bool = True) -> Optional[Dict[str, Any]]:
        """The manifest of ``key``, or None (absent, or unusable: read_manifest says why)."""
        try:
            return self.read_manifest(key, remote)
        except BadManifestError:
            return None

    def _read_all(self, manifest: Dict[str, Any], oids: List[str]) -> Dict[str, Any]:
        """Verified bytes of every named object (chunked ones assembled), read in parallel (loader.py); the stored
        objects that are only LFS pointers (chunks, not whole values) are fetched through the hook once. Nothing
        is unpickled here."""
        plan = loader.Plan(manifest, oids)
        pointers, missing = plan.read(self.path, plan.oids, self._index)
        if missing and remote_hooks.fetch_objects(self.path, missing):  # from the team cache, verified
            more, missing = plan.read(self.path, missing, self._index)
            pointers += more
        if pointers and not missing and lfs_hooks.fetch_objects(self.path, pointers):
            pointers, missing = plan.read(self.path, pointers, self._index)
        got = plan.result()
        if pointers or missing:
            what = "only Git LFS pointers (run `git lfs pull`)" if pointers else "missing"
            raise ObjectNotLocalError(f"{len(pointers) + len(missing)} object(s) of the entry are {what}",
                                      oids=pointers + missing)
        return got

    def load_state(self, manifest: Dict[str, Any]) -> Tuple[Any, List[Any], List[Dict[str, Any]]]:
        """(pickle stream, out-of-band buffers, outputs) of an entry with a ``state`` graph: verified bytes, not
        unpickled (the cell engine does that, cell/graph.py). Failures as load_variables."""
        if "state" not in manifest:
            raise UnloadableError("the entry has no state graph")
        first, *rest = manifest["state"]["objects"]
        got = self._read_all(manifest, _variable_oids(manifest) + _output_oids(manifest))
        return got[first], [got[o] for o in rest], _outputs(manifest, got)

    def load_entry(self, manifest: Dict[str, Any]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        """(variables, outputs) of an entry. Every object of both is verified first, and the ones that are only
        LFS pointers are fetched together: a hit runs at most one `git lfs pull`. Failures as load_variables."""
        got = self._read_all(manifest, _variable_oids(manifest) + _output_oids(manifest))
        return _unpickle(manifest, got), _outputs(manifest, got)

    def load_variables(self, manifest: Dict[str, Any]) -> Dict[str, Any]:
        """All stored variables of an entry. Every object is verified before the first unpickle; any failure is a
        CorruptObjectError (or subclass) that callers treat as a miss."""
        return _unpickle(manifest, self._read_all(manifest, _variable_oids(manifest)))

    def load_outputs(self, manifest: Dict[str, Any]) -> List[Dict[str, Any]]:
        return _outputs(manifest, self._read_all(manifest, _output_oids(manifest)))

    def iter_manifests(self) -> Iterator[Dict[str, Any]]:
        """Every valid manifest; invalid ones and names that are not <64 hex>.json are skipped."""
        root = os.path.join(self.path, "entries")
        for d in sorted(os.scandir(root), key=lambda e: e.name) if os.path.isdir(root) else ():
            if not d.is_dir(follow_symlinks=False):
                continue
            for f in os.scandir(d.path):
                if f.name.endswith(".json") and layout.is_hex64(f.name[:-5]) and f.name.startswith(d.name):
                    m = self.lookup(f.name[:-5])
                    if m is not None:
                        yield m

    def entries_for_cell(self, notebook: Optional[str], cell_id: str) -> List[Dict[str, Any]]:
        """Manifests of one cell, newest first. Which keys are the cell's comes from the engine's index on disk
        (engineindex.py: one stat per entries/<k0k1>/ folder, manifests parsed only when new or changed, also
        across kernels), or without it from this process's scan (shardcache.py); the cell's own manifests are then
        read afresh."""
        want = ("cell", notebook, cell_id)
        keys = self._index.cell_keys(notebook, cell_id, self._cell_of_key)
        if keys is None:
            keys = [name[:-5] for name, cell in self._cells.items() if cell == want]
        found = [m for m in map(self.lookup, keys) if m is not None and _cell_of_manifest(m) == want]
        found.sort(key=lambda m: m.get("created", ""), reverse=True)
        return found

    def _cell_of_key(self, key: str) -> Optional[tuple]:
        m = self.lookup(key)
        return _cell_of_manifest(m) if m is not None else None

    def _cell_of_file(self, path: str, _st: os.stat_result) -> Optional[tuple]:
        name = os.path.basename(path)[:-5]
        m = self.lookup(name) if layout.is_hex64(name) else None
        return _cell_of_manifest(m) if m is not None else None

    # ---- writing -------------------------------------------------------------------------------------------
    def save(self, *, key: str, kind: str, variables: Dict[str, Any], outputs: Optional[List[Dict[str, Any]]],
             runtime_s: float, source: Dict[str, Any], inputs: Dict[str, str], outputs_names: List[str],
             namespace: Optional[str], state: Optional[Tuple[bytes, List[memoryview]]] = None,
             state_codec: str = manifests.GRAPH_CODEC, trace: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Store an entry: every object durable first, then the manifest. Returns the manifest.

        With ``state`` (a cell run's graph, already serialised: stream + out-of-band buffers) ``variables`` maps each
        bound name to its type name only; every variable lists the graph's objects (spec/FORMAT.md, "state").
        The manifest is validated before it is written: the engine never writes what a reader would refuse."""
        # 1. serialise everything in memory first, so an unpicklable value leaves no trace in the store
        if state is not None:
            if state_codec != manifests.GRAPH_CODEC:
                raise ValueError(f"unknown state codec {state_codec!r}")
            groups = {"": [memoryview(state[0])] + list(state[1])}
            types_ = dict(variables)
        else:
            encoded = {name: codec.dumps(value, name) for name, value in variables.items()}
            groups = {name: [memoryview(stream)] + list(buffers) for name, (stream, buffers) in encoded.items()}
            types_ = {name: codec.type_name(value) for name, value in variables.items()}
        outputs_blob = None
        if outputs:
            try:
                outputs_blob = json.dumps(outputs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            except (TypeError, ValueError) as e:
                raise UnpicklableError(f"the cell's outputs are not JSON: {e}", variable="<outputs>") from None
        incoming = sum(len(c.cast("B")) for parts in groups.values() for c in parts) + len(outputs_blob or b"")
        # The budget counts the store's files, each chunk once. ``incoming`` is an upper bound (chunks the store
        # holds already add nothing): when it does not fit, the objects are written and the store measured again
        # before the manifest is (a refused entry's new objects are removed again, below).
        recheck = not self._check_budget(incoming, strict=False)
        # 2. objects (each durable on return; large parts as content-defined chunks, writer.py), then their
        #    directories, then the manifest
        replaced: List[str] = []  # LFS pointers that now hold their content
        created: List[str] = []  # objects this call added to the store: removed again if the entry fails
        fresh: List[putobject.Written] = []  # ... with their files' stat data: trusted by the next load
        try:
            written = writer.write_parts(self.path, [part for name in groups for part in groups[name]], replaced,
                                         created, fresh)
            out_doc = None
            if outputs_blob is not None:  # outputs stay one object (readers of outputs need no chunk table)
                oid, n = putobject.write_object(self.path, [memoryview(outputs_blob)], replaced, created)
                atomic.fsync_dir(os.path.dirname(self.object_path(oid)))
                written.sizes[oid] = n
                out_doc = {"object": oid, "bytes": n, "count": len(outputs or [])}
            if recheck:
                self._check_budget(0)
            manifest = newentry.build(self.path, key, kind, groups, types_, written, out_doc, replaced, runtime_s, source,
                                      inputs, outputs_names, namespace, state, trace)
            old = self.lookup(key, remote=False)
            if old is not None and _same_entry(old, manifest):
                return old  # stored again with the same objects (after a failed load): no churn for git, no conflicts
            path = self.manifest_path(key)
            layout.check_dir(self.path, "entries", key[:2])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            atomic.write_file(self.path, path, dump_manifest(manifest), overwrite=True)  # renamed in place, or not
        except OSError as e:  # a full disk or a read-only store: say which, with its code (the badge shows it)
            objects.remove_created(self.path, created)
            coded = newentry.write_error(e, self.path)
            if coded is e:
                raise
            raise coded from e
        except BaseException:
            # a full disk, an error in a later object, the budget: what this call added goes now, not at gc an hour
            # later on a disk that may be full (a concurrent writer that reused one of these sees a miss, not a
            # wrong value: a missing object is never loaded)
            objects.remove_created(self.path, created)
            raise
        self._index.record_written(fresh)  # after the manifest: objects, manifest, then what is derived from them
        remote_hooks.entry_saved(self.path, manifest)  # queued for the team cache, pushed in the background
        return manifest

    def _check_budget(self, incoming: int, strict: bool = True) -> bool:
        """True when ``incoming`` more bytes fit the byte budget; else StoreFullError, or False when not strict."""
        budget = get_byte_budget()
        if budget is None:
            return True
        used = self._index.object_bytes()  # one stat per fan-out folder when nothing changed, also in a new kernel
        if used is None:
            used = sum(size for _, size in self._object_sizes.items())  # re-stats only shards that changed
        if used + incoming <= budget:
            return True
        if not strict:
            return False
        what = f"storing {incoming} bytes would take" if incoming else "this entry takes"
        raise StoreFullError(
            f"{what} the store at {self.path} to {used + incoming} bytes, over its budget of {budget}; evict "
            "entries (cache browser or `xetcache evict`) or raise the budget"
        )

    def record_hit(self, key: str, saved_s: float) -> None:
        """One line in hits.jsonl for a restore of ``key`` now (hitlog.append)."""
        hitlog.append(self.path, key, newentry.utc_now(), saved_s)
