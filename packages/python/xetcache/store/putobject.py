"""Writing content-addressed objects: hash while writing, tmp -> fsync -> link under the sha256 name, never over
other bytes (an object already there is kept when it holds these bytes, replaced when it is a Git LFS pointer or
holds wrong ones). Reading and verifying them: objects.py.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from typing import List, Optional, Sequence, Tuple

from . import atomic, layout, safeio
from .objects import is_pointer

PARALLEL_HASH_MIN = 8 << 20
COMPARE_BLOCK = 8 << 20
Written = Tuple[str, os.stat_result]  # an object this process created, with its file's final stat data


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
    stat data of its file to ``fresh`` when they can be trusted later (see note_fresh)."""
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
        _publish(tmp, final, oid, chunks, size, st, replaced, created, fresh)
        return oid, size
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:  # published by rename
            pass


def _publish(tmp: str, final: str, oid: str, chunks: Sequence[memoryview], size: int, st: Optional[os.stat_result],
             replaced: Optional[List[str]], created: Optional[List[str]], fresh: Optional[List[Written]]) -> None:
    """Give the durable ``tmp`` (``oid``'s bytes) its name: a new name by link; an existing file holding these bytes
    is kept (and made young); a Git LFS pointer or wrong bytes there are replaced by rename (atomic: readers never
    see a gap)."""
    if atomic.link_new(tmp, final):
        if created is not None:
            created.append(oid)
        note_fresh(fresh, oid, st, tmp, final)
    elif holds(final, chunks, size):
        _refresh(final)
    else:
        was_pointer = is_pointer(final)
        atomic.publish_replace(tmp, final)
        if was_pointer and replaced is not None:
            replaced.append(oid)


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
        _publish(tmp, final, oid, [data], size, st, replaced, created, fresh)
        return oid, size
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def note_fresh(fresh: Optional[List[Written]], oid: str, st: Optional[os.stat_result], tmp: str, final: str) -> None:
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
