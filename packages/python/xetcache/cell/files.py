"""The files a running cell opens, seen through Python's audit hooks (`open`, `os.listdir`, `os.scandir`), and
the paths it asks about (`os.stat`/`os.lstat`, which `os.path.exists`, `isfile`, `getsize` and pathlib call, have no
audit event: they are wrapped while a recorder is active, since `if os.path.exists(p)` decides what a cell does),
and the environment variables it reads (os.environ's lookups, wrapped the same way).

Reads become dependencies of the entry (path + sha256; a directory listing by its sorted names), checked again
on lookup: a changed `data.csv` is a miss. A write makes the cell decline (a hit would not write the file again).
Opens by libraries in their own folders, caches and devices are ignored. An audit hook cannot be removed, so one
hook is installed per process and records only while a recorder is active. Files opened by C code that bypasses
Python's `open` (some native readers) are not seen: a documented limit.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from ..keys import codedeps
from . import descriptors, filedigest, native

_active: List["FileRecorder"] = []
_installed = False
_lock = threading.Lock()
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _ignored_roots() -> Tuple[str, ...]:
    home = os.path.expanduser("~")
    roots = ["/dev/", "/proc/", "/sys/", sys.prefix + os.sep, sys.base_prefix + os.sep]
    roots += [os.path.join(home, d) + os.sep for d in (".cache", ".config", ".ipython", ".local", ".matplotlib",
                                                       ".jupyter", ".keras", ".nv")]
    return tuple(os.path.realpath(r) + (os.sep if not r.endswith(os.sep) else "") for r in roots)


# Changes to the file system other than writing a file's bytes: a hit cannot redo them, except making a folder
_FS_CHANGES = ("os.remove", "os.rmdir", "os.rename", "shutil.rmtree", "os.truncate", "os.link", "os.symlink",
               "os.chmod", "os.chown", "os.utime", "os.mkdir")
_SPAWN = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.startfile")


def _called_from_user_code() -> bool:
    """Whether the nearest frame outside the standard library is user code (not a library spawning workers)."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen importlib"):
            return False  # the import system (scanning sys.path folders), whoever imported
        if filename != __file__ and codedeps.is_user_file(filename) and not filename.startswith("<frozen"):
            return True
        if not codedeps.is_user_file(filename) and not _is_stdlib(filename):
            return False  # site-packages code (joblib/loky workers, ...) started it: its own business
        frame = frame.f_back
    return False


def _is_stdlib(filename: str) -> bool:
    return "site-packages" not in filename and "dist-packages" not in filename


_asking_now = threading.local()  # set while the engine records: its own stats, lookups and opens are not the cell's


def current() -> Optional["FileRecorder"]:
    """The recorder active now, the innermost one (records go to it only), or None."""
    return _active[-1] if _active else None


@contextlib.contextmanager
def engine_work() -> Iterator[None]:
    """While the engine does its own work (its store, the files a trace names), no recorder takes it for the user's."""
    was = getattr(_asking_now, "on", False)
    _asking_now.on = True
    try:
        yield
    finally:
        _asking_now.on = was


def _hook(event: str, args: tuple) -> None:
    if not _active or getattr(_asking_now, "on", False):
        return
    _asking_now.on = True  # what the hook itself calls (realpath -> lstat, opens) is not the user's
    try:
        _record(event, args)
    finally:
        _asking_now.on = False


def _record(event: str, args: tuple) -> None:
    if event in _SPAWN:
        try:
            if _called_from_user_code():
                _active[-1].spawned.append(f"{event}({args[0] if args else ''})"[:120])
        except Exception:
            pass
        return
    if event in _FS_CHANGES:
        try:
            if _called_from_user_code():
                _active[-1].fs_changed(event, args)
        except Exception:
            pass
        return
    if event == "sqlite3.connect":  # the library opens the file from C: no "open" event follows
        native.connected(_active[-1], args)
        return
    if event not in ("open", "os.listdir", "os.scandir"):
        return
    try:
        rec = _active[-1]
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            rec.opened(path, mode, flags)
        elif _called_from_user_code():  # not importlib scanning sys.path folders, not a library's own lookups
            rec.listed(args[0] if args else ".")
    except Exception:  # never break the user's open()
        pass


def _watching(original: Any, note: Callable[["FileRecorder", tuple], None]) -> Any:
    """``original`` (os.stat, os.getcwd, os.environ's lookups) telling the active recorder, through ``note``, what
    user code asked (a path, a variable, the folder it is in); what the engine itself asks is not noted."""
    def watched(*args: Any, **kwargs: Any) -> Any:
        if _active and not getattr(_asking_now, "on", False):
            _asking_now.on = True  # recording calls realpath, which calls lstat: not again from in here
            try:
                if _called_from_user_code():
                    note(_active[-1], args)
            except Exception:  # never break the user's call
                pass
            finally:
                _asking_now.on = False
        return original(*args, **kwargs)

    watched.__wrapped__ = original  # type: ignore[attr-defined]
    return watched


def _stat_note(rec: "FileRecorder", args: tuple) -> None:
    if args and not isinstance(args[0], int):
        rec.asked(args[0])


def _env_read_note(rec: "FileRecorder", args: tuple) -> None:
    if len(args) > 1 and isinstance(args[1], str):
        rec.env_reads.setdefault(args[1])


def _env_list_note(rec: "FileRecorder", args: tuple) -> None:
    rec.env_listed = True


def _cwd_note(rec: "FileRecorder", args: tuple) -> None:
    rec.cwd_read = True


# os.environ's methods watched (`.get`, `in` and os.getenv go through __getitem__; keys(), items(), copy() and
# dict(os.environ) through __iter__) and what each notes
_ENV_WATCHED = (("__getitem__", _env_read_note), ("__iter__", _env_list_note), ("__len__", _env_list_note))


class FileRecorder:
    """`with FileRecorder(store_dir) as rec: ...` then `rec.reads()` / `rec.writes`."""

    def __init__(self, store_dir: str) -> None:
        self.store = os.path.realpath(store_dir) + os.sep
        self.ignored = _ignored_roots()
        self.read_paths: Dict[str, None] = {}
        self.dirs: Dict[str, None] = {}
        self.env_reads: Dict[str, None] = {}  # environment variables user code read: inputs like files
        self.env_listed = False  # user code listed the environment's names (`for k in os.environ`): an input too
        self.cwd_read = False  # user code asked which folder it is in: the working directory is an input
        self.statted: Dict[str, None] = {}  # paths asked about (exists, size, type): their content is a dependency
        self.writes: List[str] = []
        self.spawned: List[str] = []
        self.fs_changes: List[str] = []  # removes, renames, ... by user code: the cell declines
        self.made_dirs: Dict[str, None] = {}  # folders the run made: made again on a hit
        self.fresh: Dict[str, None] = {}  # files the run created where nothing was (removing them again is no change)
        self.created: Dict[str, None] = {}  # files the run (re)wrote from scratch: stored, written again on a hit
        self.fds_before: Dict[int, descriptors.Entry] = {}
        self.fd_moves: List[Tuple[int, str, bool]] = []  # (fd, path, written): descriptors.moved
        self.native: Dict[str, native.Signature] = {}  # files native code may open, as they were (native.py)

    def _keep(self, path: object) -> Optional[str]:
        if isinstance(path, int) or path is None:
            return None  # an fd: its file was seen when it was opened
        p = os.path.realpath(os.fsdecode(path))  # type: ignore[arg-type]
        if p.startswith(self.ignored) or p.startswith(self.store) or p.endswith((".pyc", ".pyo")):
            return None
        if not codedeps.is_user_file(p):  # the standard library, site-packages
            return None
        return p

    def opened(self, path: object, mode: object, flags: object) -> None:
        p = self._keep(path)
        if p is None:
            return
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and not isinstance(mode, str) and flags & _WRITE_FLAGS)
        # A file the run creates or truncates ("w", "x") ends up holding what the run wrote: a hit can write the
        # same bytes. Appending or updating in place depends on what was there: the cell declines.
        replaces = (isinstance(mode, str) and ("w" in mode or "x" in mode) and "+" not in mode) or (
            isinstance(flags, int) and not isinstance(mode, str) and flags & os.O_TRUNC
            and not flags & (os.O_APPEND | os.O_RDWR))
        if writing and replaces and p not in self.writes and p not in self.read_paths:
            self.created.setdefault(p)
            if not os.path.lexists(p):  # the hook runs before the open: nothing was there
                self.fresh.setdefault(p)
        elif writing:
            self.created.pop(p, None)
            if p not in self.writes:
                self.writes.append(p)
        else:
            self.read_paths.setdefault(p)

    def listed(self, path: object) -> None:
        p = self._keep(path if path is not None else ".")
        if p is not None:
            self.dirs.setdefault(p)

    def fs_changed(self, event: str, args: tuple) -> None:
        paths = [self._keep(a) for a in args[:2 if event in ("os.rename", "os.link", "os.symlink") else 1]
                 if isinstance(a, (str, bytes, os.PathLike))]
        paths = [p for p in paths if p is not None]
        if not paths:
            return  # library folders, caches, the store, or an fd
        p = paths[0]
        if event == "os.mkdir":
            if not os.path.lexists(p):
                self.made_dirs.setdefault(p)
        elif event in ("os.chmod", "os.chown", "os.utime", "os.truncate") and p in self.created:
            pass  # a file this run writes whole (shutil.copy2 sets its mode and times): written again on a hit
        elif event == "os.remove" and p in self.fresh:
            self.created.pop(p, None)  # a scratch file the run made and removed: no trace left to redo
        else:
            self.fs_changes.append(f"{event}({p})"[:160])

    def watch_native(self, paths: List[str]) -> None:
        """Before the run: files it names, which native code may read or write unseen (native.py)."""
        with engine_work():
            for path in paths:
                p = self._keep(path)
                if p is not None and p not in self.native:
                    self.native[p] = native.signature(p)

    def native_opened(self, path: str) -> None:
        """A file a native library opened during the run (sqlite3.connect): read, and watched for changes."""
        self.watch_native([path])
        p = self._keep(path)
        if p is not None:
            self.read_paths.setdefault(p)

    def asked(self, path: object) -> None:
        p = self._keep(path)
        if p is not None:
            self.statted.setdefault(p)

    def __enter__(self) -> "FileRecorder":
        global _installed
        with _lock:
            if not _installed:
                sys.addaudithook(_hook)
                _installed = True
            if not _active:
                for name in ("stat", "lstat"):
                    setattr(os, name, _watching(getattr(os, name), _stat_note))
                # os.getcwd (os.path.abspath, Path.cwd, Path.resolve call it): a value that names the folder
                os.getcwd = _watching(os.getcwd, _cwd_note)
                env = type(os.environ)
                for name, note in _ENV_WATCHED:
                    setattr(env, name, _watching(getattr(env, name), note))
            self.fds_before = descriptors.open_files(self._keep)
            _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with _lock:
            if self in _active:
                _active.remove(self)
            self.fd_moves = descriptors.moved(self.fds_before, descriptors.open_files(self._keep))
            with engine_work():  # watched files: changed by no write Python saw -> declines; else read
                self.fs_changes += native.changed(self.native, list(self.writes) + list(self.created))
                for p in self.native:
                    if p not in self.writes and p not in self.created:
                        self.read_paths.setdefault(p)
            if not _active:
                for name in ("stat", "lstat", "getcwd"):
                    setattr(os, name, getattr(getattr(os, name), "__wrapped__", getattr(os, name)))
                env = type(os.environ)
                for name, _ in _ENV_WATCHED:
                    setattr(env, name, getattr(getattr(env, name), "__wrapped__", getattr(env, name)))

    def reads(self) -> List[Dict[str, Optional[str]]]:
        """The dependencies as the manifest's trace.files: [{path, sha256}] (a directory: sha256 of its listing)."""
        cwd = os.path.realpath(os.getcwd()) + os.sep
        # paths inside the working folder are kept relative: a colleague's clone sits elsewhere
        rel = lambda p: p[len(cwd):] if p.startswith(cwd) else p  # noqa: E731
        out = [{"path": rel(p), "sha256": filedigest.file_digest(p)} for p in self.read_paths
               if p not in self.writes and p not in self.created]
        out += [{"path": rel(p), "sha256": filedigest.file_digest(p)} for p in self.dirs if p not in self.read_paths]
        seen = set(self.read_paths) | set(self.dirs) | set(self.writes) | set(self.created)
        out += [{"path": rel(p), "sha256": filedigest.file_digest(p)} for p in self.statted if p not in seen]
        return out
