"""The contents of containers that are not exactly dict/list/set (Counter, OrderedDict, a user's
`class Items(list)`) and of dicts under keys that are not atoms: state snapshot.py's children (attributes, atom
keys) do not show, so a change of it is seen and set back too.
"""

from __future__ import annotations

import array
import collections
from typing import Any, List, Tuple

ATOMS = (type(None), bool, int, float, complex, str, bytes, range, type(Ellipsis))
# C containers whose subclasses have a __dict__ besides their items (`class Hist(deque)`): the items are compared by
# value and a change declines (no in-place way back is known for all of them)
NATIVE = (set, frozenset, collections.deque, bytearray, array.array)


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
    """What the children miss: items under keys that are not atoms (`d[(1, 2)] = 5`), the items of a C
    container's subclass."""
    if isinstance(o, dict):
        return [(k, v) for k, v in items_of(o) if not isinstance(k, ATOMS)]
    if native_subclass(o):
        return sorted(map(repr, o)) if isinstance(o, (set, frozenset)) else list(o)
    return None


def native_subclass(o: Any) -> bool:
    return isinstance(o, NATIVE) and type(o) not in NATIVE


def plain_members(o: Any) -> bool:
    """A set of values (numbers, strings, tuples of them): set back by value. Members with state of their own
    (`{Node(1), Node(2)}`) would come back as copies, not the objects other names hold."""
    return all(isinstance(m, ATOMS) or (isinstance(m, (tuple, frozenset)) and plain_members(m)) for m in o)
