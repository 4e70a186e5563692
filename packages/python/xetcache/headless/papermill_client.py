"""papermill's nbclient engine and client with the CachedCells part (registered through papermill_engine.py)."""

from __future__ import annotations

import os
from typing import Any, Optional

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.utils import merge_kwargs, remove_args

from .client import CachedCells


def local_notebook(input_path: Any) -> Optional[str]:
    """The input notebook's file, when it is one: papermill has already entered `--cwd`, so a relative input path
    is looked up in the working directory, then in the directory papermill was started from ($PWD)."""
    if not isinstance(input_path, str) or "://" in input_path:
        return None
    candidates = [input_path] if os.path.isabs(input_path) else [
        os.path.abspath(input_path)] + ([os.path.join(os.environ["PWD"], input_path)] if os.environ.get("PWD") else [])
    return next((c for c in candidates if os.path.isfile(c)), None)


class CachedPapermillClient(CachedCells, PapermillNotebookClient):
    """papermill's client (autosave, cell timing and error markers) with cached toggled cells."""


class CachedNBClientEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                 execution_timeout: Optional[int] = None, **kwargs: Any) -> Any:
        """NBClientEngine.execute_managed_notebook (papermill 2.x) with our client, told which notebook it runs."""
        from papermill.engines import logger

        notebook = kwargs.pop("notebook_path", None) or local_notebook(kwargs.get("input_path"))
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            notebook_path=notebook,
        )
        return CachedPapermillClient(nb_man, **final_kwargs).execute()
