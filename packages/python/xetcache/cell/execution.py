"""Run a cell body inside a cell magic as if it were the cell itself.

Why not `shell.run_cell(body)`: a nested run_cell shows the body's exception itself and then lets the outer cell
report success, so "run all" and nbconvert would not stop on an error. Executing here (like IPython's `%%time`)
lets an exception propagate through the magic: the cell fails exactly once, with the execute reply saying so.
The last expression is passed to the shell's displayhook, which makes it the cell's result (`Out[n]`, `_`, an
`execute_result` with the current execution count), unless the body ends with `;`.
"""

from __future__ import annotations

import ast
from typing import Any

from IPython.core.displayhook import DisplayHook

from .capture import current_count


def transform(code: str, shell: Any) -> str:
    """IPython syntax (`%magic`, `!cmd`, `x?`) → plain Python, as IPython does for a cell."""
    return shell.transform_cell(code)


def cell_filename(source: str, shell: Any, raw_code: str) -> str:
    """The name the cell's code is compiled under, its source registered in linecache (tracebacks and
    `inspect.getsource` of functions it defines see the lines)."""
    return shell.compile.cache(source, current_count(shell), raw_code=raw_code)


def run(source: str, shell: Any, raw_code: str) -> None:
    __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
    tree = shell.compile.ast_parse(source)
    tree = shell.transform_ast(tree)  # the user's registered AST transformers, as for any cell
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    # A cached name makes tracebacks and inspect.getsource (used for function fingerprints) see the body's lines.
    filename = cell_filename(source, shell, raw_code)
    try:
        body = shell.compile(ast.Module(tree.body, type_ignores=[]), filename, "exec")
        expr = shell.compile(last, filename, "eval") if last is not None else None
    except SyntaxError as e:
        if "await" in str(e):
            from IPython.core.error import UsageError

            raise UsageError("xetcache: top-level `await` is not supported in a cached cell; "
                             "wrap it in a function and call asyncio.run or run the cell uncached") from None
        raise
    exec(body, shell.user_global_ns, shell.user_ns)
    if expr is not None:
        value = eval(expr, shell.user_global_ns, shell.user_ns)
        if value is not None and not DisplayHook.semicolon_at_end_of_expression(source):
            shell.displayhook(value)
    # Libraries that show things when a cell ends (matplotlib inline draws figures here) must do it while the
    # recorder listens; the outer cell's own post_execute then finds nothing left to show.
    shell.events.trigger("post_execute")
