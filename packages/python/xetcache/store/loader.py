"""Loading the objects an entry names: read in parallel, verified, assembled into memory this process owns.

A named object is a stored object (one file) or a chunked one (format 2: the concatenation of stored chunks,
spec/FORMAT.md). Each stored object is read with pread into its place in a buffer of this process (an anonymous
private mapping for large ones, a bytearray for small ones), never unpickled from a mapping of a file another
process can rewrite. Its bytes are then hashed there (sha256 releases the GIL, so the workers hash in parallel),
unless the file's stat data equal those recorded when it last hashed right (engineindex.py, "verified"; the safety
argument is spec/FORMAT.md, "Verified objects"). A mismatch quarantines the file and fails the load (a miss);
missing files and Git LFS pointers are reported so the caller can fetch exactly those (chunks, not whole values).
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import buffers, engineindex, fanout, manifest as manifests, objects
from ..errors import CorruptObjectError

WORKERS = max(2, min(8, os.cpu_count() or 2))
RUN_BYTES = 16 << 20  # what a worker takes at a time: ~25 chunks, so 64 runs per GiB to share out
# cold page cache: runs asked for (WILLNEED) ahead of the one being read, so the disk always has work queued. 1 GiB
# after its pages were dropped, here: 0.63-0.68 s with only the run being read asked for, 0.57-0.59 s with 4 ahead
# (8 and 16 no better; the one-file readinto floor is ~0.4 s)
AHEAD_RUNS = 4


alloc = buffers.alloc


def _cold(dirs: fanout.Folders, todo: Sequence[str]) -> bool:
    """Whether the files to read are not in the page cache (probed on one of them, without waiting for the disk:
    RWF_NOWAIT). Where that cannot be told, False: reads go as they always did."""
    if not todo or not hasattr(os, "RWF_NOWAIT") or not hasattr(os, "preadv"):
        return False
    try:
        fd, st = dirs.open(todo[len(todo) // 2])
    except (OSError, CorruptObjectError, objects.NotLocal):
        return False
    try:
        os.preadv(fd, [bytearray(1)], st.st_size // 2, os.RWF_NOWAIT)
        return False
    except BlockingIOError:  # EAGAIN: that page would come from the disk
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _read_ahead(dirs: fanout.Folders, run: Sequence[str]) -> None:
    """Ask the kernel to start reading every file of a run (POSIX_FADV_WILLNEED) before the first is read: a
    cold hit otherwise reads its ~640 KiB chunk files one after another per worker, each in small synchronous
    readahead steps, with the disk mostly idle (1 GiB cold: ~2.8x the one-file readinto floor)."""
    for oid in run:
        try:
            fd, _ = dirs.open(oid)
        except (OSError, CorruptObjectError, objects.NotLocal):
            continue  # reading it says why
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except (OSError, AttributeError):
            pass
        finally:
            os.close(fd)


class _Piece:
    """One stored object to read: where its bytes go (a named object and an offset), and its expected size."""

    __slots__ = ("oid", "target", "offset", "size")

    def __init__(self, oid: str, target: str, offset: int, size: Optional[int]) -> None:
        self.oid, self.target, self.offset, self.size = oid, target, offset, size


class Plan:
    """How the named objects ``names`` of ``manifest`` are made of stored objects, and their buffers once read."""

    def __init__(self, manifest: Dict[str, Any], names: Sequence[str]) -> None:
        table = manifests.chunk_table(manifest)
        self.buffers: Dict[str, Any] = {}
        self.pieces: Dict[str, List[_Piece]] = {}  # stored oid -> where it goes (a chunk may be in several objects)
        for name in dict.fromkeys(names):
            parts = table.get(name)
            if parts is None:
                self.pieces.setdefault(name, []).append(_Piece(name, name, 0, None))
                continue
            self.buffers[name] = alloc(sum(int(n) for _, n in parts))
            offset = 0
            for oid, n in parts:
                self.pieces.setdefault(oid, []).append(_Piece(oid, name, offset, int(n)))
                offset += int(n)

    @property
    def oids(self) -> List[str]:
        return list(self.pieces)

    def result(self) -> Dict[str, Any]:
        return self.buffers

    def read(self, store_dir: str, oids: Sequence[str], index: Optional[engineindex.EngineIndex]
             ) -> Tuple[List[str], List[str]]:
        """Read and verify the stored objects ``oids`` into their places. Returns (pointers, missing); raises
        CorruptObjectError (the file is quarantined) when bytes do not match their name."""
        todo = [o for o in dict.fromkeys(oids) if o in self.pieces]
        stamps = index.verified_stamps(todo) if index is not None else {}
        self._dirs = fanout.Folders(store_dir)
        pointers: List[str] = []
        missing: List[str] = []
        verified: List[Tuple[str, os.stat_result]] = []
        errors: List[BaseException] = []
        lock = threading.Lock()

        def one(oid: str) -> None:
            try:
                st = self._read_one(store_dir, oid, stamps.get(oid))
                if st is not None:
                    with lock:
                        verified.append((oid, st))
            except objects.NotLocal as e:
                with lock:
                    (pointers if e.pointer else missing).append(oid)
            except BaseException as e:  # noqa: BLE001 - re-raised below, in the caller's thread
                with lock:
                    errors.append(e)

        self._faulting = buffers.Faulting()
        runs = self._runs(todo)
        taken = [0, 0]  # runs taken, runs asked to be read ahead
        take = threading.Lock()

        cold = _cold(self._dirs, todo)

        def work() -> None:  # take the next run until none is left: a worker the machine delays holds up one run
            while True:
                with take:
                    if taken[0] >= len(runs):
                        return
                    run = runs[taken[0]]
                    taken[0] += 1
                    ahead = runs[taken[1]:taken[0] + AHEAD_RUNS] if cold else []
                    taken[1] = max(taken[1], taken[0] + AHEAD_RUNS)
                for r in ahead:
                    _read_ahead(self._dirs, r)
                self._prepare(run)
                for oid in run:
                    one(oid)

        try:
            helpers = min(WORKERS, len(todo)) - 1
            if helpers > 0:  # this thread reads too: one thread fewer to wake and wait for
                with ThreadPoolExecutor(helpers, thread_name_prefix="xetcache-load") as ex:
                    futures = [ex.submit(work) for _ in range(helpers)]
                    work()
                    for f in futures:
                        f.result()
            else:
                work()
        finally:
            self._dirs.close()
        if index is not None and verified:
            index.record_verified(verified)
        if errors:
            corrupt = [e for e in errors if isinstance(e, CorruptObjectError)]
            if index is not None:
                index.forget_verified([getattr(e, "oid", "") for e in corrupt])
            raise (corrupt or errors)[0]
        order = {o: i for i, o in enumerate(todo)}
        return sorted(pointers, key=order.get), sorted(missing, key=order.get)  # type: ignore[arg-type]

    def _runs(self, todo: List[str]) -> List[List[str]]:
        """``todo`` cut into contiguous runs of about RUN_BYTES, in order, that the workers take one at a time.
        Contiguous: each worker fills its own region of the buffer and reads its files in order. Taken one at a
        time, not one share per worker up front: on a loaded machine a worker can wait long for a core, and with
        fixed shares the hit waited for the slowest (1 GiB here: wall time ~2x the CPU time; peers ~1.1-1.6x)."""
        runs: List[List[str]] = [[]]
        acc = 0
        for oid in todo:
            if acc >= RUN_BYTES:
                runs.append([])
                acc = 0
            runs[-1].append(oid)
            acc += max((p.size or 0) for p in self.pieces[oid]) or objects.POINTER_MAX
        return runs

    def _prepare(self, run: List[str]) -> None:
        """Fault in the parts of the buffers that ``run`` is about to fill (buffers.py: the cheap way here)."""
        spans: Dict[str, List[int]] = {}
        for oid in run:
            for p in self.pieces[oid]:
                if p.size is not None:
                    lo_hi = spans.setdefault(p.target, [p.offset, p.offset + p.size])
                    lo_hi[0], lo_hi[1] = min(lo_hi[0], p.offset), max(lo_hi[1], p.offset + p.size)
        for target, (lo, hi) in spans.items():
            self._faulting.prepare(self.buffers[target], lo, hi)

    def _read_one(self, store_dir: str, oid: str, known: Optional[engineindex.Stamp]) -> Optional[os.stat_result]:
        """Read one stored object into every place it goes. Returns its stat when it was hashed right (to be
        recorded as verified), None when it was trusted by its stat data."""
        fd, st = self._dirs.open(oid)
        try:
            pieces = self.pieces[oid]
            size = st.st_size
            if size < objects.POINTER_MAX:  # small: hash always (cheap), and a pointer is told apart by its hash
                data = objects.read_small(store_dir, oid, fd)
                for p in pieces:
                    self._place(p, data, store_dir)
                return None
            for p in pieces:
                if p.size is None:  # a whole object: its own buffer
                    self.buffers[oid] = alloc(size)
                    self._faulting.prepare(self.buffers[oid], 0, size)
                elif p.size != size:  # a chunk of the wrong size cannot be its bytes
                    raise objects.mismatch(store_dir, oid, f"its size is {size}, the entry says {p.size}")
            first = pieces[0]
            view = self._view(first, size)
            if objects.read_into(fd, view) != size:
                raise objects.mismatch(store_dir, oid, "truncated while reading")
            after = os.fstat(fd)
            trusted = known is not None and engineindex.stamp_of(st) == known and engineindex.stamp_of(after) == known
            if not trusted:
                got = hashlib.sha256(view).hexdigest()
                if got != oid:
                    raise objects.mismatch(store_dir, oid, f"its bytes hash to {got}")
            for p in pieces[1:]:  # the same chunk again (a repeated region): copy what was verified
                self._view(p, size)[:] = view
            if trusted:
                return None
            return st if engineindex.stamp_of(after) == engineindex.stamp_of(st) else None
        finally:
            os.close(fd)

    def _view(self, piece: _Piece, size: int) -> memoryview:
        buf = self.buffers[piece.target]
        return memoryview(buf)[piece.offset:piece.offset + size]

    def _place(self, piece: _Piece, data: bytes, store_dir: str) -> None:
        if piece.size is None:
            self.buffers[piece.target] = data
        elif piece.size != len(data):
            raise objects.mismatch(store_dir, piece.oid, f"its size is {len(data)}, the entry says {piece.size}")
        else:
            self._view(piece, len(data))[:] = data
