"""Attributes of library modules a cell sets, rebinds or deletes (`json.FLAG = 1`, `builtins.X = 2`, a called
function's `np.some_setting = ...`): state of the kernel outside the namespace that a hit cannot see being set.

The modules watched are `builtins`, the library modules the namespace holds and those the cell's code and the
functions it calls name (`import json` inside a function), with the library classes they hold. Their public
attributes are compared by identity before and after the run; a change declines the cell. Submodules bound on their package by an import, private names (libraries cache their own lazily) and library
functions a library binds itself (pyplot's backend hooks) are not changes of the user's.
"""

from __future__ import annotations

import builtins
import sys
import types
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..keys import codedeps

# set by the kernel around every execution (streams, hooks, the last error), not by the cell
_KERNEL_SET = {"sys": frozenset({"stdout", "stderr", "stdin", "displayhook", "excepthook", "last_type", "last_value",
                                 "last_traceback", "last_exc", "ps1", "ps2"})}


def _modules(ns: Dict[str, Any], named: Sequence[types.ModuleType] = ()) -> List[types.ModuleType]:
    out = {id(builtins): builtins}
    for name, v in list(ns.items()) + [("named", m) for m in named]:
        if isinstance(v, types.ModuleType) and not name.startswith("_") and not codedeps.is_user_module(v) \
                and v.__name__ != "__main__":
            out.setdefault(id(v), v)
    return list(out.values())


def _state(o: Any, skip: frozenset = frozenset()) -> Dict[str, int]:
    try:
        d = dict(vars(o))
    except TypeError:
        return {}
    return {k: id(v) for k, v in d.items()
            if isinstance(k, str) and not k.startswith("_") and k not in skip and not isinstance(v, types.ModuleType)}


def _classes(modules: List[types.ModuleType]) -> List[type]:
    """Library classes the watched modules hold (`fractions.Fraction`, `pd.DataFrame`): `pd.DataFrame.x = f` is
    a change of the same kind."""
    out: Dict[int, type] = {}
    for m in modules:
        for k, v in list(vars(m).items()):
            if isinstance(v, type) and not k.startswith("_") and not codedeps.is_user_class(v):
                out.setdefault(id(v), v)
    return list(out.values())


def _library_code(v: Any) -> bool:
    """A function or class of library code: what a library binds itself (pyplot's `draw_if_interactive` when a
    backend loads), not a value or a function of the user's (`json.dumps = my_dumps` is the user's)."""
    if not callable(v) or isinstance(v, (int, float, str, bytes, tuple, list, dict, set)):
        return False
    module = sys.modules.get(getattr(v, "__module__", None) or "")
    return module is not None and module.__name__ != "__main__" and not codedeps.is_user_module(module)


def _containers(modules: List[types.ModuleType], attrs: Sequence[str]) -> List[Tuple[str, Any, Optional[str]]]:
    """(label, object, fingerprint) of the lists, dicts and sets the watched modules hold under the names the code
    uses (`sys.argv.append(...)`, `np.typecodes[k] = v`): changed in place, they are state no hit sets again. The
    hidden state set back on a hit (sys.path, warnings' filters) and the import system's own are not among them."""
    from ..keys.fingerprint import fingerprint

    out = []
    for m in modules:
        for name in attrs:
            v = vars(m).get(name)
            label = f"{m.__name__}.{name}"
            if type(v) in (list, dict, set) and not name.startswith("_") and label not in _SET_BACK:
                try:
                    out.append((label, v, fingerprint(v)))
                except Exception:  # no fingerprint: compared by length at least
                    out.append((label, v, f"len {len(v)}"))
    return out


def _same(before: Tuple[str, Any, Optional[str]]) -> bool:
    from ..keys.fingerprint import fingerprint

    label, v, fp = before
    try:
        return fingerprint(v) == fp
    except Exception:
        return f"len {len(v)}" == fp


# restored by hidden.py/settings.py on a hit, or the import system's bookkeeping (an import replayed redoes it)
_SET_BACK = frozenset({"sys.path", "sys.modules", "sys.path_importer_cache", "sys.meta_path", "sys.path_hooks",
                       "warnings.filters"})


class Watch:
    """Identity of every public attribute of the watched modules and their classes when the run starts."""

    def __init__(self, ns: Dict[str, Any], named: Sequence[types.ModuleType] = (),
                 attrs: Optional[Sequence[str]] = None) -> None:
        modules = _modules(ns, named)
        self.before: List[Tuple[Any, str, Dict[str, int]]] = (
            [(m, m.__name__, _state(m, _KERNEL_SET.get(m.__name__, frozenset()))) for m in modules]
            + [(c, f"{c.__module__}.{c.__qualname__}", _state(c)) for c in _classes(modules)])
        self.containers = _containers(modules, attrs or ())

    def changed(self) -> Optional[str]:
        """Why a hit could not redo what the run did to a library module (None: nothing changed)."""
        for before in self.containers:
            if not _same(before):
                return f"changes {before[0]} (a library module's) in place, which a hit cannot do again"
        for o, label, before in self.before:
            after = _state(o, _KERNEL_SET.get(label, frozenset()) if isinstance(o, types.ModuleType) else frozenset())
            if after == before:
                continue
            names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                           and not _library_code(getattr(o, k, None)))
            if names:
                kind = "library module" if isinstance(o, types.ModuleType) else "library class"
                return f"changes attribute {label}.{names[0]} of a {kind}, which a hit cannot set again"
        return None
