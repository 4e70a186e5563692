"""numpy and pandas fingerprints: by value (buffers, columns, index), independent of memory layout."""

import numpy as np
import pandas as pd

from xetcache import fingerprint


def test_numpy_arrays_by_value_not_layout():
    a = np.arange(24, dtype=np.float64).reshape(4, 6)
    assert fingerprint(a) == fingerprint(np.asfortranarray(a))
    assert fingerprint(a[:, ::2]) == fingerprint(a[:, ::2].copy())
    assert fingerprint(a.astype(">f8")) == fingerprint(a)  # byte order normalised
    assert fingerprint(a) != fingerprint(a.astype(np.float32))
    assert fingerprint(a) != fingerprint(a.reshape(6, 4))
    b = a.copy()
    b[3, 5] += 1e-9
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(np.array(3.0)) != fingerprint(np.array([3.0]))
    assert fingerprint(np.zeros((0, 3))) != fingerprint(np.zeros((3, 0)))
    dates = np.array(["2020-01-01", "2021-01-01"], dtype="M8[D]")
    assert fingerprint(dates) != fingerprint(dates.astype("M8[s]"))
    assert fingerprint(np.array([1, "x", None], dtype=object)) == fingerprint(np.array([1, "x", None], dtype=object))
    assert fingerprint(np.float64(1.5)) != fingerprint(1.5) and fingerprint(np.float64(1.5)) != fingerprint(np.float32(1.5))


def test_pandas_frames_series_and_indexes():
    def frame():
        return pd.DataFrame({"x": [1, 2, 3], "s": ["a", "b", "c"], "c": pd.Categorical(["u", "v", "u"]),
                             "f": [0.5, None, 2.0]}, index=["r1", "r2", "r3"])

    df = frame()
    assert fingerprint(df) == fingerprint(frame())
    changed = frame()
    changed.loc["r2", "s"] = "z"
    assert fingerprint(df) != fingerprint(changed)
    assert fingerprint(df) != fingerprint(df[["s", "x", "c", "f"]])  # column order is part of a frame
    assert fingerprint(df) != fingerprint(df.set_axis(["r1", "r2", "r4"]))
    assert fingerprint(df["x"]) != fingerprint(df["x"].rename("y"))
    assert fingerprint(pd.Series([1, "1"], dtype=object)) != fingerprint(pd.Series(["1", 1], dtype=object))
    assert fingerprint(pd.Series(["a", "b"], dtype=object)) != fingerprint(pd.Series(["b", "a"], dtype=object))
    mi = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])
    assert fingerprint(pd.Series([1, 2], index=mi)) != fingerprint(pd.Series([1, 2], index=mi[::-1]))
    assert fingerprint(pd.RangeIndex(5)) != fingerprint(pd.RangeIndex(6))
