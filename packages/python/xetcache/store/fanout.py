"""The fan-out folders of a store's objects (objects/sha256/ab/), each opened once for a read of many objects, so
that every object is opened relative to a folder known to be inside the store (loader.py)."""

from __future__ import annotations

import os
import stat
import threading
from typing import Dict, List, Optional, Tuple

from . import layout, objects, safeio


class Folders:
    """The fan-out folders of one read, each opened once (O_DIRECTORY | O_NOFOLLOW, from the store down: every
    step must be a real folder) so that each object is opened relative to a folder known to be inside the store:
    one path step per object instead of four, and no symlink swapped in between a check and an open."""

    def __init__(self, store_dir: str) -> None:
        self.store_dir = store_dir
        self.fds: Dict[str, Optional[int]] = {}
        self.lock = threading.Lock()
        self.usable = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW")

    def _fan(self, fan: str) -> Optional[int]:
        with self.lock:
            if fan in self.fds:
                return self.fds[fan]
            fd: Optional[int] = None
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
            opened: List[int] = []
            try:
                for part in (os.path.join(self.store_dir, "objects"), "sha256", fan):
                    opened.append(os.open(part, flags, dir_fd=opened[-1] if opened else None))
                fd = opened.pop()
            except OSError:  # missing, or not a real folder: the slow path says which (objects.open_object)
                fd = None
            finally:
                for o in opened:
                    os.close(o)
            self.fds[fan] = fd
            return fd

    def open(self, oid: str) -> Tuple[int, os.stat_result]:
        """As objects.open_object (same errors), relative to the object's opened fan-out folder."""
        layout.check_id(oid)
        dfd = self._fan(oid[:2]) if self.usable else None
        if dfd is None:
            return objects.open_object(self.store_dir, oid)
        try:
            fd = os.open(oid, safeio.READ_FLAGS, dir_fd=dfd)
        except FileNotFoundError:
            raise objects.NotLocal(oid, pointer=False) from None
        except OSError:  # a symlink (ELOOP), a folder, a FIFO that will not open: the slow path decides
            return objects.open_object(self.store_dir, oid)
        try:
            st = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device: never read
            os.close(fd)
            return objects.open_object(self.store_dir, oid)
        return fd, st

    def close(self) -> None:
        for fd in self.fds.values():
            if fd is not None:
                os.close(fd)
        self.fds.clear()
