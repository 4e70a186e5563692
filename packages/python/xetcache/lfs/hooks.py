"""Hook for objects that are Git LFS pointer files (cloned without `git lfs pull`).

The storage calls :func:`fetch_objects` when an entry it is about to load names objects that are only pointers.
True means "they are local now, read them again"; False or ObjectNotLocalError means the caller treats the entry
as a miss and the code simply runs. The work is done by :mod:`xetcache.lfs` (lazy `git lfs pull --include`); this
indirection keeps storage independent of git and lets tests replace the fetch.
"""

from __future__ import annotations

from typing import Sequence


def fetch_objects(store_dir: str, oids: Sequence[str]) -> bool:
    """Try to make the given objects of the store at ``store_dir`` local. True if all now are.

    May raise ObjectNotLocalError with the reason (not a git repo, no git-lfs, fetch failed)."""
    try:
        from . import fetch as lfs
    except ImportError:  # engine copied without the git part: pointers stay misses
        return False
    return bool(lfs.fetch_objects(store_dir, list(oids)))


def objects_replaced(store_dir: str, oids: Sequence[str]) -> None:
    """Pointer files of the store were replaced by their content (an entry stored again after a failed fetch).
    Best effort: lets git know the files are unchanged (as `git lfs pull` does), so `git status` stays clean."""
    try:
        from . import fetch as lfs
    except ImportError:
        return
    lfs.refresh_index(store_dir, list(oids))
