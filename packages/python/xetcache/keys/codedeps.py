"""User code as a value: functions, classes and modules fingerprinted by what they do.

A user function (not in the standard library, site-packages or xetcache) is encoded as its code object (bytecode,
constants, names; not its file name or line numbers, so a function re-created by a cache hit fingerprints like the
one the run defined), its defaults, closure values, attributes, and the value of every global its code names
(transitively: a called helper is a global like any other). So `def total(): return sum(data)` changes when
`data` changes, and editing a helper invalidates its callers. A user class is encoded by its bases and its body
(methods and class attributes); a user module by the sha256 of its source file. Library code is encoded by name
(upgrading numpy does not drop the cache).
"""

from __future__ import annotations

import abc
import builtins
import functools
import hashlib
import inspect
import os
import site
import sys
import sysconfig
import textwrap
import types
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from .encoder import Encoder, Notes, Unhashable

Fingerprint = Callable[..., str]
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep  # the xetcache package
_file_sha: Dict[str, Tuple[Tuple[int, int], str]] = {}  # path -> ((mtime_ns, size), sha256)
_names_cache: Dict[int, Tuple[types.CodeType, frozenset]] = {}


@functools.lru_cache(maxsize=None)
def _library_dirs() -> Tuple[str, ...]:
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            dirs.add(os.path.realpath(p))
    try:
        dirs.update(os.path.realpath(p) for p in site.getsitepackages())
    except AttributeError:  # some virtualenv flavours
        pass
    if site.ENABLE_USER_SITE and site.USER_SITE:
        dirs.add(os.path.realpath(site.USER_SITE))
    return tuple(sorted(d + os.sep for d in dirs))


@functools.lru_cache(maxsize=4096)
def is_user_file(filename: str) -> bool:
    if filename.startswith("<"):  # "<string>", "<stdin>", IPython's "<ipython-input-...>"
        return not filename.startswith("<frozen")
    real = os.path.realpath(filename)
    parts = real.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts or real.startswith(_PKG_DIR):
        return False
    return not any(real.startswith(d) for d in _library_dirs())


def is_user_function(f: Any) -> bool:
    return isinstance(f, types.FunctionType) and is_user_file(f.__code__.co_filename)


def unwrap(f: Any) -> Any:
    """The user's function behind decorators that use functools.wraps (xetmemo included)."""
    seen = set()
    while hasattr(f, "__wrapped__") and id(f) not in seen:
        seen.add(id(f))
        f = f.__wrapped__
    return f


def names_of(code: types.CodeType) -> frozenset:
    """Every name the code (and the functions, lambdas, comprehensions nested in it) uses as a global or attribute."""
    hit = _names_cache.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1]
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= names_of(c)
    result = frozenset(names)
    _names_cache[id(code)] = (code, result)
    return result


def is_user_class(cls: type) -> bool:
    if cls.__module__ == "__main__":  # notebooks, REPLs and scripts: always the user's own code
        return True
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    if filename:
        return is_user_file(filename)
    return cls.__module__ == "__main__"  # notebooks and REPLs: __main__ without a file


def is_user_module(m: types.ModuleType) -> bool:
    filename = getattr(m, "__file__", None)
    return bool(filename) and m.__name__ != "__main__" and is_user_file(filename)


def file_sha256(path: str) -> Optional[str]:
    """sha256 of a file's bytes (cached per mtime and size); None when it cannot be read."""
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
        hit = _file_sha.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    _file_sha[path] = (stamp, h.hexdigest())
    return h.hexdigest()


def _code(enc: Encoder, code: types.CodeType) -> None:
    enc.text(b"K", code.co_name)
    enc.raw(b"k", code.co_code)
    enc.encode((code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags,
                code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars))
    enc.h.update(len(code.co_consts).to_bytes(8, "little"))
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _code(enc, c)
        else:
            enc.encode(c)


def _function(enc: Encoder, f: types.FunctionType) -> None:
    qualname = f"{f.__module__}.{f.__qualname__}"
    enc.text(b"F", qualname)
    if not enc.enter(f):  # recursion: a function naming itself (or a cycle of helpers)
        return
    try:
        names = names_of(f.__code__)
        g = f.__globals__
        if enc.notes is not None:
            enc.notes.saw_function(qualname, f, names, g)
        _code(enc, f.__code__)
        enc.encode(f.__defaults__)
        enc.encode(f.__kwdefaults__)
        cells = []
        for name, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
            try:
                cells.append((name, cell.cell_contents))
            except ValueError:  # empty cell (not yet assigned)
                cells.append((name, None))
        _named(enc, "closure", cells)
        enc.encode(dict(f.__dict__) or None)
        # the globals the code names, as they are now: what a call reads (sorted: co_names order is an accident)
        used = [(n, g[n]) for n in sorted(names) if n in g and not n.startswith("__")]
        used += overrides(names, g)
        if enc.notes is not None and enc.notes.code_only:
            used = [(n, v) for n, v in used if isinstance(v, (types.FunctionType, type, types.ModuleType))]
        _named(enc, "global", used)
    finally:
        enc.leave(f)


def _named(enc: Encoder, what: str, pairs: list) -> None:
    """(name, value) pairs; an unhashable value says which name of the function holds it."""
    enc.h.update(len(pairs).to_bytes(8, "little"))
    for name, value in pairs:
        enc.text(b"n", name)
        try:
            enc.encode(value)
        except Unhashable as e:
            e.path.insert(0, f".<{what} {name}>")
            raise


def _class(enc: Encoder, cls: type) -> None:
    enc.text(b"Y", f"{cls.__module__}.{cls.__qualname__}")
    if not enc.enter(cls):
        return
    try:
        enc.encode(list(cls.__bases__))
        if type(cls) is not type:
            enc.encode(type(cls))
        body = []
        for k, v in vars(cls).items():
            # __slotnames__: copyreg caches it on the class when an instance is first pickled (stored);
            # _abc_impl: abc's registry and isinstance caches (no value to fingerprint; the class's ABCMeta and
            # __abstractmethods__ are in the key)
            if k in ("__dict__", "__weakref__", "__module__", "__qualname__", "__slotnames__", "_abc_impl"):
                continue
            if isinstance(v, (staticmethod, classmethod)):
                v = (type(v).__name__, v.__func__)
            elif isinstance(v, property):
                v = ("property", v.fget, v.fset, v.fdel)
            elif isinstance(v, functools.cached_property):  # its lock (3.11) is no value; its function is
                v = ("cached_property", v.func, v.attrname)
            body.append((k, v))
        enc.encode(body)
        dump = getattr(abc, "_get_dump", None)  # `Base.register(int)`: isinstance(3, Base) reads abc's registry
        registered = sorted(f"{r().__module__}.{r().__qualname__}" for r in dump(cls)[0] if r() is not None) \
            if "_abc_impl" in vars(cls) and callable(dump) else []
        if registered:  # nothing added when empty: other classes' fingerprints stay as they were
            enc.encode(("registered", registered))
    finally:
        enc.leave(cls)


_PRISTINE_BUILTINS = dict(vars(builtins))  # as the interpreter made them (the engine loads before user cells)
_MISSING = object()
_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _set_by_user(v: Any) -> bool:
    """A value user code may have put into a library module or builtins that a call then reads: user code
    (`math.helper = lambda: 1`) or a plain constant (`builtins.LIMIT = 5`). Library objects and containers are
    left out: the former are what the module name stands for, the latter would cost a deep hash every call."""
    if isinstance(v, _SCALARS):
        return not isinstance(v, (str, bytes)) or len(v) <= 4096
    if isinstance(v, types.FunctionType):
        return is_user_function(v)
    if isinstance(v, type):
        return is_user_class(v)
    return _wrapped_user_function(v) is not None


def overrides(names: Iterable[str], g: Dict[str, Any]) -> List[Tuple[str, Any]]:
    """What code naming ``names`` with globals ``g`` reads beyond ``g``'s own values: names resolved in builtins
    that are not the interpreter's, and attributes it names of library modules it uses that user code set. A
    module is otherwise keyed by its name, so `math.f = lambda: 2` in an upstream cell would not change a key."""
    names = sorted(n for n in names if not n.startswith("__"))
    b = g.get("__builtins__", builtins)
    bd = b if isinstance(b, dict) else getattr(b, "__dict__", {})
    out: List[Tuple[str, Any]] = []
    for n in names:
        if n in g:
            m = g[n]
            if isinstance(m, types.ModuleType) and not is_user_module(m):
                md = getattr(m, "__dict__", {})  # no getattr(): a module's __getattr__ may import things
                out += [(f"{n}.{a}", md[a]) for a in names if a in md and _set_by_user(md[a])]
        elif n in bd and bd[n] is not _PRISTINE_BUILTINS.get(n, _MISSING) and _set_by_user(bd[n]):
            out.append((f"builtins.{n}", bd[n]))
    return out


def _wrapped_user_function(v: Any) -> Optional[types.FunctionType]:
    """The user function behind a C-level wrapper (functools.lru_cache/cache, ...) that keeps it as
    ``__wrapped__`` in its own __dict__ (never getattr: a proxy object answers any name)."""
    if isinstance(v, (type, types.FunctionType, types.ModuleType)) or not callable(v):
        return None
    d = getattr(v, "__dict__", None)
    w = d.get("__wrapped__") if isinstance(d, dict) else None
    w = unwrap(w) if w is not None else None
    return w if isinstance(w, types.FunctionType) and is_user_function(w) else None


def encode(enc: Encoder, v: Any) -> bool:
    """Encoder extension (see encoder.EXTENSIONS) for user functions, classes and modules."""
    if isinstance(v, types.FunctionType):
        if not is_user_function(v):
            # a library's wrapper of a user function (functools.singledispatch, decorators using functools.wraps)
            # runs the user's function: its code and the globals it reads, and the functions registered with it
            inner = unwrap(v)
            if inner is v or not is_user_function(inner):
                return False
            enc.text(b"W", f"{v.__module__}.{v.__qualname__}")
            _function(enc, inner)
            registry = v.__dict__.get("registry")
            if isinstance(registry, types.MappingProxyType):
                enc.encode([(k, f) for k, f in registry.items() if f is not inner])
            return True
        _function(enc, v)
        return True
    wrapped = _wrapped_user_function(v)
    if wrapped is not None:  # what a call of the wrapper runs is the user's function
        enc.text(b"W", f"{type(v).__module__}.{type(v).__qualname__}")
        _function(enc, wrapped)
        return True
    if isinstance(v, type):
        if not is_user_class(v):
            return False
        _class(enc, v)
        return True
    if isinstance(v, types.ModuleType) and is_user_module(v):
        enc.text(b"U", v.__name__)
        if not enc.enter(v):
            return True
        try:
            enc.encode(file_sha256(v.__file__))
            # its globals as they are now: `helpers.FACTOR = 4` in a cell changes what helpers.scaled() returns
            _named(enc, "attribute", [(k, a) for k, a in vars(v).items() if not k.startswith("__")
                                      and not isinstance(a, types.ModuleType)])
        finally:
            enc.leave(v)
        return True
    return False


def source_info(fn: Any) -> Tuple[str, str]:
    """(code_sha256, preview) of the function itself, for manifests."""
    f = unwrap(fn)
    try:
        src = textwrap.dedent(inspect.getsource(f))
    except (OSError, TypeError):
        src = f"<no source: {getattr(f, '__qualname__', '?')}>"
    preview = "\n".join(src.splitlines()[:12])[:400]
    return hashlib.sha256(src.encode("utf-8", "surrogatepass")).hexdigest(), preview


def function_digest(fn: Any, fingerprint: Fingerprint) -> str:
    """Digest of what a call of ``fn`` runs: its code, defaults, closure and the user code it reaches. ``fingerprint`` is fingerprint.py's (passed in so this module does not import it)."""
    root = unwrap(fn)
    if not isinstance(root, types.FunctionType):
        raise TypeError(f"expected a Python function, got {type(fn).__name__}")
    # The seed API's contract: a memoized function's key is its arguments and the code it runs (its own and its
    # callees'), not data globals it happens to read (cells are keyed on those: see cell/engine.py).
    return fingerprint(root, getattr(root, "__qualname__", None), Notes(code_only=True))
