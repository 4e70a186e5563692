"""Where progress and "could not fetch" lines of the lazy LFS fetch go.

Not into the cell's outputs: on a hit those are exactly the recorded outputs, and a stderr block there would be
saved into the notebook. When a frontend listens (the lab extension's comm), `ipython/comm.py` installs a sink
that sends the line as a transient notice; without one (nbconvert, plain Python) it goes to stderr.
"""

from __future__ import annotations

import sys
from typing import Callable, Optional

_sink: Optional[Callable[[str], bool]] = None


def set_sink(sink: Optional[Callable[[str], bool]]) -> None:
    """``sink(text)`` returns True when it delivered the line."""
    global _sink
    _sink = sink


def say(text: str) -> None:
    if _sink is not None:
        try:
            if _sink(text):
                return
        except Exception:  # a broken frontend must not break the fetch
            pass
    print(text, file=sys.stderr, flush=True)
