"""Hidden state a cell can read and change without naming it: global random generators, matplotlib's style,
pandas options, numpy print options, the settings of settings.py (sys.path, logging levels, ...) and the
process-wide state of process.py (gc, socket timeout, umask, locale, ...).

Each is an implicit input and output of a cached cell: its state before the run is recorded in the entry (a hit is
valid only when the kernel is in that state now) and, when the run changed it, its state after the run is stored
and set again on a hit, so later cells draw the same numbers and plot in the same style as after a real run.
Only modules the user already imported are looked at (the engine never imports numpy or matplotlib itself).
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import process, settings


def _random_get() -> Any:
    import random

    return random.getstate()


def _random_set(state: Any) -> None:
    import random

    random.setstate(state)


def _np_get() -> Any:
    return sys.modules["numpy"].random.get_state()


def _np_set(state: Any) -> None:
    sys.modules["numpy"].random.set_state(state)


def _mpl_get() -> Any:
    mpl = sys.modules["matplotlib"]
    return dict(mpl.rcParams)


def _mpl_set(state: Any) -> None:
    mpl = sys.modules["matplotlib"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated keys warn on every set; they were valid when recorded
        mpl.rcParams.update(state)


def _pd_get() -> Any:
    import copy

    return copy.deepcopy(sys.modules["pandas"]._config.config._global_config)


def _pd_set(state: Any) -> None:
    cfg = sys.modules["pandas"]._config.config._global_config
    cfg.clear()
    cfg.update(state)


def _np_print_get() -> Any:
    return sys.modules["numpy"].get_printoptions()


def _np_print_set(state: Any) -> None:
    sys.modules["numpy"].set_printoptions(**state)


def _warnings_get() -> Any:
    return list(warnings.filters)


def _warnings_set(state: Any) -> None:
    warnings.filters[:] = state
    warnings._filters_mutated()  # type: ignore[attr-defined]  # as warnings.filterwarnings does


def _decimal_get() -> Any:
    c = sys.modules["decimal"].getcontext()
    return (c.prec, c.rounding, c.Emin, c.Emax, c.capitals, c.clamp)


def _decimal_set(state: Any) -> None:
    c = sys.modules["decimal"].getcontext()
    c.prec, c.rounding, c.Emin, c.Emax, c.capitals, c.clamp = state


def _cwd_get() -> Any:
    import os

    return os.getcwd()


def _cwd_set(state: Any) -> None:
    import os

    os.chdir(state)  # a path relative to where the cell started (see diff()), so a colleague's clone works too


def _sklearn_get() -> Any:
    return sys.modules["sklearn"].get_config()


def _sklearn_set(state: Any) -> None:
    sys.modules["sklearn"].set_config(**state)


def _torch_get() -> Any:
    return sys.modules["torch"].random.get_rng_state().numpy().tobytes()


def _torch_set(state: Any) -> None:
    torch = sys.modules["torch"]
    torch.random.set_rng_state(torch.frombuffer(bytearray(state), dtype=torch.uint8))


# name -> (module that must be imported, get, set)
SOURCES: Dict[str, Tuple[str, Callable[[], Any], Callable[[Any], None]]] = {
    "random": ("random", _random_get, _random_set),
    "numpy.random": ("numpy", _np_get, _np_set),
    "matplotlib.rcParams": ("matplotlib", _mpl_get, _mpl_set),
    "pandas.options": ("pandas", _pd_get, _pd_set),
    "numpy.printoptions": ("numpy", _np_print_get, _np_print_set),
    "warnings.filters": ("warnings", _warnings_get, _warnings_set),
    "decimal.context": ("decimal", _decimal_get, _decimal_set),
    "working directory": ("os", _cwd_get, _cwd_set),
    "sklearn.config": ("sklearn", _sklearn_get, _sklearn_set),
    "torch.random": ("torch", _torch_get, _torch_set),
    "sys.path": ("sys", settings.sys_path_get, settings.sys_path_set),
    "sys.recursionlimit": ("sys", settings.recursion_get, settings.recursion_set),
    "numpy.errstate": ("numpy", settings.np_err_get, settings.np_err_set),
    "logging": ("logging", settings.logging_get, settings.logging_set),
    "gc": ("gc", process.gc_get, process.gc_set),
    "sys.switchinterval": ("sys", process.switch_interval_get, process.switch_interval_set),
    "socket.defaulttimeout": ("socket", process.socket_timeout_get, process.socket_timeout_set),
    "sys.int_max_str_digits": ("sys", process.int_digits_get, process.int_digits_set),
    "umask": ("os", process.umask_get, process.umask_set),
    "locale": ("locale", process.locale_get, process.locale_set),
}
# Sources whose change a hit cannot redo: name -> (state before, state after) -> why (None: it can)
UNRESTORABLE: Dict[str, Callable[[Any, Any], Optional[str]]] = {"logging": settings.logging_unrestorable}
# Sources that shape what a cell shows or computes (plots, printed tables, sklearn's transform output): a dependency
# of every run while imported.
DISPLAY = ("matplotlib.rcParams", "pandas.options", "numpy.printoptions", "sklearn.config")
# Settings any code can read with a plain call (`gc.isenabled()`, decimal arithmetic, `np.array(1.) / 0`): the key
# cannot see those reads, so each is a dependency of every run too. They stay as a kernel starts them unless a cell
# sets them, so a restart does not turn hits into misses. The warning filters and logging's levels decide what any
# `warnings.warn` or `log.info` shows (a filter set to "ignore" upstream, a level lowered to INFO): their outputs
# are replayed on a hit, so the state that decided them is a dependency like the display options.
READ_ANYWHERE = DISPLAY + ("decimal.context", "numpy.errstate", "sys.recursionlimit", "gc", "socket.defaulttimeout",
                           "sys.int_max_str_digits", "umask", "locale", "warnings.filters", "logging")


ENV = "os.environ:"  # one source per variable the run changed: a machine's whole environment is not an input
# the names of the environment, a dependency of a run whose code listed them (`for k in os.environ`): a variable
# added upstream changes what it finds, though no variable it read changed. Never set back (variables are).
ENV_NAMES = "os.environ names"


def env_changes(before: Dict[str, str], after: Dict[str, str]) -> Dict[str, Optional[str]]:
    return {k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}


def present() -> List[str]:
    return [name for name, (module, _, _) in SOURCES.items() if module in sys.modules]


def capture(names: Optional[List[str]] = None) -> Dict[str, Any]:
    """Current state of each hidden source (that is imported), by name."""
    import os

    out = {}
    for name in names if names is not None else present():
        if name.startswith(ENV):
            out[name] = os.environ.get(name[len(ENV):])
            continue
        if name == ENV_NAMES:
            out[name] = sorted(os.environ)
            continue
        module, get, _ = SOURCES[name]
        if module in sys.modules:
            try:
                out[name] = get()
            except Exception:  # a broken or partial install: nothing to record
                continue
    return out


def restore(states: Dict[str, Any]) -> None:
    import os

    for name, state in states.items():
        if name.startswith(ENV):
            if state is None:
                os.environ.pop(name[len(ENV):], None)
            else:
                os.environ[name[len(ENV):]] = state
        elif name in SOURCES:
            SOURCES[name][2](state)


def known(name: str) -> bool:
    return name in SOURCES or name.startswith(ENV) or name == ENV_NAMES


def fingerprints(states: Dict[str, Any]) -> Dict[str, str]:
    """Fingerprint of each captured state; a source whose state has none is left out (not a dependency)."""
    from ..keys.fingerprint import fingerprint

    out = {}
    for name, state in states.items():
        try:
            out[name] = fingerprint(state)
        except Exception:
            continue
    return out


class SeedWatch:
    """While a run lasts: which global generators the cell seeded *before drawing from them*. Their state before
    the run then does not matter (a cell that starts with `np.random.seed(0)` is not a dependency of whatever
    state the kernel's RNG was in), so it is not recorded as one. The names of the namespace holding the seed
    functions (`from random import seed`) call the watcher too while the run lasts; other references (a seed
    imported by a user module) are not seen: they only cost a miss."""

    _TARGETS = (("random", "random", "seed"), ("numpy.random", "numpy.random", "seed"))

    def __init__(self, ns: Optional[Dict[str, Any]] = None) -> None:
        self.seeded_first: List[str] = []
        self._undo: List[Tuple[Any, str, Any]] = []
        self._ns = ns
        self._names: List[Tuple[str, Any, Any]] = []

    def __enter__(self) -> "SeedWatch":
        for name, module_name, attr in self._TARGETS:
            module = sys.modules.get(module_name)
            original = getattr(module, attr, None) if module is not None else None
            if original is None:
                continue
            before = capture([name]).get(name)
            self._undo.append((module, attr, original))
            wrapped = self._wrap(name, original, before)
            setattr(module, attr, wrapped)
            # `from random import seed` bound the function itself before: the names holding it call the wrapper too
            for n, v in list((self._ns or {}).items()):
                if v is original:
                    self._names.append((n, original, wrapped))
                    self._ns[n] = wrapped  # type: ignore[index]
        return self

    def _wrap(self, name: str, original: Callable[..., Any], before: Any) -> Callable[..., Any]:
        def seed(*args: Any, **kwargs: Any) -> Any:
            if name not in self.seeded_first and fingerprints({name: capture([name]).get(name)}) == \
                    fingerprints({name: before}):
                self.seeded_first.append(name)
            return original(*args, **kwargs)

        return seed

    def __exit__(self, *exc: object) -> None:
        while self._undo:
            module, attr, original = self._undo.pop()
            setattr(module, attr, original)
        for n, original, wrapped in self._names:  # unless the cell bound the name to something else
            if self._ns is not None and self._ns.get(n) is wrapped:
                self._ns[n] = original
