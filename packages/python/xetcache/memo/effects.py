"""What a memoized call reads and changes besides its arguments: the data globals named by its code and by the user
functions it reaches (a list, a dict, a number, a generator object), what its own functions hold (closures, defaults,
attributes), and the kernel's hidden state (global random generators, matplotlib's style, pandas options, ...).

Reads are inputs: the fingerprint of every data global the code names is part of the call's key, so `SCALE = 3`
after a call with `SCALE = 2` is a miss, as a call would have given another value. Changes are effects a hit
cannot redo (it returns the value without running the body): a call that appended to a global list, rebound or
created a global, advanced `np.random`'s global state or a generator held in a global, filled a memo in its
closure or default, or set a style, is returned but not stored. Values without a fingerprint (a lock, a
connection, an open file) make the call run uncached: what it reads through them is the world outside the kernel.

Code (functions, classes, modules) stays keyed by codedeps' code digest; library modules by their name.

Files are seen as for cells (cell/files.py): a file or environment variable the call read is a dependency recorded in
the entry and checked on lookup (a changed `data.csv` runs the call again); a call that wrote, appended to, removed
or renamed a file, or started a subprocess, is not stored (a hit would not do it again).
"""

from __future__ import annotations

import os
import threading
import types
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..cell import decline, files, hidden, native, registries, traced
from ..errors import UntraceableError
from ..keys import codedeps
from ..keys.encoder import Notes

_CODE = (types.FunctionType, type, types.ModuleType)
# names whose use reaches globals, frames or code strings the key cannot see (cell/decline.py says what each does;
# its other names, `compile`, `locals`, file times, are a cell's concern, harmless in a function's own scope)
_UNTRACEABLE = ("exec", "eval", "globals", "__import__", "_getframe", "currentframe", "f_globals", "f_locals",
                "f_back", "__main__", "user_ns", "run_cell", "run_line_magic", "run_cell_magic")
GLOBAL = "global "  # the prefix of a data global's name among a call's inputs (no argument name has a space)
Fingerprint = Callable[..., str]


def _data_globals(notes: Notes) -> Tuple[Dict[str, Any], Dict[str, Tuple[Dict[str, Any], str]]]:
    """(label -> value) of the data the reached functions' code names as globals, and (label -> (namespace,
    name)) of the names they use that no global holds yet (an assignment through `global` would create one)."""
    values: Dict[str, Any] = {}
    absent: Dict[str, Tuple[Dict[str, Any], str]] = {}
    for fn in notes.functions.values():
        g = fn.__globals__
        module = g.get("__name__") or "?"
        names = codedeps.names_of(fn.__code__)
        for name in sorted(names):
            if name.startswith("__"):
                continue
            label = f"{module}.{name}"
            if name not in g:
                absent.setdefault(label, (g, name))
            elif not isinstance(g[name], _CODE):
                values.setdefault(label, g[name])
        for label, value in codedeps.overrides(names, g):  # constants user code set on library modules, builtins
            if not isinstance(value, _CODE):
                values.setdefault(f"{module}:{label}", value)
    return values, absent


class Reach:
    """A call's code digest and the fingerprints of the data globals it reads, taken before the call; after it,
    `changes()` says what the call changed that a hit would not change again."""

    def __init__(self, target: types.FunctionType, fingerprint: Fingerprint, same: Any = None) -> None:
        self.target = target
        self.fingerprint = fingerprint
        self.code, self.globals, self.absent, values = self._take(same)
        self.values = {f"global '{label.rsplit('.', 1)[-1]}'": v for label, v in values.items()}  # for sharing.py
        self.hidden: Dict[str, Any] = {}
        self.threads: set = set()

    def before_run(self) -> None:
        """Note the hidden state as the call finds it (only a call that runs needs it)."""
        self.hidden = hidden.capture()
        self.threads = {t.ident for t in threading.enumerate()}

    def _take(self, same: Any = None) -> Tuple[str, Dict[str, str], Dict[str, Tuple[Dict[str, Any], str]],
                                                Dict[str, Any]]:
        """Code digest, data globals' fingerprints (their objects told to ``same``: keys/sameobjects.py), ..."""
        notes = Notes(code_only=True)
        code = self.fingerprint(self.target, getattr(self.target, "__qualname__", None), notes)
        self._functions = list(notes.functions.values())  # the callees it reaches (for registries.reason)
        for name in _UNTRACEABLE:
            if name in notes.names:
                raise UntraceableError(f"{decline.DYNAMIC[name]} (in {notes.names[name]}): what a call reads and "
                                       "changes through it cannot be known")
        values, absent = _data_globals(notes)
        fps = {GLOBAL + label: self.fingerprint(value, "global " + label.rsplit(".", 1)[-1], same=same)
               for label, value in sorted(values.items())}
        return code, fps, absent, values

    def named_files(self, arguments: Dict[str, Any]) -> List[str]:
        """Existing files the call names (its arguments, the globals it reads, its code's and callees' string
        constants): native code may read or write them unseen (cell/native.py)."""
        codes = [getattr(f, "__code__", None) for f in [self.target] + self._functions]
        return native.named_files(codes, list(arguments.values()) + list(self.values.values()))

    def registers(self) -> Optional[str]:
        """Why a hit could not repeat a registration the code makes (a codec, an exit handler, ...: found in its
        bytecode and its callees', as for cells), or None. Asked only of a call that ran, not on every lookup."""
        return registries.reason(getattr(self.target, "__code__", None), getattr(self.target, "__globals__", {}),
                                 self._functions)

    def changes(self) -> List[str]:
        """What the call changed besides its arguments, each said in a few words (empty: nothing)."""
        out: List[str] = []
        try:
            code, fps, _, _ = self._take()
        except Exception as e:  # noqa: BLE001 - a global that had a fingerprint has none now: changed
            return [f"what its code reads ({type(e).__name__}: {e})"]
        if code != self.code:
            out.append("its own code, closure, defaults or attributes")
        changed = sorted(label for label in set(fps) | set(self.globals) if fps.get(label) != self.globals.get(label))
        out += [f"global '{label[len(GLOBAL):].rsplit('.', 1)[-1]}'" for label in changed]
        out += [f"global '{name}' (created)" for g, name in self.absent.values() if name in g]
        after = hidden.capture(list(self.hidden))
        before_fp, after_fp = hidden.fingerprints(self.hidden), hidden.fingerprints(after)
        out += [name for name in sorted(set(before_fp) | set(after_fp)) if before_fp.get(name) != after_fp.get(name)]
        # a source first imported by the call is not a change: a hit leaves it to be imported, in its first state
        out += [f"the threads (it left {t.name} running)" for t in threading.enumerate()
                if t.ident not in self.threads and t.is_alive() and traced.user_thread(t)]
        return out


class Files:
    """`with Files(store_path) as f:` around a call: what it opened, listed, asked about and read from the
    environment. Nested in a cell's recording (a cached cell calling a memoized function), what the call did is
    handed on to the cell's recorder when it ends: the cell depends on it (or declines) as if it had done it."""

    _KEYED = ("read_paths", "dirs", "env_reads", "statted", "made_dirs", "fresh", "created")
    _LISTED = ("writes", "spawned", "fs_changes")

    def __init__(self, store_path: str) -> None:
        self.rec = files.FileRecorder(store_path)
        self.env_before = dict(os.environ)

    def __enter__(self) -> "Files":
        self.outer = files.current()  # records go to the innermost recorder only: handed on at the end
        self.rec.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.rec.__exit__(*exc)
        if self.outer is not None:
            for name in self._KEYED:
                for p in getattr(self.rec, name):
                    getattr(self.outer, name).setdefault(p)
            for name in self._LISTED:
                getattr(self.outer, name).extend(getattr(self.rec, name))
            self.outer.env_listed = self.outer.env_listed or self.rec.env_listed
            self.outer.cwd_read = self.outer.cwd_read or self.rec.cwd_read

    def changes(self) -> List[str]:
        """What the call did to the file system that a hit would not do again."""
        rec = self.rec
        out = [f"file {p}" for p in list(rec.writes) + list(rec.created)]
        out += [f"the file system ({c})" for c in rec.fs_changes]
        out += [f"folder {p} (made)" for p in rec.made_dirs]
        out += [f"the world through a subprocess ({s})" for s in rec.spawned]
        out += [f"environment variable {k}" for k in sorted(hidden.env_changes(self.env_before, dict(os.environ)))]
        return out

    def trace(self) -> Dict[str, Any]:
        """The entry's trace: files read (path + sha256) and environment variables read, as the call found them."""
        deps = hidden.fingerprints({hidden.ENV + k: self.env_before.get(k) for k in self.rec.env_reads})
        if self.rec.env_listed:
            deps.update(hidden.fingerprints({hidden.ENV_NAMES: sorted(self.env_before)}))
        return {"files": self.rec.reads(), "hidden": deps}


def stale(manifest: Dict[str, Any]) -> Any:
    """Why a function entry's recorded reads no longer hold (a file or variable changed), or None. The files it
    names become reads of a cell being recorded around this call, as if the call had read them."""
    trace = manifest.get("trace") or {}
    outer = files.current()
    if outer is not None:
        for f in trace.get("files") or []:
            if isinstance(f.get("path"), str):
                outer.read_paths.setdefault(os.path.realpath(f["path"]))
        for name in trace.get("hidden") or {}:
            if name.startswith(hidden.ENV):
                outer.env_reads.setdefault(name[len(hidden.ENV):])
    return traced.stale_reason(trace)
