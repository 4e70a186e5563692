"""What the remote tier did for each key, kept until ipython/magics.py puts it into the run event of that run
(badge.annotate): the badge says "from the team cache", or why the team cache was not used."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, Optional

_lock = threading.Lock()
_notes: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
NOTES_MAX = 256


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
