"""Helpers for the spec vectors (spec/vectors/*.json): build the bytes a case describes, plant unsafe files.

The TypeScript runner (packages/store/test/spec-support.ts) implements the same helpers: a case means the same
bytes on both sides.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from xetcache.store import canonjson

SPEC = Path(__file__).resolve().parents[3] / "spec"
VECTORS = SPEC / "vectors"
SCHEMAS = SPEC / "schemas"
FALLBACK_KEY = hashlib.sha256(b"vector-key").hexdigest()  # file name for cases whose own key is not usable


def load(path: Path) -> Dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_patch(doc: Any, ops: List[Dict[str, Any]]) -> Any:
    """JSON Patch (RFC 6902) add / replace / remove: all the vectors use."""
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = [_unescape(t) for t in op["path"].split("/")[1:]]
        target = doc
        for t in parents:
            target = target[int(t)] if isinstance(target, list) else target[t]
        key: Any = int(last) if isinstance(target, list) else last
        if op["op"] == "remove":
            del target[key]
        elif op["op"] == "add" and isinstance(target, list):
            target.insert(key, copy.deepcopy(op["value"]))
        elif op["op"] in ("add", "replace"):
            target[key] = copy.deepcopy(op["value"])
        else:
            raise ValueError(f"unsupported patch op {op['op']}")
    return doc


def manifest_value(doc: Dict[str, Any], case: Dict[str, Any]) -> Any:
    if "value" in case:
        return case["value"]
    return apply_patch(doc["bases"][case["base"]], case.get("patch", []))


def manifest_bytes(doc: Dict[str, Any], case: Dict[str, Any]) -> bytes:
    """The manifest file a case describes (spec/vectors/manifests.json, 'description')."""
    if "text" in case:
        return case["text"].encode("utf-8")
    if "value" in case:
        return json.dumps(case["value"]).encode()
    data = (canonjson.dumps(manifest_value(doc, case), indent=2) + "\n").encode("utf-8")
    data = bytes.fromhex(case.get("prefix_hex", "")) + data
    for edit in case.get("edits", []):
        new = bytes.fromhex(edit["replace_hex"]) if "replace_hex" in edit else edit["replace"].encode()
        assert edit["find"].encode() in data, f"edit target {edit['find']!r} not in the file"
        data = data.replace(edit["find"].encode(), new, 1)
    return data + case.get("append", "").encode()


def case_key(doc: Dict[str, Any], case: Dict[str, Any]) -> str:
    """The key the case's file is stored under: its own when it is 64 hex, else a fixed one."""
    from xetcache.store.layout import is_hex64

    key = case.get("key")
    if key is None and ("base" in case or "value" in case):
        value = manifest_value(doc, case)
        key = value.get("key") if isinstance(value, dict) else None
    return key if is_hex64(key) else FALLBACK_KEY


def number(value: Any) -> Any:
    """Vectors spell non-finite numbers as strings (JSON has none)."""
    return {"Infinity": float("inf"), "-Infinity": float("-inf"), "NaN": float("nan")}.get(value, value) \
        if isinstance(value, str) else value


class Blocked(BaseException):
    """Raised by no_hang's timer. A BaseException, so no `except OSError` in the engine can turn it into a refusal."""


@contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail instead of blocking forever (a FIFO opened for reading without O_NONBLOCK never returns). The timer
    repeats every second after the first expiry, so a second blocking open is interrupted too, and the test fails
    even if the code under test swallowed the interruption."""
    fired = []

    def alarm(*_: Any) -> None:
        fired.append(True)
        raise Blocked(f"blocked for {seconds} s: a FIFO was opened without O_NONBLOCK?")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if fired:
        raise AssertionError(f"blocked for more than {seconds} s (a FIFO opened without O_NONBLOCK?)")


class Outside:
    """A folder beside the store with a file that must survive everything: same bytes, same inode, same place."""

    def __init__(self, root: Path, content: bytes, name: str = "notes.txt") -> None:
        self.dir = root / "outside"
        self.dir.mkdir(exist_ok=True)
        self.file = self.dir / name
        self.file.write_bytes(content)
        self.content, self.ino = content, self.file.stat().st_ino
        self.listing = sorted(os.listdir(self.dir))

    def assert_untouched(self) -> None:
        assert sorted(os.listdir(self.dir)) == self.listing, "something moved into or out of the outside folder"
        assert self.file.read_bytes() == self.content and self.file.stat().st_ino == self.ino, "outside file changed"


def plant(path: Path, make: str, outside: Outside, fan_file: Optional[str] = None) -> None:
    """Replace the file at ``path`` (or, for fan-symlink-outside, its folder) by what a clone could check out."""
    if make == "fan-symlink-outside":
        fan = path.parent
        target = outside.dir / "fan"
        target.mkdir()
        (target / path.name).write_bytes(outside.content)
        for f in fan.iterdir():
            f.unlink()
        fan.rmdir()
        os.symlink(target, fan)
        outside.listing = sorted(os.listdir(outside.dir))
        return
    if path.exists() or path.is_symlink():
        path.unlink()
    if make == "symlink-outside":
        os.symlink(outside.file, path)
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "symlink-fifo":
        fifo = outside.dir / "pipe"
        os.mkfifo(fifo)
        outside.listing = sorted(os.listdir(outside.dir))
        os.symlink(fifo, path)
    elif make == "directory":
        path.mkdir()
    else:
        raise ValueError(f"unknown make {make!r}")


def chunk_input(spec: Dict[str, Any]) -> bytes:
    """A chunking case's input (spec/vectors/chunking.json, 'description'): sha256 in counter mode or zeros, then
    edits in order."""
    if spec.get("fill") == "zeros":
        data = bytes(spec["bytes"])
    else:
        blocks = -(-spec["bytes"] // 32)
        data = b"".join(hashlib.sha256(f"{spec['seed']}:{i}".encode()).digest() for i in range(blocks))
        data = data[:spec["bytes"]]
    for e in spec.get("edits", []):
        ins = chunk_input(e["insert"]) if "insert" in e else b""
        data = data[:e["at"]] + ins + data[e["at"] + e.get("delete", 0):]
    return data
