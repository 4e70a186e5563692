"""Harness of the soundness acceptance suite (issue 8): run cells plain (the oracle) and as cells toggled in
JupyterLab (`%%xetcache_cell <spec>` after `xetcache.ipython.jupyter.activate(...)`), restart, run again, and compare
everything the user could observe.

Protocol of one case (see `run_case`):
1. store: a fresh kernel in the case folder, engine active (threshold 0, always), every cell in order, the cached
   ones toggled; entries are stored.
2. edit: the case's upstream edit is applied (cell sources replaced, files written or deleted).
3. verify and oracle, side by side: a fresh kernel (the restart; or the store kernel again when the case says
   `restart=False`) runs the edited cells with the cached ones toggled, while a fresh plain kernel (no engine) runs
   the same edited cells in a copy of the folder as it was at step 3.
4. compare: every user variable (canonical text, soundness_probe.canon), identity relations among them, hidden state
   (random, numpy RNG and print options, rcParams, pandas options, environment, sys.path), probe expressions, each
   cell's outputs (streams and text exactly; images by mime type only) and the files in the folder.
A case passes when nothing differs, or when the engine declined (event state "declined" with a reason) and no
cached cell hit. `expect_hit` cases (spurious misses) also require every cached cell of step 3 to hit.

Notebooks (`run_notebook`): plain runs of the notebook and of its edited version, a run with every code cell
toggled, a restart and the same run (every cell must hit, nothing may differ), then the edited notebook toggled.

Every kernel starts with `random` and numpy's global RNG seeded the same way (soundness_probe.bootstrap), so
generator states compare; a case can ask for unseeded kernels. Kernels come from a pool started ahead of time (a
kernel boots in ~0.7 s), the kernels of one step run their cells in lockstep, and `session_results` runs all selected
cases and notebooks of a pytest session WORKERS at a time in threads (each kernel is used by one thread), so both
cores stay busy while cases wait on their kernels.
"""

from __future__ import annotations

import ast
import base64
import collections
import hashlib
import json
import os
import re
import shutil
import tempfile
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from conftest import PKG_DIR, RunResult

HERE = Path(__file__).resolve().parent
SETTINGS = json.dumps({"threshold_s": 0, "always": True})
CELL_TIMEOUT = 180
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ADDR = re.compile(r"0x[0-9a-fA-F]{4,}")
_CELLFILE = re.compile(r"(/[^\s'\"]*ipykernel_\d+/\d+\.py|<ipython-input-[^>]*>|<xetcache[^>]*>)")
_LINE_NO = re.compile(r"(<cell>):\d+")


# --- cells and cases ----------------------------------------------------------------------------------------------

@dataclass
class Cell:
    source: str
    cached: bool


def C(source: str) -> Cell:
    """A cell toggled for caching."""
    return Cell(textwrap.dedent(source).strip("\n"), True)


def P(source: str) -> Cell:
    """A plain (uncached) cell."""
    return Cell(textwrap.dedent(source).strip("\n"), False)


@dataclass
class Case:
    id: str
    cause: int
    cells: List[Cell]
    probes: List[str] = field(default_factory=list)
    edit: Dict[int, str] = field(default_factory=dict)  # cell index -> new source, applied before step 3
    files: Dict[str, Any] = field(default_factory=dict)  # written before step 1 (str or bytes)
    files_edit: Dict[str, Any] = field(default_factory=dict)  # written before step 3; None deletes
    restart: bool = True
    expect_hit: bool = False  # spurious misses: every cached cell must hit in step 3
    # Kernels start with `random` and numpy's global RNG seeded (so their states compare); False leaves them as a
    # real kernel has them (random), for cells that seed themselves and must hit anyway
    fixed_seeds: bool = True
    why: str = ""

    def cells_after_edit(self) -> List[Cell]:
        return [Cell(textwrap.dedent(self.edit[i]).strip("\n"), c.cached) if i in self.edit else c
                for i, c in enumerate(self.cells)]


# --- kernels --------------------------------------------------------------------------------------------------------

def _kernel_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([PKG_DIR, str(HERE)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("JPY_SESSION_NAME", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # an edited helpers.py is never shadowed by a same-second stale .pyc
    env.pop("PYTHONHASHSEED", None)  # every kernel its own hash seed, as after a real restart
    return env


class LiveKernel:
    """A started ipykernel (jupyter_client) driven like JupyterLab drives one."""

    def __init__(self, km: Any, kc: Any) -> None:
        self.km, self.kc = km, kc
        self.cwd: Optional[Path] = None
        self.engine = False

    def send(self, code: str, cell_id: Optional[str] = None, silent: bool = False,
             user_expressions: Optional[dict] = None) -> str:
        content = {"code": code, "silent": silent, "store_history": not silent,
                   "user_expressions": user_expressions or {}, "allow_stdin": False, "stop_on_error": True}
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def collect(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> RunResult:
        import time

        msgs: List[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
            msgs.append(m)
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return RunResult(reply, msgs)

    def call(self, expression: str) -> Any:
        """Evaluate one expression silently (a user expression: no history, no execution count, no name bound)."""
        r = self.collect(self.send("", silent=True, user_expressions={"r": expression}))
        value = r.reply["content"]["user_expressions"]["r"]
        if value.get("status") != "ok":
            raise AssertionError(f"kernel call {expression[:80]!r} failed: {value.get('ename')}: {value.get('evalue')}\n"
                                 + "\n".join(_ANSI.sub("", t) for t in value.get("traceback", [])))
        return ast.literal_eval(value["data"]["text/plain"])

    def bootstrap(self, cwd: Path, engine: bool, fixed_seeds: bool = True) -> None:
        self.cwd, self.engine = cwd, engine
        settings = repr(SETTINGS) if engine else "None"
        self.call(f"__import__('soundness_probe').bootstrap({str(cwd)!r}, {settings}, {fixed_seeds!r})")
        if engine:
            import uuid

            msg = self.kc.session.msg("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "xetcache", "data": {}})
            self.kc.shell_channel.send(msg)

    def report(self, probes: Sequence[str]) -> dict:
        text = self.call(f"__import__('soundness_probe').report(get_ipython(), {json.dumps(list(probes))!r})")
        return json.loads(base64.b64decode(text))

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


class KernelPool:
    """Kernels started ahead of use: take() returns a ready kernel moved into `cwd` and starts a replacement."""

    def __init__(self, spare: int = 3) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="xetcache-soundness-pool-"))  # stays empty: it is on sys.path
        self.sockets = Path(tempfile.mkdtemp(prefix="xetcache-soundness-ipc-"))
        self.started = 0
        self.env = _kernel_env()
        self.spare: collections.deque = collections.deque()
        self.live: List[LiveKernel] = []
        self.lock = threading.Lock()  # cases run in worker threads; each kernel is used by one thread at a time
        for _ in range(spare):
            self._spawn()

    def _spawn(self) -> None:
        """Start a kernel without waiting for it (called with the lock held)."""
        from jupyter_client.manager import KernelManager

        # IPC sockets: kernels starting at the same time cannot race for the same TCP port
        self.started += 1
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(self.sockets / f"k{self.started}"))
        km.start_kernel(cwd=str(self.home), env=self.env)
        kc = km.client()
        kc.start_channels()
        self.spare.append((km, kc))

    def take(self, cwd: Path, engine: bool, fixed_seeds: bool = True) -> LiveKernel:
        with self.lock:
            if not self.spare:
                self._spawn()
            km, kc = self.spare.popleft()
            self._spawn()
        kc.wait_for_ready(timeout=120)
        k = LiveKernel(km, kc)
        with self.lock:
            self.live.append(k)
        k.bootstrap(cwd, engine, fixed_seeds)
        return k

    def release(self, k: LiveKernel) -> None:
        with self.lock:
            if k in self.live:
                self.live.remove(k)
        k.shutdown()

    def close(self) -> None:
        for k in list(self.live):
            self.release(k)
        with self.lock:
            spare, self.spare = list(self.spare), collections.deque()
        for km, kc in spare:
            try:
                kc.stop_channels()
            finally:
                km.shutdown_kernel(now=True)
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


# --- running cells ------------------------------------------------------------------------------------------------

def cell_code(cell: Cell, cell_id: str, notebook: str, toggled: bool) -> str:
    """What JupyterLab sends: the source, or `%%xetcache_cell <spec>` + source for a toggled cell (spec.ts)."""
    if not (cell.cached and toggled):
        return cell.source
    spec = {"cell_id": cell_id, "notebook": notebook, "code_sha256": hashlib.sha256(cell.source.encode()).hexdigest(),
            "inputs": None, "outputs": None, "always": None, "key": None}
    return f"%%xetcache_cell {json.dumps(spec)}\n{cell.source}"


@dataclass
class Run:
    """One kernel's pass over the cells: per cell its RunResult and (for toggled cells) the engine's event."""

    kernel: LiveKernel
    cells: List[Cell]
    toggled: bool
    ids: List[str]
    notebook: str
    results: List[RunResult] = field(default_factory=list)
    report: Optional[dict] = None

    def events(self) -> List[Optional[dict]]:
        return [run_event(r) if (c.cached and self.toggled) else None for c, r in zip(self.cells, self.results)]


def run_lockstep(runs: Sequence[Run]) -> None:
    """Cell i goes to every kernel before any result is read, so independent kernels work at the same time."""
    n = max(len(r.cells) for r in runs)
    for i in range(n):
        sent = []
        for run in runs:
            if i < len(run.cells):
                code = cell_code(run.cells[i], run.ids[i], run.notebook, run.toggled)
                sent.append((run, run.kernel.send(code, cell_id=run.ids[i])))
        for run, msg_id in sent:
            run.results.append(run.kernel.collect(msg_id))


def run_event(r: RunResult) -> dict:
    """The engine's run event for a toggled cell: the last `run` comm message, else the stderr line
    (`xetcache: hit ...`, `stored`, `not stored, ...` = skipped, `not cached: <reason>` = declined, `error ...`),
    else {"state": None} (no event: e.g. the engine raised before it could say anything)."""
    evs = [e for e in r.comm_events() if isinstance(e, dict) and e.get("type", "run") == "run" and "state" in e]
    if evs:
        return evs[-1]
    for line in reversed(r.stream("stderr").splitlines()):
        if not line.startswith("xetcache: "):
            continue
        text = line[len("xetcache: "):]
        if text.startswith("hit"):
            return {"state": "hit", "reason": None}
        if text.startswith("stored"):
            return {"state": "stored", "reason": None}
        if text.startswith("not cached"):
            return {"state": "declined", "reason": text[len("not cached"):].lstrip(":, ").strip()}
        if text.startswith("not stored"):
            return {"state": "skipped", "reason": text[len("not stored"):].lstrip(":, ").strip()}
        if text.startswith("error"):
            return {"state": "error", "reason": text}
    return {"state": None, "reason": None}


def plain_failed(run: Run, what: str) -> None:
    """A case whose plain run fails is a broken case (a typo, a missing library), not a finding about the engine:
    say so instead of comparing two identical tracebacks."""
    for i, r in enumerate(run.results):
        if not r.ok:
            err = r.reply["content"]
            raise AssertionError(f"{what}: the plain run itself failed at cell {i}: {err.get('ename')}: "
                                 f"{err.get('evalue')}")


def is_declined(ev: Optional[dict]) -> bool:
    return bool(ev) and ev.get("state") == "declined" and bool((ev.get("reason") or "").strip())


# --- comparing ------------------------------------------------------------------------------------------------------

def _norm_text(text: str, dirs: Sequence[str]) -> str:
    text = _ANSI.sub("", text)
    for d in dirs:
        text = text.replace(d, "<cwd>")
    text = _CELLFILE.sub("<cell>", text)
    return _ADDR.sub("0x?", text)


def outputs_of(r: RunResult, dirs: Sequence[str]) -> dict:
    """What the user sees of a cell: stdout and stderr text, rich outputs (text exactly, images by mime type), the
    error. Engine status lines (`xetcache: ...`) are not the cell's output."""
    streams = {"stdout": "", "stderr": ""}
    rich: List[Tuple[str, Dict[str, str]]] = []
    error = None
    for m in r.outputs():
        kind, content = m["msg_type"], m["content"]
        if kind == "stream":
            streams[content["name"]] = streams.get(content["name"], "") + content["text"]
        elif kind in ("display_data", "execute_result"):
            data = {}
            for mime, value in sorted(content.get("data", {}).items()):
                if mime.startswith("image/"):
                    data[mime] = "<image>"
                else:
                    data[mime] = _norm_text(value if isinstance(value, str) else json.dumps(value, sort_keys=True), dirs)
            rich.append((kind, data))
        elif kind == "error":
            error = f"{content.get('ename')}: {_norm_text(str(content.get('evalue')), dirs)}"
    streams["stderr"] = "".join(line for line in streams["stderr"].splitlines(keepends=True)
                                if not line.startswith("xetcache: "))
    return {"stdout": _norm_text(streams["stdout"], dirs), "stderr": _LINE_NO.sub(r"\1", _norm_text(streams["stderr"], dirs)),
            "rich": rich, "error": error}


def folder_files(root: Path) -> Dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not ({".xetcache", "__pycache__", ".ipynb_checkpoints"} & set(rel.parts)):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    return out


def _clip(v: Any, n: int = 160) -> str:
    s = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    return s if len(s) <= n else s[: n - 1] + "…"


def _value_diff(a: Optional[list], b: Optional[list], n: int = 110) -> str:
    """'plain …X… / cached …Y…' around the first place two rendered values ([sha, text]) differ."""
    if a is None or b is None:
        return f"plain {_clip(a[1] if a else 'absent', n)} / cached {_clip(b[1] if b else 'absent', n)}"
    ta, tb = a[1], b[1]
    if ta == tb:
        return f"values differ past their first {len(ta)} characters: {_clip(ta, n)}"
    i = next((j for j, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))
    start = max(0, i - 40)
    cut = lambda t: ("…" if start else "") + t[start:start + n] + ("…" if len(t) > start + n else "")  # noqa: E731
    return f"plain {cut(ta)} / cached {cut(tb)}"


def compare(oracle: Run, cached: Run, oracle_files: Dict[str, str], cached_files: Dict[str, str],
            dirs: Sequence[str]) -> List[str]:
    """Every observable difference between the oracle run and the cached run, one line each."""
    diffs: List[str] = []
    for i, (ro, rc) in enumerate(zip(oracle.results, cached.results)):
        oo, oc = outputs_of(ro, dirs), outputs_of(rc, dirs)
        for part in ("error", "stdout", "stderr", "rich"):
            if oo[part] != oc[part]:
                diffs.append(f"cell {i} {part}: plain {_clip(oo[part])} / cached {_clip(oc[part])}")
    a, b = oracle.report or {}, cached.report or {}
    va, vb = a.get("vars", {}), b.get("vars", {})
    for name in sorted(set(va) | set(vb)):
        if (va.get(name) or [None])[0] != (vb.get(name) or [None])[0]:
            if name not in vb:
                diffs.append(f"variable {name}: missing after the cached run (plain: {_clip(va[name][1], 100)})")
            elif name not in va:
                diffs.append(f"variable {name}: exists only after the cached run ({_clip(vb[name][1], 100)})")
            else:
                diffs.append(f"variable {name}: {_value_diff(va[name], vb[name])}")
    sa, sb = set(a.get("aliases", [])), set(b.get("aliases", []))
    for rel in sorted(sa - sb):
        diffs.append(f"identity lost: {rel}")
    for rel in sorted(sb - sa):
        diffs.append(f"identity not in the plain run: {rel}")
    ha, hb = a.get("hidden", {}), b.get("hidden", {})
    for key in sorted(set(ha) & set(hb)):  # a module imported in only one kernel is not a difference of state
        if ha[key][0] != hb[key][0]:
            diffs.append(f"hidden state {key}: {_value_diff(ha[key], hb[key])}")
    pa, pb = a.get("probes", {}), b.get("probes", {})
    for expr in pa:
        if pa[expr][0] != (pb.get(expr) or [None])[0]:
            diffs.append(f"probe {expr}: {_value_diff(pa[expr], pb.get(expr))}")
    for path in sorted(set(oracle_files) | set(cached_files)):
        if oracle_files.get(path) != cached_files.get(path):
            state = lambda f: "absent" if path not in f else f"sha {f[path]}"  # noqa: E731
            diffs.append(f"file {path}: plain {state(oracle_files)} / cached {state(cached_files)}")
    return diffs


# --- one case -------------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    id: str
    cause: int
    states: List[Optional[str]]  # event state of each toggled cell in the verifying run
    reasons: List[Optional[str]]
    diffs: List[str]
    expect_hit: bool
    store_states: List[Optional[str]] = field(default_factory=list)

    @property
    def hits(self) -> int:
        return self.states.count("hit")

    @property
    def declined(self) -> int:
        """Cells the engine declined to cache, saying why (a decline without a reason does not count)."""
        return sum(1 for s, r in zip(self.states, self.reasons) if is_declined({"state": s, "reason": r}))

    @property
    def excused(self) -> bool:
        """Declined with a reason and nothing restored from the cache: the cell ran, nothing cached can be wrong."""
        return self.declined > 0 and self.hits == 0

    @property
    def wrong(self) -> bool:
        return bool(self.diffs) and not self.excused

    @property
    def missed_hits(self) -> int:
        return len(self.states) - self.hits if self.expect_hit else 0

    @property
    def passed(self) -> bool:
        return not self.wrong and self.missed_hits == 0

    def line(self) -> str:
        states = ",".join(s or "none" for s in self.states)
        head = f"{'PASS' if self.passed else 'FAIL'} {self.id} [{states}]"
        if self.wrong:
            return f"{head}: wrong result: {self.diffs[0]}" + (f" (+{len(self.diffs) - 1} more)" if len(self.diffs) > 1 else "")
        if self.missed_hits:
            why = "; ".join(r for r in self.reasons if r)[:160]
            return f"{head}: {self.missed_hits} cached cell(s) did not hit after a restart with nothing changed" + (
                f" ({why})" if why else "")
        if self.diffs:
            return f"{head}: declined ({'; '.join(r for r in self.reasons if r)[:120]})"
        notes = "; ".join(f"{s}: {r}" for s, r in zip(self.states, self.reasons) if r and s != "hit")
        return head + (f" ({notes[:200]})" if notes else "")


def _write_files(root: Path, files: Dict[str, Any]) -> None:
    for rel, content in files.items():
        p = root / rel
        if content is None:
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"))


def _copy_folder(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".xetcache", "__pycache__", ".ipynb_checkpoints"))


def run_case(case: Case, pool: KernelPool, tmp: Path, toggled: bool = True) -> Outcome:
    """`toggled=False` runs the same protocol with no cell toggled (the harness's own check: two plain runs must
    not differ)."""
    work, plain_dir = tmp / "work", tmp / "plain"
    work.mkdir(parents=True)
    _write_files(work, case.files)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", case.id)
    ids = [f"{slug}-{i}" for i in range(len(case.cells))]
    notebook = f"{slug}.ipynb"
    kernels: List[LiveKernel] = []
    try:
        k_store = pool.take(work, engine=True, fixed_seeds=case.fixed_seeds)
        kernels.append(k_store)
        store = Run(k_store, case.cells, toggled, ids, notebook)
        run_lockstep([store])

        _write_files(work, case.files_edit)
        cells = case.cells_after_edit()
        _copy_folder(work, plain_dir)
        if case.restart:
            pool.release(k_store)
            kernels.remove(k_store)
            k_verify = pool.take(work, engine=True, fixed_seeds=case.fixed_seeds)
            kernels.append(k_verify)
        else:
            k_verify = k_store
        k_plain = pool.take(plain_dir, engine=False, fixed_seeds=case.fixed_seeds)
        kernels.append(k_plain)
        verify = Run(k_verify, cells, toggled, ids, notebook)
        plain = Run(k_plain, cells, False, ids, notebook)
        run_lockstep([plain, verify])
        plain_failed(plain, case.id)
        plain.report = k_plain.report(case.probes)
        verify.report = k_verify.report(case.probes)
        dirs = [str(work.resolve()), str(plain_dir.resolve())]
        diffs = compare(plain, verify, folder_files(plain_dir), folder_files(work), dirs)
        events = [e for e, c in zip(verify.events(), cells) if c.cached and toggled]
        store_events = [e for e, c in zip(store.events(), case.cells) if c.cached and toggled]
        return Outcome(case.id, case.cause, [e.get("state") for e in events], [e.get("reason") for e in events],
                       diffs, case.expect_hit, [e.get("state") for e in store_events])
    finally:
        for k in kernels:
            pool.release(k)


def summary_line(label: str, outcomes: Sequence[Outcome]) -> str:
    cells = sum(len(o.states) for o in outcomes)
    hits = sum(o.hits for o in outcomes)
    declined = sum(o.declined for o in outcomes)
    wrong = sum(1 for o in outcomes if o.wrong)
    missed = sum(1 for o in outcomes if o.missed_hits)
    passed = sum(1 for o in outcomes if o.passed)
    return (f"{label}: {len(outcomes)} cases, {passed} passed, {len(outcomes) - passed} failed; cached cells {cells}: "
            f"{hits} hit, {declined} declined, {cells - hits - declined} ran; wrong results {wrong}, "
            f"spurious misses {missed}")


def run_all(jobs: Dict[str, Any], workers: int = 3) -> Dict[str, Any]:
    """Run independent jobs (name -> zero-argument callable) `workers` at a time: a case mostly waits on its
    kernels, so several cases keep both cores busy. Returns name -> result or the exception it raised."""
    from concurrent.futures import ThreadPoolExecutor

    results: Dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=workers) as ex:
        futures = {name: ex.submit(fn) for name, fn in jobs.items()}
        for name, fut in futures.items():
            try:
                results[name] = fut.result()
            except BaseException as e:  # reported by the test of that job
                results[name] = e
    return results


class _SummaryPlugin:
    def __init__(self, title: str, lines: List[str]) -> None:
        self.title, self.lines = title, lines

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section(self.title)
        for line in self.lines:
            terminalreporter.write_line(line)


def print_at_end(config: Any, title: str, lines: List[str]) -> None:
    """Lines shown in pytest's terminal summary (after the results; output of tests themselves is captured)."""
    config.pluginmanager.register(_SummaryPlugin(title, lines), f"xetcache-soundness-{title}")


# --- notebooks ------------------------------------------------------------------------------------------------------

@dataclass
class NotebookOutcome:
    name: str
    restart: Outcome  # every cell toggled, after a restart with nothing changed: all must hit, nothing may differ
    edit: Outcome  # after the upstream edit: nothing may differ (or declined)

    @property
    def passed(self) -> bool:
        return self.restart.passed and self.edit.passed

    def line(self) -> str:
        def part(o: Outcome) -> str:
            ran = len(o.states) - o.hits - o.declined
            text = f"{o.hits} hit, {o.declined} declined, {ran} ran, {'WRONG' if o.wrong else 'same as plain'}"
            why = [f"cell {i} {s}: {r}" for i, (s, r) in enumerate(zip(o.states, o.reasons)) if s != "hit" and r]
            if o.wrong:
                text += f" [{o.diffs[0]}" + (f" (+{len(o.diffs) - 1} more)" if len(o.diffs) > 1 else "") + "]"
            return text + (f" [{'; '.join(why)[:300]}]" if why else "")
        status = "PASS" if self.passed else "FAIL"
        return (f"{status} {self.name}: {len(self.restart.states)} code cells; restart: {part(self.restart)}; "
                f"after the edit: {part(self.edit)}")


def load_notebook(path: Path) -> Tuple[List[Cell], List[Cell], List[str]]:
    """(cells, cells after the notebook's upstream edit, cell ids) of the code cells, every one toggled."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    cells = [Cell(c.source, True) for c in code]
    edit = nb.metadata["xetcache_soundness"]["edit"]
    edited = list(cells)
    target = edited[edit["cell"]]
    assert edit["find"] in target.source, f"{path.name}: the edit's text is not in code cell {edit['cell']}"
    edited[edit["cell"]] = Cell(target.source.replace(edit["find"], edit["replace"]), True)
    return cells, edited, [c.get("id") or f"{path.stem}-{i}" for i, c in enumerate(code)]


def run_notebook(path: Path, pool: KernelPool, tmp: Path) -> NotebookOutcome:
    """Plain runs of the notebook and of its edited version (oracles), a run with every code cell toggled (stores),
    a restart and the same run (all must hit), then the edited notebook toggled in a new kernel."""
    cells, edited, ids = load_notebook(path)
    work, plain, plain_edit = tmp / "work", tmp / "plain", tmp / "plain-edit"
    for d in (work, plain, plain_edit):
        d.mkdir(parents=True)
        shutil.copy(path, d / path.name)
    dirs = [str(d.resolve()) for d in (work, plain, plain_edit)]
    name = path.name
    kernels: List[LiveKernel] = []

    def take(cwd: Path, engine: bool) -> LiveKernel:
        k = pool.take(cwd, engine)
        kernels.append(k)
        return k

    def done(k: LiveKernel) -> None:
        kernels.remove(k)
        pool.release(k)

    def outcome(label: str, oracle: Run, run: Run, files: Dict[str, str], expect_hit: bool) -> Outcome:
        diffs = compare(oracle, run, folder_files(Path(oracle.kernel.cwd)), files, dirs)
        evs = run.events()
        return Outcome(f"{path.stem} {label}", 0, [e.get("state") for e in evs], [e.get("reason") for e in evs],
                       diffs, expect_hit)

    try:
        store = Run(take(work, True), cells, True, ids, name)
        p1 = Run(take(plain, False), cells, False, ids, name)
        p2 = Run(take(plain_edit, False), edited, False, ids, name)
        run_lockstep([store, p1, p2])
        plain_failed(p1, name)
        plain_failed(p2, name + " (edited)")
        p1.report, p2.report = p1.kernel.report([]), p2.kernel.report([])
        for k in (store.kernel, p1.kernel, p2.kernel):
            done(k)

        restarted = Run(take(work, True), cells, True, ids, name)
        run_lockstep([restarted])
        restarted.report = restarted.kernel.report([])
        restart = outcome("restart", p1, restarted, folder_files(work), expect_hit=True)
        done(restarted.kernel)

        after_edit = Run(take(work, True), edited, True, ids, name)
        run_lockstep([after_edit])
        after_edit.report = after_edit.kernel.report([])
        edit = outcome("edit", p2, after_edit, folder_files(work), expect_hit=False)
        return NotebookOutcome(path.stem, restart, edit)
    finally:
        for k in list(kernels):
            pool.release(k)



# --- one schedule for the whole session ------------------------------------------------------------------------------

CASE_TEST, SELF_CHECK_TEST, NOTEBOOK_TEST = ("test_cached_cell_is_what_a_run_gives", "test_two_plain_runs_do_not_differ",
                                             "test_notebook_cached_is_plain")
WORKERS = 4
_SESSIONS: Dict[int, Dict[str, Any]] = {}


def _selected(session: Any, test_name: str, param: str) -> List[Any]:
    return [item.callspec.params[param] for item in session.items
            if getattr(item, "originalname", None) == test_name and hasattr(item, "callspec")]


def session_results(request: Any, tmp_path_factory: Any) -> Dict[str, Any]:
    """Every selected case, self-check and notebook of the session, run once, WORKERS at a time (notebooks first:
    they are the longest jobs), keyed "case:<id>", "plain:<id>", "notebook:<stem>"; value: the outcome or the
    exception its run raised. The two test modules share it, so their kernels overlap."""
    session = request.session
    if id(session) in _SESSIONS:
        return _SESSIONS[id(session)]
    from soundness_cases import CASES

    by_id = {c.id: c for c in CASES}
    cases = _selected(session, CASE_TEST, "case")
    checks = [by_id[i] for i in _selected(session, SELF_CHECK_TEST, "case_id")]
    notebooks = _selected(session, NOTEBOOK_TEST, "notebook")
    root = tmp_path_factory.mktemp("soundness")
    slug = lambda text: re.sub(r"[^A-Za-z0-9]+", "_", text)  # noqa: E731
    pool = KernelPool(spare=WORKERS)
    jobs: Dict[str, Any] = {}
    for nb in notebooks:
        jobs["notebook:" + nb.stem] = (lambda nb=nb: run_notebook(nb, pool, root / ("nb_" + nb.stem)))
    for case in cases:
        jobs["case:" + case.id] = (lambda c=case: run_case(c, pool, root / slug(c.id)))
    for case in checks:
        jobs["plain:" + case.id] = (lambda c=case: run_case(c, pool, root / ("plain_" + slug(c.id)), toggled=False))
    try:
        results = run_all(jobs, workers=WORKERS)
    finally:
        pool.close()
    _SESSIONS[id(session)] = results

    lines = []
    outcomes = []
    for case in cases:
        got = results["case:" + case.id]
        if isinstance(got, BaseException):
            lines.append(f"soundness ERROR {case.id}: {type(got).__name__}: {got}")
        else:
            outcomes.append(got)
            lines.append(f"soundness {got.line()}")
    if cases:
        lines.append(summary_line("soundness summary", outcomes))
    nb_done = []
    for nb in notebooks:
        got = results["notebook:" + nb.stem]
        if isinstance(got, BaseException):
            lines.append(f"notebook ERROR {nb.stem}: {type(got).__name__}: {got}")
        else:
            nb_done.append(got)
            lines.append(f"notebook {got.line()}")
    if nb_done:
        lines.append(summary_line("notebooks summary (restart, every code cell toggled)", [o.restart for o in nb_done]))
        lines.append(summary_line("notebooks summary (after an upstream edit)", [o.edit for o in nb_done]))
    print_at_end(request.config, "soundness (issue 8)", lines)
    return results


def result(results: Dict[str, Any], key: str) -> Any:
    got = results[key]
    if isinstance(got, BaseException):
        raise got
    return got
