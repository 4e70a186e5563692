"""What a toggled cell sends to the kernel, built exactly as the lab extension builds it (CONTRACT.md section 3;
packages/labextension/src/metadata.ts, spec.ts, storepath.ts): the same lenient reading of the cell's `xetcache`
metadata, the same spec fields in the same order, the sha256 of the source as it is in the notebook, the notebook
named relative to the store's parent folder, and `%%xetcache_cell <one-line JSON>\\n<source unchanged>`.

Pure functions (no Jupyter imports): tests compare them with the extension's own TypeScript.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List, Optional

CELL_MAGIC = "%%xetcache_cell"
METADATA_KEY = "xetcache"


def _is_names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and len(x) > 0 for x in value)


def read_cell_config(value: Any) -> Optional[Dict[str, Any]]:
    """metadata.ts readCellConfig: whatever is in the metadata, read leniently (hand-edited values never raise)."""
    if not isinstance(value, dict):
        return None
    out: Dict[str, Any] = {"enabled": value.get("enabled") is True}
    if _is_names(value.get("inputs")):
        out["inputs"] = list(value["inputs"])
    if _is_names(value.get("outputs")):
        out["outputs"] = list(value["outputs"])
    if isinstance(value.get("always"), bool):
        out["always"] = value["always"]
    if isinstance(value.get("key"), str) and value["key"]:
        out["key"] = value["key"]
    return out


def cell_config(cell: Any) -> Optional[Dict[str, Any]]:
    """The toggle and options of a notebook cell (None: never toggled). Markdown and raw cells are never cached."""
    if cell.get("cell_type") != "code":
        return None
    return read_cell_config((cell.get("metadata") or {}).get(METADATA_KEY))


def is_toggled(cell: Any) -> bool:
    """A code cell the extension would send as `%%xetcache_cell` (toggled on and not blank, as executor.ts)."""
    config = cell_config(cell)
    return bool(config and config["enabled"] and cell_source(cell).strip())


def cell_source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_spec(cell_id: Optional[str], notebook: Optional[str], source: str, config: Dict[str, Any]) -> Dict[str, Any]:
    """spec.ts buildSpec (the key order is the extension's, so the JSON line is the same bytes)."""
    return {
        "cell_id": cell_id,
        "notebook": notebook,
        "code_sha256": sha256_hex(source),
        "inputs": config.get("inputs"),
        "outputs": config.get("outputs"),
        "always": config.get("always"),
        "key": config.get("key"),
    }


def build_code(spec: Dict[str, Any], source: str) -> str:
    """spec.ts buildCode: JSON.stringify's compact form (no spaces, non-ASCII kept) on the magic line."""
    return f"{CELL_MAGIC} {json.dumps(spec, separators=(',', ':'), ensure_ascii=False)}\n{source}"


def _normalize(parts: List[str]) -> List[str]:
    out: List[str] = []
    for p in parts:
        if p in ("", "."):
            continue
        if p == "..":
            if out and out[-1] != "..":
                out.pop()
            else:
                out.append("..")
            continue
        out.append(p)
    return out


def _dir_parts(path: str) -> List[str]:
    parts = _normalize(path.split("/"))
    return parts[:-1]


def store_for_notebook(notebook_path: str, cache_dir: str) -> str:
    """storepath.ts storeForNotebook: dirname(notebook) + cache_dir, normalised; an absolute cache_dir as is."""
    if cache_dir.startswith("/"):
        return cache_dir
    return "/".join(_normalize(_dir_parts(notebook_path) + cache_dir.split("/")))


def notebook_in_store(notebook_path: str, store: str) -> str:
    """storepath.ts notebookInStore: the notebook's path relative to the store's parent folder ('/'-separated)."""
    src, dst = _dir_parts(store), _normalize(notebook_path.split("/"))
    i = 0
    while i < len(src) and i < len(dst) - 1 and src[i] == dst[i]:
        i += 1
    return "/".join([".."] * len(src[i:]) + dst[i:])


def notebook_name(notebook_file: Optional[str], cache_dir: str) -> Optional[str]:
    """The spec's `notebook` for a notebook file on disk (None: unknown, e.g. read from stdin).

    The extension names the notebook by its path under the Jupyter root; here the file's real path is known, so the
    store is `<notebook dir>/<cache_dir>` (or cache_dir itself when absolute) and the name is the notebook's path
    relative to the store's parent, computed on absolute paths: for every store under a common root this is what
    the extension sends, and an absolute cache_dir is named correctly too.
    """
    if not notebook_file:
        return None
    nb = os.path.abspath(notebook_file)
    store = store_path(nb, cache_dir)
    rel = os.path.relpath(nb, os.path.dirname(store))
    return rel.replace(os.sep, "/")


def store_path(notebook_file: str, cache_dir: str) -> str:
    """Absolute path of the store a notebook's cells use: cache_dir relative to the notebook's folder."""
    base = os.path.dirname(os.path.abspath(notebook_file))
    return os.path.normpath(os.path.join(base, os.path.expanduser(cache_dir)))
