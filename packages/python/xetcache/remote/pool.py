"""The remote tier's worker threads: pools of daemon threads shared by the whole process, one per kind of work
(fetch, push, store) and size."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable, Dict, List, Optional, Tuple


class Pool:
    """Daemon worker threads (a ThreadPoolExecutor's threads would hold up interpreter exit until every queued
    part of a background push is sent; an unfinished push resumes later instead)."""

    def __init__(self, workers: int) -> None:
        self._q: "queue.Queue[Tuple[Callable[[], Any], Future]]" = queue.Queue()
        self._threads = [threading.Thread(target=self._run, name=f"xetcache-remote-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for t in self._threads:
            t.start()

    def _run(self) -> None:
        while True:
            fn, fut = self._q.get()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn())
            except BaseException as e:  # handed to whoever waits on the future
                fut.set_exception(e)

    def submit(self, fn: Callable[[], Any]) -> Future:
        fut: Future = Future()
        self._q.put((fn, fut))
        return fut


_pools: Dict[Tuple[str, int], Pool] = {}
_pools_lock = threading.Lock()


def shared(kind: str, workers: int) -> Pool:
    """The process's pool of this kind and size (shared by every Remote: a Remote made again after an error
    does not start more threads)."""
    with _pools_lock:
        pool = _pools.get((kind, workers))
        if pool is None:
            pool = _pools[(kind, workers)] = Pool(workers)
        return pool


def wait_all(futures: List[Future]) -> None:
    """Wait for every future; raise the first error (after all finished, so no task writes into a removed file)."""
    first: Optional[BaseException] = None
    for f in futures:
        try:
            f.result()
        except BaseException as e:
            first = first or e
    if first is not None:
        raise first
