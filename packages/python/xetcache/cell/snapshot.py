"""What a cell changed in place: every object reachable from the names it can touch, before vs after the run.

Before the run each object reachable from those names gets a path (`lst`, `model.steps[0]`, `f.<closure 0>`) and
a digest of its *own* state, in which children that are themselves tracked appear as references, not values.
After the run the digests are taken again: an object whose digest changed was changed in place (by the cell, a
called function, numpy, a loop variable, an alias...). Its new state is saved with references to other tracked
objects kept as references, so a hit updates the very same objects (aliases and closures see it) and shares what
the run shared. Detecting change by value is what makes this independent of *how* the object was changed.
"""

from __future__ import annotations

import abc
import hashlib
import logging
import random
import sys
import threading
import types
import weakref
from typing import Any, Dict, List, Optional, Tuple

from ..keys.encoder import Encoder, Unhashable
from ..keys.lostattrs import lost_attrs
from ..keys.setorder import order_lost_in_copy
from ..keys.fingerprint import fingerprint  # noqa: F401  (loads the numpy/pandas/user-code encoders)
from .contents import ATOMS, by_value, contents, items_of, native_subclass, plain_members
from .unsettable import cache_state, unsettable

Path = Tuple[Any, ...]  # (root name, step, step, ...); a step is (kind, key)
# Back-pointers (pandas' flags -> frame, caches): no value of their own, and pickling drops or rebuilds them.
# Locks: a cell leaves them as it found them (released); their state is not a value a later cell reads.
# Logging's objects: their levels are hidden state (settings.py); handlers hold locks and streams.
# A property (its fget/fset/fdel are read-only) and an ABC's _abc_impl (abc's own registry and caches) sit in the
# dicts of user classes, which instances lead to; neither has a fingerprint, so tracked they counted as changed and
# every cell touching an instance of such a class declined. A cell replacing them is seen on the class itself.
_ABC_DATA = type(getattr(abc.ABC, "_abc_impl", None))
OPAQUE = (weakref.ref, weakref.ProxyType, weakref.CallableProxyType, type(threading.Lock()), type(threading.RLock()),
          logging.Logger, logging.Handler, logging.Manager, logging.PlaceHolder, logging.Formatter, logging.Filter,
          property) + ((_ABC_DATA,) if _ABC_DATA is not type(None) else ())
MODULE_ROOT = "module:"  # a root that is a user module (sys.modules), not a name of the namespace
LIMIT = 200_000  # tracked objects; past it the cell declines rather than trace a partial graph


class NotRestorable(Exception):
    """An object changed in place that cannot be set back in place (its type has no known way)."""


def _leaf_kind(o: Any) -> Optional[str]:
    """How a non-container object's state is saved and set back in place; None = opaque (immutable or unknown)."""
    if isinstance(o, (set, bytearray)):
        return type(o).__name__ if type(o) in (set, bytearray) else None
    if isinstance(o, random.Random):
        return "random"
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(o, (pd.DataFrame, pd.Series)):
        return "pandas"  # its internals (block managers, copy-on-write references) are pandas' business
    if pd is not None and isinstance(o, pd.Index):
        return "opaque"  # immutable
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(o, np.ndarray):
            return "ndarray"
        if isinstance(o, np.random.RandomState):
            return "randomstate"
        if isinstance(o, np.random.Generator):
            return "generator"
    return None


def _children(o: Any) -> Optional[List[Tuple[Tuple[str, Any], Any]]]:
    """((kind, key), child) pairs of a container whose parts can be restored in place; None for anything else."""
    t = type(o)
    if t is list or t is tuple:
        return [(("i", i), v) for i, v in enumerate(o)]
    if t is dict:
        return [(("k", k), v) for k, v in o.items() if isinstance(k, ATOMS)]
    if isinstance(o, types.FunctionType):
        cells = []
        for i, c in enumerate(o.__closure__ or ()):
            try:
                cells.append((("c", i), c.cell_contents))
            except ValueError:
                pass
        # attributes (`f.calls += 1` inside f) and keyword-only defaults are state a later call reads too
        return (cells + [(("d", i), v) for i, v in enumerate(o.__defaults__ or ())]
                + [(("kw", k), v) for k, v in (o.__kwdefaults__ or {}).items()]
                + [(("fa", k), v) for k, v in o.__dict__.items() if isinstance(k, str)])
    if isinstance(o, (type, types.ModuleType)):
        from ..keys import codedeps

        user = codedeps.is_user_class(o) if isinstance(o, type) else codedeps.is_user_module(o)
        if not user:
            return None
        attrs = [(("a", k), v) for k, v in vars(o).items() if not k.startswith("__") and isinstance(k, str)]
        # a method's `self.registry.append(...)` reaches the attributes of the class's user bases too
        bases = [(("b", i), b) for i, b in enumerate(o.__bases__)] if isinstance(o, type) else []
        return attrs + [(step, b) for step, b in bases if codedeps.is_user_class(b)]
    d = getattr(o, "__dict__", None)
    if type(d) is dict and _leaf_kind(o) is None and not isinstance(o, BaseException):
        from ..keys import codedeps

        # `self.items.append(x)` on a class attribute changes the class, reached through the instance
        cls = [(("t", None), type(o))] if codedeps.is_user_class(type(o)) else []
        return contents(o) + [(("a", k), v) for k, v in d.items() if isinstance(k, str)] + cls
    return None


def _axes(o: Any) -> List[Tuple[Tuple[str, Any], Any]]:
    """A frame's index and columns, a series' index: objects other names may hold (`idx = df.index`) that a frame
    is set back without (a new frame state brings new axes), so a change of them in place (`df.index.name = ...`)
    is seen on them and declines."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(o, (pd.DataFrame, pd.Series)):
        return []
    return [(("pi", "index"), o.index)] + ([(("pi", "columns"), o.columns)] if isinstance(o, pd.DataFrame) else [])


class Snapshot:
    def __init__(self, ns: Dict[str, Any], names: List[str]) -> None:
        self.objs: Dict[int, Any] = {}  # id -> object (held, so ids stay unique while we compare)
        self.paths: Dict[int, Path] = {}
        self.index: Dict[int, int] = {}  # id -> position in `order`
        self.order: List[int] = []
        self.truncated = False
        queue = [(n, _root(ns, n)) for n in sorted(set(names)) if n in ns or n.startswith(MODULE_ROOT)]
        for name, value in queue:
            self._track(value, (name,))
        i = 0
        while i < len(self.order):
            oid = self.order[i]
            i += 1
            for step, child in (_children(self.objs[oid]) or []) + _axes(self.objs[oid]):
                self._track(child, self.paths[oid] + (step,))
        self.before = {oid: self._digest(oid) for oid in self.order}
        # held (so a replaced code object's id is never reused) and compared after the run
        self.fixed = {oid: unsettable(o) for oid, o in self.objs.items()}
        np = sys.modules.get("numpy")  # arrays are set back in place only into their own shape, dtype and flag
        self.layouts = {oid: (o.shape, o.dtype, o.flags.writeable) for oid, o in self.objs.items()
                        if np is not None and isinstance(o, np.ndarray)}

    def _track(self, value: Any, path: Path) -> None:
        if isinstance(value, ATOMS) or isinstance(value, OPAQUE) or id(value) in self.objs:
            return
        if len(self.order) >= LIMIT:
            self.truncated = True
            return
        self.objs[id(value)] = value
        self.paths[id(value)] = path
        self.index[id(value)] = len(self.order)
        self.order.append(id(value))

    def _digest(self, oid: int) -> Optional[bytes]:
        """Own state with tracked children as references; None when the value has no fingerprint."""
        o = self.objs[oid]
        h = hashlib.sha256()
        enc = Encoder(h)
        try:
            kids = _children(o)
            if kids is None:
                enc.encode(o)
            else:
                h.update(f"{type(o).__module__}.{type(o).__qualname__}:{len(kids)}:{cache_state(o)}".encode())
                enc.encode(by_value(o))
                for (kind, key), child in kids:
                    h.update(kind.encode())
                    enc.encode(key)
                    ref = self.index.get(id(child))
                    if ref is not None and self.objs[id(child)] is child:
                        h.update(b"@" + ref.to_bytes(8, "little"))
                    elif isinstance(child, OPAQUE):
                        h.update(b"w")
                    else:
                        enc.encode(child)
        except (Unhashable, RecursionError):
            return None
        return h.digest()

    def changed(self) -> List[int]:
        """Ids of tracked objects whose own state differs now (or cannot be fingerprinted: counted as changed)."""
        out = []
        for oid in self.order:
            d = self.before[oid]
            if d is None or self._digest(oid) != d or self.fixed[oid] != unsettable(self.objs[oid]):
                out.append(oid)
        return out

    def state_of(self, oid: int) -> Tuple[str, Any]:
        """(kind, new state) of a changed object, for the stored graph. NotRestorable when it cannot be set back."""
        o = self.objs[oid]
        t = type(o)
        if t is list:
            return "list", list(o)
        if t is dict:
            if not plain_members([k for k in o if not isinstance(k, ATOMS)]):
                raise NotRestorable(f"{self.describe(oid)} (a dict keyed by objects) changed; its keys would come "
                                    "back as copies")
            return "dict", list(o.items())
        if t is tuple:
            raise NotRestorable(f"{self.describe(oid)} (a tuple) changed")
        was = self.fixed.get(oid)
        if was is not None and was != unsettable(o):
            raise NotRestorable(f"{self.describe(oid)} {was[0]}; a hit cannot set that back")
        if isinstance(o, types.FunctionType):
            cells = [c.cell_contents for c in (o.__closure__ or ())]
            return "function", (cells, o.__defaults__, o.__kwdefaults__, dict(o.__dict__))
        if isinstance(o, (dict, list)) and t not in (dict, list) and isinstance(getattr(o, "__dict__", None), dict):
            items = items_of(o) if isinstance(o, dict) else list(list.__iter__(o))
            return ("dictsub" if isinstance(o, dict) else "listsub"), (items, dict(o.__dict__))
        if native_subclass(o):
            raise NotRestorable(f"{self.describe(oid)} ({t.__name__}) was changed in place and cannot be set back")
        if cache_state(o) is not None:
            raise NotRestorable(f"{self.describe(oid)} (a functools cache) was used by the run (filled, or its hit "
                                "count changed); a hit cannot do that")
        kids = _children(o)
        if kids is not None:  # objects, user classes and modules: their attributes
            return "attrs", dict(kids and [(k, v) for (kind, k), v in kids if kind == "a"])
        kind = _leaf_kind(o)
        if kind in ("ndarray", "random", "randomstate", "generator") and lost_attrs(o, None):
            raise NotRestorable(f"{self.describe(oid)} ({t.__name__}) has attributes a hit would not set back")
        if kind == "ndarray":
            if self.layouts.get(oid) != (o.shape, o.dtype, o.flags.writeable):  # `a.shape = (3, 1)`, `a.dtype = ...`
                raise NotRestorable(f"{self.describe(oid)} (an array) changed shape, dtype or writeable in place")
            return kind, o.copy(order="K")
        if kind == "pandas":
            return kind, o.copy(deep=True)
        if kind == "set":
            if not plain_members(o):
                raise NotRestorable(f"{self.describe(oid)} (a set of objects) changed; its members cannot be set back")
            if order_lost_in_copy(o):  # set back by clear() + update(): a fresh table, another order
                raise NotRestorable(f"{self.describe(oid)} (a set) changed to an order it would not keep when set back")
            return kind, list(o)
        if kind == "bytearray":
            return kind, bytes(o)
        if kind == "random":
            return kind, o.getstate()
        if kind == "randomstate":
            return kind, o.get_state()
        if kind == "generator":
            return kind, o.bit_generator.state
        raise NotRestorable(f"{self.describe(oid)} ({type(o).__name__}) was changed in place and cannot be set back")

    def describe(self, oid: int) -> str:
        return render(self.paths[oid])


def render(path: Path) -> str:
    out = str(path[0])
    for kind, key in path[1:]:
        out += {"i": f"[{key}]", "k": f"[{key!r}]", "a": f".{key}", "c": f".<closure {key}>",
                "d": f".<default {key}>", "kw": f".<default {key}>", "fa": f".{key}", "t": ".__class__",
                "b": f".__bases__[{key}]", "pi": f".{key}"}[kind]
    return out


def _root(ns: Dict[str, Any], name: str) -> Any:
    if name.startswith(MODULE_ROOT):
        return sys.modules[name[len(MODULE_ROOT):]]
    return ns[name]


def resolve(ns: Dict[str, Any], path: Path) -> Any:
    """The object at ``path`` in the namespace now. KeyError/IndexError/AttributeError when it is not there."""
    o = _root(ns, path[0])
    for kind, key in path[1:]:
        if kind in ("i", "k"):
            o = o[key]
        elif kind == "a":
            o = vars(o)[key] if isinstance(o, (type, types.ModuleType)) else o.__dict__[key]
        elif kind == "c":
            o = o.__closure__[key].cell_contents
        elif kind == "kw":
            o = o.__kwdefaults__[key]
        elif kind == "fa":
            o = o.__dict__[key]
        elif kind == "t":
            o = type(o)
        elif kind == "b":
            o = o.__bases__[key]
        elif kind == "pi":
            o = getattr(o, key)
        else:
            o = o.__defaults__[key]
    return o
