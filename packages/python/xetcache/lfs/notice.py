"""Where progress and "could not fetch" lines of the lazy fetches (Git LFS, the team cache) go.

Not into the cell's outputs: on a hit those are exactly the recorded outputs, and a stderr block there would be
saved into the notebook. When a frontend listens (the lab extension's comm), `ipython/comm.py` installs a sink
that sends the line as a transient notice (CONTRACT.md section 3); without one (nbconvert, plain Python) it goes
to stderr.

The lines of one transfer carry the same ``transfer`` id and a ``state`` ("progress" while it runs, then "done" or
"error"), so the frontend shows one notification per transfer and updates it instead of stacking a new one per line.
"""

from __future__ import annotations

import itertools
import os
import sys
from typing import Callable, Dict, Optional

STATES = ("info", "progress", "done", "error")

_sink: Optional[Callable[[Dict[str, str]], bool]] = None
_ids = itertools.count(1)


def set_sink(sink: Optional[Callable[[Dict[str, str]], bool]]) -> None:
    """``sink(notice)`` gets ``{"text", "state"[, "transfer"]}`` and returns True when it delivered it."""
    global _sink
    _sink = sink


def new_transfer(kind: str) -> str:
    """An id for the lines of one transfer, unique in this kernel (the pid tells a restarted kernel's apart)."""
    return f"{kind}-{os.getpid()}-{next(_ids)}"


def say(text: str, *, transfer: Optional[str] = None, state: str = "info", console: bool = True) -> None:
    """Show ``text``. ``console=False``: only to a frontend (a line it needs to close a notification, which a
    terminal reader does not need)."""
    if state not in STATES:
        raise ValueError(f"notice state must be one of {STATES}, not {state!r}")
    if _sink is not None:
        message = {"text": text, "state": state}
        if transfer is not None:
            message["transfer"] = transfer
        try:
            if _sink(message):
                return
        except Exception:  # a broken frontend must not break the fetch
            pass
    if console:
        print(text, file=sys.stderr, flush=True)
