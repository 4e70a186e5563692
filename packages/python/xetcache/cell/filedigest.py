"""The digests a trace holds of the files a run read (a file: sha256 of its bytes; a folder: of its sorted names), and
the check on lookup of whether any of them differs now."""

from __future__ import annotations

import hashlib
import os
from typing import Dict, List, Optional

from ..keys import codedeps


def file_digest(path: str) -> Optional[str]:
    """sha256 of a file's bytes, or of a directory's sorted names; None when it does not exist (also a fact)."""
    if os.path.isdir(path):
        try:
            names = sorted(os.listdir(path))
        except OSError:
            return None
        return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()
    return codedeps.file_sha256(path)


def changed(files: List[Dict[str, Optional[str]]]) -> Optional[str]:
    """The first recorded file whose content differs now, or None."""
    for f in files:
        path = f.get("path")
        if isinstance(path, str) and file_digest(path) != f.get("sha256"):
            return path
    return None
