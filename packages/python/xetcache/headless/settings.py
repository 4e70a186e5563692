"""The settings a headless run pushes to the engine: the same four the lab extension pushes (threshold_s, always,
cache_dir, max_bytes; CONTRACT.md section 3), taken from the user's JupyterLab settings for XetCache when there are
any (so a notebook run headless stores and hits as it does in the lab), then overridden by the run's own options.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, Optional, Tuple

PLUGIN_ID = "@xetcache/labextension:plugin"
KEYS = ("threshold_s", "always", "cache_dir", "max_bytes")
DEFAULT_CACHE_DIR = ".xetcache"  # schema/plugin.json's default, and the engine's (config.py)


def lab_settings_file() -> str:
    """Where JupyterLab keeps the user's settings of the extension's plugin (JUPYTERLAB_SETTINGS_DIR wins)."""
    base = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    if not base:
        from jupyter_core.paths import jupyter_config_dir

        base = os.path.join(jupyter_config_dir(), "lab", "user-settings")
    package, plugin = PLUGIN_ID.split(":")
    return os.path.join(base, *package.split("/"), f"{plugin}.jupyterlab-settings")


_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.S)


def parse_settings_text(text: str) -> Dict[str, Any]:
    """A .jupyterlab-settings file: JSON that may carry comments and trailing commas (the settings editor keeps
    what the user typed). Strings are kept as they are; comments and trailing commas go."""
    cleaned = _TOKENS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
    value = json.loads(cleaned) if cleaned.strip() else {}
    if not isinstance(value, dict):
        raise ValueError("the settings are not a JSON object")
    return value


def read_lab_settings(path: Optional[str] = None) -> Tuple[Dict[str, Any], Optional[str]]:
    """(the user's XetCache settings from JupyterLab, a warning or None). Missing file: ({}, None); unreadable:
    ({}, why) — a headless run then uses the engine's defaults and says so, it does not fail."""
    path = path or lab_settings_file()
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}, None
    except OSError as e:
        return {}, f"cannot read the JupyterLab settings {path}: {e}"
    try:
        settings = parse_settings_text(text)
    except ValueError as e:
        return {}, f"ignoring the JupyterLab settings {path}: {e}"
    return {k: settings[k] for k in KEYS if k in settings}, None


def merge(lab: Dict[str, Any], overrides: Dict[str, Any]) -> Dict[str, Any]:
    """Lab settings, then the run's options (None = not given). `max_bytes` given as a negative number means "no
    budget" (null), so a command line can lift a budget set in the lab."""
    out = dict(lab)
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "max_bytes" and isinstance(value, int) and not isinstance(value, bool) and value < 0:
            value = None
        out[key] = value
    return out


def for_kernel(settings: Dict[str, Any], notebook_file: Optional[str]) -> Dict[str, Any]:
    """What goes to `activate`: the store made absolute from the notebook's folder (as the extension's store is
    `<notebook dir>/<cache_dir>`), so the kernel's working directory (papermill --cwd) does not move the cache."""
    out = dict(settings)
    cache_dir = out.get("cache_dir")
    if notebook_file and (cache_dir is None or (isinstance(cache_dir, str) and cache_dir.strip())):
        from .spec import store_path

        out["cache_dir"] = store_path(notebook_file, cache_dir or DEFAULT_CACHE_DIR)
    return out
