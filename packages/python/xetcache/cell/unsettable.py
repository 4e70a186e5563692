"""State of tracked objects that inplace.apply cannot set back (snapshot.py compares it before and after a run, and
a change of it declines the cell): a functools cache's contents and counters, a function's code and names, the
children a numpy Generator spawned, a class's bases and ABC registry, an object's class.
"""

from __future__ import annotations

import abc
import functools
import sys
import types
from typing import Any, Optional, Tuple

_LRU = functools._lru_cache_wrapper  # type: ignore[attr-defined]


def cache_state(o: Any) -> Optional[Tuple[int, int, int]]:
    """(hits, misses, entries) of a functools cache (lru_cache/cache): what it holds is state a later call reads (it
    returns the cached object and skips the body's side effects) and that no API can fill again on a hit; its hit
    count is what `cache_info()` shows after a call answered from the cache, and no API can set it either."""
    if isinstance(o, _LRU) and callable(getattr(o, "cache_info", None)):
        info = o.cache_info()
        return info.hits, info.misses, info.currsize
    return None


def unsettable(o: Any) -> Optional[Tuple[str, Any]]:
    """(what changed, value) of the state of ``o`` inplace.apply cannot set back; a run that changes it declines."""
    if isinstance(o, types.FunctionType):  # `f.__code__ = g.__code__`
        return "(a function) got another __code__ or name", (o.__code__, o.__name__, o.__qualname__)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(o, np.random.Generator):  # `rng.spawn(n)`: counted outside the bit state
        spawned = getattr(getattr(o.bit_generator, "seed_seq", None), "n_children_spawned", None)
        return "(a generator) spawned generators, which its seed sequence counts", spawned
    if isinstance(o, type):  # `K.__bases__ = (B,)`, `Base.register(int)`
        dump = getattr(abc, "_get_dump", None) if isinstance(o, abc.ABCMeta) else None
        registered = frozenset(id(r()) for r in dump(o)[0]) if callable(dump) else None
        return "(a class) got other bases or registered other classes", (o.__bases__, registered)
    if isinstance(getattr(o, "__dict__", None), dict) and not isinstance(o, types.ModuleType):
        return "(an object) got another __class__", type(o)  # `obj.__class__ = Other`: attrs are set back, not it
    return None
