"""Packs on the remote (layout in transfer.py): their names, the where-files and indexes that say what they hold
(checked before anything is read by them), the index of every pack kept on this machine, and the grouping of an
entry's objects in one pack into few ranged requests."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List, Tuple

from ..store import atomic, layout, manifest as manifests, safeio
from . import tuning
from .config import RemoteConfig
from .localfiles import STATE_DIR
from .pool import wait_all
from .remoteerror import RemoteError

Location = Tuple[str, int, int]  # (pack, offset, size)


def pack_name_ok(name: Any) -> bool:
    return (isinstance(name, str) and len(name) == 73 and name[64] == "-" and layout.is_hex64(name[:64])
            and all(c in "0123456789abcdef" for c in name[65:]))


def size_ok(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= manifests.MAX_SIZE


def parse_where(data: bytes, key: str) -> Dict[str, Location]:
    """A where-file, checked: every oid 64 hex, every pack a pack name, offsets and sizes integers."""
    try:
        doc = json.loads(data.decode("utf-8"))
        objs = doc["objects"]
        out = {}
        for oid, loc in objs.items():
            pack, off, size = loc
            if not (layout.is_hex64(oid) and pack_name_ok(pack) and size_ok(off) and size_ok(size)):
                raise ValueError(f"bad location of {oid!r}")
            out[oid] = (pack, off, size)
        if doc.get("key") != key:
            raise ValueError("names another entry")
        return out
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise RemoteError(f"the team cache's where-file of {key[:12]} is invalid ({e})", "EREMOTECORRUPT") from None


def parse_index(data: bytes, pack: str) -> Dict[str, Location]:
    try:
        doc = json.loads(data.decode("utf-8"))
        out = {}
        for oid, off, size in doc["objects"]:
            if not (layout.is_hex64(oid) and size_ok(off) and size_ok(size)):
                raise ValueError(f"bad entry {oid!r}")
            out[oid] = (pack, off, size)
        return out
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        raise RemoteError(f"the team cache's index of pack {pack} is invalid ({e})", "EREMOTECORRUPT") from None


def known(remote: Any) -> Dict[str, Location]:
    """Where every object ``remote`` (a transfer.Remote) holds is: its packs' indexes, each downloaded once per
    machine and kept in tmp/remote/index/ (packs never change: a pack name is never reused)."""
    cache = os.path.join(remote.store_dir, STATE_DIR, "index", _slug(remote.cfg))
    os.makedirs(cache, exist_ok=True)
    base = remote.cfg.key("index") + "/"
    out: Dict[str, Location] = {}
    names = [n[len(base):-5] for n, _ in remote.client.list(base) if n.endswith(".json")]
    todo = []
    for pack in names:
        if not pack_name_ok(pack):
            continue
        got = remote.indexes.get(pack)  # read once per process
        if got is None:
            try:
                got = remote.indexes[pack] = parse_index(
                    safeio.read_regular(os.path.join(cache, pack + ".json"), 1 << 28), pack)
            except (OSError, RemoteError):
                todo.append(pack)
                continue
        out.update(got)

    def get(pack: str) -> Dict[str, Location]:
        data = remote.client.get(remote.index_key(pack))
        if data is None:
            return {}
        got = remote.indexes[pack] = parse_index(data, pack)
        atomic.write_file(remote.store_dir, os.path.join(cache, pack + ".json"), data, overwrite=True)
        return got

    futures = [remote.push_pool.submit(lambda p=p: get(p)) for p in todo]
    wait_all(futures)
    for f in futures:
        out.update(f.result())
    return out


def _slug(cfg: RemoteConfig) -> str:
    """One cache folder per remote (endpoint, bucket, prefix): a store whose remote.json changes starts afresh."""
    return hashlib.sha256(f"{cfg.endpoint}\n{cfg.bucket}\n{cfg.prefix}".encode()).hexdigest()[:16]


def coalesce(items: List[Tuple[int, int, str]]) -> List[Tuple[int, int, List[Tuple[int, int, str]]]]:
    """Ranges of one pack (sorted by offset) grouped into requests of at most PART bytes, gaps under GAP read."""
    out: List[Tuple[int, int, List[Tuple[int, int, str]]]] = []
    for off, size, oid in items:
        if out:
            start, end, group = out[-1]
            if off - end < tuning.GAP and off >= end and off + size - start <= tuning.PART:
                out[-1] = (start, off + size, group + [(off, size, oid)])
                continue
        out.append((off, off + size, [(off, size, oid)]))
    return out
