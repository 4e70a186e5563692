"""`fingerprint(value)`: the public entry point (see encoder.py for the encoding), with the encoders for numpy/pandas
buffers and user functions plugged in."""

from __future__ import annotations

import hashlib
from typing import Any, Optional

from ..errors import UnhashableError
from . import arrays, codedeps
from .encoder import EXTENSIONS, FORMAT, Encoder, Notes, Unhashable
from .sameobjects import SameObjects


EXTENSIONS[:] = [arrays.encode, codedeps.encode]


def fingerprint(value: Any, name: Optional[str] = None, notes: Optional[Notes] = None,
                same: Optional[SameObjects] = None) -> str:
    """64-hex sha256 of the canonical encoding of ``value``; UnhashableError(variable=name) if it has none.
    ``same``: collects the objects it holds, to tell which of several values share some (sameobjects.py)."""
    h = hashlib.sha256(FORMAT)
    try:
        enc = Encoder(h, notes=notes)
        enc.encode(value)
        if same is not None:
            same.add(name or "", enc.memo, enc.owners)
    except Unhashable as e:
        path = "".join(e.path)
        what = f"input '{name}{path}'" if name else f"value{(' at ' + path) if path else ''}"
        raise UnhashableError(
            f"cannot fingerprint {what}: {e.reason}; pass a value (or declare other inputs)", variable=name, path=path
        ) from None
    except RecursionError:
        raise UnhashableError(
            f"cannot fingerprint {('input ' + repr(name)) if name else 'value'}: nested too deeply", variable=name
        ) from None
    return h.hexdigest()


def function_digest(fn: Any) -> str:
    """Digest of a function's code and of every user function it reaches (codedeps.function_digest)."""
    return codedeps.function_digest(fn, fingerprint)
