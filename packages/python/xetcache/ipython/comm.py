"""The `xetcache` comm: run events go to the frontend (the most recent open comm: the latest page load / kernel
connection). With no comm open (plain Jupyter, nbconvert, a terminal) one short line goes to stderr instead. Events
are sent after the cell's outputs were recorded, so neither the comm messages nor that line end up in an entry.
"""

from __future__ import annotations

import sys
from typing import Any, List

from ..cell import events
from ..lfs import notice

COMM_TARGET = "xetcache"
_comms: List[Any] = []  # open comms, most recent last
_registered_with: List[Any] = []


def _notice(message: dict) -> bool:
    """Sink for lfs/notice.py: a transient notice for the frontend, never part of the cell's outputs."""
    while _comms:
        try:
            _comms[-1].send({"type": "notice", **message})
            return True
        except Exception:
            _comms.pop()
    return False


def _on_comm_open(comm: Any, msg: dict) -> None:
    notice.set_sink(_notice)
    _comms.append(comm)

    def closed(_msg: dict) -> None:
        if comm in _comms:
            _comms.remove(comm)

    comm.on_close(closed)


def register_comm_target() -> bool:
    """Register the `xetcache` comm target with the kernel's comm manager (once per manager). False outside a
    kernel (plain IPython): there is no frontend to talk to."""
    try:
        import comm as comm_pkg
        from ipykernel.kernelbase import Kernel

        if not Kernel.initialized():
            return False
        manager = comm_pkg.get_comm_manager()  # looked up now: ipykernel replaces it when it starts
    except Exception:
        return False
    if any(m is manager for m in _registered_with):
        return True
    manager.register_target(COMM_TARGET, _on_comm_open)
    _registered_with.append(manager)
    return True


def emit(event: dict) -> None:
    """Send a run event to the frontend, or print its one-line summary to stderr when none listens."""
    while _comms:
        comm = _comms[-1]
        try:
            comm.send(event)
            return
        except Exception:  # a comm whose frontend went away: forget it and try the previous one
            _comms.pop()
    line = events.describe(event)
    if event.get("state") == "hit" and event.get("remote") and event.get("reason"):
        line += f" — {event['reason']}"  # the badge's "from the team cache", for runs without a frontend
    print(line, file=sys.stderr)
    try:
        sys.stderr.flush()
    except Exception:
        pass
