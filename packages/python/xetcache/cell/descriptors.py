"""Files a cell reads or writes through descriptors that were already open before it ran: `fd = os.open(...)` or a
`logging.FileHandler` of an earlier cell. No audit event names such a read or write (`os.read`/`os.write` have
none, and the `open` happened while no recorder listened), and an fd is an int whose fingerprint never changes. So
the run is compared with itself: every open descriptor of a user file, its offset, size and modification time,
before and after. A hit could repeat neither a read through one (what it got depends on the file and the position)
nor a write (it would not write again), so the cell declines when:
- a descriptor was read (its offset moved, its file did not change), whoever read it;
- one was written and the run can be held to it: the cell (or a function it reached) names the fd's number, or the
  fd is the stream of a logging handler (`log.info(...)` writes there). Writes nothing the cell reaches asked for
  (an audit hook of an earlier cell counting runs, as the UI fixtures and tests do) are not the cell's effects.

Linux (/proc/self/fd) and macOS (/dev/fd + F_GETPATH); elsewhere nothing is seen (a documented limit). A file
object that buffered its read or write without touching the descriptor is not seen either; file objects named by
the cell have no fingerprint and are refused as inputs anyway (keys/encoder.py).
"""

from __future__ import annotations

import os
import stat
import sys
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

Entry = Tuple[int, int, str, int, int, int]  # (device, inode, path, offset, size, mtime_ns)
_FD_DIRS = ("/proc/self/fd", "/dev/fd")


def _path_of(fd: int) -> Optional[str]:
    try:
        if sys.platform.startswith("linux"):
            return os.readlink(f"/proc/self/fd/{fd}")
        if sys.platform == "darwin":
            import fcntl

            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, b"\0" * 1024)  # type: ignore[attr-defined]
            return os.fsdecode(raw.split(b"\0", 1)[0])
    except (OSError, AttributeError, ValueError):
        pass
    return None


def open_files(keep: Callable[[object], Optional[str]]) -> Dict[int, Entry]:
    """fd -> its entry, for the regular files open now that ``keep`` says are the user's (a path, else None)."""
    out: Dict[int, Entry] = {}
    folder = next((d for d in _FD_DIRS if os.path.isdir(d)), None)
    if folder is None:
        return out
    try:
        names = os.listdir(folder)
    except OSError:
        return out
    for name in names:
        try:
            fd = int(name)
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, pipes, ttys: the kernel's own channels
            path = _path_of(fd)
            kept = keep(path) if path else None
            if kept is None:
                continue  # library caches, IPython's history, the store
            out[fd] = (st.st_dev, st.st_ino, kept, os.lseek(fd, 0, os.SEEK_CUR), st.st_size, st.st_mtime_ns)
        except (OSError, ValueError):
            continue
    return out


def moved(before: Dict[int, Entry], after: Dict[int, Entry]) -> List[Tuple[int, str, bool]]:
    """(fd, path, written) of the descriptors open before and after the run whose offset, size or time changed."""
    out = []
    for fd, was in before.items():
        now = after.get(fd)
        if now is None or now[:2] != was[:2]:
            continue  # closed, or reused for a file the run opened itself (its open was seen)
        if now[3:] != was[3:]:
            out.append((fd, was[2], now[4:] != was[4:]))
    return out


def the_cells(moves: List[Tuple[int, str, bool]], named: Iterable[Any]) -> Optional[str]:
    """The first read or write of ``moves`` (see `moved`) that is the cell's: ``named``, the values of the names it
    can reach."""
    fds = {v for v in named if type(v) is int}
    for fd, path, written in moves:
        if not written or fd in fds or fd in _logging_fds():
            return path
    return None


def _logging_fds() -> Set[int]:
    logging = sys.modules.get("logging")
    if logging is None:
        return set()
    out = set()
    for logger in [logging.root] + list(logging.Logger.manager.loggerDict.values()):
        for h in getattr(logger, "handlers", ()):  # (PlaceHolders have none)
            try:
                out.add(h.stream.fileno())
            except (AttributeError, OSError, ValueError):
                pass
    return out
