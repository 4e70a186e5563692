"""Attributes of library modules a cell sets, rebinds or deletes (`json.FLAG = 1`, `builtins.X = 2`, a called
function's `np.some_setting = ...`): state of the kernel outside the namespace that a hit cannot see being set.

The modules watched are `builtins` and the library modules the namespace holds (what the cell and the functions it
calls can name). Their public attributes are compared by identity before and after the run; a change declines the
cell. Submodules bound on their package by an import, private names (libraries cache their own lazily) and library
functions a library binds itself (pyplot's backend hooks) are not changes of the user's.
"""

from __future__ import annotations

import builtins
import sys
import types
from typing import Any, Dict, List, Optional, Tuple

from ..keys import codedeps

# set by the kernel around every execution (streams, hooks, the last error), not by the cell
_KERNEL_SET = {"sys": frozenset({"stdout", "stderr", "stdin", "displayhook", "excepthook", "last_type", "last_value",
                                 "last_traceback", "last_exc", "ps1", "ps2"})}


def _modules(ns: Dict[str, Any]) -> List[types.ModuleType]:
    out = {id(builtins): builtins}
    for name, v in list(ns.items()):
        if isinstance(v, types.ModuleType) and not name.startswith("_") and not codedeps.is_user_module(v) \
                and v.__name__ != "__main__":
            out.setdefault(id(v), v)
    return list(out.values())


def _state(m: types.ModuleType) -> Dict[str, int]:
    d = getattr(m, "__dict__", None)
    if type(d) is not dict:
        return {}
    skip = _KERNEL_SET.get(m.__name__, frozenset())
    return {k: id(v) for k, v in list(d.items())
            if isinstance(k, str) and not k.startswith("_") and k not in skip and not isinstance(v, types.ModuleType)}


def _library_code(v: Any) -> bool:
    """A function or class of library code: what a library binds itself (pyplot's `draw_if_interactive` when a
    backend loads), not a value or a function of the user's (`json.dumps = my_dumps` is the user's)."""
    if not callable(v) or isinstance(v, (int, float, str, bytes, tuple, list, dict, set)):
        return False
    module = sys.modules.get(getattr(v, "__module__", None) or "")
    return module is not None and module.__name__ != "__main__" and not codedeps.is_user_module(module)


class Watch:
    """Identity of every public attribute of the watched modules when the run starts."""

    def __init__(self, ns: Dict[str, Any]) -> None:
        self.before: List[Tuple[types.ModuleType, Dict[str, int]]] = [(m, _state(m)) for m in _modules(ns)]

    def changed(self) -> Optional[str]:
        """Why a hit could not redo what the run did to a library module (None: nothing changed)."""
        for m, before in self.before:
            after = _state(m)
            if after == before:
                continue
            names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                           and not _library_code(getattr(m, k, None)))
            if not names:
                continue
            return (f"changes attribute {m.__name__}.{names[0]} of a library module, which a hit cannot set "
                    "again")
        return None
