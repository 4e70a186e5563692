"""The memory loaded objects are read into: private to this process (never a mapping of a store file), and faulted in
the cheaper of two ways, chosen by what faulting in costs on this machine right now.

A large hit in a fresh process reads into new memory, and getting that memory can cost more than copying the bytes.
Measured on this project's 2-core VM, per GiB: huge pages (MADV_HUGEPAGE) faulted in ahead of the read by
MADV_POPULATE_WRITE cost ~0.1 s when the kernel has recently freed memory at hand, but 1.1-1.9 s when its free memory
was handed back to the host (free page reporting, in 2 MiB blocks); small pages cost a steady ~0.4 s either way; and
huge pages faulted in by the read itself (no populate) cost 1-2.6 s even when warm. So: huge pages, each range
populated just before its bytes are read; when populating shows the expensive case (its CPU time per byte), the
rest of the buffer gets small pages (MADV_NOHUGEPAGE) and is faulted in by the read. Elsewhere (no Linux, an old
kernel) this is a plain anonymous mapping.
"""

from __future__ import annotations

import mmap
import sys
import threading
import time
from typing import Any, Set

ANON_MIN = 1 << 20  # below this a bytearray
MADV_POPULATE_WRITE = 23  # Linux 5.14; Python 3.11's mmap module does not name it
COLD_S_PER_GIB = 0.5  # populate CPU above this per GiB: huge pages are the expensive kind here, use small ones
_LINUX = sys.platform.startswith("linux")


def alloc(size: int) -> Any:
    """A writable buffer of ``size`` bytes that belongs to this process only (what verified bytes are read into):
    a bytearray when small, anonymous private pages (huge where the kernel offers them) when large."""
    if size < ANON_MIN or not hasattr(mmap, "MAP_ANONYMOUS"):
        return bytearray(size)
    buf = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if _LINUX and hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            buf.madvise(mmap.MADV_HUGEPAGE)
        except OSError:
            pass
    return buf


class Faulting:
    """One load's choice between populated huge pages and small pages (thread-safe; shared by its workers)."""

    def __init__(self) -> None:
        self.usable = _LINUX and hasattr(mmap, "MADV_NOHUGEPAGE")
        self.cold = False
        self.small: Set[int] = set()  # ids of buffers switched to small pages
        self.lock = threading.Lock()

    def prepare(self, buf: Any, lo: int, hi: int) -> None:
        """Fault in buf[lo:hi] before bytes are read there (a no-op for small buffers, or once found cold)."""
        if not self.usable or not isinstance(buf, mmap.mmap) or hi <= lo:
            return
        if self.cold:
            self._small(buf)
            return
        start = lo - lo % mmap.PAGESIZE
        length = min(hi, len(buf)) - start
        t = time.thread_time()  # CPU, not wall: a worker waiting for a core is not a sign of expensive memory
        try:
            buf.madvise(MADV_POPULATE_WRITE, start, length)
        except (OSError, ValueError):  # an old kernel (EINVAL), no memory (ENOMEM): the read faults pages in
            self.usable = False
            return
        if length >= (2 << 20) and time.thread_time() - t > COLD_S_PER_GIB * length / (1 << 30):
            self.cold = True
            self._small(buf)

    def _small(self, buf: mmap.mmap) -> None:
        with self.lock:
            if id(buf) in self.small:
                return
            self.small.add(id(buf))
        try:
            buf.madvise(mmap.MADV_NOHUGEPAGE)  # pages already there stay; the rest come small
        except OSError:
            pass
