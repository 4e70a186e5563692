"""`%%xetmemo` (the original XetCache cell magic) and `%%xetcache_cell` (cells toggled in JupyterLab).

Both build a spec (CONTRACT.md section 3) and hand the cell body to `cellengine.run_cached_cell`; the event it
returns goes to the frontend (jupyter.emit).
"""

from __future__ import annotations

import json
import keyword
import re
import unicodedata
from typing import Any, Dict, List, Optional

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class, no_var_expand

from ..cell import cellinfo
from ..cell import engine as cellengine
from ..remote import badge as remote_badge
from . import comm, tracebacks

XETMEMO_KEYS = ("input", "output", "always", "key")
_USAGE = ("usage: %%xetmemo [input=v1,v2] [output=v3,v4] [always=True] [key=name]   "
          f"(accepted keys: {', '.join(XETMEMO_KEYS)}; a missing input= or output= is inferred from the code, "
          "an empty one means none)")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
# key=value pairs; a value runs until the next `word=` so `input=a, b` (space after the comma) still parses
_PAIR = re.compile(r"\s*([^\s=]+)\s*=(.*?)(?=\s+[^\s=,]+\s*=|\s*$)")
SPEC_FIELDS = {"cell_id": (str,), "notebook": (str,), "code_sha256": (str,), "inputs": (list,),
               "outputs": (list,), "always": (bool,), "key": (str,)}


class MagicLineError(UsageError):
    """A malformed magic line or spec. `code` lets the frontend branch without reading the text."""

    code = "EBADMAGIC"


def is_variable_name(name: object) -> bool:
    """A name Python binds as written (spec/schemas/cell-spec.schema.json): an identifier (Unicode letters too,
    ä or 変数), not a keyword, in NFKC form (source saying ａ binds a: the other spelling names nothing)."""
    return (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)
            and unicodedata.normalize("NFKC", name) == name)


def _names(key: str, value: str) -> List[str]:
    # read as Python reads source: NFKC first, so input=ａ means the variable a
    names = [unicodedata.normalize("NFKC", n.strip()) for n in value.split(",") if n.strip()]
    bad = [n for n in names if not is_variable_name(n)]
    if bad:
        raise MagicLineError(f"xetcache: {key}= expects comma-separated variable names, got {bad[0]!r}. {_USAGE}")
    return names


def parse_xetmemo_line(line: str) -> Dict[str, Any]:
    """`input=a,b output=c always=True key=ns` → spec fields (inputs/outputs None when not given)."""
    spec: Dict[str, Any] = {"inputs": None, "outputs": None, "always": None, "key": None}
    rest, pos = line.strip(), 0
    while pos < len(rest):
        m = _PAIR.match(rest, pos)
        if m is None or m.end() == pos:
            raise MagicLineError(f"xetcache: cannot read {rest[pos:].strip()!r}. {_USAGE}")
        key, value = m.group(1), m.group(2).strip()
        pos = m.end()
        if key not in XETMEMO_KEYS:
            raise MagicLineError(f"xetcache: unknown key {key!r}. {_USAGE}")
        if key in ("input", "output"):
            spec[key + "s"] = _names(key, value)
        elif key == "always":
            if value.lower() not in _TRUE | _FALSE:
                raise MagicLineError(f"xetcache: always= expects True or False, got {value!r}. {_USAGE}")
            spec["always"] = value.lower() in _TRUE
        else:
            if not value or any(c.isspace() for c in value):
                raise MagicLineError(f"xetcache: key= expects one word, got {value!r}. {_USAGE}")
            spec["key"] = value
    return spec


def parse_cell_spec(line: str) -> Dict[str, Any]:
    """The one-line JSON spec of `%%xetcache_cell`, checked field by field."""
    try:
        spec = json.loads(line)
    except ValueError as e:
        raise MagicLineError(f"xetcache: %%xetcache_cell expects a JSON object on its line ({e})") from None
    if not isinstance(spec, dict):
        raise MagicLineError("xetcache: %%xetcache_cell expects a JSON object on its line")
    unknown = sorted(set(spec) - set(SPEC_FIELDS))
    if unknown:
        raise MagicLineError(f"xetcache: unknown spec field {unknown[0]!r} (accepted: {', '.join(SPEC_FIELDS)})")
    for field, types_ in SPEC_FIELDS.items():
        value = spec.setdefault(field, None)
        if value is not None and not isinstance(value, types_):
            raise MagicLineError(f"xetcache: spec field {field!r} must be {types_[0].__name__} or null")
        if field in ("inputs", "outputs") and value is not None:
            bad = [n for n in value if not is_variable_name(n)]
            if bad:
                raise MagicLineError(f"xetcache: spec field {field!r} names must be identifiers, got {bad[0]!r}")
    return spec


@magics_class
class XetCacheMagics(Magics):
    @cell_magic
    def xetmemo(self, line: str, cell: str) -> None:
        """%%xetmemo input=v1,v2 output=v3,v4 [always=True] [key=name] — cache this cell's outputs."""
        __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
        spec = parse_xetmemo_line(line)
        cell_id, code_sha = cellinfo.from_request(self.shell, f"%%xetmemo {line}\n{cell}")
        spec.update(cell_id=cell_id, code_sha256=code_sha, notebook=None)
        self._run(cell, spec)

    # The spec is JSON written by the extension: IPython must not expand `{...}` or `$name` inside it.
    @no_var_expand
    @cell_magic
    def xetcache_cell(self, line: str, cell: str) -> None:
        """%%xetcache_cell <spec JSON> — a cell toggled in JupyterLab (the spec is written by the extension)."""
        __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
        spec = parse_cell_spec(line)
        if spec["cell_id"] is None or spec["code_sha256"] is None:
            cell_id, _ = cellinfo.from_request(self.shell, cell)
            spec["cell_id"] = spec["cell_id"] or cell_id
            spec["code_sha256"] = spec["code_sha256"] or cellinfo.sha256_text(cell)
        self._run(cell, spec)

    def _run(self, cell: str, spec: Dict[str, Any]) -> None:
        __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
        try:
            event = cellengine.run_cached_cell(cell, spec, self.shell)
        except BaseException as e:
            tracebacks.mark(e)
            raise
        comm.emit(remote_badge.annotate(event))  # "from the team cache", or why it was not used


_loaded: Optional[Any] = None


def load_ipython_extension(ip: Any) -> None:
    """`%load_ext xetcache` (via xetcache.load_ipython_extension) and `ipython.jupyter.activate`. Idempotent."""
    global _loaded
    if _loaded is ip:
        return
    ip.register_magics(XetCacheMagics)
    tracebacks.install(ip)
    comm.register_comm_target()
    _loaded = ip
