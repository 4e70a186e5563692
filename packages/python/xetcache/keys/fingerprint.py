"""`fingerprint(value)`: the public entry point (see encoder.py for the encoding), with the encoders for numpy/pandas
buffers and user functions plugged in."""

from __future__ import annotations

import hashlib
import types
from typing import Any, Optional

from ..errors import UnhashableError
from . import arrays, codedeps
from .encoder import EXTENSIONS, FORMAT, Encoder, Unhashable


def _user_function(enc: Encoder, v: Any) -> bool:
    if isinstance(v, types.FunctionType) and codedeps.is_user_function(v):
        enc.text(b"F", f"{v.__module__}.{v.__qualname__}")
        enc.text(b"C", codedeps.function_digest(v, fingerprint))
        return True
    return False


EXTENSIONS[:] = [arrays.encode, _user_function]


def fingerprint(value: Any, name: Optional[str] = None) -> str:
    """64-hex sha256 of the canonical encoding of ``value``; UnhashableError(variable=name) if it has none."""
    h = hashlib.sha256(FORMAT)
    try:
        Encoder(h).encode(value)
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
