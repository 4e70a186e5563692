"""The engine's derived index of a store: ``<store>/index.sqlite-engine`` (spec/FORMAT.md; git ignores it through
``index.sqlite*``). Like the server's index it holds nothing the files do not say, so it can be deleted at any time
and is rebuilt as needed. Two tables matter:

- ``entries``: which cell each manifest belongs to, so the first cached run in a kernel finds a cell's entries (and
  says what changed) without parsing every manifest. Kept current by one stat per ``entries/<k0k1>/`` folder: a
  folder whose mtime is unchanged (and was not racy when seen: the "racy git" rule of shardcache.py) is skipped, so
  the cost does not grow with the number of entries, only with the folders (at most 256).
- ``verified``: object files whose bytes hashed to their name, with the stat data they had then (device, inode,
  size, mtime, ctime). A file with the same stat data need not be hashed again (git trusts its index the same way);
  spec/FORMAT.md, "Verified objects", says why that is safe against what the store defends against.

Everything here is best effort: a read-only store, a full disk, a locked or damaged file: the index lives in this
process's memory instead (rebuilt as needed, like a deleted file); SQLite missing from this Python, a symlink planted
where the file should be: the index is simply not used (entries are scanned, objects hashed).
"""

from __future__ import annotations

import os
import stat
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import layout
from .cellkeys import RACY_NS, CellKeys

FILE = "index.sqlite-engine"
SCHEMA_VERSION = "2"
BUSY_MS = 2000

Stamp = Tuple[int, int, int, int, int]  # dev, ino, size, mtime_ns, ctime_ns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verified (
  oid TEXT PRIMARY KEY, dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  key TEXT PRIMARY KEY, shard TEXT NOT NULL, kind TEXT, notebook TEXT, cell_id TEXT,
  mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, ino INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entries_cell ON entries (cell_id, notebook, kind);
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS object_dirs (name TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, bytes INTEGER NOT NULL);
"""


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def trust_supported() -> bool:
    """Stat data means "unchanged" only where ctime is the inode's change time and inodes are stable: POSIX. On
    Windows st_ctime is the creation time, so objects are always hashed there. XETCACHE_VERIFY=always turns the
    trust off anywhere (every load hashes every byte)."""
    return os.name == "posix" and os.environ.get("XETCACHE_VERIFY", "") != "always"


class EngineIndex(CellKeys):
    def __init__(self, store_dir: str) -> None:
        self.store_dir = store_dir
        self.path = os.path.join(store_dir, FILE)
        self._db: Any = None
        self._failed = False
        self.in_memory = False  # the file could not be opened or written: this process keeps the index itself
        self._shards: Optional[Dict[str, int]] = None  # trusted shard mtimes, as in the table
        self.parsed = 0  # manifests parsed by refreshes (tests: a warm index parses nothing)

    # ---- the connection ------------------------------------------------------------------------------------
    def _conn(self) -> Any:
        if self._db is not None or self._failed:
            return self._db
        try:
            import sqlite3

            try:  # a symlink, FIFO or folder in the store is never opened (spec/FORMAT.md, "Opening files")
                st = os.lstat(self.path)
                if not stat.S_ISREG(st.st_mode):
                    raise OSError(f"{self.path} is not a regular file")
            except FileNotFoundError:
                pass
            try:
                db = self._open(sqlite3, self.path)
            except sqlite3.Error:  # a read-only store or a full disk: the same index in this process's memory
                db = self._open(sqlite3, ":memory:")
                self.in_memory = True
            self._db = db
        except Exception:  # no sqlite3, a symlink or FIFO planted as the file: work without the index
            self._failed = True
            self._db = None
        return self._db

    @staticmethod
    def _open(sqlite3: Any, path: str) -> Any:
        """A connection with the current schema (created when missing or older). sqlite3.Error when the file
        cannot be opened or written (a read-only store, a full disk, a damaged file)."""
        db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # derived data: a lost transaction is redone
            row = None
            try:
                row = db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
            except sqlite3.DatabaseError:
                pass
            if row is None or row[0] != SCHEMA_VERSION:
                db.executescript("BEGIN IMMEDIATE; DROP TABLE IF EXISTS verified; DROP TABLE IF EXISTS entries;"
                                 "DROP TABLE IF EXISTS shards; DROP TABLE IF EXISTS object_dirs; DROP TABLE IF EXISTS meta;" + _SCHEMA +
                                 f"INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}'); COMMIT;")
        except Exception:
            db.close()
            raise
        return db

    def _run(self, work: Callable[[Any], Any], default: Any = None) -> Any:
        db = self._conn()
        if db is None:
            return default
        try:
            return work(db)
        except Exception:  # e.g. "database is locked" past the busy timeout, a disk full: skip, never fail a cell
            try:
                if db.in_transaction:
                    db.execute("ROLLBACK")
            except Exception:
                pass
            return default

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._shards = None, None

    # ---- verified objects ----------------------------------------------------------------------------------
    def verified_stamps(self, oids: Sequence[str]) -> Dict[str, Stamp]:
        """oid -> the stat data its file had when it was last verified (only oids that have a record)."""
        if not trust_supported() or not oids:
            return {}

        def work(db: Any) -> Dict[str, Stamp]:
            out: Dict[str, Stamp] = {}
            ids = list(oids)
            for i in range(0, len(ids), 500):  # SQLite's parameter limit
                part = ids[i:i + 500]
                q = "SELECT oid, dev, ino, size, mtime_ns, ctime_ns FROM verified WHERE oid IN (%s)" % ",".join(
                    "?" * len(part))
                for row in db.execute(q, part):
                    out[row[0]] = tuple(row[1:])  # type: ignore[assignment]
            return out

        return self._run(work, {})

    def record_verified(self, items: Iterable[Tuple[str, os.stat_result]]) -> None:
        """Remember files just hashed right. A stamp within RACY_NS of now is not recorded: a change in the same
        clock tick could leave the same mtime/ctime, so only a stamp older than that proves "unchanged" later."""
        if not trust_supported():
            return
        now = time.time_ns()
        self._insert_verified([(oid,) + stamp_of(st) for oid, st in items
                               if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS and layout.is_hex64(oid)])

    def record_written(self, items: Iterable[Tuple[str, os.stat_result]]) -> None:
        """Remember object files this process just created from bytes it hashed (putobject.note_fresh), however young:
        the racy-clock rule of record_verified guards a reader against a write in the tick it read in, and here no
        other process wrote (spec/FORMAT.md, "Loading and verified objects", the writer's own files)."""
        if not trust_supported():
            return
        self._insert_verified([(oid,) + stamp_of(st) for oid, st in items if layout.is_hex64(oid)])

    def _insert_verified(self, rows: List[Tuple[Any, ...]]) -> None:
        if not rows:
            return

        def work(db: Any) -> None:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO verified VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")

        self._run(work)

    def forget_verified(self, oids: Iterable[str]) -> None:
        ids = [(o,) for o in oids]
        if ids:
            self._run(lambda db: db.executemany("DELETE FROM verified WHERE oid = ?", ids))

    # ---- the bytes the store holds (the byte budget) ------------------------------------------------------
    def object_bytes(self) -> Optional[int]:
        """The sizes of every file under objects/sha256/, each once (a chunk shared by many entries counts once).
        Kept per fan-out folder with its mtime, so a fresh kernel stats at most 256 folders when nothing changed
        (objects are immutable; every file that comes or goes changes its folder's mtime). None when the index
        cannot be used."""
        if self._conn() is None:
            return None
        root = os.path.join(self.store_dir, "objects", "sha256")
        now = time.time_ns()
        dirs = layout.fanout_folders(root)

        def work(db: Any) -> int:
            known = {r[0]: (r[1], r[2]) for r in db.execute("SELECT name, mtime_ns, bytes FROM object_dirs")}
            total, updates = 0, []
            for d in dirs:
                try:
                    mtime = d.stat(follow_symlinks=False).st_mtime_ns
                except FileNotFoundError:
                    continue
                old = known.pop(d.name, None)
                if old is not None and old[0] == mtime:
                    total += old[1]
                    continue
                size = 0
                try:
                    for f in os.scandir(d.path):
                        try:
                            size += f.stat(follow_symlinks=False).st_size
                        except FileNotFoundError:
                            pass
                except (FileNotFoundError, NotADirectoryError):
                    continue
                total += size
                updates.append((d.name, mtime if now - mtime > RACY_NS else 0, size))
            if updates or known:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO object_dirs VALUES (?, ?, ?)", updates)
                db.executemany("DELETE FROM object_dirs WHERE name = ?", [(n,) for n in known])
                db.execute("COMMIT")
            return total

        return self._run(work)
