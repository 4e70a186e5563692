"""Which file `import name` would load now: a module dependency of an entry holds only while its import still finds
the file the run imported (traced.stale_reason), since sys.path set otherwise upstream or a module shadowing it
loads another file whose content says nothing about the recorded one."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from typing import Optional


def module_origin(name: str) -> Optional[str]:
    """The file `import name` gives now: the loaded module's, else the one the import system would find ("" when
    none); None when that cannot be told without importing (a submodule of a package not loaded)."""
    m = sys.modules.get(name)
    if m is not None:
        return getattr(m, "__file__", None)
    try:
        if "." in name:
            parent = sys.modules.get(name.rpartition(".")[0])
            path = getattr(parent, "__path__", None)
            if path is None:
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
        else:
            spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None
    return (spec.origin or "") if spec is not None else ""
