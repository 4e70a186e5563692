"""The store folder: its fixed files (byte-identical to the TypeScript side), creation, version check, paths.

Object ids and keys become path components, so every path builder refuses anything but 64 lowercase hex
(spec/vectors/ids.json): a manifest from a cloned repository must not be able to name a file outside the store."""

from __future__ import annotations

import os
import re
import time
from typing import List

from . import atomic, safeio
from ..errors import BadRequestError, NotAStoreError, StoreNotFoundError, StoreVersionError

FORMAT_MAJOR = 1
STORE_TEXT = "xetcache-store 1\n"
GITATTRIBUTES = "objects/** filter=lfs diff=lfs merge=lfs -text\n"
GITIGNORE = "index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n"
STALE_TMP_S = 3600
STORE_MAX = 1024  # a marker is one short line; anything longer is not one (both languages, spec/vectors)
# ASCII classes on purpose: Python's \d and \s also match other scripts' digits and spaces, JavaScript's do not.
_STORE_RE = re.compile(r"xetcache-store ([0-9]+)(?:\.[0-9]+)*[ \t\r\n]*")
_HEX64 = re.compile(r"[0-9a-f]{64}")
DIRS = ("entries", "objects", os.path.join("objects", "sha256"), "tmp")


def is_hex64(value: object) -> bool:
    """An object id or key: exactly 64 lowercase hex (fullmatch: re's '$' would also accept a trailing newline)."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def check_id(value: object, what: str = "object id") -> str:
    if not is_hex64(value):
        raise BadRequestError(f"{what} must be 64 lowercase hex characters, got {str(value)[:80]!r}")
    return value  # type: ignore[return-value]


def fanout_folders(root: str) -> List["os.DirEntry[str]"]:
    """The two-letter folders under ``entries/`` or ``objects/sha256/`` (real folders, not symlinks); none when
    ``root`` is missing."""
    try:
        return [d for d in os.scandir(root) if len(d.name) == 2 and d.is_dir(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def manifest_path(store_dir: str, key: str) -> str:
    check_id(key, "entry key")
    return os.path.join(store_dir, "entries", key[:2], key + ".json")


def object_path(store_dir: str, oid: str) -> str:
    check_id(oid)
    return os.path.join(store_dir, "objects", "sha256", oid[:2], oid)


def check_dir(store_dir: str, *parts: str) -> None:
    """Refuse to write into a folder of the store (say objects/sha256/<o0o1>) that exists but is not a real folder:
    through a symlinked one the file would land outside the store. An absent folder is fine (it will be made)."""
    path = os.path.join(store_dir, *parts)
    if os.path.lexists(path) and not safeio.real_dirs(store_dir, *parts):
        raise NotAStoreError(f"{path} is not a real folder (a symlink?); a store's folders must be real folders")


def check_version(store_dir: str, text: str) -> None:
    m = _STORE_RE.fullmatch(text)
    if not m:
        raise NotAStoreError(f"{store_dir}/STORE is not a xetcache store marker: {text[:40]!r}")
    if int(m.group(1)) > FORMAT_MAJOR:
        raise StoreVersionError(
            f"the store at {store_dir} has format {m.group(1)}, newer than this engine understands "
            f"({FORMAT_MAJOR}); upgrade xetcache"
        )


def open_store(store_dir: str, create: bool) -> None:
    """Check (and if allowed create) the store at ``store_dir`` (the .xetcache folder itself)."""
    text = read_marker(store_dir)
    if text is None and not create:
        raise StoreNotFoundError(f"no xetcache store at {store_dir} (missing STORE)")
    if text is not None:
        check_version(store_dir, text)
    for sub in DIRS:  # checked before creating anything: makedirs would follow a symlinked objects/ out of the store
        if os.path.lexists(os.path.join(store_dir, sub)) and not safeio.real_dirs(store_dir, sub):
            raise NotAStoreError(f"{store_dir}/{sub} is not a real folder (a symlink?); a store's folders must be, "
                                 "so that nothing outside the store is read, moved or deleted")
    if text is None:
        _create(store_dir)
        check_version(store_dir, read_marker(store_dir) or STORE_TEXT)  # a concurrent creator may have won
    for sub in DIRS:  # cloned stores lack empty dirs
        os.makedirs(os.path.join(store_dir, sub), exist_ok=True)
    clean_stale_tmp(store_dir)


def read_marker(store_dir: str) -> "str | None":
    """The STORE file's text, None when there is none. A symlink, FIFO or oversized file is NotAStoreError."""
    try:
        data = safeio.read_regular(os.path.join(store_dir, "STORE"), STORE_MAX + 1)
    except FileNotFoundError:
        return None
    except OSError as e:  # NotRegular, or unreadable
        raise NotAStoreError(f"{store_dir}/STORE cannot be read as a marker: {e}") from None
    if len(data) > STORE_MAX:
        raise NotAStoreError(f"{store_dir}/STORE is too long to be a xetcache store marker")
    return data.decode("utf-8", "replace")


def _create(store_dir: str) -> None:
    for sub in DIRS:
        os.makedirs(os.path.join(store_dir, sub), exist_ok=True)
    # STORE last: a store is only "a store" once its other fixed files exist. Concurrent creators write the same
    # bytes and never overwrite each other.
    for name, text in ((".gitattributes", GITATTRIBUTES), (".gitignore", GITIGNORE), ("STORE", STORE_TEXT)):
        atomic.write_file(store_dir, os.path.join(store_dir, name), text.encode(), overwrite=False)


def _gone(pid: int) -> bool:
    """The process ``pid`` of this machine no longer exists. A pid reused since only keeps a file longer."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: alive, someone else's
        return False
    return False


def clean_stale_tmp(store_dir: str, max_age_s: float = STALE_TMP_S) -> int:
    """Delete tmp/*.tmp left by writers that are gone: any age when the name says this machine's process that no
    longer exists (killed mid-write), else older than ``max_age_s``. Returns how many. A read-only store keeps
    them (nothing can be deleted there; reading still works)."""
    removed = 0
    cutoff = time.time() - max_age_s
    try:
        entries = list(os.scandir(os.path.join(store_dir, "tmp")))
    except (FileNotFoundError, NotADirectoryError):
        return 0
    host = atomic.host_id()
    for e in entries:
        if not e.name.endswith(".tmp"):
            continue
        writer = atomic.tmp_writer(e.name)
        try:
            dead = writer is not None and writer[0] == host and os.name == "posix" and _gone(writer[1])
            if dead or e.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(e.path)
                removed += 1
        except FileNotFoundError:
            pass
        except OSError:  # read-only store or folder: leave it
            pass
    return removed
