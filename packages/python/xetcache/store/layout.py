"""The store folder: its fixed files (byte-identical to the TypeScript side), creation, version check, paths."""

from __future__ import annotations

import os
import re
import time

from . import atomic
from ..errors import StoreNotFoundError, StoreVersionError, XetCacheError

FORMAT_MAJOR = 1
STORE_TEXT = "xetcache-store 1\n"
GITATTRIBUTES = "objects/** filter=lfs diff=lfs merge=lfs -text\n"
GITIGNORE = "index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n"
STALE_TMP_S = 3600
_STORE_RE = re.compile(r"xetcache-store (\d+)(?:\.\d+)*\s*")


def manifest_path(store_dir: str, key: str) -> str:
    return os.path.join(store_dir, "entries", key[:2], key + ".json")


def object_path(store_dir: str, oid: str) -> str:
    return os.path.join(store_dir, "objects", "sha256", oid[:2], oid)


def check_version(store_dir: str, text: str) -> None:
    m = _STORE_RE.fullmatch(text)
    if not m:
        raise XetCacheError(f"{store_dir}/STORE is not a xetcache store marker: {text[:40]!r}")
    if int(m.group(1)) > FORMAT_MAJOR:
        raise StoreVersionError(
            f"the store at {store_dir} has format {m.group(1)}, newer than this engine understands "
            f"({FORMAT_MAJOR}); upgrade xetcache"
        )


def open_store(store_dir: str, create: bool) -> None:
    """Check (and if allowed create) the store at ``store_dir`` (the .xetcache folder itself)."""
    marker = os.path.join(store_dir, "STORE")
    try:
        with open(marker, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        if not create:
            raise StoreNotFoundError(f"no xetcache store at {store_dir} (missing STORE)") from None
        _create(store_dir)
        text = STORE_TEXT
    check_version(store_dir, text)
    for sub in ("tmp", "entries", os.path.join("objects", "sha256")):  # cloned stores lack empty dirs
        os.makedirs(os.path.join(store_dir, sub), exist_ok=True)
    clean_stale_tmp(store_dir)


def _create(store_dir: str) -> None:
    for sub in ("tmp", "entries", os.path.join("objects", "sha256")):
        os.makedirs(os.path.join(store_dir, sub), exist_ok=True)
    # STORE last: a store is only "a store" once its other fixed files exist. Concurrent creators write the same
    # bytes and never overwrite each other.
    for name, text in ((".gitattributes", GITATTRIBUTES), (".gitignore", GITIGNORE), ("STORE", STORE_TEXT)):
        atomic.write_file(store_dir, os.path.join(store_dir, name), text.encode(), overwrite=False)


def clean_stale_tmp(store_dir: str, max_age_s: float = STALE_TMP_S) -> int:
    """Delete tmp/*.tmp older than ``max_age_s`` (left by a writer killed mid-write). Returns how many."""
    removed = 0
    cutoff = time.time() - max_age_s
    try:
        entries = list(os.scandir(os.path.join(store_dir, "tmp")))
    except FileNotFoundError:
        return 0
    for e in entries:
        try:
            if e.name.endswith(".tmp") and e.stat().st_mtime < cutoff:
                os.unlink(e.path)
                removed += 1
        except FileNotFoundError:
            pass
    return removed

