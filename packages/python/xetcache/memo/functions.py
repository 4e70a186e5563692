"""The function API of the original XetCache: @xetmemo, @xetmemo(key=..., always=True), xetmemo_always, xeteval,
xeteval_always.

A call's key covers the function's code and that of the user functions it calls (codedeps), the fingerprints of
its bound arguments (defaults applied), of the data globals that code names (effects.py) and the namespace ``key``.
A call is stored only when it took longer than the runtime threshold (config) unless ``always``, and only when it
left its arguments, the globals it names, its closures and the hidden state (random generators, styles) as it found
them and returned no part of its arguments (a hit could not change them again, and returns a copy: sharing.py); a
later call with the same key returns the stored value without running. Anything that prevents caching (an argument
or global without a fingerprint, an unpicklable result, a full store)
runs or returns normally and prints one line on stderr: caching must never break the user's code.
"""

from __future__ import annotations

import functools
import inspect
import sys
import time
import types
from typing import Any, Callable, Dict, Optional, Tuple

from ..cell import files
from ..keys import codedeps
from ..config import get_runtime_threshold
from ..errors import CorruptObjectError, XetCacheError
from ..keys.fingerprint import fingerprint
from ..keys.sameobjects import SAME_OBJECTS, SameObjects
from ..keys.key import function_key
from ..store.cache import open_store
from ..store.storage import Storage
from . import effects, sharing

_signatures: Dict[int, Tuple[Any, inspect.Signature]] = {}


def _warn(msg: str) -> None:
    print(f"xetcache: {msg}", file=sys.stderr)


def storage_for(path: Optional[str] = None) -> Storage:
    """The Storage of ``path`` (default: the configured memo path), created if needed."""
    store = open_store(create=True, path=path)
    assert store is not None  # create=True never answers None
    return store


def _signature(fn: Callable) -> inspect.Signature:
    hit = _signatures.get(id(fn))
    if hit is None or hit[0] is not fn:
        hit = _signatures[id(fn)] = (fn, inspect.signature(fn))
    return hit[1]


def _qualname(fn: Callable) -> str:
    return f"{getattr(fn, '__module__', None) or '?'}:{getattr(fn, '__qualname__', getattr(fn, '__name__', '?'))}"


class _Call:
    """One call through the cache: its key (code, arguments, data globals) and its store."""

    def __init__(self, fn: Callable, target: types.FunctionType, bound: inspect.BoundArguments,
                 namespace: Optional[str]) -> None:
        self.fn, self.target, self.bound, self.namespace = fn, target, bound, namespace
        self.name = _qualname(target)
        bound.apply_defaults()
        # equal values, other identities give other results (`x is y`, a row in two grids): which arguments and
        # globals it reads are, or hold, one object is an input (keys/sameobjects.py)
        same = SameObjects()
        self.args_fp = {name: fingerprint(value, name, same=same) for name, value in bound.arguments.items()}
        self.reach = effects.Reach(target, fingerprint, same)  # its code, and the data globals it reads: inputs too
        self.inputs = {**self.args_fp, **self.reach.globals}
        shared = same.digest()
        if shared is not None:
            self.inputs[SAME_OBJECTS] = shared
        self.key = function_key(self.reach.code, self.inputs, namespace)
        self.store = storage_for()

    def lookup(self) -> Tuple[bool, Any]:
        """(True, value) on a usable hit; (False, None) when the call must run (each reason said on stderr)."""
        try:  # an invalid manifest (EBADMANIFEST) is a miss with its reason, like a corrupt object
            manifest = self.store.read_manifest(self.key)
        except CorruptObjectError as e:
            _warn(f"cached result of {self.name} not usable ({e.code}: {e}); re-running")
            return False, None
        if manifest is None:
            return False, None
        reason = effects.stale(manifest)
        if reason is not None:  # a file or variable it read changed: a call would read the new one
            _warn(f"cached result of {self.name} is stale ({reason}); re-running")
            return False, None
        t0 = time.perf_counter()
        try:
            value = self.store.load_variables(manifest)["return"]
        except (CorruptObjectError, KeyError) as e:
            _warn(f"cached result of {self.name} not usable ({getattr(e, 'code', 'EBADMANIFEST')}); re-running")
            return False, None
        try:
            self.store.record_hit(self.key, float(manifest.get("runtime_s", 0.0)) - (time.perf_counter() - t0))
        except OSError:
            pass
        return True, value

    def why_not_stored(self, result: Any, used: effects.Files) -> Optional[str]:
        """Why a hit could not stand for this run (None: it can). A hit returns the value without running the body:
        it could not change the arguments, globals, files or hidden state again, and returns a copy."""
        try:
            changed = _changed_arguments(self.bound.arguments, self.args_fp)
            if changed:
                return f"the call changed its argument {', '.join(repr(n) for n in changed)} (a cached result would not)"
            registers = self.reach.registers()
            if registers:
                return registers
            elsewhere = self.reach.changes() + used.changes()
            if elsewhere:
                return f"the call changed {', '.join(elsewhere)} (a cached result would not)"
            shared = [f"argument {n!r}" for n in sharing.shared_arguments(result, self.bound.arguments)]
            shared += sharing.shared_arguments(result, self.reach.values)  # `return CONFIG`: the global itself
        except Exception as e:  # noqa: BLE001 - the cache's own check: never the caller's error; unsure, no entry
            return f"what the call did to its arguments could not be checked ({type(e).__name__}: {e})"
        if shared:
            return f"it shares objects with its {', '.join(shared)} (a cached result would be a copy)"
        return None

    def save(self, result: Any, runtime_s: float, used: effects.Files) -> None:
        code_sha, preview = codedeps.source_info(self.target)
        try:
            self.store.save(
                key=self.key, kind="function", variables={"return": result}, outputs=None, runtime_s=runtime_s,
                source={"code_sha256": code_sha, "preview": preview, "qualname": self.name},
                inputs=self.inputs, outputs_names=["return"], namespace=self.namespace, trace=used.trace(),
            )
        except (XetCacheError, OSError) as e:
            _warn(f"result of {self.name} not stored: {e}")


def call_cached(fn: Callable, args: tuple, kwargs: dict, namespace: Optional[str], always: bool) -> Any:
    """Run ``fn(*args, **kwargs)`` through the cache."""
    while hasattr(fn, "__xetcache_wrapped__"):  # xeteval(memoized_f, ...): cache once, not twice
        fn = fn.__xetcache_wrapped__
    target = codedeps.unwrap(fn)
    if not isinstance(target, types.FunctionType):
        _warn(f"{_qualname(target)} runs uncached: only Python functions can be cached (their code is in the key)")
        return fn(*args, **kwargs)
    try:
        bound = _signature(target).bind(*args, **kwargs)
    except TypeError:  # arguments that do not fit: let the call raise the usual error
        return fn(*args, **kwargs)
    with files.engine_work():  # the cache's own reads and writes are not the call's (nor a recording cell's)
        try:
            call = _Call(fn, target, bound, namespace)
        except (XetCacheError, OSError) as e:  # unhashable argument / global / closure value, unusable store
            _warn(f"{_qualname(target)} runs uncached: {e}")
            return fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - a value the cache does not know broke its key: never the caller's
            _warn(f"{_qualname(target)} runs uncached: its key could not be made ({type(e).__name__}: {e})")
            return fn(*args, **kwargs)
        hit, value = call.lookup()
        if hit:
            return value
        try:
            call.reach.before_run()
        except Exception as e:  # noqa: BLE001 - the cache's own step: never the caller's error; run uncached
            _warn(f"{call.name} runs uncached: its hidden state could not be read ({type(e).__name__}: {e})")
            return fn(*args, **kwargs)
    t0 = time.perf_counter()
    with effects.Files(call.store.path) as used:
        try:
            used.rec.watch_native(call.reach.named_files(call.bound.arguments))
        except Exception as e:  # noqa: BLE001 - the cache's own step: never the caller's error
            used.rec.fs_changes.append(f"files it names could not be watched ({type(e).__name__}: {e})")
        result = fn(*args, **kwargs)
    runtime_s = time.perf_counter() - t0
    if always or runtime_s > get_runtime_threshold():
        with files.engine_work():
            why = call.why_not_stored(result, used)
            if why is not None:
                _warn(f"result of {call.name} not stored: {why}")
            else:
                call.save(result, runtime_s, used)
    return result


def _changed_arguments(arguments: Dict[str, Any], before: Dict[str, str]) -> list:
    """The names of the arguments whose fingerprint the call changed (in place: an appended list, a set item, an
    array written to, an attribute set on an object reached through one)."""
    changed = []
    for name, value in arguments.items():
        try:
            if fingerprint(value, name) != before[name]:
                changed.append(name)
        except XetCacheError:  # it had a fingerprint before the call and has none now: changed
            changed.append(name)
    return changed


def _decorate(fn: Callable, namespace: Optional[str], always: bool) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call_cached(fn, args, kwargs, namespace, always)

    wrapper.__xetcache_wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def xetmemo(fn: Optional[Callable] = None, *, key: Optional[str] = None, always: bool = False) -> Any:
    """Cache a function's results across runs: ``@xetmemo`` or ``@xetmemo(key="ns", always=True)``."""
    if fn is None:
        return lambda f: _decorate(f, key, always)
    if not callable(fn):
        raise TypeError("xetmemo decorates a function: use @xetmemo or @xetmemo(key=..., always=...)")
    return _decorate(fn, key, always)


def xetmemo_always(fn: Optional[Callable] = None, *, key: Optional[str] = None) -> Any:
    """Like xetmemo, but stores every result whatever the runtime."""
    return xetmemo(fn, key=key, always=True)


def _split(args: tuple) -> Tuple[Optional[str], Callable, tuple]:
    if args and isinstance(args[0], str):
        if len(args) < 2 or not callable(args[1]):
            raise TypeError('xeteval("key", f, *args, **kwargs): the second argument must be callable')
        return args[0], args[1], args[2:]
    if not args or not callable(args[0]):
        raise TypeError("xeteval(f, *args, **kwargs) or xeteval(\"key\", f, *args, **kwargs)")
    return None, args[0], args[1:]


def xeteval(*args: Any, **kwargs: Any) -> Any:
    """``xeteval(f, *args, **kwargs)`` or ``xeteval("key", f, ...)``: one cached call of f."""
    namespace, f, rest = _split(args)
    return call_cached(f, rest, kwargs, namespace, False)


def xeteval_always(*args: Any, **kwargs: Any) -> Any:
    """Like xeteval, but stores the result whatever the runtime."""
    namespace, f, rest = _split(args)
    return call_cached(f, rest, kwargs, namespace, True)
