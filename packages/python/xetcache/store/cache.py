"""The one per-process cache of open stores, shared by cached cells and cached functions.

Opening a store checks its folder and marker; doing that on every hit would cost file checks, so each path is
opened once. A store whose folder was deleted while the kernel ran is opened (and created) again before a write.
"""

from __future__ import annotations

import os
from typing import Dict, Optional

from .. import config
from ..errors import StoreNotFoundError
from .storage import Storage

_stores: Dict[str, Storage] = {}


def open_store(create: bool, path: Optional[str] = None) -> Optional[Storage]:
    """The Storage of ``path`` (default: the configured memo path). None when the store does not exist yet and
    ``create`` is False."""
    path = os.path.abspath(path or config.get_memo_path())
    store = _stores.get(path)
    if store is not None and create and not os.path.exists(os.path.join(path, "STORE")):
        store = None  # the folder was deleted while the kernel ran: create it again before writing
    if store is None:
        try:
            store = Storage(path, create=create)
        except StoreNotFoundError:
            return None
        _stores[path] = store
    return store
