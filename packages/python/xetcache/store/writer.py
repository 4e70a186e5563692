"""Writing the parts of an entry (pickle streams, out-of-band buffers): small ones whole, large ones as chunks.

A part of chunking.THRESHOLD bytes or more is cut by content-defined chunking (chunking.py) and each chunk stored
as its own object (putobject.write_chunk: nothing is written for a chunk the store already holds); the part is then
named by the id of its chunk list (manifest.chunk_id) and the manifest lists the chunks (format 2, spec/FORMAT.md).
The cutting runs in this thread (the compiled chunker releases the GIL while it scans) while a pool hashes, writes
and fsyncs chunks: all of that releases the GIL too, so a large value costs about max(cut, hash, write + fsync)
spread over the cores, not their sum.

An entry of many small parts (thousands of small variables) is bound by fsync, not by the cores: each costs a
journal commit (~1-3 ms) whatever its size. Those are written by a wide pool: concurrent fsyncs share commits (the
file system groups them), so 5,000 parts cost a few hundred commits, not 5,000 in a row. Each object is still
written tmp -> fsync -> link, as spec/FORMAT.md says; nothing about durability changes.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from . import atomic, chunking, layout, manifest as manifests, putobject

WORKERS = max(2, min(8, 2 * (os.cpu_count() or 2)))
# Threads for an entry of at least WIDE_MIN parts: they mostly wait in fsync, so more than the cores (measured on
# 2 cores under load: 5,000 small values 2.1 s with 32 threads vs 2.6 s with 4; a syncfs of the file system instead
# took 1-10 s, as it also waits for other processes' dirty data).
WIDE_WORKERS = 32
WIDE_MIN = 64


class Written:
    """What a write produced: the id naming each part, every named id's size, the chunk table, stored oids."""

    def __init__(self) -> None:
        self.ids: List[str] = []
        self.sizes: Dict[str, int] = {}
        self.chunks: Dict[str, List[list]] = {}
        self.stored: Dict[str, int] = {}  # every stored object written or reused -> its size


def _pieces(buf: memoryview) -> Iterator[memoryview]:
    pos = 0
    for n in chunking.iter_lengths(buf):
        yield buf[pos:pos + n]
        pos += n


def write_parts(store_dir: str, parts: Sequence[memoryview], replaced: Optional[List[str]] = None,
                created: Optional[List[str]] = None, fresh: Optional[List[putobject.Written]] = None) -> Written:
    """Store every part durably (objects fsynced, then their folders). Returns what to put in the manifest.
    Objects this call created (not found in the store) are appended to ``created``, so that a failed entry can
    remove them (storage.py); with their files' stat data to ``fresh`` (putobject.note_fresh)."""
    out = Written()
    jobs: List[Tuple[Optional[Future], List[Future]]] = []
    workers = WIDE_WORKERS if len(parts) >= WIDE_MIN else WORKERS
    with ThreadPoolExecutor(workers, thread_name_prefix="xetcache-write") as pool:
        for part in parts:
            buf = memoryview(part).cast("B")
            if len(buf) < chunking.THRESHOLD:
                jobs.append((pool.submit(putobject.write_object, store_dir, [buf], replaced, created, fresh), []))
            else:
                jobs.append((None, [pool.submit(putobject.write_chunk, store_dir, piece, replaced, created, fresh)
                                    for piece in _pieces(buf)]))
        for whole, chunk_jobs in jobs:
            if whole is not None:
                oid, n = whole.result()
                out.ids.append(oid)
                out.sizes[oid] = n
                out.stored[oid] = n
                continue
            table = [list(f.result()) for f in chunk_jobs]
            cid = manifests.chunk_id(table)
            out.ids.append(cid)
            out.sizes[cid] = sum(n for _, n in table)
            out.chunks[cid] = table
            out.stored.update((oid, n) for oid, n in table)
        dirs = {os.path.dirname(layout.object_path(store_dir, o)) for o in out.stored}
        for _ in pool.map(atomic.fsync_dir, sorted(dirs)):  # the renames are durable before the manifest is written
            pass
    return out
