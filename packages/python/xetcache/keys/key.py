"""Cache keys: sha256 over a canonical encoding of everything that decides a result.

The encoding is compact JSON (sorted keys, no spaces, UTF-8) of
``["xetcache-key", KEY_FORMAT, kind, [language, major.minor], code, [[input, fingerprint], ...sorted],
[outputs...sorted], namespace]`` so any implementation (Python, TypeScript) can recompute it.
Language version is major.minor only: a patch upgrade should not drop the cache, a minor one may change pickles.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Dict, Iterable, Optional

KEY_FORMAT = 1
LANGUAGE = ("python", f"{sys.version_info[0]}.{sys.version_info[1]}")


def canonical_key_bytes(
    kind: str, code: str, inputs: Dict[str, str], outputs: Iterable[str], namespace: Optional[str],
    language: tuple = LANGUAGE,
) -> bytes:
    if kind not in ("cell", "function"):
        raise ValueError(f"kind must be 'cell' or 'function', got {kind!r}")
    doc = [
        "xetcache-key", KEY_FORMAT, kind, list(language), code,
        sorted([str(k), str(v)] for k, v in inputs.items()),
        sorted(str(o) for o in outputs),
        namespace,
    ]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def make_key(kind: str, code: str, inputs: Dict[str, str], outputs: Iterable[str], namespace: Optional[str]) -> str:
    return hashlib.sha256(canonical_key_bytes(kind, code, inputs, outputs, namespace)).hexdigest()


def cell_key(code: str, inputs: Dict[str, str], outputs: Iterable[str], namespace: Optional[str]) -> str:
    """Key of a cell run: its code, input fingerprints (name -> 64 hex) and output names."""
    return make_key("cell", code, inputs, outputs, namespace)


def function_key(code_digest: str, args_fp: Dict[str, str], namespace: Optional[str]) -> str:
    """Key of a function call: digest of the function's code and its callees (codedeps.function_digest) and the
    fingerprints of its bound arguments (defaults applied)."""
    return make_key("function", code_digest, args_fp, ["return"], namespace)
