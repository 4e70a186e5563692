"""The event the engine reports for every cached run (CONTRACT.md section 3) and its one-line text form."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

STATES = ("hit", "stored", "skipped", "declined", "error")
DECIMALS = 6  # seconds in events: microseconds are plenty, and every time field is rounded the same way


def secs(value: Optional[float]) -> Optional[float]:
    """A duration for an event. The one place event times are rounded, so the runtime a hit reports (read back
    from the manifest) equals the one the stored event reported for the same run."""
    return None if value is None else round(float(value), DECIMALS)


def new_event(*, cell_id: Optional[str], notebook: Optional[str], code_sha256: str, inputs: List[str],
              outputs: List[str], threshold_s: float) -> Dict[str, Any]:
    """Every field of the contract present from the start (None until known), so consumers never miss a key."""
    return {
        "type": "run", "state": None,
        "cell_id": cell_id, "notebook": notebook, "code_sha256": code_sha256, "key": None,
        "runtime_s": None, "restore_s": None, "saved_s": None, "bytes": None, "created": None,
        "threshold_s": threshold_s, "reason": None, "error_code": None, "variable": None, "changed": None,
        "inputs": list(inputs), "outputs": list(outputs), "deps": None, "restores": None, "warning": None,
    }


def changes(previous: List[dict], key: str, code_sha256: str, inputs_fp: Dict[str, str]) -> Optional[dict]:
    """What differs from the newest previous entry of the same cell (manifests newest first); None if none."""
    prev = next((m for m in previous if m.get("key") != key), None)
    if prev is None:
        return None
    old = prev.get("inputs") or {}
    names = sorted(n for n in set(old) | set(inputs_fp) if old.get(n) != inputs_fp.get(n))
    return {
        "code": (prev.get("source") or {}).get("code_sha256") != code_sha256,
        "inputs": names,
        "previous_key": prev.get("key"),
    }


REASON_MAX = 600  # a tooltip line, not a log: git's stderr is already cut to 400 characters by lfs.py


def unusable_reason(error: Exception) -> str:
    """Why a stored entry could not be used, for the event's ``reason`` (the badge tooltip): the code (and the
    fetch's reason code), what went wrong and, when known, the fix, e.g. "cached entry unusable (ENOTLOCAL/EFETCH):
    git lfs pull failed: … — fix: git lfs install; recomputed"."""
    code = getattr(error, "code", type(error).__name__)
    details = getattr(error, "details", None) or {}
    sub, fix = details.get("reason_code"), details.get("fix")
    why = " ".join(str(error).split())
    if fix and why.endswith(f"Fix: {fix}"):  # lfs.py appends the fix to its message; say it once
        why = why[: -len(f"Fix: {fix}")].rstrip()
    if len(why) > REASON_MAX:  # cut the detail, never the fix
        why = why[: REASON_MAX - 1] + "…"
    text = f"cached entry unusable ({code}{'/' + sub if sub else ''}): {why or 'no details'}"
    return text + (f" — fix: {fix}" if fix else "") + "; recomputed"


def _secs(s: Optional[float]) -> str:
    if s is None:
        return "?"
    return f"{s:.3g} s" if s < 10 else f"{s:.1f} s"


def describe(event: Dict[str, Any]) -> str:
    """Short human-readable line, printed to stderr when no frontend listens on the comm."""
    state, key = event.get("state"), (event.get("key") or "")[:8]
    tail = f" (key {key})" if key else ""
    if state == "hit":
        return f"xetcache: hit {_secs(event.get('saved_s'))} saved{tail}"
    if state == "stored":
        warn = f"; warning: {event['warning']}" if event.get("warning") else ""
        return f"xetcache: stored, ran {_secs(event.get('runtime_s'))}, {event.get('bytes') or 0} bytes{tail}{warn}"
    if state == "skipped":
        return f"xetcache: not stored, {event.get('reason')}{tail}"
    if state == "declined":
        return f"xetcache: not cached: {event.get('reason')}"
    return f"xetcache: error {event.get('error_code')}: {event.get('reason')}{tail}"
