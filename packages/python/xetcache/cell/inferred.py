"""The run of a cell whose inputs and outputs the engine works out itself (cells toggled in JupyterLab,
`%%xetmemo` without input=/output=): hit when the verifying trace holds, else run, trace and store, or decline.
The mechanics are in traced.py; this module is the flow and the run event."""

from __future__ import annotations

import time
import types
from typing import Any, Callable, Dict, List, Optional

from .. import config
from ..errors import CorruptObjectError, UnhashableError, XetCacheError
from ..keys.key import cell_key
from ..store.cache import open_store
from ..store.storage import Storage
from . import analysis, capture, events, execution, files, graph, hidden, lookup, traced

RunFn = Callable[[str, Any, str, Optional[capture.Recorder]], float]


def _declined(event: dict, reason: str, runtime: Optional[float]) -> dict:
    event.update(state="declined", reason=reason, runtime_s=events.secs(runtime))
    return event


def run(code: str, source: str, spec: dict, shell: Any, event: dict, run_body: RunFn) -> dict:
    __tracebackhide__ = True  # a failing cell shows the user's frames, not the engine's (IPython skips these)
    ns, hidden_names = shell.user_ns, getattr(shell, "user_ns_hidden", {})
    try:
        inferred = analysis.analyze(source)
        _, defined = traced.replay_nodes(source)
    except SyntaxError:  # let the run raise it exactly as an uncached cell would
        run_body(source, shell, code, None)
        return _declined(event, "the cell does not parse", None)
    except traced.Declined as e:
        return _declined(event, str(e), run_body(source, shell, code, None))
    reads = [n for n in inferred.inputs if n in ns and n not in hidden_names]
    # what the badge lists as inputs: data and code, not the modules the cell names (those are still in the key)
    shown = [n for n in reads if not isinstance(ns[n], types.ModuleType)]
    event["inputs"], event["outputs"] = shown, list(inferred.outputs)
    try:
        inputs_fp, extra, writable = traced.plan(source, reads, ns)
    except traced.Declined as e:
        return _declined(event, str(e), run_body(source, shell, code, None))
    except UnhashableError as e:
        runtime = run_body(source, shell, code, None)
        event.update(state="error", error_code=e.code, variable=e.variable, runtime_s=events.secs(runtime),
                     reason=f"{e} — the cell ran without the cache")
        return event
    key = cell_key(code, inputs_fp, [], spec.get("key"))
    event["key"] = key
    store = lookup.open_store_for(event)
    if store is not None:
        hit = _try_hit(store, key, source, code, shell, event, shown, extra)
        if hit is not None:
            return hit
        previous = store.entries_for_cell(event["notebook"], event["cell_id"]) if event["cell_id"] else []
        event["changed"] = events.changes(previous, key, event["code_sha256"], inputs_fp)
    return _miss(code, source, spec, shell, event, run_body, inputs_fp, extra, writable, defined, shown)


def _miss(code: str, source: str, spec: dict, shell: Any, event: dict, run_body: RunFn, inputs_fp: Dict[str, str],
          extra: Dict[str, Any], writable: List[str], defined: List[str], reads: List[str]) -> dict:
    __tracebackhide__ = True
    try:
        tracer: Optional[traced.Run] = traced.Run(shell, writable, extra.get("modules"), extra.get("attrs"))
    except traced.Declined as e:
        return _declined(event, str(e), run_body(source, shell, code, None))
    recorder = capture.Recorder(shell)
    store_dir = config.get_memo_path()
    with files.FileRecorder(store_dir) as file_rec, hidden.SeedWatch(shell.user_ns) as seeds:
        file_rec.watch_native(extra.get("named_files") or [])  # named: maybe read (or written) by native code
        runtime = run_body(source, shell, code, recorder)
    event["runtime_s"] = events.secs(runtime)
    try:
        g, trace = tracer.result(defined, file_rec, seeds)
    except traced.Declined as e:
        return _declined(event, str(e), runtime)
    event["deps"] = traced.deps_of(reads, extra, trace)
    event["restores"] = {"bound": trace["bound"], "mutated": trace["mutated"]}
    always = spec.get("always")
    always = config.get_always_default() if always is None else bool(always)
    threshold = config.get_runtime_threshold()
    if not always and runtime < threshold:
        note = event["reason"]
        event["state"] = "skipped"
        event["reason"] = f"ran {runtime:.2g} s < threshold {threshold:g} s" + (f"; {note}" if note else "")
        return event
    trace["functions"] = extra.get("functions") or []
    try:
        state = tracer.serialise(g)
        manifest = open_store(create=True, path=store_dir).save(  # type: ignore[union-attr]
            key=event["key"], kind="cell", variables={n: _type_name(v) for n, v in g["bind"].items()},
            outputs=recorder.outputs or None, runtime_s=runtime, source=_source_info(event, code),
            inputs=inputs_fp, outputs_names=[], namespace=spec.get("key"), state=state, state_codec=graph.CODEC,
            trace=trace)
    except traced.Declined as e:
        return _declined(event, str(e), runtime)
    except XetCacheError as e:
        what = getattr(e, "variable", None)
        hint = {"EUNPICKLABLE": "nothing stored; the cell's variables stay in the kernel",
                "ESTOREFULL": "evict entries or raise the byte budget"}.get(e.code, "see the message")
        event.update(state="error", error_code=e.code, variable=what, reason=f"{e} — {hint}")
        return event
    except OSError as e:
        event.update(state="error", error_code="ESTORE", reason=f"could not write the cache: {e}")
        return event
    event.update(state="stored", bytes=manifest.get("total_bytes"), created=manifest.get("created"))
    return event


def _try_hit(store: Storage, key: str, source: str, code: str, shell: Any, event: dict, reads: List[str],
             extra: Dict[str, Any]) -> Optional[dict]:
    t0 = time.perf_counter()
    manifest = lookup.manifest(store, key, event)
    if manifest is None:
        return None
    if not manifest.get("state"):  # an entry of the per-variable format: no trace to verify, so not used
        event["reason"] = "cached entry predates dependency tracing; recomputed"
        return None
    trace = manifest.get("trace") or {}
    why = traced.stale_reason(trace)
    if why is not None:
        event["reason"] = f"cached entry not valid now: {why}; recomputed"
        return None
    try:
        stream, buffers, outputs = store.load_state(manifest)
    except CorruptObjectError as e:  # never unpickled; the cell simply runs (and may store a good copy)
        event["reason"] = events.unusable_reason(e)
        return None
    filename = execution.cell_filename(source, shell, code)
    try:
        traced.restore(shell, source, filename, stream, buffers)
    except Exception as e:  # a class that moved, an object no longer where it was: run the cell instead
        event["reason"] = f"cached entry unusable (EUNLOADABLE): {type(e).__name__}: {e}; recomputed"
        return None
    capture.replay(outputs or [], shell)
    restore = time.perf_counter() - t0
    runtime = float(manifest.get("runtime_s") or 0.0)
    saved = max(0.0, runtime - restore)
    try:
        store.record_hit(key, saved)
    except (OSError, XetCacheError):  # usage stats are best effort; the hit itself worked
        pass
    event.update(state="hit", runtime_s=events.secs(runtime), restore_s=events.secs(restore),
                 saved_s=events.secs(saved), bytes=manifest.get("total_bytes"), created=manifest.get("created"),
                 deps=traced.deps_of(reads, extra, trace),
                 restores={"bound": trace.get("bound") or [], "mutated": trace.get("mutated") or []})
    return event


def _type_name(value: Any) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"


def _source_info(event: dict, code: str) -> Dict[str, Any]:
    lines = code.strip("\n").splitlines()[:8]
    return {"notebook": event["notebook"], "cell_id": event["cell_id"], "code_sha256": event["code_sha256"],
            "preview": "\n".join(lines)[:400], "qualname": None}
