"""What the team cache did for a cell run, put into its run event (called by ipython/magics.py before the event is
sent): a ``remote`` field for programs and a sentence in ``reason`` for the badge's tooltip and headless summaries.

- a hit whose entry came from the remote: "from the team cache s3://b/p (3 objects, 12.3 MB in 0.4 s)";
- a run because the remote could not be asked: "team cache not used (EREMOTEDOWN): connection refused by …";
- a stored entry: "pushing to the team cache in the background" (or why it is not pushed: pull-only).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ..store.units import format_bytes
from .notes import take_note


def text_of(state: Optional[str], note: Dict[str, Any]) -> Optional[str]:
    url = note.get("url", "")
    lookup, fetch, push = note.get("lookup"), note.get("fetch"), note.get("push")
    parts = []
    if state == "hit" and lookup == "found":
        if fetch == "done" and note.get("objects"):
            parts.append(f"from the team cache {url} ({note['objects']} object(s), {format_bytes(int(note.get('bytes') or 0))} "
                         f"in {float(note.get('fetch_s') or 0):.2g} s)")
        else:
            parts.append(f"from the team cache {url} (its objects were here already)")
    elif lookup in ("unavailable", "invalid"):  # (a failed object fetch is in the engine's own reason already)
        code = note.get("reason_code") or "EREMOTE"
        rest = " (not asked again yet)" if note.get("resting") else ""
        parts.append(f"team cache not used ({code}): {note.get('message') or 'no details'}{rest}; the cell ran")
    if push == "queued":
        parts.append(f"pushing to the team cache {url} in the background")
    elif push == "pull-only":
        parts.append(f"not pushed: the team cache {url} is pull-only")
    elif push == "failed":
        parts.append(f"not queued for the team cache: {note.get('message')}")
    return "; ".join(parts) or None


def annotate(event: Dict[str, Any]) -> Dict[str, Any]:
    """Add what the remote tier did for this run's key (if anything) to ``event``. Never raises."""
    try:
        note = take_note(event.get("key"))
        if not note:
            return event
        event["remote"] = dict(note)
        text = text_of(event.get("state"), note)
        if text:
            event["reason"] = f"{event['reason']}; {text}" if event.get("reason") else text
    except Exception:
        pass
    return event
