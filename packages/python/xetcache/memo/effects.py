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
"""

from __future__ import annotations

import types
from typing import Any, Callable, Dict, List, Tuple

from ..cell import hidden
from ..keys import codedeps
from ..keys.encoder import Notes

_CODE = (types.FunctionType, type, types.ModuleType)
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

    def __init__(self, target: types.FunctionType, fingerprint: Fingerprint) -> None:
        self.target = target
        self.fingerprint = fingerprint
        self.code, self.globals, self.absent = self._take()
        self.hidden: Dict[str, Any] = {}

    def before_run(self) -> None:
        """Note the hidden state as the call finds it (only a call that runs needs it)."""
        self.hidden = hidden.capture()

    def _take(self) -> Tuple[str, Dict[str, str], Dict[str, Tuple[Dict[str, Any], str]]]:
        notes = Notes(code_only=True)
        code = self.fingerprint(self.target, getattr(self.target, "__qualname__", None), notes)
        values, absent = _data_globals(notes)
        fps = {GLOBAL + label: self.fingerprint(value, "global " + label.rsplit(".", 1)[-1])
               for label, value in sorted(values.items())}
        return code, fps, absent

    def changes(self) -> List[str]:
        """What the call changed besides its arguments, each said in a few words (empty: nothing)."""
        out: List[str] = []
        try:
            code, fps, _ = self._take()
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
        return out
