"""Content-addressed objects: read (verify before anyone uses it), Git LFS pointers, quarantine. Writing: putobject.py.

Reading verifies the sha256 of the whole object before returning it; a mismatch moves the file to quarantine/ and
raises CorruptObjectError, so a tampered pickle is never handed to pickle.loads. Bytes are read into memory this
process owns (large objects: anonymous private pages) and hashed there: what was hashed is what is used. (They used
to be mapped from the file copy-on-write and unpickled from that map, but pages not yet written still follow the
file, so another process rewriting it between the hash and the unpickle changed what was loaded.) Loading the
objects of an entry, chunked ones included, in parallel: loader.py.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from typing import Sequence, Tuple, Union

from . import buffers, layout, safeio
from ..errors import CorruptObjectError

POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
POINTER_MAX = 1024
READ_BLOCK = 64 << 20

Buffer = Union[bytes, bytearray, memoryview, mmap.mmap]


class NotLocal(Exception):
    """Internal: the object is missing or is a Git LFS pointer file."""

    def __init__(self, oid: str, pointer: bool) -> None:
        super().__init__(oid)
        self.oid = oid
        self.pointer = pointer


def looks_like_pointer(head: bytes, size: int) -> bool:
    """The Git LFS pointer rule (spec/FORMAT.md): < 1024 bytes and starts with the spec line. Callers hash first:
    content that happens to start with the line hashes to its own name, which a pointer (it names it) never can."""
    return size < POINTER_MAX and head.startswith(POINTER_PREFIX)


def is_pointer(path: str) -> bool:
    """The file at ``path`` is a regular file that looks like a Git LFS pointer (used before replacing a file that
    does not hold our bytes, so the hash has been found wrong already)."""
    try:
        head = safeio.read_regular(path, POINTER_MAX)
    except OSError:
        return False
    return looks_like_pointer(head, len(head))


def remove_created(store_dir: str, oids: Sequence[str]) -> None:
    """Remove objects a failed write created (no manifest names them yet); best effort, never raises."""
    for oid in set(oids):
        try:
            os.unlink(layout.object_path(store_dir, oid))
        except OSError:
            pass


def quarantine(store_dir: str, oid: str) -> bool:
    """Move the object's directory entry to quarantine/ (a symlink moves as itself, never its target). Only when
    every folder on both sides is a real folder inside the store: otherwise the rename could move a file that lives
    outside the store, or into a folder outside it. True when moved."""
    qdir = os.path.join(store_dir, "quarantine")
    if not safeio.real_dirs(store_dir, "objects", "sha256", oid[:2]):
        return False
    try:
        os.mkdir(qdir)
    except FileExistsError:
        pass
    except OSError:  # a read-only store: the read still fails, nothing is moved
        return False
    if not safeio.real_dirs(store_dir, "quarantine"):
        return False
    try:
        os.replace(layout.object_path(store_dir, oid), os.path.join(qdir, oid))
        return True
    except OSError:  # another reader quarantined it first, or the store is read-only
        return False


def _mismatch(store_dir: str, oid: str, got: str) -> CorruptObjectError:
    moved = quarantine(store_dir, oid)
    where = "moved to quarantine/" if moved else "left in place"
    return CorruptObjectError(f"object {oid} is corrupt ({got}); {where}", oid=oid)


mismatch = _mismatch
alloc = buffers.alloc  # the memory verified bytes are read into (buffers.py)


def open_object(store_dir: str, oid: str) -> Tuple[int, os.stat_result]:
    """(fd, stat) of the object's regular file. NotLocal when absent; CorruptObjectError (quarantined) when the
    name is a symlink, FIFO, device or folder, or its fan-out folder is not a real folder: none of them is read."""
    path = layout.object_path(store_dir, oid)
    if not safeio.real_dirs(store_dir, "objects", "sha256", oid[:2]):
        if os.path.lexists(os.path.dirname(path)):
            raise _mismatch(store_dir, oid, f"objects/sha256/{oid[:2]} is not a real folder")
        raise NotLocal(oid, pointer=False)
    try:
        return safeio.open_regular(path)
    except FileNotFoundError:
        raise NotLocal(oid, pointer=False) from None
    except safeio.NotRegular:
        raise _mismatch(store_dir, oid, "not a regular file") from None


def read_small(store_dir: str, oid: str, fd: int) -> bytes:
    """The verified bytes of an object under POINTER_MAX. The hash is checked before the pointer rule, exactly as
    the TypeScript side does (spec/vectors/lfs-pointers.json): NotLocal(pointer) or CorruptObjectError."""
    data = os.pread(fd, POINTER_MAX, 0)
    got = hashlib.sha256(data).hexdigest()
    if got == oid:
        return data
    if looks_like_pointer(data, len(data)):
        raise NotLocal(oid, pointer=True)
    raise _mismatch(store_dir, oid, f"its bytes hash to {got}")


def read_into(fd: int, view: memoryview) -> int:
    """Read the file from offset 0 into ``view`` (until it is full or the file ends). Returns the bytes read.
    pread does not move the fd's offset, so any number of threads can read files this way."""
    pos, size = 0, len(view)
    if hasattr(os, "preadv"):
        while pos < size:
            n = os.preadv(fd, [view[pos:pos + READ_BLOCK]], pos)
            if not n:
                break
            pos += n
        return pos
    with os.fdopen(os.dup(fd), "rb", buffering=0) as f:  # Windows: no pread
        f.seek(0)
        while pos < size:
            n = f.readinto(view[pos:pos + READ_BLOCK])
            if not n:
                break
            pos += n
    return pos


def read_object(store_dir: str, oid: str) -> Buffer:
    """The verified bytes of one stored object (bytes, bytearray, or anonymous private pages for large ones).

    Raises NotLocal (missing / LFS pointer) or CorruptObjectError (quarantined)."""
    fd, st = open_object(store_dir, oid)
    try:
        size = st.st_size
        if size < POINTER_MAX:
            return read_small(store_dir, oid, fd)
        buf = alloc(size)
        buffers.Faulting().prepare(buf, 0, size)
        if read_into(fd, memoryview(buf)) != size:
            raise _mismatch(store_dir, oid, "truncated while reading")
        got = hashlib.sha256(buf).hexdigest()
        if got != oid:
            raise _mismatch(store_dir, oid, f"its bytes hash to {got}")
        return buf
    finally:
        os.close(fd)
