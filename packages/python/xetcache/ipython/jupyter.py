"""The kernel side of the JupyterLab extension: `activate(settings_json)` (magics, comm target, settings).
Run events go out through comm.py."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from .. import config
from .comm import register_comm_target

class SettingsError(ValueError):
    code = "EBADSETTINGS"


KNOWN_SETTINGS = ("threshold_s", "always", "cache_dir", "max_bytes")


def _check(key: str, value: Any) -> None:
    """Raises SettingsError when `value` is not acceptable for `key` (None = leave unchanged, except max_bytes)."""
    if key not in KNOWN_SETTINGS:
        raise SettingsError(f"unknown xetcache setting {key!r} (accepted: {', '.join(sorted(KNOWN_SETTINGS))})")
    if key == "threshold_s" and value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value):
        raise SettingsError(f"threshold_s must be a number >= 0, got {value!r}")
    if key == "always" and value is not None and not isinstance(value, bool):
        raise SettingsError(f"always must be true or false, got {value!r}")
    if key == "cache_dir" and value is not None and (not isinstance(value, str) or not value.strip()):
        raise SettingsError(f"cache_dir must be a non-empty path, got {value!r}")
    # max_bytes: null means "no budget" (not "unchanged"): the settings editor's null is a real choice.
    if key == "max_bytes" and value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise SettingsError(f"max_bytes must be an integer >= 0 or null (no budget), got {value!r}")


def _set(key: str, value: Any) -> None:
    if key == "max_bytes":
        config.set_byte_budget(value)
    elif value is None:
        return
    elif key == "threshold_s":
        config.set_runtime_threshold(value)
    elif key == "always":
        config.set_always_default(value)
    elif key == "cache_dir":
        config.set_memo_path(value)


def apply_settings(settings: Dict[str, Any]) -> None:
    """{threshold_s, always, cache_dir, max_bytes}: each optional; a bad value raises SettingsError and changes
    nothing (all or none: for Python callers; `activate` applies what it can, see apply_valid_settings)."""
    if not isinstance(settings, dict):
        raise SettingsError("xetcache settings must be a JSON object")
    for key, value in settings.items():
        _check(key, value)
    for key, value in settings.items():
        _set(key, value)


def apply_valid_settings(settings: Any) -> List[Dict[str, Any]]:
    """Applies every acceptable setting and returns the refused ones as [{key, code, message}]: one bad or
    unknown key (a newer extension, a hand-edited settings file) must not cost the user the others."""
    if not isinstance(settings, dict):
        return [{"key": None, "code": SettingsError.code, "message": "xetcache settings must be a JSON object"}]
    refused: List[Dict[str, Any]] = []
    for key, value in settings.items():
        try:
            _check(key, value)
        except SettingsError as e:
            refused.append({"key": key, "code": e.code, "message": str(e)})
            continue
        _set(key, value)
    return refused


def activate(settings_json: str = "{}") -> dict:
    """Called by the lab extension after loading the engine (on kernel start and restart, and when settings
    change): magics, comm target, settings. Returns {"version": ..., "refused": [{key, code, message}]}: the valid
    settings are applied and the refused ones reported, never raised (that would fail the whole engine load)."""
    from IPython import get_ipython

    from . import magics

    try:
        settings = json.loads(settings_json or "{}")
    except ValueError as e:
        refused = [{"key": None, "code": SettingsError.code, "message": f"xetcache settings are not JSON: {e}"}]
    else:
        refused = apply_valid_settings(settings)
    ip = get_ipython()
    if ip is not None:
        magics.load_ipython_extension(ip)
    register_comm_target()
    return {"version": _version(), "refused": refused}


def _version() -> str:
    try:
        from .._version import __version__

        return str(__version__)
    except ImportError:
        return "0.0.0"
