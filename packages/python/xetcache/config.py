"""Process-wide settings of the engine (the original XetCache `xetcache.config` API plus the lab settings).

The memo path default is resolved when used (not at import), so `os.chdir` into a notebook's folder is honoured.
"""

from __future__ import annotations

import os
from typing import Optional, Union

from .errors import BadRequestError

_DEFAULT_THRESHOLD_S = 3.0
_DEFAULT_DIRNAME = ".xetcache"

_threshold_s: float = _DEFAULT_THRESHOLD_S
_memo_path: Optional[str] = None
_always_default: bool = False
_byte_budget: Optional[int] = None


def set_runtime_threshold(seconds: float) -> None:
    """Only runs longer than this many seconds are stored (unless "always")."""
    global _threshold_s
    value = float(seconds)
    if value != value or value < 0:  # NaN or negative
        raise ValueError(f"runtime threshold must be a number >= 0, got {seconds!r}")
    _threshold_s = value


def get_runtime_threshold() -> float:
    return _threshold_s


def set_memo_path(path: Union[str, "os.PathLike[str]", None]) -> None:
    """Folder of the store (the `.xetcache` folder itself). None restores the default `<cwd>/.xetcache`. An empty
    path is refused (EBADREQUEST): it would resolve to the current folder, making the notebook folder the store."""
    global _memo_path
    if path is not None:
        text = os.fspath(path)
        if not (text.strip() if isinstance(text, str) else text.strip(b" \t\r\n")):
            raise BadRequestError(f"the store folder must be a path such as '.xetcache' (or None for the default), "
                                  f"got {text!r}")
        path = text
    _memo_path = path


def get_memo_path() -> str:
    """Absolute path of the store folder, resolved now (a relative setting is relative to the current cwd)."""
    path = _memo_path if _memo_path is not None else _DEFAULT_DIRNAME
    return os.path.abspath(os.path.expanduser(path))


def set_always_default(always: bool) -> None:
    """Default of "always" for cells that do not say (the lab setting)."""
    global _always_default
    _always_default = bool(always)


def get_always_default() -> bool:
    return _always_default


def set_byte_budget(nbytes: Optional[int]) -> None:
    """Refuse to store past this many bytes of objects in the store (None = no limit)."""
    global _byte_budget
    if nbytes is not None:
        nbytes = int(nbytes)
        if nbytes < 0:
            raise ValueError(f"byte budget must be >= 0 or None, got {nbytes!r}")
    _byte_budget = nbytes


def get_byte_budget() -> Optional[int]:
    return _byte_budget


def reset() -> None:
    """Back to defaults (used by tests and by `jupyter.activate` before applying settings)."""
    global _threshold_s, _memo_path, _always_default, _byte_budget
    _threshold_s = _DEFAULT_THRESHOLD_S
    _memo_path = None
    _always_default = False
    _byte_budget = None
