"""Manifests: parse, validate, name their objects (spec/FORMAT.md; schema spec/schemas/manifest.schema.json).

The engine runs inside arbitrary kernels, so it cannot import jsonschema: this is a small stdlib validator of the
same schema. The spec vectors (spec/vectors/manifests*.json) run through it, through jsonschema and through the
TypeScript validator, and must get the same answer from all three. A manifest is refused before any path is built
from it: object ids and keys become path components, so anything but 64 lowercase hex could leave the store.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any, Dict, Iterator, List, Set

from . import canonjson
from .layout import is_hex64
from ..errors import BadManifestError

FORMAT = 1
FORMAT_CHUNKED = 2  # a manifest with `chunks` (spec/FORMAT.md, "Chunked objects"); readers of 2 also read 1
FORMATS = (FORMAT, FORMAT_CHUNKED)
CHUNKS_HEADER = "xetcache-chunks-1\n"
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
        self.later: List[Any] = []  # chunk lists to check against their ids once the schema holds

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


def chunk_id(parts: Any) -> str:
    """The id of a chunked object: sha256 of "xetcache-chunks-1\\n" then "<oid> <size>\\n" per part (spec/FORMAT.md).
    Equal ids mean equal parts, as a stored object's name means its bytes."""
    text = CHUNKS_HEADER + "".join("%s %d\n" % (oid, int(size)) for oid, size in parts)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _good_part(part: Any) -> bool:
    """[object id, size >= 1] exactly as _Checker.hex64 and .size accept them (True only when both would)."""
    return (type(part) is list and len(part) == 2 and is_hex64(part[0]) and type(part[1]) is int
            and 1 <= part[1] <= MAX_SIZE)


def _chunks(c: _Checker, v: Any, path: str) -> None:
    if not c.obj(v, path):
        return
    for cid, parts in v.items():
        p = f"{path}/{cid}"
        if not is_hex64(cid):
            c.fail(p, "must be named by 64 lowercase hex")
        if not isinstance(parts, list) or not parts:
            c.fail(p, "must be a non-empty array")
            continue
        ok = True
        for i, part in enumerate(parts):
            if _good_part(part):  # the common case, without building the paths an error would name
                continue
            q = f"{p}/{i}"
            if not isinstance(part, list) or len(part) != 2:
                ok = c.fail(q, "must be [object id, size]")
                continue
            ok = c.hex64(part[0], f"{q}/0") and ok
            ok = (c.size(part[1], f"{q}/1") and (part[1] >= 1 or c.fail(f"{q}/1", "must be >= 1"))) and ok
        if ok and is_hex64(cid):
            c.later.append((p, cid, parts))


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (level by level, not recursively: a hostile manifest must not exhaust the stack;
    only containers are kept per level, so a chunk table's thousands of [id, size] pairs cost one pass)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        below: List[Any] = []
        for v in level:
            below.extend([x for x in (v.values() if isinstance(v, dict) else v) if isinstance(x, (dict, list))])
        level = below
    return depth


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
        "format": lambda x, p: (x in FORMATS and not isinstance(x, bool)) or c.fail(
            p, "must be 1 or 2 (a newer major needs a newer xetcache)"),
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
    if m.get("format") == FORMAT_CHUNKED and not isinstance(m.get("format"), bool):
        if "chunks" not in m:
            c.fail("", "must have property 'chunks' (format 2)")
        else:
            _chunks(c, m["chunks"], "/chunks")
    if not c.errors and graph:  # beyond the schema: a graph variable is a name in the one graph, nothing else
        for name, doc in m["variables"].items():
            if doc["objects"] != m["state"]["objects"]:
                c.fail(f"/variables/{name}/objects", "must equal /state/objects")
    if not c.errors:  # beyond the schema: a chunked object's id is the hash of its parts
        for path, cid, parts in c.later:
            if chunk_id(parts) != cid:
                c.fail(path, "is not the id of its parts (sha256 of xetcache-chunks-1 and the part list)")
    return c.errors


def validate(m: Any) -> Dict[str, Any]:
    found = errors(m)
    if found:
        raise BadManifestError("manifest does not match the schema: " + "; ".join(found[:3]), errors=found)
    return m


def named_ids(m: Dict[str, Any]) -> List[str]:
    """Every object id a valid manifest names, each once: variables by name, outputs, state. A name may be a chunked
    object (format 2): needed_oids resolves it."""
    seen: Dict[str, None] = {}
    for name in sorted(m["variables"]):
        seen.update(dict.fromkeys(m["variables"][name]["objects"]))
    if m.get("outputs"):
        seen[m["outputs"]["object"]] = None
    if "state" in m:
        seen.update(dict.fromkeys(m["state"]["objects"]))
    return list(seen)


def chunk_table(m: Dict[str, Any]) -> Dict[str, List[Any]]:
    """Chunked object id -> its [oid, size] parts; empty for format 1 (where `chunks` is an unknown property)."""
    return m.get("chunks") or {} if m.get("format") == FORMAT_CHUNKED else {}


def needed_oids(m: Dict[str, Any]) -> List[str]:
    """THE answer to "which stored objects does this entry need" (spec/FORMAT.md): the named objects in order, each
    chunked one replaced by its parts, each oid once. Restore and its lazy LFS fetch, verify, `xetcache
    fetch`/`status`, gc's live sets and the remote tier all use this (TypeScript: manifestObjectIds)."""
    table = chunk_table(m)
    seen: Dict[str, None] = {}
    for oid in named_ids(m):
        parts = table.get(oid)
        if parts is None:
            seen[oid] = None
        else:
            seen.update(dict.fromkeys(p[0] for p in parts))
    return list(seen)


object_ids = needed_oids  # the older name, kept for callers


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
    live = set(needed_oids(m))
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
