"""The local side of a transfer: which objects the store has, tmp files that get an object's name only once their
bytes are verified and durable, the fetched manifest written last, and positional reads and writes (with a
fallback where the platform has none)."""

from __future__ import annotations

import os
import threading
from typing import Any, Dict, List, Optional

from ..store import atomic, layout, manifest as manifests, objects, putobject
from ..store.putobject import Written

STATE_DIR = os.path.join("tmp", "remote")  # machine-local state of the remote tier (gitignored with tmp/)


def is_local(store_dir: str, oid: str) -> bool:
    """The object's file is a regular file that is not a Git LFS pointer (its bytes are checked when read)."""
    path = layout.object_path(store_dir, oid)
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat as stat_mod
    if not stat_mod.S_ISREG(st.st_mode):
        return False
    return not (st.st_size < objects.POINTER_MAX and objects.is_pointer(path))


def write_tmp(store_dir: str, data: Any) -> str:
    """Bytes already hashed to their object's name, in a new tmp file of the store, durable (fdatasync) on return."""
    fd, tmp = atomic.open_tmp(store_dir)
    try:
        atomic.write_all(fd, [memoryview(data)])
        getattr(os, "fdatasync", os.fsync)(fd)
    except BaseException:
        os.close(fd)
        unlink_quietly(tmp)
        raise
    os.close(fd)
    return tmp


def name_verified(store_dir: str, oid: str, tmp: str, fresh: Optional[List[Written]] = None) -> bool:
    """Give a durable tmp file holding ``oid``'s bytes its name (never over content; over a Git LFS pointer by
    rename). True when a pointer was replaced. A file this call created is added to ``fresh`` with its stat data,
    as the store's writer does for its own (putobject.note_fresh): its bytes were hashed in memory before they
    were written, so the first hit need not hash them again."""
    final = layout.object_path(store_dir, oid)
    layout.check_dir(store_dir, "objects", "sha256", oid[:2])
    st = os.stat(tmp) if fresh is not None else None
    if atomic.link_new(tmp, final):
        putobject.note_fresh(fresh, oid, st, tmp, final)
        return False
    if not objects.is_pointer(final):
        return False
    atomic.publish_replace(tmp, final)
    return True


def unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_local_manifest(store_dir: str, m: Dict[str, Any]) -> bool:
    """Write a fetched manifest into the store (never over a local one). Its objects must be local already."""
    key = m["key"]
    path = layout.manifest_path(store_dir, key)
    layout.check_dir(store_dir, "entries", key[:2])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return atomic.write_file(store_dir, path, manifests.dumps(m), overwrite=False)


_seek_lock = threading.Lock()


def pwrite(fd: int, data: Any, offset: int) -> None:
    view = memoryview(data).cast("B")
    if hasattr(os, "pwrite"):
        pos = 0
        while pos < len(view):
            pos += os.pwrite(fd, view[pos:], offset + pos)
        return
    with _seek_lock:  # Windows: no pwrite
        os.lseek(fd, offset, os.SEEK_SET)
        atomic.write_all(fd, [view])


def pread(fd: int, n: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, n, offset)
    with _seek_lock:
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, n)


def pread_into(fd: int, view: memoryview, offset: int) -> int:
    """Read from ``offset`` into ``view`` until it is full or the file ends. Returns the bytes read."""
    pos = 0
    while pos < len(view):
        if hasattr(os, "preadv"):
            n = os.preadv(fd, [view[pos:]], offset + pos)
        else:
            with _seek_lock:  # Windows: no pread
                os.lseek(fd, offset + pos, os.SEEK_SET)
                data = os.read(fd, len(view) - pos)
                view[pos:pos + len(data)] = data
                n = len(data)
        if not n:
            break
        pos += n
    return pos
