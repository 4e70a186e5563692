"""Writing the parts of an entry (pickle streams, out-of-band buffers): small ones whole, large ones as chunks.

A part of chunking.THRESHOLD bytes or more is cut by content-defined chunking (chunking.py) and each chunk stored
as its own object (objects.write_chunk: nothing is written for a chunk the store already holds); the part is then
named by the id of its chunk list (manifest.chunk_id) and the manifest lists the chunks (format 2, spec/FORMAT.md).
The cutting runs in this thread (the compiled chunker releases the GIL while it scans) while a pool hashes, writes
and fsyncs chunks: all of that releases the GIL too, so a large value costs about max(cut, hash, write + fsync)
spread over the cores, not their sum.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from . import atomic, chunking, layout, manifest as manifests, objects

WORKERS = max(2, min(8, 2 * (os.cpu_count() or 2)))


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


def write_parts(store_dir: str, parts: Sequence[memoryview], replaced: Optional[List[str]] = None) -> Written:
    """Store every part durably (objects fsynced, then their folders). Returns what to put in the manifest."""
    out = Written()
    jobs: List[Tuple[Optional[Future], List[Future]]] = []
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="xetcache-write") as pool:
        for part in parts:
            buf = memoryview(part).cast("B")
            if len(buf) < chunking.THRESHOLD:
                jobs.append((pool.submit(objects.write_object, store_dir, [buf], replaced), []))
            else:
                jobs.append((None, [pool.submit(objects.write_chunk, store_dir, piece, replaced)
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
