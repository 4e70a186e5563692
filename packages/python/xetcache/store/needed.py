"""The one answer to "which objects does this entry need?" (to restore it, to fetch it, to push it).

Callers that move or check the objects of an entry go through :func:`needed_oids` and nowhere else: the lazy
Git LFS fetch, the remote tier (``xetcache/remote/``: read-through fetch, write-through push, ``xetcache pull``)
and anything that asks "is this entry complete here?".

The function lives in :mod:`xetcache.store.manifest` (next to the format it reads): a format-2 manifest's chunked
objects are replaced by their chunks, so every caller moves and checks exactly the stored files a reader needs,
each verified against its name (spec/FORMAT.md, "Which objects an entry needs"). Re-exported here for callers.
"""

from __future__ import annotations

from .manifest import needed_oids

__all__ = ["needed_oids"]
