"""Atomic file publication inside a store: tmp/<host>-<pid>-<random>.tmp (O_EXCL) -> write -> fsync -> rename/link.

The tmp name says who wrote it (spec/FORMAT.md), so that the next opener can remove the tmp files of a writer that
was killed (layout.clean_stale_tmp) at once instead of an hour later: 49 killed writers once left 1.9 GB there.

Objects are published with a hard link so an existing object is never replaced by accident (same name = same bytes;
the first writer wins and later writers just drop their tmp file); objects.py replaces one only when it is an LFS
pointer or holds the wrong bytes. Manifests are published with os.replace.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
from typing import Iterable, Optional, Tuple

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
CHUNK = 64 << 20


_HOST: Optional[str] = None
_TMP_NAME = re.compile(r"([0-9a-f]{8})-([0-9]{1,10})-[0-9a-f]{24}\.tmp")


def host_id() -> str:
    """The first 8 hex of sha256 of the host name: which machine a tmp file's pid belongs to."""
    global _HOST
    if _HOST is None:
        _HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
    return _HOST


def tmp_writer(name: str) -> Optional[Tuple[str, int]]:
    """(host id, pid) of a tmp file name written by open_tmp, None for any other name."""
    m = _TMP_NAME.fullmatch(name)
    return (m.group(1), int(m.group(2))) if m else None


def open_tmp(store_dir: str) -> Tuple[int, str]:
    tmp_dir = os.path.join(store_dir, "tmp")
    while True:
        path = os.path.join(tmp_dir, f"{host_id()}-{os.getpid()}-{secrets.token_hex(12)}.tmp")
        try:
            return os.open(path, _FLAGS, 0o644), path
        except FileExistsError:  # astronomically unlikely; pick another name
            continue
        except FileNotFoundError:  # tmp/ removed under us (someone cleaned the store): recreate it
            os.makedirs(tmp_dir, exist_ok=True)


def write_all(fd: int, chunks: Iterable[memoryview]) -> int:
    total = 0
    for chunk in chunks:
        mv = memoryview(chunk).cast("B")
        pos = 0
        while pos < len(mv):
            pos += os.write(fd, mv[pos : pos + CHUNK])  # os.write may write less than asked
        total += len(mv)
    return total


def link_new(tmp: str, final: str) -> bool:
    """Give ``tmp``'s file the name ``final`` unless that name exists. True if this call created it.

    A hard link, because rename would silently replace an existing object. ``tmp`` is left for the caller to
    remove (it may still want to publish it over a bad file)."""
    try:
        try:
            os.link(tmp, final)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.link(tmp, final)
        return True
    except FileExistsError:
        return False
    except OSError:  # file systems without hard links: rename, accepting a tiny race between equal bytes
        if os.path.lexists(final):
            return False
        os.replace(tmp, final)
        return True


def publish_no_overwrite(tmp: str, final: str) -> bool:
    """Move ``tmp`` to ``final`` unless ``final`` exists. Returns True if this call created it. tmp is removed."""
    try:
        return link_new(tmp, final)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def publish_replace(tmp: str, final: str) -> None:
    try:
        os.replace(tmp, final)
    except FileNotFoundError:
        if not os.path.exists(tmp):
            raise
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(tmp, final)


def fsync_dir(path: str) -> None:
    """Make renames into ``path`` durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(store_dir: str, final: str, data: bytes, overwrite: bool) -> bool:
    """Write small ``data`` atomically at ``final``. Returns True if written (False: existed and not overwrite)."""
    fd, tmp = open_tmp(store_dir)
    try:
        try:
            write_all(fd, [memoryview(data)])
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            publish_replace(tmp, final)
            return True
        return publish_no_overwrite(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
