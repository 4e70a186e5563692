"""Canonical JSON: the exact bytes both languages write for manifests and hit lines (spec/FORMAT.md, "Bytes").

JavaScript's JSON.stringify decides what a number looks like (12.0 -> "12", 1e-7 -> "1e-7"), so Python follows it:
without this a manifest re-stored by the other side differs in bytes, and git sees a change where there is none.
Keys are sorted by code point (Python's own order; the TypeScript writer sorts the same way).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, List

_SURROGATE = re.compile("[\ud800-\udfff]")


def number(x: Any) -> str:
    """A JSON number as ECMAScript's Number::toString writes it (the shortest round-trip digits, as repr)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        raise ValueError(f"{x!r} is not a JSON number")
    if x == 0:
        return "0"  # -0.0 too, as JSON.stringify(-0)
    sign = "-" if x < 0 else ""
    digits, n = _decompose(repr(abs(x)))
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        body = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + body


def _decompose(text: str) -> tuple:
    """repr of a positive float -> (its k significant digits, n) with value = 0.<digits> * 10**n (ECMA-262's s, n)."""
    mantissa, _, exp_text = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    n = len(whole) + int(exp_text or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    return digits.rstrip("0"), n


# What json.dumps(ensure_ascii=False) and JSON.stringify write unchanged between the quotes.
_PLAIN = re.compile('[^"\\\\\x00-\x1f\ud800-\udfff]*')


def _string(s: str) -> str:
    """A JSON string as JSON.stringify writes it: UTF-8 as is, lone surrogates escaped (\\ud800), not left raw."""
    if _PLAIN.fullmatch(s):  # nothing to escape (most keys, oids, type names): a manifest has tens of thousands
        return '"' + s + '"'
    text = json.dumps(s, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text) if _SURROGATE.search(text) else text


def dumps(value: Any, indent: int = 0) -> str:
    """``value`` as canonical JSON: sorted keys, ``indent`` spaces per level (0 = compact), no trailing newline."""
    out: List[str] = []
    _write(value, indent, 0, out)
    return "".join(out)


def _write(value: Any, indent: int, level: int, out: List[str]) -> None:
    if value is None or isinstance(value, bool):
        out.append("null" if value is None else ("true" if value else "false"))
    elif isinstance(value, (int, float)):
        out.append(number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (list, tuple)):
        _container([(None, v) for v in value], "[]", indent, level, out)
    elif isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("JSON object keys must be strings")
        _container([(k, value[k]) for k in sorted(value)], "{}", indent, level, out)
    else:
        raise TypeError(f"{type(value).__name__} is not JSON")


def _container(items: list, brackets: str, indent: int, level: int, out: List[str]) -> None:
    if not items:
        out.append(brackets)
        return
    pad = "\n" + " " * (indent * (level + 1)) if indent else ""
    out.append(brackets[0])
    for i, (k, v) in enumerate(items):
        out.append(("," if i else "") + pad)
        if k is not None:
            out.append(_string(k) + (": " if indent else ":"))
        _write(v, indent, level + 1, out)
    out.append(("\n" + " " * (indent * level) if indent else "") + brackets[1])
