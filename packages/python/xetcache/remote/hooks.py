"""The engine's hooks into the remote tier, called by store/storage.py. Every hook is a no-op costing one lstat when
the store names no remote (no remote.json), and none of them ever raises into a user's cell except as the miss
reasons the storage already handles.

- :func:`manifest_on_miss` (a local manifest miss): ask the remote for the entry by key, with a short timeout.
- :func:`fetch_objects` (objects of an entry missing locally): fetch them, verified, in parallel; then the entry's
  manifest is written locally (so the next run is a plain local hit).
- :func:`entry_saved` (after a local save): queue the entry and push it in the background.

What happened for a key is kept as a note (notes.py) that ipython/magics.py puts into the run event: the badge says
"from the team cache", or why the team cache was not used. The store's remote and its resting after failures are
in remotestate.py, the background pusher in pusher.py.

Stdlib only and light at import: the S3 client is imported on first use of a configured remote.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ..store.units import format_bytes
from . import remotestate
from .notes import note
from .notices import say, transfer_id
from .pusher import pusher_of, resume_pushes, tell_read_only

LARGE_FETCH = 16 << 20


# ---- read-through ------------------------------------------------------------------------------------------
def manifest_on_miss(store_dir: str, key: str) -> Optional[Dict[str, Any]]:
    """The remote's manifest of ``key`` (validated), or None: not there, or the remote could not be asked (the note
    says why). Never raises."""
    st = remotestate.state_of(store_dir)
    if st is None:
        return None
    resume_pushes(st)
    base = {"url": st.cfg.url}
    resting = st.available()
    if resting is not None:
        note(key, **base, lookup="unavailable", **resting)
        return None
    from ..errors import BadManifestError
    from .remoteerror import RemoteError
    from .tuning import LOOKUP_TIMEOUT

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
    from .localfiles import is_local
    from ..store.needed import needed_oids

    if all(is_local(store_dir, o) for o in needed_oids(m)):
        _write_local(store_dir, m)
    else:
        with remotestate.lock:
            st.pending[key] = m
    return m


def _write_local(store_dir: str, m: Dict[str, Any]) -> None:
    from .localfiles import write_local_manifest

    try:
        write_local_manifest(store_dir, m)
    except OSError:  # a read-only store still serves the hit from the fetched objects
        pass


def fetch_objects(store_dir: str, oids: List[str]) -> bool:
    """Fetch objects missing locally from the remote. True when all are local now; False when the store has no
    remote. Raises ObjectNotLocalError (a miss with its reason: code ENOTLOCAL, reason_code EREMOTE...)."""
    st = remotestate.state_of(store_dir)
    if st is None:
        return False
    from ..errors import ObjectNotLocalError
    from ..store.needed import needed_oids

    wanted = set(oids)
    with remotestate.lock:
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
    from .remoteerror import RemoteError
    from .progress import Progress

    transfer = transfer_id()

    def report(p: "Progress") -> None:
        if p.bytes >= LARGE_FETCH and not getattr(report, "said", False):
            report.said = True  # type: ignore[attr-defined]
            say(f"xetcache: fetching {p.objects} object(s) from the team cache {st.cfg.url}…",
                 transfer=transfer, state="progress")

    def failed(reason: str) -> None:
        if getattr(report, "said", False):  # close the "fetching" notification; the badge says why
            say(f"xetcache: not fetched from the team cache: {reason}", transfer=transfer, state="error",
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
        say(f"xetcache: fetched {format_bytes(progress.bytes_done)} from the team cache in {progress.seconds:.1f} s",
             transfer=transfer, state="done")
    _complete_pending(st)
    return True


def _complete_pending(st: remotestate.State) -> None:
    from .localfiles import is_local
    from ..store.needed import needed_oids

    with remotestate.lock:
        ready = [m for m in st.pending.values() if all(is_local(st.store_dir, o) for o in needed_oids(m))]
        for m in ready:
            st.pending.pop(m["key"], None)
    for m in ready:
        _write_local(st.store_dir, m)


# ---- write-through -----------------------------------------------------------------------------------------
def entry_saved(store_dir: str, manifest: Dict[str, Any]) -> None:
    """Queue a freshly stored entry for the remote and push it in the background. Never raises."""
    try:
        st = remotestate.state_of(store_dir)
        if st is None:
            return
        key = manifest["key"]
        if st.read_only:
            note(key, url=st.cfg.url, push="pull-only")
            tell_read_only(st)
            return
        from . import pushqueue

        pushqueue.enqueue(store_dir, key)
        note(key, url=st.cfg.url, push="queued")
        pusher_of(st).wake()
    except Exception as e:  # storing worked; the push will be retried by `xetcache push`
        try:
            note(manifest.get("key", ""), push="failed", reason_code="EREMOTE", message=str(e))
        except Exception:
            pass
