"""Setting a pre-existing object to the state a run left it in, in place (a hit's half of snapshot.py): lists,
dicts, functions' closures and defaults, instance/class/module attributes, subclasses of dict and list through their
own methods, arrays, pandas objects, sets, bytearrays and generators. `check` says first whether `apply` can, so a
hit changes nothing until every change is known to apply.
"""

from __future__ import annotations

import types
from typing import Any

from .snapshot import NotRestorable


def check(o: Any, kind: str, state: Any) -> None:
    """NotRestorable when ``apply`` could not set ``o`` to ``state`` (so nothing is changed before that is known)."""
    if kind == "ndarray" and (o.shape != state.shape or o.dtype != state.dtype):
        raise NotRestorable("array changed shape or dtype")
    if kind == "ndarray" and not o.flags.writeable:
        raise NotRestorable("array is read-only now")


def apply(o: Any, kind: str, state: Any) -> None:
    """Set a pre-existing object to its recorded new state, in place."""
    if kind == "list":
        o[:] = state
    elif kind == "dict":
        o.clear()
        o.update(state)
    elif kind == "function":
        cells, defaults, kwdefaults, attrs = state
        for c, v in zip(o.__closure__ or (), cells):
            c.cell_contents = v
        o.__defaults__, o.__kwdefaults__ = defaults, kwdefaults
        o.__dict__.clear()
        o.__dict__.update(attrs)
    elif kind == "attrs":
        if isinstance(o, (type, types.ModuleType)):
            for k in [k for k in vars(o) if not k.startswith("__") and k not in state]:
                delattr(o, k)
            for k, v in state.items():
                setattr(o, k, v)
        else:
            o.__dict__.clear()
            o.__dict__.update(state)
    elif kind in ("dictsub", "listsub"):  # through the type's own methods: an OrderedDict keeps its order
        items, attrs = state
        if kind == "dictsub":
            o.clear()
            for k, v in items:
                o[k] = v
        else:
            o[:] = items
        o.__dict__.clear()
        o.__dict__.update(attrs)
    elif kind == "ndarray":
        if o.shape != state.shape or o.dtype != state.dtype:
            raise NotRestorable("array changed shape or dtype")
        o[...] = state
    elif kind == "pandas":
        o.__setstate__(state.__getstate__())
        clear = getattr(o, "_clear_item_cache", None)
        if clear is not None:
            clear()
    elif kind == "set":
        o.clear()
        o.update(state)
    elif kind == "bytearray":
        o[:] = state
    elif kind == "random":
        o.setstate(state)
    elif kind == "randomstate":
        o.set_state(state)
    elif kind == "generator":
        o.bit_generator.state = state
    else:
        raise NotRestorable(f"unknown state kind {kind!r}")
