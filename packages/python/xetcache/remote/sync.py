"""Push and pull of whole entries, shared by the kernel's background pusher (hooks.py) and the CLI (cli.py)."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Iterable, List, Optional

from ..errors import XetCacheError
from ..store import layout, manifest as manifests, safeio
from . import pushqueue
from .remoteerror import DENIED, DOWN, NOCREDS, SLOW, AUTH, NOBUCKET, RemoteError
from .progress import Progress
from .transfer import Remote

STOP_CODES = (DOWN, SLOW, AUTH, NOCREDS, NOBUCKET, DENIED)  # no point trying the next entry


def is_write_refused(e: Exception) -> bool:
    """The credentials may read but not write (a read-only key): a refused PUT/POST."""
    return isinstance(e, RemoteError) and e.reason_code == DENIED and e.method in ("PUT", "POST")


def local_keys(store_dir: str) -> List[str]:
    root = os.path.join(store_dir, "entries")
    keys = []
    for d in sorted(os.listdir(root)) if os.path.isdir(root) else ():
        if len(d) != 2 or not safeio.real_dirs(store_dir, "entries", d):
            continue
        for f in sorted(os.listdir(os.path.join(root, d))):
            if f.endswith(".json") and layout.is_hex64(f[:-5]) and f.startswith(d):
                keys.append(f[:-5])
    return keys


def push_entries(store_dir: str, get_remote: Callable[[], Remote], keys: Optional[Iterable[str]] = None,
                 on_progress: Optional[Callable[[str, Progress], None]] = None,
                 on_entry: Optional[Callable[[str, Dict[str, Any]], None]] = None) -> Dict[str, Any]:
    """Push ``keys`` (default: the queue, oldest first). Each pushed entry leaves the queue; a failed one stays
    with its error. Stops at the first error that would fail every entry (remote down, credentials refused,
    read-only). The caller holds the store's push lock."""
    out: Dict[str, Any] = {"pushed": [], "already": [], "failed": [], "gone": [], "error": None, "read_only": False,
                           "bytes": 0, "skipped_bytes": 0}
    todo = list(keys) if keys is not None else [d["key"] for d in pushqueue.pending(store_dir)]
    if not todo:
        return out
    remote = get_remote()
    try:
        remote.ensure_marker()  # <prefix>/STORE; also the cheapest way to learn that the credentials are read-only
    except RemoteError as e:
        info = {"key": None, "reason_code": e.reason_code, "message": str(e)}
        out["error"] = info
        out["failed"].append(info)
        if is_write_refused(e):
            out["read_only"] = True
            for key in todo:  # they stay local; `xetcache push --all` with a key that may write sends them later
                pushqueue.remove(store_dir, key)
        return out
    for key in todo:
        if not os.path.exists(layout.manifest_path(store_dir, key)):
            pushqueue.remove(store_dir, key)  # evicted before it was pushed: nothing to push
            out["gone"].append(key)
            continue
        queued = pushqueue.read(store_dir, key)
        if queued is not None:
            pushqueue.update(store_dir, key, state="pushing", attempts=int(queued.get("attempts") or 0) + 1,
                             error=None, last_error=queued.get("error") or queued.get("last_error"))

        def report(p: Progress, key: str = key) -> None:
            pushqueue.update(store_dir, key, state="pushing", **p.as_dict())
            if on_progress is not None:
                on_progress(key, p)

        progress = Progress(report)
        try:
            result = remote.push(key, progress)
        except (RemoteError, XetCacheError, OSError) as e:
            info = {"key": key, "reason_code": getattr(e, "reason_code", getattr(e, "code", "EREMOTE")),
                    "message": str(e)}
            pushqueue.update(store_dir, key, state="failed", error=info)
            out["failed"].append(info)
            if on_entry is not None:
                on_entry(key, {"error": info})
            if is_write_refused(e):
                out["read_only"] = True
                out["error"] = info
                for k in todo:
                    pushqueue.remove(store_dir, k)
                break
            if isinstance(e, RemoteError) and e.reason_code in STOP_CODES:
                out["error"] = info
                break
            continue
        pushqueue.remove(store_dir, key)
        out["already" if result["already"] else "pushed"].append(key)
        out["bytes"] += progress.bytes_done
        out["skipped_bytes"] += progress.skipped_bytes
        if on_entry is not None:
            on_entry(key, result)
    return out


def pull_entries(store_dir: str, remote: Remote, keys: Optional[Iterable[str]] = None,
                 on_progress: Optional[Callable[[str, Progress], None]] = None,
                 on_entry: Optional[Callable[[str, Dict[str, Any]], None]] = None) -> Dict[str, Any]:
    """Bring ``keys`` (default: every remote entry this store lacks): objects first, then the manifest."""
    out: Dict[str, Any] = {"pulled": [], "present": [], "missing": [], "failed": [], "bytes": 0, "error": None}
    wanted = list(keys) if keys is not None else remote.remote_keys()
    for key in wanted:
        if os.path.exists(layout.manifest_path(store_dir, key)):
            out["present"].append(key)
            continue
        progress = Progress((lambda p, key=key: on_progress(key, p)) if on_progress else None)
        try:
            m = remote.get_manifest(key)
            if m is None:
                out["missing"].append(key)
                continue
            remote.pull(key, progress, m)
        except (RemoteError, XetCacheError, OSError) as e:
            info = {"key": key, "reason_code": getattr(e, "reason_code", getattr(e, "code", "EREMOTE")),
                    "message": str(e)}
            out["failed"].append(info)
            if on_entry is not None:
                on_entry(key, {"error": info})
            if isinstance(e, RemoteError) and e.reason_code in STOP_CODES:
                out["error"] = info
                break
            continue
        out["pulled"].append(key)
        out["bytes"] += progress.bytes_done
        if on_entry is not None:
            on_entry(key, {"objects": progress.objects_done, "bytes": progress.bytes_done,
                           "seconds": progress.seconds})
    return out


def resolve_keys(store_dir: str, given: List[str], remote_keys: Optional[List[str]] = None) -> List[str]:
    """Full keys from full keys or unique prefixes (local entries, then the remote's)."""
    pool = set(local_keys(store_dir)) | set(remote_keys or [])
    out = []
    for g in given:
        if layout.is_hex64(g):
            out.append(g)
            continue
        found = sorted(k for k in pool if k.startswith(g.lower()))
        if len(found) != 1:
            raise ValueError(f"{g!r} names {'no' if not found else 'more than one'} entry")
        out.append(found[0])
    return out


__all__ = ["local_keys", "manifests", "pull_entries", "push_entries", "resolve_keys"]
