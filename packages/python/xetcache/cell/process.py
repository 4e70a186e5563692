"""Process-wide state a cell can change with one call and no name, for hidden.py's table: the garbage collector
(enabled, thresholds), the thread switch interval, the default socket timeout, the int/str conversion limit, the file-creation mask and the
C locale. A hit sets each back as the run left it, and a run that depended on a value recorded it (hidden.py).

Each getter reads the whole state without changing it (the umask has no read call: it is set and set back at once).
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Tuple


def gc_get() -> Any:
    import gc

    return (gc.isenabled(), gc.get_threshold())


def gc_set(state: Any) -> None:
    import gc

    enabled, threshold = state
    gc.set_threshold(*threshold)
    (gc.enable if enabled else gc.disable)()


def switch_interval_get() -> Any:
    return sys.getswitchinterval()


def switch_interval_set(state: Any) -> None:
    sys.setswitchinterval(state)


def signal_handlers() -> Dict[int, int]:
    """Identity of the handler of every signal: a handler a cell installs is an object a hit cannot install again
    (traced.py declines such a run)."""
    import signal

    out = {}
    for sig in signal.valid_signals():
        try:
            out[int(sig)] = id(signal.getsignal(sig))
        except (OSError, ValueError):
            continue
    return out


def socket_timeout_get() -> Any:
    return sys.modules["socket"].getdefaulttimeout()


def socket_timeout_set(state: Any) -> None:
    sys.modules["socket"].setdefaulttimeout(state)


def int_digits_get() -> Any:
    get = getattr(sys, "get_int_max_str_digits", None)  # Python 3.11+ (and security backports)
    return get() if get is not None else None


def int_digits_set(state: Any) -> None:
    if state is not None and hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(state)


def umask_get() -> Any:
    import os

    old = os.umask(0o022)
    os.umask(old)
    return old


def umask_set(state: Any) -> None:
    import os

    os.umask(state)


def _categories() -> List[Tuple[str, int]]:
    import locale

    names = ("LC_CTYPE", "LC_COLLATE", "LC_TIME", "LC_MONETARY", "LC_NUMERIC", "LC_MESSAGES")
    return [(n, getattr(locale, n)) for n in names if hasattr(locale, n)]


def locale_get() -> Any:
    import locale

    return {name: locale.setlocale(cat) for name, cat in _categories()}  # one argument: a query, not a change


def locale_set(state: Any) -> None:
    import locale

    for name, cat in _categories():
        if name in state and locale.setlocale(cat) != state[name]:
            locale.setlocale(cat, state[name])
