"""The parallel part of a fetch: the objects of an entry that are not local, read from their packs and stored,
each verified against its name before it gets one.

Small objects of one pack are coalesced into ranged GETs of up to PART bytes (packs.coalesce) on the network
workers; hashing, writing and flushing each piece run on the store workers meanwhile (their fdatasyncs overlap with
the download and share journal commits), and no piece gets its name before all are durable. Objects over PART bytes arrive in ranged parts (bigdownload.py).
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future
from typing import Any, Callable, Dict, List, Tuple

from ..store import atomic, engineindex, layout
from ..store.putobject import Written
from . import tuning
from .bigdownload import BigDownload
from .localfiles import name_verified, unlink_quietly, write_tmp
from .packs import Location, coalesce
from .pool import wait_all
from .progress import Progress
from .remoteerror import RemoteError


def fetch_missing(remote: Any, todo: List[str], where: Dict[str, Location], progress: Progress) -> None:
    """Fetch the objects ``todo`` (not local; each in ``where``) with ``remote`` (a transfer.Remote, typed Any:
    transfer.py imports this module). Raises RemoteError; nothing partial is left under an object's name."""
    cancel = threading.Event()
    replaced: List[str] = []
    lock = threading.Lock()
    futures: List[Future] = []
    big: List[BigDownload] = []
    by_pack: Dict[str, List[Tuple[int, int, str]]] = {}
    for o in todo:
        pack, off, size = where[o]
        if size > tuning.PART:
            big.append(BigDownload(remote, o, pack, off, size, progress, cancel))
        else:
            by_pack.setdefault(pack, []).append((off, size, o))

    stored: List[Future] = []
    written: List[Tuple[str, str]] = []  # (object, its tmp file): named only once all are durable
    buffers = threading.BoundedSemaphore(2 * remote.workers)  # ranges read and not yet stored, at most
    # Receive buffers are reused, never made per range: new memory is what costs most here (a VM faults in fresh
    # pages at ~0.4 GB/s, so a bytearray per 8 MiB range cost ~1 CPU-s per GiB pulled, more than hashing it).
    free: List[bytearray] = []

    def store(pieces: List[Tuple[str, memoryview]], release: Callable[[], None]) -> None:
        # One task per range, its pieces in order (not one per piece: ~1,650 futures, locks and wake-ups per GiB
        # were a tenth of a pull's CPU). The range's buffer is reused only after its last piece is written.
        try:
            for oid, piece in pieces:
                if cancel.is_set():
                    return
                if hashlib.sha256(piece).hexdigest() != oid:
                    raise RemoteError(f"object {oid[:12]} from the team cache does not match its name; not stored",
                                      "EREMOTECORRUPT")
                # Durable here, by this worker, while the network workers go on: the flushes of the store workers
                # overlap with the download and share journal commits. (One syncfs after the last piece waited for
                # the whole file system: another process's dirty data too, e.g. the object server's own writes.)
                tmp = write_tmp(remote.store_dir, piece)
                with lock:
                    written.append((oid, tmp))
                progress.add(len(piece), 1)
        finally:
            release()

    def run_range(pack: str, start: int, end: int, items: List[Tuple[int, int, str]]) -> None:
        # The network workers only read; hashing, writing and fsync run in the store pool meanwhile, so a
        # worker never waits on the disk while the next range could be arriving.
        if cancel.is_set():
            return
        buffers.acquire()
        with lock:
            buf = free.pop() if free and end - start <= tuning.PART else bytearray(max(end - start, tuning.PART))
        view = memoryview(buf)[:end - start]

        def release() -> None:
            with lock:
                free.append(buf)
            buffers.release()

        try:
            remote.client.get_range_into(remote.pack_key(pack), start, view)
        except BaseException:
            release()
            raise
        pieces = [(oid, view[off - start:off - start + size]) for off, size, oid in items]
        fut = remote.store_pool.submit(lambda: store(pieces, release))
        with lock:
            stored.append(fut)

    try:
        for pack, items in by_pack.items():
            for start, end, group in coalesce(sorted(set(items))):
                futures.append(remote.pool.submit(lambda p=pack, s=start, e=end, g=group: run_range(p, s, e, g)))
        for b in big:
            futures.append(b.future)
            b.start()
        wait_all(futures)
        wait_all(stored)
        # Every piece is durable (store); now their names (the store's rule: no name before its bytes are
        # durable), then their folders.
        fresh: List[Written] = []
        for oid, tmp in written:
            if name_verified(remote.store_dir, oid, tmp, fresh):
                replaced.append(oid)
    except BaseException:
        cancel.set()
        for f in list(stored):  # let pieces being written finish, so their tmp files are removed below
            f.exception()
        raise
    finally:
        for _, tmp in written:
            unlink_quietly(tmp)
    dirs = sorted({os.path.dirname(layout.object_path(remote.store_dir, o)) for o in todo})
    wait_all([remote.store_pool.submit(lambda d=d: atomic.fsync_dir(d)) for d in dirs])  # the names
    index = engineindex.EngineIndex(remote.store_dir)
    try:
        index.record_written(fresh)  # the first hit need not hash them again
    finally:
        index.close()
    if replaced:
        from ..lfs import hooks as lfs_hooks

        lfs_hooks.objects_replaced(remote.store_dir, replaced)  # git's index still has the pointers' sizes
