"""A toggled cell with inferred inputs, cached soundly: key, verifying trace, one restore graph.

1. Key (before running): the code and the fingerprints of the names it reads; a user function's fingerprint holds
   its code and the globals it names, transitively (keys/codedeps.py).
2. Trace (while a missed cell runs): objects changed in place (snapshot.py), names bound and deleted, files read
   or written (files.py), user modules imported, hidden state (hidden.py).
3. Validate and restore (on lookup): the entry is used only if every traced dependency still matches; a hit sets
   changed objects back in place, binds names from one pickle graph (graph.py) and re-runs the cell's
   import/def/class statements compiled as the cell (so `inspect.getsource` works and no compiler flag leaks).
Anything that cannot be done soundly makes the cell decline: it runs normally and the badge says why.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import sys
import threading
import types
from typing import Any, Dict, List, Optional, Tuple

from ..keys import codedeps
from ..keys.fingerprint import fingerprint
from ..keys.sameobjects import SAME_OBJECTS, SameObjects
from . import (decline, descriptors, entropy, filedigest, files, graph, hidden, imports, libattrs, native, process,
               registries, writeback)
from .snapshot import MODULE_ROOT, NotRestorable, Snapshot, render, resolve

_IPYTHON_NAMES = re.compile(r"^(_|__|___|_i+|_i?\d+|_ih|_oh|_dh|In|Out|exit|quit|get_ipython)$")
_REPLAYED = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Declined(Exception):
    """The cell cannot be cached soundly; the message is the badge's reason."""


def user_names(ns: Dict[str, Any], hidden_names: Any) -> Dict[str, int]:
    """name -> id of what it is bound to, for the names that are the user's (not IPython's, not `__dunder__`)."""
    return {n: id(v) for n, v in ns.items()
            if n not in hidden_names and not _IPYTHON_NAMES.match(n) and not (n.startswith("__") and n.endswith("__"))}


def replay_nodes(source: str) -> Tuple[ast.Module, List[str]]:
    """The cell's top-level import/def/class statements (re-run on a hit) and the names they bind. Declined when
    one of them reads, as it runs, a name an earlier statement of the cell computes (its value would be missing)."""
    tree = ast.parse(source)
    nodes: List[ast.stmt] = []
    computed: set = set()
    defined: List[str] = []
    for stmt in tree.body:
        if isinstance(stmt, _REPLAYED):
            if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
                late = [n for n in decline.deftime_reads(stmt) if n in computed]
                if late:
                    raise Declined(f"{stmt.name} is defined with {late[0]!r}, a value the cell computes")
                defined.append(stmt.name)
            else:
                defined.extend(a.asname or a.name.split(".")[0] for a in stmt.names if a.name != "*")
            nodes.append(stmt)
        else:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                    computed.add(sub.id)
    return ast.Module(nodes, type_ignores=[]), defined


def plan(source: str, reads: List[str], ns: Dict[str, Any]) -> Tuple[Dict[str, str], Dict[str, Any], List[str]]:
    """(input fingerprints, what the inputs reach (codedeps Notes), names the run may change). Declined when the
    code reaches state without naming it. UnhashableError propagates (the caller reports it)."""
    from ..keys.encoder import Notes

    notes = Notes()
    same = SameObjects()  # which inputs are, or hold, one object: `b = a` and `b = list(a)` are other inputs
    inputs_fp = {n: fingerprint(ns[n], n, notes, same) for n in reads}
    try:
        code = compile(source, "<xetcache-cell>", "exec", dont_inherit=True)
        names = codedeps.names_of(code)
    except SyntaxError:
        code, names = None, frozenset()
    # what the cell's own code reads past its inputs: builtins and library-module attributes set by user code
    inputs_fp.update({label: fingerprint(v, label, notes, same) for label, v in codedeps.overrides(names, ns)})
    shared = same.digest()
    if shared is not None:
        inputs_fp[SAME_OBJECTS] = shared
    # values no second run gives (the clock, OS entropy): a hit would replay the stored run's as this run's
    why = decline.reason(source, code, names, notes.names) or entropy.reason(code, ns, notes.functions.values()) \
        or registries.reason(code, ns, notes.functions.values())
    if why:
        raise Declined(why)
    history = sorted(n for n in names if _IPYTHON_NAMES.match(n) and n not in ("exit", "quit", "get_ipython"))
    if history:
        raise Declined(f"reads IPython's history ({history[0]}), which a cache key cannot hold")
    writable = set(reads) | {n for n, where in notes.globals.items() if where is ns}
    # globals of user modules that reached functions read or write (helpers.counter): tracked through the module
    for where in notes.globals.values():
        if where is not ns and isinstance(where.get("__name__"), str) and where["__name__"] in sys.modules:
            module = sys.modules[where["__name__"]]
            if getattr(module, "__dict__", None) is where and codedeps.is_user_module(module):
                writable.add(MODULE_ROOT + module.__name__)
    # files named by the cell or by the functions it reaches (their constants, the globals they read)
    named = native.named_files([code] + [getattr(f, "__code__", None) for f in notes.functions.values()],
                               [ns[n] for n in reads] + [g.get(n) for n, g in notes.globals.items()])
    # modules the code names without the namespace holding them (`import json` inside a called function)
    modules = sorted(n for n in set(names) | set(notes.names) if isinstance(sys.modules.get(n), types.ModuleType))
    return (inputs_fp, {"functions": sorted(notes.functions), "named_files": named, "modules": modules,
                        "attrs": sorted(set(names) | set(notes.names))}, sorted(writable))


class Run:
    """Before and after a missed run: what it changed, as a graph to store and a trace to check later."""

    def __init__(self, shell: Any, writable: List[str], modules: Optional[List[str]] = None,
                 attrs: Optional[List[str]] = None) -> None:
        self.ns = shell.user_ns
        self.hidden_names = getattr(shell, "user_ns_hidden", {})
        self.before = user_names(self.ns, self.hidden_names)
        self.result_before = self.ns.get("_")  # the cell's value (Out, _) is set by the displayhook
        self.writable = writable
        self.snapshot = Snapshot(self.ns, writable)
        if self.snapshot.truncated:
            raise Declined(f"the objects it can reach are too many to trace (> {len(self.snapshot.order)})")
        self.hidden_before = hidden.capture()
        self.env_before = dict(__import__("os").environ)
        self.hidden_fp = hidden.fingerprints(self.hidden_before)
        self.modules_before = set(sys.modules)
        self.threads_before = {t.ident for t in threading.enumerate()}
        self.named_modules = list(modules or ())
        self.library = libattrs.Watch(self.ns, [sys.modules[n] for n in modules or () if n in sys.modules], attrs)
        self.signals = process.signal_handlers()

    def result(self, defined: List[str], file_rec: files.FileRecorder,
               seeds: Optional[hidden.SeedWatch] = None) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(graph, trace) of the finished run. Declined when it wrote files or changed what cannot be set back."""
        if file_rec.writes:
            raise Declined(f"appends to or updates file {file_rec.writes[0]} (a hit cannot redo that)")
        if file_rec.fs_changes:
            raise Declined(f"changes the file system ({file_rec.fs_changes[0]}): a hit cannot redo that")
        through = descriptors.the_cells(file_rec.fd_moves, [self.ns.get(n) for n in self.writable])
        if through:
            raise Declined(f"reads or writes {through} through a file opened before the cell ran (a hit can repeat "
                           "neither)")
        if file_rec.spawned:
            raise Declined(f"runs a subprocess ({file_rec.spawned[0]}): its effects cannot be traced")
        why = self.library.changed() or _interpreter_changes(self.signals)
        if why:
            raise Declined(why)
        after = user_names(self.ns, self.hidden_names)
        replayed = set(defined)
        bound = sorted(n for n, i in after.items() if self.before.get(n) != i and not (
            n in replayed and isinstance(self.ns[n], (types.FunctionType, type, types.ModuleType))))
        deleted = sorted(n for n in self.before if n not in after)
        mutate, mutated = [], []
        for oid in self.snapshot.changed():
            try:
                kind, state = self.snapshot.state_of(oid)
            except NotRestorable as e:
                raise Declined(f"cannot restore in place: {e}") from None
            mutate.append((self.snapshot.objs[oid], kind, state))
            mutated.append(self.snapshot.describe(oid))
        hidden_after = hidden.capture()
        after_fp = hidden.fingerprints(hidden_after)
        changed_hidden = {n: s for n, s in hidden_after.items() if after_fp.get(n) != self.hidden_fp.get(n)}
        for n in changed_hidden:
            why = hidden.UNRESTORABLE[n](self.hidden_before.get(n), changed_hidden[n]) if n in hidden.UNRESTORABLE \
                else None
            if why:
                raise Declined(why)
        if "working directory" in changed_hidden:  # moved: replay the move, not this machine's absolute path
            changed_hidden["working directory"] = os.path.relpath(changed_hidden["working directory"],
                                                                  self.hidden_before["working directory"])
        for k, v in hidden.env_changes(self.env_before, dict(os.environ)).items():
            changed_hidden[hidden.ENV + k] = v
            self.hidden_fp.update(hidden.fingerprints({hidden.ENV + k: self.env_before.get(k)}))
        # the state a hit must start from: generators the run drew from, the style plots are drawn in, settings
        seeded = set(seeds.seeded_first if seeds is not None else ())
        deps = {n: fp for n, fp in self.hidden_fp.items()
                if (n in changed_hidden and n not in seeded) or n in hidden.READ_ANYWHERE}
        # variables the code read (and did not set first): inputs, as they were when the run started
        deps.update(hidden.fingerprints({hidden.ENV + k: self.env_before.get(k) for k in file_rec.env_reads
                                         if hidden.ENV + k not in changed_hidden}))
        if file_rec.env_listed:  # the names it found, as they were when the run started
            deps.update(hidden.fingerprints({hidden.ENV_NAMES: sorted(self.env_before)}))
        if file_rec.cwd_read and "working directory" in self.hidden_fp:  # os.getcwd(), abspath: names the folder
            deps["working directory"] = self.hidden_fp["working directory"]
        threads = [t for t in threading.enumerate() if t.ident not in self.threads_before and t.is_alive()
                   and user_thread(t)]
        if threads:
            raise Declined(f"left thread {threads[0].name} running, which a hit cannot start again")
        modules = []
        # user modules the run imported, and those its code names that an earlier call had imported already
        # (`import inner` inside a called function): the run used their source either way
        for name in sorted((set(sys.modules) - self.modules_before) | set(self.named_modules)):
            m = sys.modules.get(name)
            if isinstance(m, types.ModuleType) and codedeps.is_user_module(m):
                modules.append({"name": name, "path": m.__file__, "sha256": codedeps.file_sha256(m.__file__)})
        g = {"bind": {n: self.ns[n] for n in bound}, "mutate": mutate, "hidden": changed_hidden, "deleted": deleted}
        if file_rec.made_dirs:
            g["dirs"] = writeback.relative(file_rec.made_dirs)
        if file_rec.created:
            try:
                g["files"] = writeback.written(file_rec.created)
            except OSError as e:
                raise Declined(f"wrote a file it cannot read back ({e})") from None
        if self.ns.get("_") is not self.result_before and "_" in self.ns:
            g["result"] = self.ns["_"]  # so `_` and Out[n] hold the value after a hit too
        trace = {"files": file_rec.reads(), "writes": sorted(file_rec.created), "modules": modules, "hidden": deps, "bound": bound,
                 "mutated": mutated, "deleted": deleted}
        return g, trace

    def serialise(self, g: Dict[str, Any]) -> Tuple[bytes, List[memoryview]]:
        """The graph to store. Declined when it cannot mean after a hit what it meant after the run."""
        try:
            return graph.dumps(g, self.snapshot, "the cell's results")
        except NotRestorable as e:
            raise Declined(str(e)) from None
        except Exception:
            for name, value in g["bind"].items():  # say which variable, as the badge promises
                graph.dumps({"bind": {name: value}}, self.snapshot, f"'{name}'")
            raise


def _interpreter_changes(signals_before: Dict[int, int]) -> Optional[str]:
    """Signal handlers the run installed: objects of the interpreter a hit cannot install again."""
    now = process.signal_handlers()
    changed = sorted(s for s in set(now) | set(signals_before) if now.get(s) != signals_before.get(s))
    if changed:
        return f"installs a handler of signal {changed[0]}, which a hit cannot install again"
    return None


def user_thread(t: threading.Thread) -> bool:
    """A thread running user code (a target or a Thread subclass from the notebook or its modules); threads
    libraries start for themselves (tqdm's monitor, executors' workers) are their business."""
    target = getattr(t, "_target", None)
    run = getattr(type(t), "run", None)
    return codedeps.is_user_function(codedeps.unwrap(target)) or codedeps.is_user_function(run)


def stale_reason(trace: Dict[str, Any]) -> Optional[str]:
    """Why a stored entry's trace does not hold in the kernel now (None = it holds)."""
    for name, fp in (trace.get("hidden") or {}).items():
        if not hidden.known(name) or hidden.fingerprints(hidden.capture([name])).get(name) != fp:
            return f"{name} is in another state than when the entry was stored"
    path = filedigest.changed(trace.get("files") or [])
    if path:
        return f"{path} changed"
    for m in trace.get("modules") or []:
        if codedeps.file_sha256(m.get("path") or "") != m.get("sha256"):
            return f"module {m.get('name')} changed"
        # the same file must still be the one its import finds (sys.path set otherwise upstream, a module shadowing
        # it): the run imported it from there
        origin = imports.module_origin(m.get("name") or "")
        if origin is not None and os.path.realpath(origin) != os.path.realpath(m.get("path") or ""):
            return f"import {m.get('name')} would load {origin or 'nothing'} now"
    return None


def restore(shell: Any, source: str, filename: str, stream: Any, buffers: List[Any]) -> Dict[str, Any]:
    """Apply a stored run: resolve the objects it refers to (before anything moves), re-run the cell's
    imports/defs, load the graph, set objects in place, bind names, set hidden state."""
    ns = shell.user_ns
    targets = [resolve(ns, p) for p in graph.paths_of(stream)]
    module, _ = replay_nodes(source)
    if module.body:
        # what the replayed statements print (a decorator announcing what it registers, an import's warning) is in
        # the recorded outputs, replayed after: shown now too, it would show twice
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(shell.compile(module, filename, "exec"), shell.user_global_ns, ns)
    g = graph.loads(stream, buffers, targets)
    graph.restore(g, ns)
    hidden.restore(g.get("hidden") or {})
    for d in g.get("dirs") or []:
        os.makedirs(d, exist_ok=True)
    writeback.write_back(g.get("files") or {})
    if "result" in g:
        shell.displayhook.update_user_ns(g["result"])
    return g


def deps_of(inputs: List[str], extra: Dict[str, Any], trace: Dict[str, Any]) -> Dict[str, Any]:
    """The event's `deps`: what the entry depends on, for the badge tooltip."""
    return {"inputs": list(inputs), "functions": list(extra.get("functions") or []),
            "files": [f.get("path") for f in trace.get("files") or []],
            "modules": [m.get("name") for m in trace.get("modules") or []],
            "hidden": sorted(trace.get("hidden") or {})}


__all__ = ["Declined", "Run", "deps_of", "plan", "render", "replay_nodes", "restore", "stale_reason"]
