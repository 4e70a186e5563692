"""The outputs of a cell with declared inputs/outputs (`%%xetmemo input=... output=...`) as ONE pickle graph
(spec/FORMAT.md, "state"), not one pickle per variable.

One object per variable made an entry of 5,000 small outputs 5,000 files, each created and fsynced (16 s to store
a body that ran 0.128 s; issue 10 item 8). One graph is one stream (large buffers still out-of-band, their own
objects), and it keeps objects shared between outputs shared after a hit, as running the cell would. The graph is
`{"bind": {name: value}}` written by cell/graph.py with nothing referenced outside it. Entries stored per variable
before still load (storage.load_entry).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ..errors import UnloadableError, UnpicklableError
from ..store import codec
from ..store.storage import Storage
from . import graph
from .snapshot import Snapshot


def save(store: Storage, variables: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    """Store ``variables`` as one graph; ``fields`` are Storage.save's other arguments. Returns the manifest.
    UnpicklableError names the variable that cannot be pickled."""
    try:
        stream, buffers = graph.dumps({"bind": dict(variables)}, Snapshot({}, []), "the cell's outputs")
    except graph.NotRestorable as e:  # what they hold would mean something else after a load (id() numbers)
        raise UnpicklableError(f"cannot store {e}", variable="the cell's outputs") from None
    except UnpicklableError:
        for name, value in variables.items():  # which one: pickled alone, the culprit fails the same way
            codec.dumps(value, name)
        raise
    types_ = {name: codec.type_name(value) for name, value in variables.items()}
    return store.save(variables=types_, state=(stream, buffers), trace={}, **fields)


def load(store: Storage, manifest: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[List[Dict[str, Any]]]]:
    """(variables, outputs) of an entry: one graph, or (stored before) one pickle per variable. Every object is
    verified before anything is unpickled; failures are CorruptObjectError (a miss), as storage.load_entry."""
    if "state" not in manifest:
        return store.load_entry(manifest)
    stream, buffers, outputs = store.load_state(manifest)
    if graph.paths_of(stream):  # a traced run's graph refers to objects of the kernel it ran in: not ours
        raise UnloadableError("the entry's graph refers to objects of another run; not restored")
    try:
        bound = graph.loads(stream, buffers, []).get("bind", {})
    except Exception as e:  # a class that moved, an incompatible library version
        raise UnloadableError(f"cannot unpickle the stored outputs: {type(e).__name__}: {e}") from e
    return dict(bound), outputs
