"""Content-addressed objects: write (hash while writing, never overwrite) and read (verify before anyone uses it).

Reading verifies the sha256 of the whole object before returning it; a mismatch moves the file to quarantine/ and
raises CorruptObjectError, so a tampered pickle is never handed to pickle.loads. Large objects (out-of-band
buffers) are mapped copy-on-write: hashing reads the page cache in place and the restored array uses the same
pages (no copy, still writable).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import threading
from typing import List, Sequence, Tuple, Union

from . import atomic, layout
from .errors import CorruptObjectError

POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
POINTER_MAX = 1024
MMAP_MIN = 16 << 20  # below this, readinto a bytearray is cheaper than setting up a mapping
PARALLEL_HASH_MIN = 8 << 20

Buffer = Union[bytes, bytearray, memoryview, mmap.mmap]


class NotLocal(Exception):
    """Internal: the object is missing or is a Git LFS pointer file."""

    def __init__(self, oid: str, pointer: bool) -> None:
        super().__init__(oid)
        self.oid = oid
        self.pointer = pointer


def _hash_chunks(chunks: Sequence[memoryview]) -> "hashlib._Hash":
    h = hashlib.sha256()
    for c in chunks:
        h.update(c)
    return h


def write_object(store_dir: str, chunks: Sequence[memoryview]) -> Tuple[str, int]:
    """Store the concatenation of ``chunks`` as one object. Returns (oid, size). Durable (fsync) on return."""
    chunks = [memoryview(c).cast("B") for c in chunks]
    size = sum(len(c) for c in chunks)
    fd, tmp = atomic.open_tmp(store_dir)
    try:
        try:
            if size >= PARALLEL_HASH_MIN:
                # hash in a second thread while this one writes: both release the GIL, so it costs max(), not sum
                box: List = []
                t = threading.Thread(target=lambda: box.append(_hash_chunks(chunks)), daemon=True)
                t.start()
                try:
                    atomic.write_all(fd, chunks)
                finally:
                    t.join()
                h = box[0]
            else:
                h = _hash_chunks(chunks)
                atomic.write_all(fd, chunks)
            os.fsync(fd)
        finally:
            os.close(fd)
        oid = h.hexdigest()
        atomic.publish_no_overwrite(tmp, layout.object_path(store_dir, oid))
        return oid, size
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def quarantine(store_dir: str, oid: str) -> None:
    qdir = os.path.join(store_dir, "quarantine")
    os.makedirs(qdir, exist_ok=True)
    try:
        os.replace(layout.object_path(store_dir, oid), os.path.join(qdir, oid))
    except FileNotFoundError:  # another reader quarantined it first
        pass


def _mismatch(store_dir: str, oid: str, got: str) -> CorruptObjectError:
    quarantine(store_dir, oid)
    return CorruptObjectError(f"object {oid} is corrupt (its bytes hash to {got}); moved to quarantine/", oid=oid)


def read_object(store_dir: str, oid: str) -> Buffer:
    """The verified bytes of an object (bytes/bytearray, or a private mmap for large ones).

    Raises NotLocal (missing / LFS pointer) or CorruptObjectError (quarantined)."""
    path = layout.object_path(store_dir, oid)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise NotLocal(oid, pointer=False) from None
    try:
        size = os.fstat(fd).st_size
        if size < POINTER_MAX:
            data = os.read(fd, POINTER_MAX)
            if data.startswith(POINTER_PREFIX):
                raise NotLocal(oid, pointer=True)
            got = hashlib.sha256(data).hexdigest()
            if got != oid:
                raise _mismatch(store_dir, oid, got)
            return data
        if size >= MMAP_MIN and hasattr(mmap, "ACCESS_COPY"):
            buf: Buffer = mmap.mmap(fd, size, access=mmap.ACCESS_COPY)
        else:
            buf = bytearray(size)
            with os.fdopen(os.dup(fd), "rb", buffering=0) as f:
                view, pos = memoryview(buf), 0
                while pos < size:
                    n = f.readinto(view[pos:])
                    if not n:
                        break
                    pos += n
            if pos != size:
                raise _mismatch(store_dir, oid, "<truncated while reading>")
        got = hashlib.sha256(buf).hexdigest()
        if got != oid:
            if isinstance(buf, mmap.mmap):
                buf.close()
            raise _mismatch(store_dir, oid, got)
        return buf
    finally:
        os.close(fd)
