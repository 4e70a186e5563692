"""The engine's hooks into the remote tier, called by store/storage.py. Every hook is a no-op costing one lstat when
the store names no remote (no remote.json), and none of them ever raises into a user's cell except as the miss
reasons the storage already handles.

- :func:`manifest_on_miss` (a local manifest miss): ask the remote for the entry by key, with a short timeout.
- :func:`fetch_objects` (objects of an entry missing locally): fetch them, verified, in parallel; then the entry's
  manifest is written locally (so the next run is a plain local hit).
- :func:`entry_saved` (after a local save): queue the entry and push it in the background.

What happened for a key is kept as a note that ipython/magics.py puts into the run event (:func:`take_note`,
``badge.annotate``): the badge says "from the team cache", or why the team cache was not used. A remote that is
down, slow or refuses the credentials is not asked again for a while (``RETRY_DOWN_S``/``RETRY_AUTH_S``), so a
notebook full of misses does not wait on it cell after cell.

Stdlib only and light at import: the S3 client is imported on first use of a configured remote.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from ..store.units import format_bytes
from . import config

RETRY_DOWN_S = float(os.environ.get("XETCACHE_REMOTE_RETRY_S", "30"))
RETRY_AUTH_S = 300.0
EXIT_WAIT_S = float(os.environ.get("XETCACHE_PUSH_EXIT_WAIT", "60"))
LARGE_FETCH = 16 << 20
_DOWN_CODES = ("EREMOTEDOWN", "EREMOTESLOW")
_AUTH_CODES = ("EREMOTEAUTH", "ENOCREDENTIALS")


class _State:
    """One store's remote in this process."""

    def __init__(self, store_dir: str, cfg: "config.RemoteConfig") -> None:
        self.store_dir, self.cfg = store_dir, cfg
        self.remote: Any = None
        self.down_until = 0.0
        self.last_error: Optional[Dict[str, Any]] = None
        self.read_only = cfg.pull_only
        self.read_only_said = False
        self.pusher: Optional["_Pusher"] = None
        self.pending: Dict[str, Dict[str, Any]] = {}  # key -> manifest found remotely, objects not all local yet

    def get_remote(self) -> Any:
        """The Remote (S3 client), made on first use. RemoteError ENOCREDENTIALS when there are no credentials."""
        if self.remote is None:
            from .transfer import Remote

            self.remote = Remote(self.store_dir, self.cfg)
        return self.remote

    def available(self) -> Optional[Dict[str, Any]]:
        """None when the remote may be asked now, else the last error (the remote is resting)."""
        if time.monotonic() < self.down_until and self.last_error is not None:
            return dict(self.last_error, resting=True)
        return None

    def failed(self, e: Exception) -> Dict[str, Any]:
        code = getattr(e, "reason_code", "EREMOTE")
        info = {"reason_code": code, "message": str(e)}
        if code in _DOWN_CODES:
            self.down_until = time.monotonic() + RETRY_DOWN_S
        elif code in _AUTH_CODES:
            self.down_until = time.monotonic() + RETRY_AUTH_S
            self.remote = None  # credentials are looked up again next time
        self.last_error = info
        return info

    def worked(self) -> None:
        self.down_until, self.last_error = 0.0, None


_states: Dict[str, _State] = {}
_lock = threading.RLock()
_notes: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
NOTES_MAX = 256


def _state(store_dir: str) -> Optional[_State]:
    """The store's remote state, or None (no remote.json, XETCACHE_REMOTE=off, or an invalid file: said once)."""
    if config.disabled():
        return None
    try:
        cfg = config.load(store_dir)
    except config.ConfigError as e:
        _say_once(store_dir, f"xetcache: the team cache is not used: {e}")
        return None
    if cfg is None:
        return None
    with _lock:
        st = _states.get(store_dir)
        if st is None or st.cfg is not cfg:
            st = _State(store_dir, cfg)
            _states[store_dir] = st
        return st


_said: set = set()


def _say_once(tag: str, text: str) -> None:
    if (tag, text) in _said:
        return
    _said.add((tag, text))
    _say(text)


def _say(text: str, **how: Any) -> None:
    """A notice line (lfs/notice.py); ``how``: its transfer, state and console, as notice.say takes them."""
    from ..lfs import notice

    notice.say(text, **how)


def _transfer_id() -> str:
    from ..lfs import notice

    return notice.new_transfer("remote")


def note(key: str, **fields: Any) -> None:
    """Remember what the remote tier did for ``key`` (merged), for the run event of this run."""
    with _lock:
        n = _notes.pop(key, None) or {}
        n.update(fields)
        _notes[key] = n
        while len(_notes) > NOTES_MAX:
            _notes.popitem(last=False)


def take_note(key: Optional[str]) -> Optional[Dict[str, Any]]:
    if not key:
        return None
    with _lock:
        return _notes.pop(key, None)


# ---- read-through ------------------------------------------------------------------------------------------
def manifest_on_miss(store_dir: str, key: str) -> Optional[Dict[str, Any]]:
    """The remote's manifest of ``key`` (validated), or None: not there, or the remote could not be asked (the note
    says why). Never raises."""
    st = _state(store_dir)
    if st is None:
        return None
    _resume_pushes(st)
    base = {"url": st.cfg.url}
    resting = st.available()
    if resting is not None:
        note(key, **base, lookup="unavailable", **resting)
        return None
    from ..errors import BadManifestError
    from .s3 import RemoteError
    from .transfer import LOOKUP_TIMEOUT

    t0 = time.monotonic()
    try:
        m = st.get_remote().get_manifest(key, timeout=LOOKUP_TIMEOUT, retries=0)
    except RemoteError as e:
        note(key, **base, lookup="unavailable", **st.failed(e))
        return None
    except BadManifestError as e:
        note(key, **base, lookup="invalid", reason_code="EBADMANIFEST", message=f"the team cache's entry: {e}")
        return None
    except Exception as e:  # the remote must never break a cell
        note(key, **base, lookup="unavailable", reason_code="EREMOTE", message=f"{type(e).__name__}: {e}")
        return None
    st.worked()
    if m is None:
        note(key, **base, lookup="miss")
        return None
    note(key, **base, lookup="found", lookup_s=round(time.monotonic() - t0, 6), objects=0, bytes=0)
    from .transfer import is_local
    from ..store.needed import needed_oids

    if all(is_local(store_dir, o) for o in needed_oids(m)):
        _write_local(store_dir, m)
    else:
        with _lock:
            st.pending[key] = m
    return m


def _write_local(store_dir: str, m: Dict[str, Any]) -> None:
    from .transfer import write_local_manifest

    try:
        write_local_manifest(store_dir, m)
    except OSError:  # a read-only store still serves the hit from the fetched objects
        pass


def fetch_objects(store_dir: str, oids: List[str]) -> bool:
    """Fetch objects missing locally from the remote. True when all are local now; False when the store has no
    remote. Raises ObjectNotLocalError (a miss with its reason: code ENOTLOCAL, reason_code EREMOTE...)."""
    st = _state(store_dir)
    if st is None:
        return False
    from ..errors import ObjectNotLocalError
    from ..store.needed import needed_oids

    wanted = set(oids)
    with _lock:
        pend = [(k, m) for k, m in st.pending.items() if set(needed_oids(m)) & wanted]
    if not pend:  # objects of an entry that did not come from the remote: nothing says where they would be
        return False
    keys = [k for k, _ in pend]

    def fail(code: str, message: str) -> ObjectNotLocalError:
        err = ObjectNotLocalError(f"{len(oids)} object(s) not fetched from the team cache {st.cfg.url}: {message}",
                                  oids)
        err.details.update(reason_code=code, fix=None)
        for k in keys:
            note(k, fetch="failed", reason_code=code, message=message)
        return err

    resting = st.available()
    if resting is not None:
        raise fail(resting["reason_code"], resting["message"] + " (not asked again yet)")
    from .s3 import RemoteError
    from .transfer import Progress

    transfer = _transfer_id()

    def report(p: "Progress") -> None:
        if p.bytes >= LARGE_FETCH and not getattr(report, "said", False):
            report.said = True  # type: ignore[attr-defined]
            _say(f"xetcache: fetching {p.objects} object(s) from the team cache {st.cfg.url}…",
                 transfer=transfer, state="progress")

    def failed(reason: str) -> None:
        if getattr(report, "said", False):  # close the "fetching" notification; the badge says why
            _say(f"xetcache: not fetched from the team cache: {reason}", transfer=transfer, state="error",
                 console=False)

    try:
        progress = Progress(report)
        for k, m in pend:
            st.get_remote().fetch(k, [o for o in needed_oids(m) if o in wanted], progress)
    except RemoteError as e:
        info = st.failed(e)
        failed(info["message"])
        raise fail(info["reason_code"], info["message"]) from None
    except Exception as e:
        failed(f"{type(e).__name__}: {e}")
        raise fail("EREMOTE", f"{type(e).__name__}: {e}") from None
    st.worked()
    for k in keys:
        note(k, fetch="done", objects=progress.objects_done, bytes=progress.bytes_done,
             fetch_s=round(progress.seconds, 6))
    if progress.bytes_done >= LARGE_FETCH or getattr(report, "said", False):
        _say(f"xetcache: fetched {format_bytes(progress.bytes_done)} from the team cache in {progress.seconds:.1f} s",
             transfer=transfer, state="done")
    _complete_pending(st)
    return True


def _complete_pending(st: _State) -> None:
    from .transfer import is_local
    from ..store.needed import needed_oids

    with _lock:
        ready = [m for m in st.pending.values() if all(is_local(st.store_dir, o) for o in needed_oids(m))]
        for m in ready:
            st.pending.pop(m["key"], None)
    for m in ready:
        _write_local(st.store_dir, m)


# ---- write-through -----------------------------------------------------------------------------------------
def entry_saved(store_dir: str, manifest: Dict[str, Any]) -> None:
    """Queue a freshly stored entry for the remote and push it in the background. Never raises."""
    try:
        st = _state(store_dir)
        if st is None:
            return
        key = manifest["key"]
        if st.read_only:
            note(key, url=st.cfg.url, push="pull-only")
            _tell_read_only(st)
            return
        from . import pushqueue

        pushqueue.enqueue(store_dir, key)
        note(key, url=st.cfg.url, push="queued")
        _pusher(st).wake()
    except Exception as e:  # storing worked; the push will be retried by `xetcache push`
        try:
            note(manifest.get("key", ""), push="failed", reason_code="EREMOTE", message=str(e))
        except Exception:
            pass


def _tell_read_only(st: _State) -> None:
    if st.read_only_said:
        return
    st.read_only_said = True
    why = "pull_only is set in remote.json" if st.cfg.pull_only else "these credentials may not write"
    _say(f"xetcache: the team cache {st.cfg.url} is pull-only ({why}): entries come from it, new ones stay local")


def _resume_pushes(st: _State) -> None:
    if st.pusher is None and not st.read_only:
        from . import pushqueue

        if pushqueue.pending(st.store_dir):
            _pusher(st).wake()


def _pusher(st: _State) -> "_Pusher":
    with _lock:
        if st.pusher is None:
            st.pusher = _Pusher(st)
            _pushers.append(st.pusher)
        return st.pusher


_pushers: List["_Pusher"] = []


class _Pusher:
    """A daemon thread per store that drains the queue; retries after failures with backoff."""

    def __init__(self, st: _State) -> None:
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
            _tell_read_only(st)
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
