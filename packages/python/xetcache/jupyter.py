"""The kernel side of the JupyterLab extension: `activate(settings_json)`, the `xetcache` comm, run events.

Events go on the most recent open comm (the frontend of the latest page load / kernel connection). With no comm
open (plain Jupyter, nbconvert, a terminal) one short line goes to stderr instead. Events are sent after the cell's
outputs were recorded, so neither the comm messages nor that line ever end up in a cached entry.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, List

from . import config, events

COMM_TARGET = "xetcache"
_comms: List[Any] = []  # open comms, most recent last
_registered_with: List[Any] = []


class SettingsError(ValueError):
    code = "EBADSETTINGS"


def _on_comm_open(comm: Any, msg: dict) -> None:
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


def apply_settings(settings: Dict[str, Any]) -> None:
    """{threshold_s, always, cache_dir}: each optional; a bad value raises SettingsError and changes nothing."""
    if not isinstance(settings, dict):
        raise SettingsError("xetcache settings must be a JSON object")
    known = {"threshold_s", "always", "cache_dir"}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise SettingsError(f"unknown xetcache setting {unknown[0]!r} (accepted: {', '.join(sorted(known))})")
    threshold = settings.get("threshold_s")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or threshold < 0 or threshold != threshold):
        raise SettingsError(f"threshold_s must be a number >= 0, got {threshold!r}")
    always = settings.get("always")
    if always is not None and not isinstance(always, bool):
        raise SettingsError(f"always must be true or false, got {always!r}")
    cache_dir = settings.get("cache_dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
        raise SettingsError(f"cache_dir must be a non-empty path, got {cache_dir!r}")
    if threshold is not None:
        config.set_runtime_threshold(threshold)
    if always is not None:
        config.set_always_default(always)
    if cache_dir is not None:
        config.set_memo_path(cache_dir)


def activate(settings_json: str = "{}") -> dict:
    """Called by the lab extension after loading the engine (on kernel start and restart, and when settings
    change): magics, comm target, settings. Returns {"version": ...}."""
    from IPython import get_ipython

    from . import magics

    try:
        settings = json.loads(settings_json or "{}")
    except ValueError as e:
        raise SettingsError(f"xetcache settings are not JSON: {e}") from None
    apply_settings(settings)
    ip = get_ipython()
    if ip is not None:
        magics.load_ipython_extension(ip)
    register_comm_target()
    return {"version": _version()}


def _version() -> str:
    try:
        from . import __version__  # type: ignore[attr-defined]

        return str(__version__)
    except ImportError:
        return "0.0.0"


def emit(event: dict) -> None:
    """Send a run event to the frontend, or print its one-line summary to stderr when none listens."""
    while _comms:
        comm = _comms[-1]
        try:
            comm.send(event)
            return
        except Exception:  # a comm whose frontend went away: forget it and try the previous one
            _comms.pop()
    print(events.describe(event), file=sys.stderr)
    try:
        sys.stderr.flush()
    except Exception:
        pass
