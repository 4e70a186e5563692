"""One cached cell run, shared by `%%xetmemo` and the lab extension's `%%xetcache_cell`.

key = f(cell body, input fingerprints, output names, namespace). Hit: variables and recorded outputs come back,
the body does not run. Miss: the body runs as the cell (its last expression is the cell's result), outputs are
recorded while they show, and the run is stored when it succeeded and was slow enough (or "always").
Returns the run event (events.py); an exception of the body propagates unchanged and nothing is stored.
"""

from __future__ import annotations

import time
import types
from typing import Any, Dict, List, Optional

from .. import config
from . import analysis, capture, cellinfo, declared, events, execution, inferred, lookup, traced
from ..errors import CorruptObjectError, UnhashableError, XetCacheError
from ..keys.fingerprint import fingerprint
from ..keys.sameobjects import SAME_OBJECTS, SameObjects
from ..keys.key import cell_key
from ..store.cache import open_store
from ..store.storage import Storage

def _is_code_object(value: Any) -> bool:
    """Modules, functions and classes are not cached as values (imports/defs are replayed instead)."""
    return isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type))


class _Plan:
    """What this run caches, decided before it runs."""

    def __init__(self, code: str, source: str, spec: dict, shell: Any) -> None:
        ns, hidden = shell.user_ns, getattr(shell, "user_ns_hidden", {})
        self.code, self.source = code, source
        self.inferred: Optional[analysis.Analysis] = None
        if spec.get("inputs") is None or spec.get("outputs") is None:
            self.inferred = analysis.analyze(source)
        if spec.get("inputs") is not None:
            self.inputs = list(spec["inputs"])
        else:  # candidates that exist now; modules and IPython's own names (In, Out, get_ipython, ...) are not data
            self.inputs = [n for n in self.inferred.inputs
                           if n in ns and n not in hidden and not isinstance(ns[n], types.ModuleType)]
        if spec.get("outputs") is not None:
            self.outputs = list(spec["outputs"])
        else:
            self.outputs = [n for n in self.inferred.outputs
                            if not (n in ns and _is_code_object(ns[n])) and not n.startswith("__")]
        self.replay = self.inferred.replay if self.inferred is not None and spec.get("outputs") is None else ""
        self.deleted = self.inferred.deleted if self.inferred is not None and spec.get("outputs") is None else []


def run_cached_cell(code: str, spec: dict, shell: Any) -> dict:
    """Run `code` (the cell body) through the cache. `spec` as in CONTRACT.md section 3 (nulls = infer/defaults)."""
    __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
    threshold = config.get_runtime_threshold()
    always = spec.get("always")
    always = config.get_always_default() if always is None else bool(always)
    namespace = spec.get("key")
    source = execution.transform(code, shell)
    if spec.get("inputs") is None and spec.get("outputs") is None:  # inferred: traced and verified (inferred.py)
        event = events.new_event(
            cell_id=spec.get("cell_id"), notebook=cellinfo.notebook_path(spec.get("notebook"), config.get_memo_path()),
            code_sha256=spec.get("code_sha256") or cellinfo.sha256_text(code), inputs=[], outputs=[],
            threshold_s=threshold)
        return inferred.run(code, source, spec, shell, event, _run)
    plan = _Plan(code, source, spec, shell)
    store_dir = config.get_memo_path()
    event = events.new_event(
        cell_id=spec.get("cell_id"), notebook=cellinfo.notebook_path(spec.get("notebook"), store_dir),
        code_sha256=spec.get("code_sha256") or cellinfo.sha256_text(code), inputs=plan.inputs,
        outputs=plan.outputs, threshold_s=threshold)
    store = lookup.open_store_for(event)

    missing = [n for n in plan.inputs if n not in shell.user_ns]
    if missing:  # declared input that does not exist: the cell cannot mean anything cacheable
        from IPython.core.error import UsageError

        raise UsageError(f"xetcache: input variable {missing[0]!r} is not defined (declared in input=...)")
    try:
        same = SameObjects()
        inputs_fp = {n: fingerprint(shell.user_ns[n], n, same=same) for n in plan.inputs}
        shared = same.digest()
        if shared is not None:  # declared inputs that are, or hold, one object
            inputs_fp[SAME_OBJECTS] = shared
    except UnhashableError as e:  # run uncached, and say which input stopped caching
        runtime = _run(source, shell, code, None)
        return _fail(event, e.code, e.variable, f"{e} — the cell ran without the cache", runtime)
    key = cell_key(code, inputs_fp, plan.outputs, namespace)
    event["key"] = key

    if store is not None:
        hit = _try_hit(store, key, plan, shell, event)
        if hit is not None:
            return hit
        previous = store.entries_for_cell(event["notebook"], event["cell_id"]) if event["cell_id"] else []
        event["changed"] = events.changes(previous, key, event["code_sha256"], inputs_fp)
    recorder = capture.Recorder(shell)
    before = traced.user_names(shell.user_ns, getattr(shell, "user_ns_hidden", {}))
    runtime = _run(source, shell, code, recorder)
    event["warning"] = _undeclared(plan, source, before, shell)
    event["runtime_s"] = events.secs(runtime)
    if not always and runtime < threshold:
        event["state"] = "skipped"
        note = event["reason"]  # e.g. why a cached entry could not be used
        event["reason"] = f"ran {runtime:.2g} s < threshold {threshold:g} s" + (f"; {note}" if note else "")
        return event
    return _store(event, plan, shell, inputs_fp, namespace, code, recorder.outputs, runtime)


def _try_hit(store: Storage, key: str, plan: _Plan, shell: Any, event: dict) -> Optional[dict]:
    t0 = time.perf_counter()
    manifest = lookup.manifest(store, key, event)
    if manifest is None:
        return None
    try:
        variables, outputs = declared.load(store, manifest)  # one LFS fetch for everything the hit needs
    except CorruptObjectError as e:  # never unpickled; the cell simply runs (and may store a good copy)
        event["reason"] = events.unusable_reason(e)  # the badge tooltip says why, and how to fix it
        return None
    if plan.replay:  # imports and defs of the cell, compiled as the cell (its filename, IPython's flags, not ours)
        try:
            module, _ = traced.replay_nodes(plan.source)
        except traced.Declined as e:
            event["reason"] = f"not restored: {e}"
            return None
        filename = execution.cell_filename(plan.source, shell, plan.code)
        exec(shell.compile(module, filename, "exec"), shell.user_global_ns, shell.user_ns)
    for name in plan.deleted:
        shell.user_ns.pop(name, None)
    shell.user_ns.update(variables)
    capture.replay(outputs or [], shell)
    restore = time.perf_counter() - t0
    runtime = float(manifest.get("runtime_s") or 0.0)
    saved = max(0.0, runtime - restore)
    try:
        store.record_hit(key, saved)
    except (OSError, XetCacheError):  # usage stats are best effort; the hit itself worked
        pass
    event.update(state="hit", runtime_s=events.secs(runtime), restore_s=events.secs(restore),
                 saved_s=events.secs(saved), bytes=manifest.get("total_bytes"), created=manifest.get("created"))
    return event


def _run(source: str, shell: Any, code: str, recorder: Optional[capture.Recorder]) -> float:
    """Run the body as the cell, recording what it shows; returns its wall time. Exceptions propagate."""
    __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
    t0 = time.perf_counter()
    if recorder is None:
        execution.run(source, shell, code)
    else:
        with recorder:
            execution.run(source, shell, code)
    return time.perf_counter() - t0


def _store(event: dict, plan: _Plan, shell: Any, inputs_fp: Dict[str, str], namespace: Optional[str], code: str,
           outputs: List[dict], runtime: float) -> dict:
    ns = shell.user_ns
    absent = [n for n in plan.outputs if n not in ns]
    if absent and plan.inferred is None:  # declared output never assigned: storing would make hits incomplete
        return _fail(event, "ESTORE", absent[0], f"output variable {absent[0]!r} was not defined by the cell; "
                     "nothing stored (fix output=...)", runtime)
    variables = {n: ns[n] for n in plan.outputs if n in ns}
    source_info = {"notebook": event["notebook"], "cell_id": event["cell_id"], "code_sha256": event["code_sha256"],
                   "preview": _preview(code), "qualname": None}
    try:
        store = open_store(create=True)
        manifest = declared.save(store, variables, key=event["key"], kind="cell", outputs=outputs or None,
                                 runtime_s=runtime, source=source_info, inputs=inputs_fp,
                                 outputs_names=sorted(plan.outputs), namespace=namespace)
    except XetCacheError as e:
        what = getattr(e, "variable", None)
        hint = {"EUNPICKLABLE": "nothing stored; the cell's variables stay in the kernel",
                "ESTOREFULL": "evict entries or raise the byte budget",
                "EREADONLY": "cached entries still load; nothing new is stored"}.get(e.code, "see the message")
        return _fail(event, e.code, what, f"{e} — {hint}", runtime)
    except OSError as e:
        return _fail(event, "ESTORE", None, f"could not write the cache: {e}", runtime)
    event.update(state="stored", bytes=manifest.get("total_bytes"), created=manifest.get("created"),
                 runtime_s=events.secs(runtime))
    return event


def _undeclared(plan: _Plan, source: str, before: Dict[str, int], shell: Any) -> Optional[str]:
    """Declared outputs keep the seed's contract (the user says what the cell makes), but say when the run bound
    or (by its code) changed more: a hit will not restore those."""
    if plan.inferred is not None:
        return None
    after = traced.user_names(shell.user_ns, getattr(shell, "user_ns_hidden", {}))
    more = {n for n, i in after.items() if before.get(n) != i}
    try:
        more |= set(analysis.analyze(source).outputs)
    except SyntaxError:
        pass
    more -= set(plan.outputs)
    more = {n for n in more if n in shell.user_ns and not _is_code_object(shell.user_ns[n])}
    if not more:
        return None
    names = ", ".join(sorted(more)[:5])
    return f"the run also changed {names}, not in output= (a hit restores only the declared outputs)"


def _fail(event: dict, code: str, variable: Optional[str], reason: str, runtime: Optional[float]) -> dict:
    event.update(state="error", error_code=code, variable=variable, reason=reason,
                 runtime_s=events.secs(runtime))
    return event


def _preview(code: str) -> str:
    lines = code.strip("\n").splitlines()[:8]
    return "\n".join(lines)[:400]

