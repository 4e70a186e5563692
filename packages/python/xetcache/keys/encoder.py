"""Canonical, type-tagged fingerprints of Python values (stable across processes and PYTHONHASHSEED).

Every value is encoded as a tag byte plus length-prefixed payload and streamed into one sha256:
- scalars and strings by their exact bytes (floats as IEEE 754 big-endian, every bit: a NaN's sign and payload too);
- lists/tuples in order; dicts in insertion order (code can observe it: iteration, `list(d)`, `popitem`); sets
  sorted by the digest of each element (their order is hash order, not something the program chose);
- numpy arrays and pandas objects by their buffers (see arrays.py), never by pickling them;
- other objects by their `__reduce_ex__(4)` (which is where `__getstate__`/`__dict__` come from), recursively, with
  the state as a pickle round trip would leave it (a `__setstate__` that drops attributes drops them here too, so a
  value fingerprints the same before and after it was stored);
- user functions, classes and modules by what they do (keys/codedeps.py): code, defaults, closures, the globals
  their code names, class bodies, module sources;
- generators, open files, locks and other live resources raise UnhashableError naming the variable.
Containers already on the current path (cycles) are encoded as a back-reference to their depth.
"""

from __future__ import annotations

import copyreg
import enum
import hashlib
import io
import struct
import sys
import threading
import types
from typing import Any, Callable, Dict, List, Optional, Tuple

from .lostattrs import lost_attrs
from .setorder import order_is_chosen


FORMAT = b"xetcache-fp 2\0"  # 2: dicts in insertion order, memoryview shape, array order, attrs
_PACK_D = struct.Struct(">d").pack
_LIVE_TYPES = (
    types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType, types.FrameType, types.TracebackType,
    io.IOBase, type(threading.Lock()), type(threading.RLock()), threading.Thread,
)


# Encoders for values this module does not know (numpy/pandas, user functions): each returns True when it encoded
# the value. Filled by fingerprint.py, so this module imports none of its siblings.
EXTENSIONS: List[Callable[["Encoder", Any], bool]] = []


class Notes:
    """Collected while encoding: the user functions reached, the names their code uses (to find `exec`, `globals`,
    ...), and the globals they read (name -> (namespace dict, value)), i.e. what a call could read or change."""

    def __init__(self, code_only: bool = False) -> None:
        self.code_only = code_only  # the function API's key: code reached, not the data globals it reads
        self.functions: Dict[str, Any] = {}
        self.names: Dict[str, str] = {}  # name used in code -> qualname of the function using it
        self.globals: Dict[str, Any] = {}  # global name read by reached code -> the dict it lives in

    def saw_function(self, qualname: str, fn: Any, names: Any, namespace: Dict[str, Any]) -> None:
        self.functions.setdefault(qualname, fn)
        for name in names:
            self.names.setdefault(name, qualname)
            if name in namespace:
                self.globals.setdefault(name, namespace)


class Unhashable(Exception):
    """Internal: carries the reason and the path inside the value while unwinding."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list = []


def _n(x: int) -> bytes:
    return x.to_bytes(8, "little")


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', None) or '?'}.{getattr(obj, '__qualname__', None) or getattr(obj, '__name__', '?')}"


class Encoder:
    """Streams the canonical encoding of values into ``h`` (any object with ``update``)."""

    __slots__ = ("h", "active", "notes", "memo", "owners")

    def __init__(self, h: Any, active: Optional[Dict[int, int]] = None, notes: Optional["Notes"] = None) -> None:
        self.h = h
        self.active = {} if active is None else active  # id(container) -> depth, for cycles
        self.notes = notes  # what user code the value reaches (functions, the globals they name), when asked
        # id -> (ordinal, the object, kept alive so no later object reuses the id): mutable objects already
        # encoded once; met again they are a back-reference, so [row, row] and [row, list(row)] differ
        self.memo: Dict[int, Tuple[int, Any]] = {}
        self.owners: Dict[int, Tuple[int, Any]] = {}  # the memory owners of views, named but not encoded

    def raw(self, tag: bytes, payload: bytes) -> None:
        self.h.update(tag + _n(len(payload)) + payload)

    def text(self, tag: bytes, s: str) -> None:
        self.raw(tag, s.encode("utf-8", "surrogatepass"))

    def digest_of(self, value: Any) -> bytes:
        """sha256 of one value's encoding, sharing the cycle state (used to sort set elements). Its own memo: set
        elements come in hash order, which must not number the objects met."""
        sub = Encoder(hashlib.sha256(), self.active, self.notes)
        sub.encode(value)
        return sub.h.digest()

    def once(self, v: Any) -> bool:
        """First meeting of a mutable object in this value: True (encode it). Met before: a back-reference to it
        is written, False."""
        seen = self.memo.get(id(v))
        if seen is not None:
            self.raw(b"A", _n(seen[0]))
            return False
        self.memo[id(v)] = (len(self.memo), v)
        owner = self.owners.get(id(v))
        if owner is not None:  # an array an earlier view in this value looks into
            self.raw(b"K", _n(owner[0]))
        return True

    def owner(self, v: Any, offset: int) -> None:
        """Note the array whose memory a view shares, at ``offset``. Written only when the owner is met again in
        the value (as an element, or as the owner of another view): a lone view encodes as a copy of it would, so
        arrays that unpickling rebuilds as views of their own buffer keep their fingerprint."""
        seen = self.memo.get(id(v))
        if seen is not None:
            self.raw(b"w", _n(seen[0]) + _n(offset & (2**64 - 1)))
            return
        first = self.owners.get(id(v))
        if first is None:
            self.owners[id(v)] = (len(self.owners), v)
            return
        self.raw(b"W", _n(first[0]) + _n(offset & (2**64 - 1)))

    def encode(self, v: Any) -> None:
        handler = _EXACT.get(type(v))
        if handler is not None:
            handler(self, v)
        else:
            _encode_other(self, v)

    def enter(self, v: Any) -> bool:
        """Start a container; returns False (after writing a back-reference) when it is already on the path."""
        depth = self.active.get(id(v))
        if depth is not None:
            self.raw(b"R", _n(len(self.active) - depth))
            return False
        if type(v) not in _BY_VALUE and not self.once(v):
            return False
        self.active[id(v)] = len(self.active)
        return True

    def leave(self, v: Any) -> None:
        del self.active[id(v)]

    def sequence(self, tag: bytes, items: Any, v: Any) -> None:
        if not self.enter(v):
            return
        try:
            self.h.update(tag + _n(len(items)))
            for i, item in enumerate(items):
                try:
                    self.encode(item)
                except Unhashable as e:
                    e.path.insert(0, f"[{i}]")
                    raise
        finally:
            self.leave(v)

    def ordered_mapping(self, tag: bytes, items: Any, v: Any) -> None:
        """Pairs in iteration order: two dicts with the same items in another order differ."""
        if not self.enter(v):
            return
        try:
            pairs = list(items)
            self.h.update(tag + _n(len(pairs)))
            for k, val in pairs:
                try:
                    self.encode(k)
                except Unhashable as e:
                    e.path.insert(0, f"<key {k!r:.40}>")
                    raise
                try:
                    self.encode(val)
                except Unhashable as e:
                    e.path.insert(0, f"[{k!r:.40}]")
                    raise
        finally:
            self.leave(v)

    def unordered(self, tag: bytes, v: Any) -> None:
        if not self.enter(v):
            return
        try:
            items = list(v)
            digests = [self.digest_of(x) for x in items]
            self.h.update(tag + _n(len(digests)) + b"".join(sorted(digests)))
            if order_is_chosen(items, digests):
                # equal sets of numbers can iterate in other orders ({8, 16} vs {16, 8}: colliding hashes keep
                # insertion order), and that order is the same in every process: `list(s)` sees it
                self.h.update(b"q" + b"".join(digests))
        finally:
            self.leave(v)



def _float(enc: Encoder, v: float) -> None:
    # every bit, NaNs included: a NaN's sign and payload are observable (math.copysign, struct.pack) and survive
    # pickling, so two NaNs that differ there are different inputs (float('nan') is the canonical 7ff8...)
    enc.h.update(b"f" + _PACK_D(v))


def _complex(enc: Encoder, v: complex) -> None:
    enc.h.update(b"c" + _PACK_D(v.real) + _PACK_D(v.imag))


def _int(enc: Encoder, v: int) -> None:
    enc.raw(b"i", v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True))


_EXACT: Dict[type, Callable[[Encoder, Any], None]] = {
    type(None): lambda enc, v: enc.h.update(b"N"),
    bool: lambda enc, v: enc.h.update(b"T" if v else b"F"),
    int: _int,
    float: _float,
    complex: _complex,
    str: lambda enc, v: enc.text(b"s", v),
    bytes: lambda enc, v: enc.raw(b"b", v),
    bytearray: lambda enc, v: enc.once(v) and enc.raw(b"B", bytes(v)),
    memoryview: lambda enc, v: enc.raw(b"m", repr((v.format, v.shape, v.readonly)).encode() + b"\0" + v.tobytes()),
    tuple: lambda enc, v: enc.sequence(b"t", v, v),
    list: lambda enc, v: enc.sequence(b"l", v, v),
    dict: lambda enc, v: enc.ordered_mapping(b"o", v.items(), v),
    set: lambda enc, v: enc.unordered(b"S", v),
    frozenset: lambda enc, v: enc.unordered(b"Z", v),
    range: lambda enc, v: enc.raw(b"r", repr((v.start, v.stop, v.step)).encode()),
    slice: lambda enc, v: (enc.h.update(b"x"), enc.encode((v.start, v.stop, v.step))),
    type(Ellipsis): lambda enc, v: enc.h.update(b"E"),
    types.MappingProxyType: lambda enc, v: enc.ordered_mapping(b"p", v.items(), v),  # class dicts, field metadata
}
_BUILTIN_BASES = (bool, int, float, complex, str, bytes, bytearray, tuple, list, dict, set, frozenset)
# immutable containers: which object holds the items is not observable but through `is` (and constant folding
# makes it vary), so they are not numbered; the mutable objects inside them are
_BY_VALUE = (tuple, frozenset, types.MappingProxyType)


def _encode_callable(enc: Encoder, v: Any) -> None:
    """Functions by name, plus (for user code) the digest of their code and what they call."""
    if isinstance(v, types.MethodType):
        enc.text(b"M", _qualname(v.__func__))
        rnd = sys.modules.get("random")
        if rnd is not None and v.__self__ is getattr(rnd, "_inst", None):
            # `from random import seed, random`: the module's generator, whose state is hidden state (a dependency
            # only of runs that draw from it without seeding it first), not part of the name's value
            enc.text(b"G", "random._inst")
            return
        enc.encode(v.__self__)
        return
    enc.text(b"F", _qualname(v))


def _encode_reduce(enc: Encoder, v: Any) -> None:
    try:
        # copyreg's table first, as pickle does (re.Pattern and a few others register there)
        reducer = copyreg.dispatch_table.get(type(v))
        rv = reducer(v) if reducer is not None else v.__reduce_ex__(4)
    except Exception as e:  # C types without a value (sockets, handles, ...) refuse to reduce
        raise Unhashable(f"{_qualname(type(v))} has no stable value ({e})") from None
    if isinstance(rv, str):  # a global singleton, pickled by name
        enc.text(b"G", f"{getattr(v, '__module__', '?')}.{rv}")
        return
    if not enc.enter(v):
        return
    try:
        enc.text(b"O", _qualname(type(v)))
        rv = tuple(rv) + (None,) * (6 - len(rv))
        func, args, state, listitems, dictitems = rv[0], rv[1], rv[2], rv[3], rv[4]
        attrs = lost_attrs(v, state)
        state = _round_trip_state(v, state)
        enc.encode(func)
        enc.encode(args)
        enc.encode(state)
        enc.encode(None if listitems is None else list(listitems))
        enc.encode(None if dictitems is None else dict(dictitems))
        if attrs:  # `d.tag` on a date subclass: its reduce drops it, code reads it (only then: keys stay as they were)
            enc.encode(attrs)
    finally:
        enc.leave(v)


def _round_trip_state(v: Any, state: Any) -> Any:
    """The state an unpickled copy of ``v`` would hold. A Python-level ``__setstate__`` may drop part of the state
    (sklearn's Bunch ignores its ``__dict__``); apply it to a bare instance and read back what survived, so the
    fingerprint is the same before and after a pickle round trip."""
    setstate = getattr(type(v), "__setstate__", None)
    if state is None or not isinstance(setstate, types.FunctionType) or not isinstance(state, dict):
        return state
    try:
        bare = object.__new__(type(v)) if not isinstance(v, _BUILTIN_BASES) else type(v).__new__(type(v))
        setstate(bare, dict(state))
        kept = getattr(bare, "__dict__", None)
    except Exception:  # a __setstate__ that needs more than a bare instance: fingerprint the state as it is
        return state
    return dict(kept) if isinstance(kept, dict) else state


def _plain_subclass(t: type) -> bool:
    base = next(b for b in t.__mro__ if b in _EXACT)
    return t.__reduce__ is base.__reduce__ and t.__reduce_ex__ is base.__reduce_ex__


def _encode_other(enc: Encoder, v: Any) -> None:
    if isinstance(v, _LIVE_TYPES):
        raise Unhashable(f"a {type(v).__name__} is a live resource with no stable value")
    for extension in EXTENSIONS:  # numpy/pandas buffers, user functions (registered by fingerprint.py)
        if extension(enc, v):
            return
    if isinstance(v, type):
        enc.text(b"Y", _qualname(v))
    elif isinstance(v, types.ModuleType):
        enc.text(b"U", v.__name__)
    elif isinstance(v, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        _encode_callable(enc, v)
    elif isinstance(v, enum.Enum):
        enc.text(b"e", f"{_qualname(type(v))}.{v.name}")
    # dataclasses go through their reduce like other objects: every attribute counts, not only the declared
    # fields (`__post_init__` may set more)
    elif isinstance(v, _BUILTIN_BASES) and _plain_subclass(type(v)):
        # subclasses of builtins that pickle like their base (namedtuple, user subclasses): type name + the
        # builtin value + extra attributes. Others (defaultdict, Counter, ...) go through their own reduce.
        base = next(b for b in type(v).__mro__ if b in _EXACT)
        enc.text(b"X", _qualname(type(v)))
        for extension in EXTENSIONS:  # a user class: its methods (`__missing__`) and the globals they read
            if extension(enc, type(v)):
                break
        _EXACT[base](enc, v)
        enc.encode(_round_trip_state(v, getattr(v, "__dict__", None)) or None)
    else:
        _encode_reduce(enc, v)
