"""Files a run wrote from scratch, stored with its entry and written again on a hit, and folders it made (paths
inside the working folder kept relative to it: a colleague's clone writes into its own folder)."""

from __future__ import annotations

import os
from typing import Any, Dict, List


def relative(paths: Dict[str, None]) -> List[str]:
    """Paths inside the working folder relative to it (a colleague's clone is elsewhere), others absolute."""
    cwd = os.path.realpath(os.getcwd()) + os.sep
    return [p[len(cwd):] if p.startswith(cwd) else p for p in paths]


def written(created: Dict[str, None]) -> Dict[str, bytearray]:
    """Content of the files the run wrote from scratch, keyed by path relative to the working folder when inside
    it (a colleague's clone writes into its own folder), else absolute. bytearray: large ones go out-of-band."""
    cwd = os.path.realpath(os.getcwd()) + os.sep
    out = {}
    for p in created:
        with open(p, "rb") as f:
            data = bytearray(f.read())
        out[p[len(cwd):] if p.startswith(cwd) else p] = data
    return out


def write_back(contents: Dict[str, Any]) -> None:
    """Write recorded files again (tmp + rename: a reader never sees half a file)."""
    for rel, data in contents.items():
        path = os.path.abspath(rel)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = f"{path}.xetcache-tmp-{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
