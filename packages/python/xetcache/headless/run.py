"""`python -m xetcache run notebook.ipynb [-o out.ipynb]`: run a notebook headless, its toggled cells through the
cache (CachedNotebookClient), in the notebook's folder as JupyterLab runs it, and print one line per cached cell
(hit / stored / skipped / declined, time saved) and the totals.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from typing import Any, Dict, List, Optional

import nbformat

USAGE_EPILOG = """\
Settings start from your JupyterLab settings for XetCache (threshold, always, cache folder, byte budget) and the
options here override them. Exit status: 0 when every cell ran, 1 when a cell failed or the kernel could not run
(the output notebook is still written, with the error), 2 for a bad command line."""


def _max_bytes(text: str) -> int:
    if text.strip().lower() in ("none", "null"):
        return -1  # settings.merge: a negative budget means none
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("--max-bytes must be >= 0, or 'none'")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xetcache run", epilog=USAGE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run a notebook headless; cells toggled in JupyterLab reuse and fill the same cache.")
    p.add_argument("notebook", help="the notebook to run (.ipynb)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="write the executed notebook here")
    out.add_argument("--inplace", action="store_true", help="write the executed notebook over the input")
    p.add_argument("--kernel", help="kernel name (default: the notebook's kernelspec)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per cell (default: none)")
    p.add_argument("--allow-errors", action="store_true", help="go on after a cell fails")
    p.add_argument("--threshold", type=float, default=None, metavar="SECONDS",
                   help="store runs that took at least this long")
    always = p.add_mutually_exclusive_group()
    always.add_argument("--always", dest="always", action="store_true", default=None,
                        help="store every run of a cached cell")
    always.add_argument("--no-always", dest="always", action="store_false", help="only runs past the threshold")
    p.add_argument("--cache-dir", help="the store's folder, relative to the notebook's folder")
    p.add_argument("--max-bytes", type=_max_bytes, default=None, metavar="N|none", help="the store's byte budget")
    p.add_argument("--no-lab-settings", action="store_true", help="ignore the JupyterLab settings")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    return p


def run_notebook(path: str, *, kernel_name: Optional[str] = None, timeout: Optional[float] = None,
                 allow_errors: bool = False, log: Optional[logging.Logger] = None, **options: Any) -> Dict[str, Any]:
    """Runs the notebook at `path` (not written back). `options`: CachedCells traits (threshold_s, always,
    cache_dir, max_bytes, lab_settings). Returns {"nb", "client", "error"}: error is the exception that stopped the
    run (a failing cell, a dead kernel) or None."""
    from .client import CachedNotebookClient

    nb = nbformat.read(path, as_version=4)
    kwargs: Dict[str, Any] = {k: v for k, v in options.items() if v is not None}
    if kernel_name:
        kwargs["kernel_name"] = kernel_name
    if timeout is not None:
        kwargs["timeout"] = max(1, math.ceil(timeout))  # nbclient takes whole seconds
    if log is not None:
        kwargs["log"] = log
    client = CachedNotebookClient(
        nb, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        notebook_path=os.path.abspath(path), allow_errors=allow_errors, log_summary=False, **kwargs)
    error: Optional[BaseException] = None
    try:
        client.execute()
    except Exception as e:  # CellExecutionError, DeadKernelError, a kernel that would not start, ...
        error = e
    return {"nb": nb, "client": client, "error": error}


def report(client: Any, error: Optional[BaseException]) -> Dict[str, Any]:
    from . import summary

    runs = client.xetcache_summary_runs()
    return {
        "notebook": client.xetcache_notebook_name(),
        "engine": client.xetcache_engine,
        "totals": summary.totals(runs),
        "cells": [dict(index=r.index, cell_id=r.cell_id, toggled=r.toggled, **r.metadata()) for r in runs],
        "error": None if error is None else f"{type(error).__name__}: {_first_line(error)}",
    }


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else ""


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    if not os.path.isfile(args.notebook):
        print(f"xetcache run: no such notebook: {args.notebook}", file=sys.stderr)
        return 2
    log = logging.getLogger("xetcache.run")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.WARNING)
        log.propagate = False
    result = run_notebook(
        args.notebook, kernel_name=args.kernel, timeout=args.timeout, allow_errors=args.allow_errors, log=log,
        threshold_s=args.threshold, always=args.always, cache_dir=args.cache_dir, max_bytes=args.max_bytes,
        lab_settings=not args.no_lab_settings)
    client, error = result["client"], result["error"]
    target = args.notebook if args.inplace else args.output
    if target:
        nbformat.write(result["nb"], target)
    if args.json:
        print(json.dumps(report(client, error), indent=1))
    else:
        for line in client.xetcache_summary_lines():
            print(line)
        if target:
            print(f"xetcache: wrote {target}")
    if error is not None:
        print(f"xetcache run: {type(error).__name__}: {_first_line(error)}", file=sys.stderr)
        return 1
    return 0
