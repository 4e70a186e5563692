"""Everything a cell run changed, as ONE pickle graph (so objects shared by several variables stay shared).

The graph is `{"bind": {name: value}, "mutate": [(object, kind, state)], "hidden": {name: state}, "deleted": [..]}`.
Objects that existed before the run (tracked by the snapshot) are not copied into it: they are written as
persistent references to their path before the run, and a hit resolves those paths in the namespace *before*
anything is changed, so `b = a` binds b to the kernel's own `a`, and `a.append(3)` updates that very list.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
import types
from typing import Any, Dict, List, Tuple

from ..errors import UnpicklableError
from ..keys.lostattrs import lost_attrs, with_attrs
from ..keys.setorder import order_lost_in_copy
from . import idnumbers
from .inplace import apply, check
from .snapshot import NotRestorable, Path, Snapshot

CODEC = "xetcache-graph-1"
IN_BAND_MAX = 64 << 10  # small buffers stay in the stream; big ones are their own objects (dedup, fast loads)


class _Pickler(pickle.Pickler):
    def __init__(self, f: Any, snapshot: Snapshot, paths: List[Path], ids: Dict[int, int], owning: frozenset,
                 **kw: Any) -> None:
        super().__init__(f, protocol=5, **kw)
        self.snapshot, self.paths, self.ids = snapshot, paths, ids
        self.held = _held_by_user_modules()
        self.seen: set = set()  # ids of the objects pickled
        self.foreign: List[Any] = []  # writable non-array objects whose memory pickled arrays view
        self.owners: set = set()  # ids of the arrays whose views were pickled as views
        self.owning = owning  # ids of arrays to load as owners of their memory (see dumps)
        self.reordered = False  # a set whose copy would iterate in another order (see dumps)

    def reducer_override(self, obj: Any) -> Any:
        np = sys.modules.get("numpy")
        if np is not None and type(obj) is np.ndarray and id(obj) in self.owning:
            return _owning_array, (pickle.PickleBuffer(obj), obj.dtype, obj.shape,
                                   not obj.flags.c_contiguous, obj.flags.writeable)
        if np is not None and type(obj) is np.ndarray and obj.base is not None and obj.size \
                and not obj.dtype.hasobject:  # object arrays hold references, not bytes: pickled as values
            owner = _owner(obj, np)
            if owner is not None:  # a view: stored as a view of its base, so memory stays shared after a hit
                self.owners.add(id(owner))
                offset = obj.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
                return _array_view, (owner, offset, obj.shape, obj.strides, obj.dtype, obj.flags.writeable)
            foreign = _foreign_memory(obj, np)
            if foreign is not None:
                self.foreign.append(foreign)
        rv = _keeping_attrs(obj)
        if rv is not None:
            return rv
        # `with open(...) as f:` leaves a closed file in the namespace: it comes back closed, named as it was
        if isinstance(obj, io.IOBase) and obj.closed and isinstance(getattr(obj, "name", None), str):
            return _closed_file, (os.path.relpath(obj.name) if not os.path.isabs(obj.name) else obj.name,
                                  getattr(obj, "mode", "rb"))
        return NotImplemented

    def persistent_id(self, obj: Any) -> Any:
        oid = id(obj)
        self.seen.add(oid)
        if oid in self.snapshot.objs and self.snapshot.objs[oid] is obj:
            ref = self.ids.get(oid)
            if ref is None:
                ref = self.ids[oid] = len(self.paths)
                self.paths.append(self.snapshot.paths[oid])
            return ref
        held = self.held.get(oid)
        if held is not None and held[2] is obj:
            return _module_ref(*held)
        if type(obj) in (set, frozenset) and order_lost_in_copy(obj):  # a copy (reducer_override never sees sets)
            self.reordered = True
        return None


def _keeping_attrs(obj: Any) -> Any:
    """A reduce that also sets the attributes the type's own reduce drops (keys/lostattrs.py), or None."""
    t = type(obj)
    if t.__reduce_ex__ is object.__reduce_ex__ and t.__reduce__ is object.__reduce__:
        return None  # object's own reduce keeps __dict__
    if not isinstance(getattr(obj, "__dict__", None), dict) or isinstance(obj, (type, types.ModuleType)):
        return None
    reducer = copyreg.dispatch_table.get(t)
    try:
        rv = reducer(obj) if reducer is not None else obj.__reduce_ex__(5)
    except Exception:  # pickle's own attempt reports it
        return None
    if isinstance(rv, str):
        return None
    rv = tuple(rv) + (None,) * (5 - len(rv))
    attrs = lost_attrs(obj, rv[2])
    return (with_attrs, (rv[0], rv[1], rv[2], attrs), None, rv[3], rv[4]) if attrs else None


_BY_VALUE = (bool, int, float, complex, str, bytes, type(None), type, types.FunctionType, types.ModuleType)


def _held_by_user_modules() -> Dict[int, Tuple[str, str, Any]]:
    """id -> (module, attribute, object) of the objects user modules hold at top level. `x = helpers.ITEMS` in a
    cell binds the module's own list: a hit must too (not a copy), once the cell's imports ran again."""
    from ..keys import codedeps

    out: Dict[int, Tuple[str, str, Any]] = {}
    for name, m in list(sys.modules.items()):
        if isinstance(m, types.ModuleType) and codedeps.is_user_module(m):
            for attr, v in list(vars(m).items()):
                if not attr.startswith("__") and not isinstance(v, _BY_VALUE):
                    out.setdefault(id(v), (name, attr, v))
    return out


def _module_ref(module: str, attr: str, obj: Any) -> Any:
    """A reference by place, with the object's fingerprint: if the module holds something else on a hit (the cell
    changed the object after importing it), the load fails and the cell runs instead."""
    from ..keys.fingerprint import fingerprint

    try:
        return ("module", module, attr, fingerprint(obj))
    except Exception:  # no stable value to check it against: stored as a copy, as before
        return None


def _load_module_ref(pid: Tuple[str, str, str, str]) -> Any:
    import importlib

    from ..keys.fingerprint import fingerprint

    _, module, attr, digest = pid
    m = sys.modules.get(module) or importlib.import_module(module)
    obj = vars(m)[attr]
    if fingerprint(obj) != digest:
        raise NotRestorable(f"{module}.{attr} is not what the run left")
    return obj


def _owner(a: Any, np: Any) -> Any:
    """The array that owns the memory ``a`` views (None when the memory belongs to something else)."""
    base = a.base
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    if type(base) is not np.ndarray or base.dtype.hasobject or not (
            base.flags.c_contiguous or base.flags.f_contiguous):
        return None
    return base


def _owning_array(buf: Any, dtype: Any, shape: Any, fortran: bool, writeable: bool) -> Any:
    """An array owning its memory: the views stored with it then have it as their `.base`, as after the run (an
    array unpickled from its buffer views that buffer, and views of it would name the buffer's array instead)."""
    np = sys.modules["numpy"]
    order = "F" if fortran else "C"
    out = np.empty(shape, dtype=dtype, order=order)
    out[...] = np.frombuffer(buf, dtype=dtype).reshape(shape, order=order)
    out.flags.writeable = writeable
    return out


def _foreign_memory(a: Any, np: Any) -> Any:
    """The writable object that is not an array whose memory ``a`` views (`np.frombuffer(bytearray)`), or None.
    Pickled, the array is a copy: writes through that object would no longer show in it after a hit."""
    base = a.base
    while isinstance(base, (np.ndarray, memoryview)):
        base = base.obj if isinstance(base, memoryview) else base.base
    if base is None or isinstance(base, (bytes, str)):
        return None
    try:
        with memoryview(base) as m:
            return None if m.readonly else base
    except TypeError:  # an exporter memoryview cannot read (a capsule, a library's handle): not the user's object
        return None


def _array_view(owner: Any, offset: int, shape: Any, strides: Any, dtype: Any, writeable: bool) -> Any:
    np = sys.modules["numpy"]
    try:  # on the owner's own buffer, so `view.base is owner` as after the run (numpy's views name their owner)
        view = np.ndarray(shape, dtype=dtype, buffer=owner, offset=offset, strides=strides)
    except (TypeError, ValueError, BufferError):
        flat = owner.reshape(-1, order="A").view(np.uint8)  # the owner's bytes, in memory order, no copy
        view = np.ndarray(shape, dtype=dtype, buffer=flat, offset=offset, strides=strides)
    view.flags.writeable = writeable and owner.flags.writeable
    return view


def _closed_file(name: str, mode: str) -> Any:
    """A closed file object like the run left (opened without touching the file's content, then closed)."""
    import tempfile

    fd, tmp = tempfile.mkstemp()
    os.close(fd)
    try:
        f = open(tmp, mode.replace("x", "w"))  # noqa: SIM115 - closed right away
        f.close()
    finally:
        os.unlink(tmp)
    raw = f
    while hasattr(raw, "buffer") or hasattr(raw, "raw"):  # TextIOWrapper -> Buffered* -> FileIO
        raw = getattr(raw, "buffer", None) or raw.raw
    raw.name = name  # FileIO's name is the one the wrappers report
    return f


def dumps(graph: Dict[str, Any], snapshot: Snapshot, what: str) -> Tuple[bytes, List[memoryview]]:
    """(pickle stream, out-of-band buffers). The paths of the referenced pre-existing objects go in a small
    header pickle first, so a load can resolve them before unpickling the graph."""
    buffers: List[memoryview] = []

    def take(pb: pickle.PickleBuffer) -> bool:
        try:
            raw = pb.raw()
        except BufferError:
            return True
        if raw.nbytes < IN_BAND_MAX:
            return True
        buffers.append(raw)
        return False

    owning: frozenset = frozenset()
    while True:
        paths: List[Path] = []
        body = io.BytesIO()
        buffers.clear()
        pickler = _Pickler(body, snapshot, paths, {}, owning, buffer_callback=take)
        try:
            pickler.dump(graph)
        except RecursionError:
            raise UnpicklableError(f"cannot store {what}: nested too deeply", variable=what) from None
        except Exception as e:  # PicklingError, TypeError (locks, generators), AttributeError (local functions)
            raise UnpicklableError(f"cannot store {what}: {type(e).__name__}: {e}", variable=what) from None
        # arrays the run made that views in the graph view: once more, with those loaded as owners (rare: a base
        # and its view both kept; pre-existing bases are the kernel's own arrays, referenced, not stored)
        new_owners = frozenset(i for i in pickler.owners if i in pickler.seen and i not in snapshot.objs) - owning
        if not new_owners:
            break
        owning |= new_owners
    if pickler.reordered:
        raise NotRestorable(f"{what} hold a set that a stored copy would iterate in another order (it grew and "
                            "shrank): after a hit `list(s)` would differ")
    for base in pickler.foreign:
        if id(base) in pickler.seen or snapshot.objs.get(id(base)) is base:
            raise NotRestorable(f"{what} hold an array viewing the memory of a {type(base).__name__} that is kept "
                                "too; after a hit the array would be a copy, blind to writes through it")
    states = [state for _, _, state in graph.get("mutate", [])]
    if idnumbers.ints_in(list(graph.get("bind", {}).values()) + states) & (pickler.seen | set(snapshot.objs)):
        # `{id(o): ...}`: a hit brings the objects back at other addresses, and the numbers would name nothing
        raise NotRestorable(f"{what} hold id() numbers of objects, which are other numbers after a restore")
    head = pickle.dumps(paths, protocol=5)
    return len(head).to_bytes(8, "little") + head + body.getvalue(), buffers


class _Unpickler(pickle.Unpickler):
    def __init__(self, f: Any, targets: List[Any], **kw: Any) -> None:
        super().__init__(f, **kw)
        self.targets = targets

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple):
            return _load_module_ref(pid)
        return self.targets[pid]


def paths_of(stream: Any) -> List[Path]:
    """The pre-existing objects the graph refers to (loaded without the graph itself)."""
    n = int.from_bytes(bytes(stream[:8]), "little")
    return pickle.loads(bytes(stream[8:8 + n]))


def loads(stream: Any, buffers: List[Any], targets: List[Any]) -> Dict[str, Any]:
    """The graph, its references bound to ``targets`` (the objects at ``paths_of(stream)``, resolved with
    ``snapshot.resolve`` *before* the namespace changed)."""
    n = int.from_bytes(bytes(stream[:8]), "little")
    view = memoryview(stream)[8 + n:]
    return _Unpickler(io.BytesIO(view), targets, buffers=buffers).load()


def restore(graph: Dict[str, Any], ns: Dict[str, Any]) -> None:
    """Apply a loaded graph: objects that existed before are set to their new state in place, then names are bound
    and deleted as the run did."""
    mutate = graph.get("mutate", [])
    for target, kind, state in mutate:  # all checked first: a hit that fails half-way would leave the first changes
        check(target, kind, state)     # made, and the cell would then run again on top of them
    for target, kind, state in mutate:
        apply(target, kind, state)
    ns.update(graph.get("bind", {}))
    for name in graph.get("deleted", []):
        ns.pop(name, None)


__all__ = ["CODEC", "NotRestorable", "dumps", "loads", "paths_of", "restore"]
