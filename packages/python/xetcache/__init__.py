"""XetCache: a persistent, git-friendly cache for notebook cells and Python functions.

Only re-exports here; each concept lives in its own module.
"""

from ._version import __version__
from .config import (
    get_always_default, get_byte_budget, get_memo_path, get_runtime_threshold, set_always_default, set_byte_budget,
    set_memo_path, set_runtime_threshold,
)
from .errors import (
    CorruptObjectError, ObjectNotLocalError, StoreFullError, StoreNotFoundError, StoreVersionError, UnhashableError,
    UnloadableError, UnpicklableError, XetCacheError,
)
from .keys.fingerprint import fingerprint
from .memo.functions import xeteval, xeteval_always, xetmemo, xetmemo_always
from .keys.key import cell_key, function_key
from .store.storage import Storage


def load_ipython_extension(ip):  # type: ignore[no-untyped-def]
    """`%load_ext xetcache`: registers the magics (imported lazily so plain Python never imports IPython)."""
    from .ipython.magics import load_ipython_extension as _load

    _load(ip)


__all__ = [
    "__version__", "xetmemo", "xetmemo_always", "xeteval", "xeteval_always", "fingerprint", "cell_key", "function_key",
    "Storage", "set_runtime_threshold", "get_runtime_threshold", "set_memo_path", "get_memo_path",
    "set_always_default", "get_always_default", "set_byte_budget", "get_byte_budget", "XetCacheError",
    "UnhashableError", "UnpicklableError", "CorruptObjectError", "ObjectNotLocalError", "UnloadableError",
    "StoreVersionError", "StoreNotFoundError", "StoreFullError", "load_ipython_extension",
]
