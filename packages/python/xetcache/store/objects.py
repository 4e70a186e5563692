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
from typing import List, Optional, Sequence, Tuple, Union

from . import atomic, layout
from ..errors import CorruptObjectError

POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
POINTER_MAX = 1024
MMAP_MIN = 16 << 20  # below this, readinto a bytearray is cheaper than setting up a mapping
PARALLEL_HASH_MIN = 8 << 20
COMPARE_BLOCK = 8 << 20

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


def _refresh(final: str) -> None:
    """A reused object is about to be named by a new manifest: make it young again, so a concurrent `gc` (which
    sweeps only unreferenced objects older than its grace period) cannot delete it before that manifest lands."""
    try:
        os.utime(final, None)
    except OSError:  # a read-only store can still serve hits; it just cannot be gc'd under us either
        pass


def write_object(store_dir: str, chunks: Sequence[memoryview], replaced: Optional[List[str]] = None) -> Tuple[str, int]:
    """Store the concatenation of ``chunks`` as one object. Returns (oid, size). Durable (fsync) on return.

    An object already at the final path is kept when it holds these bytes (objects are immutable; a small duplicate
    is not even fsynced). A Git LFS pointer or wrong bytes there are replaced atomically by the verified bytes:
    otherwise an entry stored again after a failed lazy fetch would keep pointing at pointers and miss forever.
    The oid of a replaced pointer is appended to ``replaced`` (the caller tells git its index is stale there)."""
    chunks = [memoryview(c).cast("B") for c in chunks]
    size = sum(len(c) for c in chunks)
    fd, tmp = atomic.open_tmp(store_dir)
    try:
        try:
            if size >= PARALLEL_HASH_MIN:
                # Hash in a second thread while this one writes and then fsyncs. All three release the GIL, so a
                # big object costs max(hash, write + fsync); the fsync used to wait for the hash (their sum).
                box: List = []
                t = threading.Thread(target=lambda: box.append(_hash_chunks(chunks)), daemon=True)
                t.start()
                try:
                    atomic.write_all(fd, chunks)
                    os.fsync(fd)
                finally:
                    t.join()
                oid = box[0].hexdigest()
                final = layout.object_path(store_dir, oid)
                if holds(final, chunks, size):  # a duplicate (already durable): drop ours
                    _refresh(final)
                    return oid, size
            else:
                h = _hash_chunks(chunks)
                atomic.write_all(fd, chunks)
                oid = h.hexdigest()
                final = layout.object_path(store_dir, oid)
                if holds(final, chunks, size):  # a duplicate: skip the fsync, the main cost of a small write
                    _refresh(final)
                    return oid, size
                os.fsync(fd)
        finally:
            os.close(fd)
        if atomic.link_new(tmp, final):
            return oid, size
        if holds(final, chunks, size):
            _refresh(final)
        else:
            was_pointer = is_pointer(final)
            atomic.publish_replace(tmp, final)  # pointer / wrong bytes: rename is atomic, readers never see a gap
            if was_pointer and replaced is not None:
                replaced.append(oid)
        return oid, size
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:  # published by rename
            pass


def holds(path: str, chunks: Sequence[memoryview], size: int) -> bool:
    """True if the file at ``path`` holds exactly the bytes of ``chunks`` (so it hashes to their oid).

    Compares instead of hashing: memcmp is several times faster than sha256, and it is only paid when the object
    already exists. A pointer file differs in size, so it costs one stat."""
    try:
        st = os.stat(path)
        if st.st_size != size:
            return False
        with open(path, "rb", buffering=0) as f:
            block = bytearray(min(size, COMPARE_BLOCK))
            for chunk in chunks:
                for pos in range(0, len(chunk), COMPARE_BLOCK):
                    piece = chunk[pos:pos + COMPARE_BLOCK]
                    if len(block) != len(piece):
                        block = bytearray(len(piece))
                    if f.readinto(block) != len(piece) or block != piece:  # bytearray == buffer is a memcmp
                        return False
            return f.read(1) == b""
    except OSError:  # missing, unreadable: not holding our bytes
        return False


def is_pointer(path: str) -> bool:
    """A Git LFS pointer file (CONTRACT.md: starts with the spec line and is < 1024 bytes)."""
    try:
        with open(path, "rb") as f:
            head = f.read(POINTER_MAX)
    except OSError:
        return False
    return len(head) < POINTER_MAX and head.startswith(POINTER_PREFIX)


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
