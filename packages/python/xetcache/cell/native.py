"""Files that native code may open, where Python's audit hook does not see the open: pyarrow, h5py and sqlite3 open
their files from C. Two sources tell us of them: the paths a run names (string constants of its code and of the user
functions it reaches, str/Path values it reads, one level into lists, tuples, sets, dicts and objects' attributes) and the
`sqlite3.connect` audit event. Each is a read dependency like a file opened in Python; and because a native library
can write a file as well as read it (an INSERT, an HDF5 file opened "a"), each is stat'ed before the run and again
after: a file changed meanwhile, by no write Python saw, is a change a hit would not make again (the run declines).
"""

from __future__ import annotations

import os
import types
from typing import Any, Dict, Iterable, List, Optional, Tuple

_CONTAINER_MAX = 1000  # items looked at in one list/dict value: a path list, not a dataset of strings
Signature = Optional[Tuple[int, int, int, int]]


def string_constants(code: types.CodeType) -> Iterable[str]:
    for c in code.co_consts:
        if isinstance(c, str):
            yield c
        elif isinstance(c, types.CodeType):
            yield from string_constants(c)


def _paths_in(value: Any) -> Iterable[Any]:
    if isinstance(value, (str, os.PathLike)):
        yield value
    elif isinstance(value, (list, tuple, set, frozenset)) and len(value) <= _CONTAINER_MAX:
        yield from (v for v in value if isinstance(v, (str, os.PathLike)))
    elif isinstance(value, dict) and len(value) <= _CONTAINER_MAX:
        yield from (v for v in value.values() if isinstance(v, (str, os.PathLike)))
    elif not isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType)):
        attrs = getattr(value, "__dict__", None)  # a config object: Config(path='data.parquet')
        if isinstance(attrs, dict) and len(attrs) <= _CONTAINER_MAX:
            yield from (v for v in attrs.values() if isinstance(v, (str, os.PathLike)))


def named_files(codes: Iterable[Optional[types.CodeType]], values: Iterable[object]) -> List[str]:
    """Existing files named by the string constants of ``codes`` or by str/Path ``values`` (or their items)."""
    candidates: List[Any] = []
    for code in codes:
        if isinstance(code, types.CodeType):
            candidates += list(string_constants(code))
    for v in values:
        try:
            candidates += [os.fspath(p) for p in _paths_in(v)]
        except (TypeError, ValueError):
            continue
    out: List[str] = []
    for c in dict.fromkeys(c for c in candidates if isinstance(c, str)):  # each name stat'ed once, in order
        if 0 < len(c) < 4096 and "\n" not in c and "\0" not in c:
            try:
                if os.path.isfile(c):
                    out.append(c)
            except (OSError, ValueError):
                continue
    return out


def sqlite_path(database: object) -> Optional[str]:
    """The file `sqlite3.connect(database)` opens, or None (in memory, a temporary database)."""
    if isinstance(database, (bytes, os.PathLike)):
        database = os.fsdecode(database)
    if not isinstance(database, str) or database in ("", ":memory:"):
        return None
    if not database.startswith("file:"):
        return database
    path, _, query = database[len("file:"):].partition("?")  # a URI (uri=True): file:data.db?mode=ro
    if "mode=memory" in query or path.startswith(":memory:"):
        return None
    if path.startswith("//"):  # file:///abs/path, file://localhost/abs/path
        path = "/" + path[2:].split("/", 1)[1] if "/" in path[2:] else ""
    return path.split("#", 1)[0] or None


def connected(recorder: Any, args: tuple) -> None:
    """The `sqlite3.connect` audit event: the database file (if any) is opened by the run (never raises)."""
    try:
        path = sqlite_path(args[0] if args else None)
        if path is not None:
            recorder.native_opened(path)
    except Exception:  # noqa: BLE001 - never break the user's connect
        pass


def signature(path: str) -> Signature:
    """What tells a changed file from the same one without reading it (None: it does not exist)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def changed(watched: Dict[str, Signature], explained: Iterable[str]) -> List[str]:
    """The watched files that changed since they were watched, except those Python-level writes explain."""
    skip = set(explained)
    return [f"{p} (changed outside Python's open, by native code)" for p, sig in watched.items()
            if p not in skip and signature(p) != sig]
