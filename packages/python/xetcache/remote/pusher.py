"""Write-through in the background: a daemon thread per store drains the push queue (pushqueue.py) with
sync.push_entries, retrying after failures with backoff; a process that exits with pushes queued waits for them a
little. Pull-only stores (pull_only, or credentials that may not write) are said so once and never pushed from."""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import Any, List, Optional

from .notices import say
from .remotestate import RETRY_DOWN_S, State, lock

EXIT_WAIT_S = float(os.environ.get("XETCACHE_PUSH_EXIT_WAIT", "60"))


def tell_read_only(st: State) -> None:
    if st.read_only_said:
        return
    st.read_only_said = True
    why = "pull_only is set in remote.json" if st.cfg.pull_only else "these credentials may not write"
    say(f"xetcache: the team cache {st.cfg.url} is pull-only ({why}): entries come from it, new ones stay local")


def resume_pushes(st: State) -> None:
    if st.pusher is None and not st.read_only:
        from . import pushqueue

        if pushqueue.pending(st.store_dir):
            pusher_of(st).wake()


def pusher_of(st: State) -> "Pusher":
    with lock:
        if st.pusher is None:
            st.pusher = Pusher(st)
            _pushers.append(st.pusher)
        return st.pusher


_pushers: List["Pusher"] = []


class Pusher:
    """A daemon thread per store that drains the queue; retries after failures with backoff."""

    def __init__(self, st: State) -> None:
        self.st = st
        self.event = threading.Event()
        self.idle = threading.Event()
        self.delay = RETRY_DOWN_S
        self.thread = threading.Thread(target=self._run, name="xetcache-push", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.idle.clear()
        self.event.set()

    def _run(self) -> None:
        from . import pushqueue

        while True:
            self.event.wait()
            self.event.clear()
            retry = self._drain(pushqueue)
            if not self.event.is_set():  # nothing new was queued while draining
                self.idle.set()
            if retry is None:
                continue
            self.event.wait(retry)  # woken early by a new save, else retried after the backoff
            self.event.set()

    def _drain(self, pushqueue: Any) -> Optional[float]:
        """Push everything queued. None when done (or nothing can be done), else seconds until a retry."""
        from .sync import push_entries

        st = self.st
        if st.read_only:
            return None
        lock = pushqueue.Lock(st.store_dir)
        if not lock.acquire(wait=False):
            return 5.0  # another process (`xetcache push`, another kernel) is pushing this store
        try:
            outcome = push_entries(st.store_dir, lambda: st.get_remote(), None)
        except Exception as e:  # no credentials, say: keep the queue for later
            st.failed(e)
            return self._backoff()
        finally:
            lock.release()
        if outcome.get("read_only"):
            st.read_only = True
            tell_read_only(st)
            return None
        if outcome.get("error"):
            return self._backoff()
        self.delay = RETRY_DOWN_S
        return None

    def _backoff(self) -> float:
        d = self.delay
        self.delay = min(self.delay * 2, 600.0)
        return d


def _wait_at_exit() -> None:
    """A script or kernel that exits with pushes still queued waits for them a little (XETCACHE_PUSH_EXIT_WAIT
    seconds); what is left resumes with the next push."""
    busy = [p for p in _pushers if not p.idle.is_set()]
    if not busy or EXIT_WAIT_S <= 0:
        return
    print(f"xetcache: finishing pushes to the team cache (up to {EXIT_WAIT_S:g} s; unfinished ones resume with the "
          "next run or `xetcache push`)", file=sys.stderr, flush=True)
    deadline = time.monotonic() + EXIT_WAIT_S
    for p in busy:
        p.idle.wait(max(0.0, deadline - time.monotonic()))


atexit.register(_wait_at_exit)
