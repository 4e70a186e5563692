"""Interpreter and library settings a cell can change with one call, for hidden.py's table: `sys.path`, the
recursion limit, numpy's floating-point error handling and logging's levels.

Each is read and set back whole. Logging's handlers are objects holding streams and files: a hit cannot set them
up again, so a run that adds or removes one is declined (`unrestorable`) instead of cached.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Tuple


def sys_path_get() -> Any:
    return list(sys.path)


def sys_path_set(state: Any) -> None:
    sys.path[:] = state


def recursion_get() -> Any:
    return sys.getrecursionlimit()


def recursion_set(state: Any) -> None:
    sys.setrecursionlimit(state)


def np_err_get() -> Any:
    return sys.modules["numpy"].geterr()


def np_err_set(state: Any) -> None:
    sys.modules["numpy"].seterr(**state)


def _loggers() -> List[Tuple[str, Any]]:
    import logging

    out = [("", logging.getLogger())]
    out += [(n, lg) for n, lg in sorted(logging.Logger.manager.loggerDict.items()) if isinstance(lg, logging.Logger)]
    return out


def _handlers() -> List[Tuple[str, str, int, Optional[str]]]:
    """What a hit cannot set up again: every handler but the NullHandlers libraries add on import."""
    import logging

    return [(name, type(h).__qualname__, h.level, getattr(h.formatter, "_fmt", None))
            for name, lg in _loggers() for h in lg.handlers if not isinstance(h, logging.NullHandler)]


def logging_get() -> Any:
    import logging

    # loggers as a library creates them (NOTSET, propagating, enabled) are left out: importing one is no change
    levels = {name: (lg.level, lg.propagate, lg.disabled) for name, lg in _loggers()
              if (lg.level, lg.propagate, lg.disabled) != (logging.NOTSET, True, False) or name == ""}
    return {"levels": levels, "disable": logging.Logger.manager.disable, "handlers": _handlers()}


def logging_set(state: Any) -> None:
    import logging

    levels: Dict[str, Any] = state["levels"]
    for name, lg in _loggers():
        if name not in levels and (lg.level, lg.propagate, lg.disabled) != (logging.NOTSET, True, False):
            lg.setLevel(logging.NOTSET)
            lg.propagate, lg.disabled = True, False
    for name, (level, propagate, disabled) in levels.items():
        lg = logging.getLogger(name or None)
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled
    logging.disable(state["disable"])


def logging_unrestorable(before: Any, after: Any) -> Optional[str]:
    if (before or {}).get("handlers") != (after or {}).get("handlers"):
        return "changed logging's handlers, which a hit cannot set up again"
    return None
