"""Values no second run can repeat: the clock (`time.time()`, `datetime.now()`, `perf_counter()`) and the operating
system's entropy (`os.urandom`, `uuid4`, `secrets`, a generator made or seeded without a seed). A hit would hand back
the stored run's timestamp, id or draw as if this run had made it: the cell declines instead (it runs, and the
badge names the call). Naming the `time` module is not reading the clock: only calls (or references, which are
called later) of those functions count, found in the bytecode of the cell and of the user functions it reaches.

Each use is resolved to a dotted name: a name the code itself imports (`from time import perf_counter`, `import
numpy.random as npr`) by its import, other names by the value the namespace holds (a module by its name, a function
or class by its module and qualname). Library code that reads the clock for itself (a progress bar, sklearn's fit
times) is not the cell's own reading and is not looked at.
"""

from __future__ import annotations

import builtins
import dis
import types
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

# (module family, attribute path) of functions that read the clock or the OS's entropy whenever called
_CLOCK = [("time", p) for p in ("time", "time_ns", "perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns",
                                "process_time", "process_time_ns", "thread_time", "thread_time_ns", "clock_gettime",
                                "clock_gettime_ns")] + [("os", "times")]
_CLOCK += [("datetime", "datetime.now"), ("datetime", "datetime.utcnow"), ("datetime", "datetime.today"),
           ("datetime", "date.today"), ("pandas", "Timestamp.now"), ("pandas", "Timestamp.utcnow"),
           ("pandas", "Timestamp.today")]
_ENTROPY = [("os", "urandom"), ("os", "getrandom"), ("uuid", "uuid1"), ("uuid", "uuid4"), ("random", "SystemRandom")]
_ENTROPY += [("secrets", p) for p in ("token_bytes", "token_hex", "token_urlsafe", "randbits", "randbelow", "choice",
                                      "SystemRandom")]
# random names (and the files or folders made under them)
_ENTROPY += [("tempfile", p) for p in ("mkdtemp", "mkstemp", "mktemp", "NamedTemporaryFile", "TemporaryDirectory",
                                       "TemporaryFile", "SpooledTemporaryFile")]
# this process's own: its id, and the hash of a str or bytes (salted per process unless PYTHONHASHSEED is set;
# `hash` only in the cell's own code: user classes' __hash__ methods are called for dict and set lookups)
_PROCESS = [("os", "getpid"), ("builtins", "hash")]
# constructors that read the clock when given the string "now" or "today"
_CLOCK_WORDS = [("numpy", "datetime64"), ("pandas", "Timestamp"), ("pandas", "to_datetime"), ("pandas", "date_range"),
                ("pandas", "DatetimeIndex"), ("pandas", "Period")]
# strftime formats the current time unless given one: counted whatever its arguments (the bytecode shows a call
# without arguments, not how many a call has), a decline where a time tuple is passed being the lesser harm
_CLOCK.append(("time", "strftime"))
# the same when called without arguments: the current time (no time given to convert), a generator seeded from
# OS entropy (no seed given)
_CLOCK_NO_ARGS = [("time", p) for p in ("localtime", "gmtime", "ctime", "asctime")]
_ENTROPY_NO_ARGS = [("random", "seed"), ("random", "Random")]
_ENTROPY_NO_ARGS += [("numpy.random", p) for p in ("seed", "default_rng", "RandomState", "SeedSequence", "PCG64",
                                                   "PCG64DXSM", "MT19937", "Philox", "SFC64")]
_ROOTS = {"LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF"}
_ATTRS = {"LOAD_ATTR", "LOAD_METHOD"}
_SKIP = {"PRECALL", "PUSH_NULL", "KW_NAMES", "CACHE", "EXTENDED_ARG"}
_STORES = {"STORE_NAME", "STORE_FAST", "STORE_GLOBAL", "STORE_DEREF"}
_NAMED = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.MethodWrapperType)
Use = Tuple[str, List[str], Optional[int]]  # (root name, attributes, positional arguments of a call or None)
_uses_cache: Dict[int, Tuple[types.CodeType, List[Use], Dict[str, str]]] = {}


def _matches(dotted: str, rules: Iterable[Tuple[str, str]]) -> bool:
    for family, path in rules:
        if dotted == f"{family}.{path}" or (dotted.startswith(family + ".") and dotted.endswith("." + path)):
            return True
    return False


def _scan(code: types.CodeType) -> Tuple[List[Use], Dict[str, str]]:
    """(uses, imports) of one code object: attribute chains from a name (with the call that follows), and the
    names its import statements bind -> the dotted name they import."""
    hit = _uses_cache.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1], hit[2]
    uses: List[Use] = []
    imports: Dict[str, str] = {}
    ins = [i for i in dis.get_instructions(code) if i.opname not in _SKIP]
    k = 0
    while k < len(ins):
        i = ins[k]
        if i.opname == "IMPORT_NAME" and isinstance(i.argval, str):
            fromlist = ins[k - 1].argval if k and ins[k - 1].opname == "LOAD_CONST" else None
            level = ins[k - 2].argval if k > 1 and ins[k - 2].opname == "LOAD_CONST" else 0
            k += 1
            if level:  # relative imports: the user's own package
                continue
            if k < len(ins) and ins[k].opname in _STORES:  # `import a.b` binds `a`
                imports[ins[k].argval] = i.argval.split(".")[0]
            while k + 1 < len(ins) and ins[k].opname == "IMPORT_FROM" and ins[k + 1].opname in _STORES:
                imports[ins[k + 1].argval] = i.argval if fromlist is None else f"{i.argval}.{ins[k].argval}"
                k += 2
            continue
        if i.opname in _ROOTS and isinstance(i.argval, str):
            attrs: List[str] = []
            k += 1
            while k < len(ins) and ins[k].opname in _ATTRS:
                attrs.append(ins[k].argval)
                k += 1
            if k + 1 < len(ins) and ins[k].opname == "LOAD_CONST" and ins[k].argval is None \
                    and ins[k + 1].opname in ("CALL", "CALL_FUNCTION", "CALL_METHOD") and ins[k + 1].arg == 1:
                k += 1  # default_rng(None), seed(None): as if called without arguments
                call = ins[k]
                uses.append((i.argval, attrs, 0))
                continue
            call = ins[k] if k < len(ins) else None
            argc = call.arg if call is not None and call.opname.startswith("CALL") and call.opname != "CALL_FUNCTION_EX" \
                else None
            if call is not None and call.opname in ("CALL_FUNCTION_KW", "CALL_KW"):
                argc = (argc or 0) + 1  # keyword arguments: not a call without arguments
            # (a call with arguments has them loaded between the chain and the call: argc stays None then)
            uses.append((i.argval, attrs, argc))
            continue
        k += 1
    _uses_cache[id(code)] = (code, uses, imports)
    return uses, imports


def _codes(code: types.CodeType) -> List[types.CodeType]:
    out = [code]
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out += _codes(c)
    return out


def _dotted(value: Any) -> Optional[str]:
    """A module's name, a class's or function's module + qualname; None for anything else. Never a getattr on other
    objects: an instance's `__getattr__` is user code that may raise or change state (`return SETTINGS[name]`)."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    if not isinstance(value, _NAMED) and type(value).__name__ != "cython_function_or_method":
        return None
    try:
        module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    except Exception:  # a metaclass's __getattr__
        return None
    if isinstance(module, str) and isinstance(qualname, str):
        return f"{module}.{qualname}"
    return None


def resolved(code: types.CodeType, g: Dict[str, Any], outer: Dict[str, str],
             cell: bool = False) -> Iterator[Tuple[str, str, Optional[int], Set[str]]]:
    """(dotted name, name as written, positional arguments of a call or None, "now"/"today" among the string
    constants) of each attribute chain the code (and the code nested in it) uses from a module, class or function."""
    for c in _codes(code):
        uses, imports = _scan(c)
        words = {x.lower() for x in c.co_consts if isinstance(x, str)} & {"now", "today"}
        for root, attrs, argc in uses:
            base = imports.get(root) or outer.get(root)
            if base is None:
                value = g.get(root)
                if value is None:
                    if not (cell and root in vars(builtins)):
                        continue
                    value = vars(builtins)[root]
                base = _dotted(value)
                if base is None:
                    continue
            yield ".".join([base] + attrs), ".".join([root] + attrs), argc, words


def imports_of(code: types.CodeType) -> Dict[str, str]:
    """The names the code's import statements bind -> the dotted name each imports."""
    return _scan(code)[1]


def matches(dotted: str, rules: Iterable[Tuple[str, str]]) -> bool:
    return _matches(dotted, rules)


def _check(code: types.CodeType, g: Dict[str, Any], outer: Dict[str, str], cell: bool = False) -> Optional[str]:
    for dotted, what, argc, words in resolved(code, g, outer, cell):
        if words and _matches(dotted, _CLOCK_WORDS):
            return f"reads the clock ({what}({sorted(words)[0]!r})): a hit would give the stored run's time"
        if _matches(dotted, _PROCESS):
            return f"gives a value of this process ({what}), another in every kernel: a hit would give the stored one"
        if _matches(dotted, _CLOCK) or (argc == 0 and _matches(dotted, _CLOCK_NO_ARGS)):
            return f"reads the clock ({what}): a hit would give the stored run's time"
        if _matches(dotted, _ENTROPY) or (argc == 0 and _matches(dotted, _ENTROPY_NO_ARGS)):
            return f"draws from the OS's entropy ({what}): a hit would give the stored run's values"
    return None


def reason(code: Optional[types.CodeType], ns: Dict[str, Any], functions: Iterable[Any]) -> Optional[str]:
    """Why the cell's results cannot be repeated (None: nothing found). ``functions``: user functions it reaches."""
    if code is None:
        return None
    _, cell_imports = _scan(code)
    why = _check(code, ns, {}, cell=True)
    if why:
        return why
    for fn in functions:
        fcode = getattr(fn, "__code__", None)
        if isinstance(fcode, types.CodeType):
            why = _check(fcode, getattr(fn, "__globals__", {}) or {}, cell_imports if fn.__globals__ is ns else {})
            if why:
                return f"{why} (in {getattr(fn, '__qualname__', '?')})"
    return None
