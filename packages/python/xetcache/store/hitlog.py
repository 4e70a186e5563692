"""The hit log, hits.jsonl (spec/FORMAT.md section 3): one line per restore, appended with a single write() in
O_APPEND mode, the same bytes as the TypeScript writer (spec/vectors/hit-lines.json)."""

from __future__ import annotations

import json
import math
import os

from . import canonjson, layout, manifest as manifests, safeio
from ..errors import BadRequestError

MAX_SAVED_S = 1e9  # spec/schemas/hit.schema.json: a sum of many stays finite


def hit_line(key: str, at: str, saved_s: float) -> bytes:
    """One hits.jsonl line: compact JSON in the order key, at, saved_s (the rules of spec/schemas/hit.schema.json).
    A saved_s that is not a finite number from 0 to MAX_SAVED_S is refused."""
    layout.check_id(key, "hit key")
    if not manifests.is_timestamp(at):
        raise BadRequestError(f"at must be a UTC date-time like 2026-11-25T10:00:00.123Z, got {at!r}")
    if (isinstance(saved_s, bool) or not isinstance(saved_s, (int, float)) or not math.isfinite(saved_s)
            or not 0 <= saved_s <= MAX_SAVED_S):
        raise BadRequestError(f"saved_s must be a finite number from 0 to {MAX_SAVED_S:.0e}, got {saved_s!r}")
    return ('{"key":%s,"at":%s,"saved_s":%s}\n' % (json.dumps(key), json.dumps(at), canonjson.number(saved_s))).encode()


def append(store_dir: str, key: str, at: str, saved_s: float) -> None:
    """Append one line with a single write() on an O_APPEND fd (atomic for lines < 4 KiB). A saved time that is not
    a finite number (a manifest's runtime can be anything) is logged as 0, one past the bound as the bound; the file
    must be a regular file of the store (a symlink planted by a clone would append elsewhere)."""
    saved = float(saved_s) if isinstance(saved_s, (int, float)) and math.isfinite(saved_s) else 0.0
    line = hit_line(key, at, round(min(max(0.0, saved), MAX_SAVED_S), 6))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd, _ = safeio.open_regular(os.path.join(store_dir, "hits.jsonl"), flags, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
