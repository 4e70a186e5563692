"""Why a cell cannot be cached soundly, found before it runs (None = it can).

The engine traces what a cell reads and changes through the names its code uses (and the code of the user functions
those names reach). Code that reaches the namespace *without* naming what it touches defeats that: `exec`/`eval` of
strings, `globals()`, frame inspection, IPython magics and shell commands (their code is a string), pandas/numexpr
expressions that resolve `@names` from the calling frame. Such a cell runs normally and its badge says
`not cached: <reason>`: a miss is always better than a wrong hit.
"""

from __future__ import annotations

import ast
import re
import types
from typing import Dict, Iterable, List, Optional

from . import native

# name used in code -> what it does, for the badge ("not cached: uses exec (in f)")
DYNAMIC: Dict[str, str] = {
    "exec": "uses exec", "eval": "uses eval", "compile": "compiles code at run time",
    "globals": "uses globals()", "locals": "uses locals()", "vars": "uses vars()",
    "__import__": "uses __import__", "_getframe": "inspects frames", "currentframe": "inspects frames",
    "f_globals": "inspects frames", "f_locals": "inspects frames", "f_back": "inspects frames",
    "__main__": "reaches the namespace through __main__", "user_ns": "reaches the IPython namespace",
    "run_cell": "runs other cells", "run_line_magic": "runs a magic", "run_cell_magic": "runs a magic",
    "evaluate": "evaluates an expression string",
    # hooks and formatters the interpreter or IPython keep for the rest of the session: a hit would not install them
    "addaudithook": "installs an audit hook (a hit would not install it again)",
    "settrace": "installs a tracer (a hit would not install it again)",
    "setprofile": "installs a profiler (a hit would not install it again)",
    "display_formatter": "changes IPython's display formatters (a hit would not change them again)",
    # a file's times: the entry depends on the file's content, which a rewrite with the same bytes (or a clone)
    # keeps while its times change, so a hit would give the stored run's time
    "getmtime": "reads a file's modification time", "getctime": "reads a file's change time",
    "getatime": "reads a file's access time", "st_mtime": "reads a file's modification time",
    "st_mtime_ns": "reads a file's modification time", "st_ctime": "reads a file's change time",
    "st_ctime_ns": "reads a file's change time", "st_atime": "reads a file's access time",
    "st_atime_ns": "reads a file's access time",
}
_MAGIC = re.compile(r"get_ipython\(\)\.(run_line_magic|run_cell_magic|system|getoutput)\(\s*(['\"])(\w*)")


def _magic_reason(source: str) -> Optional[str]:
    m = _MAGIC.search(source)
    if m is None:
        return None
    kind, name = m.group(1), m.group(3)
    if kind in ("system", "getoutput"):
        return "runs a shell command (!...)"
    return f"uses %{name} (its code is a string the cache cannot trace)"


def reason(source: str, code: Optional[types.CodeType], names: Iterable[str],
           function_names: Dict[str, str]) -> Optional[str]:
    """``source``: the cell after IPython's transforms; ``code``: it compiled (None if it does not compile);
    ``names``: names the cell's code uses; ``function_names``: name -> qualname of a reached user function using it."""
    why = _magic_reason(source)
    if why:
        return why
    names = set(names)
    for name in sorted(names):
        if name in DYNAMIC:
            return DYNAMIC[name]
    for name, where in sorted(function_names.items()):
        if name in DYNAMIC:
            return f"{DYNAMIC[name]} (in {where})"
    consts = list(native.string_constants(code)) if code is not None else []
    if "modules" in names and ("__name__" in names or "__main__" in consts):
        return "reaches the namespace through sys.modules"
    if "modules" in names | set(function_names) and "sys" in names | set(function_names):
        # `sys.modules["m"] = obj` (or del): what later imports get is then the run's doing, and a hit's
        # replayed imports cannot put it there again
        return "uses sys.modules directly (a module put there or taken out by hand cannot be redone by a hit)"
    if code is not None and "query" in names | set(function_names):
        if any("@" in s for s in consts):
            return "uses a query string with @names (read from the calling frame)"
    return None


def deftime_reads(node: ast.stmt) -> List[str]:
    """Names a def/class statement reads when it runs (decorators, defaults, annotations, bases, the class body),
    not what its function bodies read later when called."""
    exprs: List[ast.AST] = list(getattr(node, "decorator_list", []))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = node.args
        exprs += a.defaults + [d for d in a.kw_defaults if d is not None]
        exprs += [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs if x.annotation is not None]
        exprs += [x.annotation for x in (a.vararg, a.kwarg) if x is not None and x.annotation is not None]
        if node.returns is not None:
            exprs.append(node.returns)
    elif isinstance(node, ast.ClassDef):
        exprs += node.bases + [k.value for k in node.keywords]
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                exprs.extend(ast.Name(n, ast.Load()) for n in deftime_reads(stmt))
            else:
                exprs.append(stmt)
    out: List[str] = []
    for e in exprs:
        for sub in ast.walk(e):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in out:
                out.append(sub.id)
    return out
