"""What a headless run says about its cached cells: the badge's information per cell (hit / stored / skipped /
declined / error, time saved, bytes, reason) in the cell's metadata and as summary lines, and the totals."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..cell import events

RUN_KEY = "xetcache_run"  # cell and notebook metadata written by a headless run (the toggle stays in "xetcache")
# The event fields a reader of the notebook needs (the badge and its tooltip); the rest stays in the event.
CELL_FIELDS = ("state", "key", "runtime_s", "restore_s", "saved_s", "bytes", "threshold_s", "reason", "error_code",
               "variable", "warning", "deps", "restores")
COUNTED = ("hit", "stored", "skipped", "declined", "error")


class CellRun:
    """One code cell of a headless run that the engine reported on (or should have)."""

    def __init__(self, index: int, cell_id: Optional[str], toggled: bool) -> None:
        self.index, self.cell_id, self.toggled = index, cell_id, toggled
        self.event: Optional[Dict[str, Any]] = None
        self.note: Optional[str] = None  # why there is no event (the cell raised, the engine is not loaded)

    @property
    def state(self) -> str:
        if self.event is not None:
            return str(self.event.get("state"))
        return "not cached"

    def metadata(self) -> Dict[str, Any]:
        if self.event is None:
            return {"state": "not cached", "reason": self.note}
        return {k: self.event[k] for k in CELL_FIELDS if self.event.get(k) not in (None, [], {})}

    def line(self) -> str:
        label = f"cell {self.index}" + (f" ({self.cell_id})" if self.cell_id else "")
        if self.event is not None:
            text = events.describe(self.event)
            text = text[len("xetcache: "):] if text.startswith("xetcache: ") else text
        else:
            text = f"not cached: {self.note}"
        return f"  {label}: {text}"


def _secs(s: float) -> str:
    return f"{s:.3g} s" if s < 10 else f"{s:.1f} s"


def totals(runs: List[CellRun]) -> Dict[str, Any]:
    out: Dict[str, Any] = {state: 0 for state in COUNTED}
    out["not_cached"] = 0
    out["saved_s"], out["stored_bytes"] = 0.0, 0
    for run in runs:
        state = run.state
        if state in COUNTED:
            out[state] += 1
        else:
            out["not_cached"] += 1
        if state == "hit":
            out["saved_s"] += float(run.event.get("saved_s") or 0)
        if state == "stored":
            out["stored_bytes"] += int(run.event.get("bytes") or 0)
    out["saved_s"] = events.secs(out["saved_s"])
    return out


def headline(runs: List[CellRun], notebook: Optional[str]) -> str:
    t = totals(runs)
    where = f" in {notebook}" if notebook else ""
    if not runs:
        return f"xetcache: no cached cells{where}"
    parts = []
    if t["hit"]:
        parts.append(f"{t['hit']} hit ({_secs(t['saved_s'])} saved)")
    if t["stored"]:
        parts.append(f"{t['stored']} stored ({t['stored_bytes']} bytes)")
    for state in ("skipped", "declined", "error"):
        if t[state]:
            parts.append(f"{t[state]} {state}")
    if t["not_cached"]:
        parts.append(f"{t['not_cached']} not cached")
    return f"xetcache: {len(runs)} cached cell{'s' if len(runs) != 1 else ''}{where}: " + ", ".join(parts)


def lines(runs: List[CellRun], notebook: Optional[str]) -> List[str]:
    return [headline(runs, notebook)] + [run.line() for run in runs]
