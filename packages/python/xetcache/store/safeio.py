"""Opening files of a store that a cloned repository may have planted (spec/FORMAT.md, "Opening files").

git can check out symlinks, and a store can hold FIFOs or device files: reading one would leave the store, or block
the kernel forever. So every file is opened with O_NOFOLLOW (a symlink fails) and O_NONBLOCK (a FIFO opens at once),
then fstat'ed: only a regular file is read. Folders between the store and a file must be real folders too before
anything is moved or deleted, or a symlinked fan-out folder would make us move files outside the store.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Optional, Tuple

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
READ_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class NotRegular(OSError):
    """The name exists but is not a regular file (a symlink, FIFO, device or folder). Never read."""


def open_regular(path: str, flags: int = READ_FLAGS, mode: int = 0o644) -> Tuple[int, os.stat_result]:
    """(fd, stat) of the regular file at ``path``. FileNotFoundError when absent, NotRegular for anything else.

    O_NONBLOCK only matters for the open itself (regular files ignore it for reads and writes), so it stays set."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK, mode)
    except OSError as e:
        # ELOOP/EMLINK: a symlink (Linux/BSD); ENXIO: a FIFO opened for writing; ENOTDIR: a file where a folder
        # should be. None of them is content, and none of them may turn into an error in the user's cell.
        if e.errno in (errno.ELOOP, errno.EMLINK, errno.EISDIR, errno.ENXIO, errno.ENOTDIR):
            raise NotRegular(e.errno, f"not a regular file: {path}") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, f"not a regular file: {path}")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular(path: str, limit: Optional[int] = None) -> bytes:
    """The bytes of the regular file at ``path`` (at most ``limit``). Errors as open_regular."""
    fd, _ = open_regular(path)
    try:
        parts, got = [], 0
        while limit is None or got < limit:
            chunk = os.read(fd, 1 << 20 if limit is None else min(1 << 20, limit - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def real_dirs(store_dir: str, *parts: str) -> bool:
    """True when each of store_dir/parts[0], .../parts[1], ... is a real folder (not a symlink to one). The store
    folder itself may be a symlink (a user's choice); folders inside it come from the repository."""
    path = store_dir
    for part in parts:
        path = os.path.join(path, part)
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode):
            return False
    return True
