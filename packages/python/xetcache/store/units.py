"""Byte sizes for people: the one convention of every XetCache surface (README "Sizes"), the same as the TypeScript
``packages/store/src/units.ts``. Sizes are shown in binary units (KiB, MiB, GiB = powers of 1024, like ``ls -h``);
parsing reads each unit as it says: KiB/MiB/GiB and a bare K/M/G are powers of 1024, KB/MB/GB powers of 1000.
"""

import math
import re
from typing import Optional

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")

_FACTOR = {
    "": 1, "b": 1,
    "k": 2 ** 10, "kib": 2 ** 10, "kb": 10 ** 3,
    "m": 2 ** 20, "mib": 2 ** 20, "mb": 10 ** 6,
    "g": 2 ** 30, "gib": 2 ** 30, "gb": 10 ** 9,
    "t": 2 ** 40, "tib": 2 ** 40, "tb": 10 ** 12,
}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def _round_half_away(v: float) -> float:
    """JavaScript's Math.round for the values shown (>= 0 here): the same text as the TypeScript formatter."""
    return math.floor(v + 0.5)


def format_bytes(n: Optional[float]) -> str:
    """Bytes → "999 B", "3.1 MiB", "42 GiB" (the TypeScript formatBytes' text); None or not finite → "—"."""
    if n is None or not math.isfinite(n):
        return "—"
    v, i = float(n), 0
    while abs(v) >= 1024 and i < len(_UNITS) - 1:
        v /= 1024
        i += 1
    if i == 0:
        return f"{int(n) if float(n).is_integer() else n} B"
    shown = float(f"{v:.1f}") if abs(v) < 10 else _round_half_away(v)
    if abs(shown) >= 1024 and i < len(_UNITS) - 1:  # 1023.96 KiB would round to "1024 KiB"
        return f"{int(math.copysign(1, shown))} {_UNITS[i + 1]}"
    return f"{shown:g} {_UNITS[i]}"


def parse_bytes(text: str) -> Optional[int]:
    """ "500 MiB", "500M" (both 500 × 2**20), "500MB" (500 000 000), "1234" → whole bytes; anything else → None."""
    m = _SIZE.match(text)
    if not m:
        return None
    factor = _FACTOR.get(m.group(2).lower())
    if factor is None:
        return None
    n = _round_half_away(float(m.group(1)) * factor)
    return int(n) if n <= 2 ** 53 - 1 else None
