"""Values <-> pickle protocol 5 with large buffers out-of-band (each stored as its own object, so they dedup and
restore with readinto/mmap instead of being copied out of a pickle stream)."""

from __future__ import annotations

import pickle
from typing import Any, List, Sequence, Tuple

from ..errors import UnpicklableError

CODEC = "pickle5"
IN_BAND_MAX = 64 << 10  # small buffers stay inside the stream: one file per tiny array would cost more than it saves


def dumps(value: Any, name: str) -> Tuple[bytes, List[memoryview]]:
    """(pickle stream, out-of-band buffers). UnpicklableError(variable=name) if the value cannot be pickled."""
    buffers: List[memoryview] = []

    def take(pb: pickle.PickleBuffer) -> bool:
        try:
            raw = pb.raw()
        except BufferError:  # not contiguous: let pickle copy it in-band
            return True
        if raw.nbytes < IN_BAND_MAX:
            return True
        buffers.append(raw)
        return False  # false = out-of-band

    try:
        stream = pickle.dumps(value, protocol=5, buffer_callback=take)
    except RecursionError:
        raise UnpicklableError(f"cannot pickle '{name}': nested too deeply", variable=name) from None
    except Exception as e:  # PicklingError, TypeError ("cannot pickle '_thread.lock'"), AttributeError (local objects)
        raise UnpicklableError(
            f"cannot pickle '{name}' ({type(value).__name__}): {e}; store something picklable or leave it out",
            variable=name,
        ) from None
    return stream, buffers


def loads(stream: Any, buffers: Sequence[Any]) -> Any:
    return pickle.loads(stream, buffers=buffers)


def type_name(value: Any) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"
