"""The ``entries`` table of the engine's index (engineindex.py): which cell each manifest belongs to, kept current
by one stat per ``entries/<k0k1>/`` folder, and within a folder that changed, by its listing (a manifest whose inode
is unchanged is the one indexed). A mixin of EngineIndex: it uses its connection (``_conn``, ``_run``)."""

from __future__ import annotations

import os
import stat
import time
from typing import Any, Callable, Dict, List, Optional

from . import layout

RACY_NS = 2_000_000_000  # a stamp younger than this when seen is not trusted later (shardcache.py, "racy git")


class CellKeys:
    store_dir: str
    parsed: int
    _shards: Optional[Dict[str, int]]
    _conn: Callable[[], Any]
    _run: Callable[..., Any]

    def cell_keys(self, notebook: Optional[str], cell_id: str,
                  cell_of: Callable[[str], Optional[tuple]]) -> Optional[List[str]]:
        """Keys of the manifests of one cell (kind "cell"), after bringing the index up to date with entries/.
        ``cell_of(key)`` parses one manifest: (kind, notebook, cell_id), or None when it is not valid. None when
        the index cannot be used (the caller scans instead)."""
        if self._conn() is None or not self._refresh(cell_of):
            return None

        def work(db: Any) -> List[str]:
            rows = db.execute("SELECT key FROM entries WHERE cell_id = ? AND notebook IS ? AND kind = 'cell'",
                              (cell_id, notebook)).fetchall()
            return [r[0] for r in rows]

        return self._run(work)

    def _refresh(self, cell_of: Callable[[str], Optional[tuple]]) -> bool:
        root = os.path.join(self.store_dir, "entries")
        now = time.time_ns()
        dirs = layout.fanout_folders(root)

        def work(db: Any) -> bool:
            if self._shards is None:
                self._shards = dict(db.execute("SELECT name, mtime_ns FROM shards").fetchall())
            known = self._shards
            seen = set()
            changed = []
            for d in dirs:
                try:
                    mtime = d.stat(follow_symlinks=False).st_mtime_ns
                except FileNotFoundError:
                    continue
                seen.add(d.name)
                if known.get(d.name) != mtime:
                    changed.append((d, mtime))
            gone = [name for name in known if name not in seen]
            if not changed and not gone:
                return True
            db.execute("BEGIN IMMEDIATE")
            for name in gone:
                db.execute("DELETE FROM entries WHERE key >= ? AND key < ?", (name, name + "~"))
                db.execute("DELETE FROM shards WHERE name = ?", (name,))
                known.pop(name, None)
            for d, mtime in changed:
                self._rescan(db, d.name, d.path, cell_of)
                if now - mtime > RACY_NS:  # a folder changed within the racy window is listed again next time
                    db.execute("INSERT OR REPLACE INTO shards VALUES (?, ?)", (d.name, mtime))
                    known[d.name] = mtime
                else:
                    db.execute("DELETE FROM shards WHERE name = ?", (d.name,))
                    known.pop(d.name, None)
            db.execute("COMMIT")
            return True

        ok = self._run(work, False)
        if not ok:
            self._shards = None  # reload from the table next time: our view may be ahead of a rolled-back write
        return bool(ok)

    def _rescan(self, db: Any, shard: str, path: str, cell_of: Callable[[str], Optional[tuple]]) -> None:
        now = time.time_ns()
        old = {r[0]: tuple(r[1:]) for r in db.execute(
            # a shard's rows are a range of the primary key (no scan of the whole table at 100k entries)
            "SELECT key, mtime_ns, size, ino FROM entries WHERE key >= ? AND key < ?", (shard, shard + "~"))}
        try:
            files = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            files = []
        present = set()
        for f in files:
            if not f.name.endswith(".json"):
                continue
            key = f.name[:-5]
            known = old.get(key)  # a key of the index is a valid name already (checked when it was added)
            if known is None and (not layout.is_hex64(key) or not key.startswith(shard)):
                continue
            if known is not None and known[0] and known[2] == f.inode():
                # the same file as when it was indexed, outside the racy window (readdir's inode, no stat): a
                # manifest is replaced by rename, which gives it a new inode; so at 100k entries a changed shard
                # costs its listing, not ~400 stats
                present.add(key)
                continue
            try:
                st = f.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            present.add(key)
            st_tuple = (st.st_mtime_ns, st.st_size, st.st_ino)
            if old.get(key) == st_tuple and now - st.st_mtime_ns > RACY_NS:
                continue
            self.parsed += 1
            cell = cell_of(key) if stat.S_ISREG(st.st_mode) else None
            kind, notebook, cell_id = cell if cell is not None else (None, None, None)
            # a racy stamp is stored as 0: never equal to the file's, so the manifest is read again next time
            mtime = st.st_mtime_ns if now - st.st_mtime_ns > RACY_NS else 0
            db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (key, shard, kind, notebook, cell_id, mtime, st.st_size, st.st_ino))
        for key in set(old) - present:
            db.execute("DELETE FROM entries WHERE key = ?", (key,))
