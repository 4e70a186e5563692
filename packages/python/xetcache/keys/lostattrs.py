"""Attributes a value's pickling drops. Subclasses of types whose reduce is built in (datetime.date, random.Random,
numpy.ndarray) or in the standard library (Counter, defaultdict) pickle their base's state, not the instance's
`__dict__`: `d.tag = 'a'` on such a value is in neither a fingerprint built from the reduce nor a stored copy, so an
edit of it would hit and a hit would bring the value back without it. encoder.py adds these attributes to the
fingerprint; cell/graph.py stores them with the value.

A class whose own Python code (the user's, a library's) says how it pickles (`__getstate__`, `__reduce__`) decides
for itself: what it leaves out (a lock, a cache) stays out; so does a type whose reduce is its own (a Logger is
pickled by name).
"""

from __future__ import annotations

import random
import sysconfig
import types
from typing import Any, Dict, Optional

_STDLIB = sysconfig.get_paths()["stdlib"]
_REDUCERS = ("__reduce_ex__", "__reduce__", "__getstate__")


def _drops_subclass_attrs(t: type) -> bool:
    """Whether ``t`` pickles through a reduce written for one of its bases (so its own attributes are not in it):
    False when a Python-level reduce outside the standard library decides (the user's, a library's), or when the
    reduce is the type's own (`logging.Logger` pickles by name on purpose)."""
    owners = set()
    for name in _REDUCERS:
        for c in t.__mro__:
            f = vars(c).get(name)
            if f is None:
                continue
            if isinstance(f, (staticmethod, classmethod)):
                f = f.__func__
            if isinstance(f, types.FunctionType) and not f.__code__.co_filename.startswith(_STDLIB):
                return False
            if c is not object:
                owners.add(c)
            break
    return bool(owners) and t not in owners


def lost_attrs(v: Any, state: Any) -> Optional[Dict[str, Any]]:
    """The instance attributes of ``v`` that its reduce (whose state is ``state``) does not carry, or None."""
    try:
        d = object.__getattribute__(v, "__dict__")
    except (AttributeError, TypeError):
        return None
    if type(d) is not dict or not d or isinstance(v, (type, types.ModuleType, types.FunctionType)):
        return None
    if isinstance(state, dict) or (isinstance(state, tuple) and len(state) == 2 and isinstance(state[0], dict)):
        return None  # the usual `__dict__` (or `(__dict__, slots)`) state: nothing lost
    if not _drops_subclass_attrs(type(v)):
        return None
    # random.Random's gauss_next is part of getstate()
    extra = {k: x for k, x in d.items() if not (k == "gauss_next" and isinstance(v, random.Random))}
    return extra or None


def with_attrs(func: Any, args: Any, state: Any, attrs: Dict[str, Any]) -> Any:
    """Unpickling's counterpart (graph.py): rebuild as the reduce says (pickle's BUILD for the state), then set
    the attributes the reduce dropped."""
    o = func(*args)
    if state is not None:
        setstate = getattr(o, "__setstate__", None)
        if setstate is not None:
            setstate(state)
        else:
            o.__dict__.update(state)
    o.__dict__.update(attrs)
    return o
