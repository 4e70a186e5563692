"""How far one transfer (a fetch or a push) is: counters the workers add to, reported to a callback."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Dict, Optional


class Progress:
    """Thread-safe counters of one transfer, reported to ``report`` at most every ``every`` seconds."""

    def __init__(self, report: Optional[Callable[["Progress"], None]] = None, every: float = 0.5) -> None:
        self.objects = self.objects_done = self.bytes = self.bytes_done = 0
        self.skipped_objects = self.skipped_bytes = self.resumed_bytes = 0
        self.started = time.monotonic()
        self._report, self._every, self._last = report, every, 0.0
        self._lock = threading.Lock()

    def plan(self, objects_: int, nbytes: int) -> None:
        with self._lock:
            self.objects += objects_
            self.bytes += nbytes
        self.tick(force=objects_ > 0)

    def skip(self, nbytes: int) -> None:
        with self._lock:
            self.skipped_objects += 1
            self.skipped_bytes += nbytes

    def resume(self, nbytes: int) -> None:
        """Bytes of an interrupted upload that are on the remote already (not sent again)."""
        with self._lock:
            self.resumed_bytes += nbytes

    def add(self, nbytes: int = 0, objects_: int = 0) -> None:
        with self._lock:
            self.bytes_done += nbytes
            self.objects_done += objects_
        self.tick()

    def tick(self, force: bool = False) -> None:
        if self._report is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self._every:
            self._last = now
            try:
                self._report(self)
            except Exception:
                pass

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def as_dict(self) -> Dict[str, Any]:
        return {"objects": self.objects, "objects_done": self.objects_done, "bytes": self.bytes,
                "bytes_done": self.bytes_done, "skipped_objects": self.skipped_objects,
                "skipped_bytes": self.skipped_bytes, "resumed_bytes": self.resumed_bytes, "seconds": round(self.seconds, 3)}
