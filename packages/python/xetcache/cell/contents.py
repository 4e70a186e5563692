"""The contents of containers that are not exactly dict/list/set (Counter, OrderedDict, a user's
`class Items(list)`) and of dicts under keys that are not atoms: state snapshot.py's children (attributes, atom
keys) do not show, so a change of it is seen and set back too.
"""

from __future__ import annotations

import collections
from typing import Any, List, Tuple

ATOMS = (type(None), bool, int, float, complex, str, bytes, range, type(Ellipsis))


def contents(o: Any) -> List[Tuple[Tuple[str, Any], Any]]:
    """Items of a dict or list subclass (Counter, OrderedDict, a user's `class Items(list)`): state outside its
    __dict__, which its attributes alone do not show."""
    if isinstance(o, dict):
        return [(("k", k), v) for k, v in items_of(o) if isinstance(k, ATOMS)]
    if isinstance(o, list):
        return [(("i", i), v) for i, v in enumerate(list.__iter__(o))]
    return []


def items_of(o: Any) -> List[Tuple[Any, Any]]:
    """A dict subclass's items in its own order (an OrderedDict's `move_to_end` leaves the plain dict's order)."""
    return list(o.items() if isinstance(o, collections.OrderedDict) else dict.items(o))


def by_value(o: Any) -> Any:
    """What the children miss: items under keys that are not atoms (`d[(1, 2)] = 5`), a set subclass's members."""
    if isinstance(o, dict):
        return [(k, v) for k, v in items_of(o) if not isinstance(k, ATOMS)]
    if isinstance(o, (set, frozenset)) and type(o) not in (set, frozenset):
        return sorted(map(repr, o))
    return None
