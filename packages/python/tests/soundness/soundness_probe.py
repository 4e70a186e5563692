"""Kernel side of the soundness harness: imported inside the kernels the tests start (the harness puts this folder
on the kernel's PYTHONPATH), never by the test process.

`bootstrap(cwd, settings)` moves the kernel into the case's folder, optionally loads the engine the way the lab
extension does (`xetcache.ipython.jupyter.activate(settings_json)` from inside a function, so no name lands in the
user namespace) and records a baseline of process state (environment, sys.path).

`report(shell, exprs)` describes the kernel's state in comparable text: every user variable (a canonical,
deterministic rendering: dict order, array memory order, dtypes, DataFrame attrs, function code, ...), the identity
relations among them ("b is a", "fig.axes[0] is ax", a closure's captured dict is the global one), hidden state
(random, numpy's global RNG and print options, matplotlib rcParams, environment and sys.path changes) and the value
of each probe expression. It imports nothing that the kernel has not imported already (numpy, pandas, matplotlib
are looked up in sys.modules), so probing never changes what it observes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import sys
import types
import warnings

_BASELINE = {"env": None, "path": None}
_ADDR = re.compile(r"0x[0-9a-fA-F]{4,}")
_CELLFILE = re.compile(r"(/[^\s'\"]*ipykernel_\d+/\d+\.py|<ipython-input-[^>]*>|<xetcache[^>]*>)")
_SKIP_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "open"}
MAX_DEPTH = 7
MAX_ITEMS = 200_000


RANDOM_SEED = 20240  # every kernel starts its generators the same way, so their states can be compared
NUMPY_SEED = 20241


class _SeedNumpyOnImport:
    """Seeds numpy's global RandomState when `numpy.random` is first imported (numpy imports it lazily), without
    importing numpy here: a kernel that never imports numpy stays without it."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "numpy.random.mtrand":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_seed(module):
            exec_module(module)
            module._rand.seed(NUMPY_SEED)

        spec.loader.exec_module = exec_and_seed
        return spec


def bootstrap(cwd, settings_json=None, fixed_seeds=True):
    import random

    os.chdir(cwd)
    if fixed_seeds:
        random.seed(RANDOM_SEED)
        if "numpy.random.mtrand" in sys.modules:
            sys.modules["numpy.random.mtrand"]._rand.seed(NUMPY_SEED)
        else:
            sys.meta_path.insert(0, _SeedNumpyOnImport())
    result = None
    if settings_json is not None:
        import xetcache.ipython.jupyter

        result = xetcache.ipython.jupyter.activate(settings_json)
    _BASELINE["env"] = dict(os.environ)
    _BASELINE["path"] = list(sys.path)
    return json.dumps(result)


# --- canonical text of a value --------------------------------------------------------------------------------

def _mod(name):
    return sys.modules.get(name)


def _qual(t):
    return f"{getattr(t, '__module__', '?')}.{getattr(t, '__qualname__', getattr(t, '__name__', '?'))}"


def _is_user_module_name(modname):
    if modname in (None, "__main__", "builtins"):
        return modname == "__main__"
    m = sys.modules.get(modname.split(".")[0])
    f = getattr(m, "__file__", None) or ""
    return bool(f) and os.path.realpath(f).startswith(os.path.realpath(os.getcwd()) + os.sep)


def _code(co, depth):
    parts = [co.co_name, co.co_code.hex(), repr(co.co_names), repr(co.co_varnames), repr(co.co_freevars),
             str(co.co_flags & 0xFFFF), str(co.co_argcount), str(co.co_kwonlyargcount)]
    consts = []
    for c in co.co_consts:
        consts.append(_code(c, depth + 1) if isinstance(c, types.CodeType) else canon(c, depth + 1))
    return "code(" + ",".join(parts) + ",[" + ",".join(consts) + "])"


def _function(f, depth, path):
    mod = getattr(f, "__module__", None)
    if not _is_user_module_name(mod) and not getattr(f.__code__, "co_filename", "").startswith("<"):
        return f"fn:{mod}.{f.__qualname__}"
    closure = []
    for name, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
        try:
            closure.append(f"{name}={canon(cell.cell_contents, depth + 1, path)}")
        except ValueError:
            closure.append(f"{name}=<empty>")
    body = [f.__qualname__, str(mod), _code(f.__code__, depth), "defaults=" + canon(f.__defaults__, depth + 1, path),
            "kwdefaults=" + canon(f.__kwdefaults__, depth + 1, path), "closure=[" + ",".join(closure) + "]",
            "ann=" + canon(dict(getattr(f, "__annotations__", {}) or {}), depth + 1, path),
            "attrs=" + canon({k: v for k, v in vars(f).items() if k != "__wrapped__"}, depth + 1, path)]
    wrapped = getattr(f, "__wrapped__", None)
    if wrapped is not None:
        body.append("wrapped=" + canon(wrapped, depth + 1, path))
    return "fn(" + ";".join(body) + ")"


def _class(cls, depth, path):
    if not _is_user_module_name(cls.__module__):
        return f"class:{_qual(cls)}"
    items = []
    for k, v in sorted(vars(cls).items()):
        # __slotnames__: copyreg caches it on a class the first time an instance is pickled
        if k in ("__dict__", "__weakref__", "__firstlineno__", "__static_attributes__", "__slotnames__"):
            continue
        items.append(f"{k}={canon(v, depth + 1, path)}")
    bases = ",".join(_qual(b) for b in cls.__bases__)
    return f"class({_qual(cls)};bases={bases};" + ";".join(items) + ")"


def _array(a, depth, path):
    # F order survives a pickle round trip and code can see it; the strides of a non-contiguous view cannot
    # survive one on their own (what the view shares with other arrays is checked by `aliases`, through .base)
    order = "F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C"
    head = f"nd(dtype={a.dtype.str},shape={a.shape},order={order}"
    if a.dtype.hasobject:
        return head + ",items=" + canon(a.tolist(), depth + 1, path) + ")"
    np = _mod("numpy")
    data = np.ascontiguousarray(a).tobytes()
    if len(data) <= 64:
        return head + f",values={a.tolist()!r})"
    return head + f",sha={hashlib.sha256(data).hexdigest()[:24]},first={a.ravel()[:4].tolist()!r})"


def _pandas(obj, depth, path):
    pd = _mod("pandas")
    if isinstance(obj, pd.DataFrame):
        cols = []
        for i in range(obj.shape[1]):
            col = obj.iloc[:, i]
            cols.append(canon(col.to_numpy(), depth + 1, path) + ":" + str(col.dtype))
        return ("DataFrame(columns=" + canon(list(obj.columns), depth + 1, path) + ",index=" + _pandas(obj.index, depth + 1, path)
                + ",data=[" + ",".join(cols) + "],attrs=" + canon(dict(obj.attrs), depth + 1, path)
                + f",flags={obj.flags.allows_duplicate_labels})")
    if isinstance(obj, pd.Series):
        return (f"Series(name={obj.name!r},dtype={obj.dtype},index=" + _pandas(obj.index, depth + 1, path)
                + ",values=" + canon(obj.to_numpy(), depth + 1, path) + ",attrs=" + canon(dict(obj.attrs), depth + 1, path) + ")")
    if isinstance(obj, pd.Index):
        return f"{type(obj).__name__}(name={obj.names!r},dtype={obj.dtype},values=" + canon(obj.tolist(), depth + 1, path) + ")"
    return None


def _matplotlib(obj, depth, path):
    mpl = _mod("matplotlib")
    fig_mod, axes_mod = _mod("matplotlib.figure"), _mod("matplotlib.axes")
    if fig_mod is not None and isinstance(obj, fig_mod.Figure):
        w, h = obj.get_size_inches()
        return f"Figure(size=({w:.3g},{h:.3g}),dpi={obj.dpi:.3g},axes=[" + ",".join(
            _matplotlib(ax, depth + 1, path) for ax in obj.axes) + "])"
    if axes_mod is not None and isinstance(obj, axes_mod.Axes):
        lines = [canon(ln.get_xydata().tolist(), depth + 1, path) for ln in obj.get_lines()]
        return (f"Axes(title={obj.get_title()!r},xlabel={obj.get_xlabel()!r},ylabel={obj.get_ylabel()!r},"
                f"facecolor={mpl.colors.to_hex(obj.get_facecolor())},nlines={len(lines)},"
                f"ncollections={len(obj.collections)},npatches={len(obj.patches)},lines=[" + ",".join(lines) + "])")
    return f"<{_qual(type(obj))}>"


def canon(obj, depth=0, path=None):
    """Deterministic text for `obj` (same value, same text, in any kernel, whatever PYTHONHASHSEED)."""
    if path is None:
        path = set()
    if depth > MAX_DEPTH:
        return f"<deep {_qual(type(obj))}>"
    np = _mod("numpy")
    if np is not None and isinstance(obj, np.generic):
        return f"np.{type(obj).__name__}:{obj!r}"
    if obj is None or isinstance(obj, (bool, int, str, bytes, complex)):
        return f"{type(obj).__name__}:{obj!r}" if type(obj) not in (int, str, bool) else repr(obj)
    if isinstance(obj, float):
        return "float:" + ("nan" if math.isnan(obj) else repr(obj))
    if isinstance(obj, (types.ModuleType,)):
        if _is_user_module_name(obj.__name__):
            public = {k: v for k, v in vars(obj).items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}
            return f"module({obj.__name__}:" + canon(dict(sorted(public.items())), depth + 1, path) + ")"
        return f"module:{obj.__name__}"
    if isinstance(obj, (types.BuiltinFunctionType, types.MethodWrapperType)):
        return f"builtin:{getattr(obj, '__qualname__', repr(obj))}"
    lg = _mod("logging")
    if lg is not None and isinstance(obj, lg.Logger):  # by what it does; its _cache memoizes isEnabledFor
        return (f"logger({obj.name}:{obj.level}:{obj.propagate}:{obj.disabled}:"
                f"{[type(h).__qualname__ for h in obj.handlers]})")
    if id(obj) in path:
        return f"<cycle {_qual(obj) if isinstance(obj, type) else _qual(type(obj))}>"
    path = path | {id(obj)}
    if isinstance(obj, type):
        return _class(obj, depth, path)
    if isinstance(obj, types.FunctionType):
        return _function(obj, depth, path)
    if isinstance(obj, types.MethodType):
        return "method(" + canon(obj.__func__, depth + 1, path) + " of " + canon(obj.__self__, depth + 1, path) + ")"
    if isinstance(obj, (staticmethod, classmethod)):
        return f"{type(obj).__name__}(" + canon(obj.__func__, depth + 1, path) + ")"
    if isinstance(obj, property):
        return "property(" + ",".join(canon(getattr(obj, a), depth + 1, path) for a in ("fget", "fset", "fdel")) + ")"
    pd = _mod("pandas")
    if np is not None:
        if isinstance(obj, np.ndarray):
            return _array(obj, depth, path)
        if isinstance(obj, np.dtype):
            return f"dtype:{obj.str}"
        if isinstance(obj, np.random.RandomState):
            return "RandomState(" + canon(obj.get_state(), depth + 1, path) + ")"
        if isinstance(obj, np.random.Generator):
            return "Generator(" + canon(obj.bit_generator.state, depth + 1, path) + ")"
    if pd is not None and isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
        return _pandas(obj, depth, path)
    if type(obj).__module__.split(".")[0] == "matplotlib":
        return _matplotlib(obj, depth, path)
    if isinstance(obj, memoryview):
        return f"memoryview(format={obj.format},shape={obj.shape},items=" + canon(obj.tolist(), depth + 1, path) + ")"
    if isinstance(obj, (list, tuple)):
        items = obj if len(obj) <= MAX_ITEMS else list(obj[:MAX_ITEMS]) + ["…"]
        inner = ",".join(canon(x, depth + 1, path) for x in items)
        tag = "" if type(obj) in (list, tuple) else _qual(type(obj))
        return f"{tag}[{inner}]" if isinstance(obj, list) else f"{tag}({inner})"
    if isinstance(obj, (set, frozenset)):
        inner = sorted(canon(x, depth + 1, path) for x in obj)
        return f"{type(obj).__name__}{{" + ",".join(inner) + "}"
    if isinstance(obj, dict):
        tag = "" if type(obj) is dict else _qual(type(obj))
        inner = ",".join(f"{canon(k, depth + 1, path)}:{canon(v, depth + 1, path)}" for k, v in obj.items())
        extra = ""
        if type(obj) is not dict:
            factory = getattr(obj, "default_factory", None)
            if factory is not None:
                extra += "factory=" + canon(factory, depth + 1, path) + "|"
            if hasattr(obj, "__dict__"):
                # public attributes only: sklearn's Bunch keeps a private warnings table that its own
                # __setstate__ drops, so no restored Bunch could have it
                public = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
                extra += "attrs=" + canon(dict(sorted(public.items())), depth + 1, path) + "|"
        return f"{tag}{{{extra}{inner}}}"
    import random as _random

    if isinstance(obj, _random.Random):
        return f"{_qual(type(obj))}(" + canon(obj.getstate(), depth + 1, path) + ")"
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        try:
            state = dict(sorted(vars(obj).items()))
        except TypeError:
            state = None
        if state is not None:
            slots = _slots(obj)
            return f"{_qual(type(obj))}(" + canon(state, depth + 1, path) + (
                ("|slots=" + canon(slots, depth + 1, path)) if slots else "") + ")"
    try:
        reduced = obj.__reduce_ex__(4)
    except Exception:
        reduced = None
    if isinstance(reduced, tuple) and len(reduced) >= 2:
        return f"{_qual(type(obj))}<" + canon(tuple(reduced[1:3]), depth + 1, path) + ">"
    return f"{_qual(type(obj))}:" + _ADDR.sub("0x?", repr(obj))[:200]


def _slots(obj):
    out = {}
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()) or ():
            if isinstance(name, str) and name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                out[name] = getattr(obj, name)
    return dict(sorted(out.items()))


def short(text, limit=20000):
    """A comparable value: [sha256 of the whole text, the text (cut) to show where two values differ]."""
    return [hashlib.sha256(text.encode()).hexdigest()[:32], text[:limit]]


# --- identity relations ---------------------------------------------------------------------------------------

_ATOMS = (type(None), bool, int, float, complex, str, bytes, tuple, frozenset, type, types.ModuleType,
          types.BuiltinFunctionType)


def aliases(named):
    """["fig is ax.figure", "b is a", ...]: each object reached twice, reached first by the sorted walk."""
    seen, keep, out = {}, [], []
    np, pd = _mod("numpy"), _mod("pandas")

    def walk(obj, where, depth):
        if depth > 4 or isinstance(obj, _ATOMS) or (np is not None and isinstance(obj, (np.generic, np.dtype))):
            if isinstance(obj, tuple) and depth <= 4:
                for i, x in enumerate(obj):
                    walk(x, f"{where}[{i}]", depth + 1)
            return
        if isinstance(obj, types.FunctionType) and not _is_user_module_name(obj.__module__):
            return
        if id(obj) in seen:
            out.append(f"{where} is {seen[id(obj)]}")
            return
        seen[id(obj)] = where
        keep.append(obj)
        if isinstance(obj, list):
            for i, x in enumerate(obj[:1000]):
                walk(x, f"{where}[{i}]", depth + 1)
        elif isinstance(obj, dict):
            for i, (k, v) in enumerate(list(obj.items())[:1000]):
                walk(v, f"{where}[{k!r}]" if isinstance(k, (str, int)) else f"{where}[#{i}]", depth + 1)
        elif isinstance(obj, types.FunctionType):
            for name, cell in zip(obj.__code__.co_freevars, obj.__closure__ or ()):
                try:
                    walk(cell.cell_contents, f"{where}.<closure {name}>", depth + 1)
                except ValueError:
                    pass
            for i, d in enumerate(obj.__defaults__ or ()):
                walk(d, f"{where}.<default {i}>", depth + 1)
        elif np is not None and isinstance(obj, np.ndarray):
            if isinstance(obj.base, np.ndarray):
                walk(obj.base, f"{where}.base", depth + 1)
        elif pd is not None and isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
            return
        elif type(obj).__module__.split(".")[0] == "matplotlib":
            fig_mod, axes_mod = _mod("matplotlib.figure"), _mod("matplotlib.axes")
            if fig_mod is not None and isinstance(obj, fig_mod.Figure):
                walk(list(obj.axes), f"{where}.axes", depth + 1)
            elif axes_mod is not None and isinstance(obj, axes_mod.Axes):
                walk(obj.figure, f"{where}.figure", depth + 1)
        elif hasattr(obj, "__dict__") and (_is_user_module_name(type(obj).__module__)
                                           or type(obj).__module__.split(".")[0] == "sklearn"):
            try:
                items = sorted(vars(obj).items())
            except TypeError:
                return
            for k, v in items:
                walk(v, f"{where}.{k}", depth + 1)

    for name in sorted(named):
        walk(named[name], name, 0)
    return sorted(out)


# --- the report -------------------------------------------------------------------------------------------------

def user_variables(shell):
    hidden = getattr(shell, "user_ns_hidden", {})
    out = {}
    for name, value in shell.user_ns.items():
        if name.startswith("_") or name in _SKIP_NAMES or (name in hidden and hidden[name] is value):
            continue
        out[name] = value
    return out


def _hidden_state():
    import random

    state = {"random": canon(random.getstate())}
    np = _mod("numpy")
    if np is not None:
        state["numpy.random"] = canon(np.random.get_state())
        state["numpy.printoptions"] = canon(dict(sorted(np.get_printoptions().items())))
    mpl = _mod("matplotlib")
    if mpl is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params = sorted((k, repr(v)) for k, v in dict.items(mpl.rcParams))
        state["matplotlib.rcParams"] = canon(params)
    pd = _mod("pandas")
    if pd is not None:
        opts = {}
        for k in ("display.max_rows", "display.max_columns", "display.precision", "display.float_format",
                  "display.width", "mode.copy_on_write"):
            try:
                opts[k] = repr(pd.get_option(k))
            except Exception:
                pass
        state["pandas.options"] = _ADDR.sub("0x?", canon(opts))
    env0 = _BASELINE["env"] or {}
    changed = {k: v for k, v in os.environ.items() if env0.get(k) != v}
    removed = sorted(k for k in env0 if k not in os.environ)
    state["os.environ changes"] = canon((dict(sorted(changed.items())), removed))
    path0 = _BASELINE["path"] or []
    state["sys.path additions"] = canon([p for p in sys.path if p not in path0])
    return state


def _normalize(text, cwd):
    text = text.replace(cwd, "<cwd>")
    text = _CELLFILE.sub("<cell>", text)
    return _ADDR.sub("0x?", text)


def report(shell, exprs_json="[]"):
    """Base64 JSON {vars, aliases, hidden, probes} (base64: the user expression's repr stays one plain line)."""
    cwd = os.path.realpath(os.getcwd())
    exprs = json.loads(exprs_json)
    named = user_variables(shell)
    out = {"vars": {}, "aliases": [], "hidden": {}, "probes": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in sorted(named):
            try:
                out["vars"][name] = short(_normalize(canon(named[name]), cwd))
            except Exception as e:  # a value the renderer cannot read is still a fact to compare
                out["vars"][name] = short(f"!render {type(e).__name__}")
        try:
            out["aliases"] = aliases(named)
        except Exception as e:
            out["aliases"] = [f"!aliases {type(e).__name__}: {e}"]
        try:
            out["hidden"] = {k: short(_normalize(v, cwd)) for k, v in _hidden_state().items()}
        except Exception as e:
            out["hidden"] = {"!error": short(f"{type(e).__name__}: {e}")}
        for expr in exprs:  # last: a probe may consume state (it runs in the same order in every kernel)
            try:
                value = eval(expr, shell.user_global_ns, shell.user_ns)
                out["probes"][expr] = short(_normalize(canon(value), cwd))
            except Exception as e:
                out["probes"][expr] = short(f"!{type(e).__name__}: {_normalize(str(e), cwd)[:200]}")
    return base64.b64encode(json.dumps(out, sort_keys=True).encode()).decode("ascii")
