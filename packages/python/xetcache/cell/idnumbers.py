"""id() numbers in the data a cell leaves (`by_id = {id(o): i for o in objs}`): after a hit the objects are back at
other addresses, so such numbers name nothing (or something else), while a run's would name the run's objects.

Only ints the user's own data holds are looked at: plain containers (dicts, lists, tuples, sets) and instances of
user classes, walked from the values the run bound or changed. Library objects keep their own bookkeeping (a
matplotlib figure's callback tables) and set it up again when unpickled, so they are not walked.
"""

from __future__ import annotations

from typing import Any, Iterable, Set

LIMIT = 100_000  # objects walked; past it the remaining data is not looked at (plain numbers rarely go that deep)
_SMALLEST = 0x10000  # no object lives below this address


def ints_in(roots: Iterable[Any]) -> Set[int]:
    """Ints (large enough to be an address) held by the user's data reachable from ``roots``."""
    from ..keys import codedeps

    out: Set[int] = set()
    seen: Set[int] = set()
    stack = list(roots)
    while stack and len(seen) < LIMIT:
        o = stack.pop()
        t = type(o)
        if t is int:
            if o >= _SMALLEST:
                out.add(o)
            continue
        if id(o) in seen:
            continue
        seen.add(id(o))
        if t is dict:
            stack.extend(o.keys())
            stack.extend(o.values())
        elif t in (list, tuple, set, frozenset):
            stack.extend(o)
        elif isinstance(getattr(o, "__dict__", None), dict) and not isinstance(o, type) and codedeps.is_user_class(t):
            stack.extend(vars(o).values())
    return out
