"""Large objects of a fetch (over PART bytes): ranged parts in parallel into one tmp file, written back to disk and
hashed while they arrive, so the object gets its name moments after its last byte, verified and durable."""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future
from typing import Any, Dict, Optional

from ..store import atomic, layout, objects
from . import tuning
from .localfiles import pread, pwrite
from .progress import Progress
from .remoteerror import OTHER, RemoteError


class Flusher:
    """Writes a large download back to disk while it is still arriving: a thread that calls fdatasync each time
    FLUSH_EVERY more bytes were written. The object must be durable before it gets its name (the store's rule);
    one fsync at the end would wait for the whole object to reach the disk after the network is done, while this
    way the disk works while the network does, and the final fsync has little left to do."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = 0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = False
        self.thread: Optional[threading.Thread] = None

    def wrote(self, n: int) -> None:
        with self.lock:
            self.pending += n
            if self.pending < tuning.FLUSH_EVERY or self.stopped:
                return
            self.pending = 0
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="xetcache-flush", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.lock:
                if self.stopped:
                    return
            try:
                os.fdatasync(self.fd) if hasattr(os, "fdatasync") else os.fsync(self.fd)
            except OSError:  # the final fsync reports what matters
                pass

    def stop(self) -> None:
        """No sync after this returns (the fd may be closed then)."""
        with self.lock:
            self.stopped = True
            thread = self.thread
        self.wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()


class BigDownload:
    """One large object (bytes [base, base + total) of a pack) in ranged parts written into a tmp file, hashed in
    order as parts arrive (from memory when the part is next, else read back), named only when the whole hash
    matches. ``remote`` is the transfer.Remote fetching it (typed Any: transfer.py imports this module)."""

    def __init__(self, remote: Any, oid: str, pack: str, base: int, total: int, progress: Progress,
                 cancel: threading.Event) -> None:
        self.r, self.oid, self.total, self.progress, self.cancel = remote, oid, total, progress, cancel
        self.pack, self.base = pack, base
        self.n = (total + tuning.PART - 1) // tuning.PART
        self.fd, self.tmp = atomic.open_tmp(remote.store_dir)  # write-only
        self.rfd = os.open(self.tmp, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # reads back parts to hash
        self.h = hashlib.sha256()
        self.done = [False] * self.n
        self.mem: Dict[int, Any] = {}
        self.next = 0
        self.lock = threading.Lock()
        self.hash_lock = threading.Lock()
        self.future: Future = Future()
        self.future.set_running_or_notify_cancel()
        self.failed = False
        self.finishing = False
        self.closed = False
        self.outstanding = 0  # part tasks submitted and not returned: the files stay open until none is left
        self.flusher = Flusher(self.fd)

    def start(self) -> None:
        with self.lock:
            self.outstanding = self.n
        for i in range(self.n):
            self.r.pool.submit(lambda i=i: self._part(i))

    def _part(self, i: int) -> None:
        try:
            self._part_inner(i)
        finally:
            with self.lock:
                self.outstanding -= 1
            self._maybe_close()

    def _part_inner(self, i: int) -> None:
        if self.failed or self.cancel.is_set():
            self._fail(RemoteError("cancelled", OTHER))
            return
        try:
            start = i * tuning.PART
            buf = bytearray(min(tuning.PART, self.total - start))
            self.r.client.get_range_into(self.r.pack_key(self.pack), self.base + start, memoryview(buf))
            pwrite(self.fd, buf, start)
            self.flusher.wrote(len(buf))
        except BaseException as e:
            self._fail(e)
            return
        self.progress.add(len(buf))
        try:
            self._part_done(i, buf)
        except BaseException as e:  # reading back or hashing failed: the download fails, never hangs
            self._fail(e)

    def _part_done(self, i: int, buf: Any) -> None:
        with self.lock:
            self.done[i] = True
            if i - self.next < 2 * self.r.workers:
                self.mem[i] = buf
        self._advance()

    def _advance(self) -> None:
        while True:
            if not self.hash_lock.acquire(blocking=False):
                return
            try:
                while self.next < self.n and not self.failed:
                    with self.lock:
                        if not self.done[self.next]:
                            break
                        buf = self.mem.pop(self.next, None)
                    if buf is None:
                        at = self.next * tuning.PART
                        buf = pread(self.rfd, min(tuning.PART, self.total - at), at)
                    self.h.update(buf)
                    self.next += 1
                finished = self.next == self.n and not self.finishing and not self.failed
                if finished:
                    self.finishing = True
            finally:
                self.hash_lock.release()
            if finished:
                self._finish()
                return
            with self.lock:
                more = self.next < self.n and self.done[self.next] and not self.failed
            if not more:
                return

    def _finish(self) -> None:
        try:
            if self.h.hexdigest() != self.oid:
                raise RemoteError(f"object {self.oid[:12]} from the remote does not match its name; not stored",
                                  "EREMOTECORRUPT")
            self.flusher.stop()
            os.fsync(self.fd)  # durable before it is named (most of it was written back while downloading)
            final = layout.object_path(self.r.store_dir, self.oid)
            layout.check_dir(self.r.store_dir, "objects", "sha256", self.oid[:2])
            if not atomic.link_new(self.tmp, final) and objects.is_pointer(final):
                atomic.publish_replace(self.tmp, final)
            self.progress.add(0, 1)
        except BaseException as e:
            self._fail(e)
            return
        self._close()
        if not self.future.done():
            self.future.set_result(None)

    def _maybe_close(self) -> None:
        with self.lock:
            if not self.failed or self.outstanding > 0 or self.closed:
                return
        self._close()

    def _close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.flusher.stop()
        for fd in (self.fd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def _fail(self, e: BaseException) -> None:
        with self.lock:
            if self.failed:
                return
            self.failed = True
        self.cancel.set()
        self._maybe_close()  # not while a part task may still write (its fd number could be reused)
        if not self.future.done():
            self.future.set_exception(e)
