"""Who is running: the cell id, the sha256 of the cell's source as in the notebook, and the notebook path.

`%%xetmemo` cells learn these from the execute request that is running (CONTRACT.md section 3); cells run by the
lab extension pass them in their spec.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Optional, Tuple


def parent_request(shell: Any) -> dict:
    """The execute request currently running in the kernel, or {} outside ipykernel."""
    kernel = getattr(shell, "kernel", None)
    try:
        return kernel.get_parent() or {} if kernel is not None else {}
    except Exception:  # old or foreign kernels: identity is optional, caching still works
        return {}


def from_request(shell: Any, fallback_source: str) -> Tuple[Optional[str], str]:
    """(cell_id, code_sha256) of the running cell; the sha falls back to `fallback_source` (plain IPython)."""
    parent = parent_request(shell)
    cell_id = (parent.get("metadata") or {}).get("cellId")
    code = (parent.get("content") or {}).get("code")
    if not isinstance(code, str):
        code = fallback_source
    return (cell_id if isinstance(cell_id, str) else None), sha256_text(code)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def notebook_path(spec_notebook: Optional[str], store_dir: str) -> Optional[str]:
    """The notebook path as the manifest wants it: relative to the store's parent folder, '/'-separated.

    The frontend and JPY_SESSION_NAME give a path relative to the Jupyter root (or absolute); the kernel runs in the
    notebook's folder, so a relative path whose file is not found as given is matched by its name in that folder.
    """
    path = spec_notebook if spec_notebook else os.environ.get("JPY_SESSION_NAME") or None
    if not path:
        return None
    base = os.path.dirname(os.path.abspath(store_dir))
    if os.path.isabs(path):
        rel = os.path.relpath(path, base)
    elif os.path.exists(os.path.join(base, path)):
        rel = path
    elif os.path.exists(os.path.join(base, os.path.basename(path))):
        rel = os.path.basename(path)
    else:
        rel = path
    return rel.replace(os.sep, "/")
