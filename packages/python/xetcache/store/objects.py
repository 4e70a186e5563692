"""Content-addressed objects: write (hash while writing, never overwrite) and read (verify before anyone uses it).

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
import stat
import threading
import time
from typing import List, Optional, Sequence, Tuple, Union

from . import atomic, buffers, layout, safeio
from ..errors import CorruptObjectError

Written = Tuple[str, os.stat_result]  # an object this process created, with its file's final stat data

POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
POINTER_MAX = 1024
PARALLEL_HASH_MIN = 8 << 20
COMPARE_BLOCK = 8 << 20
READ_BLOCK = 64 << 20

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


REFRESH_AFTER_S = 60  # an object written in the last minute is young for any gc grace period worth the name


def _refresh(final: str) -> None:
    """A reused object is about to be named by a new manifest: make it young again, so a concurrent `gc` (which
    sweeps only unreferenced objects older than its grace period) cannot delete it before that manifest lands.
    Only when it is not young already: a refresh changes the file's ctime, which makes its verified record
    (engineindex.py) stale, so the next load hashes it again."""
    try:
        if time.time() - os.stat(final).st_mtime < REFRESH_AFTER_S:
            return
        os.utime(final, None)
    except OSError:  # a read-only store can still serve hits; it just cannot be gc'd under us either
        pass


def _final_path(store_dir: str, oid: str) -> str:
    layout.check_dir(store_dir, "objects", "sha256", oid[:2])
    return layout.object_path(store_dir, oid)


def write_object(store_dir: str, chunks: Sequence[memoryview], replaced: Optional[List[str]] = None,
                 created: Optional[List[str]] = None, fresh: Optional[List[Written]] = None) -> Tuple[str, int]:
    """Store the concatenation of ``chunks`` as one object. Returns (oid, size). Durable (fsync) on return.

    An object already at the final path is kept when it holds these bytes (objects are immutable; a small duplicate
    is not even fsynced). A Git LFS pointer or wrong bytes there are replaced atomically by the verified bytes:
    otherwise an entry stored again after a failed lazy fetch would keep pointing at pointers and miss forever.
    The oid of a replaced pointer is appended to ``replaced`` (the caller tells git its index is stale there), the
    oid of an object this call created to ``created`` (removed again if the entry fails: storage.py), and with the
    stat data of its file to ``fresh`` when they can be trusted later (see _fresh)."""
    chunks = [memoryview(c).cast("B") for c in chunks]
    size = sum(len(c) for c in chunks)
    fd, tmp = atomic.open_tmp(store_dir)
    st: Optional[os.stat_result] = None
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
                    st = os.fstat(fd)
                finally:
                    t.join()
                oid = box[0].hexdigest()
                final = _final_path(store_dir, oid)
                if holds(final, chunks, size):  # a duplicate (already durable): drop ours
                    _refresh(final)
                    return oid, size
            else:
                h = _hash_chunks(chunks)
                atomic.write_all(fd, chunks)
                oid = h.hexdigest()
                final = _final_path(store_dir, oid)
                if holds(final, chunks, size):  # a duplicate: skip the fsync, the main cost of a small write
                    _refresh(final)
                    return oid, size
                os.fsync(fd)
                st = os.fstat(fd)
        finally:
            os.close(fd)
        if atomic.link_new(tmp, final):
            if created is not None:
                created.append(oid)
            _fresh(fresh, oid, st, tmp, final)
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


def write_chunk(store_dir: str, data: memoryview, replaced: Optional[List[str]] = None,
                created: Optional[List[str]] = None, fresh: Optional[List[Written]] = None) -> Tuple[str, int]:
    """Store one chunk (spec/FORMAT.md, "Chunked objects"): hash first, and when the store already holds these
    bytes write nothing (a new version of a value shares most of its chunks); otherwise as write_object. Durable
    on return. Safe to call from several threads (hashing, writing and fsync release the GIL)."""
    data = memoryview(data).cast("B")
    size = len(data)
    oid = hashlib.sha256(data).hexdigest()
    final = _final_path(store_dir, oid)
    if holds(final, [data], size):
        _refresh(final)
        return oid, size
    fd, tmp = atomic.open_tmp(store_dir)
    try:
        try:
            atomic.write_all(fd, [data])
            os.fsync(fd)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        if atomic.link_new(tmp, final):
            if created is not None:
                created.append(oid)
            _fresh(fresh, oid, st, tmp, final)
        elif not holds(final, [data], size):
            was_pointer = is_pointer(final)
            atomic.publish_replace(tmp, final)
            if was_pointer and replaced is not None:
                replaced.append(oid)
        return oid, size
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _fresh(fresh: Optional[List[Written]], oid: str, st: Optional[os.stat_result], tmp: str, final: str) -> None:
    """Note the stat data of an object file this writer just created and linked to ``final``, so that the next
    load need not hash it (engineindex.record_written; why that is safe: spec/FORMAT.md, "Loading and verified
    objects"). The tmp name goes first (link and unlink change the inode's ctime, so the stat data are final only
    then); ``final`` must still be the very file written: same device, inode, size and mtime as fstat of our
    descriptor after the fsync."""
    if fresh is None or st is None:
        return
    try:
        os.unlink(tmp)
        now = os.lstat(final)
    except OSError:
        return
    if stat.S_ISREG(now.st_mode) and (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) == (
            st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns):
        fresh.append((oid, now))


def holds(path: str, chunks: Sequence[memoryview], size: int) -> bool:
    """True if the file at ``path`` holds exactly the bytes of ``chunks`` (so it hashes to their oid).

    Compares instead of hashing: memcmp is several times faster than sha256, and it is only paid when the object
    already exists. A pointer file differs in size, so it costs one lstat; a symlink or FIFO is never opened."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != size:
            return False
        with os.fdopen(safeio.open_regular(path)[0], "rb", buffering=0) as f:
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
refresh = _refresh  # for batch.py, which writes small objects as this module does
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
