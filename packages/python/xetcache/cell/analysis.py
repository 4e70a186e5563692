"""Infer a cell's inputs and outputs from its source with `ast` (used when a cell does not declare them).

Static analysis only gives *candidates*: the engine keeps the candidate inputs that exist in the user namespace.
Every guess errs on the safe side for a cache: an extra input only costs a miss, a missing one gives a stale hit.
So bindings inside branches/loops/try never hide a later read, free names of functions, lambdas and comprehensions
count as reads where they are defined, and a method call on an input (except a few known read-only ones) marks it
as changed in place, i.e. also an output.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import List, Sequence, Set

# Method names that never change their receiver (lists, dicts, str, numpy, pandas). Anything else called on an
# input may mutate it, so the input is stored as an output too (dedup by content keeps that cheap).
READ_ONLY_METHODS = frozenset(
    "head tail describe copy keys values items get count index sum mean median min max std var info startswith "
    "endswith format join split strip lower upper astype groupby to_numpy tolist reshape all any argmax argmin "
    "dot round isna notna unique nunique value_counts to_string to_dict hex".split()
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class Analysis:
    """What a cell reads and writes at top level, in order of first appearance."""

    inputs: List[str] = field(default_factory=list)  # read before (definitely) assigned: candidate inputs
    outputs: List[str] = field(default_factory=list)  # values bound or changed in place: stored on a miss
    defined: List[str] = field(default_factory=list)  # bound by import/def/class: re-created by `replay` on a hit
    deleted: List[str] = field(default_factory=list)  # `del name` at top level: deleted again on a hit
    replay: str = ""  # source of the top-level import/def/class statements, executed on a hit (cheap, no pickling)


def analyze(source: str) -> Analysis:
    """Analyse cell source (already free of IPython syntax, see `shell.transform_cell`). SyntaxError propagates."""
    tree = ast.parse(source)
    walker = _Walker()
    for stmt in tree.body:
        walker.top_statement(stmt, source)
    a = walker.result
    defined = set(a.defined)
    a.outputs = [n for n in a.outputs if n not in defined]
    a.replay = "\n".join(walker.replay_parts)
    return a


def free_names(node: ast.AST) -> Set[str]:
    """Names a nested scope (function, lambda, class, comprehension) may read from the enclosing namespace:
    everything loaded inside minus what the scope binds itself (parameters, assignments, imports, nested defs),
    plus names it declares `global`. Slightly over-approximate on purpose."""
    loaded: Set[str] = set()
    bound: Set[str] = set()
    globals_: Set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (loaded if isinstance(sub.ctx, ast.Load) else bound).add(sub.id)
        elif isinstance(sub, ast.arg):
            bound.add(sub.arg)
        elif isinstance(sub, (ast.Global, ast.Nonlocal)):
            globals_.update(sub.names)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            bound.update(_import_names(sub))
        elif isinstance(sub, _SCOPES) and sub is not node and not isinstance(sub, ast.Lambda):
            bound.add(sub.name)
    return (loaded - (bound - globals_)) | (loaded & globals_)


def global_writes(node: ast.AST) -> Set[str]:
    """Names a function declares `global` and assigns: calling it binds them at top level."""
    declared: Set[str] = set()
    stored: Set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Global):
            declared.update(sub.names)
        elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            stored.add(sub.id)
    return declared & stored


def _import_names(node: ast.AST) -> List[str]:
    names = []
    for alias in node.names:  # type: ignore[attr-defined]
        if alias.name == "*":
            continue  # unknowable statically; the names simply are not cached
        names.append(alias.asname or alias.name.split(".")[0])
    return names


class _Walker:
    def __init__(self) -> None:
        self.result = Analysis()
        self.bound: Set[str] = set()  # definitely bound so far at top level
        self.replay_parts: List[str] = []
        self.depth = 0  # > 0 inside a branch or loop body

    # --- recording -------------------------------------------------------------------------------------------
    def read(self, name: str) -> None:
        if name not in self.bound and name not in self.result.inputs:
            self.result.inputs.append(name)

    def bind(self, name: str, definite: bool, kind: str = "value") -> None:
        target = self.result.defined if kind == "defined" else self.result.outputs
        if name not in target:
            target.append(name)
        if definite:
            self.bound.add(name)
        if name in self.result.deleted:
            self.result.deleted.remove(name)

    def mutate(self, name: str) -> None:
        """An existing object changes in place: it is read (an input if not bound) and stored afterwards."""
        self.read(name)
        if name not in self.result.outputs:
            self.result.outputs.append(name)

    # --- statements ------------------------------------------------------------------------------------------
    def top_statement(self, stmt: ast.stmt, source: str) -> None:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            segment = ast.get_source_segment(source, stmt, padded=False)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.decorator_list:
                first = stmt.decorator_list[0]
                segment = "\n".join(source.splitlines()[first.lineno - 1: stmt.end_lineno])
            if segment:
                self.replay_parts.append(segment)
        self.statement(stmt, definite=True)

    def statement(self, stmt: ast.stmt, definite: bool) -> None:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for name in _import_names(stmt):
                self.bind(name, definite, "defined")
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for expr in stmt.decorator_list:
                self.expr(expr)
            if isinstance(stmt, ast.ClassDef):
                for expr in stmt.bases + [k.value for k in stmt.keywords]:
                    self.expr(expr)
            else:
                for expr in stmt.args.defaults + [d for d in stmt.args.kw_defaults if d is not None]:
                    self.expr(expr)
            for name in sorted(free_names(stmt) - {stmt.name}):
                self.read(name)
            for name in sorted(global_writes(stmt)):
                self.bind(name, definite=False)
            self.bind(stmt.name, definite, "defined")
        elif isinstance(stmt, ast.Assign):
            self.expr(stmt.value)
            for target in stmt.targets:
                self.target(target, definite)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.expr(stmt.value)
                self.target(stmt.target, definite)
        elif isinstance(stmt, ast.AugAssign):
            self.expr(stmt.value)
            if isinstance(stmt.target, ast.Name):
                self.read(stmt.target.id)
                self.bind(stmt.target.id, definite)
            else:
                self.target(stmt.target, definite)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    self.read(target.id)
                    self.bound.discard(target.id)
                    if target.id in self.result.outputs:
                        self.result.outputs.remove(target.id)
                    if self.depth == 0 and target.id not in self.result.deleted:
                        self.result.deleted.append(target.id)
                else:
                    self.target(target, definite)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expr(stmt.iter)
            self.block(stmt.body, targets=[stmt.target])  # an empty iterable binds nothing
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.While):
            self.expr(stmt.test)
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.If):
            self.expr(stmt.test)
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, definite)
            for sub in stmt.body:  # a with body runs unless it raises (and then nothing is stored)
                self.statement(sub, definite)
        elif isinstance(stmt, _try_types()):
            self.block(stmt.body)
            for handler in stmt.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                self.block(handler.body)
                if handler.name:  # `except E as e` unbinds e at the end of the handler
                    if handler.name in self.result.outputs:
                        self.result.outputs.remove(handler.name)
            self.block(stmt.orelse)
            self.block(stmt.finalbody)
        elif hasattr(ast, "Match") and isinstance(stmt, ast.Match):
            self.expr(stmt.subject)
            for case in stmt.cases:
                names = [getattr(sub, attr) for sub in ast.walk(case.pattern) for attr in ("name", "rest")
                         if isinstance(getattr(sub, attr, None), str)]
                guard = [ast.Expr(case.guard)] if case.guard is not None else []
                self.block(guard + case.body, targets=[ast.Name(n, ast.Store()) for n in names])
        else:  # Expr, Return, Raise, Assert, Global, Pass, ...
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.expr(child)

    def block(self, stmts: List[ast.stmt], targets: Sequence[ast.expr] = ()) -> None:
        """A branch or loop body: its bindings are visible inside it but not after it (it may not run)."""
        saved = set(self.bound)
        self.depth += 1
        for target in targets:
            self.target(target, definite=True)
        for sub in stmts:
            self.statement(sub, definite=True)
        self.depth -= 1
        self.bound = saved

    def target(self, target: ast.expr, definite: bool) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, definite)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.target(elt, definite)
        elif isinstance(target, ast.Starred):
            self.target(target.value, definite)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            for child in ast.iter_child_nodes(target):  # `x[i].a = v` reads x and i, then changes x in place
                self.expr(child)
            root = _root_name(target)
            if root is not None:
                self.mutate(root)

    # --- expressions: reads in evaluation order ----------------------------------------------------------------
    def expr(self, node: ast.AST, cond: bool = False) -> None:
        """Record reads in evaluation order; `cond` = this part may be skipped (short-circuit, if-expression)."""
        if isinstance(node, ast.BoolOp):
            for i, value in enumerate(node.values):
                self.expr(value, cond or i > 0)
            return
        if isinstance(node, ast.IfExp):
            self.expr(node.test, cond)
            self.expr(node.body, True)
            self.expr(node.orelse, True)
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.read(node.id)
            return
        if isinstance(node, (ast.Lambda,) + _COMPREHENSIONS):
            for name in sorted(free_names(node)):
                self.read(name)
            for sub in ast.walk(node):  # walrus in a comprehension binds in the enclosing scope
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    self.bind(sub.target.id, definite=False)
            return
        if isinstance(node, ast.NamedExpr):
            self.expr(node.value, cond)
            self.bind(node.target.id, definite=not cond)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            root = _root_name(node.func.value)
            inplace = any(k.arg == "inplace" for k in node.keywords)
            if root is not None and (node.func.attr not in READ_ONLY_METHODS or inplace):
                self.expr(node.func.value, cond)
                self.mutate(root)
                for child in node.args + [k.value for k in node.keywords]:
                    self.expr(child, cond)
                return
        for child in ast.iter_child_nodes(node):
            self.expr(child, cond)


def _root_name(node: ast.AST):
    """`x` for `x`, `x.a`, `x[0].b`, `x.a[1]`; None for anything rooted in a call or literal."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _try_types():
    return (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
