"""Whether a function's result shares a mutable object with its arguments (``return data``, ``return cfg["model"]``,
``return x[:10]`` of an array): a hit returns a copy, so a change made later through the result would no longer show
in the argument, or the other way round. Such a call is returned but not stored (functions.py).

Best effort, bounded: objects are followed through the garbage collector's references (containers and instances),
never into classes, functions or modules (pickled by reference, the same object after a hit), and writable arrays
are compared by the memory they view; a pandas object counts as itself (the arrays inside it are shared and copied on
write by pandas). Past BUDGET objects on either side the check gives up and says "not shared":
a structure that large is rarely returned as a piece of an argument, and walking it would cost more than storing it.
"""

from __future__ import annotations

import gc
import sys
import types
from typing import Any, Dict, List, Optional, Tuple

BUDGET = 100_000
# identity of these does not matter (immutable atoms) or survives a hit (pickled by reference)
_SKIP = (type(None), bool, int, float, complex, str, bytes, range, type, types.ModuleType, types.FunctionType,
         types.BuiltinFunctionType, types.MethodType, types.CodeType, types.MappingProxyType)
_IMMUTABLE = (tuple, frozenset)


def _walk(root: Any) -> Optional[Tuple[Dict[int, Any], List[Tuple[int, int]]]]:
    """(id -> mutable object reachable from root, memory ranges of reachable arrays), or None past BUDGET."""
    np = sys.modules.get("numpy")
    seen: Dict[int, Any] = {}
    spans: List[Tuple[int, int]] = []
    todo = [root]
    while todo:
        o = todo.pop()
        if isinstance(o, _SKIP) or id(o) in seen:
            continue
        seen[id(o)] = o
        if len(seen) > BUDGET:
            return None
        if np is not None and isinstance(o, np.ndarray):
            if o.flags.writeable:  # a read-only view cannot carry a change from one side to the other
                lo, hi = _bounds(np, o)
                if hi > lo:
                    spans.append((lo, hi))
            continue
        if type(o).__module__.startswith("pandas."):  # the object itself counts; the arrays inside are pandas'
            continue  # copy-on-write business (pandas 3: df.rename() shares them, and a write copies first)
        if gc.is_tracked(o):
            todo.extend(gc.get_referents(o))
    return {k: v for k, v in seen.items() if not isinstance(v, _IMMUTABLE)}, spans


def _bounds(np: Any, a: Any) -> Tuple[int, int]:
    utils = getattr(getattr(np, "lib", None), "array_utils", None)  # numpy 2; numpy 1 has np.byte_bounds
    low, high = (utils.byte_bounds if utils is not None else np.byte_bounds)(a)
    return int(low), int(high)


def shared_arguments(result: Any, arguments: Dict[str, Any]) -> List[str]:
    """The names of the arguments the result shares a mutable object or array memory with."""
    mine = _walk(result)
    if mine is None or (not mine[0] and not mine[1]):
        return []
    objs, spans = mine
    names = []
    for name, value in arguments.items():
        theirs = _walk(value)
        if theirs is None:
            continue
        if any(k in objs for k in theirs[0]) or any(lo < h2 and l2 < hi for lo, hi in spans for l2, h2 in theirs[1]):
            names.append(name)
    return names
