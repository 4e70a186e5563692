"""The iteration order of sets, where it is part of a value. A set of strings (or of objects hashed by address)
iterates in an order each process picks anew (salted hashes), so only its elements can count. A set of numbers
iterates in the same order in every process, but not always in one order for the same elements: colliding hashes
keep insertion order (`{8, 16}` vs `{16, 8}`), and a set that grew and shrank keeps its larger table. Code sees that
order (`list(s)`), so fingerprints must too, and a copy that would iterate otherwise must not be restored."""

from __future__ import annotations

from typing import Any, List

_FIXED_HASH = (int, float, bool, complex, type(None))


def fixed_hash(x: Any) -> bool:
    """Hashed the same in every process (not salted like str, bytes, enum members, or by address: a NaN's hash
    is its address since Python 3.10)."""
    if type(x) in (float, complex):
        return x == x
    return type(x) in _FIXED_HASH or (type(x) is tuple and all(fixed_hash(y) for y in x))


def order_is_chosen(items: List[Any], digests: List[bytes]) -> bool:
    """Whether a set of fixed-hash elements iterates in another order than the same elements inserted in digest
    order would: then its order is part of its value. Otherwise (the usual case, and every set of strings, whose
    order differs in every process anyway) only the elements count, so old fingerprints stay valid."""
    if len(items) < 2 or not all(fixed_hash(x) for x in items):
        return False
    order = sorted(range(len(items)), key=digests.__getitem__)
    return list(set([items[i] for i in order])) != items


def order_lost_in_copy(s: Any) -> bool:
    """Whether a set of fixed-hash elements would iterate in another order once rebuilt from its own order, as
    pickle and `clear(); update(...)` rebuild it: a set that grew and shrank keeps a larger table (`{7, 15}` left
    from `set(range(20))` iterates 7, 15; a copy 15, 7). Sets of other elements: False (their order is the
    process's, a run in another kernel would not repeat it either)."""
    if len(s) < 2:
        return False
    items = list(s)
    return all(fixed_hash(x) for x in items) and list(set(items)) != items
