"""The one answer to "which objects does this entry need?" (to restore it, to fetch it, to push it).

Callers that move or check the objects of an entry go through :func:`needed_oids` and nowhere else: the lazy
Git LFS fetch, the remote tier (``xetcache/remote/``: read-through fetch, write-through push, ``xetcache pull``)
and anything that asks "is this entry complete here?".

Note for the content-defined chunks work: when an object may become a chunk list, this is the function to change
so that it returns every object id a reader has to have locally (the list object itself and the chunks it names,
each once, in the order a reader wants them). The remote tier then moves chunks with no change of its own: it
fetches, verifies and uploads exactly the ids returned here, each verified against its name.
"""

from __future__ import annotations

from typing import Any, Dict, List

from .manifest import object_ids


def needed_oids(manifest: Dict[str, Any]) -> List[str]:
    """Every object id a valid manifest needs present locally for a hit, each once, in a stable order."""
    return object_ids(manifest)
