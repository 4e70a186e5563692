"""Headless runs of notebooks with cells toggled in JupyterLab (nbconvert, papermill, `python -m xetcache run`).

The engine itself imports only the standard library; this sub-package uses nbclient (and nbconvert or papermill
for their integrations), imported only when one of these names is used:

- `CachedNotebookClient`: an nbclient NotebookClient that sends toggled cells as the lab extension does
  (client.py); `CachedCells` is its XetCache part, to mix into other NotebookClient subclasses;
- `CachedExecutePreprocessor`: for `jupyter nbconvert --Exporter.preprocessors=...` (preprocessor.py);
- `XetCacheEngine`: the papermill engine `xetcache` (papermill_engine.py);
- `run_notebook`: what `python -m xetcache run` does (run.py).
"""

from importlib import import_module
from typing import Any

_NAMES = {
    "CachedCells": "client", "CachedNotebookClient": "client",
    "CachedExecutePreprocessor": "preprocessor",
    "XetCacheEngine": "papermill_engine", "CachedPapermillClient": "papermill_client",
    "run_notebook": "run",
}


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = sorted(_NAMES)
