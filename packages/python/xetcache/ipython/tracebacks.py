"""A failing cached cell shows the traceback an uncached cell would: no leading frame with the magic call.

The cell is executed as `%%xetcache_cell {spec JSON}` + body, so IPython's first frame is the line
`get_ipython().run_cell_magic('xetcache_cell', '{json...}', ...)` and then "[... skipping hidden N frames]" for
the engine's own frames. Those are dropped from the structured traceback of exceptions that came through our magics
(marked on the way out), just before IPython shows it.
"""

from __future__ import annotations

import re
from typing import Any, List

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MAGIC_CALL = re.compile(r"run_cell_magic\(\s*'(xetcache_cell|xetmemo)'")
_HIDDEN = re.compile(r"^\s*\[\.\.\. skipping hidden \d+ frame")
_MARK = "__xetcache_cell__"
_installed: List[Any] = []


def mark(error: BaseException) -> None:
    try:
        setattr(error, _MARK, True)
    except Exception:  # an exception type without attributes: it keeps IPython's full traceback
        pass


def strip(stb: List[str]) -> List[str]:
    out: List[str] = []
    dropping = False
    for entry in stb:
        plain = _ANSI.sub("", entry)
        if _MAGIC_CALL.search(plain):
            dropping = True  # the magic's frame, and the hidden-frames note that follows it
            continue
        if dropping and _HIDDEN.search(plain):
            continue
        dropping = False
        out.append(entry)
    return out


def install(shell: Any) -> None:
    """Wrap the shell's `_showtraceback` once (it receives the structured traceback about to be shown)."""
    if any(s is shell for s in _installed) or not hasattr(shell, "_showtraceback"):
        return
    original = shell._showtraceback

    def _showtraceback(etype: Any, evalue: Any, stb: List[str]) -> Any:
        if getattr(evalue, _MARK, False):
            stb = strip(stb)
        return original(etype, evalue, stb)

    shell._showtraceback = _showtraceback
    _installed.append(shell)
