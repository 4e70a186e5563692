"""The papermill engine `xetcache` (entry point group `papermill.engine`):

    papermill --engine xetcache in.ipynb out.ipynb

runs the notebook with papermill's own nbclient engine whose client sends toggled cells through the XetCache engine
(CachedCells), so the notebook's cells reuse and fill the cache as in JupyterLab. Everything else (parameters,
autosave, progress, error markers) is papermill's. From Python, CachedCells options go with the engine's keyword
arguments: `papermill.execute_notebook(src, out, engine_name="xetcache", threshold_s=1)`.

This module does not import papermill: papermill loads its entry points while it is being imported, so a module
that imported papermill at its top would be loaded half-way whenever it is imported first. The engine registered
here hands each call to the real one (papermill_client.py), imported when papermill calls it.
"""

from __future__ import annotations

from typing import Any, Optional


def _engine() -> Any:
    from .papermill_client import CachedNBClientEngine

    return CachedNBClientEngine


class XetCacheEngine:
    """What papermill's engine registry calls (papermill.engines.Engine's class methods), handed to
    papermill_client.CachedNBClientEngine (papermill's NBClientEngine with the CachedCells client)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: Any, **kwargs: Any) -> Any:
        return _engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: Optional[str] = None) -> Any:
        return _engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: Any, language: Optional[str] = None) -> Any:
        return _engine().nb_language(nb, language)
