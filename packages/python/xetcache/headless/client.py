"""Headless runs of notebooks whose cells were toggled in JupyterLab: an nbclient `NotebookClient` that acts as the
lab extension does (CONTRACT.md section 3), so a notebook cached interactively reuses and fills the same cache
under nbconvert, papermill or `python -m xetcache run`:

- before the first cell, the engine is loaded into the kernel with a silent request (boot.py: an installed xetcache
  wins, else this package's sources) and `activate` gets the lab's settings (settings.py), the store made absolute
  from the notebook's folder; then a comm with target `xetcache` is opened, so the engine reports each cached run to
  this client as it does to the lab (and prints no `xetcache:` line into the cell's outputs);
- every cell is sent with `cellId` in the request metadata (so `%%xetmemo` cells know who they are), and a toggled
  cell as `%%xetcache_cell <spec>\\n<source>` with the spec the extension builds (spec.py); the cell's source in
  the notebook is never changed;
- each run event is kept per cell: in the cell's metadata under `xetcache_run` (state, time saved, bytes, reason),
  totals in the notebook's metadata, and summary lines logged at the end (summary.py).

Mix `CachedCells` in front of any NotebookClient subclass (nbconvert's ExecutePreprocessor, papermill's client).
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from traitlets import Bool, Float, Integer, Unicode
from traitlets.config import LoggingConfigurable

from . import boot, settings as lab_settings, spec as cellspec, summary

COMM_TARGET = "xetcache"  # ipython/comm.py's target: the engine sends run events on the most recent open comm


class CachedCells(LoggingConfigurable):
    """The XetCache part of a headless client (a mixin: put it before the NotebookClient subclass it extends).

    Options (each unset = the user's JupyterLab settings for XetCache, else the engine's defaults):
    `--CachedCells.threshold_s=`, `.always=`, `.cache_dir=`, `.max_bytes=` (negative = no budget).
    """

    threshold_s = Float(None, allow_none=True, help="Store runs that took at least this many seconds.").tag(
        config=True)
    always = Bool(None, allow_none=True, help="Store every run of a cached cell, however fast.").tag(config=True)
    cache_dir = Unicode(None, allow_none=True, help="The store's folder, relative to the notebook's folder.").tag(
        config=True)
    max_bytes = Integer(None, allow_none=True, help="The store's byte budget (negative: none).").tag(config=True)
    lab_settings = Bool(True, help="Start from the user's JupyterLab settings for XetCache.").tag(config=True)
    notebook_path = Unicode(None, allow_none=True, help="The notebook file being run (its store and its name in "
                            "the store); nbconvert and papermill set it from their input.").tag(config=True)
    record_runs = Bool(True, help="Write each cached run into the cell's metadata (xetcache_run).").tag(config=True)
    log_summary = Bool(True, help="Log the cached cells' summary when the run ends.").tag(config=True)

    # ---- per-run state -------------------------------------------------------------------------------------------

    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()  # type: ignore[misc]
        self.xetcache_runs: Dict[int, summary.CellRun] = {}
        self.xetcache_engine: Dict[str, Any] = {"ok": False, "error": "not loaded yet"}
        self._xet_comm_id: Optional[str] = None
        self._xet_current: Optional[tuple] = None
        self._xet_settings: Dict[str, Any] = {}
        self._xet_summarized = False

    @property
    def xetcache_notebook_file(self) -> Optional[str]:
        if self.notebook_path:
            return self.notebook_path
        meta = (getattr(self, "resources", None) or {}).get("metadata") or {}
        name = meta.get("name")
        if name:  # nbconvert: {path, name} of the input file, name without its extension
            import os

            return os.path.join(meta.get("path") or "", f"{name}.ipynb")
        return None

    def settings_for_run(self) -> Dict[str, Any]:
        """The settings the engine gets: the lab's (unless lab_settings is off), then this run's options."""
        lab: Dict[str, Any] = {}
        if self.lab_settings:
            lab, warning = lab_settings.read_lab_settings()
            if warning:
                self.log.warning("xetcache: %s", warning)
        merged = lab_settings.merge(lab, {"threshold_s": self.threshold_s, "always": self.always,
                                          "cache_dir": self.cache_dir, "max_bytes": self.max_bytes})
        return merged

    # ---- kernel set-up: load the engine, open the comm -----------------------------------------------------------

    @contextmanager
    def setup_kernel(self, **kwargs: Any) -> Iterator[None]:
        with super().setup_kernel(**kwargs):  # type: ignore[misc]
            run_sync(self._xet_boot)()
            try:
                yield
            finally:
                self._xet_finish()

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs: Any) -> AsyncIterator[None]:
        async with super().async_setup_kernel(**kwargs):  # type: ignore[misc]
            await self._xet_boot()
            try:
                yield
            finally:
                self._xet_finish()

    async def _xet_boot(self) -> None:
        kc = self.kc  # type: ignore[attr-defined]
        self._xet_wrap_execute(kc)
        self._xet_settings = self.settings_for_run()
        info = await self.async_wait_for_reply(kc.kernel_info())  # type: ignore[attr-defined]
        language = (((info or {}).get("content") or {}).get("language_info") or {}).get("name", "")
        if str(language).lower() != "python":
            self._xet_engine_failed(f"XetCache needs a Python kernel (this one runs {language or 'an unknown'})")
            return
        settings = lab_settings.for_kernel(self._xet_settings, self.xetcache_notebook_file)
        msg_id = kc.execute(boot.build_load_code(boot.engine_sources(), settings), silent=True, store_history=False,
                            user_expressions={"result": boot.RESULT_NAME}, allow_stdin=False, stop_on_error=False)
        reply = await self.async_wait_for_reply(msg_id)  # type: ignore[attr-defined]
        content = (reply or {}).get("content") or {}
        result = boot.parse_load_result((content.get("user_expressions") or {}).get("result"))
        if not result["ok"]:
            self._xet_engine_failed(f"the engine did not load: {result.get('error')}")
            return
        for refused in result.get("refused") or []:
            self.log.warning("xetcache: setting refused: %s", refused.get("message"))
        self.xetcache_engine = result
        # Like the extension: the comm right after the load, in the kernel's queue before any cell.
        self._xet_comm_id = uuid.uuid4().hex
        kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": self._xet_comm_id,
                                                           "target_name": COMM_TARGET, "data": {}}))
        self.log.info("xetcache: engine %s (%s) loaded", result.get("version"), result.get("origin"))

    def _xet_engine_failed(self, why: str) -> None:
        self.xetcache_engine = {"ok": False, "error": why}
        self.log.warning("xetcache: %s; toggled cells run uncached", why)

    # ---- sending cells -------------------------------------------------------------------------------------------

    def _xet_wrap_execute(self, kc: Any) -> None:
        """Route the client's execute requests for notebook cells through `_xet_send` (once per kernel client)."""
        if getattr(kc, "_xetcache_client", None) is self:
            return
        plain = kc.execute

        def execute(code: str, silent: bool = False, store_history: bool = True,
                    user_expressions: Optional[Dict[str, Any]] = None, allow_stdin: Optional[bool] = None,
                    stop_on_error: bool = True) -> str:
            current = self._xet_current
            if current is None or silent or code != current[0].get("source"):
                return plain(code, silent=silent, store_history=store_history, user_expressions=user_expressions,
                             allow_stdin=allow_stdin, stop_on_error=stop_on_error)
            cell, index = current
            content = {"code": self._xet_code(cell, index), "silent": silent, "store_history": store_history,
                       "user_expressions": user_expressions or {},
                       "allow_stdin": kc.allow_stdin if allow_stdin is None else allow_stdin,
                       "stop_on_error": stop_on_error}
            msg = kc.session.msg("execute_request", content, metadata=self._xet_request_metadata(cell))
            kc.shell_channel.send(msg)
            return msg["header"]["msg_id"]

        kc.execute = execute
        kc._xetcache_client = self

    def _xet_request_metadata(self, cell: Any) -> Dict[str, Any]:
        """JupyterLab's execute metadata: the cell's metadata, deletedCells, recordTiming and the cell id."""
        meta: Dict[str, Any] = dict(cell.get("metadata") or {})
        meta.update(deletedCells=[], recordTiming=bool(getattr(self, "record_timing", False)))
        if cell.get("id"):
            meta["cellId"] = cell["id"]
        return meta

    def _xet_code(self, cell: Any, index: int) -> str:
        """What the extension would send for this cell: the spec line for a toggled cell when the engine is loaded
        (a toggled cell in a kernel without the engine runs uncached, as in the lab), else the source itself."""
        source = cellspec.cell_source(cell)
        if not cellspec.is_toggled(cell):
            return source
        run = self.xetcache_runs.setdefault(index, summary.CellRun(index, cell.get("id"), True))
        if not self.xetcache_engine.get("ok"):
            run.note = self.xetcache_engine.get("error")
            return source
        cache_dir = self._xet_settings.get("cache_dir")
        if not isinstance(cache_dir, str) or not cache_dir.strip():
            cache_dir = lab_settings.DEFAULT_CACHE_DIR  # a refused cache_dir: the engine uses its default
        notebook = cellspec.notebook_name(self.xetcache_notebook_file, cache_dir)
        spec = cellspec.build_spec(cell.get("id"), notebook, source, cellspec.cell_config(cell) or {})
        return cellspec.build_code(spec, source)

    async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: Optional[int] = None,
                                 store_history: bool = True) -> Any:
        if self.record_runs and cell.get("cell_type") == "code":
            cell.get("metadata", {}).pop(summary.RUN_KEY, None)  # this run's report only
        self._xet_current = (cell, cell_index)
        try:
            return await super().async_execute_cell(  # type: ignore[misc]
                cell, cell_index, execution_count=execution_count, store_history=store_history)
        finally:
            self._xet_current = None
            self._xet_cell_done(cell, cell_index)

    # nbclient's sync entry points wrap the base class's coroutine; these wrap the ones above.
    execute_cell = run_sync(async_execute_cell)

    # ---- run events ----------------------------------------------------------------------------------------------

    def handle_comm_msg(self, outs: List[Any], msg: Dict[str, Any], cell_index: int) -> None:
        content = msg.get("content") or {}
        if self._xet_comm_id is None or content.get("comm_id") != self._xet_comm_id:
            super().handle_comm_msg(outs, msg, cell_index)  # type: ignore[misc]
            return
        if msg.get("msg_type") == "comm_close":  # the engine went away: later runs print their line instead
            self._xet_comm_id = None
            return
        event = content.get("data")
        if msg.get("msg_type") == "comm_msg" and isinstance(event, dict) and event.get("type") == "run":
            cell = self.nb.cells[cell_index]  # type: ignore[attr-defined]
            run = self.xetcache_runs.setdefault(
                cell_index, summary.CellRun(cell_index, cell.get("id"), cellspec.is_toggled(cell)))
            run.event = event

    def _xet_cell_done(self, cell: Any, index: int) -> None:
        run = self.xetcache_runs.get(index)
        if run is None:
            return
        if run.event is None and run.note is None:
            run.note = "the cell raised an error (nothing stored)" if self._xet_cell_failed(cell) else \
                "no report from the engine"
        if self.record_runs:
            cell.setdefault("metadata", {})[summary.RUN_KEY] = run.metadata()

    @staticmethod
    def _xet_cell_failed(cell: Any) -> bool:
        return any(o.get("output_type") == "error" for o in cell.get("outputs") or [])

    def _xet_finish(self) -> None:
        if self._xet_summarized:
            return
        self._xet_summarized = True
        runs = self.xetcache_summary_runs()
        if self.record_runs:
            meta = self.nb.metadata  # type: ignore[attr-defined]
            if runs:
                meta[summary.RUN_KEY] = summary.totals(runs)
            else:
                meta.pop(summary.RUN_KEY, None)  # a previous run's totals would describe another run
        if self.log_summary:
            for line in summary.lines(runs, self.xetcache_notebook_name()):
                self.log.info("%s", line)

    def xetcache_summary_runs(self) -> List[summary.CellRun]:
        return [self.xetcache_runs[i] for i in sorted(self.xetcache_runs)]

    def xetcache_summary_lines(self) -> List[str]:
        return summary.lines(self.xetcache_summary_runs(), self.xetcache_notebook_name())

    def xetcache_notebook_name(self) -> Optional[str]:
        import os

        path = self.xetcache_notebook_file
        return os.path.basename(path) if path else None


class CachedNotebookClient(CachedCells, NotebookClient):
    """`NotebookClient` that runs toggled cells through the XetCache engine (see the module's docstring)."""
