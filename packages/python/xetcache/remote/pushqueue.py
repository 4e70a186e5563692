"""The write-through queue: entries stored on this machine that are not on the remote yet.

One file per entry, ``<store>/tmp/remote/push/<key>.json`` (tmp/ is gitignored: the queue belongs to this machine
and this store folder), written when an entry is saved and removed when its manifest is on the remote. The file
also carries the push's progress (objects, bytes, errors, pid), which `xetcache status` and `xetcache push` show. A
process that dies mid-push leaves the file: the next push (the next kernel that stores or misses, `xetcache push`)
resumes it, and multipart uploads resume with the parts already sent (packupload.py).

Pushes of one store are serialised across processes by ``tmp/remote/push.lock`` (flock): a kernel's background
pusher and `xetcache push` never upload the same entry twice at once.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, List, Optional

from ..store import atomic, layout, safeio

SUBDIR = os.path.join("tmp", "remote", "push")


def queue_dir(store_dir: str) -> str:
    return os.path.join(store_dir, SUBDIR)


def _path(store_dir: str, key: str) -> str:
    return os.path.join(queue_dir(store_dir), layout.check_id(key, "key") + ".json")


def _write(store_dir: str, key: str, doc: Dict[str, Any]) -> None:
    os.makedirs(queue_dir(store_dir), exist_ok=True)
    atomic.write_file(store_dir, _path(store_dir, key), json.dumps(doc, sort_keys=True).encode(), overwrite=True)


def enqueue(store_dir: str, key: str) -> None:
    _write(store_dir, key, {"key": key, "queued": time.time(), "state": "waiting", "attempts": 0})


def read(store_dir: str, key: str) -> Optional[Dict[str, Any]]:
    try:
        doc = json.loads(safeio.read_regular(_path(store_dir, key), 64 * 1024))
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None


def update(store_dir: str, key: str, **fields: Any) -> None:
    """Merge ``fields`` into the entry's queue file (best effort: progress must never fail a push)."""
    doc = read(store_dir, key)
    if doc is None:
        return
    doc.update(fields, updated=time.time(), pid=os.getpid())
    try:
        _write(store_dir, key, doc)
    except OSError:
        pass


def remove(store_dir: str, key: str) -> None:
    try:
        os.unlink(_path(store_dir, key))
    except FileNotFoundError:
        pass


def pending(store_dir: str) -> List[Dict[str, Any]]:
    """Every queued entry, oldest first."""
    out = []
    try:
        names = os.listdir(queue_dir(store_dir))
    except OSError:
        return []
    for name in names:
        if name.endswith(".json") and layout.is_hex64(name[:-5]):
            doc = read(store_dir, name[:-5])
            if doc is not None:
                doc["key"] = name[:-5]
                out.append(doc)
    out.sort(key=lambda d: (d.get("queued") or 0, d["key"]))
    return out


class Lock:
    """The store's push lock (flock on tmp/remote/push.lock). ``acquire(wait=False)`` is True when held."""

    def __init__(self, store_dir: str) -> None:
        self.path = os.path.join(store_dir, "tmp", "remote", "push.lock")
        self.f: Any = None

    def acquire(self, wait: bool) -> bool:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        f = open(self.path, "a+")
        try:
            import fcntl
        except ImportError:  # Windows: no cross-process lock; pushes are idempotent, only work is duplicated
            self.f = f
            return True
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            f.close()
            return False
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self.f = f
        return True

    def holder(self) -> Optional[int]:
        try:
            with open(self.path) as f:
                text = f.read().strip()
            return int(text) if text.isdigit() else None
        except OSError:
            return None

    def release(self) -> None:
        if self.f is not None:
            self.f.close()  # closing drops the flock
            self.f = None
