"""What a function's result depends on in code: its own source and that of the user functions it calls.

A function's digest covers, for the function and every user-defined function reachable from it (global names in its
bytecode, attributes of user modules it names, closure cells, methods of user classes it names), the source text
(bytecode when there is no source) and the fingerprints of closure values. "User-defined" = not in the standard
library, not in site-packages, not in xetcache itself. So editing a helper invalidates callers; upgrading numpy
does not (library versions are out of scope of the key for now).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import site
import sys
import sysconfig
import textwrap
import types
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from ..errors import UnhashableError

Fingerprint = Callable[..., str]
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep  # the xetcache package
_own_cache: Dict[int, Tuple[types.CodeType, str, str, str]] = {}  # id(code) -> (code, digest, src sha, preview)
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


def _code_text(code: types.CodeType, fingerprint: Fingerprint) -> str:
    """Stable text of bytecode, for functions without source (exec'd strings, some REPLs)."""
    consts = [_code_text(c, fingerprint) if isinstance(c, types.CodeType) else fingerprint(c) for c in code.co_consts]
    return json.dumps([code.co_name, code.co_code.hex(), consts, list(code.co_names), list(code.co_varnames)])


def _own(fn: types.FunctionType, fingerprint: Fingerprint) -> Tuple[str, str, str]:
    """(digest, sha256 of the source, preview) of one function, cached per code object (a reload makes a new one)."""
    code = fn.__code__
    hit = _own_cache.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1], hit[2], hit[3]
    try:
        src: Optional[str] = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        src = None
    text = ("source\0" + src) if src is not None else ("bytecode\0" + _code_text(code, fingerprint))
    raw = (src if src is not None else text).encode("utf-8", "surrogatepass")
    preview = "\n".join((src or f"<no source: {fn.__qualname__}>").splitlines()[:12])[:400]
    result = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), hashlib.sha256(raw).hexdigest(), preview)
    _own_cache[id(code)] = (code,) + result
    return result


def source_info(fn: Any) -> Tuple[str, str]:
    """(code_sha256, preview) of the function itself, for manifests."""
    _, sha, preview = _own(unwrap(fn), lambda v: "")
    return sha, preview


def _names(code: types.CodeType) -> frozenset:
    hit = _names_cache.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1]
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names(c)
    result = frozenset(names)
    _names_cache[id(code)] = (code, result)
    return result


def _class_functions(cls: type) -> Iterator[Any]:
    for v in vars(cls).values():
        if isinstance(v, (staticmethod, classmethod)):
            v = v.__func__
        elif isinstance(v, property):
            yield from (x for x in (v.fget, v.fset, v.fdel) if x is not None)
            continue
        yield v


def _is_user_class(cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    if filename:
        return is_user_file(filename)
    return cls.__module__ == "__main__"  # notebooks and REPLs: __main__ without a file


def _callees(f: types.FunctionType) -> Iterator[Any]:
    names = _names(f.__code__)
    g = f.__globals__
    for name in names:
        v = g.get(name)
        if v is None:
            continue
        if isinstance(v, types.ModuleType):  # `helpers.clean(x)`: attributes of user modules it names
            if is_user_file(getattr(v, "__file__", None) or "<frozen>"):
                yield from (getattr(v, n, None) for n in names)
        elif isinstance(v, type):
            if _is_user_class(v):
                yield from _class_functions(v)
        else:
            yield v
    for cell in f.__closure__ or ():
        try:
            yield cell.cell_contents
        except ValueError:  # empty cell (not yet assigned)
            pass


def function_digest(fn: Any, fingerprint: Fingerprint) -> str:
    """Digest of ``fn``'s code and that of every user function it reaches (cycles are followed once).
    ``fingerprint`` (fingerprint.py's, passed in so this module does not import it) fingerprints closure values."""
    root = unwrap(fn)
    if not isinstance(root, types.FunctionType):
        raise TypeError(f"expected a Python function, got {type(fn).__name__}")
    seen: Dict[int, Any] = {}
    stack: List[Any] = [root]
    parts = []
    while stack:
        f = unwrap(stack.pop())
        if id(f) in seen or not is_user_function(f):
            continue
        seen[id(f)] = f
        digest, _, _ = _own(f, fingerprint)
        closure = []
        for name, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(unwrap(value), types.FunctionType):
                continue  # followed as a callee instead
            try:
                closure.append([name, fingerprint(value, name)])
            except UnhashableError as e:
                raise UnhashableError(
                    f"cannot fingerprint closure variable '{name}' of {f.__qualname__}: {e}", variable=name
                ) from None
        parts.append([f"{f.__module__}:{f.__qualname__}", digest, closure])
        stack.extend(_callees(f))
    doc = parts[:1] + sorted(parts[1:])
    return hashlib.sha256(json.dumps(doc, separators=(",", ":")).encode()).hexdigest()
