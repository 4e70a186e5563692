"""`jupyter nbconvert` with toggled cells cached: nbconvert's ExecutePreprocessor with the CachedCells part.

    jupyter nbconvert --to notebook --Exporter.preprocessors=xetcache.headless.CachedExecutePreprocessor nb.ipynb

Named in `Exporter.preprocessors` it is enabled and runs the notebook (any `--to`; `--execute` is not needed). If
`--execute` is given too, it takes the place of the plain ExecutePreprocessor of the same export, so no cell runs
twice. Options: `--CachedExecutePreprocessor.threshold_s=...` etc. (see CachedCells), plus every
ExecutePreprocessor option (timeout, kernel_name, allow_errors, ...).
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import ExecutePreprocessor

from .client import CachedCells


class CachedExecutePreprocessor(CachedCells, ExecutePreprocessor):
    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        exporter = kw.get("parent")
        for other in getattr(exporter, "_preprocessors", None) or []:
            # the exporter's own ExecutePreprocessor (enabled by --execute) would run every cell a second time,
            # uncached: this one replaces it
            if type(other) is ExecutePreprocessor:
                other.enabled = False
