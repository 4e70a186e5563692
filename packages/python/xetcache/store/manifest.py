"""Manifests: parse, validate, name their objects (spec/FORMAT.md; schema spec/schemas/manifest.schema.json).

The engine runs inside arbitrary kernels, so it cannot import jsonschema: this is a small stdlib validator of the
same schema. The spec vectors (spec/vectors/manifests*.json) run through it, through jsonschema and through the
TypeScript validator, and must get the same answer from all three. A manifest is refused before any path is built
from it: object ids and keys become path components, so anything but 64 lowercase hex could leave the store.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Dict, Iterator, List, Set

from . import canonjson
from .layout import is_hex64
from ..errors import BadManifestError

FORMAT = 1
GRAPH_CODEC = "xetcache-graph-1"
MAX_SIZE = 2**53 - 1  # sizes above this are not exact in JavaScript
MAX_DEPTH = 64  # objects and arrays nested deeper are refused by both languages (spec/FORMAT.md)
_CREATED = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-5][0-9]):([0-5][0-9])(?:\.[0-9]{1,9})?Z")
_REQUIRED = ("format", "key", "kind", "created", "runtime_s", "language", "source", "inputs", "outputs_names",
             "variables", "outputs", "namespace", "total_bytes", "engine")
# Top-level fields that hold hashes or text, never object ids: the only ones gc's conservative mark may skip.
_NOT_OBJECTS = frozenset(("format", "key", "kind", "created", "runtime_s", "language", "source", "inputs",
                          "outputs_names", "namespace", "total_bytes", "engine", "trace"))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: JavaScript reads Infinity and refuses it, so must we
        raise ValueError(f"{text} is out of range")
    return value


def parse(data: bytes, key: Any = None) -> Dict[str, Any]:
    """The manifest in ``data`` (a file's bytes), validated; its key must equal ``key`` when given.
    BadManifestError (EBADMANIFEST) for anything else: invalid UTF-8, a BOM, NaN/Infinity, schema violations."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BadManifestError(f"manifest is not JSON: {e}", path="/") from None
    validate(value)
    if key is not None and value["key"] != key:
        raise BadManifestError(f"manifest key {value['key']} does not match its file name", path="/key")
    return value


class _Checker:
    def __init__(self) -> None:
        self.errors: List[str] = []

    def fail(self, path: str, message: str) -> bool:
        self.errors.append(f"{path or '/'} {message}")
        return False

    def obj(self, v: Any, path: str) -> bool:
        return isinstance(v, dict) or self.fail(path, "must be object")

    def str_(self, v: Any, path: str, nullable: bool = False) -> bool:
        return isinstance(v, str) or (nullable and v is None) or self.fail(path, "must be string")

    def hex64(self, v: Any, path: str) -> bool:
        return is_hex64(v) or self.fail(path, "must be 64 lowercase hex")

    def size(self, v: Any, path: str) -> bool:
        ok = (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
        return (ok and 0 <= v <= MAX_SIZE) or self.fail(path, f"must be an integer in 0..{MAX_SIZE}")

    def names(self, v: Any, path: str) -> bool:
        if not isinstance(v, list):
            return self.fail(path, "must be array")
        return all([self.str_(x, f"{path}/{i}") for i, x in enumerate(v)])

    def hashes(self, v: Any, path: str) -> bool:
        return self.obj(v, path) and all([self.hex64(x, f"{path}/{k}") for k, x in v.items()])

    def objects(self, v: Any, path: str) -> bool:
        if not isinstance(v, list) or not v:
            return self.fail(path, "must be a non-empty array")
        return all([self.hex64(x, f"{path}/{i}") for i, x in enumerate(v)])

    def fields(self, v: Any, path: str, spec: Dict[str, Any], required: tuple) -> None:
        if not self.obj(v, path):
            return
        for name in required:
            if name not in v:
                self.fail(path, f"must have property '{name}'")
        for name, check in spec.items():
            if name in v:
                check(v[name], f"{path}/{name}")


def is_timestamp(v: Any) -> bool:
    """A UTC date-time as both languages write it (2026-11-25T10:00:00.123Z) that exists in the calendar as
    RFC 3339 (and ajv) see it: proleptic Gregorian, year 0000 allowed, no Feb 30, hour < 24."""
    m = _CREATED.fullmatch(v) if isinstance(v, str) else None
    if m is None:
        return False
    year, month, day, hour = (int(g) for g in m.groups()[:4])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= month <= 12 and 1 <= day <= days[month - 1] and hour <= 23


def _created(c: _Checker, v: Any, path: str) -> None:
    if not is_timestamp(v):
        c.fail(path, "must be a UTC date-time like 2026-11-25T10:00:00.123Z")


def _number(c: _Checker, v: Any, path: str) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        c.fail(path, "must be a finite number >= 0")


def _variables(c: _Checker, v: Any, path: str, graph: bool) -> None:
    if not c.obj(v, path):
        return
    codec = GRAPH_CODEC if graph else "pickle5"
    for name, doc in v.items():
        p = f"{path}/{name}"
        c.fields(doc, p, {"objects": c.objects, "bytes": c.size, "type": c.str_,
                          "codec": lambda x, q: x == codec or c.fail(q, f"must be '{codec}' here")},
                 ("objects", "bytes", "codec", "type"))


def _outputs(c: _Checker, v: Any, path: str) -> None:
    if v is not None:
        c.fields(v, path, {"object": c.hex64, "bytes": c.size, "count": c.size}, ("object", "bytes", "count"))


def _trace(c: _Checker, v: Any, path: str) -> None:
    def items(spec: Dict[str, Any], required: tuple) -> Any:
        return lambda x, p: c.fields(x, p, spec, required)

    def array_of(check: Any) -> Any:
        return lambda x, p: (isinstance(x, list) or c.fail(p, "must be array")) and [
            check(y, f"{p}/{i}") for i, y in enumerate(x)]

    file_hash = lambda x, p: x is None or c.hex64(x, p)  # noqa: E731 - None: missing or unreadable file
    c.fields(v, path, {
        "globals": c.hashes, "hidden": c.hashes, "functions": c.names, "bound": c.names, "mutated": c.names,
        "deleted": c.names,
        "files": array_of(items({"path": c.str_, "sha256": file_hash}, ("path", "sha256"))),
        "modules": array_of(items({"name": c.str_, "path": c.str_, "sha256": file_hash}, ("name", "path", "sha256"))),
    }, ())


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: a hostile manifest must not exhaust the stack)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                todo.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def errors(m: Any) -> List[str]:
    """Everything wrong with ``m`` (empty when valid): the schema, then the rules JSON Schema cannot say."""
    c = _Checker()
    if not c.obj(m, ""):
        return c.errors
    if _depth(m) > MAX_DEPTH:  # Python's json gives up near 1000 levels (configurable), JavaScript's does not
        return [f"/ nests deeper than {MAX_DEPTH} levels"]
    graph = "state" in m
    named = lambda *req, **spec: lambda x, p: c.fields(x, p, spec, req)  # noqa: E731
    c.fields(m, "", {
        "format": lambda x, p: (x == FORMAT and not isinstance(x, bool)) or c.fail(p, f"must be {FORMAT} (a newer "
                                                                                  "major needs a newer xetcache)"),
        "key": c.hex64,
        "kind": lambda x, p: x in ("cell", "function") or c.fail(p, "must be 'cell' or 'function'"),
        "created": lambda x, p: _created(c, x, p),
        "runtime_s": lambda x, p: _number(c, x, p),
        "language": named("name", "version", name=c.str_, version=c.str_),
        "engine": named("name", "version", name=c.str_, version=c.str_),
        "source": named("code_sha256", "preview", code_sha256=c.hex64,
                        preview=lambda x, p: c.str_(x, p) and (len(x) <= 400 or c.fail(p, "is longer than 400")),
                        **{k: (lambda x, p: c.str_(x, p, nullable=True)) for k in ("notebook", "cell_id", "qualname")}),
        "inputs": c.hashes,
        "outputs_names": c.names,
        "variables": lambda x, p: _variables(c, x, p, graph),
        "outputs": lambda x, p: _outputs(c, x, p),
        "namespace": lambda x, p: c.str_(x, p, nullable=True),
        "total_bytes": c.size,
        "state": named("codec", "objects", "bytes", objects=c.objects, bytes=c.size,
                       codec=lambda x, p: x == GRAPH_CODEC or c.fail(p, f"must be '{GRAPH_CODEC}'")),
        "trace": lambda x, p: _trace(c, x, p),
    }, _REQUIRED)
    if not c.errors and graph:  # beyond the schema: a graph variable is a name in the one graph, nothing else
        for name, doc in m["variables"].items():
            if doc["objects"] != m["state"]["objects"]:
                c.fail(f"/variables/{name}/objects", "must equal /state/objects")
    return c.errors


def validate(m: Any) -> Dict[str, Any]:
    found = errors(m)
    if found:
        raise BadManifestError("manifest does not match the schema: " + "; ".join(found[:3]), errors=found)
    return m


def object_ids(m: Dict[str, Any]) -> List[str]:
    """Every object a valid manifest names, each once: variables by name, outputs, state (what a restore needs,
    what `fetch` pulls and what LFS include lists name)."""
    seen: Dict[str, None] = {}
    for name in sorted(m["variables"]):
        seen.update(dict.fromkeys(m["variables"][name]["objects"]))
    if m.get("outputs"):
        seen[m["outputs"]["object"]] = None
    if "state" in m:
        seen.update(dict.fromkeys(m["state"]["objects"]))
    return list(seen)


def _hex_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if is_hex64(value):
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _hex_strings(k)
            yield from _hex_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _hex_strings(v)


def live_ids(m: Dict[str, Any]) -> Set[str]:
    """What gc must keep for a valid manifest: its objects plus every 64-hex string under a field it does not
    know, so objects that a newer minor names (say, chunk lists) are never swept by an older gc."""
    live = set(object_ids(m))
    for name, value in m.items():
        if name not in _NOT_OBJECTS:
            live.update(_hex_strings(value))
    return live


def live_ids_of_bytes(data: bytes) -> Set[str]:
    """What gc must keep for a manifest it cannot read (a merge conflict, a newer major): every 64-hex run."""
    return {m.decode() for m in re.findall(rb"[0-9a-f]{64}", data)}


def dumps(m: Dict[str, Any]) -> bytes:
    """The bytes of a manifest file: canonical JSON, 2-space indent, sorted keys, "\\n" at the end."""
    return (canonjson.dumps(m, indent=2) + "\n").encode("utf-8")
