"""Hook for objects that are Git LFS pointer files (cloned without `git lfs pull`).

The storage layer calls :func:`fetch_objects` when an entry it is about to load names objects that are only
pointers. Returning True means "they are local now, read them again"; False means the caller treats the entry as a
miss and the code simply runs. The lazy `git lfs pull --include` implementation belongs to another component; this
stub keeps the call site and its contract in place.
"""

from __future__ import annotations

from typing import Sequence


def fetch_objects(store_dir: str, oids: Sequence[str]) -> bool:
    """Try to make the given objects of the store at ``store_dir`` local. Returns True if all now are."""
    return False
