"""Per-file values of a sharded store folder (``entries/<k0k1>/*.json``, ``objects/sha256/<o0o1>/*``), recomputed
only for what changed since the last look.

The engine has no server to ask, and reading every manifest on each miss (or stat-ing every object on each save
with a byte budget) grows with the store. Every way a file gets into or out of a shard — our atomic rename, a
writer in another process, `git pull`/`checkout` (which unlink and create files), eviction — changes the shard
directory's mtime, so an unchanged shard is skipped after a single stat. Inside a changed shard a file keeps its
value while its (mtime, size, inode) stamp is unchanged.

Racy stamps (the "racy git" problem): two changes within one timestamp tick leave the same mtime. A directory or
file whose mtime is less than RACY_NS before the moment we looked is therefore not trusted next time: the shard
is listed again / the file recomputed, until its mtime is old enough to mean something.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

RACY_NS = 2_000_000_000  # 2 s: above the coarsest mtime granularity we expect on local disks (1 s), with margin

Stamp = Tuple[int, int, int]


class _Shard:
    __slots__ = ("mtime", "trusted", "files")

    def __init__(self, mtime: int, trusted: bool, files: Dict[str, Tuple[Stamp, bool, Any]]) -> None:
        self.mtime, self.trusted, self.files = mtime, trusted, files


class ShardCache:
    """``compute(path, stat)`` gives the value kept for one file; ``accept(name)`` says which names count."""

    def __init__(self, root: str, compute: Callable[[str, os.stat_result], Any],
                 accept: Callable[[str], bool] = lambda name: True) -> None:
        self.root = root
        self._compute = compute
        self._accept = accept
        self._shards: Dict[str, _Shard] = {}
        self.computed = 0  # how many values were (re)computed: lets tests see that unchanged files are not read

    def items(self) -> Iterator[Tuple[str, Any]]:
        """(file name, value) of every file, fresh as of this call."""
        self.refresh()
        for shard in self._shards.values():
            for name, (_, _, value) in shard.files.items():
                yield name, value

    def refresh(self) -> None:
        now = time.time_ns()
        seen = set()
        try:
            dirs = list(os.scandir(self.root))
        except (FileNotFoundError, NotADirectoryError):
            self._shards.clear()
            return
        for d in dirs:
            try:
                if not d.is_dir(follow_symlinks=False):
                    continue
                st = d.stat(follow_symlinks=False)
            except FileNotFoundError:  # removed while we looked
                continue
            seen.add(d.name)
            old = self._shards.get(d.name)
            if old is not None and old.trusted and old.mtime == st.st_mtime_ns:
                continue
            files = self._scan(d.path, old, now)
            if files is not None:
                self._shards[d.name] = _Shard(st.st_mtime_ns, now - st.st_mtime_ns > RACY_NS, files)
            else:
                seen.discard(d.name)
        for name in [n for n in self._shards if n not in seen]:
            del self._shards[name]

    def _scan(self, path: str, old: Optional[_Shard], now: int) -> Optional[Dict[str, Tuple[Stamp, bool, Any]]]:
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            return None
        files: Dict[str, Tuple[Stamp, bool, Any]] = {}
        for f in entries:
            if not self._accept(f.name):
                continue
            try:
                st = f.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            prev = old.files.get(f.name) if old is not None else None
            if prev is not None and prev[1] and prev[0] == stamp:
                files[f.name] = prev
                continue
            self.computed += 1
            files[f.name] = (stamp, now - st.st_mtime_ns > RACY_NS, self._compute(f.path, st))
        return files
