"""Registrations a cell makes with process-wide registries without binding a name: a codec search function
(`codecs.register`), a pickling reducer (`copyreg.pickle`), a colormap (`matplotlib.colormaps.register`), an exit
handler, a MIME type, numpy's error callback. Later cells see them (`'abc'.encode('mine')`, `plt.get_cmap('mine')`),
but nothing of them is in the namespace the cache stores, and a hit would not register again: such a cell declines.
Found like the clock reads of entropy.py: in the bytecode of the cell and of the user functions it reaches, by
dotted name.
"""

from __future__ import annotations

import types
from typing import Any, Dict, Iterable, Optional

from . import entropy

_REGISTERS = [("codecs", "register"), ("copyreg", "pickle"), ("copyreg", "add_extension"), ("atexit", "register"),
              ("mimetypes", "add_type"), ("matplotlib", "colormaps.register"), ("matplotlib", "register_cmap"),
              ("matplotlib", "color_sequences.register"), ("faulthandler", "register"), ("numpy", "seterrcall")]


def reason(code: Optional[types.CodeType], ns: Dict[str, Any], functions: Iterable[Any]) -> Optional[str]:
    """Why a hit could not repeat what the cell registers (None: nothing found)."""
    if code is None:
        return None
    cell_imports = entropy.imports_of(code)
    checks = [(code, ns, {}, True, "")]
    for fn in functions:
        fcode = getattr(fn, "__code__", None)
        if isinstance(fcode, types.CodeType):
            g = getattr(fn, "__globals__", {}) or {}
            checks.append((fcode, g, cell_imports if g is ns else {}, False,
                           f" (in {getattr(fn, '__qualname__', '?')})"))
    for c, g, outer, cell, where in checks:
        for dotted, what, _, _ in entropy.resolved(c, g, outer, cell):
            if entropy.matches(dotted, _REGISTERS):
                return f"registers with the interpreter or a library ({what}), which a hit would not do again{where}"
    return None
