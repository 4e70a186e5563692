"""The memory loaded objects are read into: private to this process (never a mapping of a store file), and faulted in
the cheaper of two ways, chosen by what faulting in costs on this machine right now.

A large hit in a fresh process reads into new memory, and getting that memory can cost more than copying the bytes.
Measured on this project's 2-core VM, per GiB: huge pages (MADV_HUGEPAGE) faulted in ahead of the read by
MADV_POPULATE_WRITE cost ~0.1 s when the kernel has recently freed memory at hand, but 1.1-1.9 s when its free memory
was handed back to the host (free page reporting, in 2 MiB blocks); small pages cost a steady ~0.4 s either way; and
huge pages faulted in by the read itself (no populate) cost 1-2.6 s even when warm. So: huge pages, each range
populated just before its bytes are read; when populating shows the expensive case (its CPU time per byte), the
rest of the buffer gets small pages (MADV_NOHUGEPAGE), populated ahead of the read as well (1 GiB of small pages
here: 0.44-0.53 s populated, 0.60-0.81 s faulted in by the read one page at a time). Elsewhere (no Linux, an old
kernel) this is a plain anonymous mapping.

Populating is called through ctypes, which releases the GIL, not mmap.madvise, which holds it: zeroing 16 MiB
takes ~1.5 ms, and while one worker did so under the GIL the other could not start its next read. A 1 GiB hit in a
fresh process went from 0.22-0.27 s to 0.17-0.19 s that way (2 workers, memory the kernel had at hand).
"""

from __future__ import annotations

import mmap
import os
import sys
import threading
import time
from typing import Any, Callable, Optional, Set

ANON_MIN = 1 << 20  # below this a bytearray
MADV_POPULATE_WRITE = 23  # Linux 5.14; Python 3.11's mmap module does not name it
COLD_S_PER_GIB = 0.5  # populate CPU above this per GiB: huge pages are the expensive kind here, use small ones
_LINUX = sys.platform.startswith("linux")


def _libc_madvise() -> Optional[Callable[[int, int, int], int]]:
    """libc's madvise through ctypes (a foreign call: the GIL is released), or None where there is none."""
    if not _LINUX:
        return None
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).madvise
        fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        fn.restype = ctypes.c_int
    except (ImportError, OSError, AttributeError):
        return None

    def call(addr: int, length: int, advice: int) -> int:
        if fn(addr, length, advice) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        return 0

    return call


_MADVISE = _libc_madvise()


def _address(buf: mmap.mmap) -> Optional[int]:
    """Where ``buf``'s pages start (it never moves while it lives), or None. The ctypes view is dropped at once so
    that the mapping has no export left that would stop it from being closed."""
    try:
        import ctypes

        view = ctypes.c_char.from_buffer(buf)
        try:
            return ctypes.addressof(view)
        finally:
            del view
    except (ImportError, TypeError, ValueError, BufferError):
        return None


def populate(buf: mmap.mmap, start: int, length: int) -> None:
    """Fault in (writable) buf[start:start+length], start page aligned, without holding the GIL where that can be
    done. Raises OSError (EINVAL on a kernel before 5.14, ENOMEM) or ValueError as mmap.madvise does."""
    addr = _address(buf) if _MADVISE is not None else None
    if addr is None or start < 0 or length < 0 or start + length > len(buf):
        buf.madvise(MADV_POPULATE_WRITE, start, length)
        return
    _MADVISE(addr + start, length, MADV_POPULATE_WRITE)


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
        """Fault in buf[lo:hi] before bytes are read there (a no-op for small buffers): huge pages until that shows
        itself expensive, small ones after."""
        if not self.usable or not isinstance(buf, mmap.mmap) or hi <= lo:
            return
        cold = self.cold
        if cold:
            self._small(buf)
        start = lo - lo % mmap.PAGESIZE
        length = min(hi, len(buf)) - start
        t = time.thread_time()  # CPU, not wall: a worker waiting for a core is not a sign of expensive memory
        try:
            populate(buf, start, length)
        except (OSError, ValueError):  # an old kernel (EINVAL), no memory (ENOMEM): the read faults pages in
            self.usable = False
            return
        if not cold and length >= (2 << 20) and time.thread_time() - t > COLD_S_PER_GIB * length / (1 << 30):
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
