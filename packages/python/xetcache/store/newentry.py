"""A new entry's manifest as the engine writes it (spec/FORMAT.md), and what a failed write means to a person.

Kept apart from storage.py, which decides when to write: here is what is written, validated before it is, since the
engine must never write what a reader would refuse."""

from __future__ import annotations

import errno
import sys
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from . import codec, manifest as manifests, writer
from .._version import __version__
from ..errors import StoreFullError, StoreReadOnlyError
from ..lfs import hooks as lfs_hooks

LANGUAGE = {"name": "python", "version": "%d.%d.%d" % sys.version_info[:3]}
ENGINE = {"name": "xetcache-python", "version": __version__}


def utc_now() -> str:
    """UTC ISO 8601 with milliseconds and a Z suffix (the contract's timestamp form)."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def write_error(e: OSError, path: str) -> Exception:
    """A failed write as a coded error when its cause is one a person can fix: the disk is full (ESTOREFULL), the
    store cannot be written (EREADONLY: hits still work). Anything else stays the OSError it is."""
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return StoreFullError(f"the disk holding the store at {path} is full ({e.strerror}); nothing was stored and "
                              "what this entry wrote was removed; free space or evict entries", errno=e.errno)
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnlyError(f"the store at {path} cannot be written ({e.strerror}); cached entries still load, "
                                  "nothing new is stored", errno=e.errno)
    return e


def build(store_dir: str, key: str, kind: str, groups: Dict[str, List[Any]], types_: Dict[str, str],
          written: "writer.Written", out_doc: Optional[Dict[str, Any]], replaced: List[str], runtime_s: float,
          source: Dict[str, Any], inputs: Dict[str, str], outputs_names: List[str], namespace: Optional[str],
          state: Any, trace: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The manifest naming the written objects, validated: the engine never writes what a reader would refuse."""
    sizes: Dict[str, int] = dict(written.sizes)
    oids_of: Dict[str, List[str]] = {}
    pos = 0
    for name in groups:
        oids_of[name] = written.ids[pos:pos + len(groups[name])]
        pos += len(groups[name])
    if replaced:
        lfs_hooks.objects_replaced(store_dir, replaced)
    src = {"notebook": None, "cell_id": None, "qualname": None, **source}
    if "code_sha256" not in src:
        raise ValueError("source.code_sha256 is required")
    src["preview"] = str(src.get("preview") or "")[:400]
    manifest = {
        "format": 1, "key": key, "kind": kind, "created": utc_now(), "runtime_s": max(0.0, float(runtime_s)),
        "language": dict(LANGUAGE), "source": src, "inputs": dict(inputs), "outputs_names": sorted(outputs_names),
        "variables": {}, "outputs": out_doc, "namespace": namespace, "total_bytes": sum(sizes.values()),
        "engine": dict(ENGINE),
    }
    if written.chunks:  # format 2 only when needed: entries without chunks stay readable by older readers
        manifest.update(format=manifests.FORMAT_CHUNKED, chunks=written.chunks)
    if state is not None:
        oids = oids_of[""]
        graph = {"codec": manifests.GRAPH_CODEC, "objects": oids, "bytes": sum(sizes[o] for o in set(oids))}
        manifest.update(state=graph, trace=dict(trace or {}))
        oids_of = {name: oids for name in types_}
    elif trace:  # a function call's reads (memo/effects.py): checked on lookup like a cell's
        manifest["trace"] = dict(trace)
    for name, oids in oids_of.items():
        codec_name = manifests.GRAPH_CODEC if state is not None else codec.CODEC
        manifest["variables"][name] = {"objects": oids, "bytes": sum(sizes[o] for o in set(oids)),
                                       "codec": codec_name, "type": types_[name]}
    manifests.validate(manifest)
    return manifest
