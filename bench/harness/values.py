"""The values the benchmarks store: made the same way in every process from a small spec."""

from __future__ import annotations

from typing import Any, Dict


def make_value(spec: Dict[str, Any]) -> Any:
    import numpy as np

    kind, nbytes = spec["kind"], int(spec["bytes"])
    rng = np.random.default_rng(spec.get("seed", 0))
    if kind == "array":  # random float64: no compressor can cheat
        return rng.random(nbytes // 8)
    if kind == "frame":  # a typical table: 4 float columns, an int column, a short-label string column
        import pandas as pd

        rows = max(1, nbytes // 48)
        cols = {c: rng.random(rows) for c in "abcd"}
        cols["n"] = rng.integers(0, 1 << 40, rows)
        cols["label"] = pd.Series(rng.integers(0, 1000, rows)).map(lambda i: f"label-{i}")
        return pd.DataFrame(cols)
    if kind == "small":  # ~9 KiB pickled: a typical small result
        return {"scores": [i / 7 for i in range(1000)], "label": "ok"}
    raise ValueError(kind)


def value_bytes(value: Any) -> int:
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.nbytes
    try:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return int(value.memory_usage(deep=True).sum())
    except ImportError:
        pass
    import pickle

    return len(pickle.dumps(value))
