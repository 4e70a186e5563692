"""Finding a cached cell's entry, for both kinds of cached cells (engine.py, inferred.py): the store and the
manifest of a key. Nothing the store holds may turn into an error in the user's cell: a store this engine cannot use
and a manifest it cannot trust are misses, and the run event's reason (the badge tooltip) says why."""

from __future__ import annotations

from typing import Optional

from ..errors import CorruptObjectError, XetCacheError
from ..store.cache import open_store
from ..store.storage import Storage
from . import events


def open_store_for(event: dict) -> Optional[Storage]:
    """The configured store, None when there is none yet or it cannot be used: a STORE marker this engine does not
    recognise, a newer format, a symlinked folder. Storing then fails with the same code (an error event)."""
    try:
        return open_store(create=False)
    except (XetCacheError, OSError) as e:
        event["reason"] = f"store not usable ({getattr(e, 'code', type(e).__name__)}): {e}; ran without the cache"
        return None


def manifest(store: Storage, key: str, event: dict) -> Optional[dict]:
    """The manifest of ``key``, None on a miss. An invalid one (EBADMANIFEST: not JSON, against the schema, a newer
    format, not a regular file) is a miss too, with its reason, instead of looking like "never stored"."""
    try:
        return store.read_manifest(key)
    except CorruptObjectError as e:
        event["reason"] = events.unusable_reason(e)
        return None
